//! The Dockerfile parser on arbitrary UTF-8: never panics, and every span it
//! returns lies inside the input, on char boundaries.
#![no_main]

use dsig::diagnostic::Span;
use dsig::parse::{Args, Instruction, parse};
use libfuzzer_sys::fuzz_target;

fn check(src: &str, s: Span, what: &str) {
    assert!(
        s.start <= s.end && s.end <= src.len(),
        "{what} span {s:?} outside 0..{}",
        src.len()
    );
    assert!(
        src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
        "{what} span {s:?} not on char boundaries"
    );
}

fn check_args(src: &str, a: &Args) {
    match a {
        Args::None => {}
        Args::Exec { words, span } => {
            check(src, *span, "exec");
            words.iter().for_each(|w| check(src, w.span, "exec word"));
        }
        Args::Shell { text, .. } => check(src, text.span, "shell text"),
        Args::Words(ws) => ws.iter().for_each(|w| check(src, w.span, "word")),
        Args::String(w) => check(src, w.span, "string"),
        Args::KeyValues(kvs) => kvs.iter().for_each(|kv| {
            check(src, kv.key.span, "key");
            check(src, kv.value.span, "value");
        }),
        Args::Health { kind, cmd } => {
            check(src, kind.span, "healthcheck kind");
            check_args(src, cmd);
        }
        Args::Onbuild(inner) => check_inst(src, inner),
    }
}

fn check_inst(src: &str, i: &Instruction) {
    check(src, i.span, "instruction");
    check(src, i.keyword_span, "keyword");
    check(src, i.args_span, "args");
    i.flags.iter().for_each(|f| check(src, f.span, "flag"));
    i.heredocs.iter().for_each(|h| {
        check(src, h.marker_span, "heredoc marker");
        check(src, h.content_span, "heredoc body");
    });
    check_args(src, &i.args);
}

fuzz_target!(|src: &str| {
    let df = parse(src);
    let mut last = 0;
    for i in &df.instructions {
        check_inst(src, i);
        assert!(i.line > last, "instruction lines not ascending");
        assert!(i.end_line >= i.line);
        last = i.end_line;
    }
    df.errors.iter().for_each(|e| check(src, e.span, "error"));
    df.comments
        .iter()
        .for_each(|c| check(src, c.span, "comment"));
    df.directives
        .iter()
        .for_each(|d| check(src, d.span, "directive"));
    let _ = dsig::parse::dump(&df);
});
