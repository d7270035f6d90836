//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per finding, shown as annotations on the pull request.
//!
//! `::error file=app/Dockerfile,line=4,col=5,endLine=4,endColumn=23,title=DSIG001 shell-form-cmd::message`
//!
//! Values are escaped as the Actions runner unescapes them: in the message
//! `%`, CR and LF; in properties also `:` and `,`.

use super::json::range;
use super::{FileError, FileResult};
use crate::diagnostic::Severity;

/// Escapes a command's message; other control characters (which the job
/// log would interpret: colors, cursor moves) are shown as `\e`, `\u{7}`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::read::needs_escape(c) => {
                out.push_str(&crate::read::escape(c.encode_utf8(&mut [0; 4])))
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Renders one line per finding, then one `::error` per file that could not
/// be read.
pub fn render_github(results: &[FileResult], errors: &[FileError]) -> String {
    super::to_string(|w| write_github(w, results, errors))
}

/// [`render_github`], written finding by finding.
pub fn write_github(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
) -> std::io::Result<()> {
    let mut out = super::Sink::new(w);
    for file in results {
        for d in &file.diagnostics {
            let r = range(&file.source, &file.lines, d.span);
            let mut message = d.message.to_string();
            if let Some(h) = d.help() {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            out.push_str(&format!(
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                command(d.severity),
                escape_property(file.repo_path()),
                r.line,
                r.column,
                r.end_line,
                r.end_column,
                escape_property(&format!("{} {}", d.code, d.name())),
                escape_data(&message),
            ));
        }
    }
    for e in errors {
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            escape_property(&e.path),
            escape_property("dsig: could not lint"),
            escape_data(&format!("{}: {}", e.path, e.message)),
        ));
    }
    out.finish()
}
