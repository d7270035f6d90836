//! A line-oriented Dockerfile parser that reads files exactly as BuildKit's
//! reference parser does (directives, escape char, continuations, comments
//! inside continuations, heredocs, JSON vs shell form), keeps byte spans for
//! everything, and never aborts: a line it cannot read becomes a
//! [`SyntaxError`] and parsing resumes at the next line.

pub mod ast;
mod dump;
mod json;
mod words;

pub use ast::*;
pub use dump::dump;

use crate::diagnostic::Span;
use std::borrow::Cow;

const BOM: &str = "\u{feff}";

/// A logical line: physical lines joined after continuation handling, with
/// the map back to original byte offsets. A logical line of one physical line
/// (the common case) borrows the source and needs no map.
struct Logical<'a> {
    text: Cow<'a, str>,
    /// Source offset of the first piece.
    base: usize,
    /// With two pieces or more: (offset in `text`, offset in source), sorted;
    /// each segment is a verbatim copy of source bytes.
    segs: Vec<(usize, usize)>,
}

impl<'a> Logical<'a> {
    /// Join pieces of source text, each with its source offset. Empty pieces
    /// are left out; the text is allocated once, at its final size.
    fn join(pieces: &[(&'a str, usize)]) -> Self {
        let mut it = pieces.iter().filter(|p| !p.0.is_empty());
        let Some(&(first, base)) = it.next() else {
            return Logical {
                text: Cow::Borrowed(""),
                base: 0,
                segs: Vec::new(),
            };
        };
        let n = pieces.iter().filter(|p| !p.0.is_empty()).count();
        if n == 1 {
            return Logical {
                text: Cow::Borrowed(first),
                base,
                segs: Vec::new(),
            };
        }
        let len = pieces.iter().map(|p| p.0.len()).sum();
        let mut text = String::with_capacity(len);
        let mut segs = Vec::with_capacity(n);
        segs.push((0, base));
        text.push_str(first);
        for &(piece, src_off) in it {
            segs.push((text.len(), src_off));
            text.push_str(piece);
        }
        Logical {
            text: Cow::Owned(text),
            base,
            segs,
        }
    }

    /// Source offset of a logical offset (start of a range).
    fn map(&self, off: usize) -> usize {
        if self.segs.is_empty() {
            return if self.text.is_empty() {
                0
            } else {
                self.base + off
            };
        }
        let i = match self.segs.binary_search_by(|s| s.0.cmp(&off)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let (l, s) = self.segs[i];
        s + (off - l.min(off))
    }

    /// Source offset of a logical offset used as the end of a range.
    fn map_end(&self, off: usize) -> usize {
        if off == 0 {
            return self.map(0);
        }
        self.map(off - 1) + 1
    }

    fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let s = self.map(start);
            return Span::new(s, s);
        }
        Span::new(self.map(start), self.map_end(end))
    }
}

/// One physical line: its content span (without `\n` and trailing `\r`) and
/// the offset after its newline.
#[derive(Clone, Copy)]
struct RawLine {
    start: usize,
    end: usize,
    next: usize,
}

/// The physical lines of a source, read one at a time (no table of lines).
struct RawLines<'a> {
    bytes: &'a [u8],
    /// Offset of the next line.
    pos: usize,
}

impl<'a> RawLines<'a> {
    fn new(src: &'a str) -> Self {
        RawLines {
            bytes: src.as_bytes(),
            pos: 0,
        }
    }
}

impl Iterator for RawLines<'_> {
    type Item = RawLine;

    fn next(&mut self) -> Option<RawLine> {
        let bytes = self.bytes;
        let start = self.pos;
        if start >= bytes.len() {
            return None;
        }
        let (mut end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(p) => (start + p, start + p + 1),
            None => (bytes.len(), bytes.len()),
        };
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.pos = next;
        Some(RawLine { start, end, next })
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_space).starts_with('#')
}

/// Parser directives (`# escape=\``), accepted only in the first lines.
struct Directives {
    escape: char,
    done: bool,
    seen: Vec<String>,
}

impl Directives {
    /// Look at one (left-trimmed) line; returns a recognised directive.
    fn process(&mut self, line: &str) -> Result<Option<(String, String)>, String> {
        if self.done {
            return Ok(None);
        }
        let Some((name, value)) = match_directive(line) else {
            self.done = true;
            return Ok(None);
        };
        let key = name.to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(None);
        }
        if self.seen.contains(&key) {
            return Err(format!("only one {key} parser directive can be used"));
        }
        self.seen.push(key.clone());
        if key == "escape" {
            match value.as_str() {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => {
                    return Err(format!(
                        "invalid escape token '{value}' does not match ` or \\"
                    ));
                }
            }
        }
        Ok(Some((key, value)))
    }
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
fn match_directive(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('#')?;
    let rest = rest.trim_start_matches(is_space);
    let name_len = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_alphabetic() || (*i > 0 && c.is_ascii_digit())))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    let rest = rest[name_len..].trim_start_matches(is_space);
    let value = rest.strip_prefix('=')?.trim_matches(is_space);
    if value.is_empty() {
        return None;
    }
    Some((name.to_string(), value.to_string()))
}

/// If `line` ends with an unescaped escape char (plus spaces/tabs), remove
/// them and return true.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && !before.ends_with(escape)
    {
        return (before, true);
    }
    (line, false)
}

/// Parse a Dockerfile. Never fails: problems are in `errors`.
pub fn parse(src: &str) -> Dockerfile {
    let mut p = Parser {
        src,
        df: Dockerfile {
            escape: '\\',
            ..Default::default()
        },
        lines: RawLines::new(src),
        dirs: Directives {
            escape: '\\',
            done: false,
            seen: Vec::new(),
        },
        line: 0,
        pieces: Vec::new(),
    };
    while let Some(raw) = p.lines.next() {
        p.logical_line(raw);
    }
    p.finish()
}

/// The state of one parse: the lines still to read, the directives, and
/// what is built so far.
struct Parser<'a> {
    src: &'a str,
    df: Dockerfile,
    lines: RawLines<'a>,
    dirs: Directives,
    /// Physical lines read so far.
    line: usize,
    /// The pieces of the current logical line (reused).
    pieces: Vec<(&'a str, usize)>,
}

impl<'a> Parser<'a> {
    /// The logical line starting at physical line `raw`: its comment or
    /// directive, its continuation lines, then its instruction.
    fn logical_line(&mut self, raw: RawLine) {
        let src = self.src;
        let mut start = raw.start;
        if self.line == 0 && src[start..raw.end].starts_with(BOM) {
            self.df.bom = true;
            start += BOM.len();
        }
        let full = &src[start..raw.end];
        let lead = full.len() - full.trim_start_matches(is_space).len();
        let token = &full[lead..];
        let token_off = start + lead;
        if is_comment(token) {
            self.df.comments.push(Comment {
                text: token[1..].trim_matches(is_space).to_string(),
                span: Span::new(token_off, raw.end),
                line: self.line + 1,
            });
        }
        self.directive(token, Span::new(token_off, raw.end));
        let first_line = self.line;
        self.line += 1;
        let token = if is_comment(token) { "" } else { token };
        let (piece, continued) = trim_continuation(token, self.dirs.escape);
        if !continued && piece.is_empty() {
            return;
        }
        self.pieces.clear();
        self.pieces.push((piece, token_off));
        let last_end = if continued {
            self.continuation_lines(raw.end)
        } else {
            raw.end
        };
        let logical = Logical::join(&self.pieces);
        match build_instruction(&logical, self.dirs.escape) {
            Ok(Some(mut inst)) => {
                inst.line = first_line + 1;
                inst.end_line = self.line;
                inst.span = Span::new(inst.keyword_span.start, last_end.max(inst.keyword_span.end));
                if inst.kind.can_contain_heredoc() && logical.text.contains("<<") {
                    self.heredocs(&mut inst, &logical);
                }
                self.df.instructions.push(inst);
            }
            Ok(None) => {}
            Err((message, span)) => self.error(message, span),
        }
    }

    /// A parser directive (or the line that ends them), at `span`.
    fn directive(&mut self, token: &str, span: Span) {
        match self.dirs.process(token) {
            Ok(Some((name, value))) => self.df.directives.push(Directive { name, value, span }),
            Ok(None) => {}
            Err(message) => self.df.errors.push(SyntaxError {
                message: message.into(),
                span,
            }),
        }
        self.df.escape = self.dirs.escape;
    }

    /// The lines that continue a logical line, into `pieces` (comments and
    /// blank lines between them are skipped); returns where the last one
    /// ends.
    fn continuation_lines(&mut self, mut last_end: usize) -> usize {
        let src = self.src;
        let mut continued = true;
        while continued {
            let Some(raw) = self.lines.next() else {
                break;
            };
            let text = &src[raw.start..raw.end];
            // A directive-looking line here still ends directive processing.
            let _ = self.dirs.process(text.trim_start_matches(is_space));
            self.line += 1;
            if is_comment(text) {
                let t = text.trim_start_matches(is_space);
                self.df.comments.push(Comment {
                    text: t[1..].trim_matches(is_space).to_string(),
                    span: Span::new(raw.end - t.len(), raw.end),
                    line: self.line,
                });
                continue;
            }
            if text.trim_start_matches(is_space).is_empty() {
                continue;
            }
            let (piece, c) = trim_continuation(text, self.dirs.escape);
            self.pieces.push((piece, raw.start));
            last_end = raw.end;
            continued = c;
        }
        last_end
    }

    /// The bodies of the heredocs `inst` opens, read from the lines that
    /// follow it.
    fn heredocs(&mut self, inst: &mut Instruction, logical: &Logical) {
        for m in words::heredoc_markers(&logical.text) {
            let marker_span = logical.span(m.start, m.end);
            let body_start = self.lines.pos;
            let body_line = self.line + 1;
            let (content, body_end, terminated) = self.heredoc_body(inst, &m);
            if !terminated {
                self.df.errors.push(SyntaxError {
                    message: format!("unterminated heredoc {}", m.name).into(),
                    span: marker_span,
                });
                inst.span.end = self.src.len();
                inst.end_line = self.line;
            }
            inst.heredocs.push(Heredoc {
                name: m.name,
                chomp: m.chomp,
                quoted: m.quoted,
                marker_span,
                content,
                content_span: Span::new(body_start, body_end),
                line: body_line,
            });
            if !terminated {
                break;
            }
        }
    }

    /// One heredoc's lines up to its terminator: the content, where it
    /// ends, and whether the terminator was found (then `inst` ends there).
    fn heredoc_body(&mut self, inst: &mut Instruction, m: &words::Marker) -> (String, usize, bool) {
        let src = self.src;
        let mut content = String::new();
        let mut body_end = self.lines.pos;
        for raw in self.lines.by_ref() {
            self.line += 1;
            let text = &src[raw.start..raw.end];
            let cand = if m.chomp {
                text.trim_start_matches('\t')
            } else {
                text
            };
            if cand == m.name {
                inst.span.end = raw.end;
                inst.end_line = self.line;
                return (content, body_end, true);
            }
            content.push_str(&src[raw.start..raw.next]);
            if !src[raw.start..raw.next].ends_with('\n') {
                content.push('\n');
            }
            body_end = raw.next;
        }
        (content, body_end, false)
    }

    /// A syntax error; a file of many equal mistakes holds the message once.
    fn error(&mut self, message: String, span: Span) {
        let message = match self
            .df
            .errors
            .iter()
            .rev()
            .take(8)
            .find(|e| *e.message == message)
        {
            Some(e) => e.message.clone(),
            None => message.into(),
        };
        self.df.errors.push(SyntaxError { message, span });
    }

    fn finish(mut self) -> Dockerfile {
        let df = &mut self.df;
        if df.instructions.is_empty() && df.errors.is_empty() {
            df.errors.push(SyntaxError {
                message: "file with no instructions".into(),
                span: Span::new(0, 0),
            });
        }
        // a large file's lists grew by doubling: give the slack back
        df.instructions.shrink_to_fit();
        df.errors.shrink_to_fit();
        df.comments.shrink_to_fit();
        self.df
    }
}

type BuildResult = Result<Option<Instruction>, (String, Span)>;

/// Turn a logical line into an instruction (BuildKit's `newNodeFromLine`).
fn build_instruction(lg: &Logical, escape: char) -> BuildResult {
    let text: &str = &lg.text;
    let lead = text.len() - text.trim_start_matches(is_space).len();
    let trimmed_end = text.trim_end_matches(is_space).len();
    if trimmed_end <= lead {
        return Ok(None);
    }
    build_from(lg, escape, lead, trimmed_end)
}

fn is_ascii_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

fn build_from(lg: &Logical, escape: char, start: usize, end: usize) -> BuildResult {
    let text = &lg.text[start..end];
    let kw_len = text.find(is_ascii_ws).unwrap_or(text.len());
    let keyword = &text[..kw_len];
    let keyword_span = lg.span(start, start + kw_len);
    let after_kw = text[kw_len..].trim_start_matches(is_ascii_ws);
    let args_start = end - after_kw.len();
    let (flags, rest_off) = words::extract_flags(after_kw);
    let flags = to_flags(flags, &|s, e| lg.span(args_start + s, args_start + e));
    let rest_raw = &after_kw[rest_off..];
    let rest = rest_raw.trim_start_matches(is_space);
    let rest_start = args_start + rest_off + (rest_raw.len() - rest.len());
    let args_span = lg.span(rest_start, rest_start + rest.len());
    let Some(kind) = Kind::from_keyword(keyword) else {
        return Err((format!("unknown instruction: {keyword}"), keyword_span));
    };
    let at = |s: usize, e: usize| lg.span(rest_start + s, rest_start + e);
    let err_span = lg.span(start, end);
    let args = match kind {
        Kind::Cmd | Kind::Entrypoint | Kind::Run | Kind::Shell => {
            maybe_json(rest, &at).map_err(|m| (m, err_span))?
        }
        Kind::Add | Kind::Copy | Kind::Volume => {
            paths_args(kind, rest, &at).map_err(|m| (m, err_span))?
        }
        Kind::Expose | Kind::From => whitespace_words(rest, &at),
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => string_arg(rest, &at),
        Kind::Arg => {
            let ws = words::parse_words(rest, escape);
            if ws.is_empty() {
                Args::None
            } else {
                Args::Words(to_words(ws, &at))
            }
        }
        Kind::Env | Kind::Label => name_val(rest, escape, kind, &at).map_err(|m| (m, err_span))?,
        Kind::Healthcheck => healthcheck_args(rest, &at).map_err(|m| (m, err_span))?,
        Kind::Onbuild => onbuild_args(lg, escape, rest_start, rest)?,
    };
    Ok(Some(Instruction {
        kind,
        keyword: keyword.to_string(),
        keyword_span,
        span: lg.span(start, end),
        line: 0,
        end_line: 0,
        flags,
        args,
        args_text: rest.to_string(),
        args_span,
        heredocs: Vec::new(),
    }))
}

/// The `--name[=value]` flags of an instruction.
fn to_flags(flags: Vec<words::Piece>, at: &dyn Fn(usize, usize) -> Span) -> Vec<Flag> {
    flags
        .into_iter()
        .map(|f| {
            let raw = f.value;
            let body = raw.strip_prefix("--").unwrap_or(&raw);
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (body.to_string(), None),
            };
            Flag {
                span: at(f.start, f.end),
                raw,
                name,
                value,
            }
        })
        .collect()
}

/// ADD, COPY, VOLUME: a JSON array of strings, or words.
fn paths_args(kind: Kind, rest: &str, at: &dyn Fn(usize, usize) -> Span) -> Result<Args, String> {
    Ok(match json::parse_array(rest) {
        json::JsonArray::Ok(ws, span) => Args::Exec {
            words: to_words(ws, at),
            span: at(span.0, span.1),
        },
        json::JsonArray::NotStrings => {
            return Err(format!(
                "{} takes a JSON array of strings only",
                kind.name()
            ));
        }
        json::JsonArray::Invalid(_) => whitespace_words(rest, at),
    })
}

/// The rest of the line as one string (MAINTAINER, STOPSIGNAL, USER, WORKDIR).
fn string_arg(rest: &str, at: &dyn Fn(usize, usize) -> Span) -> Args {
    if rest.is_empty() {
        Args::None
    } else {
        Args::String(Word {
            value: rest.to_string(),
            span: at(0, rest.len()),
        })
    }
}

/// HEALTHCHECK: its kind (`CMD`, `NONE`), then the command.
fn healthcheck_args(rest: &str, at: &dyn Fn(usize, usize) -> Span) -> Result<Args, String> {
    let sep = rest.find(is_space).unwrap_or(rest.len());
    if sep == 0 {
        return Ok(Args::None);
    }
    let after = &rest[sep..];
    let next = sep + (after.len() - after.trim_start_matches(is_space).len());
    let sub = |s: usize, e: usize| at(next + s, next + e);
    let cmd = maybe_json(&rest[next..], &sub)?;
    Ok(Args::Health {
        kind: Word {
            value: rest[..sep].to_string(),
            span: at(0, sep),
        },
        cmd: Box::new(cmd),
    })
}

/// ONBUILD: the instruction it holds, which may not be ONBUILD, FROM or
/// MAINTAINER.
fn onbuild_args(
    lg: &Logical,
    escape: char,
    rest_start: usize,
    rest: &str,
) -> Result<Args, (String, Span)> {
    if rest.is_empty() {
        return Ok(Args::None);
    }
    match build_from(lg, escape, rest_start, rest_start + rest.len())? {
        Some(inner) => {
            if matches!(inner.kind, Kind::Onbuild | Kind::From | Kind::Maintainer) {
                return Err((
                    format!("{} isn't allowed as an ONBUILD trigger", inner.kind.name()),
                    inner.keyword_span,
                ));
            }
            Ok(Args::Onbuild(Box::new(inner)))
        }
        None => Ok(Args::None),
    }
}

fn to_words(ws: Vec<words::Piece>, at: &dyn Fn(usize, usize) -> Span) -> Vec<Word> {
    ws.into_iter()
        .map(|p| Word {
            span: at(p.start, p.end),
            value: p.value,
        })
        .collect()
}

fn maybe_json(rest: &str, at: &dyn Fn(usize, usize) -> Span) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::None);
    }
    match json::parse_array(rest) {
        json::JsonArray::Ok(ws, span) => Ok(Args::Exec {
            words: to_words(ws, at),
            span: at(span.0, span.1),
        }),
        json::JsonArray::NotStrings => {
            Err("the JSON array must contain only strings (Docker rejects this line)".into())
        }
        json::JsonArray::Invalid(e) => Ok(Args::Shell {
            text: Word {
                value: rest.to_string(),
                span: at(0, rest.len()),
            },
            json_error: e,
        }),
    }
}

/// BuildKit's `parseStringsWhitespaceDelimited`.
fn whitespace_words(rest: &str, at: &dyn Fn(usize, usize) -> Span) -> Args {
    if rest.is_empty() {
        return Args::None;
    }
    let mut out = Vec::with_capacity(rest.split(is_ascii_ws).filter(|p| !p.is_empty()).count());
    let mut pos = 0;
    for part in rest.split(is_ascii_ws) {
        if !part.is_empty() {
            out.push(Word {
                value: part.to_string(),
                span: at(pos, pos + part.len()),
            });
        }
        pos += part.len() + 1;
    }
    Args::Words(out)
}

/// BuildKit's `parseNameVal` for ENV and LABEL.
fn name_val(
    rest: &str,
    escape: char,
    kind: Kind,
    at: &dyn Fn(usize, usize) -> Span,
) -> Result<Args, String> {
    let ws = words::word_spans(rest, escape);
    if ws.is_empty() {
        return Ok(Args::None);
    }
    if !rest[ws[0].0..ws[0].1].contains('=') {
        // legacy form: KEY value
        let Some(k_end) = rest.find(is_ascii_ws) else {
            return Err(format!("{} must have two arguments", kind.name()));
        };
        let v_start =
            k_end + (rest[k_end..].len() - rest[k_end..].trim_start_matches(is_ascii_ws).len());
        return Ok(Args::KeyValues(vec![KeyValue {
            key: Word {
                value: rest[..k_end].to_string(),
                span: at(0, k_end),
            },
            value: Word {
                value: rest[v_start..].to_string(),
                span: at(v_start, rest.len()),
            },
            sep: "",
        }]));
    }
    let mut out = Vec::new();
    for (start, end) in ws {
        let word = &rest[start..end];
        let Some(eq) = word.find('=') else {
            return Err(format!(
                "syntax error: can't find = in {word:?}; must be of the form name=value"
            ));
        };
        out.push(KeyValue {
            key: Word {
                value: word[..eq].to_string(),
                span: at(start, start + eq),
            },
            value: Word {
                value: word[eq + 1..].to_string(),
                span: at(start + eq + 1, end),
            },
            sep: "=",
        });
    }
    Ok(Args::KeyValues(out))
}

#[cfg(test)]
mod tests;
