//! The reference parser's own test cases: every positive case must give
//! exactly its `result` instruction list, every negative case an error.
//! Skipped (with a message) when the shared folder is absent.

use std::path::{Path, PathBuf};

fn cases_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-testfiles");
    d.is_dir().then_some(d)
}

fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn positive_cases_match_reference_dump() {
    let Some(root) = cases_dir() else {
        eprintln!("skipped: ../shared/conformance/buildkit-testfiles not present");
        return;
    };
    let cases = case_dirs(&root.join("testfiles"));
    assert!(cases.len() >= 30, "expected the positive cases");
    let mut failures = Vec::new();
    for case in &cases {
        let src = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let want = std::fs::read_to_string(case.join("result"))
            .unwrap()
            .replace("\r\n", "\n");
        let df = dsig::parse::parse(&src);
        let got = dsig::parse::dump(&df);
        if got != want || !df.errors.is_empty() {
            failures.push(format!(
                "{}:\n--- want\n{want}--- got\n{got}--- errors {:?}",
                case.display(),
                df.errors
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_cases_are_rejected() {
    let Some(root) = cases_dir() else {
        eprintln!("skipped: ../shared/conformance/buildkit-testfiles not present");
        return;
    };
    let cases = case_dirs(&root.join("testfiles-negative"));
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let src = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let df = dsig::parse::parse(&src);
        assert!(
            !df.errors.is_empty(),
            "{} parsed without error",
            case.display()
        );
    }
}

#[test]
fn line_numbers_case() {
    let Some(root) = cases_dir() else {
        eprintln!("skipped: ../shared/conformance/buildkit-testfiles not present");
        return;
    };
    let src = std::fs::read_to_string(root.join("testfile-line/Dockerfile")).unwrap();
    let df = dsig::parse::parse(&src);
    let lines: Vec<(usize, usize)> = df
        .instructions
        .iter()
        .map(|i| (i.line, i.end_line))
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
}
