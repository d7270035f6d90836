//! Property tests for `--fix`: random LF/CRLF mixes, BOMs and shell-form
//! commands; every byte outside the fixed instructions is kept, and a
//! second fix changes nothing.

use dsig::fix::fix_source;
use dsig::lint::LintOptions;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Line {
    text: String,
    eol: &'static str,
    /// The fix may rewrite this line.
    fixable: bool,
}

fn eol() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n")]
}

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_.-]{0,8}"
}

fn body_line() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        word().prop_map(|w| (format!("RUN echo {w}"), false)),
        word().prop_map(|w| (format!("# {w}"), false)),
        Just((String::new(), false)),
        word().prop_map(|w| (format!("ENV A={w}"), false)),
        word().prop_map(|w| (format!("LABEL x=\"{w} y\""), false)),
        word().prop_map(|w| (format!("WORKDIR /{w}"), false)),
    ]
}

fn dockerfile() -> impl Strategy<Value = (bool, Vec<Line>, bool)> {
    let image = prop_oneof![
        Just("node:22"),
        Just("node:22-alpine"),
        Just("debian:bookworm"),
        Just("python:3.12")
    ];
    (
        any::<bool>(),
        image,
        eol(),
        prop::collection::vec((body_line(), eol()), 0..8),
        prop::collection::vec(word(), 1..4),
        eol(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(bom, image, e0, body, cmd, ecmd, entrypoint, final_newline)| {
                let mut lines = vec![Line {
                    text: format!("FROM {image}"),
                    eol: e0,
                    fixable: false,
                }];
                for ((text, fixable), eol) in body {
                    lines.push(Line { text, eol, fixable });
                }
                let kw = if entrypoint { "ENTRYPOINT" } else { "CMD" };
                lines.push(Line {
                    text: format!("{kw} {}", cmd.join(" ")),
                    eol: if final_newline { ecmd } else { "" },
                    fixable: true,
                });
                (bom, lines, final_newline)
            },
        )
        .prop_map(|(bom, lines, f)| (bom, lines, f))
}

fn render(bom: bool, lines: &[Line]) -> String {
    let mut s = String::new();
    if bom {
        s.push('\u{feff}');
    }
    for l in lines {
        s.push_str(&l.text);
        s.push_str(l.eol);
    }
    s
}

/// Split keeping line endings.
fn split(s: &str) -> Vec<&str> {
    s.split_inclusive('\n').collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fix_keeps_other_bytes_and_is_idempotent((bom, lines, _f) in dockerfile(), unsafe_fixes in any::<bool>()) {
        let src = render(bom, &lines);
        let opts = LintOptions::default();
        let fixed = fix_source(&src, &opts, unsafe_fixes).unwrap();
        // idempotent
        let again = fix_source(&fixed.text, &opts, unsafe_fixes).unwrap();
        prop_assert_eq!(&again.text, &fixed.text);
        // BOM kept
        prop_assert_eq!(fixed.text.starts_with('\u{feff}'), bom);
        if unsafe_fixes {
            // unsafe fixes may insert lines (e.g. an init); the original
            // lines that are not fixable must all still be there, in order
            let out = split(&fixed.text);
            let mut it = out.iter();
            for (i, l) in lines.iter().enumerate() {
                if l.fixable { continue; }
                let want = format!("{}{}{}", if i == 0 && bom { "\u{feff}" } else { "" }, l.text, l.eol);
                prop_assert!(it.any(|o| *o == want), "line {:?} lost in {:?}", want, fixed.text);
            }
        } else {
            // safe fixes only rewrite the fixable line, keeping its ending
            let before = split(&src);
            let after = split(&fixed.text);
            prop_assert_eq!(before.len(), after.len());
            for (i, (b, a)) in before.iter().zip(&after).enumerate() {
                if lines[i].fixable {
                    prop_assert_eq!(b.ends_with("\r\n"), a.ends_with("\r\n"));
                    prop_assert_eq!(b.ends_with('\n'), a.ends_with('\n'));
                } else {
                    prop_assert_eq!(b, a);
                }
            }
        }
        // the result parses, with the same number of instructions or more
        let df = dsig::parse::parse(&fixed.text);
        prop_assert!(df.errors.is_empty());
        prop_assert!(df.instructions.len() >= dsig::parse::parse(&src).instructions.len());
    }
}
