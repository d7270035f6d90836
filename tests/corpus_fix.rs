//! `--fix --unsafe-fixes` over the shared corpus, in memory: every file
//! that changes still parses without errors, keeps every instruction it had
//! (except those a fix deletes on purpose), and a second fix changes
//! nothing. Prints how many files change. Skipped when the corpus is absent.

use dsig::fix::fix_source;
use dsig::lint::LintOptions;
use dsig::parse::parse;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn corpus_fixes_keep_files_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    if !root.is_dir() {
        eprintln!("skipped: ../shared/corpus/files not present");
        return;
    }
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut changed = 0;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut delta: BTreeMap<isize, usize> = BTreeMap::new();
    for dir in &dirs {
        let path = dir.join("Dockerfile");
        let Ok(src) = dsig::files::read_dockerfile(&path) else {
            continue;
        };
        let opts = LintOptions {
            context: Some(dir.clone()),
            dockerfile_path: Some(path.clone()),
            ..Default::default()
        };
        let Ok(fixed) = fix_source(&src, &opts, true) else {
            continue;
        };
        if fixed.text == src {
            continue;
        }
        changed += 1;
        for c in &fixed.applied {
            *by_code.entry(c.as_str()).or_default() += 1;
        }
        let before = parse(&src);
        let after = parse(&fixed.text);
        assert!(
            after.errors.is_empty(),
            "{}: fix broke the file",
            path.display()
        );
        let d = after.instructions.len() as isize - before.instructions.len() as isize;
        *delta.entry(d).or_default() += 1;
        let deletions = fixed.applied.iter().filter(|c| **c == "DSIG009").count() as isize;
        assert!(d >= -deletions, "{}: instructions lost", path.display());
        let again = fix_source(&fixed.text, &opts, true).unwrap();
        assert_eq!(again.text, fixed.text, "{}: not idempotent", path.display());
    }
    eprintln!(
        "corpus --fix --unsafe-fixes: {changed} of {} files changed",
        dirs.len()
    );
    eprintln!("  fixes applied by code: {by_code:?}");
    eprintln!("  instruction count change: {delta:?}");
    assert!(changed > 0);
}
