//! Entrypoint scripts: find the command that starts the main process
//! (through `if`/`case` branches and functions such as `main "$@"`) and how
//! it is started.

use crate::diagnostic::Span;
use crate::shell::{self, CommandKind, Connector};

/// A command that ends the script's flow and starts a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Argv as written (unquoted values, raw text for words with expansions).
    pub words: Vec<String>,
    /// Raw words, to recognise `"$@"`.
    pub raw: Vec<String>,
    pub kind: CommandKind,
    pub exec: bool,
    /// Started with `&`.
    pub background: bool,
    /// Byte span of the command in the script text.
    pub span: Span,
    /// 1-based line in the script.
    pub line: usize,
    /// The command's text.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    /// The shell named by the shebang (`sh`, `bash`, ...), if any.
    pub interpreter: Option<String>,
    /// Every command that may end the script's flow, in source order.
    pub sites: Vec<Site>,
    /// The one that runs the container's command: the one using `"$@"` if
    /// any, else the last.
    pub main: Option<usize>,
    pub has_trap: bool,
    pub has_errors: bool,
}

/// Shebang interpreter of a script, e.g. `sh`, `bash`, `node`.
pub fn shebang(text: &str) -> Option<String> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("#!")?.trim();
    let mut parts = rest.split_whitespace();
    let prog = parts.next()?;
    let name = prog.rsplit('/').next().unwrap_or(prog);
    if name == "env" {
        let next = parts.find(|p| !p.starts_with('-'))?;
        return Some(next.rsplit('/').next().unwrap_or(next).to_string());
    }
    Some(name.to_string())
}

pub fn is_shell(name: &str) -> bool {
    matches!(name, "sh" | "bash" | "dash" | "ash" | "busybox")
}

pub fn analyze_script(text: &str) -> ScriptInfo {
    let a = shell::analyze(text);
    let mut sites = Vec::new();
    let funcs = a.function_bodies(text);
    collect(text, 0, &funcs, Some(&a), &mut sites, 0);
    let main = sites
        .iter()
        .rposition(|s| s.raw.iter().any(|w| is_all_args(w)))
        .or_else(|| sites.len().checked_sub(1));
    ScriptInfo {
        interpreter: shebang(text),
        sites,
        main,
        has_trap: a.has_trap,
        has_errors: a.has_errors,
    }
}

/// `"$@"`, `$@`, `"${@}"`, `${@}`.
pub fn is_all_args(w: &str) -> bool {
    matches!(w, "\"$@\"" | "$@" | "\"${@}\"" | "${@}")
}

/// Functions defined in the script: name and body span.
type Funcs = [(String, Span)];

fn collect(
    full: &str,
    offset: usize,
    funcs: &Funcs,
    pre: Option<&shell::Analysis>,
    out: &mut Vec<Site>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let text = &full[offset..];
    let own;
    let a = match pre {
        Some(a) => a,
        None => {
            own = shell::analyze(text);
            &own
        }
    };
    let Some(m) = a.main_command() else { return };
    // the body of a function called as the main command (`main "$@"`);
    // the last definition before the call wins, as in the shell
    let body_of = |name: &str| {
        funcs
            .iter()
            .rfind(|(n, b)| n == name && b.start < offset + m.span.start)
            .or_else(|| funcs.iter().rfind(|(n, _)| n == name))
            .map(|(_, b)| *b)
    };
    let span = Span::new(offset + m.span.start, offset + m.span.end);
    match m.kind {
        CommandKind::Compound if !is_loop(&text[m.span.start..m.span.end]) => {
            let blocks = a.blocks(text, m.span);
            if blocks.is_empty() {
                return;
            }
            for b in blocks {
                collect_block(
                    full,
                    offset + b.start,
                    offset + b.end,
                    funcs,
                    out,
                    depth + 1,
                );
            }
        }
        CommandKind::Simple if !m.exec && m.name().and_then(body_of).is_some() => {
            if let Some(body) = m.name().and_then(body_of)
                && !(body.start <= offset && offset < body.end && depth > 4)
            {
                collect_block(full, body.start, body.end, funcs, out, depth + 1);
            }
        }
        _ => {
            let line = full[..span.start].matches('\n').count() + 1;
            out.push(Site {
                words: m
                    .words
                    .iter()
                    .map(|w| w.value.clone().unwrap_or_else(|| w.raw.clone()))
                    .collect(),
                raw: m.words.iter().map(|w| w.raw.clone()).collect(),
                kind: m.kind,
                exec: m.exec,
                background: m.connector == Connector::Background,
                span,
                line,
                text: full[span.start..span.end].to_string(),
            });
        }
    }
}

/// `while`, `until` and `for` loops: their bodies repeat, they do not end
/// the script's flow with one command.
pub fn is_loop(text: &str) -> bool {
    let t = text.trim_start();
    ["while", "until", "for"].iter().any(|k| {
        t.strip_prefix(k)
            .is_some_and(|r| r.starts_with([' ', '\t', '\n', '(', ';']))
    })
}

/// Analyse a block `[start, end)` of the full text on its own.
fn collect_block(
    full: &str,
    start: usize,
    end: usize,
    funcs: &Funcs,
    out: &mut Vec<Site>,
    depth: usize,
) {
    let mut sub = Vec::new();
    let block = &full[..end];
    collect(block, start, funcs, None, &mut sub, depth);
    // spans and lines are already relative to `full` (same prefix)
    out.extend(sub);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main_site(t: &str) -> Site {
        let i = analyze_script(t);
        i.sites[i.main.unwrap()].clone()
    }

    #[test]
    fn shebangs() {
        assert_eq!(shebang("#!/bin/sh\n").as_deref(), Some("sh"));
        assert_eq!(shebang("#!/usr/bin/env bash\n").as_deref(), Some("bash"));
        assert_eq!(
            shebang("#!/usr/bin/env -S node --x\n").as_deref(),
            Some("node")
        );
        assert_eq!(shebang("echo\n"), None);
    }

    #[test]
    fn exec_at_end() {
        let s = main_site(
            "#!/bin/sh\nset -e\nif [ \"${1#-}\" != \"$1\" ]; then\n  set -- node \"$@\"\nfi\nexec \"$@\"\n",
        );
        assert!(s.exec);
        assert_eq!(s.line, 6);
        assert_eq!(s.raw, ["exec", "\"$@\""]);
    }

    #[test]
    fn no_exec_and_background() {
        let s = main_site("#!/bin/sh\nnpm run migrate\nnode server.js\n");
        assert!(!s.exec);
        assert_eq!(s.words, ["node", "server.js"]);
        assert_eq!(s.line, 3);
        let s = main_site("#!/bin/sh\n\"$@\" &\nwait\n");
        assert!(s.background);
    }

    #[test]
    fn through_branches_and_functions() {
        let t = "#!/bin/bash\nmain() {\n  if [ \"$1\" = web ]; then\n    exec node s.js\n  fi\n  \"$@\"\n}\nmain \"$@\"\n";
        let i = analyze_script(t);
        let s = &i.sites[i.main.unwrap()];
        assert_eq!(s.raw, ["\"$@\""]);
        assert_eq!(s.line, 6);
        assert!(!s.exec);
        let t = "#!/bin/bash\n_main() {\n  exec \"$@\"\n}\nif ! _is_sourced; then\n  _main \"$@\"\nfi\n";
        let i = analyze_script(t);
        assert_eq!(i.sites.len(), 1);
        assert!(i.sites[0].exec);
        let t = "#!/bin/sh\ncase \"$1\" in\n  web) exec node s.js ;;\n  *) exec \"$@\" ;;\nesac\n";
        let i = analyze_script(t);
        assert_eq!(i.sites.len(), 2);
        assert!(i.sites.iter().all(|s| s.exec));
        assert_eq!(i.sites[1].line, 4);
    }
}
