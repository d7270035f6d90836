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

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            std::fs::create_dir_all(&t).unwrap();
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
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
            || !linted.diagnostics.iter().any(|d| d.fix().is_some())
        {
            continue;
        }
        let rel = f.strip_prefix(root).unwrap().display().to_string();
        // work on a copy of the build context: fixes may edit its scripts
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&dir, tmp.path());
        let opts = LintOptions {
            context: Some(tmp.path().to_path_buf()),
            dockerfile_path: Some(tmp.path().join("Dockerfile")),
            ..Default::default()
        };
        let mut text = src.clone();
        let mut applied = Vec::new();
        let mut script_diffs = String::new();
        for _ in 0..3 {
            let fixed = fix_source(&text, &opts, true).unwrap();
            applied.extend(fixed.applied.iter().copied());
            text = fixed.text;
            let others = dsig::fix::external_changes(&fixed.external).unwrap();
            for c in &others {
                std::fs::write(&c.path, &c.new).unwrap();
                script_diffs.push_str(&unified_diff(&c.display, &c.old, &c.new));
            }
            if others.is_empty() {
                break;
            }
        }
        assert!(!applied.is_empty(), "{rel}: nothing applied");
        fixed_files += 1;
        let fixed = dsig::fix::Fixed {
            text,
            external: Vec::new(),
            applied,
            rounds: 0,
        };
        // idempotent
        let again = fix_source(&fixed.text, &opts, true).unwrap();
        assert_eq!(again.text, fixed.text, "{rel}: second fix changed the file");
        assert!(
            again.external.is_empty(),
            "{rel}: second fix changes a script"
        );
        // re-lints without fixable findings, parses cleanly
        let after = lint_source(&fixed.text, &opts).unwrap();
        assert!(
            after.dockerfile.errors.is_empty(),
            "{rel}: fix broke the file"
        );
        let left: Vec<_> = after
            .diagnostics
            .iter()
            .filter(|d| d.fix().is_some())
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
        snap.push_str(&format!(
            "=== {rel} ({})\n",
            fixed
                .applied
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        snap.push_str(&unified_diff(&rel, &src, &fixed.text));
        snap.push_str(&script_diffs);
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
