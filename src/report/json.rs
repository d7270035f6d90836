//! Machine-readable output.
//!
//! Schema (version 1), pretty-printed with a trailing newline:
//!
//! ```json
//! {
//!   "version": 1,
//!   "diagnostics": [
//!     {
//!       "file": "Dockerfile", "code": "DSIG001", "name": "shell-form-cmd",
//!       "severity": "error", "message": "...", "help": "..." | null,
//!       "line": 3, "column": 1, "end_line": 3, "end_column": 4,
//!       "fix": null | {
//!         "applicability": "safe" | "unsafe",
//!         "edits": [{"line", "column", "end_line", "end_column", "replacement"}]
//!       }
//!     }
//!   ],
//!   "errors": [{"file": "...", "message": "..."}]
//! }
//! ```
//!
//! Positions are 1-based; columns count characters; the end is the position
//! just after the span.

use serde::Serialize;

use super::{FileError, FileResult};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity, Span};
use crate::lines::LineIndex;

#[derive(Serialize)]
struct Report<'a, D: Serialize> {
    version: u32,
    diagnostics: D,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    /// Set when the edit is in another file (an entrypoint script),
    /// relative to the build context.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    message: &'a str,
}

/// 1-based start line/column and end line/column of a span.
pub(super) struct Range {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub(super) fn range(text: &str, lines: &LineIndex, span: Span) -> Range {
    let (line, column) = lines.line_col(text, span.start);
    let (end_line, end_column) = lines.line_col(text, span.end.max(span.start));
    Range {
        line,
        column,
        end_line,
        end_column,
    }
}

fn diagnostic<'a>(file: &'a FileResult, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let r = range(&file.source, &file.lines, d.span);
    JsonDiagnostic {
        file: &file.path,
        code: d.code.as_str(),
        name: d.name(),
        severity: d.severity,
        message: &d.message,
        help: d.help(),
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        fix: d.fix().map(|f| fix(file, f)),
    }
}

fn fix<'a>(file: &'a FileResult, f: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        applicability: f.applicability,
        edits: f
            .edits
            .iter()
            .map(|e| match &e.file {
                Some(f) => JsonEdit {
                    file: Some(&f.display),
                    line: f.line,
                    column: f.column,
                    end_line: f.end_line,
                    end_column: f.end_column,
                    replacement: &e.replacement,
                },
                None => {
                    let r = range(&file.source, &file.lines, e.span);
                    JsonEdit {
                        file: None,
                        line: r.line,
                        column: r.column,
                        end_line: r.end_line,
                        end_column: r.end_column,
                        replacement: &e.replacement,
                    }
                }
            })
            .collect(),
    }
}

/// Renders all findings (in the order of `results`, then of each file's
/// diagnostics) and all file errors as one JSON document.
pub fn render_json(results: &[FileResult], errors: &[FileError]) -> String {
    super::to_string(|w| write_json(w, results, errors))
}

/// [`render_json`], written as it goes.
pub fn write_json(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
) -> std::io::Result<()> {
    let report = Report {
        version: 1,
        diagnostics: super::Lazy::new(|| {
            results
                .iter()
                .flat_map(|file| file.diagnostics.iter().map(move |d| diagnostic(file, d)))
        }),
        errors: errors
            .iter()
            .map(|e| JsonError {
                file: &e.path,
                message: &e.message,
            })
            .collect(),
    };
    super::write_pretty(w, &report)
}
