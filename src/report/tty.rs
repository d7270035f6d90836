//! Human-readable output drawn with miette's graphical report handler.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{FileError, FileResult, summary};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lines::{LineIndex, floor_char_boundary};
use crate::read::{escape, escape_keep_lines};

/// Longest part of a source line shown (bytes); the rest is cut with `…`.
pub const MAX_LINE_SHOWN: usize = 1000;

/// Characters of a source line shown escaped (a tab is shown as it is).
fn shown_escaped(c: char) -> bool {
    c != '\t' && crate::read::needs_escape(c)
}

/// A line of a fix's diff as shown: cut at [`MAX_LINE_SHOWN`] bytes.
fn diff_line(l: &str) -> &str {
    let l = l.trim_end_matches('\r');
    &l[..floor_char_boundary(l, l.len().min(MAX_LINE_SHOWN))]
}

/// The lines around `span` as they can be shown, when the file's own text
/// cannot be: a line longer than [`MAX_LINE_SHOWN`] or a control character
/// (which would move the cursor, clear the screen or set the terminal's
/// title). Gives the text, the 0-based number of its first line in the file,
/// and the span within it. `None`: the lines can be shown as they are.
fn view(text: &str, lines: &LineIndex, span: Span) -> Option<(String, usize, Span)> {
    let first = lines.line_of(span.start).saturating_sub(1);
    let last = (lines.line_of(span.end) + 1).min(lines.line_count().saturating_sub(1));
    let from = lines.line_start(first);
    let to = lines.line_start(last + 1).min(text.len());
    let window = &text[from..to];
    let plain = window
        .split('\n')
        .all(|l| l.len() <= MAX_LINE_SHOWN && !l.trim_end_matches('\r').chars().any(shown_escaped));
    if plain {
        return None;
    }
    let mut out = String::with_capacity(window.len().min(8 * MAX_LINE_SHOWN));
    let (mut start, mut end) = (0, 0);
    let mut at = from;
    for l in window.split_inclusive('\n') {
        let body = l.trim_end_matches('\n').trim_end_matches('\r');
        let cut = floor_char_boundary(body, body.len().min(MAX_LINE_SHOWN));
        // where offsets of this line land in the view
        let place = |off: usize, out: &String| -> Option<usize> {
            if off < at || off > at + l.len() {
                return None;
            }
            let col = (off - at).min(cut);
            Some(out.len() + escape_keep_lines(&body[..floor_char_boundary(body, col)]).len())
        };
        if let Some(p) = place(span.start, &out) {
            start = p;
        }
        if let Some(p) = place(span.end, &out) {
            end = p;
        }
        out.push_str(&escape_keep_lines(&body[..cut]));
        if cut < body.len() {
            out.push('…');
            if span.end > at + cut && span.end <= at + l.len() {
                end = out.len();
            }
        }
        if l.ends_with('\n') {
            out.push('\n');
        }
        at += l.len();
    }
    Some((out, first, Span::new(start, end.max(start))))
}

/// How the terminal report looks. The caller decides; the renderer never
/// looks at the environment.
#[derive(Debug, Clone, Copy)]
pub struct TtyOptions {
    /// Use ANSI colors.
    pub color: bool,
    /// Width to wrap text at, in columns (at least [`MIN_WIDTH`] is used).
    pub width: usize,
    /// Link to the documentation of a rule, given its code.
    pub rules_url: fn(&str) -> String,
    /// End with the summary line (`2 warnings in 3 files`).
    pub summary: bool,
}

/// The narrowest width the report is wrapped at.
pub const MIN_WIDTH: usize = 40;

/// Renders every finding of every file, then one `error: <path>: <message>`
/// line per file that could not be linted, then a summary line.
pub fn render_tty(results: &[FileResult], errors: &[FileError], opts: &TtyOptions) -> String {
    super::to_string(|w| write_tty(w, results, errors, opts))
}

/// [`render_tty`], written finding by finding.
pub fn write_tty(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
    opts: &TtyOptions,
) -> std::io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Links as plain text (no terminal hyperlink escapes); no syntax
    // highlighter (miette's default one may look at the terminal); and no
    // `line:column` added by miette: its column counts bytes, so the source
    // name carries our own character-based position instead.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width.max(MIN_WIDTH))
        .with_links(false)
        .without_syntax_highlighting()
        .without_primary_span_start()
        .with_context_lines(1)
        // Wrap only at spaces and never inside a word, so a literal
        // replacement such as `CMD ["node", "src/server.js"]` stays copyable.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);

    let mut out = super::Sink::new(w);
    for file in results {
        let mut with_newline = None;
        for d in &file.diagnostics {
            let span = clamp(&file.source, d.span);
            let (line, col) = file.lines.line_col(&file.source, span.start);
            let name = format!("{}:{line}:{col}", escape(&file.path));
            let (source, span) = match view(&file.source, &file.lines, span) {
                // lines too long to show, or control characters: a copy of
                // the lines around the finding, cut and escaped
                Some((text, first_line, span)) => {
                    let lines = Arc::new(LineIndex::new(&text));
                    let source = IndexedSource::new(name, text.into(), lines);
                    (source.starting_at_line(first_line), span)
                }
                None => {
                    let (text, lines) = if span.is_empty() && span.start == file.source.len() {
                        with_newline
                            .get_or_insert_with(|| newline_appended(&file.source))
                            .clone()
                    } else {
                        (file.source.clone(), file.lines.clone())
                    };
                    (IndexedSource::new(name, text, lines), span)
                }
            };
            let finding = Finding {
                diagnostic: d,
                message: escape(&d.message),
                label: d.label().map(escape),
                help: help_with_fix(d, &file.source).map(|h| escape_keep_lines(&h)),
                span,
                header: format!("{}[{}] {}", d.severity.as_str(), d.code, d.name()),
                url: (opts.rules_url)(d.code.as_str()),
                source,
            };
            if handler.render_report(&mut out, &finding).is_err() {
                // Only reachable if a span cannot be read; keep the finding.
                out.push_str(&format!(
                    "{}: {}:{line}:{col}: {}\n",
                    d.severity.as_str(),
                    escape(&file.path),
                    finding.message
                ));
            }
            out.push('\n');
        }
    }
    // the files that could not be linted are counted here; each one's
    // error is said once, on standard error
    if opts.summary {
        out.push_str(&summary(results, errors));
        out.push('\n');
    }
    out.finish()
}

/// `text` plus one `\n`, with its index.
///
/// miette draws no marker for an empty span at the very end of the text (no
/// line holds that offset). Such a finding is drawn from this text instead,
/// so the marker lands on the added line break: at the end of the last line,
/// or on an empty last line after a trailing newline, which is where its
/// `line:column` says it is.
fn newline_appended(text: &str) -> (Arc<str>, Arc<LineIndex>) {
    let mut extended = String::with_capacity(text.len() + 1);
    extended.push_str(text);
    extended.push('\n');
    let lines = Arc::new(LineIndex::new(&extended));
    (extended.into(), lines)
}

/// The help text and, when the finding has a fix, the lines it changes as a
/// small diff (`- old` / `+ new`) with how to apply it.
fn help_with_fix(d: &Diagnostic, text: &str) -> Option<String> {
    let Some(fix) = d.fix() else {
        return d.help().map(str::to_string);
    };
    if let Some(x) = fix.edits.iter().find_map(|e| e.file.as_ref()) {
        let how = match fix.applicability {
            crate::diagnostic::Applicability::Safe => "dsig lint --fix",
            crate::diagnostic::Applicability::Unsafe => "dsig lint --fix --unsafe-fixes",
        };
        let mut out = d.help().unwrap_or_default().to_string();
        out.push_str(&format!("\nfix ({how}) in {}:{}:", x.display, x.line));
        out.push_str(&format!("\n- {}", x.expect));
        let inserted: String = fix
            .edits
            .iter()
            .filter(|e| e.file.is_some())
            .map(|e| e.replacement.as_str())
            .collect();
        out.push_str(&format!("\n+ {inserted}{}", x.expect));
        return Some(out);
    }
    let (Some(first), Some(last)) = (
        fix.edits.iter().map(|e| e.span.start).min(),
        fix.edits.iter().map(|e| e.span.end).max(),
    ) else {
        return d.help().map(str::to_string);
    };
    if last > text.len() || !text.is_char_boundary(first) || !text.is_char_boundary(last) {
        return d.help().map(str::to_string);
    }
    // whole lines around the edits, before and after
    let start = text[..first].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let end = text[last..]
        .find('\n')
        .map(|p| last + p)
        .unwrap_or(text.len());
    let old = &text[start..end];
    let mut new = String::new();
    let mut pos = start;
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| e.span.start);
    for e in edits {
        if e.span.start < pos {
            return d.help().map(str::to_string);
        }
        new.push_str(&text[pos..e.span.start]);
        new.push_str(&e.replacement);
        pos = e.span.end;
    }
    new.push_str(&text[pos..end]);
    let how = match fix.applicability {
        crate::diagnostic::Applicability::Safe => "dsig lint --fix",
        crate::diagnostic::Applicability::Unsafe => "dsig lint --fix --unsafe-fixes",
    };
    let mut out = d.help().unwrap_or_default().to_string();
    out.push_str(&format!("\nfix ({how}):"));
    for l in old.lines() {
        out.push_str(&format!("\n- {}", diff_line(l)));
        if diff_line(l).len() < l.trim_end_matches('\r').len() {
            out.push('…');
        }
    }
    for l in new.lines() {
        out.push_str(&format!("\n+ {}", diff_line(l)));
        if diff_line(l).len() < l.trim_end_matches('\r').len() {
            out.push('…');
        }
    }
    Some(out)
}

/// Keeps a span inside the text and on character boundaries, so that a
/// faulty span never makes rendering panic.
fn clamp(text: &str, span: Span) -> Span {
    let start = floor_char_boundary(text, span.start);
    let end = floor_char_boundary(text, span.end).max(start);
    Span::new(start, end)
}

/// One finding as miette sees it.
#[derive(Debug)]
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    /// The message and label, control characters escaped.
    message: String,
    label: Option<String>,
    /// The help text, followed by the fix as a small diff.
    help: Option<String>,
    span: Span,
    header: String,
    url: String,
    source: IndexedSource,
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.header))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = LabeledSpan::new_primary_with_span(
            self.label.clone(),
            SourceSpan::new(self.span.start.into(), self.span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// A source text with its precomputed line index, readable by miette.
///
/// miette's own `SourceCode` for `str` scans the text from its start on
/// every read, which is quadratic over a file with many findings. This one
/// jumps to the needed lines with the index, so a read costs about the size
/// of the returned snippet plus a binary search.
///
/// It returns what miette's `str` implementation returns (same data, span,
/// first line, first column and line count; columns count bytes, as there)
/// for every text whose line breaks are `\n` or `\r\n`. A lone `\r` is not a
/// line break here, as in a Dockerfile and in [`LineIndex`], whereas miette's
/// scan counts it as one.
#[derive(Debug, Clone)]
pub struct IndexedSource {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
    /// The 0-based line of the file the text starts at.
    first_line: usize,
}

/// Where a read lands: the byte range of the returned data, the 0-based line
/// and (byte) column reported for it, and the number of line breaks before
/// its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    line_count: usize,
}

impl IndexedSource {
    /// `lines` must be the index of `text`.
    pub fn new(name: impl Into<String>, text: Arc<str>, lines: Arc<LineIndex>) -> Self {
        IndexedSource {
            name: name.into(),
            text,
            lines,
            first_line: 0,
        }
    }

    /// The text is the part of a file that starts at 0-based `line`.
    pub fn starting_at_line(mut self, line: usize) -> Self {
        self.first_line = line;
        self
    }

    /// The name shown in the snippet header.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn window(&self, span: &SourceSpan, before: usize, after: usize) -> Option<Window> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let idx = &*self.lines;
        let s = span.offset();
        let e = s.checked_add(span.len())?;
        if e > len {
            return None;
        }

        // Start: `before` whole lines above the span's line, or the span
        // itself when no context is asked for.
        let span_line = idx.line_of(s);
        let (start, line) = if before == 0 {
            (s, span_line)
        } else {
            let first = span_line.saturating_sub(before);
            (idx.line_start(first), first)
        };

        // End, as miette's scan has it: just after the first character whose
        // last byte reaches the last byte of the span (a `\r\n` counts as one
        // character) or, when context is asked for, after the line break
        // ending the line that holds that character plus `after` more lines.
        let last = e.saturating_sub(1);
        let (end, newline_after) = if last >= len {
            (len, false)
        } else {
            let stop = if bytes[last] == b'\r' && bytes.get(last + 1) == Some(&b'\n') {
                last + 2
            } else {
                last + 1
            };
            if after == 0 {
                (stop, false)
            } else {
                let stop_line = idx.line_of(stop);
                let newline_after = stop_line + 1 < idx.line_count();
                let end_line = stop_line + after + 1;
                let end = if end_line < idx.line_count() {
                    idx.line_start(end_line)
                } else {
                    len
                };
                (end, newline_after)
            }
        };

        // Column (in bytes) of the span start; only reported when the data
        // starts at the span. miette's scan resets it on every line break
        // after the span, and does not count a `\r` whose `\n` starts the span.
        let column = if before > 0 || newline_after {
            0
        } else {
            let line_start = idx.line_start(span_line);
            let mut col = s - line_start;
            if s > line_start && bytes[s - 1] == b'\r' && bytes.get(s) == Some(&b'\n') {
                col -= 1;
            }
            col
        };

        Some(Window {
            start,
            end,
            line,
            column,
            line_count: idx.line_of(end),
        })
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let w = self
            .window(span, context_lines_before, context_lines_after)
            .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[w.start..w.end],
            SourceSpan::new(w.start.into(), w.end - w.start),
            w.line + self.first_line,
            w.column,
            w.line_count + self.first_line,
        )))
    }
}
