//! A strict parser for the part of sh/bash that entrypoint scripts are
//! written in: lists, pipelines, `if`/`case`/`for`/`while`/`until`, groups,
//! subshells, `(( ))`, functions, `[[ ]]`, redirections and here-documents,
//! and words with their quotes and substitutions.
//!
//! It gives the same top-level commands, traps, functions and blocks as the
//! tree-sitter analysis, about five times faster. It declines (`None`) any
//! text it does not read exactly: a syntax error, a construct it does not
//! know (`select`, `coproc`, `time`, extended globs, here-documents inside
//! backquotes, carriage returns, ...), or one the grammar reads its own way
//! with no shell to tell which is right (`;` or `&` after a here-document on
//! its line, a delimiter line with more text on it). The caller then parses
//! the text with tree-sitter, so declining costs only time.
//!
//! Where tree-sitter-bash reads a text as no shell does, joining two lines
//! into one command or nesting a list in a pipeline (see
//! [`super::tree_sitter_misreads`]), the strict parser reads it as the shell
//! runs it.
//!
//! In builds with debug assertions (the tests, the fuzz targets), every
//! entrypoint script read here is read by tree-sitter too, and the script
//! models must be equal unless tree-sitter misreads the text (see
//! `model::script`).

use super::{Command, CommandKind, Connector, Span, Word, is_exec, sets_trap, words};
use std::collections::HashMap;

/// What the strict parser found in a text.
pub(super) struct Strict {
    pub commands: Vec<Command>,
    pub has_trap: bool,
    pub functions: Vec<String>,
    pub bodies: Vec<(String, Span)>,
    pub blocks: Blocks,
}

/// The blocks of a parsed text, to answer [`super::Analysis::blocks`] and
/// [`super::Analysis::block_commands`] without a syntax tree.
#[derive(Default)]
pub(super) struct Blocks {
    /// A compound command's span (as its [`Command::span`]) to the blocks
    /// [`super::Analysis::blocks`] gives for it.
    compound: HashMap<Span, Vec<Span>, foldhash::fast::RandomState>,
    /// A block's span to its commands.
    commands: HashMap<Span, Vec<Command>, foldhash::fast::RandomState>,
}

impl Blocks {
    pub fn blocks(&self, span: Span) -> Vec<Span> {
        self.compound.get(&span).cloned().unwrap_or_default()
    }

    pub fn commands(&self, span: Span) -> Vec<Command> {
        self.commands.get(&span).cloned().unwrap_or_default()
    }
}

/// Parse `text`, or decline.
pub(super) fn parse(text: &str) -> Option<Strict> {
    // control characters (carriage returns, form feeds, NUL, ...) and
    // Unicode spaces: the grammar reads some as blanks, the shell as
    // characters of a word
    if text
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f)
        || (!text.is_ascii() && text.chars().any(|c| !c.is_ascii() && c.is_whitespace()))
    {
        return None;
    }
    let mut p = P {
        t: text,
        b: text.as_bytes(),
        i: 0,
        heredocs: Vec::new(),
        heredoc_line: false,
        heredoc_end: None,
        sub: 0,
        depth: 0,
        open: Vec::new(),
        by_id: Vec::new(),
        redirected: Vec::new(),
        blocks: Blocks::default(),
        has_trap: false,
        functions: Vec::new(),
        bodies: Vec::new(),
    };
    let items = p.list(Stop::Eof)?;
    if !p.heredocs.is_empty() {
        return None;
    }
    let commands = flatten(&items);
    let mut blocks = p.blocks;
    // a compound command with redirections: tree-sitter's lookup climbs
    // from it to the compound command around it (none at top level)
    for (span, around) in p.redirected {
        let b = around
            .and_then(|id| p.by_id.get(id).cloned().flatten())
            .unwrap_or_default();
        blocks.compound.insert(span, b);
    }
    Some(Strict {
        commands,
        has_trap: p.has_trap,
        functions: p.functions,
        bodies: p.bodies,
        blocks,
    })
}

/// What ends a list of statements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Eof,
    /// `}`
    Brace,
    /// `)`
    Paren,
    /// `then`
    Then,
    /// `elif`, `else`, `fi`
    Fi,
    /// `do`
    Do,
    /// `done`
    Done,
    /// `;;`, `;&`, `;;&`, `esac`
    Esac,
}

impl Stop {
    fn at_keyword(self, kw: &str) -> bool {
        matches!(
            (self, kw),
            (Stop::Brace, "}")
                | (Stop::Then, "then")
                | (Stop::Fi, "elif" | "else" | "fi")
                | (Stop::Do, "do")
                | (Stop::Done, "done")
                | (Stop::Esac, "esac")
        )
    }
}

/// A statement of a list: its commands (flattened through `&&` and `||`),
/// its span, the blocks of a plain `{ }` group, and the `;` or `&` after it.
struct Item {
    commands: Vec<Command>,
    span: Span,
    group: Option<Vec<Span>>,
    term: Option<Connector>,
}

/// The commands of `items` with the connector after each, as the
/// tree-sitter analysis sets them: the token after a statement, else a
/// newline between statements and the end after the last.
fn flatten(items: &[Item]) -> Vec<Command> {
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let start = out.len();
        out.extend(item.commands.iter().cloned());
        let last = k + 1 == items.len();
        let conn = item.term.unwrap_or(if last {
            Connector::End
        } else {
            Connector::Newline
        });
        if out.len() > start
            && let Some(c) = out.last_mut()
        {
            c.connector = conn;
        }
    }
    out
}

const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "fi", "case", "esac", "for", "while", "until", "do", "done",
    "in", "function", "select", "time", "coproc", "{", "}", "[[", "!",
];

/// Deepest nesting of lists read.
const MAX_DEPTH: usize = 100;

struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
}

struct P<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
    /// Here-documents whose bodies start after the current line.
    heredocs: Vec<Heredoc>,
    /// A here-document was opened on the current command's line.
    heredoc_line: bool,
    /// Where the last here-document body read ends (its delimiter).
    heredoc_end: Option<usize>,
    /// Depth inside command and process substitutions.
    sub: usize,
    depth: usize,
    /// The compound commands being read, innermost last.
    open: Vec<usize>,
    /// Each compound command's blocks, once read.
    by_id: Vec<Option<Vec<Span>>>,
    /// Compound commands with redirections, and the compound around each.
    redirected: Vec<(Span, Option<usize>)>,
    blocks: Blocks,
    has_trap: bool,
    functions: Vec<String>,
    bodies: Vec<(String, Span)>,
}

fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

impl<'a> P<'a> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.b[self.i..].starts_with(s.as_bytes())
    }

    /// Blanks and line continuations.
    fn blanks(&mut self) {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t') => self.i += 1,
                Some(b'\\') if self.peek(1) == Some(b'\n') => self.i += 2,
                _ => return,
            }
        }
    }

    fn comment(&mut self) {
        if self.peek(0) == Some(b'#') {
            self.i = memchr::memchr(b'\n', &self.b[self.i..]).map_or(self.b.len(), |k| self.i + k);
        }
    }

    /// Blanks, comments and newlines (reading here-document bodies).
    fn space(&mut self) -> Option<()> {
        loop {
            self.blanks();
            self.comment();
            if self.peek(0) == Some(b'\n') {
                self.i += 1;
                self.heredoc_bodies()?;
            } else {
                return Some(());
            }
        }
    }

    fn heredoc_bodies(&mut self) -> Option<()> {
        self.heredoc_line = false;
        for h in std::mem::take(&mut self.heredocs) {
            loop {
                if self.i >= self.b.len() {
                    return None;
                }
                let end =
                    memchr::memchr(b'\n', &self.b[self.i..]).map_or(self.b.len(), |k| self.i + k);
                let mut line = &self.t[self.i..end];
                if h.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                self.i = (end + 1).min(self.b.len());
                if line == h.delimiter {
                    self.heredoc_end = Some(end);
                    break;
                }
                if line.starts_with(&h.delimiter) {
                    // `EOF && x`: the shell reads on, the grammar may not
                    return None;
                }
            }
        }
        Some(())
    }

    /// The reserved word at the current position, if any.
    fn keyword(&self) -> Option<&'static str> {
        let rest = &self.b[self.i..];
        // the first bytes of the reserved words
        if !matches!(
            rest.first(),
            Some(
                b'i' | b't'
                    | b'e'
                    | b'f'
                    | b'c'
                    | b'w'
                    | b'u'
                    | b'd'
                    | b's'
                    | b'{'
                    | b'}'
                    | b'['
                    | b'!'
            )
        ) {
            return None;
        }
        KEYWORDS.iter().copied().find(|kw| {
            rest.starts_with(kw.as_bytes()) && {
                let next = rest.get(kw.len()).copied();
                match *kw {
                    "{" | "!" | "[[" => matches!(next, Some(b' ' | b'\t' | b'\n')),
                    _ => next.is_none_or(is_meta),
                }
            }
        })
    }

    fn expect(&mut self, kw: &str) -> Option<()> {
        (self.keyword() == Some(kw)).then(|| self.i += kw.len())
    }

    /// A list of statements, up to `stop` (not consumed).
    fn list(&mut self, stop: Stop) -> Option<Vec<Item>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut items: Vec<Item> = Vec::new();
        loop {
            self.heredoc_end = None;
            self.space()?;
            // a statement with here-documents ends with the last of them
            if let (Some(end), Some(last)) = (self.heredoc_end, items.last_mut()) {
                last.span.end = last.span.end.max(end);
            }
            let Some(c) = self.peek(0) else {
                if stop != Stop::Eof {
                    return None;
                }
                break;
            };
            if (stop == Stop::Paren && c == b')')
                || (stop == Stop::Esac && (self.at(";;") || self.at(";&")))
            {
                break;
            }
            if let Some(kw) = self.keyword()
                && stop.at_keyword(kw)
            {
                break;
            }
            let item = self.and_or()?;
            self.blanks();
            if self.heredoc_line && !matches!(self.peek(0), None | Some(b'\n' | b'#')) {
                // an operator after a here-document on its line
                return None;
            }
            self.comment();
            let term = match (self.peek(0), self.peek(1)) {
                (Some(b';'), Some(b';' | b'&')) if stop == Stop::Esac => None,
                (Some(b';'), Some(b';' | b'&')) => return None,
                (Some(b';'), _) => {
                    self.i += 1;
                    Some(Connector::Semi)
                }
                (Some(b'&'), _) => {
                    self.i += 1;
                    Some(Connector::Background)
                }
                (None | Some(b'\n'), _) => None,
                (Some(b')'), _) if stop == Stop::Paren => None,
                _ => return None,
            };
            items.push(Item { term, ..item });
        }
        self.depth -= 1;
        Some(items)
    }

    /// After an operator that follows a here-document on its line, the
    /// command goes on on that line (as the grammar reads it).
    fn after_heredoc_line(&mut self) -> Option<()> {
        self.blanks();
        let next_line = matches!(self.peek(0), None | Some(b'\n' | b'#'));
        (!(self.heredoc_line && next_line)).then_some(())
    }

    /// Pipelines joined by `&&` and `||`.
    fn and_or(&mut self) -> Option<Item> {
        let first = self.pipeline()?;
        let mut item = first;
        loop {
            self.blanks();
            let conn = if self.at("&&") {
                Connector::And
            } else if self.at("||") {
                Connector::Or
            } else {
                return Some(item);
            };
            self.i += 2;
            self.after_heredoc_line()?;
            self.space()?;
            let next = self.pipeline()?;
            if let Some(c) = item.commands.last_mut() {
                c.connector = conn;
            }
            item.commands.extend(next.commands);
            item.span.end = next.span.end;
            item.group = None;
        }
    }

    /// Commands joined by `|`, maybe negated with `!`.
    fn pipeline(&mut self) -> Option<Item> {
        let start = self.i;
        let negated = self.keyword() == Some("!");
        if negated {
            self.i += 1;
            self.blanks();
        }
        let (first, group) = self.command()?;
        let mut end = first.span.end;
        let mut n = 1;
        loop {
            self.blanks();
            if self.peek(0) != Some(b'|') || self.peek(1) == Some(b'|') {
                break;
            }
            self.i += 1;
            if self.peek(0) == Some(b'&') {
                self.i += 1;
            }
            self.after_heredoc_line()?;
            self.space()?;
            let (next, _) = self.command()?;
            end = next.span.end;
            n += 1;
        }
        let span = Span::new(start, end);
        if n == 1 && !negated {
            return Some(Item {
                commands: vec![first],
                span,
                group,
                term: None,
            });
        }
        Some(Item {
            commands: vec![Command {
                kind: CommandKind::Pipeline,
                span,
                assignments: Vec::new(),
                words: Vec::new(),
                redirects: false,
                exec: false,
                connector: Connector::End,
            }],
            span,
            group: None,
            term: None,
        })
    }

    fn compound(&self, kind: CommandKind, start: usize) -> Command {
        Command {
            kind,
            span: Span::new(start, self.i),
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: false,
            exec: false,
            connector: Connector::End,
        }
    }

    /// One command; with the blocks of a plain `{ }` group.
    fn command(&mut self) -> Option<(Command, Option<Vec<Span>>)> {
        let start = self.i;
        let (mut cmd, blocks) = match self.keyword() {
            Some("{") => self.group()?,
            Some("if") => self.if_()?,
            Some("case") => self.case_()?,
            Some("for") => self.for_()?,
            Some("while" | "until") => self.while_()?,
            Some("function") => return self.function(start, true).map(|c| (c, None)),
            Some("[[") => return self.test().map(|c| (c, None)),
            Some(_) => return None,
            None if self.at("((") => self.arithmetic_command()?,
            None if self.peek(0) == Some(b'(') => self.subshell()?,
            None if self.is_function() => return self.function(start, false).map(|c| (c, None)),
            None => return self.simple().map(|c| (c, None)),
        };
        // redirections after a compound command
        loop {
            self.blanks();
            if !self.at_redirect() {
                break;
            }
            cmd.span.end = self.redirect()?;
            cmd.redirects = true;
        }
        // `{ }` and `(( ))` are both the grammar's compound statement
        let group = (self.b[start] == b'{' || self.b[start..].starts_with(b"((")) && !cmd.redirects;
        if cmd.redirects {
            if cmd.kind == CommandKind::Compound {
                self.redirected.push((cmd.span, self.open.last().copied()));
            }
        } else if cmd.kind == CommandKind::Compound {
            self.blocks.compound.insert(cmd.span, blocks.clone());
        }
        Some((cmd, group.then_some(blocks)))
    }

    /// A compound command starts here, with a keyword of `len` bytes:
    /// where, and its id.
    fn open(&mut self, len: usize) -> (usize, usize) {
        let start = self.i;
        self.i += len;
        let id = self.by_id.len();
        self.by_id.push(None);
        self.open.push(id);
        (start, id)
    }

    /// The compound command `id`, begun at `start`, is read up to here.
    fn close(
        &mut self,
        id: usize,
        start: usize,
        kind: CommandKind,
        blocks: Vec<Span>,
    ) -> Option<(Command, Vec<Span>)> {
        self.open.pop();
        self.by_id[id] = Some(blocks.clone());
        Some((self.compound(kind, start), blocks))
    }

    /// A list that may not be empty, up to `stop`: its blocks.
    fn body(&mut self, stop: Stop) -> Option<Vec<Span>> {
        let items = self.list(stop)?;
        if items.is_empty() {
            return None;
        }
        Some(self.blocks_of(&items))
    }

    /// The blocks of a list, as tree-sitter's lookup gives them: runs of
    /// statements, split around plain `{ }` groups (whose own blocks come
    /// in their place). Each block's commands are kept.
    fn blocks_of(&mut self, items: &[Item]) -> Vec<Span> {
        let mut out = Vec::new();
        let mut run_start = 0;
        for (k, item) in items.iter().enumerate() {
            if let Some(inner) = &item.group {
                self.run(&items[run_start..k], &mut out);
                out.extend(inner.iter().copied());
                run_start = k + 1;
            }
        }
        self.run(&items[run_start..], &mut out);
        out
    }

    fn run(&mut self, items: &[Item], out: &mut Vec<Span>) {
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return;
        };
        let span = Span::new(first.span.start, last.span.end);
        self.blocks.commands.insert(span, flatten(items));
        out.push(span);
    }

    /// `(( expression ))`: a compound command without blocks.
    fn arithmetic_command(&mut self) -> Option<(Command, Vec<Span>)> {
        let start = self.i;
        self.arithmetic_from(start)?;
        Some((self.compound(CommandKind::Compound, start), Vec::new()))
    }

    fn group(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(1);
        let blocks = self.body(Stop::Brace)?;
        self.expect("}")?;
        self.close(id, start, CommandKind::Compound, blocks)
    }

    fn subshell(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(1);
        let blocks = self.body(Stop::Paren)?;
        if self.peek(0) != Some(b')') {
            return None;
        }
        self.i += 1;
        self.close(id, start, CommandKind::Subshell, blocks)
    }

    /// A condition: a list before `then` or `do`. Tree-sitter's lookup
    /// reads the blocks of a `{ }` group in it as blocks of the command:
    /// they are returned.
    fn condition(&mut self, stop: Stop) -> Option<Vec<Span>> {
        let items = self.list(stop)?;
        if items.is_empty() {
            return None;
        }
        Some(
            items
                .iter()
                .filter_map(|i| i.group.clone())
                .flatten()
                .collect(),
        )
    }

    fn if_(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(2);
        let mut blocks = self.condition(Stop::Then)?;
        self.expect("then")?;
        blocks.extend(self.body(Stop::Fi)?);
        loop {
            match self.keyword() {
                Some("elif") => {
                    self.i += 4;
                    let c = self.condition(Stop::Then)?;
                    blocks.extend(c);
                    self.expect("then")?;
                    blocks.extend(self.body(Stop::Fi)?);
                }
                Some("else") => {
                    self.i += 4;
                    blocks.extend(self.body(Stop::Fi)?);
                    self.expect("fi")?;
                    break;
                }
                Some("fi") => {
                    self.i += 2;
                    break;
                }
                _ => return None,
            }
        }
        self.close(id, start, CommandKind::Compound, blocks)
    }

    fn case_(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(4);
        self.blanks();
        self.word()?;
        self.space()?;
        self.expect("in")?;
        let mut blocks = Vec::new();
        loop {
            self.space()?;
            if self.keyword() == Some("esac") {
                self.i += 4;
                break;
            }
            if self.peek(0) == Some(b'(') {
                self.i += 1;
            }
            loop {
                self.blanks();
                self.word()?;
                self.blanks();
                match self.peek(0) {
                    Some(b'|') => self.i += 1,
                    Some(b')') => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            let body = self.list(Stop::Esac)?;
            blocks.extend(self.blocks_of(&body));
            if self.at(";;&") {
                self.i += 3;
            } else if self.at(";;") || self.at(";&") {
                self.i += 2;
            }
        }
        self.close(id, start, CommandKind::Compound, blocks)
    }

    fn for_(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(3);
        self.blanks();
        if self.at("((") {
            // `for (( ...; ...; ... ))`
            self.arithmetic_from(self.i)?;
            self.blanks();
            if self.peek(0) == Some(b';') {
                self.i += 1;
            }
            self.space()?;
            self.expect("do")?;
            let blocks = self.do_done()?;
            return self.close(id, start, CommandKind::Compound, blocks);
        }
        let (s, e) = self.word()?;
        if !is_name(&self.t[s..e]) {
            return None;
        }
        self.blanks();
        if self.keyword() == Some("in") {
            self.i += 2;
            loop {
                self.blanks();
                match self.peek(0) {
                    Some(b';') => {
                        self.i += 1;
                        break;
                    }
                    None | Some(b'\n' | b'#') => break,
                    _ => {
                        self.word()?;
                    }
                }
            }
        } else if self.peek(0) == Some(b';') {
            self.i += 1;
        }
        self.space()?;
        self.expect("do")?;
        let blocks = self.do_done()?;
        self.close(id, start, CommandKind::Compound, blocks)
    }

    fn while_(&mut self) -> Option<(Command, Vec<Span>)> {
        let (start, id) = self.open(5);
        let mut blocks = self.condition(Stop::Do)?;
        self.expect("do")?;
        blocks.extend(self.do_done()?);
        self.close(id, start, CommandKind::Compound, blocks)
    }

    fn do_done(&mut self) -> Option<Vec<Span>> {
        let blocks = self.body(Stop::Done)?;
        self.expect("done")?;
        Some(blocks)
    }

    /// `[[ ... ]]`: words and operators up to the closing `]]`.
    fn test(&mut self) -> Option<Command> {
        let start = self.i;
        self.i += 2;
        let mut regex = false;
        loop {
            self.blanks();
            let c = self.peek(0)?;
            if self.at("]]") && self.peek(2).is_none_or(is_meta) {
                self.i += 2;
                break;
            }
            if regex {
                self.regex()?;
                regex = false;
                continue;
            }
            match c {
                b'\n' => return None,
                b'&' | b'|' if self.peek(1) == Some(c) => self.i += 2,
                b'(' | b')' | b'<' | b'>' => self.i += 1,
                _ => {
                    let (s, e) = self.word()?;
                    regex = &self.t[s..e] == "=~";
                }
            }
        }
        Some(self.compound(CommandKind::Other, start))
    }

    /// The right side of `=~`: a word in which parentheses and `|` are
    /// characters, up to a blank outside parentheses.
    fn regex(&mut self) -> Option<()> {
        let start = self.i;
        let mut depth = 0usize;
        loop {
            match self.peek(0) {
                None => return None,
                Some(b'(') => {
                    depth += 1;
                    self.i += 1;
                }
                Some(b')') if depth > 0 => {
                    depth -= 1;
                    self.i += 1;
                }
                Some(b'|') if depth > 0 => self.i += 1,
                Some(b' ' | b'\t') if depth > 0 => self.i += 1,
                Some(c) if is_meta(c) => break,
                Some(_) => self.word_part()?,
            }
        }
        (self.i > start && depth == 0).then_some(())
    }

    /// Whether a function definition `name ()` starts here.
    fn is_function(&self) -> bool {
        let mut j = self.i;
        while j < self.b.len()
            && !is_meta(self.b[j])
            && !matches!(self.b[j], b'\'' | b'"' | b'$' | b'`' | b'\\' | b'=')
        {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while matches!(self.b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        self.b.get(j) == Some(&b'(')
    }

    /// `name () BODY` or `function name [()] BODY`, BODY a group or a
    /// subshell.
    fn function(&mut self, start: usize, keyword: bool) -> Option<Command> {
        if keyword {
            self.i += "function".len();
            self.blanks();
        }
        let (s, e) = self.word()?;
        let name = &self.t[s..e];
        if name
            .bytes()
            .any(|c| matches!(c, b'\'' | b'"' | b'$' | b'`' | b'\\' | b'='))
        {
            return None;
        }
        self.blanks();
        if self.peek(0) == Some(b'(') {
            self.i += 1;
            self.blanks();
            if self.peek(0) != Some(b')') {
                return None;
            }
            self.i += 1;
        } else if !keyword {
            return None;
        }
        self.space()?;
        // in source order of the definitions, as the grammar's tree walk
        // finds them: an outer function before the ones it defines
        if self.sub == 0 {
            self.functions.push(name.to_string());
        }
        let body_at = self.bodies.len();
        let (_, blocks) = match (self.keyword(), self.peek(0)) {
            (Some("{"), _) => self.group()?,
            (None, Some(b'(')) if !self.at("((") => self.subshell()?,
            _ => return None,
        };
        let def = self.compound(CommandKind::FunctionDef, start);
        self.blanks();
        if self.at_redirect() {
            return None;
        }
        if let Some(first) = blocks.first() {
            self.bodies.insert(body_at, (name.to_string(), *first));
        }
        Some(def)
    }

    fn at_redirect(&self) -> bool {
        let mut j = self.i;
        while self.b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        match (self.b.get(j), self.b.get(j + 1)) {
            // a process substitution
            (Some(b'<' | b'>'), Some(b'(')) => false,
            (Some(b'<' | b'>'), _) => true,
            (Some(b'&'), Some(b'>')) => j == self.i,
            _ => false,
        }
    }

    /// A redirection (at [`P::at_redirect`]); returns where it ends.
    fn redirect(&mut self) -> Option<usize> {
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let ops = [
            "<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">|", ">&", ">", "&>>", "&>",
        ];
        let op = ops.iter().copied().find(|op| self.at(op))?;
        self.i += op.len();
        self.blanks();
        if self.peek(0) == Some(b'\\') && matches!(self.peek(1), Some(b' ' | b'\t')) {
            // `> \ x`: the grammar drops an escaped blank starting a target
            return None;
        }
        let (s, e) = self.word()?;
        if matches!(op, "<<" | "<<-") {
            let raw = &self.t[s..e];
            if raw.contains(['$', '`']) {
                return None;
            }
            let delimiter = raw.replace(['\'', '"', '\\'], "");
            self.heredocs.push(Heredoc {
                delimiter,
                strip_tabs: op == "<<-",
            });
            self.heredoc_line = true;
        }
        Some(e)
    }

    /// A simple command: assignments, words and redirections.
    fn simple(&mut self) -> Option<Command> {
        let mut cmd = Command {
            kind: CommandKind::Simple,
            span: Span::new(self.i, self.i),
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: false,
            exec: false,
            connector: Connector::End,
        };
        let mut first = true;
        let mut declaration = false;
        loop {
            self.blanks();
            let Some(c) = self.peek(0) else { break };
            let is_redirect = self.at_redirect();
            if !is_redirect
                && (matches!(c, b'\n' | b';' | b'|' | b')' | b'&' | b'#' | b'(')
                    || (matches!(c, b'<' | b'>') && self.peek(1) != Some(b'(')))
            {
                if c == b'(' {
                    return None;
                }
                break;
            }
            let start = self.i;
            if is_redirect {
                if first && c == b'0' {
                    // `0<x cmd`: the grammar reads the 0 as the command
                    return None;
                }
                let end = self.redirect()?;
                cmd.redirects = true;
                self.extend(&mut cmd, start, end, first);
                first = false;
                continue;
            }
            let (s, mut e) = self.word()?;
            let raw = &self.t[s..e];
            if raw.starts_with("\\ ") || raw.starts_with("\\\t") {
                // a word starting with an escaped blank: the grammar may
                // drop it
                return None;
            }
            let assign = assignment(raw);
            if !assign && cmd.words.is_empty() && assignment_like(raw) {
                return None;
            }
            if assign && raw.ends_with('=') && self.peek(0) == Some(b'(') {
                // an array value
                if !(cmd.words.is_empty() || declaration) {
                    return None;
                }
                self.array()?;
                e = self.i;
            }
            if self.peek(0) == Some(b'(') {
                return None;
            }
            let word = Word {
                raw: self.t[s..e].to_string(),
                value: words::unquote_word(&self.t[s..e]),
                span: Span::new(s, e),
            };
            self.extend(&mut cmd, s, e, first);
            first = false;
            if assign && cmd.words.is_empty() {
                cmd.assignments.push(word);
            } else {
                if cmd.words.is_empty() {
                    declaration = declaration_keyword(&word, !cmd.assignments.is_empty())?;
                }
                cmd.words.push(word);
            }
        }
        if first {
            return None;
        }
        self.finish_simple(cmd)
    }

    /// A simple command read: the grammar's test expression, `exec`, a
    /// trap.
    fn finish_simple(&mut self, mut cmd: Command) -> Option<Command> {
        if cmd.words.is_empty() && cmd.redirects && !cmd.assignments.is_empty() {
            return None;
        }
        if cmd.words.first().is_some_and(|w| w.raw.starts_with('[')) {
            // the grammar reads `[ ... ]` as a test expression, not a
            // command with words
            let closed = cmd.words.len() > 1 && cmd.words.last().is_some_and(|w| w.raw == "]");
            if cmd.words[0].raw != "[" || !closed || cmd.redirects || !cmd.assignments.is_empty() {
                return None;
            }
            let inner: Vec<&str> = cmd.words[1..cmd.words.len() - 1]
                .iter()
                .map(|w| w.raw.as_str())
                .collect();
            if !test_expression(&inner) {
                return None;
            }
            cmd.kind = CommandKind::Other;
            cmd.words.clear();
        }
        cmd.exec = is_exec(&cmd.words);
        if self.sub == 0
            && cmd.words.first().and_then(|w| w.value.as_deref()) == Some("trap")
            && sets_trap(&cmd.words)
        {
            self.has_trap = true;
        }
        Some(cmd)
    }

    fn extend(&self, cmd: &mut Command, start: usize, end: usize, first: bool) {
        if first {
            cmd.span = Span::new(start, end);
        } else {
            cmd.span.end = end;
        }
    }

    /// `( ... )` after `name=`: words, newlines and comments up to `)`.
    fn array(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            self.space()?;
            match self.peek(0)? {
                b')' => {
                    self.i += 1;
                    return Some(());
                }
                c if is_meta(c) => return None,
                _ => {
                    self.word()?;
                }
            }
        }
    }

    /// One word; its span.
    fn word(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        while let Some(c) = self.peek(0) {
            if matches!(c, b'<' | b'>') && self.peek(1) == Some(b'(') {
                // a process substitution
                self.i += 2;
                self.substitution()?;
                continue;
            }
            if is_meta(c) {
                if c == b'('
                    && self.i > start
                    && matches!(self.b[self.i - 1], b'@' | b'!' | b'+' | b'*' | b'?')
                {
                    // an extended glob
                    return None;
                }
                break;
            }
            self.word_part()?;
        }
        (self.i > start).then_some((start, self.i))
    }

    /// One part of a word: a quoted string, a substitution, an escape or a
    /// character.
    fn word_part(&mut self) -> Option<()> {
        match self.peek(0)? {
            b'\\' => {
                let c = self.t[self.i + 1..].chars().next()?;
                self.i += 1 + c.len_utf8();
            }
            b'\'' => {
                let k = memchr::memchr(b'\'', &self.b[self.i + 1..])?;
                self.i += k + 2;
            }
            b'"' => self.dquote()?,
            b'`' => self.backquote()?,
            b'$' => self.dollar(false)?,
            _ => self.i += 1,
        }
        Some(())
    }

    fn dquote(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek(0)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => {
                    let c = self.t[self.i + 1..].chars().next()?;
                    self.i += 1 + c.len_utf8();
                }
                b'`' => self.backquote()?,
                b'$' => self.dollar(true)?,
                _ => self.i += 1,
            }
        }
    }

    fn backquote(&mut self) -> Option<()> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek(0)? {
                b'\\' => {
                    let c = self.t[self.i + 1..].chars().next()?;
                    self.i += 1 + c.len_utf8();
                }
                b'`' => break,
                _ => self.i += 1,
            }
        }
        let inner = &self.t[start..self.i];
        // empty backquotes (an error for the grammar), functions and
        // here-documents inside backquotes: not read here
        if inner.trim().is_empty()
            || inner.contains("()")
            || inner.contains("function")
            || inner.contains("<<")
        {
            return None;
        }
        self.i += 1;
        Some(())
    }

    fn dollar(&mut self, quoted: bool) -> Option<()> {
        // `${` in `${` in ...: nesting is bounded as lists are
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.expansion(quoted)?;
        self.depth -= 1;
        Some(())
    }

    fn expansion(&mut self, quoted: bool) -> Option<()> {
        match self.peek(1) {
            Some(b'(') if self.peek(2) == Some(b'(') => {
                let at = self.i;
                if self.arithmetic().is_none() {
                    // `$( (subshell) )`
                    self.i = at + 2;
                    self.substitution()?;
                }
            }
            Some(b'(') => {
                self.i += 2;
                self.substitution()?;
            }
            Some(b'{') => {
                self.i += 2;
                self.parameter()?;
                loop {
                    match self.peek(0)? {
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        b'{' => return None,
                        b'\'' => {
                            let k = memchr::memchr(b'\'', &self.b[self.i + 1..])?;
                            self.i += k + 2;
                        }
                        b'\\' => {
                            let c = self.t[self.i + 1..].chars().next()?;
                            self.i += 1 + c.len_utf8();
                        }
                        b'"' => self.dquote()?,
                        b'`' => self.backquote()?,
                        b'$' => self.dollar(quoted)?,
                        _ => self.i += 1,
                    }
                }
            }
            Some(b'\'') if !quoted => {
                self.i += 2;
                loop {
                    match self.peek(0)? {
                        b'\\' => {
                            let c = self.t[self.i + 1..].chars().next()?;
                            self.i += 1 + c.len_utf8();
                        }
                        b'\'' => {
                            self.i += 1;
                            break;
                        }
                        _ => self.i += 1,
                    }
                }
            }
            Some(b'"') if !quoted => {
                self.i += 1;
                self.dquote()?;
            }
            _ => self.i += 1,
        }
        Some(())
    }

    /// The parameter a `${` names (`#x`, `!x`, `x`, `1`, `@`), followed by
    /// `}` or an operator: other text is an error for the grammar.
    fn parameter(&mut self) -> Option<()> {
        if matches!(self.peek(0), Some(b'#' | b'!')) && self.peek(1) != Some(b'}') {
            self.i += 1;
        }
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c == b'_' || c.is_ascii_alphanumeric())
        {
            self.i += 1;
        }
        if self.i == start {
            match self.peek(0)? {
                b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' => self.i += 1,
                _ => return None,
            }
        }
        matches!(
            self.peek(0)?,
            b'}' | b':'
                | b'-'
                | b'='
                | b'?'
                | b'+'
                | b'#'
                | b'%'
                | b'/'
                | b'^'
                | b','
                | b'['
                | b'@'
        )
        .then_some(())
    }

    /// `$(( ... ))`: balanced parentheses ending in `))`.
    fn arithmetic(&mut self) -> Option<()> {
        self.arithmetic_from(self.i + 1)
    }

    /// Balanced parentheses from `open` (the first of `((`), ending in `))`.
    fn arithmetic_from(&mut self, open: usize) -> Option<()> {
        let mut j = open;
        let mut depth = 0usize;
        loop {
            match self.b.get(j)? {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'\'' | b'"' | b'`' | b'\\' | b'\n' => return None,
                _ => {}
            }
            j += 1;
        }
        if self.b[j - 1] != b')' {
            return None;
        }
        self.i = j + 1;
        Some(())
    }

    /// The commands of a `$( )` or `<( )`, up to the closing `)`.
    fn substitution(&mut self) -> Option<()> {
        if !self.heredocs.is_empty() {
            return None;
        }
        let line = std::mem::replace(&mut self.heredoc_line, false);
        self.sub += 1;
        if self.list(Stop::Paren)?.is_empty() {
            // `$()`, ``: empty substitutions the grammar reads as errors
            return None;
        }
        self.sub -= 1;
        if self.peek(0) != Some(b')') || !self.heredocs.is_empty() {
            return None;
        }
        self.heredoc_line = line;
        self.i += 1;
        Some(())
    }
}

/// A first word the grammar may read as an assignment though the shell
/// does not: `--x=y`, `a[x`.
fn assignment_like(raw: &str) -> bool {
    let plain = raw.split(['\'', '"', '$', '`']).next().unwrap_or_default();
    let name_end = plain.find(|c: char| c != '_' && !c.is_ascii_alphanumeric());
    plain.contains('=') || name_end.is_some_and(|k| k > 0 && plain[k..].starts_with('['))
}

/// Whether a command's first word is `declare`, `local`, ... (its later
/// `name=(...)` words are arrays); `None` to decline: a word the grammar
/// cuts after the keyword (`local}`), or a declaration after assignments.
fn declaration_keyword(word: &Word, after_assignments: bool) -> Option<bool> {
    let keyword = ["declare", "typeset", "export", "readonly", "local", "unset"]
        .iter()
        .find(|k| word.raw.starts_with(**k));
    if let Some(k) = keyword
        && let Some(next) = word.raw[k.len()..].chars().next()
        && !(next == '_' || next == '-' || next.is_ascii_alphanumeric())
    {
        return None;
    }
    let name = word.value.as_deref();
    let literal = word.raw == name.unwrap_or_default();
    let declaration = matches!(
        name,
        Some("declare" | "typeset" | "export" | "readonly" | "local")
    ) && literal;
    let unset = matches!(name, Some("unset" | "unsetenv")) && literal;
    if (declaration || unset) && after_assignments {
        return None;
    }
    Some(declaration)
}

/// A `[ ... ]` expression of the forms the grammar reads as one (`-f x`,
/// `a = b`, `! e`, `e -a e`, `e -o e`); others it may read as an error.
fn test_expression(words: &[&str]) -> bool {
    fn operand(w: &str) -> bool {
        !w.is_empty() && !w.starts_with(['-', '!', '(', ')', '\\']) || w.starts_with("\"")
    }
    fn primary(w: &[&str]) -> bool {
        match w {
            ["!", rest @ ..] => primary(rest),
            [x] => operand(x),
            [op, x] => {
                op.len() == 2
                    && op.starts_with('-')
                    && op.as_bytes()[1].is_ascii_alphabetic()
                    && operand(x)
            }
            // either side may look like an option (`"$x" = --help`)
            [x, op, y] => {
                let side = |w: &str| !w.is_empty() && !w.starts_with(['(', ')', '\\']);
                matches!(
                    *op,
                    "=" | "=="
                        | "!="
                        | "-eq"
                        | "-ne"
                        | "-lt"
                        | "-le"
                        | "-gt"
                        | "-ge"
                        | "-nt"
                        | "-ot"
                ) && side(x)
                    && side(y)
            }
            _ => false,
        }
    }
    words.split(|w| matches!(*w, "-a" | "-o")).all(primary)
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `NAME=`, `NAME+=`, `NAME[...]=` at the start of a raw word.
fn assignment(raw: &str) -> bool {
    let Some(eq) = raw.find('=') else {
        return false;
    };
    let mut name = raw[..eq].strip_suffix('+').unwrap_or(&raw[..eq]);
    if let Some(open) = name.find('[') {
        if !name.ends_with(']') {
            return false;
        }
        name = &name[..open];
    }
    is_name(name)
}

#[cfg(test)]
mod tests {
    use super::super::{
        Analysis, CommandKind, analyze_script, analyze_uncached, tree_sitter_misreads,
    };
    use super::*;
    use proptest::prelude::*;

    /// The differences between the strict parser's analysis of `text` and
    /// tree-sitter's: the commands, traps, functions and bodies, then the
    /// blocks of every compound command reached from them and the commands
    /// of every block (what the script model reads).
    fn differences(text: &str) -> Vec<String> {
        let strict = analyze_script(text);
        assert!(strict.tree.is_strict(), "declined: {text:?}");
        let ts = analyze_uncached(text);
        let mut out = Vec::new();
        let mut check = |what: &str, same: bool| {
            if !same {
                out.push(what.to_string());
            }
        };
        check("commands", same_commands(&strict.commands, &ts.commands));
        check("has_trap", strict.has_trap == ts.has_trap);
        check("functions", strict.functions == ts.functions);
        check("bodies", strict.function_bodies() == ts.function_bodies());
        let mut lists = vec![strict.commands.clone()];
        lists.extend(
            strict
                .function_bodies()
                .iter()
                .map(|(_, b)| block(&strict, &ts, text, *b, &mut out)),
        );
        // a redirected compound's blocks are those of the one around it:
        // each block once
        let mut seen = std::collections::HashSet::new();
        while let Some(list) = lists.pop() {
            for c in list.iter().filter(|c| c.kind == CommandKind::Compound) {
                let blocks = strict.blocks(text, c.span);
                let c_text = &text[c.span.start..c.span.end];
                // the grammar counts a `for ((` loop's first assignment as a
                // block; the model never reads a loop's blocks
                if blocks != ts.blocks(text, c.span) && !c_text.starts_with("for ((") {
                    out.push(format!("blocks of {c_text:?}"));
                }
                for b in blocks {
                    if seen.insert(b) {
                        lists.push(block(&strict, &ts, text, b, &mut out));
                    }
                }
            }
        }
        out
    }

    fn block(
        strict: &Analysis,
        ts: &Analysis,
        text: &str,
        b: Span,
        out: &mut Vec<String>,
    ) -> Vec<Command> {
        let cmds = strict.block_commands(text, b);
        if !same_commands(&cmds, &ts.block_commands(text, b)) {
            out.push(format!("commands of block {:?}", &text[b.start..b.end]));
        }
        cmds
    }

    /// Equal commands; of a pipeline, the redirections are not compared (the
    /// grammar reads `cat <<EOF | sh` as a here-document holding a pipeline).
    fn same_commands(a: &[Command], b: &[Command]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                let redirects = x.redirects == y.redirects || x.kind == CommandKind::Pipeline;
                Command {
                    redirects: y.redirects,
                    ..x.clone()
                } == *y
                    && redirects
            })
    }

    fn assert_same(text: &str) {
        let d = differences(text);
        assert!(d.is_empty(), "{text:?}: {d:?}");
    }

    #[test]
    fn reads_what_tree_sitter_reads() {
        for text in [
            "#!/bin/sh\nset -e\nexec \"$@\"\n",
            "a && b || c; d & e\nf | g; ! i | j\nk | l | m\nn;\nif x; then y; fi > f\nz 2>&1\n",
            "FOO=1 BAR=\"x y\" exec node server.js --port=$PORT\n",
            "X=1\nY=2 Z=3;\nexport A=1 B\nlocal -r c=\"$(d)\"\ndeclare -A m=( [a]=1 [b]=2 )\narr=(1 \"2 3\" $(x))\nunset -f f\n",
            "if [ \"$1\" = web ]; then\n  exec node a.js\nelif [ -n \"$X\" ]; then\n  b; c &\nelse\n  exec \"$@\"\nfi\n",
            "case \"$1\" in\n  web|api) exec node s.js ;;\n  (worker) w & ;;&\n  -*) set -- x \"$@\" ;&\n  *) ;;\nesac\nexec \"$@\"\n",
            "for x in a \"b c\" $(ls); do\n  echo $x\ndone\nfor y; do :; done\nfor ((i=0; i<3; i++)); do\n  z\ndone\n",
            "while read -r l; do echo \"$l\"; done < f\nuntil [ -f x ]; do sleep 1; done\n",
            "main() {\n  setup\n  { a; b; }\n  exec \"$@\"\n}\nfunction other {\n  ( cd /x && run )\n}\nsub() ( exit 1 )\nmain \"$@\"\n",
            "if { a; b; }; then c; fi\nwhile { x; }; do y; done\n",
            "{ a; b; } > log 2>&1\nif x; then y; fi 2>/dev/null\nf() {\n  { g; } > out\n  h\n}\n",
            "(( n++ ))\nif (( ${#a[@]} != 0 )); then\n  b\nfi\nx=$(( 1 + (2 * 3) ))\ny=$( (cd /; ls) )\n",
            "[[ $x == y* && -n \"$z\" ]] && exec a\n[[ $v =~ ^([0-9]+)\\.(x|y)$ ]] || b\n",
            "cat <<EOF > f\nbody $HOME\nEOF\ncat <<-'EOS' | sh -c x\n\tinner\n\tEOS\nread -r -d '' v <<-EOSQL || true\n\tq\n\tEOSQL\nexec a\n",
            "x=`echo \\`date\\``\ny=\"${v#'\"'}\" z=${w:='T C'} q=$'a\\'b' r=$\"loc\" cmd\necho a\\ b \\\n  c\n",
            "trap 'echo bye' TERM INT\nexec node s.js\n",
            "[ -f x ] && exec a\n[ \"$a\" = b -a -n \"$c\" ] || exit 1\n[ \"$a\" = --help ] || [ -h = \"$a\" ]\ncat <<\\EOF\n$x\nEOF\n[ -z \"$(ls)\" ]\n[ ! -x \"$f\" -o \"$#\" -ne 0 ]\n[ \"$v\" ]\n",
            "trap - TERM\ntrap\nx=$(trap 'a' INT)\nexec b\n",
            "diff <(a) >(b)\ncmd 2>&1 >/dev/null 3<>f &>>log <<<\"$s\" >&2\nexec 3>&-\n> empty\n",
            "f() { g() { h; }; g; }\nf\n# comment\nexec x # trailing\n",
        ] {
            assert_same(text);
        }
    }

    /// Where tree-sitter joins lines or nests a list in a pipeline, the
    /// strict parser reads the script as the shell runs it.
    #[test]
    fn reads_as_the_shell_where_tree_sitter_misreads() {
        for (text, main) in [
            (
                "#!/bin/sh\nps | grep x | wc -l && exec \"$@\"\n",
                "exec \"$@\"",
            ),
            ("#!/bin/sh\nA=1 B=2\nexec node s.js\n", "exec node s.js"),
            (
                "#!/bin/sh\nf | g | h\nnode a.js\nexec node s.js > log\n",
                "exec node s.js > log",
            ),
            (
                "#!/bin/sh\nf | g |& h\nexec node s.js > log\n",
                "exec node s.js > log",
            ),
        ] {
            assert!(tree_sitter_misreads(text), "{text:?}");
            let i = crate::model::script::analyze_script(text);
            let site = &i.sites[i.main.unwrap()];
            assert_eq!(site.text, main, "{text:?}");
            assert!(site.exec && site.env.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "select x in a b; do :; done\n",
            "coproc a\n",
            "time a\n",
            "echo @(a|b)\n",
            "cat <<EOF; echo x\nbody\nEOF\n",
            "cat <<EOF &&\nbody\nEOF\necho x\n",
            "cat <<EOF\nno end\n",
            "a\r\nb\r\n",
            "a\u{c}b\n",
            "a\u{a0}b\n",
            "a\0b\n",
            "if a; then fi\n",
            "echo ${a{b}}\n",
            "x=`f() { a; }`\n",
            "a (b)\n",
            "fi\n",
            "echo \"unterminated\n",
            "f() x\n",
            "[x] y\n",
            &"${x:-".repeat(10_000),
            &"$(".repeat(10_000),
            "[]\n",
            "0<x cmd\n",
            "--moun=ttun=tty\n",
            "a``\n",
            "a $( )\n",
            "a && \\ \n",
            "a 2>&1 \\ \n",
            ": ${A B}\n",
            "yu[\"x\" y]\n",
            "local}}\n",
            "a 2> \\ \n",
            "[ -f x > y ]\n",
            "[ \"sh\", \"-c\" ]\n",
            "[ \\( a \\) ]\n",
            "for ((i=0; i<\"3\"; i++)); do a; done\n",
        ] {
            assert!(parse(text).is_none(), "{text:?} should be declined");
        }
    }

    /// Scripts made of the constructs entrypoint scripts use, nested.
    fn script() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(vec![
            "exec \"$@\"",
            "exec gosu app node server.js",
            "node server.js &",
            "wait",
            "set -e",
            "X=1",
            "FOO=\"a b\" run --x=$Y",
            "trap 'kill $pid' TERM",
            "trap - INT",
            "echo \"$(date)\" > /tmp/log 2>&1",
            "cat <<EOF\nbody $X\nEOF",
            "cat <<-'E' | sh\n\tx\n\tE",
            "read -r v <<EOF || true\nq\nEOF",
            "[[ -n $A && $B =~ ^x(y|z)$ ]]",
            "(( i++ ))",
            "local v=$(f)",
            "arr=(a 'b c')",
            "a | b",
            "a | b | c",
            "p | q | r > log",
            "v=$(a | b | c)",
            "[[ -f x || -d y ]] && z",
            "[ -f x ] && exec a",
            "[ \"$1\" = x ] || exit 1",
            "[ \"${1#-}\" != \"$1\" ] && set -- node \"$@\"",
            "d 2>/dev/null",
            "1>&2 echo \"$x\"",
            "! a",
            "cd /app && run || fail",
            "x=`date`",
            "main \"$@\"",
            "# note",
            "eval exec \"$@\"",
            ": ${V:='d'}",
        ])
        .prop_map(str::to_string);
        leaf.prop_recursive(4, 48, 4, |inner| {
            let sep = prop::sample::select(vec!["\n", "; ", "\n\n", " # c\n", " &\n"]);
            let body = prop::collection::vec((inner, sep), 1..4).prop_map(|v| {
                let mut b = String::new();
                for (k, (part, sep)) in v.iter().enumerate() {
                    b.push_str(part);
                    if k + 1 < v.len() {
                        b.push_str(sep);
                    }
                }
                b
            });
            prop_oneof![
                body.clone()
                    .prop_map(|b| format!("if [ \"$1\" = web ]; then\n{b}\nelse\n{b}\nfi")),
                (body.clone(), body.clone()).prop_map(|(a, b)| format!(
                    "case \"$1\" in\n  web) {a} ;;\n  *)\n{b}\n  ;;\nesac"
                )),
                body.clone().prop_map(|b| format!("main() {{\n{b}\n}}")),
                body.clone().prop_map(|b| format!("{{ {b}\n}}")),
                body.clone().prop_map(|b| format!("( {b} )")),
                body.clone()
                    .prop_map(|b| format!("for x in a b; do\n{b}\ndone")),
                body.clone()
                    .prop_map(|b| format!("while true; do\n{b}\ndone")),
                body.clone().prop_map(|b| format!("{{ {b}\n}} > out")),
                (body.clone(), body).prop_map(|(a, b)| format!("{a} && {b}")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn generated_scripts_read_as_tree_sitter_reads_them(
            parts in prop::collection::vec(script(), 1..5),
        ) {
            let text = format!("#!/bin/sh\n{}\n", parts.join("\n"));
            if parse(&text).is_some() {
                let d = differences(&text);
                prop_assert!(d.is_empty() || tree_sitter_misreads(&text), "{:?}: {:?}", text, d);
            }
        }
    }
}
