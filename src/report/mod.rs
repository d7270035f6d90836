//! Renderers: turn lint results into text for a terminal or for machines.
//!
//! Renderers know nothing of rules. They take the findings of each file
//! (already sorted by span) plus the files that could not be linted, and
//! produce a `String`; the caller decides where it goes, whether to use
//! color and how wide the terminal is.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::LineIndex;

mod checkstyle;
mod github;
mod gitlab;
mod json;
mod sarif;
pub mod tree;
mod tty;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_formats;

pub use checkstyle::render_checkstyle;
pub use github::{escape_data, escape_property, render_github};
pub use gitlab::render_gitlab;
pub use json::render_json;
pub use sarif::render_sarif;
pub use tty::{IndexedSource, MIN_WIDTH, TtyOptions, render_tty};

/// The findings of one linted file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as the user gave it or as it was discovered
    /// (e.g. `testdata/x/Dockerfile`), or `-` for standard input.
    pub path: String,
    /// The file's text.
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
    /// Builds a result, computing the line index of `source`.
    pub fn new(
        path: impl Into<String>,
        source: impl Into<Arc<str>>,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let source: Arc<str> = source.into();
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
pub fn fingerprints(file: &FileResult) -> Vec<String> {
    let mut seen: Vec<(u64, usize)> = Vec::new();
    file.diagnostics
        .iter()
        .map(|d| {
            let text = covered_lines(file, d.span);
            let words: Vec<&str> = text.split_whitespace().collect();
            let base = fnv1a(
                [d.code, file.repo_path(), &words.join(" ")]
                    .join("\0")
                    .as_bytes(),
            );
            let n = match seen.iter_mut().find(|(h, _)| *h == base) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((base, 0));
                    0
                }
            };
            let h = if n == 0 {
                base
            } else {
                fnv1a(format!("{base:016x}:{n}").as_bytes())
            };
            format!("{h:016x}")
        })
        .collect()
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
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
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
