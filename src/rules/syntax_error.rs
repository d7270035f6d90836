//! DSIG000: the parser could not read a line.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::parse::Kind;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig000,
    summary: "a line Docker cannot read",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG000.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    // one finding made, then cloned: the label is shared, not copied
    let mut first = RULE.diag(Severity::Error, Span::default(), "");
    first.set_label("Docker rejects this");
    let mut out: Vec<Diagnostic> = Vec::with_capacity(cx.df.errors.len() + 1);
    out.extend(cx.df.errors.iter().map(|e| {
        let mut d = first.clone();
        d.span = e.span;
        d.message = e.message.clone();
        d
    }));
    for inst in &cx.df.instructions {
        if inst.kind == Kind::Shell
            && let crate::parse::Args::Shell { text, .. } = &inst.args
            && !super::malformed_exec_form::looks_like_json(&text.value)
        {
            out.push(RULE.diag(
                Severity::Error,
                text.span,
                "SHELL requires a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"]: Docker rejects this line",
            ));
        }
    }
    if !cx.df.instructions.is_empty() && !cx.df.instructions.iter().any(|i| i.kind == Kind::From) {
        let first = &cx.df.instructions[0];
        let mut d = RULE.diag(
            Severity::Error,
            first.keyword_span,
            "the Dockerfile has no FROM instruction",
        );
        d.set_help("start the file with a base image, e.g. `FROM node:22-alpine`");
        out.push(d);
    } else if let Some(first) = cx
        .df
        .instructions
        .iter()
        .take_while(|i| i.kind != Kind::From)
        .find(|i| i.kind != Kind::Arg)
    {
        out.push(RULE.diag(
            Severity::Error,
            first.keyword_span,
            format!(
                "{} before the first FROM: only ARG may come before FROM",
                first.kind.name()
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&["FROM alpine\nCMD [\"a\"]\n", "ARG V=1\nFROM alpine:$V\n"])
            .fail(&[
                "FROM alpine\nFORM x\n",
                "FROM alpine\nENV PATH\n",
                "FROM alpine\nRUN <<EOF\nx\n",
                "",
                "# only a comment\n",
                "RUN x\nFROM alpine\n",
                "CMD [\"a\", [\"b\"]]\n",
                "FROM alpine\nSHELL /bin/bash -c\n",
            ])
            .run();
    }
}
