//! `dsig ps` shows the exact argv of every hop.

mod common;

use common::dsig;
use std::path::Path;

#[test]
fn distroless_runtime_entrypoint_is_the_app_with_cmd_as_arguments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = dsig(root, &["ps", "testdata/ps-distroless/Dockerfile"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let out = r.stdout();
    let pid1 = out.lines().find(|l| l.starts_with("PID 1")).unwrap();
    assert!(
        pid1.contains("/nodejs/bin/node --require=./tracing.js server.js"),
        "{out}"
    );
    assert!(!out.contains("entrypoint script"), "{out}");
    // node as PID 1 without an init
    let r = dsig(
        root,
        &[
            "lint",
            "--format",
            "json",
            "testdata/ps-distroless/Dockerfile",
        ],
    );
    let codes: Vec<String> = r.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["DSIG005"]);
}

#[test]
fn a_scripts_other_branches_are_listed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("e.sh"),
        "#!/bin/sh\nset -e\ncase \"$1\" in\n  web) exec node web.js ;;\n  worker) node worker.js ;;\n  *) exec \"$@\" ;;\nesac\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("Dockerfile"),
        "FROM node:22\nCOPY e.sh /usr/local/bin/\nENTRYPOINT [\"e.sh\"]\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    let r = dsig(d.path(), &["ps", "Dockerfile"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let out = r.stdout();
    assert!(out.contains("2 other branches of e.sh:"), "{out}");
    assert!(
        out.contains("e.sh:4 exec node web.js (replaces the shell; not taken with this command)"),
        "{out}"
    );
    assert!(
        out.contains(
            "e.sh:5 node worker.js (the shell stays as its parent; not taken with this command)"
        ),
        "{out}"
    );
    assert!(out.contains("exec→ node server.js"), "{out}");
}

/// The branch the image's command selects is the one followed: `case "$1"`
/// and `if [ "$1" = x ]` with CMD's first word.
#[test]
fn the_branch_the_command_selects_is_followed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("e.sh"),
        "#!/bin/sh\nset -e\ncase \"$1\" in\n  web) exec node web.js ;;\n  worker) node worker.js ;;\n  *) exec \"$@\" ;;\nesac\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("i.sh"),
        "#!/bin/sh\nif [ \"$1\" = 'server' ]; then\n  exec node server.js\nfi\nexec \"$@\"\n",
    )
    .unwrap();
    let ps = |cmd: &str, script: &str| {
        std::fs::write(
            d.path().join("Dockerfile"),
            format!("FROM node:22\nCOPY {script} /usr/local/bin/\nENTRYPOINT [\"{script}\"]\nCMD {cmd}\n"),
        )
        .unwrap();
        let r = dsig(d.path(), &["ps", "Dockerfile"]);
        assert_eq!(r.code(), Some(0), "{}", r.stderr());
        r.stdout()
    };
    let out = ps("[\"worker\"]", "e.sh");
    assert!(
        out.contains("e.sh:5 runs the command without exec"),
        "{out}"
    );
    assert!(out.contains("└─ node worker.js"), "{out}");
    let out = ps("[\"web\"]", "e.sh");
    assert!(out.contains("exec→ node web.js"), "{out}");
    // `*)` takes anything else
    let out = ps("[\"node\", \"x.js\"]", "e.sh");
    assert!(out.contains("exec→ node x.js"), "{out}");
    let out = ps("[\"server\"]", "i.sh");
    assert!(out.contains("exec→ node server.js"), "{out}");
    assert!(
        out.contains("i.sh:5 exec \"$@\" (replaces the shell; not taken with this command)"),
        "{out}"
    );
    let out = ps("[\"node\", \"x.js\"]", "i.sh");
    assert!(out.contains("exec→ node x.js"), "{out}");
}

/// tree-sitter-bash reads `a | b | c && exec "$@"` as one pipeline; the
/// shell runs the pipeline, then execs the command.
#[test]
fn exec_after_a_three_command_pipeline_is_the_main_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = dsig(root, &["ps", "testdata/ps-long-pipeline/Dockerfile"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let out = r.stdout();
    assert!(out.contains("entrypoint.sh:3 execs the command"), "{out}");
    let pid1 = out.lines().find(|l| l.contains("(now PID 1)")).unwrap();
    assert!(pid1.contains("node server.js"), "{out}");
    let file = "testdata/ps-long-pipeline/Dockerfile";
    let r = dsig(root, &["lint", "--format", "json", file]);
    assert_eq!(r.codes(file), ["DSIG005"]);
}
