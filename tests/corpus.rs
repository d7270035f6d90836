//! Lint every Dockerfile of the shared real-world corpus: no panic, and a
//! tally of the codes found (printed with `--nocapture`). Skipped when the
//! corpus is absent.

use dsig::lint::{LintOptions, lint_source};
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn corpus_lints_without_panic() {
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
    let mut files_with: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unreadable = 0;
    let mut linted = 0;
    for dir in &dirs {
        let path = dir.join("Dockerfile");
        let text = match dsig::files::read_dockerfile(&path) {
            Ok(t) => t,
            Err(_) => {
                unreadable += 1;
                continue;
            }
        };
        let opts = LintOptions {
            context: Some(dir.clone()),
            ..Default::default()
        };
        let result = std::panic::catch_unwind(|| lint_source(&text, &opts));
        let linted_file = result.unwrap_or_else(|_| panic!("panic on {}", path.display()));
        let l = linted_file.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        linted += 1;
        let mut codes: Vec<&'static str> = l.diagnostics.iter().map(|d| d.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        for c in codes {
            *files_with.entry(c).or_default() += 1;
        }
        for d in &l.diagnostics {
            assert!(d.span.end <= text.len() && d.span.start <= d.span.end);
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
    }
    eprintln!(
        "corpus: {} dirs, {linted} linted, {unreadable} unreadable",
        dirs.len()
    );
    for (c, n) in &files_with {
        eprintln!("  {c}: {n} files");
    }
    assert!(linted > 3000);
    // every corpus file is text: none may fail to read
    assert_eq!(unreadable, 0);
}
