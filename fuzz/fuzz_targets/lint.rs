//! The whole lint of one file: Dockerfile text, plus a package.json and an
//! entrypoint script in a build context directory, then both renderers.
//!
//! Input layout: the Dockerfile, then optionally `\0` and the package.json
//! bytes, then optionally `\0` and the entrypoint script bytes. Files are
//! written into one directory per process (removed when absent).
#![no_main]

use dsig::lint::{LintOptions, lint_source};
use dsig::report::{FileResult, TtyOptions, render_json, render_tty};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn context_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("dsig-fuzz-lint-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fn put(dir: &Path, name: &str, bytes: Option<&[u8]>) {
    let p = dir.join(name);
    match bytes {
        Some(b) => std::fs::write(p, b).unwrap(),
        None => {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The suggested edits lie in the text, on char boundaries, do not overlap,
/// and the edited text lints again without a panic.
fn apply_and_relint(src: &str, fix: &dsig::diagnostic::Fix, opts: &LintOptions) {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::new();
    let mut pos = 0;
    for e in edits {
        assert!(e.span.start >= pos, "overlapping edits");
        assert!(e.span.start <= e.span.end && e.span.end <= src.len());
        assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        out.push_str(&src[pos..e.span.start]);
        out.push_str(&e.replacement);
        pos = e.span.end;
    }
    out.push_str(&src[pos..]);
    let _ = lint_source(&out, opts);
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let Some(Ok(src)) = parts.next().map(std::str::from_utf8) else {
        return;
    };
    let dir = context_dir();
    put(dir, "package.json", parts.next());
    put(dir, "docker-entrypoint.sh", parts.next());
    for target in [None, Some("build".to_string())] {
        let opts = LintOptions {
            target,
            context: Some(dir.clone()),
            ..Default::default()
        };
        let Ok(linted) = lint_source(src, &opts) else {
            continue;
        };
        for d in &linted.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= src.len());
            assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end));
            if let Some(fix) = &d.fix {
                apply_and_relint(src, fix, &opts);
            }
        }
        let results = [FileResult::new("Dockerfile", src, linted.diagnostics)];
        let _ = render_json(&results, &[]);
        let _ = render_tty(
            &results,
            &[],
            &TtyOptions {
                color: false,
                width: 80,
                rules_url: |c| c.to_string(),
            },
        );
    }
});
