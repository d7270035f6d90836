//! GitLab Code Quality report: a JSON array of issues.
//!
//! Each issue has `description`, `check_name` (the code), `fingerprint`
//! (see [`super::fingerprints`]), `severity` (`error` → `major`, `warning` →
//! `minor`, `info` → `info`) and `location` (`path`, repository-relative,
//! and `lines.begin`/`lines.end`).

use serde_json::json;

use super::json::range;
use super::{FileResult, fingerprints};
use crate::diagnostic::Severity;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Renders all findings (pretty-printed, with a trailing newline).
pub fn render_gitlab(results: &[FileResult]) -> String {
    super::to_string(|w| write_gitlab(w, results))
}

/// [`render_gitlab`], written as it goes.
pub fn write_gitlab(w: &mut dyn std::io::Write, results: &[FileResult]) -> std::io::Result<()> {
    let issues = super::Lazy::new(|| {
        results.iter().flat_map(|file| {
            let fps = fingerprints(file);
            file.diagnostics.iter().zip(fps).map(move |(d, fp)| {
                let r = range(&file.source, &file.lines, d.span);
                let mut description = format!("{} {}: {}", d.code, d.name(), d.message);
                if let Some(h) = d.help() {
                    description.push_str(" — help: ");
                    description.push_str(h);
                }
                json!({
                    "description": description,
                    "check_name": d.code,
                    "fingerprint": fp.to_string(),
                    "severity": severity(d.severity),
                    "location": {
                        "path": file.repo_path(),
                        "lines": { "begin": r.line, "end": r.end_line },
                    },
                })
            })
        })
    });
    super::write_pretty(w, &issues)
}
