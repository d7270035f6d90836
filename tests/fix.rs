//! `--fix` on every fixture under testdata/ that has fixes: the result is
//! snapshotted, re-lints without fixable findings, parses cleanly, keeps
//! every instruction it did not fix, and a second fix changes nothing.

use dsig::fix::{fix_source, unified_diff};
use dsig::lint::{LintOptions, lint_source};
use dsig::parse::{Kind, parse};
use std::path::{Path, PathBuf};

fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            dockerfiles(&p, out);
        } else if p.file_name().is_some_and(|n| n == "Dockerfile") {
            out.push(p);
        }
    }
}

#[test]
fn fixtures_fix_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    dockerfiles(&root.join("testdata"), &mut files);
    files.sort();
    let mut snap = String::new();
    let mut fixed_files = 0;
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let dir = f.parent().unwrap().to_path_buf();
        let opts = LintOptions {
            context: Some(dir.clone()),
            dockerfile_path: Some(f.clone()),
            ..Default::default()
        };
        let Ok(linted) = lint_source(&src, &opts) else {
            continue;
        };
        if !linted.dockerfile.errors.is_empty()
            || !linted.diagnostics.iter().any(|d| d.fix.is_some())
        {
            continue;
        }
        let rel = f.strip_prefix(root).unwrap().display().to_string();
        let fixed = fix_source(&src, &opts, true).unwrap();
        assert!(!fixed.applied.is_empty(), "{rel}: nothing applied");
        fixed_files += 1;
        // idempotent
        let again = fix_source(&fixed.text, &opts, true).unwrap();
        assert_eq!(again.text, fixed.text, "{rel}: second fix changed the file");
        // re-lints without fixable findings, parses cleanly
        let after = lint_source(&fixed.text, &opts).unwrap();
        assert!(
            after.dockerfile.errors.is_empty(),
            "{rel}: fix broke the file"
        );
        let left: Vec<_> = after
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.code)
            .collect();
        assert!(left.is_empty(), "{rel}: fixable findings left: {left:?}");
        // every instruction not deleted by a fix is still there, in order
        let deleted: Vec<usize> = linted
            .diagnostics
            .iter()
            .filter(|d| d.code == "DSIG009")
            .map(|d| d.span.start)
            .collect();
        let before: Vec<Kind> = linted
            .dockerfile
            .instructions
            .iter()
            .filter(|i| !deleted.contains(&i.span.start))
            .map(|i| i.kind)
            .collect();
        let now: Vec<Kind> = parse(&fixed.text)
            .instructions
            .iter()
            .map(|i| i.kind)
            .collect();
        let mut it = now.iter();
        assert!(
            before.iter().all(|k| it.any(|n| n == k)),
            "{rel}: instructions lost: {before:?} -> {now:?}"
        );
        snap.push_str(&format!("=== {rel} ({})\n", fixed.applied.join(", ")));
        snap.push_str(&unified_diff(&rel, &src, &fixed.text));
    }
    assert!(fixed_files >= 10, "only {fixed_files} fixtures had fixes");
    insta::assert_snapshot!("fixed_fixtures", snap);
}

#[test]
fn safe_only_by_default() {
    let src = "FROM node:22\nCMD node server.js\n";
    let f = fix_source(src, &LintOptions::default(), false).unwrap();
    assert_eq!(f.text, "FROM node:22\nCMD [\"node\", \"server.js\"]\n");
    // the DSIG005 that follows has only an unsafe fix
    let f2 = fix_source(&f.text, &LintOptions::default(), false).unwrap();
    assert_eq!(f2.text, f.text);
    let f3 = fix_source(&f.text, &LintOptions::default(), true).unwrap();
    assert!(f3.text.contains("tini"));
}
