//! `dsig lint --fix --unsafe-fixes` on a copy of the shared corpus, build
//! contexts (entrypoint scripts, package.json) included: every fixed
//! Dockerfile still parses, its app runs the same program with the same
//! arguments found the same way (the model's app before and after), and a
//! second run changes no byte of any file. Prints how many fixes were
//! offered and why the others were refused. Skipped when the corpus is
//! absent.

mod common;

use common::dsig_within;
use dsig::lint::{LintOptions, lint_source};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            copy_dir(&p, &t);
        } else if ft.is_file() {
            std::fs::copy(&p, &t).unwrap();
            // the shared corpus is read-only; the copy is ours to fix
            let mut perm = std::fs::metadata(&t).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&t, perm).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            snapshot(&p, out);
        } else {
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        }
    }
}

fn app(dir: &Path) -> Option<dsig::prove::App> {
    let path = dir.join("Dockerfile");
    let src = dsig::files::read_dockerfile(&path).ok()?;
    let opts = LintOptions {
        context: Some(dir.to_path_buf()),
        dockerfile_path: Some(path),
        ..Default::default()
    };
    let linted = lint_source(&src, &opts).ok()?;
    linted.chain.as_ref().and_then(dsig::prove::app_of)
}

#[test]
fn corpus_fixes_keep_the_app_and_are_idempotent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    if !root.is_dir() {
        eprintln!("skipped: ../shared/corpus/files not present");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("files");
    copy_dir(&root, &work);
    let limit = Duration::from_secs(600);

    // what is offered, and what the check refused
    let report = dsig_within(
        &work,
        &["lint", "--no-config", "--format", "json", "."],
        &[],
        limit,
    );
    let v = report.json();
    let mut offered = 0;
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    // files whose fix is meant to change what runs: a malformed exec form
    // (DSIG003), a shell form in an image without a shell
    let mut meant_to_change = std::collections::BTreeSet::new();
    for d in v["diagnostics"].as_array().unwrap() {
        if !d["fix"].is_null() {
            offered += 1;
            let code = d["code"].as_str().unwrap();
            let msg = d["message"].as_str().unwrap();
            if code == "DSIG003" || msg.contains("cannot start") {
                let f = d["file"].as_str().unwrap().trim_start_matches("./");
                meant_to_change.insert(work.join(f));
            }
        }
        if let Some(h) = d["help"].as_str()
            && let Some(i) = h.find("no automatic fix: ")
        {
            let why: String = h[i + 18..]
                .split('`')
                .enumerate()
                .map(|(k, p)| if k % 2 == 1 { "…" } else { p })
                .collect();
            *refused
                .entry(format!("{} {}", d["code"].as_str().unwrap(), why))
                .or_default() += 1;
        }
    }
    eprintln!("fixes offered: {offered}; refused: {refused:#?}");

    let mut before = BTreeMap::new();
    snapshot(&work, &mut before);
    let first = dsig_within(
        &work,
        &["lint", "--no-config", "--fix", "--unsafe-fixes", "."],
        &[],
        limit,
    );
    first.no_panic();
    eprintln!(
        "first --fix: {}",
        first.stderr().lines().last().unwrap_or("")
    );
    let mut after = BTreeMap::new();
    snapshot(&work, &mut after);
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .collect();
    eprintln!("files changed by the first run: {}", changed.len());
    assert!(!changed.is_empty());
    for p in &changed {
        let dir = p.parent().unwrap();
        let rel = dir.strip_prefix(&work).unwrap();
        if p.file_name().is_some_and(|n| n == "Dockerfile") {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(
                dsig::parse::parse(&text).errors.is_empty(),
                "{}: the fix broke the file",
                p.display()
            );
        }
        // the app of the original and of the fixed copy
        if !meant_to_change.contains(&dir.join("Dockerfile")) {
            let (a, b) = (app(&root.join(rel)), app(dir));
            assert_eq!(a, b, "{}: the fix changed the app", p.display());
        }
    }
    let second = dsig_within(
        &work,
        &["lint", "--no-config", "--fix", "--unsafe-fixes", "."],
        &[],
        limit,
    );
    second.no_panic();
    assert!(
        second.stderr().contains("fixed 0 findings"),
        "{}",
        second.stderr()
    );
    let mut again = BTreeMap::new();
    snapshot(&work, &mut again);
    for (p, b) in &after {
        assert_eq!(
            again.get(p),
            Some(b),
            "{}: changed by a second --fix",
            p.display()
        );
    }
}
