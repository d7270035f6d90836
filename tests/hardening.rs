//! Hostile and pathological input: each case has its exact exit status and
//! error line, finishes well inside a generous time limit (the limits are a
//! guard against hangs, not a benchmark: `bench/hardening.sh` measures), and
//! leaves the other files of the same run linted.

mod common;

use common::{Run, dsig_within};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A Dockerfile with exactly one finding (DSIG001 on line 2).
const GOOD: &str = "FROM node:22\nCMD node server.js\n";
const LIMIT: Duration = Duration::from_secs(20);

/// A repository (it has `.git`) holding `good/Dockerfile`.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let r = Repo { dir };
        r.write("good/Dockerfile", GOOD);
        r
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    fn dsig(&self, args: &[&str]) -> Run {
        self.dsig_env(args, &[])
    }
    fn dsig_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let r = dsig_within(self.dir.path(), args, env, LIMIT);
        r.no_panic();
        r
    }
    /// `lint --format json` of `paths` and `good/Dockerfile`; the good
    /// file's finding must be there whatever happened to the others.
    fn lint_with_good(&self, paths: &[&str]) -> Run {
        let mut args = vec!["lint", "--format", "json"];
        args.extend_from_slice(paths);
        args.push("good/Dockerfile");
        let r = self.dsig(&args);
        assert_eq!(
            r.findings("good/Dockerfile"),
            [("DSIG001".to_string(), 2)],
            "the good file must still be linted: {}\n{}",
            r.stdout(),
            r.stderr()
        );
        r
    }
}

/// stderr is exactly one line, `error: ` + something naming `path` and
/// containing `reason`.
fn one_error_line(r: &Run, path: &str, reason: &str) {
    let err = r.stderr();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(path), "names {path}: {err}");
    assert!(lines[0].contains(reason), "says {reason:?}: {err}");
}

fn entrypoint_project(r: &Repo, dir: &str, script: &str) {
    r.write(&format!("{dir}/e.sh"), script);
    r.write(
        &format!("{dir}/Dockerfile"),
        "FROM node:22\nCOPY e.sh /usr/local/bin/\nENTRYPOINT [\"e.sh\"]\n",
    );
}

#[test]
fn a_function_calling_one_defined_further_down() {
    // was a panic that lost the whole run
    let r = Repo::new();
    entrypoint_project(&r, "app", "#!/bin/sh\na() { b; }\nb() { node x; }\na\n");
    let run = r.lint_with_good(&["app/Dockerfile"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    assert_eq!(run.findings("app/Dockerfile"), [("DSIG006".to_string(), 3)]);
    // and a SARIF report of the whole tree is written
    let sarif = r.dsig(&["lint", "--format", "sarif", "-o", "x.sarif", "."]);
    assert_eq!(sarif.code(), Some(1), "{}", sarif.stderr());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.path("x.sarif")).unwrap()).unwrap();
    assert!(v["runs"][0]["results"].as_array().unwrap().len() >= 2);
}

#[test]
fn a_discovered_config_linking_outside_the_repository_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("id_ed25519");
    std::fs::write(
        &key,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQSECRET\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    let r = Repo::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&key, r.path(".dsig.yaml")).unwrap();
    #[cfg(unix)]
    {
        let run = r.dsig(&["lint", "."]);
        assert_eq!(run.code(), Some(2));
        one_error_line(&run, ".dsig.yaml", "outside");
        let all = run.stdout() + &run.stderr();
        assert!(!all.contains("SECRET") && !all.contains("PRIVATE"), "{all}");
    }
    // a key that is in the repository: its text is quoted at most briefly
    std::fs::remove_file(r.path(".dsig.yaml")).ok();
    std::fs::copy(&key, r.path(".dsig.yaml")).unwrap();
    let run = r.dsig(&["lint", "."]);
    assert_eq!(run.code(), Some(2));
    one_error_line(&run, ".dsig.yaml", "expected");
    assert!(!run.stderr().contains("SECRET"), "{}", run.stderr());
}

#[test]
fn branching_scripts_are_analysed_in_linear_time() {
    let r = Repo::new();
    // six functions, each a `case` of 60 branches calling the next, each
    // defined before its caller (was 79 s)
    let mut s = String::from("#!/bin/sh\n");
    for f in (0..6).rev() {
        s.push_str(&format!("f{f}() {{\n  case \"$1\" in\n"));
        for b in 0..60 {
            if f < 5 {
                s.push_str(&format!("    b{b}) f{} \"$@\" ;;\n", f + 1));
            } else {
                s.push_str(&format!("    b{b}) node app{b}.js ;;\n"));
            }
        }
        s.push_str("  esac\n}\n");
    }
    s.push_str("f0 \"$@\"\n");
    entrypoint_project(&r, "branches", &s);
    // a 400 KB function called from 400 branches (was 84 s)
    let mut s = String::from("#!/bin/sh\nbig() {\n");
    let mut n = 0;
    while s.len() < 400 * 1024 {
        s.push_str(&format!(
            "  echo step {n} >> /tmp/log; test -d /srv/{n} || mkdir -p /srv/{n}\n"
        ));
        n += 1;
    }
    s.push_str("  node server.js \"$@\"\n}\ncase \"$1\" in\n");
    for b in 0..400 {
        s.push_str(&format!("  b{b}) big ;;\n"));
    }
    s.push_str("  *) exec \"$@\" ;;\nesac\n");
    entrypoint_project(&r, "bigfunc", &s);
    let run = r.lint_with_good(&["branches/Dockerfile", "bigfunc/Dockerfile"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    // every branch's `node` is started without exec
    let branches = run.findings("branches/Dockerfile");
    assert_eq!(branches.len(), 60, "{branches:?}");
    assert!(branches.iter().all(|(c, _)| c == "DSIG006"));
    let big = run.findings("bigfunc/Dockerfile");
    assert!(big.iter().any(|(c, _)| c == "DSIG006"), "{big:?}");
}

#[test]
fn deeply_nested_yaml_is_refused_at_once() {
    let r = Repo::new();
    let depth = 500_000;
    r.write(
        "app/compose.yaml",
        format!("x: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
    );
    r.write("app/Dockerfile", "FROM node:22\nCMD [\"node\", \"s.js\"]\n");
    let run = r.lint_with_good(&["app/Dockerfile"]);
    assert_eq!(run.code(), Some(2));
    one_error_line(
        &run,
        "app/compose.yaml:1:104",
        "YAML nested more than 100 levels deep",
    );
    assert!(run.took < Duration::from_secs(10), "{:?}", run.took);
    // the same in .dsig.yaml
    r.write(".dsig.yaml", format!("ignore: {}\n", "[".repeat(1000)));
    let run = r.dsig(&["lint", "good/Dockerfile"]);
    assert_eq!(run.code(), Some(2));
    one_error_line(&run, ".dsig.yaml:1:109", "nested more than 100");
}

#[cfg(unix)]
#[test]
fn config_that_is_a_device_or_a_fifo_is_refused_without_reading() {
    let r = Repo::new();
    let run = r.dsig(&["lint", "--config", "/dev/zero", "good/Dockerfile"]);
    assert_eq!(run.code(), Some(2));
    one_error_line(&run, "/dev/zero", "not a regular file (a character device)");
    let fifo = r.path("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let run = r.dsig(&["lint", "--config", "fifo.yaml", "good/Dockerfile"]);
        assert_eq!(run.code(), Some(2));
        one_error_line(&run, "fifo.yaml", "not a regular file (a FIFO)");
        // discovered as .dsig.yaml: refused too, no hang
        std::fs::rename(&fifo, r.path(".dsig.yaml")).unwrap();
        let run = r.dsig(&["lint", "good/Dockerfile"]);
        assert_eq!(run.code(), Some(2));
        one_error_line(&run, ".dsig.yaml", "a FIFO");
    }
}

#[test]
fn a_ten_mib_command_is_linted_and_not_fixed_past_the_limit() {
    let r = Repo::new();
    let head = "FROM node:22\nCMD node server.js";
    let mut text = String::from(head);
    while text.len() + 3 < 10 * 1024 * 1024 - 64 {
        text.push_str(" x");
    }
    text.push('\n');
    r.write("big/Dockerfile", &text);
    let run = r.lint_with_good(&["big/Dockerfile"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    let found = run.findings("big/Dockerfile");
    assert_eq!(found.first().map(|f| f.0.as_str()), Some("DSIG001"));
    // no message quotes the whole command
    assert!(
        run.stdout().len() < 64 * 1024,
        "{} bytes",
        run.stdout().len()
    );
    let fix = r.dsig(&["lint", "--fix", "--unsafe-fixes", "big/Dockerfile"]);
    assert_eq!(fix.code(), Some(1), "{}", fix.stderr());
    assert_eq!(
        std::fs::read_to_string(r.path("big/Dockerfile")).unwrap(),
        text
    );
    // a fix in a file too large to check it is not offered
    let mut near = String::from("FROM node:22\n");
    while near.len() < 9 * 1024 * 1024 {
        near.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    near.push_str("CMD node server.js\n");
    r.write("near/Dockerfile", &near);
    let run = r.dsig(&["lint", "--format", "json", "near/Dockerfile"]);
    let v = run.json();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "DSIG001");
    assert!(d["fix"].is_null());
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("no automatic fix: the file is too large to check a fix"),
        "{d}"
    );
    let fix = r.dsig(&["lint", "--fix", "near/Dockerfile"]);
    assert_eq!(fix.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(r.path("near/Dockerfile")).unwrap(),
        near
    );
}

#[test]
fn a_hundred_thousand_findings_in_sarif() {
    let r = Repo::new();
    let mut text = String::from("FROM node:22\n");
    for i in 0..100_000 {
        text.push_str(&format!("FORM broken{i}\n"));
    }
    r.write("many/Dockerfile", &text);
    let run = r.dsig(&["lint", "--format", "sarif", "-o", "x.sarif", "many", "good"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.path("x.sarif")).unwrap()).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 100_001);
    // fingerprints stay distinct
    let fps: std::collections::HashSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["dsigFingerprint/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(fps.len(), 100_001);
}

#[test]
fn many_ignore_comments_are_matched_in_linear_time() {
    // 30,000 ignore comments, each above a CMD, and 30,000 in a row above
    // one instruction (100,000 pairs took 31 s, quadratic)
    let r = Repo::new();
    let mut text = String::from("FROM node:22\n");
    for _ in 0..30_000 {
        text.push_str("# dsig ignore=DSIG001\nCMD node x\n");
    }
    r.write("pairs/Dockerfile", &text);
    let mut text = String::from("FROM node:22\n");
    for _ in 0..30_000 {
        text.push_str("# dsig ignore=DSIG005\n");
    }
    text.push_str("CMD node x\n");
    r.write("block/Dockerfile", &text);
    let run = r.dsig(&[
        "lint",
        "--format",
        "json",
        "--warn-unused-ignores",
        "pairs/Dockerfile",
        "block/Dockerfile",
    ]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let pairs = run.findings("pairs/Dockerfile");
    assert!(pairs.iter().all(|(c, _)| c != "DSIG001"), "all suppressed");
    let block = run.findings("block/Dockerfile");
    assert!(block.iter().all(|(c, _)| c != "DSIG005"), "{block:?}");
    assert!(block.iter().any(|(c, _)| c == "DSIG001"), "{block:?}");
}

#[test]
fn many_large_exclude_globs_are_an_error_not_dropped() {
    let r = Repo::new();
    // 200 patterns of 1,600 characters: each is valid, together too large
    let mut seed: u64 = 1;
    let mut yaml = String::from("exclude:\n");
    for _ in 0..200 {
        let mut p = String::new();
        for _ in 0..1600 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            p.push(b"abcdefgh*?"[(seed >> 33) as usize % 10] as char);
        }
        yaml.push_str(&format!("  - \"{p}\"\n"));
    }
    r.write(".dsig.yaml", &yaml);
    let run = r.dsig(&["lint", "."]);
    assert_eq!(run.code(), Some(2));
    one_error_line(
        &run,
        ".dsig.yaml",
        "exclude patterns are too large together",
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_an_error_that_names_it() {
    use std::os::unix::fs::PermissionsExt;
    let r = Repo::new();
    r.write("locked/Dockerfile", GOOD);
    let locked = r.path("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads everything: run as nobody when the tests run as root
    let root = std::fs::read_dir(&locked).is_ok();
    let mut cmd;
    if root {
        if !Path::new("/usr/bin/setpriv").exists() {
            eprintln!("note: running as root without setpriv; skipped");
            return;
        }
        // nobody must reach the files: open the temporary tree to others
        let mut p = r.dir.path().to_path_buf();
        while let Some(parent) = p.parent() {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode | 0o005)).ok();
            p = parent.to_path_buf();
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        for f in ["good", "good/Dockerfile"] {
            let p = r.path(f);
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode | 0o005)).unwrap();
        }
        cmd = std::process::Command::new("/usr/bin/setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_dsig"));
    } else {
        cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dsig"));
    }
    cmd.args(["lint", "--format", "json", "."])
        .current_dir(r.dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let run = common::run(cmd, LIMIT);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.no_panic();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    one_error_line(&run, "locked", "cannot be read: permission denied");
    assert_eq!(
        run.findings("./good/Dockerfile"),
        [("DSIG001".to_string(), 2)]
    );
}

#[test]
fn terminal_escapes_in_the_input_are_shown_escaped() {
    let r = Repo::new();
    r.write(
        "esc/Dockerfile",
        "FROM alpine\nLABEL a=\"\u{9b}31m\"\nCMD node \x1b]0;PWNED\x07\x1b[2J\n",
    );
    for args in [
        &["lint", "--color", "never", "esc/Dockerfile"][..],
        &["lint", "--color", "always", "esc/Dockerfile"][..],
        &["lint", "--format", "github", "esc/Dockerfile"][..],
        &["lint", "--format", "json", "esc/Dockerfile"][..],
        &["lint", "--format", "sarif", "esc/Dockerfile"][..],
        &["ps", "esc/Dockerfile"][..],
    ] {
        let run = r.dsig(args);
        let out = run.stdout();
        let color = args.contains(&"always");
        // no byte of the input's escapes reaches the terminal raw (with
        // --color always, only the report's own color codes `ESC [ ... m`)
        let mut rest = out.as_str();
        while let Some(i) = rest.find('\x1b') {
            assert!(color, "{args:?}: raw ESC in {out:?}");
            let tail = &rest[i + 1..];
            assert!(tail.starts_with('['), "{args:?}: {out:?}");
            let end = tail.find(|c: char| c.is_ascii_alphabetic()).unwrap();
            assert_eq!(&tail[end..end + 1], "m", "{args:?}: {out:?}");
            rest = &tail[end..];
        }
        assert!(
            !out.contains('\x07') && !out.contains('\u{9b}'),
            "{args:?}: {out:?}"
        );
        if !args.contains(&"json") && !args.contains(&"sarif") {
            assert!(out.contains("PWNED\\u{7}\\e[2J"), "{args:?}: {out}");
        }
        assert!(!run.stderr().contains('\x1b'), "{}", run.stderr());
    }
    // a file name with an escape, in the error line
    let name = "bad\x1b[2J.Dockerfile";
    let run = r.dsig(&["lint", name]);
    assert_eq!(run.code(), Some(2));
    assert!(!run.stderr().contains('\x1b'), "{:?}", run.stderr());
    assert!(
        run.stderr().contains("bad\\e[2J.Dockerfile"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_panic_in_one_file_is_that_files_error() {
    let r = Repo::new();
    r.write("boom/Dockerfile", GOOD);
    let env = [("DSIG_TEST_PANIC_ON", "boom")];
    let run = r.dsig_env(&["lint", "--format", "json", "boom", "good"], &env);
    assert_eq!(run.code(), Some(2));
    one_error_line(&run, "boom/Dockerfile", "internal error, not linted");
    assert_eq!(
        run.findings("good/Dockerfile"),
        [("DSIG001".to_string(), 2)]
    );
    let v = run.json();
    assert_eq!(v["errors"][0]["file"], "boom/Dockerfile");
    // every report is still written
    let run = r.dsig_env(&["lint", "--format", "sarif", "-o", "x.sarif", "."], &env);
    assert_eq!(run.code(), Some(2));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.path("x.sarif")).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn a_code_point_after_a_brace_that_crashes_the_bash_grammar() {
    // tree-sitter-bash reads out of bounds on `{` + a code point above U+00FF
    // and, on x86-64 Linux, dies of SIGSEGV on U+10FFFF: the process lived
    // only by luck of the memory layout. Such text is not parsed (it decides
    // nothing); a script with it is read by the strict parser.
    let r = Repo::new();
    r.write(
        "cmd/Dockerfile",
        "FROM node:22\nCMD echo {\u{10FFFF}; exec node server.js\n",
    );
    entrypoint_project(
        &r,
        "script",
        "#!/bin/sh\necho {\u{10FFFF}\nnode server.js\n",
    );
    let run = r.lint_with_good(&["cmd/Dockerfile", "script/Dockerfile"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    assert_eq!(run.findings("cmd/Dockerfile"), [("DSIG001".to_string(), 2)]);
    assert_eq!(
        run.findings("script/Dockerfile"),
        [("DSIG006".to_string(), 3)]
    );
}
