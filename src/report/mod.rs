//! Renderers: turn lint results into text for a terminal or for machines.
//!
//! Renderers know nothing of rules. They take the findings of each file
//! (already sorted by span) plus the files that could not be linted, and
//! produce a `String`; the caller decides where it goes, whether to use
//! color and how wide the terminal is.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::LineIndex;

mod json;
pub mod tree;
mod tty;

#[cfg(test)]
mod tests;

pub use json::render_json;
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
        }
    }
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
