//! The command line with configuration: discovery, --config, --no-config,
//! precedence (command line, then environment, then file), exclusion,
//! malformed files, --output, completions and the man page.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dsig"));
    c.args(args)
        .current_dir(dir)
        .env_remove("DSIG_FORMAT")
        .env_remove("DSIG_FAIL_LEVEL")
        .env_remove("DSIG_DOCS_URL")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn codes(o: &Output) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect()
}

/// A repository with `app/Dockerfile` (node as PID 1: DSIG005, a warning).
fn repo(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join(".git")).unwrap();
    std::fs::create_dir_all(p.join("app")).unwrap();
    std::fs::write(
        p.join("app/Dockerfile"),
        "FROM node:22\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    if let Some(c) = config {
        std::fs::write(p.join(".dsig.yaml"), c).unwrap();
    }
    dir
}

#[test]
fn config_is_found_above_the_file() {
    let r = repo(Some("severity: {DSIG005: info}\n"));
    let o = run(r.path(), &["lint", "--format", "json", "app"], &[]);
    assert_eq!(codes(&o), ["DSIG005:info"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "info is below the default fail level"
    );
    // from inside the subfolder too
    let o = run(&r.path().join("app"), &["lint", "--format", "json"], &[]);
    assert_eq!(codes(&o), ["DSIG005:info"]);
    let o = run(
        r.path(),
        &["lint", "--format", "json", "--no-config", "app"],
        &[],
    );
    assert_eq!(codes(&o), ["DSIG005:warning"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_path_through_dot_dot_leaves_the_working_directorys_repository() {
    // the working directory is a repository with a configuration; the file
    // named through `..` is in another tree, which has none
    let top = tempfile::tempdir().unwrap();
    let r = top.path().join("repo");
    std::fs::create_dir_all(r.join(".git")).unwrap();
    std::fs::create_dir_all(r.join("sub")).unwrap();
    std::fs::write(r.join(".dsig.yaml"), "ignore: [DSIG005]\n").unwrap();
    std::fs::create_dir_all(top.path().join("other")).unwrap();
    std::fs::write(
        top.path().join("other/Dockerfile"),
        "FROM node:22\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    for target in ["../other/Dockerfile", "../other", "sub/../../other"] {
        let o = run(&r, &["lint", "--format", "json", target], &[]);
        assert_eq!(codes(&o), ["DSIG005:warning"], "{target}: {}", stderr(&o));
    }
    // a file of the repository named the same way still gets it
    std::fs::create_dir_all(r.join("app")).unwrap();
    std::fs::copy(
        top.path().join("other/Dockerfile"),
        r.join("app/Dockerfile"),
    )
    .unwrap();
    let o = run(
        &r.join("app"),
        &["lint", "--format", "json", "../app/Dockerfile"],
        &[],
    );
    assert!(codes(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn init_true_silences_missing_init() {
    let r = repo(Some("init: true\n"));
    let o = run(
        r.path(),
        &["lint", "--format", "json", "app/Dockerfile"],
        &[],
    );
    assert!(codes(&o).is_empty(), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn ignore_and_off() {
    for c in [
        "ignore: [DSIG005]\n",
        "ignore: [missing-init]\n",
        "severity: {DSIG005: off}\n",
    ] {
        let r = repo(Some(c));
        let o = run(r.path(), &["lint", "--format", "json", "app"], &[]);
        assert!(codes(&o).is_empty(), "{c}: {}", stdout(&o));
    }
}

#[test]
fn explicit_config_file() {
    let r = repo(None);
    std::fs::write(r.path().join("ci.yaml"), "ignore: [DSIG005]\n").unwrap();
    let o = run(
        r.path(),
        &["lint", "--format", "json", "--config", "ci.yaml", "app"],
        &[],
    );
    assert!(codes(&o).is_empty());
    let o = run(r.path(), &["lint", "--config", "nope.yaml", "app"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "error: nope.yaml: no such file or directory"
    );
    let o = run(
        r.path(),
        &["lint", "--config", "ci.yaml", "--no-config", "app"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn precedence_command_line_then_environment_then_file() {
    let r = repo(Some("fail-level: none\n"));
    let lint = |args: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["lint"];
        a.extend_from_slice(args);
        a.push("app");
        run(r.path(), &a, env).status.code()
    };
    assert_eq!(lint(&[], &[]), Some(0), "file: none");
    assert_eq!(
        lint(&[], &[("DSIG_FAIL_LEVEL", "warning")]),
        Some(1),
        "env beats file"
    );
    assert_eq!(
        lint(&["--fail-level", "none"], &[("DSIG_FAIL_LEVEL", "warning")]),
        Some(0),
        "command line beats env"
    );
    assert_eq!(lint(&[], &[("DSIG_FAIL_LEVEL", "bogus")]), Some(2));
    // DSIG_FORMAT, overridden by --format
    let o = run(r.path(), &["lint", "app"], &[("DSIG_FORMAT", "github")]);
    assert!(
        stdout(&o).starts_with("::warning file=app/Dockerfile,"),
        "{}",
        stdout(&o)
    );
    let o = run(
        r.path(),
        &["lint", "--format", "json", "app"],
        &[("DSIG_FORMAT", "github")],
    );
    assert_eq!(codes(&o), ["DSIG005:warning"]);
    // NO_COLOR, overridden by --color always
    let o = run(r.path(), &["lint", "--color", "always", "app"], &[]);
    assert!(stdout(&o).contains('\u{1b}'));
    let o = run(r.path(), &["lint", "app"], &[]);
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn exclude_applies_to_discovery_and_to_named_files() {
    let r = repo(Some("exclude: [\"app/**\"]\n"));
    std::fs::create_dir_all(r.path().join("svc")).unwrap();
    std::fs::write(
        r.path().join("svc/Dockerfile"),
        "FROM alpine\nCMD [\"/svc\"]\n",
    )
    .unwrap();
    let o = run(r.path(), &["lint", "--format", "json", "."], &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(o.status.code(), Some(0));
    // as pre-commit passes it
    let o = run(r.path(), &["lint", "app/Dockerfile"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("no findings in 0 files"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn malformed_config_is_one_line_and_exit_2() {
    let cases = [
        (
            "fail-level: warning\nshells:\n  x: fish\n",
            ".dsig.yaml:3:6: shells.x: unknown variant `fish`",
        ),
        (
            "ignore: DSIG001\n",
            ".dsig.yaml:1:9: ignore: invalid type: string \"DSIG001\", expected a sequence",
        ),
        ("colour: never\n", ".dsig.yaml:1:1: unknown field `colour`"),
        (
            "init: [\n",
            ".dsig.yaml:1:7: init: invalid type: sequence, expected a boolean",
        ),
        (
            "init: \"unterminated\n",
            ".dsig.yaml:2:1: found unexpected end of stream",
        ),
        (
            "init: true\n\tfail-level: error\n",
            ".dsig.yaml:2:1: found a tab character",
        ),
        (
            "\u{feff}ignore: [DSIG999]\n",
            ".dsig.yaml:1:10: ignore[0]: unknown rule \"DSIG999\"",
        ),
    ];
    for (text, want) in cases {
        let r = repo(Some(text));
        let o = run(r.path(), &["lint", "--format", "json", "app"], &[]);
        assert_eq!(o.status.code(), Some(2), "{text:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        let line = err.trim_end();
        let want = format!("error: {}/{want}", r.path().display());
        assert!(
            line.starts_with(&want),
            "{text:?}\n got: {line}\nwant: {want}"
        );
        assert!(!err.contains("panicked"));
        assert!(o.stdout.is_empty(), "nothing is linted");
    }
    // not UTF-8, a directory
    let r = repo(None);
    std::fs::write(r.path().join(".dsig.yaml"), b"init: \xff\n").unwrap();
    let o = run(r.path(), &["lint", "app"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(".dsig.yaml: not valid UTF-8"),
        "{}",
        stderr(&o)
    );
    let r = repo(None);
    std::fs::create_dir(r.path().join(".dsig.yaml")).unwrap();
    let o = run(r.path(), &["lint", "--config", ".dsig.yaml", "app"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"));
}

#[test]
fn output_file() {
    let r = repo(None);
    let o = run(
        r.path(),
        &["lint", "--format", "sarif", "--output", "out.sarif", "app"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(r.path().join("out.sarif")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "DSIG005");
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/Dockerfile"
    );
    let o = run(r.path(), &["lint", "--output", "no/such/dir/x", "app"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/dir/x: cannot write the report"));
}

#[test]
fn repository_relative_paths_from_anywhere() {
    let r = repo(None);
    let o = run(
        &r.path().join("app"),
        &["lint", "--format", "github", "Dockerfile"],
        &[],
    );
    assert!(
        stdout(&o).starts_with("::warning file=app/Dockerfile,"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unused_ignores_flag() {
    let r = repo(None);
    std::fs::write(
        r.path().join("app/Dockerfile"),
        "FROM node:22\n# dsig ignore=DSIG001\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    let o = run(r.path(), &["lint", "--format", "json", "app"], &[]);
    assert_eq!(codes(&o), ["DSIG005:warning"]);
    let o = run(
        r.path(),
        &["lint", "--format", "json", "--warn-unused-ignores", "app"],
        &[],
    );
    assert_eq!(codes(&o), ["DSIG900:warning", "DSIG005:warning"]);
}

#[test]
fn completions_and_man_page() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef dsig"),
        ("fish", "complete -c dsig"),
    ] {
        let o = run(here, &["completions", shell], &[]);
        assert_eq!(o.status.code(), Some(0));
        let s = stdout(&o);
        assert!(s.contains(marker), "{shell}: {s}");
        assert!(s.contains("warn-unused-ignores"), "{shell}");
    }
    assert_eq!(
        run(here, &["completions", "tcsh"], &[]).status.code(),
        Some(2)
    );
    let o = run(here, &["man"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains(".TH dsig 1"), "{s}");
    assert!(s.contains("completions"));
}

#[test]
fn ps_uses_the_configured_shell() {
    let r = repo(Some(
        "shells: {\"registry.example.com/base/py\": busybox}\n",
    ));
    std::fs::write(
        r.path().join("app/Dockerfile"),
        "FROM registry.example.com/base/py:3\nCMD python app.py\n",
    )
    .unwrap();
    let bin_sh = |args: &[&str]| {
        let o = run(r.path(), args, &[]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["bin_sh"].as_str().unwrap().to_string()
    };
    assert_eq!(
        bin_sh(&["ps", "--format", "json", "app/Dockerfile"]),
        "busybox ash"
    );
    assert_eq!(
        bin_sh(&["ps", "--no-config", "--format", "json", "app/Dockerfile"]),
        "unknown shell"
    );
}
