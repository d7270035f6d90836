//! Checkstyle XML, as read by Jenkins, Reviewdog, SonarQube and others.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <checkstyle version="4.3">
//!   <file name="app/Dockerfile">
//!     <error line="4" column="5" severity="error" message="..." source="DSIG001"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Every linted file gets a `<file>` element, with or without findings.
//! Files that could not be read are not in the XML (they are reported on
//! standard error, and make the exit status 2).

use super::json::range;
use super::{FileError, FileResult};

/// Escapes text for an XML attribute value. Characters XML 1.0 cannot carry
/// at all (most C0 controls) become U+FFFD; tab, LF and CR are kept as
/// character references so attribute normalisation does not eat them.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Renders every file with its findings.
pub fn render_checkstyle(results: &[FileResult], errors: &[FileError]) -> String {
    super::to_string(|w| write_checkstyle(w, results, errors))
}

/// [`render_checkstyle`], written file by file.
pub fn write_checkstyle(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    _errors: &[FileError],
) -> std::io::Result<()> {
    let mut out = super::Sink::new(w);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for file in results {
        if file.diagnostics.is_empty() {
            out.push_str(&format!(
                "  <file name=\"{}\"/>\n",
                escape_attr(file.repo_path())
            ));
            continue;
        }
        out.push_str(&format!(
            "  <file name=\"{}\">\n",
            escape_attr(file.repo_path())
        ));
        for d in &file.diagnostics {
            let r = range(&file.source, &file.lines, d.span);
            let mut message = format!("{}: {}", d.name(), d.message);
            if let Some(h) = d.help() {
                message.push_str(" (help: ");
                message.push_str(h);
                message.push(')');
            }
            out.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                r.line,
                r.column,
                d.severity.as_str(),
                escape_attr(&message),
                escape_attr(d.code.as_str()),
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out.finish()
}
