use super::*;

fn at(src: &str, s: Span) -> &str {
    &src[s.start..s.end]
}

#[test]
fn spans_point_at_source() {
    let src = "FROM node:20 AS build\nCMD [\"node\", \"server.js\"]\n";
    let df = parse(src);
    assert!(df.errors.is_empty());
    let from = &df.instructions[0];
    assert_eq!(at(src, from.keyword_span), "FROM");
    let w = from.words();
    assert_eq!(w.len(), 3);
    assert_eq!(at(src, w[2].span), "build");
    let cmd = &df.instructions[1];
    let ws = cmd.exec_words().unwrap();
    assert_eq!(at(src, ws[1].span), "\"server.js\"");
    assert_eq!(at(src, cmd.span), "CMD [\"node\", \"server.js\"]");
    assert_eq!((cmd.line, cmd.end_line), (2, 2));
}

#[test]
fn bom_crlf_and_continuations() {
    let src = "\u{feff}FROM alpine\r\nRUN echo a \\\r\n  # comment\r\n\r\n  b\r\nCMD node \\\r\n  server.js";
    let df = parse(src);
    assert!(df.bom);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(at(src, df.instructions[0].keyword_span), "FROM");
    let run = &df.instructions[1];
    assert_eq!(run.args_text, "echo a   b");
    assert_eq!((run.line, run.end_line), (2, 5));
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].line, 3);
    let cmd = &df.instructions[2];
    let Args::Shell { text, json_error } = &cmd.args else {
        panic!()
    };
    assert_eq!(text.value, "node   server.js");
    assert!(json_error.is_none());
    assert_eq!(at(src, text.span), "node \\\r\n  server.js");
}

#[test]
fn continuation_at_eof() {
    let df = parse("FROM a\nRUN x \\");
    assert!(df.errors.is_empty());
    assert_eq!(df.instructions[1].args_text, "x");
}

#[test]
fn escape_directive_backtick() {
    let src = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\";
    let df = parse(src);
    assert_eq!(df.escape, '`');
    assert_eq!(df.directives[0].name, "escape");
    assert_eq!(df.instructions[1].args_text, "dir   c:\\");
}

#[test]
fn directives_only_at_top() {
    let df = parse("FROM a\n# escape=`\nRUN a `\n");
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    let df = parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM a\n");
    assert_eq!(df.directives.len(), 2);
    assert_eq!(df.directives[1].value, "skip=JSONArgsRecommended");
}

#[test]
fn heredocs() {
    let src =
        "FROM a\nRUN <<EOF cat >/x && cat <<-'END'\nline1\nEOF\n\tline2\n\tEND\nCMD [\"a\"]\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 2);
    assert_eq!(run.heredocs[0].content, "line1\n");
    assert!(run.heredocs[1].chomp && run.heredocs[1].quoted);
    assert_eq!(run.heredocs[1].content, "\tline2\n");
    assert_eq!(at(src, run.heredocs[1].marker_span), "<<-'END'");
    assert_eq!((run.line, run.end_line), (2, 6));
    assert_eq!(df.instructions[2].line, 7);
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let df = parse("FROM a\nRUN <<EOF\necho\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("unterminated heredoc"));
}

#[test]
fn malformed_json_falls_back_to_shell() {
    let df = parse("FROM a\nCMD ['node', 'x']\nENTRYPOINT [\"a\",]\nRUN [\"a\", 1]\n");
    let Args::Shell { json_error, .. } = &df.instructions[1].args else {
        panic!()
    };
    assert!(json_error.is_some());
    let Args::Shell { json_error, .. } = &df.instructions[2].args else {
        panic!()
    };
    assert!(json_error.as_deref().unwrap().contains("trailing comma"));
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(
        at(
            "FROM a\nCMD ['node', 'x']\nENTRYPOINT [\"a\",]\nRUN [\"a\", 1]\n",
            df.errors[0].span
        ),
        "RUN [\"a\", 1]"
    );
}

#[test]
fn unknown_instruction_resumes() {
    let src = "FROM a\nFORM b\nCMD [\"x\"]\n";
    let df = parse(src);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(at(src, df.errors[0].span), "FORM");
    assert_eq!(df.instructions.len(), 2);
}

#[test]
fn onbuild_and_flags() {
    let src = "FROM a AS b\nONBUILD COPY --chmod=755 --from=b x /y\nCOPY --mount=type=cache,target=/c . .\n";
    let df = parse(src);
    let Args::Onbuild(inner) = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(inner.kind, Kind::Copy);
    assert_eq!(inner.flag("from").unwrap().value.as_deref(), Some("b"));
    assert_eq!(at(src, inner.flags[0].span), "--chmod=755");
    assert_eq!(at(src, inner.words()[1].span), "/y");
    assert_eq!(
        df.instructions[2].flag("mount").unwrap().value.as_deref(),
        Some("type=cache,target=/c")
    );
}

#[test]
fn case_insensitive_and_healthcheck() {
    let src = "from a\nhealthcheck --interval=5s CMD [\"curl\", \"x\"]\nHEALTHCHECK NONE\n";
    let df = parse(src);
    assert_eq!(df.instructions[0].kind, Kind::From);
    let Args::Health { kind, cmd } = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(kind.value, "CMD");
    assert!(matches!(**cmd, Args::Exec { .. }));
    assert_eq!(df.instructions[1].flags[0].raw, "--interval=5s");
}

#[test]
fn env_forms() {
    let src = "FROM a\nENV a=b\\ c d=\"e f\"\nENV K v w\n";
    let df = parse(src);
    let Args::KeyValues(kv) = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(kv[0].value.value, "b\\ c");
    assert_eq!(at(src, kv[1].value.span), "\"e f\"");
    let Args::KeyValues(kv) = &df.instructions[2].args else {
        panic!()
    };
    assert_eq!(
        (kv[0].key.value.as_str(), kv[0].value.value.as_str()),
        ("K", "v w")
    );
}

#[test]
fn empty_and_comment_only_files_are_errors() {
    assert_eq!(parse("").errors.len(), 1);
    assert_eq!(parse("# just a comment\n\n").errors.len(), 1);
}
