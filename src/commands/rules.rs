//! `dsig rules`: the list of rules, as text, JSON or a Markdown table.

use super::{Exit, print};
use crate::cli::ListFormat;
use dsig::error::Error;
use std::fmt::Write;

pub fn run(format: ListFormat) -> Result<Exit, Error> {
    print(list(format))?;
    Ok(Exit::Clean)
}

fn list(format: ListFormat) -> String {
    let all = dsig::rules::RULES;
    let mut out = String::new();
    match format {
        ListFormat::Tty => {
            for r in all {
                let _ = writeln!(
                    out,
                    "{}  {:<24} {:<8} {}",
                    r.code,
                    r.name(),
                    r.default_severity.as_str(),
                    r.summary
                );
            }
        }
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name(),
                        "severity": r.default_severity.as_str(),
                        "summary": r.summary,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
        }
        ListFormat::Markdown => {
            out.push_str("| code | name | severity | finds |\n|---|---|---|---|\n");
            for r in all {
                let _ = writeln!(
                    out,
                    "| [{}](rules/{}.md) | {} | {} | {} |",
                    r.code,
                    r.code,
                    r.name(),
                    r.default_severity.as_str(),
                    r.summary
                );
            }
        }
    }
    out
}
