//! The shell analysis (tree-sitter-bash), the strict parser of entrypoint
//! scripts and the plain argv splitter on arbitrary UTF-8: never panic,
//! spans inside the text. Built with debug assertions, the script model
//! from the strict parser is checked against tree-sitter's.
#![no_main]

use dsig::model::script::analyze_script_with;
use dsig::shell::{ShellFlavor, analyze, c_string_execs_last, plain_argv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let a = analyze(text);
    for c in &a.commands {
        assert!(c.span.start <= c.span.end && c.span.end <= text.len());
        assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        for w in c.words.iter().chain(&c.assignments) {
            assert!(w.span.end <= text.len() && text.is_char_boundary(w.span.start));
            assert_eq!(&text[w.span.start..w.span.end], w.raw);
        }
    }
    let _ = a.main_command();
    for f in [ShellFlavor::Dash, ShellFlavor::Busybox, ShellFlavor::Bash] {
        let _ = c_string_execs_last(f, &a);
    }
    let script = analyze_script_with(text, Some("x"));
    if let Some(m) = script.main {
        assert!(m < script.sites.len());
    }
    if let Some(argv) = plain_argv(text) {
        // A text that needs no shell has no syntax error for the parser either.
        let _ = argv.len();
    }
});
