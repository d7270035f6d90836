//! The machine formats: a snapshot of each, and each parsed back and
//! compared with the findings it was made from.

use serde_json::Value;

use super::tests::fixture;
use super::*;
use crate::diagnostic::Severity;

fn tool() -> ToolInfo {
    let rule = |code: &str, name: &str, sev| RuleInfo {
        code: code.into(),
        name: name.into(),
        summary: format!("{name} summary"),
        description: format!("{name} finds something."),
        default_severity: sev,
        help_uri: Some(format!("https://dsig.example/rules/{code}.md")),
        help_markdown: format!("# {code} {name}\n\nThe page.\n"),
    };
    ToolInfo {
        name: "dsig".into(),
        version: "0.0.0-test".into(),
        information_uri: Some("https://dsig.example/rules".into()),
        rules: vec![
            rule("DSIG001", "shell-form-cmd", Severity::Error),
            rule("DSIG002", "shell-form-entrypoint", Severity::Warning),
            rule("DSIG008", "invalid-stopsignal", Severity::Warning),
        ],
    }
}

/// Every finding of the fixture with its 1-based range, as the JSON
/// renderer (tested on its own) reports them.
fn expected() -> Vec<Value> {
    let (results, errors) = fixture();
    let v: Value = serde_json::from_str(&render_json(&results, &errors)).unwrap();
    v["diagnostics"].as_array().unwrap().clone()
}

// ---------------------------------------------------------------- snapshots

#[test]
fn sarif_report() {
    let (results, errors) = fixture();
    insta::assert_snapshot!("sarif_report", render_sarif(&results, &errors, &tool()));
}

#[test]
fn github_report() {
    let (results, errors) = fixture();
    insta::assert_snapshot!("github_report", render_github(&results, &errors));
}

#[test]
fn gitlab_report() {
    let (results, _) = fixture();
    insta::assert_snapshot!("gitlab_report", render_gitlab(&results));
}

#[test]
fn checkstyle_report() {
    let (results, errors) = fixture();
    insta::assert_snapshot!("checkstyle_report", render_checkstyle(&results, &errors));
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_round_trip() {
    let (results, errors) = fixture();
    let tool = tool();
    let v: Value = serde_json::from_str(&render_sarif(&results, &errors, &tool)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dsig");
    assert_eq!(driver["informationUri"], "https://dsig.example/rules");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), tool.rules.len());
    for (r, info) in rules.iter().zip(&tool.rules) {
        assert_eq!(r["id"], info.code.as_str());
        assert_eq!(r["name"], info.name.as_str());
        assert_eq!(r["shortDescription"]["text"], info.summary.as_str());
        assert_eq!(r["fullDescription"]["text"], info.description.as_str());
        assert_eq!(r["help"]["markdown"], info.help_markdown.as_str());
        assert_eq!(r["helpUri"], info.help_uri.as_deref().unwrap());
    }
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");

    let got = run["results"].as_array().unwrap();
    let want = expected();
    assert_eq!(got.len(), want.len());
    let mut fingerprints = Vec::new();
    for (r, d) in got.iter().zip(&want) {
        assert_eq!(r["ruleId"], d["code"]);
        // ruleIndex points at the rule; absent for a code the tool does not list
        match tool.rules.iter().position(|x| x.code == d["code"]) {
            Some(i) => assert_eq!(r["ruleIndex"], i),
            None => assert!(r.get("ruleIndex").is_none(), "{r}"),
        }
        let level = match d["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(r["level"], level);
        let text = r["message"]["text"].as_str().unwrap();
        assert!(text.starts_with(d["message"].as_str().unwrap()), "{text}");
        if let Some(h) = d["help"].as_str() {
            assert!(text.ends_with(&format!("\nhelp: {h}")), "{text}");
        }
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], d["file"]);
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let reg = &loc["region"];
        assert_eq!(reg["startLine"], d["line"]);
        assert_eq!(reg["startColumn"], d["column"]);
        assert_eq!(reg["endLine"], d["end_line"]);
        assert_eq!(reg["endColumn"], d["end_column"]);
        let fp = r["partialFingerprints"]["dsigFingerprint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 16);
        fingerprints.push(fp.to_string());
        // fixes: the same edits as the JSON report
        if d["fix"].is_null() {
            assert!(r.get("fixes").is_none());
        } else {
            let change = &r["fixes"][0]["artifactChanges"][0];
            assert_eq!(change["artifactLocation"]["uri"], d["file"]);
            let reps = change["replacements"].as_array().unwrap();
            let edits = d["fix"]["edits"].as_array().unwrap();
            assert_eq!(reps.len(), edits.len());
            for (rep, e) in reps.iter().zip(edits) {
                assert_eq!(rep["deletedRegion"]["startLine"], e["line"]);
                assert_eq!(rep["deletedRegion"]["startColumn"], e["column"]);
                assert_eq!(rep["deletedRegion"]["endLine"], e["end_line"]);
                assert_eq!(rep["deletedRegion"]["endColumn"], e["end_column"]);
                assert_eq!(rep["insertedContent"]["text"], e["replacement"]);
            }
            assert_eq!(
                r["fixes"][0]["properties"]["applicability"],
                d["fix"]["applicability"]
            );
        }
    }
    let mut unique = fingerprints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fingerprints.len(), "fingerprints collide");

    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("testdata/missing/Dockerfile: ")
    );
}

#[test]
fn sarif_uris() {
    use super::sarif::uri_path;
    assert_eq!(uri_path("a b/Dockerfile.dev"), "a%20b/Dockerfile.dev");
    assert_eq!(uri_path("ü/#x?%"), "%C3%BC/%23x%3F%25");
    let text = "FROM a\n";
    let d = |path: &str| {
        let r = FileResult::new(path, text, vec![super::tests::finding(0)]);
        let v: Value = serde_json::from_str(&render_sarif(&[r], &[], &tool())).unwrap();
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
    };
    assert_eq!(d("./x/Dockerfile")["uri"], "x/Dockerfile");
    assert_eq!(
        d("/abs/my app/Dockerfile")["uri"],
        "file:///abs/my%20app/Dockerfile"
    );
    assert!(d("/abs/Dockerfile").get("uriBaseId").is_none());
    assert_eq!(d("C:\\w\\Dockerfile")["uri"], "file:///C%3A/w/Dockerfile");
}

#[test]
fn fingerprints_ignore_line_numbers_but_not_content() {
    let d = |start: usize| super::tests::finding(start);
    let a = "FROM node\nCMD node a.js\n";
    let moved = "FROM node\n\n# moved down\nCMD   node a.js\n";
    let other = "FROM node\nCMD node b.js\n";
    let fp = |text: &str, path: &str| {
        let start = text.find("CMD").unwrap();
        fingerprints(&FileResult::new(path, text, vec![d(start)]))[0]
    };
    assert_eq!(fp(a, "x/Dockerfile"), fp(moved, "x/Dockerfile"));
    assert_ne!(fp(a, "x/Dockerfile"), fp(other, "x/Dockerfile"));
    assert_ne!(fp(a, "x/Dockerfile"), fp(a, "y/Dockerfile"));
    // the same finding twice in a file: distinct, in order
    let twice = "FROM node\nCMD node a.js\nCMD node a.js\n";
    let s1 = twice.find("CMD").unwrap();
    let s2 = twice.rfind("CMD").unwrap();
    let fps = fingerprints(&FileResult::new("x", twice, vec![d(s1), d(s2)]));
    assert_ne!(fps[0], fps[1]);
    assert_eq!(fps[0], fp(a, "x"));
}

// ---------------------------------------------------------------- GitHub

/// The runner's unescaping of a command's message.
fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

/// The runner's unescaping of a property value.
fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Splits `::command k=v,k=v::message` as the runner does.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("second ::");
    let (cmd, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("k=v");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    (cmd.to_string(), props, unescape_data(message))
}

#[test]
fn github_escaping_round_trips() {
    let nasty = [
        "plain",
        "100% sure",
        "%0A is not a newline",
        "a:b,c=d::e",
        "line\nbreak\r\nand CR\r",
        "%25%3A%2C",
        "ü ☕ `CMD [\"a\", \"b\"]`",
    ];
    for s in nasty {
        assert_eq!(unescape_data(&escape_data(s)), s);
        assert_eq!(unescape_property(&escape_property(s)), s);
        let p = escape_property(s);
        assert!(!p.contains([':', ',', '\n', '\r']), "{p}");
        assert!(!escape_data(s).contains(['\n', '\r']));
    }
}

#[test]
fn github_round_trip() {
    let (results, errors) = fixture();
    let out = render_github(&results, &errors);
    let lines: Vec<&str> = out.lines().collect();
    let want = expected();
    assert_eq!(lines.len(), want.len() + errors.len());
    for (line, d) in lines.iter().zip(&want) {
        let (cmd, props, message) = parse_command(line);
        let cmd_for = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(cmd, cmd_for);
        let prop = |k: &str| {
            props
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(prop("file"), d["file"].as_str().unwrap());
        assert_eq!(prop("line"), d["line"].to_string());
        assert_eq!(prop("col"), d["column"].to_string());
        assert_eq!(prop("endLine"), d["end_line"].to_string());
        assert_eq!(prop("endColumn"), d["end_column"].to_string());
        assert_eq!(
            prop("title"),
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )
        );
        let mut m = d["message"].as_str().unwrap().to_string();
        if let Some(h) = d["help"].as_str() {
            m.push_str("\nhelp: ");
            m.push_str(h);
        }
        assert_eq!(message, m);
    }
    let (cmd, props, message) = parse_command(lines.last().unwrap());
    assert_eq!(cmd, "error");
    assert_eq!(
        props[0],
        ("file".into(), "testdata/missing/Dockerfile".into())
    );
    assert!(message.starts_with("testdata/missing/Dockerfile: No such file"));
}

#[test]
fn github_escapes_paths_and_messages() {
    let text = "FROM a\n";
    let mut f = super::tests::finding(0);
    f.message = "50% of a:b,c\nnext".into();
    let r = FileResult::new("x", text, vec![f]).with_repo_path("dir,with:odd%/Dockerfile");
    let out = render_github(&[r], &[]);
    assert_eq!(out.lines().count(), 1);
    assert!(
        out.contains("file=dir%2Cwith%3Aodd%25/Dockerfile,"),
        "{out}"
    );
    assert!(out.contains("::50%25 of a:b,c%0Anext"), "{out}");
    let (_, props, message) = parse_command(out.trim_end());
    assert_eq!(props[0].1, "dir,with:odd%/Dockerfile");
    assert!(message.starts_with("50% of a:b,c\nnext"));
}

// ---------------------------------------------------------------- GitLab

#[test]
fn gitlab_round_trip() {
    let (results, _) = fixture();
    let v: Value = serde_json::from_str(&render_gitlab(&results)).unwrap();
    let issues = v.as_array().unwrap();
    let want = expected();
    assert_eq!(issues.len(), want.len());
    let mut fps = Vec::new();
    for (i, d) in issues.iter().zip(&want) {
        let keys: Vec<&String> = i.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ]
        );
        assert_eq!(i["check_name"], d["code"]);
        let desc = i["description"].as_str().unwrap();
        assert!(desc.contains(d["message"].as_str().unwrap()));
        let sev = match d["severity"].as_str().unwrap() {
            "error" => "major",
            "warning" => "minor",
            _ => "info",
        };
        assert_eq!(i["severity"], sev);
        assert_eq!(i["location"]["path"], d["file"]);
        assert_eq!(i["location"]["lines"]["begin"], d["line"]);
        assert_eq!(i["location"]["lines"]["end"], d["end_line"]);
        fps.push(i["fingerprint"].as_str().unwrap().to_string());
    }
    let n = fps.len();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), n);
}

// ---------------------------------------------------------------- Checkstyle

/// (file name, [(line, column, severity, message, source)]) for every
/// `<file>` of a Checkstyle document.
type Files = Vec<(String, Vec<[String; 5]>)>;

fn parse_checkstyle(xml: &str) -> Files {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut files: Files = Vec::new();
    let mut root = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| -> String {
                    e.attributes()
                        .map(|a| a.expect("attribute"))
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .expect("escaped")
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    "checkstyle" => root = true,
                    "file" => files.push((attr("name"), Vec::new())),
                    "error" => files.last_mut().expect("error inside file").1.push([
                        attr("line"),
                        attr("column"),
                        attr("severity"),
                        attr("message"),
                        attr("source"),
                    ]),
                    other => panic!("unexpected element {other:?}"),
                }
            }
            _ => {}
        }
    }
    assert!(root);
    files
}

#[test]
fn checkstyle_round_trip() {
    let (results, errors) = fixture();
    let clean = FileResult::new("clean/Dockerfile", "FROM a\n", vec![]);
    let mut all = results.clone();
    all.push(clean);
    let files = parse_checkstyle(&render_checkstyle(&all, &errors));
    assert_eq!(
        files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "testdata/app/Dockerfile",
            "testdata/win/Dockerfile",
            "clean/Dockerfile"
        ]
    );
    assert!(files[2].1.is_empty());
    let got: Vec<&[String; 5]> = files.iter().flat_map(|f| &f.1).collect();
    let want = expected();
    assert_eq!(got.len(), want.len());
    for (e, d) in got.iter().zip(&want) {
        assert_eq!(e[0], d["line"].to_string());
        assert_eq!(e[1], d["column"].to_string());
        assert_eq!(e[2], d["severity"].as_str().unwrap());
        let mut m = format!(
            "{}: {}",
            d["name"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        );
        if let Some(h) = d["help"].as_str() {
            m.push_str(&format!(" (help: {h})"));
        }
        assert_eq!(e[3], m);
        assert_eq!(e[4], d["code"].as_str().unwrap());
    }
}

#[test]
fn checkstyle_escapes_everything() {
    let mut f = super::tests::finding(0);
    f.message = "a & b < c > d \"q\" 'a'\ttab\nnl\r\u{1b}[0m\u{7}".into();
    let r = FileResult::new("x", "FROM a\n", vec![f]).with_repo_path("we<ird>&\"/Dockerfile");
    let files = parse_checkstyle(&render_checkstyle(&[r], &[]));
    assert_eq!(files[0].0, "we<ird>&\"/Dockerfile");
    assert_eq!(
        files[0].1[0][3],
        "unused-ignore: a & b < c > d \"q\" 'a'\ttab\nnl\r\u{fffd}[0m\u{fffd} (help: do the other thing)"
    );
}
