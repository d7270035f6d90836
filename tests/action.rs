//! The GitHub Action, run as the Actions runner would run it: the `run:`
//! steps of `action.yml` are read with a YAML parser, `${{ inputs.* }}` and
//! `${{ github.* }}` in their `env:` are substituted, and each step runs with
//! `bash --noprofile --norc -eo pipefail` (the runner's `shell: bash`), with
//! `GITHUB_PATH` carried to the next step.
//!
//! `cargo install` is replaced by a stand-in that checks its arguments and
//! copies the dsig built for these tests, so this stays fast; with
//! `DSIG_ACTION_REAL_INSTALL=1` (CI) the real `cargo install` runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_serde::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Step {
    name: String,
    env: Vec<(String, String)>,
    run: String,
}

/// The composite steps, with expressions in `env:` substituted.
fn steps(inputs: &BTreeMap<&str, &str>, github: &BTreeMap<&str, String>) -> Vec<Step> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let doc: Value = yaml_serde::from_str(&text).unwrap();
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let declared: Vec<String> = doc["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        declared,
        [
            "paths",
            "fail-level",
            "config",
            "sarif-file",
            "version",
            "args",
            "working-directory"
        ]
    );
    for k in inputs.keys() {
        assert!(declared.iter().any(|d| d == k), "no input {k}");
    }
    let eval = |value: &str| -> String {
        let mut out = value.to_string();
        while let Some(start) = out.find("${{") {
            let end = out[start..].find("}}").expect("closed expression") + start;
            let expr = out[start + 3..end].trim().to_string();
            let v = if let Some(name) = expr.strip_prefix("inputs.") {
                match inputs.get(name) {
                    Some(v) => v.to_string(),
                    None => doc["inputs"][name]["default"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                }
            } else if let Some(name) = expr.strip_prefix("github.") {
                github.get(name).cloned().unwrap_or_default()
            } else {
                panic!("unsupported expression {expr}")
            };
            out.replace_range(start..end + 2, &v);
        }
        out
    };
    doc["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        // `uses:` steps (the cache) are the runner's own; only scripts run here
        .filter(|s| s["uses"].as_str().is_none())
        .map(|s| {
            assert_eq!(s["shell"].as_str(), Some("bash"));
            let run = s["run"].as_str().expect("a run step").to_string();
            assert!(
                !run.contains("${{"),
                "expressions in a script are unsafe: use env"
            );
            let env = s["env"]
                .as_mapping()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().unwrap().to_string(), eval(v.as_str().unwrap())))
                        .collect()
                })
                .unwrap_or_default();
            Step {
                name: s["name"].as_str().unwrap_or_default().to_string(),
                env,
                run,
            }
        })
        .collect()
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    install_args: String,
}

fn real_install() -> bool {
    std::env::var_os("DSIG_ACTION_REAL_INSTALL").is_some_and(|v| v == "1")
}

/// Runs every step in the repository root; stops at the first failure.
fn run_action(inputs: &[(&str, &str)]) -> Outcome {
    run_action_at(inputs, "v1", &[])
}

/// [`run_action`] with the action used at `action_ref`, and more
/// environment for its steps.
fn run_action_at(inputs: &[(&str, &str)], action_ref: &str, more_env: &[(&str, &str)]) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let runner_temp = tmp.path().join("runner");
    let stub = tmp.path().join("stub");
    std::fs::create_dir_all(&runner_temp).unwrap();
    std::fs::create_dir_all(&stub).unwrap();
    let install_log = tmp.path().join("install-args");
    let github_path = tmp.path().join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let mut path: Vec<PathBuf> = Vec::new();
    if real_install() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        if let Some(d) = Path::new(&cargo).parent() {
            path.push(d.to_path_buf());
        }
    } else {
        let script = stub.join("cargo");
        std::fs::write(
            &script,
            r#"#!/usr/bin/env bash
# stands in for `cargo install --locked ... --root ROOT --path PATH`
echo "$*" > "$STUB_LOG"
[ "$1" = install ] || exit 3
root= src= locked=
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$2"; shift ;;
    --path) src="$2"; shift ;;
    --locked) locked=1 ;;
  esac
  shift
done
[ -n "$locked" ] && [ -f "$src/Cargo.toml" ] && [ -f "$src/Cargo.lock" ] || exit 4
mkdir -p "$root/bin" && cp "$DSIG_BIN" "$root/bin/dsig"
"#,
        )
        .unwrap();
        Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .unwrap();
        path.push(stub.clone());
    }
    path.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    let input_map: BTreeMap<&str, &str> = inputs.iter().copied().collect();
    let github: BTreeMap<&str, String> = [
        ("action_path", ROOT.to_string()),
        ("server_url", "https://github.example".to_string()),
        ("action_repository", "owner/dsig".to_string()),
        ("action_ref", action_ref.to_string()),
    ]
    .into_iter()
    .collect();
    let mut last = Outcome {
        code: Some(0),
        stdout: String::new(),
        stderr: String::new(),
        install_args: String::new(),
    };
    for (i, step) in steps(&input_map, &github).iter().enumerate() {
        let script = tmp.path().join(format!("step{i}.sh"));
        std::fs::write(&script, &step.run).unwrap();
        // the runner prepends GITHUB_PATH entries to PATH for later steps
        let mut dirs: Vec<PathBuf> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .rev()
            .map(PathBuf::from)
            .collect();
        dirs.extend(path.iter().cloned());
        let mut c = Command::new("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(ROOT)
            .env_clear()
            .env("PATH", std::env::join_paths(&dirs).unwrap())
            .env("HOME", tmp.path())
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_PATH", &github_path)
            .env("STUB_LOG", &install_log)
            .env("DSIG_BIN", env!("CARGO_BIN_EXE_dsig"));
        if real_install() {
            for k in ["CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] {
                if let Ok(v) = std::env::var(k) {
                    c.env(k, v);
                }
            }
            // HOME is replaced: keep finding the toolchain and registry
            if std::env::var_os("CARGO_HOME").is_none()
                && let Some(h) = std::env::var_os("HOME")
            {
                c.env("CARGO_HOME", Path::new(&h).join(".cargo"));
                c.env("RUSTUP_HOME", Path::new(&h).join(".rustup"));
            }
            c.env(
                "CARGO_TARGET_DIR",
                Path::new(ROOT).join("target/action-install"),
            );
        }
        for (k, v) in &step.env {
            c.env(k, v);
        }
        for (k, v) in more_env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        last = Outcome {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            install_args: std::fs::read_to_string(&install_log).unwrap_or_default(),
        };
        if last.code != Some(0) {
            eprintln!(
                "step {:?} exited {:?}:\n{}",
                step.name, last.code, last.stderr
            );
            break;
        }
    }
    last
}

/// The runner's unescaping of workflow commands.
fn unescape(s: &str, property: bool) -> String {
    let s = if property {
        s.replace("%3A", ":").replace("%2C", ",")
    } else {
        s.to_string()
    };
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

/// (command, file, title) of every workflow command line; every line is one.
fn annotations(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix("::")
                .unwrap_or_else(|| panic!("not a command: {l}"));
            let (head, message) = rest.split_once("::").unwrap();
            assert!(!unescape(message, false).is_empty());
            let (cmd, props) = head.split_once(' ').unwrap();
            let prop = |k: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(&format!("{k}=")))
                    .map(|v| unescape(v, true))
                    .unwrap_or_default()
            };
            (cmd.to_string(), prop("file"), prop("title"))
        })
        .collect()
}

#[test]
fn findings_become_annotations_and_sarif() {
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("reports/dsig.sarif");
    let o = run_action(&[
        ("paths", "testdata/repo"),
        ("sarif-file", sarif.to_str().unwrap()),
    ]);
    assert_eq!(
        o.code,
        Some(1),
        "a warning fails at the default level\n{}",
        o.stderr
    );
    if !real_install() {
        assert!(
            o.install_args.starts_with("install --locked"),
            "{}",
            o.install_args
        );
        assert!(
            o.install_args
                .trim_end()
                .ends_with(&format!("--path {ROOT}")),
            "{}",
            o.install_args
        );
    }
    assert_eq!(
        annotations(&o.stdout),
        [
            (
                "warning".into(),
                "testdata/repo/web/Dockerfile".into(),
                "DSIG004 package-manager-pid1".into()
            ),
            (
                "notice".into(),
                "testdata/repo/worker/Containerfile".into(),
                "DSIG005 missing-init".into()
            ),
        ]
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 2);
    // rule pages at the action's own version
    assert_eq!(
        run["tool"]["driver"]["rules"][1]["helpUri"],
        "https://github.example/owner/dsig/blob/v1/rules/DSIG001.md"
    );
}

#[test]
fn fail_level_input() {
    let o = run_action(&[("paths", "testdata/repo"), ("fail-level", "error")]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(annotations(&o.stdout).len(), 2);
    let o = run_action(&[("paths", "testdata/repo"), ("fail-level", "info")]);
    assert_eq!(o.code, Some(1));
    let o = run_action(&[("paths", "testdata/repo"), ("fail-level", "loud")]);
    assert_eq!(o.code, Some(2));
}

#[test]
fn config_input_and_several_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("dsig.yaml");
    std::fs::write(&cfg, "ignore: [DSIG004]\n").unwrap();
    // newline- and space-separated; a path with a glob character is not expanded
    let o = run_action(&[
        (
            "paths",
            "testdata/repo/web\n  testdata/rules/DSIG001/fire-debian-shell-form/Dockerfile ",
        ),
        ("config", cfg.to_str().unwrap()),
    ]);
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    assert_eq!(
        annotations(&o.stdout),
        [(
            "error".into(),
            "testdata/rules/DSIG001/fire-debian-shell-form/Dockerfile".into(),
            "DSIG001 shell-form-cmd".into()
        )]
    );
    let o = run_action(&[
        ("paths", "testdata/repo/web"),
        ("config", cfg.to_str().unwrap()),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(o.stdout.is_empty());
}

#[test]
fn unreadable_paths_fail_the_step() {
    let o = run_action(&[("paths", "testdata/repo/web does/not/exist testdata/*")]);
    assert_eq!(o.code, Some(2));
    let a = annotations(&o.stdout);
    assert!(
        a.iter()
            .any(|(c, f, _)| c == "error" && f == "does/not/exist"),
        "{a:?}"
    );
    assert!(
        a.iter().any(|(c, f, _)| c == "error" && f == "testdata/*"),
        "{a:?}"
    );
    assert!(
        a.iter()
            .any(|(_, f, _)| f == "testdata/repo/web/Dockerfile"),
        "{a:?}"
    );
}

/// A release server for the install step: serves the files of `dir` by
/// path (`/v0.1.0/dsig-TARGET.tar.gz`), 404 for anything else; counts the
/// requests.
fn serve(dir: PathBuf) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // the headers, to the empty line
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let (status, body) = match std::fs::read(&file) {
                Ok(b) if !path.contains("..") => ("200 OK", b),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (url, count)
}

/// The release target the install step picks on this machine.
fn this_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        _ => None,
    }
}

/// A fake release v0.1.0 in a new directory: the dsig built for these
/// tests packed as the release packs it, and its sha256 file (`good`), or
/// a wrong one.
fn fake_release(good: bool) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let target = this_target().unwrap();
    let stage = t.path().join("stage").join(format!("dsig-{target}"));
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_dsig"), stage.join("dsig")).unwrap();
    let rel = t.path().join("v0.1.0");
    std::fs::create_dir_all(&rel).unwrap();
    let asset = rel.join(format!("dsig-{target}.tar.gz"));
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&asset)
        .arg("-C")
        .arg(t.path().join("stage"))
        .arg(format!("dsig-{target}"))
        .status()
        .unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum").arg(&asset).output().unwrap();
    let hash = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let hash = if good { hash } else { "0".repeat(64) };
    std::fs::write(
        rel.join(format!("dsig-{target}.tar.gz.sha256")),
        format!("{hash}  dsig-{target}.tar.gz\n"),
    )
    .unwrap();
    t
}

#[test]
fn the_release_binary_is_downloaded_and_checked() {
    if this_target().is_none() || real_install() {
        return;
    }
    let release = fake_release(true);
    let (url, requests) = serve(release.path().to_path_buf());
    let env = [("DSIG_RELEASE_URL", url.as_str())];
    let inputs = [("paths", "testdata/seed/Dockerfile")];
    // at the action's own release tag
    let o = run_action_at(&inputs, "v0.1.0", &env);
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert!(o.install_args.is_empty(), "cargo ran: {}", o.install_args);
    let notes = annotations(&o.stdout);
    assert!(
        notes
            .iter()
            .any(|(_, _, title)| title.starts_with("DSIG004")),
        "{notes:?}"
    );
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    // or at a version asked for, from a branch of the action
    let o = run_action_at(
        &[("paths", "testdata/seed/Dockerfile"), ("version", "v0.1.0")],
        "main",
        &env,
    );
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert!(o.install_args.is_empty(), "cargo ran: {}", o.install_args);
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 4);
}

#[test]
fn a_wrong_checksum_fails_the_install() {
    if this_target().is_none() || real_install() {
        return;
    }
    let release = fake_release(false);
    let (url, _) = serve(release.path().to_path_buf());
    let o = run_action_at(
        &[("paths", "testdata/seed/Dockerfile")],
        "v0.1.0",
        &[("DSIG_RELEASE_URL", url.as_str())],
    );
    assert_eq!(o.code, Some(1));
    assert!(
        o.stdout
            .contains("::error title=dsig install::checksum mismatch"),
        "{}",
        o.stdout
    );
    // no fallback to building it: a wrong checksum is not a missing binary
    assert!(o.install_args.is_empty(), "cargo ran: {}", o.install_args);
}

#[test]
fn a_missing_asset_falls_back_to_cargo_install() {
    if this_target().is_none() || real_install() {
        return;
    }
    let empty = tempfile::tempdir().unwrap();
    let (url, requests) = serve(empty.path().to_path_buf());
    let o = run_action_at(
        &[("paths", "testdata/seed/Dockerfile")],
        "v0.1.0",
        &[("DSIG_RELEASE_URL", url.as_str())],
    );
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert!(
        o.install_args.starts_with("install --locked"),
        "{}",
        o.install_args
    );
    assert!(requests.load(std::sync::atomic::Ordering::SeqCst) >= 1);
}

#[test]
fn args_and_working_directory_inputs() {
    let o = run_action(&[
        ("working-directory", "testdata"),
        ("paths", "seed/Dockerfile"),
        ("args", "--ignore DSIG004"),
    ]);
    assert_eq!(o.code, Some(0), "{}{}", o.stdout, o.stderr);
    assert!(annotations(&o.stdout).is_empty(), "{}", o.stdout);
}
