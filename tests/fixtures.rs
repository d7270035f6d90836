//! Rule fixtures: `testdata/rules/<CODE>/fire-*` must get that code,
//! `pass-*` must not; the JSON report of every fixture is snapshotted.
//! Also the seed example of the README.

use dsig::lint::{LintOptions, lint_source};
use dsig::report::{FileResult, render_json};
use std::path::{Path, PathBuf};

fn lint_dir(dir: &Path) -> (String, Vec<&'static str>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let opts = LintOptions {
        context: Some(dir.to_path_buf()),
        dockerfile_path: Some(dir.join("Dockerfile")),
        ..Default::default()
    };
    let linted = lint_source(&src, &opts).unwrap();
    let codes = linted.diagnostics.iter().map(|d| d.code.as_str()).collect();
    let rel = dir.join("Dockerfile");
    let rel = rel.strip_prefix(root).unwrap().display().to_string();
    let json = render_json(&[FileResult::new(rel, src, linted.diagnostics)], &[]);
    (json, codes)
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut checked = 0;
    for code_dir in sorted_dirs(&root) {
        let code = code_dir.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            dsig::rules::find(&code).is_some(),
            "unknown rule dir {code}"
        );
        let mut fire = 0;
        let mut pass = 0;
        for case in sorted_dirs(&code_dir) {
            let name = case.file_name().unwrap().to_str().unwrap().to_string();
            let (json, codes) = lint_dir(&case);
            if name.starts_with("fire-") {
                fire += 1;
                assert!(
                    codes.contains(&code.as_str()),
                    "{code}/{name}: expected {code}, got {codes:?}"
                );
            } else if name.starts_with("pass-") {
                pass += 1;
                assert!(
                    !codes.contains(&code.as_str()),
                    "{code}/{name}: unexpected {code}: {json}"
                );
            } else {
                panic!("fixture {code}/{name} must start with fire- or pass-");
            }
            insta::assert_snapshot!(format!("{code}-{name}"), json);
            checked += 1;
        }
        assert!(
            fire > 0 && pass > 0,
            "{code} needs firing and passing fixtures"
        );
    }
    assert!(checked >= 30);
}

#[test]
fn seed_gets_package_manager_finding_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let (_, codes) = lint_dir(&root.join("seed"));
    assert_eq!(codes, ["DSIG004"]);
    let (_, codes) = lint_dir(&root.join("seed-direct"));
    assert_eq!(codes, ["DSIG005"]);
}
