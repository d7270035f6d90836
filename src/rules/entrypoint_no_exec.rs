//! DSIG006: an entrypoint script in the build context starts the main
//! process without `exec`.

use super::helpers::GRACE;
use super::{Rule, RuleContext};
use crate::diagnostic::{Applicability, Diagnostic, Edit, FileRef, Fix, Severity, Span};
use crate::model::chain::basename;
use crate::model::script::{self, Site};
use crate::model::{HopKind, Relation};
use crate::shell::CommandKind;

pub static RULE: Rule = Rule {
    code: "DSIG006",
    name: "entrypoint-no-exec",
    summary: "an entrypoint script starts the main process without `exec`, so the script's shell stays PID 1",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG006.md"),
    check,
};

/// File utilities that finish at once: a script ending with one of them is
/// not starting a main process.
const ONE_SHOT: &[&str] = &[
    "mkdir", "chown", "chmod", "cp", "mv", "rm", "ln", "touch", "cat", "sed", "test", "[", "cd",
    "export", "source", ".", "unset", "umask", "ulimit",
];

/// Commands that end a script but are not the main process.
fn is_noise(site: &Site) -> bool {
    let prog = site.words.first().map(|w| basename(w)).unwrap_or("");
    // a command name only known at run time (`exec_${EDITION}`): cannot judge
    let dynamic = site
        .raw
        .first()
        .is_some_and(|r| r.contains('$') && !script::is_all_args(r));
    dynamic
        || ONE_SHOT.contains(&prog)
        || site.background
        || site.exec
        || !matches!(site.kind, CommandKind::Simple)
        || matches!(
            prog,
            "su" | "runuser"
                | "wait"
                | "exit"
                | "echo"
                | "printf"
                | "true"
                | ":"
                | "false"
                | "return"
                | "exec"
                | "set"
                | "shift"
        )
}

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(chain) = cx.chain else {
        return vec![];
    };
    let mut out = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let HopKind::Script {
            path: Some(rel),
            shell,
            sites,
            main,
            ..
        } = &hop.kind
        else {
            continue;
        };
        let info = crate::model::script::ScriptInfo {
            interpreter: None,
            sites: sites.clone(),
            main: *main,
            has_trap: false,
            has_errors: false,
        };
        let shell_name = shell.map(|s| s.display()).unwrap_or("sh");
        let is_pid1 = matches!(hop.relation, Relation::Pid1 | Relation::Exec);
        let init = chain.init_before(i).map(|h| h.program().to_string());
        for (n, site) in info.sites.iter().enumerate() {
            if is_noise(site) {
                continue;
            }
            let app = site
                .words
                .iter()
                .zip(&site.raw)
                .skip_while(|(w, _)| *w == "eval")
                .map(|(w, r)| {
                    if script::is_all_args(r) || r.contains('$') {
                        "the container's command".to_string()
                    } else {
                        basename(w).to_string()
                    }
                })
                .next()
                .unwrap_or_default();
            let branch = if info.sites.len() > 1 && Some(n) != info.main {
                " in one of its branches"
            } else {
                ""
            };
            let consequence = if let Some(init) = &init {
                format!(
                    "{init} forwards SIGTERM to the script's shell ({shell_name}), not to {app}, which is killed without running its shutdown handler"
                )
            } else if is_pid1 {
                format!(
                    "the script's shell ({shell_name}) stays PID 1 and ignores SIGTERM: {app} never sees it and is SIGKILLed {GRACE}"
                )
            } else {
                format!("the script's shell ({shell_name}) stays between the signal and {app}")
            };
            // Error where the script launches the container's command or a
            // service; a one-shot job script, or a side branch, is a warning.
            let runs_args = site.raw.iter().any(|r| script::is_all_args(r));
            let service = runs_args
                || cx.launch.is_some_and(|l| {
                    let st = &cx.stages[l.stage];
                    cx.df.instructions[st.from..st.end]
                        .iter()
                        .any(|i| i.kind == crate::parse::Kind::Expose)
                })
                || crate::model::chain::runtime_of(&app).is_some();
            let runtime = crate::model::chain::runtime_of(&app).is_some();
            let severity = if runtime || (service && branch.is_empty()) {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut d = RULE.diag(
                severity,
                cx.hop_span(i),
                format!(
                    "{rel}:{} starts `{}` without exec{branch}: no shell execs the last command of a script file, so {consequence}",
                    site.line, site.text
                ),
            );
            d.label = Some(format!("runs {rel}"));
            let fixed = match site.text.strip_prefix("eval ") {
                Some(rest) => format!("eval exec {rest}"),
                None => format!("exec {}", site.text),
            };
            d.help = Some(format!("write `{fixed}` on line {} of {rel}", site.line));
            d.fix = (script_fix(cx, rel, site)).map(Box::new);
            out.push(d);
        }
    }
    out
}

/// Insert `exec ` in front of the command in the script (after `eval `,
/// or `exec env ` before assignments). Unsafe: it edits a second file, and
/// nothing after the command runs any more.
fn script_fix(cx: &RuleContext, rel: &str, site: &Site) -> Option<Fix> {
    let dir = cx.context.dir.as_ref()?;
    let text = cx.context.read(rel)?;
    if text.get(site.span.start..site.span.end)? != site.text {
        return None;
    }
    let (at, insert) = if site.text.starts_with("eval ") {
        (site.span.start + 5, "exec ")
    } else if site
        .text
        .split_whitespace()
        .next()
        .is_some_and(|w| w.contains('=') && !w.starts_with('='))
    {
        (site.span.start, "exec env ")
    } else {
        (site.span.start, "exec ")
    };
    let lines = crate::lines::LineIndex::new(&text);
    let (line, column) = lines.line_col(&text, at);
    let expect = text[at..site.span.end].to_string();
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            span: Span::new(at, at),
            replacement: insert.to_string(),
            file: Some(FileRef {
                path: dir.join(rel),
                display: rel.to_string(),
                line,
                column,
                end_line: line,
                end_column: column,
                expect,
            }),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    const DF: &str = "FROM node:22-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"node\", \"server.js\"]\n";

    #[test]
    fn without_exec() {
        Tester::new(&RULE)
            .file(
                "docker-entrypoint.sh",
                "#!/bin/sh\nset -e\nnpm run migrate\n\"$@\"\n",
            )
            .fail(&[DF])
            .run();
    }

    #[test]
    fn with_exec() {
        Tester::new(&RULE)
            .snapshot("exec")
            .file("docker-entrypoint.sh", "#!/bin/sh\nset -e\nif [ \"$1\" = web ]; then\n  exec node web.js\nfi\nexec \"$@\"\n")
            .pass(&[DF, "FROM node:22-slim\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"])
            .fail(&[])
            .run();
    }

    #[test]
    fn branches_and_functions() {
        Tester::new(&RULE)
            .snapshot("branches")
            .file("docker-entrypoint.sh", "#!/bin/bash\nmain() {\n  case \"$1\" in\n    web) node web.js ;;\n    *) exec \"$@\" ;;\n  esac\n}\nmain \"$@\"\n")
            .fail(&[DF])
            .run();
    }
}
