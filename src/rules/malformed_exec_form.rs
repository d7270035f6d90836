//! DSIG003: a JSON-looking argument list that is not valid JSON, which
//! Docker silently runs through a shell.

use super::{Rule, RuleContext, helpers};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::parse::{Args, Instruction, Kind};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig003,
    summary: "CMD/ENTRYPOINT/SHELL/RUN/HEALTHCHECK looks like a JSON array but is not valid JSON, so Docker runs it through a shell",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG003.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for inst in &cx.df.instructions {
        visit(cx, inst, &mut out);
    }
    out
}

fn visit(cx: &RuleContext, inst: &Instruction, out: &mut Vec<Diagnostic>) {
    let args = match &inst.args {
        Args::Onbuild(inner) => return visit(cx, inner, out),
        Args::Health { cmd, .. } => cmd.as_ref(),
        a => a,
    };
    let Args::Shell {
        text,
        json_error: Some(reason),
    } = args
    else {
        return;
    };
    if !inst.kind.has_exec_form() || !looks_like_json(&text.value) {
        return;
    }
    let kw = if inst.kind == Kind::Healthcheck {
        "HEALTHCHECK CMD"
    } else {
        inst.kind.name()
    };
    let consequence = if inst.kind == Kind::Shell {
        "SHELL must be a JSON array, so the build fails".to_string()
    } else {
        "Docker silently runs the whole text as a shell command (`/bin/sh -c` on Linux), brackets and quotes included".to_string()
    };
    let mut d = RULE.diag(
        Severity::Error,
        text.span,
        format!("{kw} looks like exec form but is not valid JSON ({reason}); {consequence}"),
    );
    d.set_label("not a JSON array of strings");
    match repair(&text.value) {
        Some(argv) => {
            let json = helpers::exec_form(&argv);
            let comment = comment_after(&text.value);
            d.set_help(match comment {
                Some(c) => format!(
                    "a comment must be on its own line: write `{c}` on the line above and `{kw} {json}`"
                ),
                None => format!(
                    "write valid JSON (double quotes, backslashes doubled, no trailing comma): `{kw} {json}`"
                ),
            });
            if comment.is_some() {
                out.push(d);
                return;
            }
            if cx.src.get(text.span.start..text.span.end) == Some(text.value.as_str()) {
                d.set_fix(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: text.span,
                        replacement: json,
                        file: None,
                    }],
                });
            }
        }
        None if unquoted_list(text.value.trim()) => {
            let t = text.value.trim();
            let items: Vec<String> = t[1..t.len() - 1]
                .split(',')
                .map(|i| i.trim().to_string())
                .collect();
            if t.contains('$') {
                // exec form passes `$X` on as it is written
                d.set_help(format!(
                    "exec form does not expand variables, so quoting alone would run a program named `{}`: write the program itself, e.g. `{kw} [\"node\", \"server.js\"]`",
                    helpers::shown(&items[0])
                ));
            } else if items
                .iter()
                .all(|i| !i.is_empty() && !i.contains(['"', '\'', '\\', ' ']))
            {
                let json = helpers::exec_form(&items);
                d.set_help(format!("quote each element: `{kw} {json}`"));
                if cx.src.get(text.span.start..text.span.end) == Some(text.value.as_str()) {
                    d.set_fix(Fix {
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            span: text.span,
                            replacement: json,
                            file: None,
                        }],
                    });
                }
            } else {
                d.set_help(format!(
                    "write a JSON array of double-quoted strings, e.g. `{kw} [\"node\", \"server.js\"]`"
                ));
            }
        }
        None => {
            d.set_help(format!(
                "write a JSON array of double-quoted strings, e.g. `{kw} [\"node\", \"server.js\"]`"
            ));
        }
    }
    out.push(d);
}

/// A text starting with `[` is also a shell test (`[ -f x ] && ...`): only
/// flag what reads as an attempt at a JSON array.
pub fn looks_like_json(text: &str) -> bool {
    let t = text.trim();
    if repair(t).is_some() {
        return true;
    }
    let Some(inner) = t.strip_prefix('[') else {
        return false;
    };
    inner.starts_with(['"', '\''])
        || ["\",", "\", ", "',", "', "]
            .iter()
            .any(|p| inner.contains(p))
        || unquoted_list(t)
}

/// `[foo]`, `[${CMD}]`, `[a, b]`: an array whose elements lack quotes. As a
/// shell command it is one word naming no program; a shell test is `[ x ]`
/// (blanks inside the brackets) or `[[ x ]]`, and a list of commands has
/// operators.
fn unquoted_list(t: &str) -> bool {
    let Some(inner) = t.strip_prefix('[').and_then(|i| i.strip_suffix(']')) else {
        return false;
    };
    !inner.is_empty()
        && !inner.starts_with(|c: char| c.is_whitespace() || c == '[')
        && !inner.ends_with(|c: char| c.is_whitespace() || c == ']')
        && !inner.contains(['|', '&', ';', '<', '>', '\n'])
}

/// A `# comment` written after the closing bracket.
fn comment_after(text: &str) -> Option<&str> {
    let close = text.rfind(']')?;
    let rest = text[close + 1..].trim();
    rest.starts_with('#').then_some(rest)
}

/// The array the author meant: elements in single or double quotes,
/// separated by commas, an optional trailing comma, a missing `]`.
pub fn repair(text: &str) -> Option<Vec<String>> {
    let mut t = text.trim();
    if let Some(close) = t.rfind(']')
        && t[close + 1..].trim().starts_with('#')
    {
        t = &t[..=close];
    }
    let inner = t.strip_prefix('[')?;
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(q) = chars.next() else { break };
        if q != '"' && q != '\'' {
            return None;
        }
        let mut s = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next()? {
                    'n' if q == '"' => s.push('\n'),
                    't' if q == '"' => s.push('\t'),
                    e @ ('"' | '\\' | '/') => s.push(e),
                    e if e == q => s.push(e),
                    // not a JSON escape (`C:\App`): the backslash was meant
                    e => {
                        s.push('\\');
                        s.push(e);
                    }
                }
                continue;
            }
            if c == q {
                closed = true;
                break;
            }
            s.push(c);
        }
        if !closed {
            return None;
        }
        out.push(s);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            Some(',') | None => {}
            Some(_) => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tester::Tester;

    #[test]
    fn repairs() {
        assert_eq!(repair("['node', 'a b']").unwrap(), ["node", "a b"]);
        assert_eq!(repair("[\"a\",]").unwrap(), ["a"]);
        assert_eq!(repair("[\"a\", \"b\"").unwrap(), ["a", "b"]);
        assert_eq!(repair("['it\\'s']").unwrap(), ["it's"]);
        assert!(repair("[a, b]").is_none());
        assert_eq!(
            repair(r#"["C:\App.exe", "x"]"#).unwrap(),
            [r"C:\App.exe", "x"]
        );
        assert_eq!(repair(r#"["a"] # note"#).unwrap(), ["a"]);
        assert!(repair("['a' 'b']").is_none());
        assert!(!looks_like_json("[ -f /x ] && echo ok"));
        assert!(!looks_like_json("[ \"$A\" = \"b\" ] && x"));
        assert!(looks_like_json("[\"echo\", \"no quote!]"));
        assert!(looks_like_json("[foo]"));
        assert!(looks_like_json("[${NPM_CLI_PACKAGE}]"));
        assert!(looks_like_json("[node, server.js]"));
        assert!(!looks_like_json("[[ -f x ]] && echo"));
        assert!(!looks_like_json("[ -f x ]"));
        assert!(!looks_like_json("[x] && y"));
    }

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM alpine\nCMD [\"a\"]\nRUN echo [x]\n",
                "FROM alpine\nRUN [ -f /x ] && echo ok\n",
                "FROM alpine\nRUN [ \"$A\" = \"b\" ] && echo ok\n",
            ])
            .fail(&[
                "FROM alpine\nCMD ['node', 'server.js']\n",
                "FROM alpine\nENTRYPOINT [\"node\", \"server.js\",]\n",
                "FROM alpine\nRUN [\"apk\", \"add\", \"tini\"\n",
                "FROM alpine\nSHELL ['/bin/ash', '-c']\n",
                "FROM alpine\nHEALTHCHECK CMD ['curl', '-f', 'http://localhost/']\n",
                "FROM alpine\nONBUILD CMD ['a']\n",
                "FROM alpine\nENTRYPOINT [\"a\"] # clears CMD\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"C:\\ServiceMonitor.exe\", \"w3svc\"]\n",
                "FROM node:22\nENTRYPOINT [${NPM_CLI_PACKAGE}]\n",
                "FROM alpine\nENTRYPOINT [foo]\n",
                "FROM alpine\nCMD [node, server.js]\n",
            ])
            .run();
    }
}
