//! DSIG012: the main process only keeps the container alive
//! (`tail -f /dev/null`, `sleep infinity`, an endless loop).

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::script::is_loop;
use crate::model::{HopKind, Relation};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig012,
    summary: "the main process is `tail -f /dev/null`, `sleep infinity` or an endless loop",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG012.md"),
    check,
};

/// `tail -f /dev/null`, `sleep infinity`, a sleep of a day or more.
pub fn is_keepalive(argv: &[String]) -> bool {
    let prog = argv.first().map(|p| crate::dirs::basename(p)).unwrap_or("");
    match prog {
        "tail" => {
            argv.iter()
                .any(|a| a == "-f" || a == "-F" || a == "--follow")
                && argv.iter().any(|a| a == "/dev/null")
        }
        "sleep" => argv
            .get(1)
            .is_some_and(|a| a == "infinity" || a.parse::<f64>().is_ok_and(|n| n >= 86_400.0)),
        _ => false,
    }
}

fn endless(text: &str) -> bool {
    let t = text.trim_start();
    is_loop(t)
        && [
            "while true",
            "while :",
            "while [ 1 ]",
            "while [ true ]",
            "until false",
            "while sleep",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// A loop that only sleeps (`while true; do sleep 10; done`), as opposed
/// to one that does the work itself.
fn sleeps_only(text: &str) -> bool {
    let Some(body) = text.split_once(" do").map(|(_, b)| b) else {
        return false;
    };
    let body = body.rsplit_once("done").map_or(body, |(b, _)| b);
    body.split([';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .all(|c| c == ":" || c == "true" || c.starts_with("sleep "))
}

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(chain) = cx.chain else {
        return vec![];
    };
    // (hop, what runs, whether it is a loop that does work itself)
    let mut found: Option<(usize, String, bool)> = None;
    if let Some(main) = chain.main()
        && matches!(main.kind, HopKind::App { .. })
        && is_keepalive(&main.argv)
    {
        found = Some((chain.hops.len() - 1, main.argv.join(" "), false));
    }
    if found.is_none()
        && let Some(last) = chain.hops.last()
    {
        let loop_text = match &last.kind {
            HopKind::Shell { text, run, .. } => run.main_span.map(|(s, e)| text[s..e].to_string()),
            HopKind::Script { site: Some(s), .. } => Some(s.text.clone()),
            _ => None,
        };
        if let Some(t) = loop_text.filter(|t| endless(t)) {
            let first = t.lines().next().unwrap_or(&t).to_string();
            found = Some((chain.hops.len() - 1, format!("{first} …"), !sleeps_only(&t)));
        }
    }
    let Some((i, what, works)) = found else {
        return vec![];
    };
    let pid1 = chain.pid1() == Some(i)
        || matches!(chain.hops[i].relation, Relation::Pid1 | Relation::Exec)
            && chain.pid1() >= Some(i);
    let under_init = chain.init_before(i).is_some();
    let waits = match cx.placement {
        None => {
            "every `docker stop` waits for the stop timeout (10 s by default) and then SIGKILLs it"
                .to_string()
        }
        Some(p) => format!(
            "every stop waits, and the container is SIGKILLed {}",
            p.grace_text()
        ),
    };
    let (severity, message) = if works {
        // the loop is the work: only its stop is at stake, and only when
        // the shell running it is PID 1 (under an init it dies on SIGTERM)
        if !pid1 || under_init {
            return vec![];
        }
        (
            Severity::Warning,
            format!(
                "the main process is the endless loop `{what}`, which the shell runs itself: as PID 1 the shell has no handler and ignores SIGTERM, so {waits}"
            ),
        )
    } else if pid1 && !under_init {
        (
            Severity::Warning,
            format!(
                "the main process is `{what}`, which only keeps the container alive: as PID 1 it has no handler and ignores SIGTERM, so {waits}, and whatever does the work runs unsupervised"
            ),
        )
    } else {
        (
            Severity::Info,
            format!(
                "the main process is `{what}`, which only keeps the container alive: whatever does the work runs unsupervised and gets no stop signal"
            ),
        )
    };
    let mut d = RULE.diag(severity, cx.hop_span(i), message);
    d.set_label("keeps the container alive");
    d.set_help("run the service itself in the foreground as the main process (exec form, or `exec` in a script); for an idle debug container, add `--init` so it stops at once");
    vec![d]
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM debian\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sh\", \"-c\", \"while true; do date; sleep 1; done\"]\n",
                "FROM debian\nCMD [\"tail\", \"-f\", \"/var/log/app.log\"]\n",
                "FROM debian\nCMD [\"sleep\", \"5\"]\n",
                "FROM debian\nCMD [\"node\", \"s.js\"]\n",
            ])
            .fail(&[
                "FROM debian\nCMD [\"sh\", \"-c\", \"while true; do date; sleep 1; done\"]\n",
                "FROM debian\nCMD [\"tail\", \"-f\", \"/dev/null\"]\n",
                "FROM alpine\nCMD sleep infinity\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"while true; do sleep 3600; done\"]\n",
                "FROM debian\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sleep\", \"infinity\"]\n",
            ])
            .run();
    }
}
