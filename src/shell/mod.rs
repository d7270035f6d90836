//! Top-level structure of shell text: a `-c` string, a shell-form CMD/ENTRYPOINT, or a whole
//! entrypoint script.
//!
//! The text is parsed with tree-sitter-bash. Parsing never fails: on a syntax error the partial
//! tree is used as far as it goes and [`Analysis::has_errors`] is set.
//!
//! [`c_string_execs_last`] encodes the measured behaviour of `sh -c TEXT` under Debian's dash,
//! busybox ash and bash: whether the shell replaces itself with the command that starts the main
//! process (so that command becomes PID 1 and receives the stop signal).

pub use crate::diagnostic::Span;

mod kind;
mod strict;
mod words;

pub use kind::{ShellFlavor, ShellKind};

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text as written, quotes included.
    pub raw: String,
    /// The word with quotes removed and backslash escapes applied, or `None` when it has an
    /// expansion (`$VAR`, `$(...)`, backquotes, globs, `~`, braces) and so needs a shell.
    pub value: Option<String>,
    pub span: Span,
}

/// What follows a command at top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// `;`
    Semi,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `&`
    Background,
    /// A newline (another command follows on a later line).
    Newline,
    /// Nothing follows: end of text.
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// A simple command, a bare assignment, or `export`/`declare`/`local`/`readonly`/`unset`.
    Simple,
    /// `a | b`, and a negated command `! a`.
    Pipeline,
    /// `( ... )`
    Subshell,
    /// `if`, `case`, `for`, `while`, `until`, `{ ... }`.
    Compound,
    /// `name() { ... }`
    FunctionDef,
    /// Anything else, e.g. `[[ ... ]]`.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub kind: CommandKind,
    pub span: Span,
    /// `FOO=bar` words before the command name (for a bare assignment: all of them).
    pub assignments: Vec<Word>,
    /// argv without assignments and redirections, for [`CommandKind::Simple`] only (empty for
    /// the other kinds). For `exec x y` this is `["exec", "x", "y"]`.
    pub words: Vec<Word>,
    /// The command has at least one redirection (including here-documents).
    pub redirects: bool,
    /// `words[0]` is `exec` and at least one word follows it.
    pub exec: bool,
    /// What ends the command at top level.
    pub connector: Connector,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// Top-level commands in source order, flattened through `&&`/`||` lists and `;`/newline
    /// sequences.
    pub commands: Vec<Command>,
    /// The parser reported a syntax error (the commands are then a best effort).
    pub has_errors: bool,
    /// A `trap` command sets a handler somewhere in the text (outside command substitutions).
    pub has_trap: bool,
    /// Names of the functions defined anywhere in the text, in source order.
    pub functions: Vec<String>,
    /// Every function definition (command substitutions included) with the
    /// span of the statements inside its braces, in source order.
    bodies: Vec<(String, Span)>,
    /// The syntax tree, kept so blocks can be found without parsing the
    /// text again.
    pub tree: Parsed,
}

/// A syntax tree, or the strict parser's blocks; equal to any other (it is
/// a cache, not a value).
#[derive(Clone, Default)]
pub struct Parsed(Source);

#[derive(Clone, Default)]
enum Source {
    #[default]
    None,
    Tree(Tree),
    Strict(std::sync::Arc<strict::Blocks>),
}

impl Parsed {
    /// The text was read by the strict parser, not by tree-sitter.
    pub fn is_strict(&self) -> bool {
        matches!(self.0, Source::Strict(_))
    }
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parsed")
    }
}

impl PartialEq for Parsed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Parsed {}

/// Builtins that start no process of their own. Trailing ones are skipped when looking for
/// the main command, and a main command that is one of them is never exec'd.
const NO_PROCESS_BUILTINS: &[&str] = &[
    ":", "true", "false", "wait", "exit", "return", "trap", "echo", "printf", "set", "unset",
    "export", "readonly", "local", "declare", "typeset", "shift", "cd", "umask", "ulimit", "read",
    "test", "[",
];

/// Builtins that run other commands in ways the measurements do not cover.
const INDIRECT_BUILTINS: &[&str] = &["eval", ".", "source", "command", "builtin"];

impl Command {
    /// The unquoted command name, when it has no expansion.
    pub fn name(&self) -> Option<&str> {
        self.words.first().and_then(|w| w.value.as_deref())
    }

    fn starts_no_process(&self) -> bool {
        match self.kind {
            CommandKind::FunctionDef => true,
            CommandKind::Simple => {
                self.words.is_empty()
                    || self
                        .name()
                        .is_some_and(|n| NO_PROCESS_BUILTINS.contains(&n))
            }
            _ => false,
        }
    }
}

impl Analysis {
    /// The command that starts the main process: the last top-level command, ignoring trailing
    /// `wait` (which then makes the previous backgrounded command the main one).
    ///
    /// Besides `wait`, other trailing commands that start no process are skipped too: bare
    /// assignments such as `PID=$!`, function definitions, and builtins such as `exit`, `trap`
    /// or `echo` (so in `node server.js; echo done` the main command is `node`, followed by
    /// `echo`). If every command is of that kind, the last one is returned.
    ///
    /// Commands after an unconditional top-level `exec` with arguments never run, so such an
    /// `exec` is the main command even when more text follows it.
    pub fn main_command(&self) -> Option<&Command> {
        self.main_index().map(|i| &self.commands[i])
    }

    fn main_index(&self) -> Option<usize> {
        main_index(&self.commands)
    }

    /// The commands of a block of statements of the analysed `text` (a span given by
    /// [`Analysis::blocks`] or [`Analysis::function_bodies`]), flattened as [`analyze`]
    /// flattens a whole text. The tree already built is used: nothing is parsed again, so a
    /// script's blocks cost no more than the script.
    pub fn block_commands(&self, text: &str, span: Span) -> Vec<Command> {
        let tree = match &self.tree.0 {
            Source::Tree(tree) => tree,
            Source::Strict(blocks) => return blocks.commands(span),
            Source::None => return Vec::new(),
        };
        let cx = Cx { text };
        let Some(mut node) = tree
            .root_node()
            .descendant_for_byte_range(span.start, span.end)
        else {
            return Vec::new();
        };
        // the outermost node of exactly this range: a block of one statement is that statement
        while let Some(p) = node.parent()
            && cx.span(p) == span
        {
            node = p;
        }
        // a block of one statement: its siblings hold what follows it (`&`)
        if cx.span(node) == span
            && is_statement(node.kind())
            && let Some(p) = node.parent()
        {
            node = p;
        }
        cx.flatten(cx.sequence_in(node, span))
    }
}

/// Index of the command that starts the main process in a list of commands (see
/// [`Analysis::main_command`]).
pub fn main_index(cmds: &[Command]) -> Option<usize> {
    let unconditional_exec = cmds.iter().enumerate().position(|(i, c)| {
        c.exec
            && c.connector != Connector::Background
            && (i == 0 || !matches!(cmds[i - 1].connector, Connector::And | Connector::Or))
    });
    if unconditional_exec.is_some() {
        return unconditional_exec;
    }
    cmds.iter()
        .rposition(|c| !c.starts_no_process())
        .or_else(|| cmds.len().checked_sub(1))
}

/// For `<shell> -c TEXT`: does the shell replace itself with the main command (which then
/// becomes PID 1)? `Some` when the measured facts decide, `None` when they do not (syntax
/// errors, no main command, redirections on the main command, `||` before it, subshells and
/// compound commands, calls of functions defined in the text, `eval` and the like).
///
/// This is for `-c` strings only: no shell execs the last line of a script file.
pub fn c_string_execs_last(flavor: ShellFlavor, a: &Analysis) -> Option<bool> {
    if a.has_errors {
        return None;
    }
    let i = a.main_index()?;
    let main = &a.commands[i];
    // `exec app` works under every shell.
    if main.exec && main.connector != Connector::Background {
        return Some(true);
    }
    // Anything after the app (including a trailing `wait`), or the app sent to the background:
    // the shell stays.
    if main.connector == Connector::Background || i + 1 != a.commands.len() {
        return Some(false);
    }
    // Debian's dash never execs, not even a single command.
    if flavor == ShellFlavor::Dash {
        return Some(false);
    }
    if a.has_trap {
        return Some(false);
    }
    match main.kind {
        CommandKind::Simple => {}
        CommandKind::Pipeline => return Some(false),
        _ => return None,
    }
    let name_word = main.words.first()?;
    if main.redirects {
        return None;
    }
    if let Some(name) = name_word.value.as_deref() {
        if a.functions.iter().any(|f| f == name) || INDIRECT_BUILTINS.contains(&name) {
            return None;
        }
        if NO_PROCESS_BUILTINS.contains(&name) || name == "exec" {
            return Some(false);
        }
    }
    let before = if i == 0 {
        None
    } else {
        Some(a.commands[i - 1].connector)
    };
    match (flavor, before) {
        (_, None | Some(Connector::And | Connector::Semi | Connector::Newline)) => {
            // bash: an earlier `&` is only measured right before the last command.
            if flavor == ShellFlavor::Bash
                && a.commands[..i]
                    .iter()
                    .any(|c| c.connector == Connector::Background)
            {
                None
            } else {
                Some(true)
            }
        }
        (ShellFlavor::Busybox, Some(Connector::Background)) => Some(true),
        (_, Some(Connector::Background)) => Some(false),
        _ => None,
    }
}

/// Split a simple command text into argv exactly as a POSIX shell would without expansion
/// (quotes removed, backslash escapes applied). `None` when the text needs a shell: variables,
/// globs, operators, redirections, command substitution, here-docs, `~` or brace expansion,
/// comments, newlines, a leading assignment or reserved word, unbalanced quotes.
///
/// Text over [`MAX_SHELL_TEXT`] bytes is not split (`None`), as it is not parsed either: a
/// word list costs tens of bytes per word of text.
pub fn plain_argv(text: &str) -> Option<Vec<String>> {
    if text.len() > MAX_SHELL_TEXT {
        return None;
    }
    words::plain_argv(text)
}

/// Parse `text` and describe its top-level structure (text over [`MAX_SHELL_TEXT`] bytes is
/// not parsed: no commands, `has_errors` set).
///
/// The same text (a `-c` string, a shell-form command) is asked about again
/// and again: by the model and the fix check of each file, and by every
/// Dockerfile that writes it. Analyses are kept for the run, by text, up to
/// [`CACHED_TEXT`] bytes of text in all, of texts up to [`CACHED_ONE`].
pub fn analyze(text: &str) -> Analysis {
    if text.len() > MAX_SHELL_TEXT {
        // not parsed: nothing worth keeping a copy of the text for
        return analyze_uncached(text);
    }
    type Cache = (
        usize,
        std::collections::HashMap<String, Analysis, foldhash::fast::RandomState>,
    );
    static CACHE: std::sync::LazyLock<std::sync::Mutex<Cache>> =
        std::sync::LazyLock::new(Default::default);
    let lock = || CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(a) = lock().1.get(text) {
        return a.clone();
    }
    let a = analyze_uncached(text);
    let mut cache = lock();
    if text.len() <= CACHED_ONE && cache.0 + text.len() <= CACHED_TEXT {
        cache.0 += text.len();
        cache.1.insert(text.to_string(), a.clone());
    }
    a
}

/// Bytes of text whose analyses are kept for the run (a syntax tree costs
/// tens of bytes per byte of text), and the longest text kept.
const CACHED_TEXT: usize = 1024 * 1024;
const CACHED_ONE: usize = 64 * 1024;

/// Longest text given to the bash parser: 1 MiB, the size of the largest context file read.
/// Real CMD/ENTRYPOINT strings and entrypoint scripts are far shorter, while a pathological
/// one costs the parser dearly (a pipeline of 250,000 commands in 1 MB: seconds and ~750 MiB;
/// a 10 MiB one would need gigabytes). Longer text is not parsed and counts as a syntax error.
pub const MAX_SHELL_TEXT: usize = 1024 * 1024;

/// [`analyze`] without keeping the result: for a text whose own result is
/// kept by its caller (an entrypoint script's), so its syntax tree is freed
/// as soon as the caller is done with it.
pub fn analyze_uncached(text: &str) -> Analysis {
    let parsed = if text.len() > MAX_SHELL_TEXT {
        None
    } else {
        parse(text)
    };
    let Some(tree) = parsed else {
        return Analysis {
            commands: Vec::new(),
            has_errors: true,
            has_trap: false,
            functions: Vec::new(),
            bodies: Vec::new(),
            tree: Parsed(Source::None),
        };
    };
    let root = tree.root_node();
    let cx = Cx { text };
    let commands = cx.top_level(root);
    let scan = cx.scan(root);
    let has_errors = root.has_error() || cx.skipped_text(root, &commands);
    Analysis {
        commands,
        has_errors,
        has_trap: scan.has_trap,
        functions: scan.functions,
        bodies: scan.bodies,
        tree: Parsed(Source::Tree(tree)),
    }
}

/// [`analyze_uncached`] for a whole entrypoint script: read by the strict
/// parser when it can (the same result, about five times faster), else by
/// tree-sitter. The strict parser reports no syntax errors: a text it reads
/// has none it knows of (it declines the others).
pub fn analyze_script(text: &str) -> Analysis {
    if text.len() > MAX_SHELL_TEXT {
        return analyze_uncached(text);
    }
    match strict::parse(text) {
        Some(s) => Analysis {
            commands: s.commands,
            has_errors: false,
            has_trap: s.has_trap,
            functions: s.functions,
            bodies: s.bodies,
            tree: Parsed(Source::Strict(std::sync::Arc::new(s.blocks))),
        },
        None => analyze_uncached(text),
    }
}

/// Whether tree-sitter-bash reads `text` as no shell does: it joins two
/// lines into one simple command (an unescaped newline between a command's
/// words: after `A=1 B=2`, after a pipeline of three commands or `|&`), or
/// nests a list inside a pipeline (`a | b | c && d` as `a | (b | c && d)`),
/// or it is not given the text at all (see `trips_brace_scanner`).
/// The strict parser reads such a text as the shell does, so the two may
/// disagree on it; the checks that compare them allow that here only.
#[cfg(any(test, debug_assertions))]
pub fn tree_sitter_misreads(text: &str) -> bool {
    let Some(tree) = parse(text) else {
        // not read at all: where tree-sitter-bash would crash
        return trips_brace_scanner(text);
    };
    let bytes = text.as_bytes();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let kids = children(node);
        let misread = match node.kind() {
            "command" => kids.windows(2).any(|w| {
                let gap = &bytes[w[0].1.end_byte()..w[1].1.start_byte()];
                gap.iter()
                    .enumerate()
                    .any(|(k, c)| *c == b'\n' && (k == 0 || gap[k - 1] != b'\\'))
            }),
            "pipeline" => kids.iter().any(|(_, n)| n.kind() == "list"),
            _ => false,
        };
        if misread {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

/// Whether tree-sitter-bash's external scanner would read out of bounds on
/// `text`. Where a `{` may start a brace range, the scanner (0.25.1) tests the
/// character after the `{` and its digits, and after `{N..` and its digits,
/// with C's `isdigit`, which is defined for byte values only: a code point
/// above U+00FF indexes its table out of bounds, and where that lands on an
/// unmapped page the process dies of SIGSEGV (tree-sitter-bash issue #337;
/// `echo {\u{10FFFF}` does on x86-64 Linux). Such text is not given to the
/// parser: it is treated as text that does not parse, which decides nothing.
fn trips_brace_scanner(text: &str) -> bool {
    fn after_digits(s: &str) -> &str {
        s.trim_start_matches(|c: char| c.is_ascii_digit())
    }
    text.match_indices('{').any(|(i, _)| {
        let mut next = after_digits(&text[i + 1..]);
        if let Some(range_end) = next.strip_prefix("..") {
            next = after_digits(range_end);
        }
        next.chars().next().is_some_and(|c| u32::from(c) > 0xFF)
    })
}

fn parse(text: &str) -> Option<Tree> {
    if trips_brace_scanner(text) {
        return None;
    }
    // One parser per thread, made once (its language tables are set up once).
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        let tree = parser.parse(text, None);
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// Statement node kinds of the grammar (`_statement`).
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "command"
            | "variable_assignment"
            | "variable_assignments"
            | "declaration_command"
            | "unset_command"
            | "test_command"
            | "pipeline"
            | "negated_command"
            | "subshell"
            | "compound_statement"
            | "if_statement"
            | "case_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "while_statement"
            | "function_definition"
            | "redirected_statement"
            | "list"
            | "ERROR"
    )
}

fn connector_of_token(kind: &str) -> Option<Connector> {
    match kind {
        ";" | ";;" | ";&" | ";;&" => Some(Connector::Semi),
        "&" => Some(Connector::Background),
        "&&" => Some(Connector::And),
        "||" => Some(Connector::Or),
        _ => None,
    }
}

/// The children of a node, each with its field name.
fn children<'t>(node: Node<'t>) -> Vec<(Option<&'t str>, Node<'t>)> {
    let mut out = Vec::with_capacity(node.child_count() as usize);
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.field_name(), cursor.node()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

fn is_redirect(kind: &str) -> bool {
    matches!(
        kind,
        "file_redirect" | "heredoc_redirect" | "herestring_redirect"
    )
}

/// Work items of the iterative flattening (scripts can nest lists deeply).
enum Work<'t> {
    /// A statement, and what ends it.
    Visit(Node<'t>, Connector),
    /// Apply a `redirected_statement`'s redirections to the last command produced since
    /// `start` (the command they belong to).
    Redirect {
        start: usize,
        extra_words: Vec<Word>,
        to_pipeline: bool,
        cover: Option<Span>,
    },
}

/// Statements and the connector after each, as a sequence-like node is read: a connector
/// token belongs to the statement before it, a newline separates when no token does.
#[derive(Default)]
struct Seq<'t> {
    out: Vec<(Node<'t>, Connector)>,
    pending: Option<Connector>,
}

impl<'t> Seq<'t> {
    fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    fn statement(&mut self, node: Node<'t>, conn: Connector) {
        if let Some(last) = self.out.last_mut() {
            last.1 = self.pending.take().unwrap_or(Connector::Newline);
        }
        self.pending = None;
        self.out.push((node, conn));
    }

    fn connector(&mut self, c: Connector) {
        if self.pending.is_none() && !self.out.is_empty() {
            self.pending = Some(c);
        }
    }

    /// A trailing `;` or `&` belongs to the last statement.
    fn finish(mut self) -> Vec<(Node<'t>, Connector)> {
        if let (Some(last), Some(c)) = (self.out.last_mut(), self.pending) {
            last.1 = c;
        }
        self.out
    }
}

struct Cx<'a> {
    text: &'a str,
}

impl<'a> Cx<'a> {
    /// A node's byte range, clamped into the text and onto char boundaries.
    fn span(&self, node: Node) -> Span {
        let len = self.text.len();
        let mut start = node.start_byte().min(len);
        let mut end = node.end_byte().min(len).max(start);
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        Span { start, end }
    }

    fn word(&self, node: Node) -> Word {
        let span = self.span(node);
        let raw = &self.text[span.start..span.end];
        Word {
            raw: raw.to_string(),
            value: words::unquote_word(raw),
            span,
        }
    }

    fn usable(node: Node) -> bool {
        !node.is_missing() && node.end_byte() > node.start_byte()
    }

    /// The statements of a sequence-like node (program, list, ERROR), each with the connector
    /// that follows it; the last one gets `outer`.
    fn sequence<'t>(
        &self,
        node: Node<'t>,
        outer: Connector,
        error_node: bool,
    ) -> Vec<(Node<'t>, Connector)> {
        let mut seq = Seq::default();
        for (_, child) in children(node) {
            if child.is_named() {
                let kind = child.kind();
                if kind == "comment" || !Self::usable(child) {
                    continue;
                }
                if error_node && !is_statement(kind) {
                    continue;
                }
                seq.statement(child, outer);
            } else if let Some(c) = connector_of_token(child.kind()) {
                seq.connector(c);
            }
        }
        seq.finish()
    }

    /// Whether the grammar silently skipped text at top level (it drops a lone `-` as the first
    /// word, for example): anything outside the top-level nodes and the commands found, other
    /// than blanks, newlines and line continuations.
    fn skipped_text(&self, root: Node, commands: &[Command]) -> bool {
        let mut covered: Vec<Span> = children(root).iter().map(|(_, n)| self.span(*n)).collect();
        covered.extend(commands.iter().map(|c| c.span));
        covered.sort_by_key(|s| s.start);
        let bytes = self.text.as_bytes();
        let mut pos = 0;
        let mut gaps = covered
            .iter()
            .map(|s| (s.start, s.end))
            .chain(std::iter::once((self.text.len(), self.text.len())));
        loop {
            let Some((start, end)) = gaps.next() else {
                return false;
            };
            while pos < start {
                match bytes[pos] {
                    b' ' | b'\t' | b'\n' | b'\r' => pos += 1,
                    b'\\' if bytes.get(pos + 1) == Some(&b'\n') => pos += 2,
                    _ => return true,
                }
            }
            pos = pos.max(end);
        }
    }

    /// The statements of `node` that lie inside `span`, each with the connector that follows
    /// it (a `;;` ending a `case` item is not one).
    fn sequence_in<'t>(&self, node: Node<'t>, span: Span) -> Vec<(Node<'t>, Connector)> {
        let mut seq = Seq::default();
        for (_, child) in children(node) {
            let s = self.span(child);
            if s.start >= span.end && !seq.is_empty() && child.is_named() {
                break;
            }
            if s.start < span.start {
                continue;
            }
            let kind = child.kind();
            if child.is_named() {
                if s.end > span.end || !is_statement(kind) || !Self::usable(child) {
                    continue;
                }
                seq.statement(child, Connector::End);
            } else if matches!(kind, ";;" | ";&" | ";;&") {
                break;
            } else if let Some(c) = connector_of_token(kind) {
                seq.connector(c);
            }
        }
        seq.finish()
    }

    fn top_level(&self, root: Node) -> Vec<Command> {
        let is_error = root.kind() == "ERROR";
        self.flatten(self.sequence(root, Connector::End, is_error))
    }

    /// Commands of a sequence of statements, flattened through lists and redirections.
    fn flatten(&self, items: Vec<(Node, Connector)>) -> Vec<Command> {
        let mut out = Vec::new();
        let mut stack: Vec<Work> = Vec::new();
        for item in items.into_iter().rev() {
            stack.push(Work::Visit(item.0, item.1));
        }
        while let Some(work) = stack.pop() {
            match work {
                Work::Visit(node, conn) => self.visit(node, conn, &mut stack, &mut out),
                Work::Redirect {
                    start,
                    extra_words,
                    to_pipeline,
                    cover,
                } => {
                    if out.len() > start
                        && let Some(cmd) = out.last_mut()
                    {
                        cmd.redirects = true;
                        if let Some(c) = cover {
                            cmd.span = Span {
                                start: cmd.span.start.min(c.start),
                                end: cmd.span.end.max(c.end),
                            };
                        }
                        if to_pipeline {
                            cmd.kind = CommandKind::Pipeline;
                            cmd.words.clear();
                            cmd.assignments.clear();
                            cmd.exec = false;
                        } else if cmd.kind == CommandKind::Simple {
                            cmd.words.extend(extra_words);
                            cmd.exec = is_exec(&cmd.words);
                        }
                    }
                }
            }
        }
        out
    }

    fn visit<'t>(
        &self,
        node: Node<'t>,
        conn: Connector,
        stack: &mut Vec<Work<'t>>,
        out: &mut Vec<Command>,
    ) {
        match node.kind() {
            "list" | "ERROR" => {
                let error_node = node.kind() == "ERROR";
                for (child, c) in self.sequence(node, conn, error_node).into_iter().rev() {
                    stack.push(Work::Visit(child, c));
                }
            }
            "redirected_statement" => self.visit_redirected(node, conn, stack, out),
            _ => out.push(self.command(node, conn)),
        }
    }

    fn visit_redirected<'t>(
        &self,
        node: Node<'t>,
        conn: Connector,
        stack: &mut Vec<Work<'t>>,
        out: &mut Vec<Command>,
    ) {
        let mut body = None;
        let mut extra_words = Vec::new();
        let mut to_pipeline = false;
        let mut cover: Option<Span> = None;
        // A here-document followed by `&& cmd` / `|| cmd` on its first line: the grammar puts
        // the operator and the next command inside the redirection.
        let mut continuation: Option<(Connector, Node<'t>)> = None;
        let mut add_cover = |s: Span| {
            cover = Some(match cover {
                None => s,
                Some(c) => Span {
                    start: c.start.min(s.start),
                    end: c.end.max(s.end),
                },
            });
        };
        for (field, child) in children(node) {
            if field == Some("body") {
                body = Some(child);
                continue;
            }
            match child.kind() {
                "file_redirect" | "herestring_redirect" => {
                    add_cover(self.span(child));
                    extra_words.extend(self.extra_destinations(child));
                }
                "heredoc_redirect" => {
                    let mut op = None;
                    for (f, part) in children(child) {
                        match (f, part.kind()) {
                            (Some("operator"), k) => op = connector_of_token(k),
                            (Some("right"), _) => {
                                if Self::usable(part) {
                                    continuation = Some((op.unwrap_or(Connector::Newline), part));
                                }
                            }
                            (Some("argument"), _) => {
                                if Self::usable(part) {
                                    add_cover(self.span(part));
                                    extra_words.push(self.word(part));
                                }
                            }
                            (_, "heredoc_body" | "heredoc_end" | "ERROR") => {}
                            (_, "pipeline") => {
                                to_pipeline = true;
                                add_cover(self.span(part));
                            }
                            (_, k) if is_redirect(k) => {
                                add_cover(self.span(part));
                                extra_words.extend(self.extra_destinations(part));
                            }
                            _ => add_cover(self.span(part)),
                        }
                    }
                }
                _ => {}
            }
        }
        let body_conn = match continuation {
            Some((op, right)) => {
                stack.push(Work::Visit(right, conn));
                op
            }
            None => conn,
        };
        match body {
            Some(b) if Self::usable(b) => {
                stack.push(Work::Redirect {
                    start: out.len(),
                    extra_words,
                    to_pipeline,
                    cover,
                });
                stack.push(Work::Visit(b, body_conn));
            }
            _ => {
                // Redirections alone (`> file`).
                let exec = is_exec(&extra_words);
                out.push(Command {
                    kind: if to_pipeline {
                        CommandKind::Pipeline
                    } else {
                        CommandKind::Simple
                    },
                    span: self.span(node),
                    assignments: Vec::new(),
                    words: if to_pipeline { Vec::new() } else { extra_words },
                    redirects: true,
                    exec: exec && !to_pipeline,
                    connector: body_conn,
                });
            }
        }
    }

    /// Fill a simple command's words, assignments and redirections.
    ///
    /// The grammar's nodes are right about quotes and expansions but not always about where
    /// one shell word ends: it splits `''\x""` into two nodes, and drops a backslash escape
    /// next to a quoted part or at the start (`'a'\ b`, `\ x`). So the words are regrouped
    /// here as the shell does it: they end only at unescaped blanks (outside any node) and at
    /// redirections, and escapes the grammar dropped are given back to their word.
    fn simple_command(&self, node: Node, cmd: &mut Command) {
        #[derive(Clone, Copy, PartialEq)]
        enum Part {
            Assign,
            Word,
            Barrier,
        }
        let text = self.text;
        let bytes = text.as_bytes();
        let mut parts: Vec<(Part, Span)> = Vec::new();
        let mut extra_words = Vec::new();
        for (field, child) in children(node) {
            if !Self::usable(child) {
                continue;
            }
            let part = match (field, child.kind()) {
                (Some("name" | "argument"), _) => Part::Word,
                (_, "variable_assignment") => Part::Assign,
                (_, k) if is_redirect(k) => {
                    cmd.redirects = true;
                    extra_words.extend(self.extra_destinations(child));
                    Part::Barrier
                }
                _ => Part::Barrier,
            };
            parts.push((part, self.span(child)));
        }
        let Some(first) = parts.first() else {
            return;
        };
        // Escaped blanks before the first node are words (or parts of it) that the grammar
        // skipped: take them in, scanning back over blanks to the previous token.
        let mut start = first.1.start;
        let mut k = start;
        while k > 0 && matches!(bytes[k - 1], b' ' | b'\t') {
            let backslashes = bytes[..k - 1]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count();
            if backslashes % 2 == 1 {
                k -= 2;
                start = k;
            } else {
                k -= 1;
            }
        }
        // Escapes right after the last node belong to it.
        let mut end = parts.last().map_or(start, |p| p.1.end);
        let mut scan = end;
        while scan < text.len() {
            match bytes[scan] {
                b' ' | b'\t' => scan += 1,
                b'\\' => match text[scan + 1..].chars().next() {
                    Some(c) if c != '\n' && c != '\r' => {
                        scan += 1 + c.len_utf8();
                        end = scan;
                    }
                    _ => break,
                },
                _ => break,
            }
        }

        let mut groups: Vec<(Part, Span)> = Vec::new();
        let mut open: Option<(Part, Span)> = None;
        let extend = |open: &mut Option<(Part, Span)>, part: Part, s: Span| match open {
            Some((_, span)) => span.end = s.end,
            None => *open = Some((part, s)),
        };
        let mut pos = start;
        let mut next = 0;
        loop {
            let gap_end = parts.get(next).map_or(end, |p| p.1.start).max(pos);
            // The text between nodes: blanks end a word, escapes continue it.
            while pos < gap_end {
                match bytes[pos] {
                    b' ' | b'\t' | b'\n' => {
                        groups.extend(open.take());
                        pos += 1;
                    }
                    b'\\' => {
                        let len = text[pos + 1..].chars().next().map_or(0, |c| c.len_utf8());
                        let esc_end = (pos + 1 + len).min(gap_end.max(pos + 1));
                        if !matches!(bytes.get(pos + 1), Some(b'\n')) {
                            extend(
                                &mut open,
                                Part::Word,
                                Span {
                                    start: pos,
                                    end: esc_end,
                                },
                            );
                        }
                        pos = esc_end;
                    }
                    _ => {
                        groups.extend(open.take());
                        pos += text[pos..].chars().next().map_or(1, |c| c.len_utf8());
                    }
                }
            }
            let Some(&(part, span)) = parts.get(next) else {
                break;
            };
            if part == Part::Barrier {
                groups.extend(open.take());
            } else {
                extend(&mut open, part, span);
            }
            pos = pos.max(span.end);
            next += 1;
        }
        groups.extend(open.take());

        for (part, span) in groups {
            let raw = &text[span.start..span.end];
            let word = Word {
                raw: raw.to_string(),
                value: words::unquote_word(raw),
                span,
            };
            match part {
                Part::Assign if cmd.words.is_empty() => cmd.assignments.push(word),
                _ => cmd.words.push(word),
            }
        }
        cmd.words.extend(extra_words);
        cmd.span = Span {
            start: cmd.span.start.min(start),
            end: cmd.span.end.max(end),
        };
    }

    /// Words the grammar attaches to a redirection as further destinations (`> log b` puts `b`
    /// there) but that are really arguments of the command.
    fn extra_destinations(&self, redirect: Node) -> Vec<Word> {
        children(redirect)
            .into_iter()
            .filter(|(f, n)| *f == Some("destination") && Self::usable(*n))
            .skip(1)
            .map(|(_, n)| self.word(n))
            .collect()
    }

    fn command(&self, node: Node, conn: Connector) -> Command {
        let span = self.span(node);
        let mut cmd = Command {
            kind: CommandKind::Other,
            span,
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: false,
            exec: false,
            connector: conn,
        };
        match node.kind() {
            "command" => {
                cmd.kind = CommandKind::Simple;
                self.simple_command(node, &mut cmd);
            }
            "variable_assignment" => {
                cmd.kind = CommandKind::Simple;
                cmd.assignments.push(self.word(node));
            }
            "variable_assignments" => {
                cmd.kind = CommandKind::Simple;
                for (_, child) in children(node) {
                    if child.kind() == "variable_assignment" && Self::usable(child) {
                        cmd.assignments.push(self.word(child));
                    }
                }
            }
            "declaration_command" | "unset_command" => {
                cmd.kind = CommandKind::Simple;
                for (_, child) in children(node) {
                    if child.kind() != "comment" && Self::usable(child) {
                        cmd.words.push(self.word(child));
                    }
                }
            }
            "pipeline" | "negated_command" => cmd.kind = CommandKind::Pipeline,
            "subshell" => cmd.kind = CommandKind::Subshell,
            "compound_statement"
            | "if_statement"
            | "case_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "while_statement" => cmd.kind = CommandKind::Compound,
            "function_definition" => cmd.kind = CommandKind::FunctionDef,
            _ => {}
        }
        cmd.exec = is_exec(&cmd.words);
        cmd
    }

    /// One walk over the whole tree for what the analysis says of all of
    /// it. A command's words are not entered unless they may hold a command
    /// substitution (the only place a statement can sit inside a command).
    fn scan(&self, root: Node) -> Scan {
        let mut out = Scan::default();
        let mut cursor = root.walk();
        // for the node and each one above it: whether it is inside a
        // command or process substitution
        let mut inside = vec![false];
        loop {
            let node = cursor.node();
            let kind = node.kind();
            let in_sub = inside.last().copied().unwrap_or(false);
            match kind {
                "function_definition" => self.function(node, in_sub, &mut out),
                "command" if !out.has_trap && !in_sub => {
                    let is_trap = node
                        .child_by_field_name("name")
                        .is_some_and(|n| self.word(n).value.as_deref() == Some("trap"));
                    if is_trap && sets_trap(&self.command(node, Connector::End).words) {
                        out.has_trap = true;
                    }
                }
                _ => {}
            }
            let descend = kind != "command" || node.has_error() || {
                let s = self.span(node);
                memchr::memchr2(b'(', b'`', &self.text.as_bytes()[s.start..s.end]).is_some()
            };
            if descend && cursor.goto_first_child() {
                inside.push(
                    in_sub || matches!(kind, "command_substitution" | "process_substitution"),
                );
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return out;
                }
                inside.pop();
            }
        }
    }

    /// A function definition: its name (outside substitutions) and its body.
    fn function(&self, node: Node, in_sub: bool, out: &mut Scan) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let s = self.span(name);
        let text = &self.text[s.start..s.end];
        if !in_sub && Self::usable(name) {
            out.functions.push(text.to_string());
        }
        if let Some(body) = node.child_by_field_name("body") {
            let mut blocks = Vec::new();
            self.collect_blocks(body, &mut blocks);
            if let Some(b) = blocks.into_iter().next() {
                out.bodies.push((text.to_string(), b));
            }
        }
    }
}

/// What one walk over a whole tree finds (see [`Analysis`]).
#[derive(Default)]
struct Scan {
    has_trap: bool,
    functions: Vec<String>,
    bodies: Vec<(String, Span)>,
}

fn is_exec(words: &[Word]) -> bool {
    words.len() >= 2 && words[0].value.as_deref() == Some("exec")
}

/// `trap ACTION SIGNAL...` with an action that is neither `-` (reset) nor empty (ignore).
/// `trap`, `trap -p`, `trap -l` only print.
fn sets_trap(words: &[Word]) -> bool {
    let mut args = words.iter().skip(1).peekable();
    if args
        .peek()
        .is_some_and(|w| w.value.as_deref() == Some("--"))
    {
        args.next();
    }
    let rest: Vec<&Word> = args.collect();
    if rest.len() < 2 {
        return false;
    }
    !matches!(rest[0].value.as_deref(), Some("-" | ""))
}

/// The statement blocks of the compound command at `span` in `text`: the
/// bodies of `if`/`elif`/`else`, of each `case` item, of a `{ }` group or
/// subshell, and of a loop. Each block's span runs from its first statement
/// to its last, so it can be analysed on its own with [`analyze`].
pub fn blocks(text: &str, span: Span) -> Vec<Span> {
    match parse(text) {
        Some(tree) => blocks_in(&tree, text, span),
        None => Vec::new(),
    }
}

impl Analysis {
    /// [`blocks`] without parsing again (`text` must be the analysed text).
    pub fn blocks(&self, text: &str, span: Span) -> Vec<Span> {
        match &self.tree.0 {
            Source::Tree(t) => blocks_in(t, text, span),
            Source::Strict(blocks) => blocks.blocks(span),
            Source::None => Vec::new(),
        }
    }

    /// [`function_bodies`] without parsing again.
    pub fn function_bodies(&self) -> &[(String, Span)] {
        &self.bodies
    }
}

fn blocks_in(tree: &Tree, text: &str, span: Span) -> Vec<Span> {
    let cx = Cx { text };
    let root = tree.root_node();
    let Some(mut node) = root.descendant_for_byte_range(span.start, span.end) else {
        return Vec::new();
    };
    // climb to the compound statement that covers the span
    while !matches!(
        node.kind(),
        "if_statement"
            | "case_statement"
            | "compound_statement"
            | "subshell"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
    ) {
        match node.parent() {
            Some(p) => node = p,
            None => return Vec::new(),
        }
    }
    let mut out = Vec::new();
    cx.collect_blocks(node, &mut out);
    out
}

/// Every function `text` defines, with the span of the statements inside its
/// braces (a later definition of the same name comes later in the list).
pub fn function_bodies(text: &str) -> Vec<(String, Span)> {
    analyze_uncached(text).bodies
}

impl Cx<'_> {
    /// Blocks of statements directly inside `node` (recursing into the
    /// clause nodes of `if` and `case`).
    fn collect_blocks(&self, node: Node, out: &mut Vec<Span>) {
        let mut current: Option<Span> = None;
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            return;
        }
        // In `if`/`elif`, the statements before `then` are the condition.
        let mut in_body = !matches!(node.kind(), "if_statement" | "elif_clause");
        loop {
            let child = cursor.node();
            let field = cursor.field_name();
            let kind = child.kind();
            if matches!(
                kind,
                "elif_clause" | "else_clause" | "case_item" | "do_group" | "compound_statement"
            ) && child != node
            {
                if let Some(c) = current.take() {
                    out.push(c);
                }
                self.collect_blocks(child, out);
            } else if !in_body {
                in_body = kind == "then";
            } else if child.is_named()
                && is_statement(kind)
                && field.is_none_or(|f| !matches!(f, "condition" | "value" | "variable"))
                && Self::usable(child)
            {
                let s = self.span(child);
                current = Some(match current {
                    Some(c) => Span {
                        start: c.start,
                        end: s.end,
                    },
                    None => s,
                });
            } else if !child.is_named()
                && matches!(
                    kind,
                    "then" | "else" | "elif" | "fi" | ";;" | "do" | "done" | "esac"
                )
                && let Some(c) = current.take()
            {
                out.push(c);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        if let Some(c) = current {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod block_tests {
    use super::*;

    fn texts(t: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| t[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn if_and_case_blocks() {
        let t = "set -e\nif [ \"$1\" = a ]; then\n  x\n  exec a\nelif b; then\n  exec b\nelse\n  \"$@\"\nfi\n";
        let a = analyze(t);
        let m = a.main_command().unwrap();
        assert_eq!(m.kind, CommandKind::Compound);
        assert_eq!(
            texts(t, &blocks(t, m.span)),
            ["x\n  exec a", "exec b", "\"$@\""]
        );
        let t = "case \"$1\" in\n  web) exec node s.js ;;\n  *) exec \"$@\" ;;\nesac\n";
        let a = analyze(t);
        let m = a.main_command().unwrap();
        assert_eq!(
            texts(t, &blocks(t, m.span)),
            ["exec node s.js", "exec \"$@\""]
        );
    }

    #[test]
    fn function_bodies() {
        let body = |t: &str, name: &str| {
            super::function_bodies(t)
                .into_iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, b)| t[b.start..b.end].to_string())
        };
        let t = "main() {\n  setup\n  exec \"$@\"\n}\nmain \"$@\"\n";
        assert_eq!(body(t, "main").unwrap(), "setup\n  exec \"$@\"");
        assert!(body(t, "other").is_none());
        let t = "function run { node s.js; }\nrun\n";
        assert_eq!(body(t, "run").unwrap(), "node s.js");
        // the last definition is the one the shell runs
        let t = "f() { a; }\nf() { b; }\nf\n";
        assert_eq!(body(t, "f").unwrap(), "b");
    }
}
