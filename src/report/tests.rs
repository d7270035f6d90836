use crate::code::RuleCode;
use std::sync::Arc;

use miette::{SourceCode, SourceSpan};
use serde_json::{Value, json};

use super::*;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lines::LineIndex;

fn url(code: &str) -> String {
    format!("https://dsig.example/rules/{code}")
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in text");
    Span::new(start, start + needle.len())
}

// Two files: one with LF line endings, a two-line instruction and multi-byte
// characters before a finding; one with CRLF line endings and no final
// newline. Each ends with an empty finding at the end of the file.
const APP: &str = "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"/bin/sh\", \"-c\", \\\n            \"node server.js\"]\nCMD echo \"Grüße ☕\" && npm start\n";
const WIN: &str = "FROM alpine:3.20\r\nSTOPSIGNAL SIGKILL\r\nCMD [\"sleep\", \"infinity\"]";

pub(super) fn fixture() -> (Vec<FileResult>, Vec<FileError>) {
    let npm = span_of(APP, "npm start");
    let app = FileResult::new(
        "testdata/app/Dockerfile",
        APP,
        vec![
            {
                let mut d = Diagnostic::new(
                    RuleCode::Dsig002,
                    Severity::Warning,
                    span_of(
                        APP,
                        "ENTRYPOINT [\"/bin/sh\", \"-c\", \\\n            \"node server.js\"]",
                    ),
                    "`/bin/sh -c` runs as PID 1 and does not pass SIGTERM on to node",
                );
                d.set_help("write ENTRYPOINT [\"node\", \"server.js\"]");
                d.set_label("shell wrapper is PID 1");
                d
            },
            {
                let mut d = Diagnostic::new(
                    RuleCode::Dsig001,
                    Severity::Error,
                    npm,
                    "`npm start` runs as a child of /bin/sh and never receives SIGTERM",
                );
                d.set_help("write `exec npm start`");
                d.set_label("not the main process");
                d.set_fix(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: Span::new(npm.start, npm.start),
                        replacement: "exec ".into(),
                        file: None,
                    }],
                });
                d
            },
            {
                let mut d = Diagnostic::new(
                    RuleCode::Dsig014,
                    Severity::Info,
                    Span::new(APP.len(), APP.len()),
                    "the final stage sets no STOPSIGNAL",
                );
                d.set_label("end of the final stage");
                d
            },
        ],
    );
    let sig = span_of(WIN, "SIGKILL");
    let win = FileResult::new(
        "testdata/win/Dockerfile",
        WIN,
        vec![
            {
                let mut d = Diagnostic::new(
                    RuleCode::Dsig008,
                    Severity::Warning,
                    sig,
                    "SIGKILL cannot be handled: the process gets no chance to clean up",
                );
                d.set_help("write STOPSIGNAL SIGTERM");
                d.set_label("uncatchable");
                d.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: sig,
                        replacement: "SIGTERM".into(),
                        file: None,
                    }],
                });
                d
            },
            Diagnostic::new(
                RuleCode::Dsig014,
                Severity::Info,
                Span::new(WIN.len(), WIN.len()),
                "end of file without a newline",
            ),
        ],
    );
    let errors = vec![FileError {
        path: "testdata/missing/Dockerfile".into(),
        message: "No such file or directory (os error 2)".into(),
    }];
    (vec![app, win], errors)
}

fn plain(width: usize) -> TtyOptions {
    TtyOptions {
        color: false,
        width,
        rules_url: url,
        summary: true,
    }
}

fn info_at(span: Span, label: Option<&str>) -> Diagnostic {
    let mut d = Diagnostic::new(RuleCode::Dsig900, Severity::Info, span, "a finding");
    d.set_help("do the other thing");
    if let Some(l) = label {
        d.set_label(l);
    }
    d
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------- snapshots

#[test]
fn tty_report() {
    let (results, errors) = fixture();
    insta::assert_snapshot!("tty_report", render_tty(&results, &errors, &plain(80)));
}

#[test]
fn tty_no_findings() {
    let clean = FileResult::new(
        "Dockerfile",
        "FROM alpine\nCMD [\"sleep\", \"1\"]\n",
        vec![],
    );
    let other = FileResult::new("-", "FROM scratch\n", vec![]);
    insta::assert_snapshot!(
        "tty_no_findings",
        render_tty(&[clean, other], &[], &plain(80))
    );
}

#[test]
fn json_report() {
    let (results, errors) = fixture();
    insta::assert_snapshot!("json_report", render_json(&results, &errors));
}

// ---------------------------------------------------------------- json

#[test]
fn json_round_trip_checks_every_field() {
    let (results, errors) = fixture();
    let text = render_json(&results, &errors);
    assert!(text.ends_with("}\n"));
    let v: Value = serde_json::from_str(&text).expect("valid JSON");

    assert_eq!(v.as_object().unwrap().len(), 3);
    assert_eq!(v["version"], json!(1));

    let app = "testdata/app/Dockerfile";
    let win = "testdata/win/Dockerfile";
    let expected = json!([
        {
            "file": app, "code": "DSIG002", "name": "shell-form-entrypoint", "severity": "warning",
            "message": "`/bin/sh -c` runs as PID 1 and does not pass SIGTERM on to node",
            "help": "write ENTRYPOINT [\"node\", \"server.js\"]",
            // spans two lines: ends just after `]` (29 characters into line 5)
            "line": 4, "column": 1, "end_line": 5, "end_column": 30,
            "fix": null
        },
        {
            "file": app, "code": "DSIG001", "name": "shell-form-cmd", "severity": "error",
            "message": "`npm start` runs as a child of /bin/sh and never receives SIGTERM",
            "help": "write `exec npm start`",
            // 22 characters (26 bytes: ü, ß and ☕ are multi-byte) precede `npm start`
            "line": 6, "column": 23, "end_line": 6, "end_column": 32,
            "fix": {
                "applicability": "safe",
                "edits": [{
                    "line": 6, "column": 23, "end_line": 6, "end_column": 23,
                    "replacement": "exec "
                }]
            }
        },
        {
            "file": app, "code": "DSIG014", "name": "stopsignal-mismatch", "severity": "info",
            "message": "the final stage sets no STOPSIGNAL",
            "help": null,
            // end of a file that ends with a newline: the empty line after it
            "line": 7, "column": 1, "end_line": 7, "end_column": 1,
            "fix": null
        },
        {
            "file": win, "code": "DSIG008", "name": "invalid-stopsignal", "severity": "warning",
            "message": "SIGKILL cannot be handled: the process gets no chance to clean up",
            "help": "write STOPSIGNAL SIGTERM",
            // CRLF line endings: the `\r` of line 1 does not shift line 2
            "line": 2, "column": 12, "end_line": 2, "end_column": 19,
            "fix": {
                "applicability": "unsafe",
                "edits": [{
                    "line": 2, "column": 12, "end_line": 2, "end_column": 19,
                    "replacement": "SIGTERM"
                }]
            }
        },
        {
            "file": win, "code": "DSIG014", "name": "stopsignal-mismatch", "severity": "info",
            "message": "end of file without a newline",
            "help": null,
            "line": 3, "column": 26, "end_line": 3, "end_column": 26,
            "fix": null
        }
    ]);
    assert_eq!(v["diagnostics"], expected);
    assert_eq!(
        v["errors"],
        json!([{ "file": "testdata/missing/Dockerfile", "message": "No such file or directory (os error 2)" }])
    );

    // Field order as documented (serde_json's `Value` sorts keys, so look at
    // the text).
    assert_in_order(&text, &["\"version\"", "\"diagnostics\"", "\"errors\""]);
    let second = &text[text.find("\"DSIG001\"").unwrap() - 50..text.find("\"DSIG014\"").unwrap()];
    assert_in_order(
        second,
        &[
            "\"file\"",
            "\"code\"",
            "\"name\"",
            "\"severity\"",
            "\"message\"",
            "\"help\"",
            "\"line\"",
            "\"column\"",
            "\"end_line\"",
            "\"end_column\"",
            "\"fix\"",
            "\"applicability\"",
            "\"edits\"",
        ],
    );
    let edit = &second[second.find("\"edits\"").unwrap()..];
    assert_in_order(
        edit,
        &[
            "\"line\"",
            "\"column\"",
            "\"end_line\"",
            "\"end_column\"",
            "\"replacement\"",
        ],
    );
}

/// Each key occurs (as a key) in `text`, in this order.
fn assert_in_order(text: &str, keys: &[&str]) {
    let mut from = 0;
    for key in keys {
        let key = format!("{key}:");
        let at = text[from..]
            .find(&key)
            .unwrap_or_else(|| panic!("{key} missing or out of order in {text}"));
        from += at + key.len();
    }
}

#[test]
fn json_cmd_at_line_start() {
    let text = "FROM alpine\nRUN true\nCMD sleep 1\n";
    let r = FileResult::new(
        "Dockerfile",
        text,
        vec![info_at(span_of(text, "CMD"), None)],
    );
    let v: Value = serde_json::from_str(&render_json(&[r], &[])).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(
        (&d["line"], &d["column"], &d["end_line"], &d["end_column"]),
        (&json!(3), &json!(1), &json!(3), &json!(4))
    );
}

#[test]
fn json_empty() {
    assert_eq!(
        render_json(&[], &[]),
        "{\n  \"version\": 1,\n  \"diagnostics\": [],\n  \"errors\": []\n}\n"
    );
}

// ---------------------------------------------------------------- tty

#[test]
fn color_only_adds_escapes() {
    let (results, errors) = fixture();
    let plain_out = render_tty(&results, &errors, &plain(80));
    let colored = render_tty(
        &results,
        &errors,
        &TtyOptions {
            color: true,
            ..plain(80)
        },
    );
    assert!(!plain_out.contains('\u{1b}'));
    assert!(colored.contains("\u{1b}["));
    assert_eq!(strip_ansi(&colored), plain_out);
}

#[test]
fn links_are_plain_text() {
    let (results, errors) = fixture();
    let out = render_tty(&results, &errors, &plain(80));
    assert!(!out.contains("\u{1b}]8;"));
    assert!(out.contains("error[DSIG001] shell-form-cmd (https://dsig.example/rules/DSIG001)"));
}

#[test]
fn width_is_honoured() {
    let text = "FROM alpine\nCMD x\n";
    let mut d = info_at(span_of(text, "CMD"), Some("here"));
    d.message = "word ".repeat(40).into();
    let r = FileResult::new("Dockerfile", text, vec![d]);
    let out = render_tty(&[r], &[], &plain(50));
    let message_lines: Vec<&str> = out.lines().filter(|l| l.contains("word")).collect();
    assert!(message_lines.len() > 1, "{out}");
    assert!(
        message_lines.iter().all(|l| l.chars().count() <= 50),
        "{out}"
    );
}

#[test]
fn summary_lines() {
    let text = "FROM alpine\n";
    let one = |sev: Severity| {
        let mut d = info_at(Span::new(0, 4), None);
        d.severity = sev;
        d
    };
    let r = FileResult::new(
        "a",
        text,
        vec![
            one(Severity::Error),
            one(Severity::Error),
            one(Severity::Warning),
        ],
    );
    let clean = FileResult::new("b", text, vec![]);
    let err = FileError {
        path: "c".into(),
        message: "is a directory".into(),
    };
    let last = |out: String| out.lines().last().unwrap().to_string();
    assert_eq!(
        last(render_tty(&[r.clone(), clean.clone()], &[], &plain(80))),
        "2 errors, 1 warning in 2 files"
    );
    assert_eq!(
        last(render_tty(std::slice::from_ref(&clean), &[], &plain(80))),
        "no findings in 1 file"
    );
    let out = render_tty(&[clean], std::slice::from_ref(&err), &plain(80));
    // the error itself is said once, on standard error, not in the report
    assert!(!out.contains("is a directory"), "{out}");
    assert_eq!(last(out), "no findings in 2 files (1 could not be linted)");
    let quiet = TtyOptions {
        summary: false,
        ..plain(80)
    };
    assert_eq!(render_tty(&[], &[], &quiet), "");
    let mut infos = r;
    infos.diagnostics = vec![
        one(Severity::Info),
        one(Severity::Warning),
        one(Severity::Info),
    ];
    assert_eq!(
        last(render_tty(&[infos], &[], &plain(80))),
        "1 warning, 2 info in 1 file"
    );
}

#[test]
fn awkward_spans_render_without_panicking() {
    let texts = [
        "",
        "\n",
        "\r\n",
        "FROM a",
        "FROM a\n",
        "FROM a\r\nCMD ☕\r\n",
        "FROM a\r\nCMD ☕",
        "é",
        "\n\n\n",
    ];
    for text in texts {
        let len = text.len();
        let mut spans = vec![Span::new(0, 0), Span::new(0, len), Span::new(len, len)];
        // out of range or inside a character: clamped, never a panic
        spans.extend([
            Span::new(len + 3, len + 9),
            Span::new(0, len + 1),
            Span::new(1, 1),
        ]);
        for (i, _) in text.char_indices() {
            spans.push(Span::new(i, i));
            spans.push(Span::new(i, len));
        }
        for span in spans {
            let r = FileResult::new("Dockerfile", text, vec![info_at(span, Some("here"))]);
            let out = render_tty(std::slice::from_ref(&r), &[], &plain(80));
            assert!(out.contains("DSIG900"), "{text:?} {span:?}\n{out}");
            assert!(!out.contains("Failed to read"), "{text:?} {span:?}\n{out}");
            assert!(
                out.contains("here"),
                "label lost for {text:?} {span:?}\n{out}"
            );
            let _ = render_json(&[r], &[]);
        }
    }
}

#[test]
fn eof_marker_is_drawn() {
    let text = "FROM a\r\nCMD b";
    let r = FileResult::new(
        "x",
        text,
        vec![info_at(Span::new(text.len(), text.len()), Some("eof"))],
    );
    let out = render_tty(&[r], &[], &plain(80));
    assert!(out.contains("[x:2:6]"), "{out}");
    assert!(out.contains("▲"), "{out}");
    assert!(out.contains("eof"), "{out}");
}

#[test]
fn header_column_counts_characters() {
    // miette's own column counts bytes (`é` and `☕` are 2 and 3 bytes).
    let text = "RUN echo é☕ && x\n";
    let r = FileResult::new("x", text, vec![info_at(span_of(text, "x"), None)]);
    let out = render_tty(&[r], &[], &plain(80));
    assert!(out.contains("[x:1:16]"), "{out}");
}

// ---------------------------------------------------------------- SourceCode oracle

/// Small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Our reads must equal miette's scan of the same `str`.
fn assert_same_as_miette(
    text: &str,
    src: &IndexedSource,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) {
    let span = SourceSpan::new(start.into(), end - start);
    let ours = src.read_span(&span, before, after).expect("in bounds");
    let theirs = <str as SourceCode>::read_span(text, &span, before, after).expect("in bounds");
    let got = (
        ours.data(),
        *ours.span(),
        ours.line(),
        ours.column(),
        ours.line_count(),
    );
    let want = (
        theirs.data(),
        *theirs.span(),
        theirs.line(),
        theirs.column(),
        theirs.line_count(),
    );
    assert_eq!(
        got, want,
        "text {text:?}, span {start}..{end}, context {before}/{after}"
    );
    assert_eq!(ours.name(), Some("t"));
}

fn indexed(text: &str) -> IndexedSource {
    IndexedSource::new("t", Arc::from(text), Arc::new(LineIndex::new(text)))
}

const ORACLE_TEXTS: &[&str] = &[
    "",
    "\n",
    "\r\n",
    "x",
    "\n\n",
    "FROM a\nRUN b\n\nCMD c",
    "FROM a\nRUN b\n\nCMD c\n",
    "FROM alpine\r\nRUN echo hi \\\r\n  && echo ☕\r\n\r\nCMD [\"x\"]\r\n",
    "a\r\nb\r\nc",
    "x\n\n\n",
    "Grüße\r\nü\n\n☕☕\r\nend",
    "\r\n\r\nCMD ☕",
];

#[test]
fn source_code_matches_miette_exhaustively_on_small_texts() {
    let mut checked = 0;
    for text in ORACLE_TEXTS {
        let src = indexed(text);
        for start in 0..=text.len() {
            for end in start..=text.len() {
                for before in 0..3 {
                    for after in 0..3 {
                        assert_same_as_miette(text, &src, start, end, before, after);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn source_code_matches_miette_on_random_spans() {
    const PIECES: &[&str] = &[
        "FROM alpine",
        "RUN echo ☕",
        "CMD [\"a\"]",
        "\n",
        "\n",
        "\r\n",
        "\r\n",
        "\n\n",
        " ",
        "\\",
        "Grüße",
        "x",
        "é",
        "\t",
        "",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..200 {
        let mut text = String::new();
        for _ in 0..rng.below(80) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let src = indexed(&text);
        let len = text.len();
        for _ in 0..200 {
            let a = rng.below(len + 1);
            let b = rng.below(len + 1);
            let (start, end) = (a.min(b), a.max(b));
            // many spans are short or empty, as findings are
            let end = if rng.below(3) == 0 {
                start + (end - start).min(rng.below(4))
            } else {
                end
            };
            assert_same_as_miette(&text, &src, start, end, rng.below(5), rng.below(5));
        }
    }
}

#[test]
fn source_code_rejects_out_of_range() {
    let src = indexed("FROM a\n");
    assert!(src.read_span(&SourceSpan::new(5.into(), 10), 1, 1).is_err());
    assert!(src.read_span(&SourceSpan::new(8.into(), 0), 0, 0).is_err());
    assert!(src.read_span(&SourceSpan::new(7.into(), 0), 1, 1).is_ok());
}

#[test]
fn lone_carriage_return_is_not_a_line_break() {
    // As in the line index (and the JSON positions), unlike miette's scan.
    let text = "FROM a\rRUN b\nCMD c\n";
    let src = indexed(text);
    let c = src
        .read_span(&SourceSpan::new(span_of(text, "CMD").start.into(), 3), 0, 0)
        .unwrap();
    assert_eq!(c.line(), 1);
    assert_eq!(c.column(), 0);
}

// ---------------------------------------------------------------- size

#[test]
fn renders_five_thousand_findings_on_five_thousand_lines() {
    let mut text = String::new();
    let mut diagnostics = Vec::new();
    for i in 0..5_000 {
        let start = text.len() + "RUN ".len();
        text.push_str(&format!("RUN echo line {i} ☕ && sleep 1\n"));
        diagnostics.push(info_at(
            Span::new(start, start + "echo".len()),
            Some("here"),
        ));
    }
    let r = FileResult::new("big/Dockerfile", text, diagnostics);
    let started = std::time::Instant::now();
    let out = render_tty(std::slice::from_ref(&r), &[], &plain(100));
    let elapsed = started.elapsed();
    let json = render_json(std::slice::from_ref(&r), &[]);
    eprintln!(
        "rendered 5000 findings on 5000 lines: tty {elapsed:?} ({} bytes), json {} bytes",
        out.len(),
        json.len()
    );
    assert!(out.contains("[big/Dockerfile:5000:5]"));
    assert!(out.ends_with("5000 info in 1 file\n"));
    assert_eq!(out.matches("info[DSIG900]").count(), 5_000);
}

/// A plain finding starting at `start` (for the format tests).
pub(super) fn finding(start: usize) -> Diagnostic {
    info_at(Span::new(start, start + 1), None)
}
