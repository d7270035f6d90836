//! Every rule page in `rules/` is checked: each bad example must get the
//! page's code, each good example must get no finding at all. A `yaml`
//! fence is a manifest, linted as one. An example's
//! fence may name lint options after `Dockerfile` (` ```Dockerfile
//! warn-unused-ignores`); an unknown option fails the test.

use dsig::lint::{LintOptions, lint_source};
use dsig::lint_manifest::lint_manifest;
use std::path::Path;

struct Example {
    bad: bool,
    /// A manifest (a `yaml` fence), not a Dockerfile.
    manifest: bool,
    code: String,
    line: usize,
    options: Vec<String>,
}

fn examples(page: &str) -> (Vec<Example>, Vec<(String, String)>) {
    let mut out = Vec::new();
    let mut files = Vec::new();
    let mut section = String::new();
    let mut lines = page.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_ascii_lowercase();
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        let info = info.trim();
        if let Some(name) = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
        {
            files.push((name.to_string(), body));
        } else if matches!(info.split_whitespace().next(), Some("Dockerfile" | "yaml")) {
            let bad = section.starts_with("bad");
            assert!(
                bad || section.starts_with("good"),
                "Dockerfile example outside a Bad/Good section at line {}",
                n + 1
            );
            out.push(Example {
                bad,
                manifest: info.starts_with("yaml"),
                code: body,
                line: n + 1,
                options: info.split_whitespace().skip(1).map(String::from).collect(),
            });
        }
    }
    (out, files)
}

#[test]
fn every_rule_has_a_checked_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in dsig::rules::RULES {
        let path = root.join("rules").join(format!("{}.md", rule.code));
        let page =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} has no page", rule.code));
        assert_eq!(page, rule.doc, "{}: embedded page differs", rule.code);
        assert!(page.starts_with(&format!("# {} {}", rule.code, rule.name())));
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Bad example",
            "## Good example",
            "## Fix",
        ] {
            assert!(page.contains(section), "{} lacks {section}", rule.code);
        }
        let (examples, files) = examples(&page);
        assert!(
            examples.iter().any(|e| e.bad),
            "{}: no bad example",
            rule.code
        );
        assert!(
            examples.iter().any(|e| !e.bad),
            "{}: no good example",
            rule.code
        );
        let dir = tempfile::tempdir().unwrap();
        for (n, c) in &files {
            std::fs::write(dir.path().join(n), c).unwrap();
        }
        for ex in &examples {
            let mut opts = LintOptions {
                context: Some(dir.path().to_path_buf()),
                ..Default::default()
            };
            for o in &ex.options {
                match o.as_str() {
                    "warn-unused-ignores" => opts.filter.warn_unused_ignores = true,
                    "init" => opts.runtime_init = Some(".dsig.yaml: init: true".into()),
                    _ => panic!("{} line {}: unknown example option {o}", rule.code, ex.line),
                }
            }
            let got = if ex.manifest {
                let got = lint_manifest(&ex.code, "example.yaml", &opts).unwrap();
                assert!(
                    !got.containers.is_empty(),
                    "{} line {}: the manifest example has no container",
                    rule.code,
                    ex.line
                );
                got.diagnostics
            } else {
                lint_source(&ex.code, &opts).unwrap().diagnostics
            };
            let codes: Vec<&str> = got.iter().map(|d| d.code.as_str()).collect();
            if ex.bad {
                assert!(
                    codes.contains(&rule.code.as_str()),
                    "{} line {}: bad example does not get {}: {codes:?}",
                    rule.code,
                    ex.line,
                    rule.code
                );
            } else {
                assert!(
                    codes.is_empty(),
                    "{} line {}: good example has findings: {:#?}",
                    rule.code,
                    ex.line,
                    got
                );
            }
        }
    }
}

#[test]
fn no_page_without_a_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in std::fs::read_dir(root).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        let code = name.trim_end_matches(".md");
        assert!(
            dsig::rules::find(code).is_some(),
            "rules/{name} has no rule"
        );
    }
}
