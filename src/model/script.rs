//! Entrypoint scripts: find the command that starts the main process
//! (through `if`/`case` branches and functions such as `main "$@"`) and how
//! it is started.

use crate::diagnostic::Span;
use crate::lines::LineIndex;
use crate::shell::{self, Command, CommandKind, Connector};
use std::collections::{HashMap, HashSet};

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
    /// `VAR=value` assignments in front of the command (raw).
    pub env: Vec<String>,
    /// `false` when the script's first argument is known and the branch
    /// holding this command is not taken with it.
    pub reachable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    /// The shell named by the shebang (`sh`, `bash`, ...), if any.
    pub interpreter: Option<String>,
    /// Every command that may end the script's flow, in source order.
    pub sites: Vec<Site>,
    /// The one that runs the container's command: of the reachable ones,
    /// the one using `"$@"` if any, else the last.
    pub main: Option<usize>,
    pub has_trap: bool,
}

/// Shebang interpreter of a script, e.g. `sh`, `bash`, `node`.
pub fn shebang(text: &str) -> Option<String> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("#!")?.trim();
    let mut parts = rest.split_whitespace();
    let prog = parts.next()?;
    let name = crate::dirs::basename(prog);
    if name == "env" {
        let next = parts.find(|p| !p.starts_with('-'))?;
        return Some(crate::dirs::basename(next).to_string());
    }
    Some(name.to_string())
}

pub fn is_shell(name: &str) -> bool {
    matches!(name, "sh" | "bash" | "dash" | "ash" | "busybox")
}

pub fn analyze_script(text: &str) -> ScriptInfo {
    analyze_script_with(text, None)
}

/// [`analyze_script`], knowing the script's first argument (`$1`): an
/// `if [ "$1" = x ]` or `case "$1" in` then takes only the branch that
/// argument selects, and the commands of the other branches are kept as
/// not reachable.
///
/// The same script is asked about again and again (by the model and the
/// check of each fix, and by every Dockerfile that copies it): results are
/// kept for the run, for scripts up to 64 KiB and 1 MiB of them in all.
pub fn analyze_script_with(text: &str, arg1: Option<&str>) -> ScriptInfo {
    // by text (looked up without a copy), then by argument
    type ByArg = Vec<(Option<String>, ScriptInfo)>;
    type Cache = (usize, HashMap<String, ByArg, foldhash::fast::RandomState>);
    static CACHE: std::sync::LazyLock<std::sync::Mutex<Cache>> =
        std::sync::LazyLock::new(Default::default);
    const CACHED_ONE: usize = 64 * 1024;
    const CACHED_TEXT: usize = 1024 * 1024;
    let lock = || CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let same = |a: &Option<String>| a.as_deref() == arg1;
    if let Some(by_arg) = lock().1.get(text)
        && let Some((_, info)) = by_arg.iter().find(|(a, _)| same(a))
    {
        return info.clone();
    }
    let info = analyze_uncached(text, arg1);
    let mut cache = lock();
    let (used, map) = &mut *cache;
    let entry = (arg1.map(str::to_string), info.clone());
    match map.get_mut(text) {
        Some(by_arg) if !by_arg.iter().any(|(a, _)| same(a)) => by_arg.push(entry),
        Some(_) => {}
        None if text.len() <= CACHED_ONE && *used + text.len() <= CACHED_TEXT => {
            *used += text.len();
            map.insert(text.to_string(), vec![entry]);
        }
        None => {}
    }
    info
}

fn analyze_uncached(text: &str, arg1: Option<&str>) -> ScriptInfo {
    // the result is kept below, by text and argument: the analysis, with
    // its syntax tree (about 16 bytes per byte of text), is not
    let a = shell::analyze_script(text);
    let info = info_of(text, &a, arg1);
    // the strict parser must find what tree-sitter finds, except where
    // tree-sitter reads the text as no shell does
    #[cfg(debug_assertions)]
    if a.tree.is_strict() {
        let reference = info_of(text, &shell::analyze_uncached(text), arg1);
        assert!(
            info == reference || shell::tree_sitter_misreads(text),
            "the strict parser and tree-sitter disagree on {text:?}:\n{info:?}\n{reference:?}"
        );
    }
    info
}

fn info_of(text: &str, a: &shell::Analysis, arg1: Option<&str>) -> ScriptInfo {
    let mut funcs: HashMap<String, Vec<Span>> = HashMap::new();
    for (name, body) in a.function_bodies() {
        funcs.entry(name.clone()).or_default().push(*body);
    }
    let mut walk = Walk {
        text,
        a,
        funcs,
        lines: LineIndex::new(text),
        visited: HashSet::new(),
        seen: HashSet::new(),
        sites: Vec::new(),
        arg1: arg1.map(str::to_string),
        unreachable: false,
    };
    walk.commands(&a.commands, 0);
    let sites = walk.sites;
    let reachable = |s: &Site| s.reachable || !sites.iter().any(|x| x.reachable);
    let main = sites
        .iter()
        .rposition(|s| reachable(s) && s.raw.iter().any(|w| is_all_args(w)))
        .or_else(|| sites.iter().rposition(reachable));
    ScriptInfo {
        interpreter: shebang(text),
        sites,
        main,
        has_trap: a.has_trap,
    }
}

/// Deepest nesting of blocks and function calls followed.
const MAX_DEPTH: usize = 64;

/// The walk through a script's blocks and function calls. Each block (a
/// branch, a function body) is analysed once, from the tree built once, and
/// each command becomes a site once: the walk is linear in the script's size
/// whatever the branching, and recursion ends.
struct Walk<'a> {
    text: &'a str,
    a: &'a shell::Analysis,
    /// Function bodies by name, in source order.
    funcs: HashMap<String, Vec<Span>>,
    lines: LineIndex,
    visited: HashSet<Span>,
    seen: HashSet<Span>,
    sites: Vec<Site>,
    /// The script's first argument, when the launch gives it.
    arg1: Option<String>,
    /// Walking a branch that `arg1` does not take.
    unreachable: bool,
}

impl Walk<'_> {
    /// The body a call at `at` runs: the last definition before the call,
    /// else the last one (a function defined further down, called from
    /// another function).
    fn body_of(&self, name: &str, at: usize) -> Option<Span> {
        let bodies = self.funcs.get(name)?;
        bodies
            .iter()
            .rfind(|b| b.start < at)
            .or_else(|| bodies.last())
            .copied()
    }

    /// Follow the main command of a list of commands.
    fn commands(&mut self, cmds: &[Command], depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(mi) = shell::main_index(cmds) else {
            return;
        };
        // an `if`/`case` before the main command whose branch, chosen by
        // the first argument, ends the script with exec: the rest of the
        // list is not reached
        if self.arg1.is_some() && !self.unreachable && self.exec_branch_before(&cmds[..mi], depth) {
            self.unreachable = true;
            self.follow(&cmds[mi], depth);
            self.unreachable = false;
            return;
        }
        self.follow(&cmds[mi], depth);
    }

    /// Walk the chosen branch of each `if`/`case` in `cmds`; `true` once one
    /// ends with an exec. A branch that does not is forgotten.
    fn exec_branch_before(&mut self, cmds: &[Command], depth: usize) -> bool {
        for c in cmds.iter().filter(|c| c.kind == CommandKind::Compound) {
            let Some(Some(b)) = self.chosen(c.span) else {
                continue;
            };
            let (visited, seen, before) =
                (self.visited.clone(), self.seen.clone(), self.sites.len());
            self.block(b, depth + 1);
            if self.sites[before..]
                .last()
                .is_some_and(|s| s.exec && !s.background)
            {
                return true;
            }
            self.sites.truncate(before);
            (self.visited, self.seen) = (visited, seen);
        }
        false
    }

    /// The branch of the `if`/`case` at `span` that the first argument
    /// takes: `Some(Some(block))`, `Some(None)` when it takes none, `None`
    /// when that cannot be told.
    fn chosen(&self, span: Span) -> Option<Option<Span>> {
        let arg1 = self.arg1.as_deref()?;
        let text = &self.text[span.start..span.end];
        let blocks = self.a.blocks(self.text, span);
        if blocks.is_empty() {
            return None;
        }
        if let Some(rest) = keyword(text, "if") {
            if text.contains("elif") {
                return None;
            }
            let cond = &rest[..rest.find("then")?];
            let taken = test_first_arg(cond, arg1)?;
            return Some(match (taken, blocks.len()) {
                (true, _) => Some(blocks[0]),
                (false, 2) => Some(blocks[1]),
                (false, 1) => None,
                _ => return None,
            });
        }
        let rest = keyword(text, "case")?;
        let word = rest.split_whitespace().next()?;
        if !is_first_arg(word) {
            return None;
        }
        // one block per item, or the match cannot be placed
        let items = text.matches(";;").count() + text.matches(";&").count();
        if items != blocks.len() && items + 1 != blocks.len() {
            return None;
        }
        let body = text.find(" in").map(|i| i + 3)?;
        for b in &blocks {
            let head = &text[..b.start - span.start];
            let close = head.rfind(')')?;
            let from = head[..close]
                .rfind(";;")
                .map(|i| i + 2)
                .unwrap_or(body)
                .max(body);
            let pattern = head[from..close].trim().trim_start_matches('(');
            for p in pattern.split('|') {
                if case_matches(p.trim(), arg1)? {
                    return Some(Some(*b));
                }
            }
        }
        Some(None)
    }

    /// Follow the main command of a list.
    fn follow(&mut self, m: &Command, depth: usize) {
        let span = m.span;
        // a call of a function the script defines runs its body
        let body = match m.kind {
            CommandKind::Simple if !m.exec => m.name().and_then(|n| self.body_of(n, span.start)),
            _ => None,
        };
        match (m.kind, body) {
            (CommandKind::Compound, _) if !is_loop(&self.text[span.start..span.end]) => {
                let chosen = if self.unreachable {
                    None
                } else {
                    self.chosen(span)
                };
                for b in self.a.blocks(self.text, span) {
                    // the branches the first argument does not take
                    let skip = chosen.is_some_and(|c| c != Some(b));
                    let was = self.unreachable;
                    self.unreachable |= skip;
                    self.block(b, depth + 1);
                    self.unreachable = was;
                }
            }
            (_, Some(body)) => self.block(body, depth + 1),
            _ => {
                if !self.seen.insert(span) {
                    return;
                }
                let mut words: Vec<String> = m
                    .words
                    .iter()
                    .map(|w| w.value.clone().unwrap_or_else(|| w.raw.clone()))
                    .collect();
                let mut raw: Vec<String> = m.words.iter().map(|w| w.raw.clone()).collect();
                let mut exec = m.exec;
                // `eval exec "$@"` replaces the shell as `exec "$@"` does, under
                // dash, bash and busybox (fact 34): the command is what follows
                // `eval`; `eval "exec ..."` execs too, its words known at run time
                if m.kind == CommandKind::Simple && words.first().is_some_and(|w| w == "eval") {
                    let quoted_exec = raw.get(1).is_some_and(|r| {
                        r.len() > 7
                            && (r.starts_with("\"exec ") || r.starts_with("'exec "))
                            && raw.len() == 2
                    });
                    if words.get(1).is_some_and(|w| w == "exec") && words.len() > 2 {
                        words.remove(0);
                        raw.remove(0);
                        exec = true;
                    } else if quoted_exec {
                        let inner = raw[1][6..raw[1].len() - 1].trim().to_string();
                        words = vec!["exec".into(), inner.clone()];
                        raw = vec!["exec".into(), inner];
                        exec = true;
                    } else if words.len() > 1 {
                        // `eval "$@"` runs the command as the shell's child
                        words.remove(0);
                        raw.remove(0);
                    }
                }
                // `command node x` runs node (functions aside), a child of
                // the shell; `coproc node x` runs it in the background
                let mut background = m.connector == Connector::Background;
                if m.kind == CommandKind::Simple
                    && words.len() > 1
                    && matches!(words[0].as_str(), "command" | "builtin" | "coproc")
                    && !words[1].starts_with('-')
                {
                    background |= words[0] == "coproc";
                    words.remove(0);
                    raw.remove(0);
                }
                self.sites.push(Site {
                    words,
                    raw,
                    kind: m.kind,
                    exec,
                    background,
                    span,
                    line: self.lines.line_of(span.start) + 1,
                    text: self.text[span.start..span.end].to_string(),
                    env: m.assignments.iter().map(|w| w.raw.clone()).collect(),
                    reachable: !self.unreachable,
                });
            }
        }
    }

    /// Follow a block `[start, end)` of the script, once.
    fn block(&mut self, span: Span, depth: usize) {
        if !self.visited.insert(span) {
            return;
        }
        let cmds = self.a.block_commands(self.text, span);
        self.commands(&cmds, depth);
    }
}

/// The text after a leading keyword (`if`, `case`) and a blank.
fn keyword<'t>(text: &'t str, kw: &str) -> Option<&'t str> {
    let rest = text.trim_start().strip_prefix(kw)?;
    rest.starts_with([' ', '\t', '\n']).then_some(rest)
}

/// `"$1"`, `$1`, `"${1}"`, `${1}`.
fn is_first_arg(w: &str) -> bool {
    matches!(w, "\"$1\"" | "$1" | "\"${1}\"" | "${1}")
}

/// A literal word: unquoted, or quoted without expansions.
fn literal(w: &str) -> Option<&str> {
    let inner = w
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| w.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(w);
    (!inner.contains(['$', '`', '\\', '"', '\'', '*', '?', '['])).then_some(inner)
}

/// The value of `[ "$1" = x ]`, `[ "$1" != x ]`, `test "$1" == x`,
/// `[[ $1 == x ]]` for the first argument `arg1`; `None` for any other
/// condition.
fn test_first_arg(cond: &str, arg1: &str) -> Option<bool> {
    let cond = cond.trim().trim_end_matches(';').trim();
    let inner = cond
        .strip_prefix("[[")
        .and_then(|c| c.strip_suffix("]]"))
        .or_else(|| cond.strip_prefix('[').and_then(|c| c.strip_suffix(']')))
        .or_else(|| cond.strip_prefix("test "))?;
    let w: Vec<&str> = inner.split_whitespace().collect();
    let [a, op, b] = w[..] else {
        return None;
    };
    let value = match (is_first_arg(a), is_first_arg(b)) {
        (true, false) => literal(b)?,
        (false, true) => literal(a)?,
        _ => return None,
    };
    match op {
        "=" | "==" => Some(arg1 == value),
        "!=" => Some(arg1 != value),
        _ => None,
    }
}

/// Whether a `case` pattern matches `arg`: `*`, `?` and literal text (a
/// wholly quoted pattern is literal); `None` for what is not judged
/// (bracket expressions, expansions, partly quoted patterns).
fn case_matches(pattern: &str, arg: &str) -> Option<bool> {
    let quoted = pattern.len() >= 2
        && (pattern.starts_with('"') && pattern.ends_with('"')
            || pattern.starts_with('\'') && pattern.ends_with('\''));
    if quoted {
        let inner = &pattern[1..pattern.len() - 1];
        return (!inner.contains(['$', '`', '\\'])).then(|| inner == arg);
    }
    if pattern.contains(['[', '$', '\\', '"', '\'', '`']) {
        return None;
    }
    Some(super::copies::glob(pattern, arg))
}

/// `"$@"`, `$@`, `"${@}"`, `${@}`.
pub fn is_all_args(w: &str) -> bool {
    matches!(w, "\"$@\"" | "$@" | "\"${@}\"" | "${@}")
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

#[cfg(test)]
mod tests {

    #[test]
    fn the_first_argument_chooses_the_branch() {
        let main_of = |t: &str, arg: Option<&str>| {
            let i = analyze_script_with(t, arg);
            i.sites[i.main.unwrap()].text.clone()
        };
        let case = "#!/bin/sh\ncase \"$1\" in\n  web|www) exec node web.js ;;\n  -*) exec node \"$@\" ;;\n  *) exec \"$@\" ;;\nesac\n";
        assert_eq!(main_of(case, Some("www")), "exec node web.js");
        assert_eq!(main_of(case, Some("--inspect")), "exec node \"$@\"");
        assert_eq!(main_of(case, Some("bash")), "exec \"$@\"");
        // unknown argument: the one using "$@", as before
        assert_eq!(main_of(case, None), "exec \"$@\"");
        // a pattern dsig does not judge: nothing is chosen
        let bracket =
            "#!/bin/sh\ncase \"$1\" in\n  [a-z]*) exec node a.js ;;\n  *) node b.js ;;\nesac\n";
        let i = analyze_script_with(bracket, Some("x"));
        assert!(i.sites.iter().all(|s| s.reachable));
        let iff =
            "#!/bin/sh\nif [ \"$1\" != 'run' ]; then\n  exec \"$@\"\nelse\n  node app.js\nfi\n";
        assert_eq!(main_of(iff, Some("run")), "node app.js");
        assert_eq!(main_of(iff, Some("sh")), "exec \"$@\"");
        // a branch before the main command that does not end the script
        // changes nothing
        let before = "#!/bin/sh\nif [ \"$1\" = web ]; then\n  echo hi\nfi\nexec \"$@\"\n";
        let i = analyze_script_with(before, Some("web"));
        assert_eq!(i.sites.len(), 1);
        assert_eq!(test_first_arg("[ \"$1\" = \"$X\" ]", "a"), None);
        assert_eq!(test_first_arg("[ -f \"$1\" ]", "a"), None);
        assert_eq!(test_first_arg("[[ $1 == a ]]", "a"), Some(true));
    }

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

    #[test]
    fn a_function_calling_one_defined_further_down() {
        // was a panic: the callee's body lies after the caller's block
        let s = main_site("#!/bin/sh\na() { b; }\nb() { node x; }\na\n");
        assert_eq!(s.words, ["node", "x"]);
        assert_eq!(s.line, 3);
        assert!(!s.exec);
    }

    #[test]
    fn recursion_ends_and_each_command_is_one_site() {
        let i = analyze_script("#!/bin/sh\na() { b; }\nb() { a; }\na\n");
        assert!(i.sites.is_empty());
        let i = analyze_script(
            "#!/bin/sh\nf() { exec node s.js; }\ncase $1 in\n x) f ;;\n y) f ;;\n *) exec \"$@\" ;;\nesac\n",
        );
        assert_eq!(i.sites.len(), 2);
        assert_eq!(i.sites[0].words, ["exec", "node", "s.js"]);
        assert_eq!(i.main, Some(1));
    }

    #[test]
    fn eval_exec_execs() {
        let s = main_site("#!/bin/sh\neval exec \"$@\"\n");
        assert!(s.exec);
        assert_eq!(s.raw, ["exec", "\"$@\""]);
        let s = main_site("#!/bin/sh\neval \"exec $*\"\n");
        assert!(s.exec);
        let s = main_site("#!/bin/sh\neval \"$@\"\n");
        assert!(!s.exec);
        assert_eq!(s.raw, ["\"$@\""]);
        assert!(s.text.starts_with("eval "));
    }

    #[test]
    fn background_at_the_end_of_a_branch() {
        let i = analyze_script("#!/bin/sh\nif [ -n \"$X\" ]; then\n  \"$@\" &\nfi\n");
        assert!(i.sites[0].background);
    }
}
