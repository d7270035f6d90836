//! The command line: exit statuses, formats, many files, bad input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn dsig(args: &[&str]) -> Output {
    dsig_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

fn dsig_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dsig"));
    c.args(args)
        .current_dir(dir)
        .env_remove("DSIG_FORMAT")
        .env_remove("DSIG_FAIL_LEVEL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(b) = stdin {
        child.stdin.take().unwrap().write_all(b).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn findings_exit_1_clean_exit_0() {
    let o = dsig(&[
        "lint",
        "testdata/rules/DSIG001/fire-debian-shell-form/Dockerfile",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("DSIG001"));
    assert!(
        !stdout(&o).contains('\u{1b}'),
        "NO_COLOR must disable color"
    );
    let o = dsig(&["lint", "testdata/rules/DSIG005/pass-tini/Dockerfile"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no findings"));
}

#[test]
fn fail_level_decides_the_exit_status() {
    // the seed has one warning
    let seed = "testdata/seed/Dockerfile";
    assert_eq!(dsig(&["lint", seed]).status.code(), Some(1));
    assert_eq!(
        dsig(&["lint", "--fail-level", "error", seed]).status.code(),
        Some(0)
    );
    assert_eq!(
        dsig(&["lint", "--fail-level", "none", seed]).status.code(),
        Some(0)
    );
    assert_eq!(
        dsig(&["lint", "--fail-level", "info", seed]).status.code(),
        Some(1)
    );
}

#[test]
fn json_format_schema() {
    let o = dsig(&["lint", "--format", "json", "testdata/seed/Dockerfile"]);
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "testdata/seed/Dockerfile");
    assert_eq!(d["code"], "DSIG004");
    assert_eq!(d["name"], "package-manager-pid1");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(14), Some(5))
    );
    assert_eq!(d["fix"]["applicability"], "unsafe");
    assert_eq!(
        d["fix"]["edits"][0]["replacement"],
        "[\"node\", \"src/server.js\"]"
    );
    assert!(v["errors"].as_array().unwrap().is_empty());
}

#[test]
fn missing_path_is_reported_and_others_still_linted() {
    let o = dsig(&[
        "lint",
        "--format",
        "json",
        "does/not/exist/Dockerfile",
        "testdata/seed/Dockerfile",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"][0]["file"], "does/not/exist/Dockerfile");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("does/not/exist/Dockerfile") && err.contains("no such file"));
}

#[test]
fn directories_are_searched_in_order() {
    let o = dsig(&[
        "lint",
        "--format",
        "json",
        "--fail-level",
        "none",
        "testdata/rules/DSIG003",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert!(files.len() >= 3);
}

#[test]
fn default_path_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM node:22\nCMD node server.js\n",
    )
    .unwrap();
    let o = dsig_in(dir.path(), &["lint"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("DSIG001"));
    let o = dsig_in(
        dir.path(),
        &["lint", "--format", "json", "-"],
        Some(b"FROM node:22\nCMD [\"node\", \"a.js\"]\n"),
    );
    let v = json(&o);
    assert_eq!(v["diagnostics"][0]["file"], "-");
    assert_eq!(v["diagnostics"][0]["code"], "DSIG005");
    // no Dockerfile in the directory
    let empty = tempfile::tempdir().unwrap();
    let o = dsig_in(empty.path(), &["lint"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Dockerfile") || stdout(&o).contains("Dockerfile"));
}

#[test]
fn bad_inputs_get_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("binary.Dockerfile"), b"FROM a\0\x01\x02").unwrap();
    std::fs::write(
        p.join("latin1.Dockerfile"),
        b"FROM alpine\nLABEL a=\xe9t\xe9\n",
    )
    .unwrap();
    std::fs::write(
        p.join("good.Dockerfile"),
        "FROM alpine\nCMD [\"/bin/true\"]\n",
    )
    .unwrap();
    std::fs::create_dir(p.join("emptydir")).unwrap();
    let big = "RUN true\n".repeat(1_200_000);
    std::fs::write(p.join("big.Dockerfile"), format!("FROM alpine\n{big}")).unwrap();
    let o = dsig_in(
        p,
        &[
            "lint",
            "--format",
            "json",
            "binary.Dockerfile",
            "latin1.Dockerfile",
            "emptydir",
            "big.Dockerfile",
            "good.Dockerfile",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].contains("binary.Dockerfile") && lines[0].contains("binary"));
    assert!(lines[1].contains("latin1.Dockerfile") && lines[1].contains("UTF-8"));
    assert!(lines[2].contains("emptydir") && lines[2].contains("no Dockerfile"));
    assert!(lines[3].contains("big.Dockerfile") && lines[3].contains("MiB"));
    assert!(!err.contains("panicked"));
    let v = json(&o);
    assert_eq!(v["errors"].as_array().unwrap().len(), 4);
}

#[test]
fn syntax_error_is_a_finding_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine\nFORM x\nCMD ['a']\n",
    )
    .unwrap();
    let o = dsig_in(dir.path(), &["lint", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DSIG000", "DSIG003"]);
}

#[test]
fn tty_output_snapshot() {
    let o = dsig(&[
        "lint",
        "testdata/rules/DSIG001/fire-alpine-anything-after/Dockerfile",
    ]);
    insta::assert_snapshot!("tty_dsig001", stdout(&o));
}

#[test]
fn ps_shows_the_tree() {
    let o = dsig(&["ps", "testdata/seed/Dockerfile"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("ps_seed", stdout(&o));
    let o = dsig(&[
        "ps",
        "--format",
        "json",
        "testdata/rules/DSIG001/fire-debian-shell-form/Dockerfile",
    ]);
    let v = json(&o);
    assert_eq!(v["hops"][1]["argv"][0], "/bin/sh");
    assert_eq!(v["pid1"], 1);
    assert_eq!(v["bin_sh"], "dash");
}

#[test]
fn ps_follows_script_and_package_json() {
    let o = dsig(&["ps", "testdata/ps-four-hops/Dockerfile"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for source in ["Dockerfile:5", "Dockerfile:6", "package.json scripts.start"] {
        assert!(out.contains(source), "{source} missing:\n{out}");
    }
    assert!(
        out.contains("docker-entrypoint.sh:7 execs the command"),
        "{out}"
    );
    insta::assert_snapshot!("ps_four_hops", out);
    let v = json(&dsig(&[
        "ps",
        "--format",
        "json",
        "testdata/ps-four-hops/Dockerfile",
    ]));
    let argv0: Vec<&str> = v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["argv"][0].as_str().unwrap())
        .collect();
    assert_eq!(argv0, ["docker-entrypoint.sh", "npm", "sh", "node"]);
}

#[test]
fn target_selects_a_stage() {
    let f = "testdata/rules/DSIG004/pass-npm-in-build-stage/Dockerfile";
    let o = dsig(&["lint", "--format", "json", "--target", "build", f]);
    let v = json(&o);
    assert_eq!(v["diagnostics"][0]["code"], "DSIG004");
    let o = dsig(&["lint", "--target", "nope", f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope") || stdout(&o).contains("nope"));
}

#[test]
fn rules_and_explain() {
    let o = dsig(&["rules", "--format", "json"]);
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), dsig::rules::RULES.len());
    let o = dsig(&["explain", "DSIG004"]);
    assert!(stdout(&o).starts_with("# DSIG004 package-manager-pid1"));
    assert_eq!(dsig(&["explain", "DSIG999"]).status.code(), Some(2));
    assert_eq!(dsig(&["--version"]).status.code(), Some(0));
    assert_eq!(dsig(&["lint", "--format", "nope"]).status.code(), Some(2));
}

#[test]
fn diff_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("Dockerfile"),
        "FROM node:22\r\nCMD node server.js\r\n",
    )
    .unwrap();
    std::fs::write(
        p.join("broken.Dockerfile"),
        "FROM node:22\nFORM x\nCMD node server.js\n",
    )
    .unwrap();
    // --diff writes nothing, exits 1 when there is a change
    let o = dsig_in(p, &["lint", "--diff", "Dockerfile"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("+CMD [\"node\", \"server.js\"]"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(p.join("Dockerfile")).unwrap(),
        "FROM node:22\r\nCMD node server.js\r\n"
    );
    // --fix writes the safe fix, keeping CRLF; what is left is reported
    let o = dsig_in(
        p,
        &["lint", "--fix", "--format", "json", "Dockerfile"],
        None,
    );
    let v = json(&o);
    assert_eq!(
        std::fs::read_to_string(p.join("Dockerfile")).unwrap(),
        "FROM node:22\r\nCMD [\"node\", \"server.js\"]\r\n"
    );
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DSIG005"]);
    assert!(stderr(&o).contains("fixed 1 finding in 1 file"));
    // a second --fix changes nothing; --diff shows nothing
    assert_eq!(
        dsig_in(p, &["lint", "--diff", "Dockerfile"], None)
            .status
            .code(),
        Some(0)
    );
    // unsafe fixes only when asked
    let o = dsig_in(
        p,
        &[
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--fail-level",
            "none",
            "Dockerfile",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(p.join("Dockerfile"))
            .unwrap()
            .contains("tini")
    );
    // a file with a syntax error is never fixed
    let o = dsig_in(p, &["lint", "--fix", "broken.Dockerfile"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("syntax"));
    assert_eq!(
        std::fs::read_to_string(p.join("broken.Dockerfile")).unwrap(),
        "FROM node:22\nFORM x\nCMD node server.js\n"
    );
    // a read-only file: a clear error, the original untouched
    std::fs::write(
        p.join("ro.Dockerfile"),
        "FROM node:22\nCMD node server.js\n",
    )
    .unwrap();
    let mut perm = std::fs::metadata(p.join("ro.Dockerfile"))
        .unwrap()
        .permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(p.join("ro.Dockerfile"), perm).unwrap();
    let o = dsig_in(p, &["lint", "--fix", "ro.Dockerfile"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ro.Dockerfile") && stderr(&o).contains("read-only"));
    assert_eq!(
        std::fs::read_to_string(p.join("ro.Dockerfile")).unwrap(),
        "FROM node:22\nCMD node server.js\n"
    );
}

#[test]
fn fix_edits_the_entrypoint_script_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("Dockerfile"),
        "FROM node:22-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    std::fs::write(
        p.join("entrypoint.sh"),
        "#!/bin/sh\nset -e\nnode migrate.js\n\"$@\"\n",
    )
    .unwrap();
    // safe fixes only: the script is not touched
    dsig_in(p, &["lint", "--fix", "--fail-level", "none"], None);
    assert_eq!(
        std::fs::read_to_string(p.join("entrypoint.sh")).unwrap(),
        "#!/bin/sh\nset -e\nnode migrate.js\n\"$@\"\n"
    );
    // --diff shows the script change and writes nothing
    let o = dsig_in(p, &["lint", "--diff", "--unsafe-fixes"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("+exec \"$@\""), "{}", stdout(&o));
    // --fix --unsafe-fixes edits the script, then adds the init it now needs
    let o = dsig_in(
        p,
        &["lint", "--fix", "--unsafe-fixes", "--fail-level", "none"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(p.join("entrypoint.sh")).unwrap(),
        "#!/bin/sh\nset -e\nnode migrate.js\nexec \"$@\"\n"
    );
    let df = std::fs::read_to_string(p.join("Dockerfile")).unwrap();
    assert!(
        df.contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/entrypoint.sh\"]"),
        "{df}"
    );
    // and a second run changes nothing
    assert_eq!(
        dsig_in(p, &["lint", "--diff", "--unsafe-fixes"], None)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn hostile_context_files_do_not_break_the_lint() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("Dockerfile"),
        "FROM node:22-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"npm\", \"start\"]\n",
    )
    .unwrap();
    // a binary "script" and a package.json that is not JSON
    std::fs::write(p.join("entrypoint.sh"), b"\x7fELF\x00\x01\xff\xfe binary").unwrap();
    std::fs::write(p.join("package.json"), "{ not json").unwrap();
    let o = dsig_in(
        p,
        &["lint", "--format", "json", "--fail-level", "none"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    // the binary is not read as a script: the chain stops at it, no script findings
    let v = json(&o);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"DSIG006"), "{codes:?}");
    // a config file that is not YAML: one line naming it, exit 2
    std::fs::write(p.join(".dsig.yaml"), "ignore: [DSIG001\n  : : :\n").unwrap();
    std::fs::create_dir(p.join(".git")).unwrap();
    let o = dsig_in(p, &["lint"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(".dsig.yaml"), "{err}");
}

/// A reader that stops reading (`dsig lint . | head`) ends the run quietly,
/// in every format: no "broken pipe" error on stderr.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::Read;
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM node:22\n");
    for i in 0..20_000 {
        text.push_str(&format!("FORM broken{i}\n"));
    }
    std::fs::write(d.path().join("Dockerfile"), text).unwrap();
    for format in ["json", "sarif", "tty", "gitlab", "github", "checkstyle"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dsig"))
            .args(["lint", "--no-config", "--format", format, "Dockerfile"])
            .current_dir(d.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // stdout is closed here
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{format}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
}
