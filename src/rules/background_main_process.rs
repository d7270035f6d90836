//! DSIG011: the main process is started with `&` and no trap forwards
//! signals to it.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::HopKind;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig011,
    summary: "the main process is started in the background (`&`) and no trap forwards signals to it",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG011.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(chain) = cx.chain else {
        return vec![];
    };
    let mut out = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let (place, cmd, trap) = match &hop.kind {
            HopKind::Script {
                path: Some(rel),
                site: Some(site),
                trap,
                ..
            } if site.background => (format!("{rel}:{}", site.line), site.text.clone(), *trap),
            HopKind::Shell { text, run, .. } => {
                let Some((s, e)) = run.main_span.filter(|_| run.main_background) else {
                    continue;
                };
                (cx.hop_source(i), text[s..e].to_string(), run.trap)
            }
            _ => continue,
        };
        if trap {
            continue; // a trap that forwards the signal and waits works (fact 10)
        }
        let mut d = RULE.diag(
            Severity::Error,
            cx.hop_span(i),
            format!(
                "{place} starts `{cmd}` in the background with no trap: the shell ignores SIGTERM, and on SIGINT dash and busybox exit at once while `{cmd}` is SIGKILLed without running its shutdown handler"
            ),
        );
        d.set_label("the app runs behind `&`");
        d.set_help(format!(
            "run it in the foreground as the last command: `exec {cmd}`; or forward the signals: `{cmd} & pid=$!; trap 'kill -TERM $pid' TERM INT; wait $pid`"
        ));
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .file("bg.sh", "#!/bin/sh\n\"$@\" &\nwait\n")
            .file("trap.sh", "#!/bin/sh\n\"$@\" &\npid=$!\ntrap 'kill -TERM $pid' TERM INT\nwait $pid\n")
            .pass(&[
                "FROM debian\nCOPY trap.sh /\nENTRYPOINT [\"/trap.sh\"]\nCMD [\"node\", \"s.js\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"worker & exec node s.js\"]\n",
            ])
            .fail(&[
                "FROM debian\nCOPY bg.sh /\nENTRYPOINT [\"/bg.sh\"]\nCMD [\"node\", \"s.js\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"node s.js & wait\"]\n",
            ])
            .run();
    }
}
