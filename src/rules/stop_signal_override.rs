//! DSIG018: a manifest's stop signal replaces the one the image chose.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::signal::Signal;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig018,
    summary: "`lifecycle.stopSignal` replaces the STOPSIGNAL the image chose, so the app is stopped with a signal it was not built for",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG018.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(p) = cx.placement else {
        return vec![];
    };
    let (Some(set), Some((image_sig, image_origin))) = (
        p.container.stop_signal.as_ref(),
        p.image_stop_signal.as_ref(),
    ) else {
        return vec![];
    };
    let (Ok(ours), Ok(theirs)) = (Signal::parse(&set.value), Signal::parse(image_sig)) else {
        return vec![];
    };
    if ours == theirs {
        return vec![];
    }
    let (ours, theirs) = (ours.name(), theirs.name());
    let mut d = RULE.diag(
        Severity::Warning,
        set.span,
        format!(
            "lifecycle.stopSignal {ours} replaces the image's STOPSIGNAL {theirs} ({}): {} is stopped with {ours}, not the signal its image chose for a clean stop",
            image_origin.describe(),
            p.container.describe()
        ),
    );
    d.set_label(format!("the image stops with {theirs}"));
    d.set_help(format!(
        "remove lifecycle.stopSignal to keep the image's {theirs}, or set it to {theirs}; if the app now handles {ours}, change STOPSIGNAL in its image instead"
    ));
    vec![d]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::manifest_codes as codes;

    fn pod(image: &str, signal: &str) -> String {
        format!(
            "kind: Pod\nspec:\n  containers:\n    - name: c\n      image: {image}\n      args: [\"x\"]\n      lifecycle:\n        stopSignal: {signal}\n"
        )
    }

    #[test]
    fn rule() {
        // a base image that chose SIGQUIT (php-fpm, no finding of DSIG014
        // for an app dsig does not know)
        let found = codes(&pod("nginx:1.27", "SIGTERM"));
        assert!(found.contains(&"DSIG018"), "{found:?}");
        assert!(codes(&pod("nginx:1.27", "SIGQUIT")).is_empty());
        assert!(codes(&pod("debian:12", "SIGINT")).is_empty());
        assert!(codes(&pod("acme/unknown", "SIGINT")).is_empty());
    }
}
