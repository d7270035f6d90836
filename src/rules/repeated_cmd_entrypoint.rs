//! DSIG009: more than one CMD or ENTRYPOINT in a stage; only the last counts.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lines::LineIndex;
use crate::parse::Kind;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig009,
    summary: "a stage has more than one CMD or ENTRYPOINT: only the last one counts",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG009.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // built only when a finding needs whole lines
    let mut lines: Option<LineIndex> = None;
    for stage in cx.stages {
        for kind in [Kind::Cmd, Kind::Entrypoint] {
            let all: Vec<usize> = (stage.from + 1..stage.end)
                .filter(|&i| cx.df.instructions[i].kind == kind)
                .collect();
            let Some((&last, earlier)) = all.split_last() else {
                continue;
            };
            let last_line = cx.df.instructions[last].line;
            for &i in earlier {
                let inst = &cx.df.instructions[i];
                let mut d = RULE.diag(
                    Severity::Warning,
                    inst.span,
                    format!(
                        "this {} has no effect: the {} on line {last_line} replaces it (only the last one in a stage counts)",
                        kind.name(),
                        kind.name()
                    ),
                );
                d.set_label(format!("replaced by line {last_line}"));
                d.set_help(format!(
                    "delete this line, or merge what it should do into the {} on line {last_line}",
                    kind.name()
                ));
                // Deleting whole lines that have no effect changes nothing.
                let lines = lines.get_or_insert_with(|| LineIndex::new(cx.src));
                let start = lines.line_start(inst.line - 1);
                let end = lines.line_start(inst.end_line);
                let only_this = cx.src[start..inst.span.start].trim().is_empty()
                    && cx.src[inst.span.end..end].trim().is_empty();
                if only_this && inst.heredocs.is_empty() {
                    d.set_fix(Fix {
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            span: Span::new(start, end),
                            replacement: String::new(),
                            file: None,
                        }],
                    });
                }
                out.push(d);
            }
        }
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
            .pass(&[
                "FROM a\nCMD [\"x\"]\n",
                "FROM a AS b\nCMD [\"x\"]\nFROM b\nCMD [\"y\"]\n",
                "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"y\"]\n",
            ])
            .fail(&[
                "FROM a\nCMD [\"x\"]\nRUN true\nCMD [\"y\"]\n",
                "FROM a\nENTRYPOINT [\"x\"]\nENTRYPOINT [\"y\"]\nCMD [\"z\"]\nCMD [\"w\"]\n",
            ])
            .run();
    }
}
