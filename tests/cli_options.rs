//! The command line's options as users of other linters expect them:
//! `--format concise`, `--statistics`, `-q`, choosing rules, naming standard
//! input, diffs that `git apply` takes, each error said once, shared format
//! names, and malformed ignore comments.

mod common;

use common::{dsig, dsig_stdin};
use std::path::Path;
use std::process::{Command, Stdio};

const SHELL_FORM: &str = "FROM node:22\nCMD node server.js\n";
const NPM: &str = "FROM node:22\nCOPY . .\nCMD [\"npm\", \"start\"]\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn two_files() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a/Dockerfile", SHELL_FORM);
    write(t.path(), "b/Dockerfile", NPM);
    t
}

#[test]
fn concise_is_one_line_per_finding() {
    let t = two_files();
    let r = dsig(t.path(), &["lint", "--format", "concise", "a", "b"]);
    assert_eq!(r.code(), Some(1), "{}", r.stderr());
    let out = r.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("a/Dockerfile:2:5: DSIG001 error: CMD is shell form"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("b/Dockerfile:3:5: DSIG004 error: `npm start` is PID 1"),
        "{out}"
    );
    assert_eq!(lines[2], "2 errors in 2 files");
}

#[test]
fn quiet_prints_the_findings_and_nothing_else() {
    let t = two_files();
    let r = dsig(t.path(), &["lint", "-q", "--format", "concise", "a", "b"]);
    assert_eq!(r.stdout().lines().count(), 2, "{}", r.stdout());
    // nothing at all for a clean file
    write(
        t.path(),
        "c/Dockerfile",
        "FROM node:22\nCMD [\"node\", \"a.js\"]\n",
    );
    let r = dsig(t.path(), &["lint", "--quiet", "--select", "DSIG001", "c"]);
    assert_eq!(r.code(), Some(0));
    assert_eq!(r.stdout(), "");
    // a fix says nothing with -q
    let r = dsig(t.path(), &["lint", "-q", "--fix", "a"]);
    assert!(!r.stderr().contains("fixed"), "{}", r.stderr());
    assert!(
        std::fs::read_to_string(t.path().join("a/Dockerfile"))
            .unwrap()
            .contains("CMD [\"node\", \"server.js\"]")
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let t = two_files();
    write(t.path(), "c/Dockerfile", SHELL_FORM);
    let r = dsig(t.path(), &["lint", "--statistics", "a", "b", "c"]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(
        r.stdout(),
        "    2  DSIG001  shell-form-cmd\n    1  DSIG004  package-manager-pid1\n\
         3 errors in 3 files\n"
    );
    let r = dsig(
        t.path(),
        &["lint", "--statistics", "--format", "json", "a", "b", "c"],
    );
    assert_eq!(
        r.json(),
        serde_json::json!([
            {"code": "DSIG001", "name": "shell-form-cmd", "count": 2},
            {"code": "DSIG004", "name": "package-manager-pid1", "count": 1},
        ])
    );
}

#[test]
fn rules_are_chosen_on_the_command_line() {
    let t = two_files();
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["lint", "--format", "json"];
        all.extend(args);
        all.extend(["a", "b"]);
        let r = dsig(t.path(), &all);
        let mut c: Vec<String> = r.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["severity"]))
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&[]), ["DSIG001 \"error\"", "DSIG004 \"error\""]);
    assert_eq!(codes(&["--select", "DSIG004"]), ["DSIG004 \"error\""]);
    // names as well as codes, as in .dsig.yaml
    assert_eq!(
        codes(&["--ignore", "shell-form-cmd"]),
        ["DSIG004 \"error\""]
    );
    assert_eq!(
        codes(&["--severity", "DSIG004=info,DSIG001=off"]),
        ["DSIG004 \"info\""]
    );
    // --ignore replaces the configuration's list; --extend-ignore adds to it
    write(t.path(), ".dsig.yaml", "ignore: [DSIG004]\n");
    assert_eq!(codes(&[]), ["DSIG001 \"error\""]);
    assert_eq!(codes(&["--ignore", "DSIG001"]), ["DSIG004 \"error\""]);
    assert!(codes(&["--extend-ignore", "DSIG001"]).is_empty());
    // an unknown code is a usage error
    let r = dsig(t.path(), &["lint", "--select", "DSIG999", "a"]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr().contains("unknown rule \"DSIG999\""),
        "{}",
        r.stderr()
    );
    let r = dsig(t.path(), &["lint", "--severity", "DSIG001", "a"]);
    assert_eq!(r.code(), Some(2));
    assert!(r.stderr().contains("expected CODE=LEVEL"), "{}", r.stderr());
}

#[test]
fn stdin_filename_names_the_input_and_finds_its_configuration() {
    let t = two_files();
    write(t.path(), "a/.dsig.yaml", "severity: {DSIG001: info}\n");
    let r = dsig_stdin(
        t.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--stdin-filename",
            "a/Dockerfile",
            "-",
        ],
        SHELL_FORM,
    );
    assert!(
        r.stdout()
            .starts_with("a/Dockerfile:2:5: DSIG001 info: CMD is shell form"),
        "{}",
        r.stdout()
    );
    let r = dsig_stdin(t.path(), &["lint", "--format", "concise", "-"], SHELL_FORM);
    assert!(
        r.stdout().starts_with("-:2:5: DSIG001 error:"),
        "{}",
        r.stdout()
    );
}

#[test]
fn diff_output_is_accepted_by_git_apply_for_every_path_form() {
    let t = tempfile::tempdir().unwrap();
    let git = |args: &[&str], dir: &Path| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        ok.is_ok_and(|s| s.success())
    };
    if !git(&["init", "-q"], t.path()) {
        eprintln!("git is not installed: skipped");
        return;
    }
    write(t.path(), "services/api/Dockerfile", SHELL_FORM);
    let abs = t.path().join("services/api/Dockerfile");
    let abs = abs.to_str().unwrap();
    for (dir, arg) in [
        ("", "."),
        ("", "./services/api/Dockerfile"),
        ("", abs),
        ("services", "./api"),
    ] {
        let dir = t.path().join(dir);
        let r = dsig(&dir, &["lint", "--diff", arg]);
        assert_eq!(r.code(), Some(1), "{arg}: {}", r.stderr());
        let diff = r.stdout();
        assert!(!diff.contains("/./") && !diff.contains("a//"), "{diff}");
        let patch = dir.join("fix.patch");
        std::fs::write(&patch, &diff).unwrap();
        assert!(
            git(&["apply", "--check", "fix.patch"], &dir),
            "git apply rejects the diff of {arg}:\n{diff}"
        );
        std::fs::remove_file(patch).unwrap();
    }
}

#[test]
fn each_error_is_said_once_in_one_wording() {
    let t = two_files();
    for format in ["tty", "concise"] {
        let r = dsig(t.path(), &["lint", "--format", format, "a", "nosuchfile"]);
        assert_eq!(r.code(), Some(2));
        let both = r.stdout() + &r.stderr();
        assert_eq!(both.matches("nosuchfile").count(), 1, "{format}: {both}");
        assert!(
            r.stderr()
                .contains("error: nosuchfile: no such file or directory"),
            "{}",
            r.stderr()
        );
        assert!(r.stdout().contains("(1 could not be linted)"));
    }
}

#[test]
fn ps_and_lint_share_format_names() {
    let t = two_files();
    let tty = dsig(t.path(), &["ps", "--format", "tty", "a/Dockerfile"]);
    assert_eq!(tty.code(), Some(0), "{}", tty.stderr());
    // the former name is still taken
    let text = dsig(t.path(), &["ps", "--format", "text", "a/Dockerfile"]);
    assert_eq!(tty.stdout(), text.stdout());
    let r = dsig(t.path(), &["lint", "--format", "tty", "a"]);
    assert_eq!(r.code(), Some(1));
    let r = dsig(t.path(), &["rules", "--format", "tty"]);
    assert!(r.stdout().starts_with("DSIG000"), "{}", r.stdout());
}

#[test]
fn a_malformed_ignore_comment_is_a_finding() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "Dockerfile",
        "FROM node:22\n# dsig ignore DSIG001\nCMD node server.js\n",
    );
    let r = dsig(
        t.path(),
        &["lint", "--format", "json", "--warn-unused-ignores"],
    );
    let json = r.json();
    let d: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "DSIG900")
        .collect();
    assert_eq!(d.len(), 1, "{}", r.stdout());
    assert_eq!(d[0]["line"], 2);
    assert!(
        d[0]["help"]
            .as_str()
            .unwrap()
            .contains("# dsig ignore=DSIG001"),
        "{}",
        d[0]
    );
    // without the option, as every unused ignore
    let r = dsig(t.path(), &["lint", "--format", "json"]);
    assert!(!r.stdout().contains("DSIG900"));
}

#[test]
fn man_pages_give_every_option_exit_status_and_environment() {
    let t = tempfile::tempdir().unwrap();
    for cmd in ["", "lint", "ps", "rules", "explain", "completions", "man"] {
        let args: Vec<&str> = if cmd.is_empty() {
            vec!["man"]
        } else {
            vec!["man", cmd]
        };
        let r = dsig(t.path(), &args);
        assert_eq!(r.code(), Some(0), "{cmd}: {}", r.stderr());
        let page = r.stdout();
        let title = if cmd.is_empty() {
            "dsig".to_string()
        } else {
            format!("dsig-{cmd}")
        };
        assert!(page.contains(&format!(".TH {title} 1")), "{cmd}: {page}");
        assert!(page.contains(".SH \"EXIT STATUS\""), "{cmd}");
        // every long option of the command's --help is on its page
        let help_args: Vec<&str> = if cmd.is_empty() {
            vec!["--help"]
        } else {
            vec![cmd, "--help"]
        };
        let help = dsig(t.path(), &help_args).stdout();
        for word in help.split_whitespace() {
            let Some(opt) = word.strip_prefix("--") else {
                continue;
            };
            let opt: String = opt
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if opt.is_empty() {
                continue;
            }
            let roff = format!("\\-\\-{}", opt.replace('-', "\\-"));
            assert!(page.contains(&roff), "{cmd}: --{opt} is not on the page");
        }
    }
    let lint = dsig(t.path(), &["man", "lint"]).stdout();
    for needed in [
        "DSIG_FORMAT",
        "DSIG_FAIL_LEVEL",
        "NO_COLOR",
        ".dsig.yaml",
        "fail\\-level:",
    ] {
        assert!(lint.contains(needed), "{needed}");
    }
    let r = dsig(t.path(), &["man", "nosuch"]);
    assert_eq!(r.code(), Some(2));
    assert_eq!(
        r.stderr(),
        "error: no command \"nosuch\" (see `dsig --help`)\n"
    );
}

/// The container image's Dockerfile is one dsig has nothing to say about.
#[test]
fn the_image_dockerfile_lints_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = dsig(root, &["lint", "--format", "concise", "docker/Dockerfile"]);
    assert_eq!(r.code(), Some(0), "{}{}", r.stdout(), r.stderr());
    assert_eq!(r.stdout(), "no findings in 1 file\n");
}
