//! `--statistics`: how many findings of each rule, most first.
//!
//! ```text
//!    12  DSIG001  shell-form-cmd
//!     3  DSIG004  package-manager-pid1
//! 15 findings in 9 files
//! ```

use super::{FileError, FileResult};
use crate::code::RuleCode;
use std::collections::BTreeMap;

/// The findings of one rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Statistic {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
}

/// The count of findings per rule, most first (then by code).
pub fn statistics(results: &[FileResult]) -> Vec<Statistic> {
    let mut counts: BTreeMap<RuleCode, usize> = BTreeMap::new();
    for d in results.iter().flat_map(|f| &f.diagnostics) {
        *counts.entry(d.code).or_default() += 1;
    }
    let mut out: Vec<Statistic> = counts
        .into_iter()
        .map(|(code, count)| Statistic {
            code: code.as_str(),
            name: code.name(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    out
}

/// The statistics as text (one line per rule and the summary line), or as
/// a JSON array of `{code, name, count}`.
pub fn write_statistics(
    w: &mut dyn std::io::Write,
    results: &[FileResult],
    errors: &[FileError],
    json: bool,
    with_summary: bool,
) -> std::io::Result<()> {
    let stats = statistics(results);
    if json {
        serde_json::to_writer_pretty(&mut *w, &stats)?;
        return w.write_all(b"\n");
    }
    let mut out = super::Sink::new(w);
    let width = stats.iter().map(|s| s.count.to_string().len()).max();
    for s in &stats {
        out.push_str(&format!(
            "{:>w$}  {}  {}\n",
            s.count,
            s.code,
            s.name,
            w = width.unwrap_or(1).max(5)
        ));
    }
    if with_summary {
        out.push_str(&super::summary(results, errors));
        out.push('\n');
    }
    out.finish()
}
