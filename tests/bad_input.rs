//! Whatever dsig is fed, it answers with an exit status, at most one line per
//! file on stderr naming that file, never a panic or a hang, and the other
//! files of the same run are still linted.
//!
//! Two kinds of bad input, kept apart as `tests/cli.rs` does:
//! - a file that cannot be read as a Dockerfile (missing, not a regular file,
//!   binary, invalid UTF-8, over 10 MiB, a symlink loop): exit 2 and one line
//!   `error: <path>: <reason>` on stderr; nothing to lint;
//! - a text file Docker cannot build (empty, unterminated heredoc, broken
//!   JSON): a finding (DSIG000 or DSIG003) in the report, exit 1, because the
//!   user has to fix a line in the file, and the report shows which.
//!
//! Every case runs twice: alone (for its exact exit status and stderr) and
//! together with a good Dockerfile (which must still be linted).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A Dockerfile with exactly one finding (DSIG001 on line 2).
const GOOD: &str = "FROM node:22\nCMD node server.js\n";

mod common;
use common::{Run, dsig};

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("good.Dockerfile"), GOOD).unwrap();
        Case { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, bytes).unwrap();
    }
    /// `dsig lint --format json [extra] <path>`, alone.
    fn lint(&self, path: &str, extra: &[&str]) -> Run {
        let mut args = vec!["lint", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(path);
        let r = dsig(self.dir.path(), &args);
        r.no_panic();
        r
    }
    /// The same, with the good file after it: the good file's finding is
    /// reported whatever happened to `path`.
    fn lint_with_good(&self, path: &str, extra: &[&str]) -> Run {
        let mut args = vec!["lint", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(path);
        args.push("good.Dockerfile");
        let r = dsig(self.dir.path(), &args);
        r.no_panic();
        assert_eq!(
            r.findings("good.Dockerfile"),
            [("DSIG001".to_string(), 2)],
            "the good file must still be linted: {}",
            r.stdout()
        );
        r
    }

    /// A file that cannot be read: exit 2, one stderr line naming it and
    /// containing `reason`, one JSON error; the good file still linted.
    fn assert_read_error(&self, path: &str, reason: &str) {
        for r in [self.lint(path, &[]), self.lint_with_good(path, &[])] {
            assert_eq!(r.code(), Some(2), "{}", r.stderr());
            let err = r.stderr();
            let lines: Vec<&str> = err.lines().collect();
            assert_eq!(lines.len(), 1, "one line on stderr: {err}");
            assert!(
                lines[0].starts_with("error: ") && lines[0].contains(path),
                "names the file: {err}"
            );
            assert!(lines[0].contains(reason), "says why ({reason}): {err}");
            let v = r.json();
            assert_eq!(v["errors"].as_array().unwrap().len(), 1);
            assert_eq!(v["errors"][0]["file"], path);
        }
    }

    /// A file that is read and linted: exactly `codes` at `lines`, nothing on
    /// stderr, exit 1 when there is a finding at the default fail level (all
    /// the codes used here are errors or warnings), else 0.
    fn assert_findings(&self, path: &str, expected: &[(&str, u64)]) {
        for r in [self.lint(path, &[]), self.lint_with_good(path, &[])] {
            assert!(r.stderr().is_empty(), "stderr: {}", r.stderr());
            let want: Vec<(String, u64)> =
                expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
            assert_eq!(r.findings(path), want, "{}", r.stdout());
            assert!(r.json()["errors"].as_array().unwrap().is_empty());
        }
        let alone = self.lint(path, &[]);
        let code = if expected.is_empty() { 0 } else { 1 };
        assert_eq!(alone.code(), Some(code), "{}", alone.stdout());
        // The terminal report names the file too.
        let tty = dsig(self.dir.path(), &["lint", path]);
        tty.no_panic();
        if !expected.is_empty() {
            assert!(tty.stdout().contains(path), "{}", tty.stdout());
        }
    }
}

#[test]
fn missing_path() {
    let c = Case::new();
    c.assert_read_error("no/such/Dockerfile", "no such file or directory");
}

#[test]
fn directory_without_dockerfiles() {
    let c = Case::new();
    c.write("empty/README.md", "# not a Dockerfile\n");
    c.assert_read_error("empty", "directory contains no Dockerfile");
}

#[test]
fn empty_file_is_a_syntax_finding() {
    // Docker refuses an empty Dockerfile: a DSIG000 finding at line 1.
    let c = Case::new();
    c.write("empty.Dockerfile", "");
    c.assert_findings("empty.Dockerfile", &[("DSIG000", 1)]);
    c.write("blank.Dockerfile", "\n\n  \n# only a comment\n");
    c.assert_findings("blank.Dockerfile", &[("DSIG000", 1)]);
}

#[test]
fn binary_file() {
    let c = Case::new();
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    c.write("binary.Dockerfile", bytes);
    c.assert_read_error("binary.Dockerfile", "binary file (NUL byte at offset 7)");
}

#[test]
fn invalid_utf8() {
    let c = Case::new();
    c.write("latin1.Dockerfile", b"FROM alpine\nLABEL a=\xe9t\xe9\n");
    c.assert_read_error(
        "latin1.Dockerfile",
        "not valid UTF-8 (invalid byte at offset 20)",
    );
}

#[test]
fn nul_byte_in_text() {
    let c = Case::new();
    c.write("nul.Dockerfile", b"FROM alpine\nCMD [\"a\0b\"]\n");
    c.assert_read_error("nul.Dockerfile", "binary file (NUL byte at offset 19)");
}

#[test]
fn file_over_10_mib() {
    let c = Case::new();
    let limit = dsig::files::MAX_FILE as usize;
    // Exactly at the limit is read (one long comment, then a FROM).
    let mut at = format!("#{}\n", "x".repeat(limit - 2 - GOOD.len()));
    at.push_str(GOOD);
    assert_eq!(at.len(), limit);
    c.write("limit.Dockerfile", &at);
    c.assert_findings("limit.Dockerfile", &[("DSIG001", 3)]);
    // One byte more is refused without being read.
    at.insert(1, 'x');
    c.write("big.Dockerfile", &at);
    c.assert_read_error("big.Dockerfile", "larger than the 10 MiB limit");
}

#[test]
fn continuation_of_100000_lines() {
    let c = Case::new();
    let mut s = String::from("FROM debian:bookworm\nRUN true \\\n");
    for i in 0..100_000 {
        s.push_str(&format!("  && echo {i} \\\n"));
    }
    s.push_str("  && true\nCMD node server.js\n");
    c.write("cont.Dockerfile", &s);
    // The CMD after the RUN is found at its true line.
    c.assert_findings("cont.Dockerfile", &[("DSIG001", 100_004)]);
    // A CMD continued over 10,000 lines is analysed as one shell string.
    let mut s = String::from("FROM debian:bookworm\nCMD true \\\n");
    for i in 0..10_000 {
        s.push_str(&format!("  && echo {i} \\\n"));
    }
    s.push_str("  && node server.js\n");
    c.write("cmdcont.Dockerfile", &s);
    c.assert_findings("cmdcont.Dockerfile", &[("DSIG001", 2)]);
}

#[test]
fn ten_thousand_heredocs() {
    let c = Case::new();
    let mut s = String::from("FROM node:22\n");
    for i in 0..10_000 {
        s.push_str(&format!("RUN <<EOF{i}\necho {i}\nEOF{i}\n"));
    }
    s.push_str("CMD node server.js\n");
    c.write("heredocs.Dockerfile", &s);
    c.assert_findings("heredocs.Dockerfile", &[("DSIG001", 30_002)]);
    // 10,000 heredocs on one RUN line, bodies after it.
    let mut s = String::from("FROM node:22\nRUN");
    for i in 0..10_000 {
        s.push_str(&format!(" <<E{i}"));
    }
    s.push('\n');
    for i in 0..10_000 {
        s.push_str(&format!("echo {i}\nE{i}\n"));
    }
    s.push_str("CMD node server.js\n");
    c.write("oneline.Dockerfile", &s);
    c.assert_findings("oneline.Dockerfile", &[("DSIG001", 20_003)]);
}

#[test]
fn unterminated_heredoc_is_a_syntax_finding() {
    let c = Case::new();
    c.write(
        "heredoc.Dockerfile",
        "FROM alpine\nRUN <<EOF\necho never ends\nCMD [\"node\", \"a.js\"]\n",
    );
    c.assert_findings("heredoc.Dockerfile", &[("DSIG000", 2)]);
}

#[test]
fn unterminated_json_is_a_malformed_exec_form_finding() {
    // Docker runs it through /bin/sh -c: DSIG003 (and the shell-form CMD).
    let c = Case::new();
    c.write(
        "json.Dockerfile",
        "FROM node:22-alpine\nCMD [\"node\", \"server.js\"\n",
    );
    let r = c.lint("json.Dockerfile", &[]);
    assert_eq!(r.code(), Some(1));
    let codes: Vec<String> = r.codes("json.Dockerfile");
    assert!(codes.contains(&"DSIG003".to_string()), "{codes:?}");
    c.lint_with_good("json.Dockerfile", &[]);
    // A JSON array left open for 20,000 elements.
    let s = format!("FROM alpine\nCMD [{}\n", "\"a\",".repeat(20_000));
    c.write("long.Dockerfile", s);
    let r = c.lint("long.Dockerfile", &["--fail-level", "none"]);
    assert_eq!(r.code(), Some(0));
    assert!(r.stderr().is_empty());
    c.lint_with_good("long.Dockerfile", &[]);
}

#[test]
fn deeply_nested_quotes_and_brackets() {
    let c = Case::new();
    let n = 5_000;
    let cases = [
        format!("CMD echo {}x{}", "\"$(echo ".repeat(n), ")\"".repeat(n)),
        format!("CMD echo {}", "\"'".repeat(n)),
        format!("CMD {}node a.js{}", "( ".repeat(n), " )".repeat(n)),
        format!("CMD {}{}", "[".repeat(n), "]".repeat(n)),
        format!("CMD [\"a\", {}{}]", "[".repeat(n), "]".repeat(n)),
        format!("CMD echo {}", "`".repeat(n)),
        format!("ENV A={}", "\"\\\"".repeat(n)),
    ];
    for (i, body) in cases.iter().enumerate() {
        let name = format!("nested{i}.Dockerfile");
        c.write(&name, format!("FROM alpine\n{body}\n"));
        let r = c.lint(&name, &["--fail-level", "none"]);
        assert_eq!(r.code(), Some(0), "{name}: {}", r.stderr());
        assert!(r.stderr().is_empty(), "{name}: {}", r.stderr());
        c.lint_with_good(&name, &[]);
    }
}

#[test]
fn huge_shell_command() {
    // 1.2 MB of pipeline in one CMD: over the bash parser's 1 MiB limit
    // (it would take seconds and most of a GiB), still reported as shell form.
    let c = Case::new();
    let s = format!(
        "FROM node:22\nCMD {}node server.js\n",
        "a | ".repeat(300_000)
    );
    c.write("pipe.Dockerfile", &s);
    c.assert_findings("pipe.Dockerfile", &[("DSIG001", 2)]);
}

#[test]
fn chain_of_20000_stages() {
    // Each stage builds on the previous one: resolved without recursion.
    let c = Case::new();
    let mut s = String::from("FROM node:22 AS s0\n");
    for i in 0..20_000 {
        s.push_str(&format!("FROM s{i} AS s{}\n", i + 1));
    }
    s.push_str("CMD node server.js\n");
    c.write("stages.Dockerfile", &s);
    c.assert_findings("stages.Dockerfile", &[("DSIG001", 20_002)]);
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_a_scanned_directory() {
    use std::os::unix::fs::symlink;
    let c = Case::new();
    c.write("tree/app/Dockerfile", GOOD);
    symlink("../..", c.path("tree/app/up")).unwrap();
    symlink("Dockerfile.loop", c.path("tree/Dockerfile.loop")).unwrap();
    symlink("b.Dockerfile", c.path("tree/a.Dockerfile")).unwrap();
    symlink("a.Dockerfile", c.path("tree/b.Dockerfile")).unwrap();
    // Scanning does not follow symlinks: only the real Dockerfile is linted.
    for r in [
        c.lint("tree", &[]),
        c.lint_with_good("tree", &["--fail-level", "error"]),
    ] {
        assert!(r.stderr().is_empty(), "{}", r.stderr());
        assert_eq!(
            r.findings("tree/app/Dockerfile"),
            [("DSIG001".to_string(), 2)]
        );
        assert!(r.json()["errors"].as_array().unwrap().is_empty());
    }
    assert_eq!(c.lint("tree", &[]).code(), Some(1));
    // Named on the command line, the loop is a read error.
    c.assert_read_error("tree/Dockerfile.loop", "symbolic links");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let c = Case::new();
    c.write("secret.Dockerfile", GOOD);
    let p = c.path("secret.Dockerfile");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&p).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop
        // reading, so dsig reads and lints the file like any other.
        eprintln!("note: mode 000 is readable here (root): asserting it is linted");
        c.assert_findings("secret.Dockerfile", &[("DSIG001", 2)]);
    } else {
        c.assert_read_error("secret.Dockerfile", "permission denied");
    }
    // An unreadable directory in a scan: whatever else is found is linted.
    c.write("scan/ok/Dockerfile", GOOD);
    c.write("scan/locked/Dockerfile", GOOD);
    let locked = c.path("scan/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = c.lint("scan", &[]);
    assert_eq!(
        r.findings("scan/ok/Dockerfile"),
        [("DSIG001".to_string(), 2)]
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn fifo_does_not_hang() {
    let c = Case::new();
    let fifo = c.path("fifo.Dockerfile");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo not available");
        return;
    }
    // Named directly: refused without opening it (opening would block).
    c.assert_read_error("fifo.Dockerfile", "not a regular file");
    // Met in a scan: not a regular file, so not a Dockerfile candidate.
    std::fs::create_dir(c.path("scan")).unwrap();
    Command::new("mkfifo")
        .arg(c.path("scan/Dockerfile"))
        .status()
        .unwrap();
    c.write("scan/app/Dockerfile", GOOD);
    let r = c.lint("scan", &[]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().is_empty(), "{}", r.stderr());
    assert_eq!(
        r.findings("scan/app/Dockerfile"),
        [("DSIG001".to_string(), 2)]
    );
}

#[test]
fn stdin_that_is_binary() {
    let c = Case::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsig"))
        .args(["lint", "-", "good.Dockerfile"])
        .current_dir(c.dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM a\0\xff")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: -: binary file"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("good.Dockerfile"));
}

// ---- the build context ----

const NPM_START: &str = "FROM node:22-alpine\nCMD [\"npm\", \"start\"]\n";

fn ps(dir: &Path, dockerfile: &str) -> Run {
    let r = dsig(dir, &["ps", dockerfile]);
    r.no_panic();
    r
}

#[test]
fn package_json_that_is_not_json() {
    let c = Case::new();
    c.write("app/Dockerfile", NPM_START);
    c.write(
        "app/package.json",
        "{\"scripts\": {\"start\": \"node a.js\",\n",
    );
    // No error: the lint goes on without the scripts.
    let r = c.lint_with_good("app/Dockerfile", &[]);
    assert!(r.stderr().is_empty(), "{}", r.stderr());
    assert!(r.json()["errors"].as_array().unwrap().is_empty());
    let codes: Vec<String> = r.codes("app/Dockerfile");
    assert_eq!(codes, ["DSIG004"]);
    let tree = ps(c.dir.path(), "app/Dockerfile");
    assert_eq!(tree.code(), Some(0), "{}", tree.stderr());
    assert!(tree.stderr().is_empty());
    assert!(!tree.stdout().contains("node a.js"), "{}", tree.stdout());
    // Binary and huge package.json files are ignored the same way.
    c.write("app/package.json", b"\0\xff\xfe{");
    assert!(ps(c.dir.path(), "app/Dockerfile").stderr().is_empty());
    let big = format!(
        "{{\"scripts\":{{\"start\":\"node big.js\"}},\"x\":\"{}\"}}",
        "y".repeat(2 << 20)
    );
    c.write("app/package.json", big);
    let tree = ps(c.dir.path(), "app/Dockerfile");
    assert!(tree.stderr().is_empty());
    assert!(!tree.stdout().contains("big.js"));
}

#[cfg(unix)]
#[test]
fn context_files_outside_the_context_are_not_read() {
    use std::os::unix::fs::symlink;
    let c = Case::new();
    // A package.json outside the context, with a recognisable script.
    c.write(
        "outside/package.json",
        "{\"scripts\": {\"start\": \"node outside-secret.js\"}}",
    );
    // Control: inside the context it is read.
    c.write("inside/Dockerfile", NPM_START);
    c.write(
        "inside/package.json",
        "{\"scripts\": {\"start\": \"node inside.js\"}}",
    );
    assert!(
        ps(c.dir.path(), "inside/Dockerfile")
            .stdout()
            .contains("node inside.js")
    );
    // A symlink to it, absolute or through `..`, is ignored.
    for (name, target) in [
        ("abs", c.path("outside/package.json")),
        ("rel", PathBuf::from("../outside/package.json")),
    ] {
        c.write(&format!("{name}/Dockerfile"), NPM_START);
        symlink(&target, c.path(&format!("{name}/package.json"))).unwrap();
        let df = format!("{name}/Dockerfile");
        let tree = ps(c.dir.path(), &df);
        assert_eq!(tree.code(), Some(0), "{}", tree.stderr());
        assert!(
            !tree.stdout().contains("outside-secret"),
            "{name}: read through a symlink: {}",
            tree.stdout()
        );
        let r = c.lint_with_good(&df, &[]);
        assert!(r.stderr().is_empty());
    }
    // A context directory that is itself a symlink is fine: it is the
    // context, and its own package.json is read.
    symlink(c.path("inside"), c.path("linked")).unwrap();
    assert!(
        ps(c.dir.path(), "linked/Dockerfile")
            .stdout()
            .contains("node inside.js")
    );
    // Nothing in the Dockerfile can make dsig read outside the context.
    c.write(
        "esc/Dockerfile",
        "FROM node:22-alpine\nWORKDIR ../../outside\nCOPY ../outside/package.json ./\nCMD [\"npm\", \"start\"]\n",
    );
    let tree = ps(c.dir.path(), "esc/Dockerfile");
    assert!(
        !tree.stdout().contains("outside-secret"),
        "{}",
        tree.stdout()
    );
}
