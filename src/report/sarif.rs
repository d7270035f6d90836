//! SARIF 2.1.0, as read by GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every rule (name, short and full
//! description, help page, `helpUri` when known, default level); each result
//! names its rule by `ruleId` and `ruleIndex`, points at a region (1-based
//! lines and columns, columns in Unicode code points, end exclusive) of an
//! artifact whose `uri` is repository-relative with `uriBaseId` `%SRCROOT%`,
//! carries a stable `partialFingerprints` entry and, where dsig has one, the
//! fix as `fixes`. Files that could not be read are tool execution
//! notifications, and make `executionSuccessful` false.

use serde::Serialize;
use serde_json::{Value, json};

use super::json::range;
use super::{FileError, FileResult, ToolInfo, fingerprints};
use crate::diagnostic::{Applicability, Diagnostic, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base of repository-relative URIs (the checkout's root).
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of dsig's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "dsigFingerprint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes a path for a URI: everything but unreserved characters
/// and `/` is encoded (as UTF-8 bytes).
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a path: relative to `%SRCROOT%`, or an absolute
/// `file:` URI.
fn artifact(path: &str) -> Value {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(&p)) })
    } else if p.len() > 2 && p.as_bytes()[1] == b':' && p.as_bytes()[2] == b'/' {
        // a Windows drive
        json!({ "uri": format!("file:///{}", uri_path(&p)) })
    } else {
        let p = p.trim_start_matches("./");
        json!({ "uri": uri_path(p), "uriBaseId": SRCROOT })
    }
}

fn region(file: &FileResult, span: crate::diagnostic::Span) -> Value {
    let r = range(&file.source, &file.lines, span);
    json!({
        "startLine": r.line,
        "startColumn": r.column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
    })
}

fn result(file: &FileResult, d: &Diagnostic, fingerprint: &str, tool: &ToolInfo) -> Value {
    let mut text = d.message.to_string();
    if let Some(h) = d.help() {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let location = json!({
        "physicalLocation": {
            "artifactLocation": artifact(file.repo_path()),
            "region": region(file, d.span),
        }
    });
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if let Some(i) = tool.rules.iter().position(|r| r.code == d.code.as_str()) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(f) = d.fix() {
        let applicability = match f.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        let description = match (d.help(), f.applicability) {
            (Some(h), Applicability::Safe) => h.to_string(),
            (Some(h), Applicability::Unsafe) => {
                format!("{h} (review: this changes more than the finding)")
            }
            (None, _) => format!("dsig's {applicability} fix"),
        };
        let replacements: Vec<Value> = f
            .edits
            .iter()
            .filter(|e| e.file.is_none())
            .map(|e| {
                json!({
                    "deletedRegion": region(file, e.span),
                    "insertedContent": { "text": e.replacement },
                })
            })
            .collect();
        let mut changes = Vec::new();
        if !replacements.is_empty() {
            changes.push(json!({
                "artifactLocation": artifact(file.repo_path()),
                "replacements": replacements,
            }));
        }
        // edits in another file (an entrypoint script, relative to the
        // build context, which is the Dockerfile's directory by default)
        for e in &f.edits {
            let Some(x) = &e.file else { continue };
            let dir = file
                .repo_path()
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or("");
            let path = if dir.is_empty() {
                x.display.clone()
            } else {
                format!("{dir}/{}", x.display)
            };
            changes.push(json!({
                "artifactLocation": artifact(&path),
                "replacements": [{
                    "deletedRegion": {
                        "startLine": x.line,
                        "startColumn": x.column,
                        "endLine": x.end_line,
                        "endColumn": x.end_column,
                    },
                    "insertedContent": { "text": e.replacement },
                }],
            }));
        }
        r["fixes"] = json!([{
            "description": { "text": description },
            "artifactChanges": changes,
            "properties": { "applicability": applicability },
        }]);
    }
    r
}

/// Renders all findings as one SARIF 2.1.0 log (pretty-printed, with a
/// trailing newline).
pub fn render_sarif(results: &[FileResult], errors: &[FileError], tool: &ToolInfo) -> String {
    super::to_string(|w| write_sarif(w, results, errors, tool))
}

/// The log, its keys in the order `serde_json` gives a map (sorted), with
/// the results written one by one as they are made.
#[derive(Serialize)]
struct Log<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<R>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<R: Serialize> {
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    invocations: Value,
    results: R,
    tool: Value,
}

/// [`render_sarif`], written as it goes.
pub fn write_sarif(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
    tool: &ToolInfo,
) -> std::io::Result<()> {
    let rules: Vec<Value> = tool
        .rules
        .iter()
        .map(|r| {
            let mut v = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.description },
                "help": { "text": r.help_markdown, "markdown": r.help_markdown },
                "defaultConfiguration": { "level": level(r.default_severity) },
            });
            if let Some(u) = &r.help_uri {
                v["helpUri"] = json!(u);
            }
            v
        })
        .collect();
    let mut driver = json!({
        "name": tool.name,
        "version": tool.version,
        "semanticVersion": tool.version,
        "rules": rules,
    });
    if let Some(u) = &tool.information_uri {
        driver["informationUri"] = json!(u);
    }
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.path, e.message) },
            })
        })
        .collect();
    let out = super::Lazy::new(|| {
        results.iter().flat_map(|file| {
            let fps = fingerprints(file);
            file.diagnostics
                .iter()
                .zip(fps)
                .map(move |(d, fp)| result(file, d, &fp.to_string(), tool))
        })
    });
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: json!([{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
            results: out,
            tool: json!({ "driver": driver }),
        }],
        version: "2.1.0",
    };
    super::write_pretty(w, &log)
}
