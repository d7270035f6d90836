//! DSIG006: an entrypoint script in the build context starts the main
//! process without `exec`.

use super::helpers::{self, Seat};
use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, FileRef, Fix, Severity, Span};
use crate::dirs::basename;
use crate::model::HopKind;
use crate::model::chain::Heredoc;
use crate::model::script::{self, Site};
use crate::shell::CommandKind;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig006,
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
        || site.words.is_empty()
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
            text: Some(text),
            heredoc,
            shell,
            sites,
            main,
            ..
        } = &hop.kind
        else {
            continue;
        };
        let script = Script {
            hop: i,
            rel,
            text,
            heredoc: heredoc.as_ref(),
            shell_name: shell.map(|s| s.display()).unwrap_or("sh"),
            seat: helpers::seat(chain, i),
            grace: cx.grace(),
            branches: sites.len() > 1,
            main: *main,
        };
        for (n, site) in sites.iter().enumerate() {
            if !is_noise(site) {
                out.push(script.finding(cx, n, site));
            }
        }
    }
    out
}

/// An entrypoint script of the chain, as its findings describe it.
struct Script<'a> {
    /// The script's hop in the chain.
    hop: usize,
    /// Its path in the build context.
    rel: &'a str,
    text: &'a str,
    heredoc: Option<&'a Heredoc>,
    shell_name: &'a str,
    seat: Seat,
    /// When SIGKILL comes, for messages.
    grace: String,
    /// More than one command may end the script.
    branches: bool,
    /// Index of the site that starts the main process.
    main: Option<usize>,
}

impl Script<'_> {
    /// The finding for site `n`, a command that ends the script without `exec`.
    fn finding(&self, cx: &RuleContext, n: usize, site: &Site) -> Diagnostic {
        let rel = self.rel;
        let app = app_name(site);
        let branch = if self.branches && Some(n) != self.main {
            " in one of its branches"
        } else {
            ""
        };
        let consequence = self.consequence(&app);
        let mut d = RULE.diag(
            severity(cx, site, &app, !branch.is_empty()),
            cx.hop_span(self.hop),
            format!(
                "{rel}:{} starts `{}` without exec{branch}: no shell execs the last command of a script file, so {consequence}",
                site.line, site.text
            ),
        );
        d.set_label(format!("runs {rel}"));
        match exec_edit(site, sources_a_file(self.text)) {
            Ok(edit) => self.help_and_fix(cx, &mut d, site, &edit),
            Err(why) => d.set_help(why),
        }
        d
    }

    /// What the script's shell staying does to the signal.
    fn consequence(&self, app: &str) -> String {
        let (shell_name, grace) = (self.shell_name, &self.grace);
        match &self.seat {
            Seat::UnderInit(init) => format!(
                "{init} forwards SIGTERM to the script's shell ({shell_name}), not to {app}, which is killed without running its shutdown handler"
            ),
            Seat::Pid1 => format!(
                "the script's shell ({shell_name}) stays PID 1 and ignores SIGTERM: {app} never sees it and is SIGKILLed {grace}"
            ),
            Seat::Between => {
                format!("the script's shell ({shell_name}) stays between the signal and {app}")
            }
        }
    }

    /// The line to write, and the edit of the script or the heredoc.
    fn help_and_fix(&self, cx: &RuleContext, d: &mut Diagnostic, site: &Site, edit: &ExecEdit) {
        let rel = self.rel;
        let mut fixed = site.text.clone();
        fixed.replace_range(edit.at..edit.at + edit.remove, edit.insert);
        let place = match self.heredoc {
            Some(h) => format!(
                "line {} of the Dockerfile (line {} of {rel}, written by a heredoc)",
                h.line + site.line - 1,
                site.line
            ),
            None => format!("line {} of {rel}", site.line),
        };
        d.set_help(format!("write `{}` on {place}", helpers::shown(&fixed)));
        let fix = match self.heredoc {
            Some(h) => heredoc_fix(cx, h, site, edit),
            None => script_fix(cx, rel, self.text, site, edit),
        };
        if let Some(f) = fix {
            d.set_fix(f);
        }
    }
}

/// The program a site starts, as a message names it: the container's
/// command when it runs `"$@"` or a name known only at run time.
fn app_name(site: &Site) -> String {
    site.words
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
        .unwrap_or_default()
}

/// Error where the script launches the container's command or a service;
/// a one-shot job script, or a side branch, is a warning.
fn severity(cx: &RuleContext, site: &Site, app: &str, side_branch: bool) -> Severity {
    let runtime = crate::model::chain::runtime_of(app).is_some();
    let runs_args = site.raw.iter().any(|r| script::is_all_args(r));
    let service = runs_args || exposes_a_port(cx) || runtime;
    if runtime || (service && !side_branch) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// The stage that runs has an EXPOSE instruction.
fn exposes_a_port(cx: &RuleContext) -> bool {
    cx.launch.is_some_and(|l| {
        let st = &cx.stages[l.stage];
        cx.df.instructions[st.from..st.end]
            .iter()
            .any(|i| i.kind == crate::parse::Kind::Expose)
    })
}

/// Where `exec` goes in a site's text: replace `remove` bytes at `at` with
/// `insert`.
struct ExecEdit {
    at: usize,
    remove: usize,
    insert: &'static str,
}

/// Programs found on PATH in any image that has them: a call of another
/// name, in a script that sources a file, may be a function of that file.
const KNOWN_PROGRAMS: &[&str] = &[
    "node",
    "nodejs",
    "python",
    "python3",
    "java",
    "ruby",
    "perl",
    "php",
    "php-fpm",
    "deno",
    "bun",
    "nginx",
    "httpd",
    "apache2",
    "gunicorn",
    "uvicorn",
    "redis-server",
    "postgres",
    "mysqld",
    "mongod",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "dotnet",
    "supervisord",
    "caddy",
    "haproxy",
    "envoy",
    "java",
    "catalina.sh",
    "sh",
    "bash",
];

/// Whether a script reads another file into itself (`. file`, `source file`).
fn sources_a_file(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        (t.starts_with(". ") || t.starts_with("source ")) && t.split_whitespace().count() >= 2
    })
}

/// How to make the site's shell replace itself with the command, as the
/// measured forms allow (fact 34: `eval exec "$@"`, `exec env VAR=x cmd`),
/// or why no `exec` can be written in front of it.
fn exec_edit(site: &Site, sources: bool) -> Result<ExecEdit, String> {
    let text = &site.text;
    if text.starts_with("eval ") {
        return Ok(ExecEdit {
            at: 5,
            remove: 0,
            insert: "exec ",
        });
    }
    let first = text.split_whitespace().next().unwrap_or("");
    match first {
        // `command node x` bypasses functions; so does exec, which runs
        // programs only: `exec node x`
        "command" | "builtin" => {
            return Ok(ExecEdit {
                at: 0,
                remove: first.len(),
                insert: "exec",
            });
        }
        "coproc" | "!" => {
            return Err(format!(
                "`{first}` cannot be exec'd: start the program itself with `exec` as the script's last command"
            ));
        }
        _ => {}
    }
    if first.contains('=') && !first.starts_with('=') {
        return Ok(ExecEdit {
            at: 0,
            remove: 0,
            insert: "exec env ",
        });
    }
    let prog = site.words.first().map(|w| basename(w)).unwrap_or("");
    let is_path = site.words.first().is_some_and(|w| w.contains('/'));
    if sources
        && !is_path
        && !KNOWN_PROGRAMS.contains(&prog)
        && !site.raw.first().is_some_and(|r| script::is_all_args(r))
    {
        return Err(format!(
            "the script sources another file, so `{prog}` may be a function defined there, which `exec` cannot run: write `exec` in front of the program that `{prog}` starts"
        ));
    }
    Ok(ExecEdit {
        at: 0,
        remove: 0,
        insert: "exec ",
    })
}

/// The edit in a script the Dockerfile writes itself (`COPY <<'EOF'`): an
/// edit of the Dockerfile. Unsafe: nothing after the command runs any more.
fn heredoc_fix(cx: &RuleContext, h: &Heredoc, site: &Site, edit: &ExecEdit) -> Option<Fix> {
    let off = h.offset?;
    let (start, end) = (off + site.span.start, off + site.span.end);
    if cx.src.get(start..end)? != site.text {
        return None;
    }
    let at = start + edit.at;
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits: vec![Edit::new(Span::new(at, at + edit.remove), edit.insert)],
    })
}

/// The edit in the script. Unsafe: it edits a second file, and nothing
/// after the command runs any more.
fn script_fix(
    cx: &RuleContext,
    rel: &str,
    text: &str,
    site: &Site,
    edit: &ExecEdit,
) -> Option<Fix> {
    let dir = cx.context.dir.as_ref()?;
    if text.get(site.span.start..site.span.end)? != site.text {
        return None;
    }
    let at = site.span.start + edit.at;
    let lines = crate::lines::LineIndex::new(text);
    let (line, column) = lines.line_col(text, at);
    let (end_line, end_column) = lines.line_col(text, at + edit.remove);
    let expect = text[at..site.span.end].to_string();
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            span: Span::new(at, at + edit.remove),
            replacement: edit.insert.to_string(),
            file: Some(FileRef {
                path: dir.join(rel),
                display: rel.to_string(),
                line,
                column,
                end_line,
                end_column,
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

    /// The help and the fix write the same line, in the forms the
    /// measurements allow, or say why no `exec` can be written.
    #[test]
    fn exec_forms() {
        for (name, script) in [
            ("eval", "#!/bin/sh\nset -e\neval \"$@\"\n"),
            (
                "assignment",
                "#!/bin/sh\nset -e\nPGPASSWORD=\"$DB_PASS\" pg_dump -h db app\n",
            ),
            ("command", "#!/bin/sh\nset -e\ncommand node server.js\n"),
            (
                "sourced",
                "#!/bin/sh\nset -e\n. /usr/local/lib/functions.sh\nrun_server --port 80\n",
            ),
            (
                "sourced-known",
                "#!/bin/sh\nset -e\n. /usr/local/lib/functions.sh\nnode server.js\n",
            ),
        ] {
            Tester::new(&RULE)
                .snapshot(&format!("form-{name}"))
                .file("docker-entrypoint.sh", script)
                .fail(&[DF])
                .run();
        }
        // a coprocess runs in the background (DSIG011's case, not this one)
        Tester::new(&RULE)
            .snapshot("form-coproc")
            .file(
                "docker-entrypoint.sh",
                "#!/bin/bash\nset -e\ncoproc node server.js\n",
            )
            .pass(&[DF])
            .fail(&[])
            .run();
        // a bare assignment is not the main process
        Tester::new(&RULE)
            .snapshot("form-bare-assignment")
            .file(
                "docker-entrypoint.sh",
                "#!/bin/sh\nset -e\nexec node a.js\nx=$(node s.js)\n",
            )
            .pass(&[DF])
            .fail(&[])
            .run();
    }
}
