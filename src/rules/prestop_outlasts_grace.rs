//! DSIG017: a preStop hook sleeps as long as the grace period, or longer.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig017,
    summary: "the preStop hook sleeps as long as the grace period or longer, so the app gets SIGTERM only 2 s before SIGKILL",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG017.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(p) = cx.placement else {
        return vec![];
    };
    let (Some(sleep), Some(grace), Some(hook)) = (
        p.pre_stop_sleep,
        p.grace_seconds(),
        p.container.pre_stop.as_ref(),
    ) else {
        return vec![];
    };
    if sleep < grace {
        return vec![];
    }
    let field = p.platform.grace_field();
    let grace_said = match &p.grace {
        Some(g) => format!("{field}: {} (line {})", g.value, g.line),
        None => format!("{field} is not set: {grace} s by default"),
    };
    let mut d = RULE.diag(
        Severity::Error,
        hook.span,
        format!(
            "the preStop hook of {} sleeps {sleep} s and the grace period is {grace} s ({grace_said}): the kubelet sends SIGTERM only when the hook returns, and the hook's time counts against the grace period, so the app gets SIGTERM at most 2 s before SIGKILL and cannot shut down cleanly",
            p.container.describe()
        ),
    );
    d.set_label(format!("sleeps {sleep} s of a {grace} s grace period"));
    d.set_help(format!(
        "make {field} longer than the hook's sleep plus the time the app needs to shut down (e.g. {field}: {}), or sleep less in the hook",
        sleep + 30
    ));
    vec![d]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::manifest_codes as codes;

    const POD: &str = "kind: Pod\nspec:\n  GRACE\n  containers:\n    - name: web\n      image: nginx\n      lifecycle:\n        preStop:\n          HOOK\n";

    fn pod(grace: &str, hook: &str) -> String {
        POD.replace("GRACE", grace).replace("HOOK", hook)
    }

    #[test]
    fn rule() {
        let fire = [
            pod("terminationGracePeriodSeconds: 10", "sleep: {seconds: 10}"),
            pod("{}", "exec: {command: [sleep, \"45\"]}").replace("{}", "hostNetwork: false"),
            pod(
                "terminationGracePeriodSeconds: 20",
                "exec: {command: [\"/bin/sh\", \"-c\", \"sleep 15; nginx -s quit; sleep 5\"]}",
            ),
        ];
        for f in &fire {
            assert_eq!(codes(f), ["DSIG017"], "{f}");
        }
        let pass = [
            pod("terminationGracePeriodSeconds: 60", "sleep: {seconds: 10}"),
            pod("hostNetwork: false", "exec: {command: [sleep, \"5\"]}"),
            pod(
                "terminationGracePeriodSeconds: 5",
                "httpGet: {path: /stop, port: 80}",
            ),
            pod(
                "terminationGracePeriodSeconds: 5",
                "exec: {command: [/wait-shutdown]}",
            ),
        ];
        for f in &pass {
            assert!(codes(f).is_empty(), "{f}");
        }
    }
}
