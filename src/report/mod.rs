//! Renderers: turn lint results into text for a terminal or for machines.
//!
//! Renderers know nothing of rules. They take the findings of each file
//! (already sorted by span) plus the files that could not be linted, and
//! write them to a writer as they go (`write_*`), so a report of many
//! findings is never held whole in memory; `render_*` gives the same text
//! as a `String`. The caller decides where it goes, whether to use color
//! and how wide the terminal is.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::LineIndex;

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod json;
mod sarif;
mod statistics;
pub mod tree;
mod tty;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_formats;

pub use checkstyle::{render_checkstyle, write_checkstyle};
pub use concise::{render_concise, write_concise};
pub use github::{escape_data, escape_property, render_github, write_github};
pub use gitlab::{render_gitlab, write_gitlab};
pub use json::{render_json, write_json};
pub use sarif::{render_sarif, write_sarif};
pub use statistics::{Statistic, statistics, write_statistics};
pub use tty::{IndexedSource, MIN_WIDTH, TtyOptions, render_tty, write_tty};

/// Text written straight through to an `io::Write`, keeping the first
/// error (later writes are skipped).
pub(crate) struct Sink<'a> {
    w: &'a mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(w: &'a mut dyn std::io::Write) -> Self {
        Sink { w, error: None }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        if self.error.is_none()
            && let Err(e) = self.w.write_all(s.as_bytes())
        {
            self.error = Some(e);
        }
    }

    pub(crate) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    pub(crate) fn finish(self) -> std::io::Result<()> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl std::fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        if self.error.is_some() {
            Err(std::fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// A sequence serialized as it is produced: each item is made, written and
/// dropped, so a report never holds all its entries at once.
pub(crate) struct Lazy<F>(std::cell::RefCell<Option<F>>);

impl<F> Lazy<F> {
    pub(crate) fn new(f: F) -> Self {
        Lazy(std::cell::RefCell::new(Some(f)))
    }
}

impl<F, I> serde::Serialize for Lazy<F>
where
    F: FnOnce() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self
            .0
            .borrow_mut()
            .take()
            .ok_or_else(|| serde::ser::Error::custom("a lazy sequence is written once"))?;
        s.collect_seq(f())
    }
}

/// Serialize pretty JSON with a trailing newline to `w`, as it goes.
pub(crate) fn write_pretty<T: serde::Serialize>(
    w: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let mut buf = std::io::BufWriter::with_capacity(64 * 1024, w);
    serde_json::to_writer_pretty(&mut buf, value).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut buf, b"\n")?;
    std::io::Write::flush(&mut buf)
}

/// The text a writer-based renderer writes, as a `String`.
pub(crate) fn to_string(f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut v: Vec<u8> = Vec::new();
    // writing to memory does not fail
    let _ = f(&mut v);
    String::from_utf8(v).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The findings of one linted file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as the user gave it or as it was discovered
    /// (e.g. `testdata/x/Dockerfile`), or `-` for standard input.
    pub path: String,
    /// The file's text; empty when it has no findings (renderers read the
    /// text only around a finding).
    pub source: Arc<str>,
    /// Line index of `source`, computed once.
    pub lines: Arc<LineIndex>,
    /// Findings, already sorted by span.
    pub diagnostics: Vec<Diagnostic>,
    /// The path relative to the repository root, with `/` separators, for
    /// formats that need one (SARIF, GitHub, GitLab); `None`: use `path`.
    pub repo_path: Option<String>,
}

impl FileResult {
    /// Builds a result, computing the line index of `source`; a result
    /// without findings keeps no text.
    pub fn new(
        path: impl Into<String>,
        source: impl Into<Arc<str>>,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let source: Arc<str> = if diagnostics.is_empty() {
            Arc::from("")
        } else {
            source.into()
        };
        let lines = Arc::new(LineIndex::new(&source));
        FileResult {
            path: path.into(),
            source,
            lines,
            diagnostics,
            repo_path: None,
        }
    }

    /// Sets the repository-relative path.
    pub fn with_repo_path(mut self, repo_path: impl Into<String>) -> Self {
        self.repo_path = Some(repo_path.into());
        self
    }

    /// The repository-relative path, or the path as given.
    pub fn repo_path(&self) -> &str {
        self.repo_path.as_deref().unwrap_or(&self.path)
    }
}

/// What a renderer may know about the tool and its rules: plain data, so
/// renderers depend on no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    /// Where the tool is documented (absolute URI), if known.
    pub information_uri: Option<String>,
    pub rules: Vec<RuleInfo>,
}

/// One rule, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    /// One line.
    pub summary: String,
    /// A paragraph: what the rule finds.
    pub description: String,
    pub default_severity: Severity,
    /// The rule's page (absolute URI), if known.
    pub help_uri: Option<String>,
    /// The rule's page as Markdown.
    pub help_markdown: String,
}

/// A stable identity for each finding of a file, for tools that track
/// findings across commits (SARIF `partialFingerprints`, GitLab
/// `fingerprint`): a hash of the code, the repository-relative path and the
/// text of the lines the finding covers (whitespace collapsed) — not the
/// line number, so a finding keeps its fingerprint when lines are added
/// above it. Identical findings in one file are numbered in order.
pub fn fingerprints(file: &FileResult) -> Vec<Fingerprint> {
    let mut out: Vec<u64> = file
        .diagnostics
        .iter()
        .map(|d| {
            let text = covered_lines(file, d.span);
            // code, path and the words of the lines, hashed as they are read
            let mut h = Fnv::new();
            h.write(d.code.as_str().as_bytes());
            h.write(b"\0");
            h.write(file.repo_path().as_bytes());
            h.write(b"\0");
            for (i, w) in text.split_whitespace().enumerate() {
                if i > 0 {
                    h.write(b" ");
                }
                h.write(w.as_bytes());
            }
            h.0
        })
        .collect();
    // Number repeated hashes in order. Only the hashes that repeat are
    // counted in a map: a file of many distinct findings needs no map.
    let mut sorted = out.clone();
    sorted.sort_unstable();
    let mut repeated: std::collections::HashMap<u64, usize> = sorted
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| (w[0], 0))
        .collect();
    drop(sorted);
    if !repeated.is_empty() {
        for h in &mut out {
            if let Some(n) = repeated.get_mut(h) {
                if *n > 0 {
                    *h = fnv1a(format!("{:016x}:{n}", *h).as_bytes());
                }
                *n += 1;
            }
        }
    }
    out.into_iter().map(Fingerprint).collect()
}

/// A finding's fingerprint; shown as 16 hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The text of the whole lines a span touches.
fn covered_lines(file: &FileResult, span: crate::diagnostic::Span) -> &str {
    let text = &*file.source;
    let start = crate::lines::floor_char_boundary(text, span.start.min(text.len()));
    let end = crate::lines::floor_char_boundary(text, span.end.min(text.len())).max(start);
    let first = file.lines.line_of(start);
    let last = file.lines.line_of(end);
    let a = file.lines.line_start(first);
    let b = file.lines.line_start(last + 1).min(text.len()).max(a);
    &text[a..b]
}

/// 64-bit FNV-1a: small, and the same on every platform and version.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv::new();
    h.write(bytes);
    h.0
}

/// A file that could not be read or linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// Number of findings of each severity over all files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub(crate) fn of(results: &[FileResult]) -> Counts {
        let mut c = Counts::default();
        for d in results.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// The closing line of the terminal report, e.g.
/// `2 errors, 1 warning in 3 files` or `no findings in 1 file`; when some
/// files could not be linted it adds e.g. `(1 could not be linted)`.
pub(crate) fn summary(results: &[FileResult], errors: &[FileError]) -> String {
    let c = Counts::of(results);
    let mut parts = Vec::new();
    if c.errors > 0 {
        parts.push(plural(c.errors, "error", "errors"));
    }
    if c.warnings > 0 {
        parts.push(plural(c.warnings, "warning", "warnings"));
    }
    if c.infos > 0 {
        parts.push(plural(c.infos, "info", "info"));
    }
    let findings = if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    };
    let files = results.len() + errors.len();
    let mut line = format!("{findings} in {}", plural(files, "file", "files"));
    if !errors.is_empty() {
        line.push_str(&format!(" ({} could not be linted)", errors.len()));
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
