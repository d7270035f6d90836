//! DSIG019: `shareProcessNamespace: true`: no container's process is PID 1.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig019,
    summary: "`shareProcessNamespace: true`: the pod's pause process is PID 1, so an app without a SIGTERM handler dies at once instead of ignoring the signal",
    default_severity: Severity::Info,
    doc: include_str!("../../rules/DSIG019.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(p) = cx.placement else {
        return vec![];
    };
    let Some(share) = p.share_process_namespace.as_ref().filter(|s| s.value) else {
        return vec![];
    };
    if !p.first_in_pod {
        return vec![];
    }
    let mut d = RULE.diag(
        Severity::Info,
        share.span,
        format!(
            "shareProcessNamespace: true ({}): the pod's pause process is PID 1 and no container's process is; an app without a handler for the stop signal then dies at once on SIGTERM instead of ignoring it, so it stops without its shutdown (fact 30). dsig's PID 1 rules (missing init, shells and package managers in front of the app) are not applied to this pod: what a shell that is not PID 1 does with SIGTERM has not been measured",
            p.workload
        ),
    );
    d.set_label("no container is PID 1 of its own");
    d.set_help(
        "give each app a handler for SIGTERM that shuts it down cleanly; remove shareProcessNamespace unless the containers need to see each other's processes",
    );
    vec![d]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::manifest_codes as codes;

    #[test]
    fn rule() {
        let text = "kind: Pod\nspec:\n  shareProcessNamespace: SHARE\n  containers:\n    - name: a\n      image: node:22\n      command: [sh, -c, \"node server.js\"]\n    - name: b\n      image: node:22\n      command: [node, b.js]\n";
        assert_eq!(codes(&text.replace("SHARE", "true")), ["DSIG019"]);
        let alone = codes(&text.replace("SHARE", "false"));
        assert!(
            !alone.contains(&"DSIG019") && alone.contains(&"DSIG007"),
            "{alone:?}"
        );
    }
}
