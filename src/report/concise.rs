//! One line per finding, for logs, editors' quickfix lists and `grep`:
//!
//! `app/Dockerfile:4:5: DSIG001 warning: shell-form CMD: ...`
//!
//! Line and column are 1-based (the column counts characters). Files that
//! could not be linted are not listed here: each one's error is said once,
//! on standard error.

use super::{FileError, FileResult};
use crate::read::escape;

/// Renders one line per finding, then the summary line (as the terminal
/// report ends).
pub fn render_concise(results: &[FileResult], errors: &[FileError]) -> String {
    super::to_string(|w| write_concise(w, results, errors, true))
}

/// [`render_concise`], written finding by finding.
pub fn write_concise(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
    with_summary: bool,
) -> std::io::Result<()> {
    let mut out = super::Sink::new(w);
    for file in results {
        for d in &file.diagnostics {
            let start = d.span.start.min(file.source.len());
            let (line, col) = file.lines.line_col(&file.source, start);
            out.push_str(&format!(
                "{}:{line}:{col}: {} {}: {}\n",
                escape(&file.path),
                d.code,
                d.severity.as_str(),
                escape(&d.message)
            ));
        }
    }
    if with_summary {
        out.push_str(&super::summary(results, errors));
        out.push('\n');
    }
    out.finish()
}
