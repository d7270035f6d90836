//! Running the `dsig` binary from tests: its exit status and output, with a
//! time limit so that a hang fails the test instead of stalling the suite.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub out: Output,
    /// How long the run took.
    pub took: Duration,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\nstderr: {}", self.stdout(), self.stderr()))
    }
    /// The findings of one file: (code, line).
    pub fn findings(&self, file: &str) -> Vec<(String, u64)> {
        self.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }
    /// The codes of one file's findings, in report order.
    pub fn codes(&self, file: &str) -> Vec<String> {
        self.findings(file).into_iter().map(|(c, _)| c).collect()
    }
    pub fn no_panic(&self) {
        let err = self.stderr();
        assert!(!err.contains("panicked"), "panic: {err}");
        assert!(
            self.code().is_some(),
            "killed by a signal (crash or timeout): {err}"
        );
    }
}

/// Run dsig in `dir`, killing it (and failing the test) after 60 s.
pub fn dsig(dir: &Path, args: &[&str]) -> Run {
    dsig_within(dir, args, &[], Duration::from_secs(60))
}

/// Run dsig in `dir` with `input` on standard input, failing after 60 s.
pub fn dsig_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut cmd = command(dir, args, &[]);
    cmd.stdin(Stdio::piped());
    run_with_input(
        cmd,
        Some(input.as_bytes().to_vec()),
        Duration::from_secs(60),
    )
}

/// Run dsig in `dir` with extra environment variables, killing it (and
/// failing the test) after `limit`.
pub fn dsig_within(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    run(command(dir, args, env), limit)
}

/// The dsig command in `dir`, with no input and its output captured, in an
/// environment without dsig's variables.
fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dsig"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("DSIG_FORMAT")
        .env_remove("DSIG_FAIL_LEVEL")
        .env_remove("DSIG_TEST_PANIC_ON")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Run a prepared command to its end, failing after `limit`.
pub fn run(cmd: Command, limit: Duration) -> Run {
    run_with_input(cmd, None, limit)
}

/// As [`run`], writing `input` to the command's standard input (which
/// must be piped) on a thread of its own.
pub fn run_with_input(mut cmd: Command, input: Option<Vec<u8>>, limit: Duration) -> Run {
    let mut child = cmd.spawn().unwrap();
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            // the command may stop reading early: that is its answer
            let _ = std::io::Write::write_all(&mut stdin, &input);
        });
    }
    // Drain the pipes on threads so a large report cannot block the child.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut b).unwrap();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut b).unwrap();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {limit:?} (hang?)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        took: start.elapsed(),
        out: Output {
            status,
            stdout: t_out.join().unwrap(),
            stderr: t_err.join().unwrap(),
        },
    }
}
