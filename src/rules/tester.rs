//! The shared rule tester: `pass` sources must give no finding of the rule,
//! `fail` sources at least one; the findings of all `fail` cases are
//! snapshotted.

use super::Rule;
use crate::lines::LineIndex;
use crate::lint::{LintOptions, lint_source};
use std::fmt::Write;

pub struct Tester {
    rule: &'static Rule,
    pass: Vec<String>,
    fail: Vec<String>,
    files: Vec<(String, String)>,
    suffix: String,
}

impl Tester {
    pub fn new(rule: &'static Rule) -> Self {
        Tester {
            rule,
            pass: Vec::new(),
            fail: Vec::new(),
            files: Vec::new(),
            suffix: String::new(),
        }
    }

    pub fn pass(mut self, cases: &[&str]) -> Self {
        self.pass.extend(cases.iter().map(|s| s.to_string()));
        self
    }

    pub fn fail(mut self, cases: &[&str]) -> Self {
        self.fail.extend(cases.iter().map(|s| s.to_string()));
        self
    }

    /// A file in the build context of every case.
    pub fn file(mut self, name: &str, content: &str) -> Self {
        self.files.push((name.to_string(), content.to_string()));
        self
    }

    /// Distinguish the snapshot of a second tester of the same rule.
    pub fn snapshot(mut self, suffix: &str) -> Self {
        self.suffix = format!("-{suffix}");
        self
    }

    pub fn run(self) {
        let dir = tempfile::tempdir().unwrap();
        for (n, c) in &self.files {
            std::fs::write(dir.path().join(n), c).unwrap();
        }
        let opts = LintOptions {
            context: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        for src in &self.pass {
            let got = lint_source(src, &opts).unwrap();
            let mine: Vec<_> = got
                .diagnostics
                .iter()
                .filter(|d| d.code == self.rule.code)
                .collect();
            assert!(
                mine.is_empty(),
                "{} should pass:\n{src}\ngot: {mine:#?}",
                self.rule.code
            );
        }
        let mut snap = String::new();
        for src in &self.fail {
            let got = lint_source(src, &opts).unwrap();
            let lines = LineIndex::new(src);
            let mine: Vec<_> = got
                .diagnostics
                .iter()
                .filter(|d| d.code == self.rule.code)
                .collect();
            assert!(
                !mine.is_empty(),
                "{} should fire on:\n{src}\nall findings: {:#?}",
                self.rule.code,
                got.diagnostics
            );
            writeln!(snap, "--- {}", src.replace('\n', "⏎")).unwrap();
            for d in mine {
                let (l, c) = lines.line_col(src, d.span.start);
                writeln!(
                    snap,
                    "{l}:{c} {} [{}] `{}`\n  {}",
                    d.severity.as_str(),
                    d.code,
                    &src[d.span.start..d.span.end],
                    d.message
                )
                .unwrap();
                if let Some(h) = d.help() {
                    writeln!(snap, "  help: {h}").unwrap();
                }
                if let Some(f) = d.fix() {
                    for e in &f.edits {
                        writeln!(
                            snap,
                            "  fix ({:?}): {}..{} -> {:?}",
                            f.applicability, e.span.start, e.span.end, e.replacement
                        )
                        .unwrap();
                    }
                }
            }
        }
        insta::assert_snapshot!(format!("{}{}", self.rule.name(), self.suffix), snap);
    }
}

/// The codes of a manifest's findings, in order (for the rules about what
/// a platform sets).
pub fn manifest_codes(text: &str) -> Vec<&'static str> {
    let l = crate::lint_manifest::lint_manifest(text, "m.yaml", &Default::default()).unwrap();
    l.diagnostics.iter().map(|d| d.code.as_str()).collect()
}
