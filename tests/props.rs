//! Property tests of the parser: it is total (never panics) on arbitrary text
//! and on generated Dockerfile-shaped text, every span it returns lies inside
//! the input on char boundaries, and instructions come in line order.

use dsig::diagnostic::Span;
use dsig::lint::{LintOptions, lint_source};
use dsig::parse::{Args, Dockerfile, Instruction, parse};
use proptest::prelude::*;

fn check_span(src: &str, s: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        s.start <= s.end && s.end <= src.len(),
        "{} span {:?} outside 0..{}",
        what,
        s,
        src.len()
    );
    prop_assert!(
        src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
        "{} span {:?} not on char boundaries",
        what,
        s
    );
    Ok(())
}

fn check_args(src: &str, a: &Args) -> Result<(), TestCaseError> {
    match a {
        Args::None => {}
        Args::Exec { words, span } => {
            check_span(src, *span, "exec form")?;
            for w in words {
                check_span(src, w.span, "exec word")?;
                prop_assert!(span.start <= w.span.start && w.span.end <= span.end);
            }
        }
        Args::Shell { text, .. } => check_span(src, text.span, "shell text")?,
        Args::Words(ws) => {
            for w in ws {
                check_span(src, w.span, "word")?;
            }
        }
        Args::String(w) => check_span(src, w.span, "string")?,
        Args::KeyValues(kvs) => {
            for kv in kvs {
                check_span(src, kv.key.span, "key")?;
                check_span(src, kv.value.span, "value")?;
            }
        }
        Args::Health { kind, cmd } => {
            check_span(src, kind.span, "healthcheck kind")?;
            check_args(src, cmd)?;
        }
        Args::Onbuild(inner) => check_instruction(src, inner)?,
    }
    Ok(())
}

fn check_instruction(src: &str, i: &Instruction) -> Result<(), TestCaseError> {
    check_span(src, i.span, "instruction")?;
    check_span(src, i.keyword_span, "keyword")?;
    check_span(src, i.args_span, "arguments")?;
    prop_assert_eq!(&src[i.keyword_span.start..i.keyword_span.end], &i.keyword);
    for f in &i.flags {
        check_span(src, f.span, "flag")?;
    }
    for h in &i.heredocs {
        check_span(src, h.marker_span, "heredoc marker")?;
        check_span(src, h.content_span, "heredoc body")?;
    }
    check_args(src, &i.args)
}

/// Everything the parser returns points into `src`, and instructions are in
/// ascending, non-overlapping line order within the file's lines.
fn check_all(src: &str, df: &Dockerfile) -> Result<(), TestCaseError> {
    let lines = src.split('\n').count();
    let mut prev_end = 0;
    for i in &df.instructions {
        check_instruction(src, i)?;
        prop_assert!(
            i.line > prev_end,
            "instruction at line {} after one ending at {}",
            i.line,
            prev_end
        );
        prop_assert!(i.end_line >= i.line && i.end_line <= lines);
        prop_assert!(i.span.start <= i.keyword_span.start);
        prev_end = i.end_line;
    }
    for e in &df.errors {
        check_span(src, e.span, "error")?;
    }
    for c in &df.comments {
        check_span(src, c.span, "comment")?;
        prop_assert!(c.line >= 1 && c.line <= lines);
    }
    for d in &df.directives {
        check_span(src, d.span, "directive")?;
    }
    Ok(())
}

// ---- generated Dockerfile-shaped text ----

fn keyword() -> impl Strategy<Value = String> {
    let kw = prop::sample::select(vec![
        "FROM",
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "SHELL",
        "ENV",
        "ARG",
        "LABEL",
        "COPY",
        "ADD",
        "EXPOSE",
        "USER",
        "WORKDIR",
        "VOLUME",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "ONBUILD",
        "MAINTAINER",
        "FORM",
        "#",
        "",
    ]);
    (kw, any::<bool>()).prop_map(|(k, lower)| {
        if lower {
            k.to_lowercase()
        } else {
            k.to_string()
        }
    })
}

/// A word of arguments: plain, quoted, a flag, JSON-ish, a heredoc marker,
/// a variable, multi-byte text, or a stray escape character.
fn arg_word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9./:_-]{1,8}",
        "\"[^\"\n\r]{0,6}\"",
        "'[^'\n\r]{0,6}'",
        "--[a-z]{1,6}(=[a-z0-9,=\"]{0,8})?",
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\",\"".to_string()),
        "\\[(\"[a-z ]{0,4}\", ?){0,3}\"[a-z]{0,4}\"\\]",
        "\\[(\"[a-z\\\\]{0,4}\",?){0,3}",
        "<<-?[\"']?(EOF|A|B|[A-Z]{1,3})[\"']?",
        "[0-9]?<<(EOF|A|[A-Z]{1,3})",
        "\\$\\{?[A-Z]{1,3}(:-[a-z]{0,3})?\\}?",
        "[a-zA-Z_]{1,4}=[^ \n\r]{0,5}",
        "[é日本🦀ß]{1,3}",
        Just("\\".to_string()),
        Just("`".to_string()),
        Just("&&".to_string()),
        Just("\u{feff}".to_string()),
    ]
}

fn eol() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "\n", "\n", "\n", "\r\n", "\r", " \\\n", " `\n", "\\\r\n",
    ])
}

/// One line: a keyword, words, maybe a continuation, and an end of line;
/// sometimes a heredoc body and terminator follow.
fn line() -> impl Strategy<Value = String> {
    (
        "[ \t]{0,2}",
        keyword(),
        prop::collection::vec(arg_word(), 0..6),
        eol(),
        prop::option::of((
            "[a-z \t]{0,8}",
            prop::sample::select(vec!["EOF", "A", "\tEOF", "B"]),
        )),
    )
        .prop_map(|(indent, kw, words, end, heredoc)| {
            let mut s = format!("{indent}{kw}");
            for w in words {
                s.push(' ');
                s.push_str(&w);
            }
            s.push_str(end);
            if let Some((body, term)) = heredoc {
                s.push_str(&body);
                s.push('\n');
                s.push_str(term);
                s.push('\n');
            }
            s
        })
}

fn dockerfile() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![
            "# escape=`\n",
            "# escape=\\\n",
            "# syntax=docker/dockerfile:1\n",
            "#escape=x\n",
        ])),
        prop::collection::vec(line(), 0..24),
        any::<bool>(),
    )
        .prop_map(|(bom, directive, lines, trailing_newline)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            if let Some(d) = directive {
                s.push_str(d);
            }
            for l in lines {
                s.push_str(&l);
            }
            if !trailing_newline && s.ends_with('\n') {
                s.pop();
            }
            s
        })
}

/// Characters that matter to the parser, and some that should not.
fn dockerfile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '\n', '\r', '\\', '`', '"', '\'', '[', ']', ',', '<', '-', '#', '=', ' ', '\t', '$',
            '{', '}', '\u{feff}', '\u{a0}', '\u{2028}', 'é', '🦀',
        ]),
        prop::char::range('a', 'z'),
        any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_is_total_on_arbitrary_strings(src in any::<String>()) {
        let df = parse(&src);
        check_all(&src, &df)?;
    }

    #[test]
    fn parse_is_total_on_parser_relevant_chars(
        chars in prop::collection::vec(dockerfile_char(), 0..200),
        kw in keyword(),
    ) {
        let src = format!("{kw} {}", chars.into_iter().collect::<String>());
        let df = parse(&src);
        check_all(&src, &df)?;
    }

    #[test]
    fn parse_is_total_on_dockerfile_shaped_text(src in dockerfile()) {
        let df = parse(&src);
        check_all(&src, &df)?;
    }

    #[test]
    fn crlf_and_lf_give_the_same_instructions(src in dockerfile()) {
        // CRLF must read exactly like LF (lone CRs are made spaces first).
        let lf = src.replace("\r\n", "\n").replace('\r', " ");
        let crlf = lf.replace('\n', "\r\n");
        let a = parse(&lf);
        let b = parse(&crlf);
        let kinds = |d: &Dockerfile| -> Vec<_> {
            d.instructions.iter().map(|i| (i.kind, i.line, i.end_line, i.args_text.clone())).collect()
        };
        prop_assert_eq!(kinds(&a), kinds(&b));
        prop_assert_eq!(a.errors.len(), b.errors.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The whole lint (model, shell analysis, rules) never panics on shaped
    /// text, and its findings point into the text.
    #[test]
    fn lint_is_total_on_dockerfile_shaped_text(src in dockerfile()) {
        if let Ok(l) = lint_source(&src, &LintOptions::default()) {
            for d in &l.diagnostics {
                check_span(&src, d.span, d.code.as_str())?;
                if let Some(fix) = d.fix() {
                    for e in &fix.edits {
                        check_span(&src, e.span, "fix edit")?;
                    }
                }
            }
        }
    }
}
