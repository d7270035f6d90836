//! The example repository `testdata/repo`: a `.dsig.yaml` (severity
//! override, exclude, private base-image shell), inline ignores in the dsig,
//! hadolint and BuildKit styles, three Dockerfiles in subfolders, an excluded
//! one and a `.gitignore`d one. Every output format is snapshotted and parsed
//! back.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const REPO: &str = "testdata/repo";

fn dsig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsig"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DSIG_FORMAT")
        .env_remove("DSIG_FAIL_LEVEL")
        .env_remove("DSIG_DOCS_URL")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn lint(format: &str, extra: &[&str]) -> (String, Option<i32>) {
    let mut args = vec!["lint", "--format", format];
    args.extend_from_slice(extra);
    args.push(REPO);
    let o = dsig(&args);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    (
        out.replace(env!("CARGO_PKG_VERSION"), "[version]"),
        o.status.code(),
    )
}

/// (file, code, severity) of every finding, from the JSON report.
fn findings(extra: &[&str]) -> Vec<(String, String, String)> {
    let (out, _) = lint("json", extra);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(file: &str, code: &str, sev: &str) -> (String, String, String) {
    (format!("{REPO}/{file}"), code.into(), sev.into())
}

#[test]
fn the_fixture_is_what_the_tests_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(REPO);
    for p in [
        ".dsig.yaml",
        ".gitignore",
        "api/Dockerfile",
        "web/Dockerfile",
        "worker/Containerfile",
        "legacy/Dockerfile",
        "generated/Dockerfile",
    ] {
        assert!(root.join(p).is_file(), "{p} missing");
    }
    // the excluded and the ignored files would have findings of their own
    for p in ["legacy/Dockerfile", "generated/Dockerfile"] {
        let o = dsig(&[
            "lint",
            "--no-config",
            "--format",
            "json",
            &format!("{REPO}/{p}"),
        ]);
        assert_eq!(o.status.code(), Some(1), "{p}");
    }
}

#[test]
fn expected_findings() {
    // api: dsig ignores; web: hadolint DL3025 hides DSIG001, DSIG004 stays;
    // worker: BuildKit's check=skip hides DSIG001, and DSIG005 is found only
    // because the configuration says the private base image's /bin/sh is
    // busybox (which execs the command), and is info by configuration.
    assert_eq!(
        findings(&[]),
        [
            f("web/Dockerfile", "DSIG004", "warning"),
            f("worker/Containerfile", "DSIG005", "info"),
        ]
    );
    assert_eq!(
        findings(&["--warn-unused-ignores"]),
        [
            f("api/Dockerfile", "DSIG900", "warning"),
            f("api/Dockerfile", "DSIG900", "warning"),
            f("web/Dockerfile", "DSIG004", "warning"),
            f("worker/Containerfile", "DSIG005", "info"),
        ]
    );
    // without the configuration: no severity override, no exclude, no shell
    assert_eq!(
        findings(&["--no-config"]),
        [
            f("legacy/Dockerfile", "DSIG002", "error"),
            f("web/Dockerfile", "DSIG004", "warning"),
        ]
    );
}

#[test]
fn exit_status_follows_the_fail_level() {
    assert_eq!(lint("json", &[]).1, Some(1));
    assert_eq!(lint("json", &["--fail-level", "error"]).1, Some(0));
}

#[test]
fn tty() {
    let (out, _) = lint("tty", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_tty", out);
    assert!(out.ends_with("3 warnings, 1 info in 3 files\n"), "{out}");
}

#[test]
fn json() {
    let (out, _) = lint("json", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_json", out);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 4);
}

#[test]
fn sarif() {
    let (out, _) = lint("sarif", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_sarif", out);
    let v: Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dsig::rules::RULES.len());
    for r in rules {
        // no public address configured: the page is inline, no helpUri
        assert!(r.get("helpUri").is_none());
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with("# DSIG")
        );
    }
    let results = run["results"].as_array().unwrap();
    let got: Vec<(String, String, String)> = results
        .iter()
        .map(|r| {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(loc["uriBaseId"], "%SRCROOT%");
            (
                loc["uri"].as_str().unwrap().to_string(),
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().replace("note", "info"),
            )
        })
        .collect();
    assert_eq!(got, findings(&["--warn-unused-ignores"]));
    // the unused-ignore findings carry their fix
    assert!(
        results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            == ""
    );
}

#[test]
fn sarif_help_uri_from_the_environment() {
    let o = Command::new(env!("CARGO_BIN_EXE_dsig"))
        .args(["lint", "--format", "sarif", REPO])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DSIG_DOCS_URL", "https://example.org/dsig/rules/")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], "https://example.org/dsig/rules");
    assert_eq!(
        driver["rules"][1]["helpUri"],
        "https://example.org/dsig/rules/DSIG001.md"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_dsig"))
        .args(["lint", "--format", "sarif", REPO])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DSIG_DOCS_URL", "rules")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("DSIG_DOCS_URL"));
}

/// The runner's unescaping (see the Actions toolkit's command parser).
fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(s: &str) -> String {
    unescape_data(&s.replace("%3A", ":").replace("%2C", ","))
}

#[test]
fn github() {
    let (out, _) = lint("github", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_github", out);
    let (json, _) = lint("json", &["--warn-unused-ignores"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), diags.len());
    for (line, d) in lines.iter().zip(diags) {
        let rest = line.strip_prefix("::").unwrap();
        let (head, message) = rest.split_once("::").unwrap();
        let (cmd, props) = head.split_once(' ').unwrap();
        let want_cmd = match d["severity"].as_str().unwrap() {
            "info" => "notice",
            s => s,
        };
        assert_eq!(cmd, want_cmd);
        let props: Vec<(&str, String)> = props
            .split(',')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k, unescape_property(v))
            })
            .collect();
        assert_eq!(props[0], ("file", d["file"].as_str().unwrap().to_string()));
        assert_eq!(props[1], ("line", d["line"].to_string()));
        assert_eq!(props[2], ("col", d["column"].to_string()));
        assert_eq!(props[3], ("endLine", d["end_line"].to_string()));
        assert_eq!(props[4], ("endColumn", d["end_column"].to_string()));
        let title = format!(
            "{} {}",
            d["code"].as_str().unwrap(),
            d["name"].as_str().unwrap()
        );
        assert_eq!(props[5], ("title", title));
        let mut want = d["message"].as_str().unwrap().to_string();
        if let Some(h) = d["help"].as_str() {
            want.push_str("\nhelp: ");
            want.push_str(h);
        }
        assert_eq!(unescape_data(message), want);
    }
}

#[test]
fn gitlab() {
    let (out, _) = lint("gitlab", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_gitlab", out);
    let v: Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["location"]["path"].as_str().unwrap().to_string(),
                i["check_name"].as_str().unwrap().to_string(),
                i["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = findings(&["--warn-unused-ignores"])
        .into_iter()
        .map(|(p, c, s)| {
            let s = match s.as_str() {
                "error" => "major",
                "warning" => "minor",
                _ => "info",
            };
            (p, c, s.to_string())
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn checkstyle() {
    use quick_xml::events::Event;
    let (out, _) = lint("checkstyle", &["--warn-unused-ignores"]);
    insta::assert_snapshot!("repo_checkstyle", out);
    let mut reader = quick_xml::Reader::from_str(&out);
    let mut file = String::new();
    let mut files = Vec::new();
    let mut got = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |n: &str| {
                    e.attributes()
                        .map(|a| a.unwrap())
                        .find(|a| a.key.as_ref() == n)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    "file" => {
                        file = attr("name");
                        files.push(file.clone());
                    }
                    "error" => got.push((file.clone(), attr("source"), attr("severity"))),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        files,
        [
            "testdata/repo/api/Dockerfile",
            "testdata/repo/web/Dockerfile",
            "testdata/repo/worker/Containerfile"
        ]
    );
    assert_eq!(got, findings(&["--warn-unused-ignores"]));
}
