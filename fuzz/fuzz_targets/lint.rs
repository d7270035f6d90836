//! The whole lint of one file in its build context: a Dockerfile, its
//! package.json, an entrypoint script, a compose file and a `.dsig.yaml`,
//! then every fix applied to the file it names, and every renderer.
//!
//! Input layout, parts separated by NUL bytes (missing parts: no such file):
//! `Dockerfile \0 package.json \0 script-name \0 script \0 compose.yaml \0 .dsig.yaml`.
//! The script name is reduced to a plain file name (default
//! `docker-entrypoint.sh`). Files are written into one directory per process.
#![no_main]

use dsig::diagnostic::{Edit, Fix};
use dsig::lint::{LintOptions, lint_source};
use dsig::report::{
    FileResult, ToolInfo, TtyOptions, render_checkstyle, render_concise, render_github,
    render_gitlab, render_json, render_sarif, render_tty,
};
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

/// A plain file name from fuzzer bytes.
fn script_name(bytes: Option<&[u8]>) -> String {
    let name: String = bytes
        .map(String::from_utf8_lossy)
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(40)
        .collect();
    if name.is_empty()
        || name.starts_with('.')
        || matches!(
            name.as_str(),
            "Dockerfile" | "package.json" | "compose.yaml" | "dsig.yaml"
        )
    {
        "docker-entrypoint.sh".into()
    } else {
        name
    }
}

/// Apply `edits` (sorted, not overlapping, inside the text, on char
/// boundaries: asserted) to `text`.
fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::new();
    let mut pos = 0;
    for e in edits {
        assert!(e.span.start >= pos, "overlapping edits");
        assert!(e.span.start <= e.span.end && e.span.end <= text.len());
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.replacement);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Each edit to the file it names: the Dockerfile's to the text, another
/// file's to that file (which must exist, hold the expected text at the
/// span, and lie in the context). Then the fixed Dockerfile lints again.
fn apply_and_relint(src: &str, fix: &Fix, opts: &LintOptions, dir: &Path) {
    let own: Vec<&Edit> = fix.edits.iter().filter(|e| e.file.is_none()).collect();
    let fixed = apply(src, &own);
    let mut others: Vec<&Edit> = fix.edits.iter().filter(|e| e.file.is_some()).collect();
    others.sort_by(|a, b| {
        a.file
            .as_ref()
            .unwrap()
            .path
            .cmp(&b.file.as_ref().unwrap().path)
    });
    for e in &others {
        let f = e.file.as_ref().unwrap();
        let real = f.path.canonicalize().expect("an edited file exists");
        assert!(
            real.starts_with(dir.canonicalize().unwrap()),
            "edit outside the context: {}",
            f.path.display()
        );
        let text = std::fs::read_to_string(&f.path).expect("an edited file is text");
        assert!(
            text[e.span.start.min(text.len())..].starts_with(&f.expect),
            "the expected text is at the span"
        );
        let _ = apply(&text, &[e]);
    }
    let _ = lint_source(&fixed, opts);
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(6, |&b| b == 0);
    let Some(Ok(src)) = parts.next().map(std::str::from_utf8) else {
        return;
    };
    let dir = context_dir();
    put(dir, "Dockerfile", Some(src.as_bytes()));
    put(dir, "package.json", parts.next());
    let name = script_name(parts.next());
    for old in std::fs::read_dir(dir).unwrap().flatten() {
        let n = old.file_name().to_string_lossy().into_owned();
        if !matches!(
            n.as_str(),
            "Dockerfile" | "package.json" | "compose.yaml" | ".dsig.yaml"
        ) && n != name
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
    put(dir, &name, parts.next());
    put(dir, "compose.yaml", parts.next());
    let config = parts.next();
    put(dir, ".dsig.yaml", config);
    // the configuration as the command line reads it
    let mut shells = Vec::new();
    if let Some(Ok(text)) = config.map(std::str::from_utf8)
        && let Ok(c) = dsig::config::parse(&dir.join(".dsig.yaml"), text)
    {
        shells = c.shells.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let _ = dsig::config::Loaded::new(dir.join(".dsig.yaml"), c);
    }
    for target in [None, Some("build".to_string())] {
        let mut opts = LintOptions {
            target,
            context: Some(dir.clone()),
            dockerfile_path: Some(dir.join("Dockerfile")),
            ..Default::default()
        };
        opts.model.shells = shells.clone();
        let Ok(linted) = lint_source(src, &opts) else {
            continue;
        };
        for d in &linted.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= src.len());
            assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end));
            if let Some(fix) = d.fix() {
                apply_and_relint(src, fix, &opts, dir);
            }
        }
        let results = [FileResult::new("Dockerfile", src, linted.diagnostics)];
        let tool = ToolInfo {
            name: "dsig".into(),
            version: "0".into(),
            information_uri: None,
            rules: Vec::new(),
        };
        let _ = render_json(&results, &[]);
        let _ = render_sarif(&results, &[], &tool);
        let _ = render_github(&results, &[]);
        let _ = render_gitlab(&results);
        let _ = render_checkstyle(&results, &[]);
        let _ = render_tty(
            &results,
            &[],
            &TtyOptions {
                color: false,
                width: 80,
                rules_url: |c| c.to_string(),
                summary: true,
            },
        );
        let _ = render_concise(&results, &[]);
    }
});
