//! What is reported: inline ignore comments, the configuration's `ignore`
//! and `severity`, and DSIG900 for ignores that suppressed nothing. Applied
//! to the findings of all rules, after they ran.
//!
//! Inline ignores:
//!
//! - `# dsig ignore=DSIG001,DSIG005 reason="..."` on the lines directly above
//!   an instruction (only comment and blank lines between) suppresses those
//!   codes for findings that start in that instruction;
//! - `# dsig global ignore=...` anywhere suppresses them in the whole file;
//! - `# hadolint ignore=DL3025` (and `# hadolint global ignore=DL3025`):
//!   hadolint's "use JSON notation for CMD and ENTRYPOINT" is DSIG001 and
//!   DSIG002; other hadolint codes are hadolint's business;
//! - BuildKit's parser directive `# check=skip=JSONArgsRecommended` (or
//!   `skip=all`) suppresses DSIG001 and DSIG002 in the file.
//!
//! Only dsig's own comments are reported as unused (`--warn-unused-ignores`):
//! a hadolint or BuildKit ignore may still be needed by those tools.

use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lines::LineIndex;
use crate::parse::Dockerfile;
use crate::rules;

/// DSIG900's findings are made here, after the other rules ran.
use crate::rules::unused_ignore::RULE as UNUSED_IGNORE;

/// Codes that hadolint's DL3025 and BuildKit's JSONArgsRecommended cover.
const JSON_ARGS: &[RuleCode] = &[RuleCode::Dsig001, RuleCode::Dsig002];

/// Which findings are reported, and how severe they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Codes never reported.
    pub ignore: Vec<RuleCode>,
    /// Severity per code; `None` is `off` (never reported).
    pub severity: Vec<(RuleCode, Option<Severity>)>,
    /// Report inline ignores that suppressed nothing (DSIG900).
    pub warn_unused_ignores: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Dsig,
    Hadolint,
    BuildKit,
}

/// One code as written in an ignore comment.
#[derive(Debug, Clone)]
struct Entry {
    written: String,
    /// The dsig codes it stands for (empty: unknown, or another tool's code).
    codes: Vec<RuleCode>,
    used: bool,
}

/// One ignore comment.
#[derive(Debug, Clone)]
struct Pragma {
    tool: Tool,
    /// `None`: the whole file.
    target: Option<Target>,
    /// The comment, from `#` to the end of the line.
    span: Span,
    line: usize,
    /// The comma-separated list.
    list: Span,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// First and last line of the instruction below the comment.
    Lines(usize, usize),
    /// Nothing follows the comment (end of file, or inside an instruction).
    Nothing,
}

/// Apply inline ignores, then the configured ignores and severities; add
/// DSIG900 findings when asked. The result is sorted by span, then code.
pub fn apply(
    src: &str,
    df: &Dockerfile,
    diagnostics: Vec<Diagnostic>,
    filter: &Filter,
) -> Vec<Diagnostic> {
    let lines = LineIndex::new(src);
    let mut pragmas = pragmas(src, df, &lines);
    let mut out = suppress(&lines, &mut pragmas, diagnostics);
    if filter.warn_unused_ignores {
        let mut unused = unused(src, df, &lines, &pragmas);
        unused.extend(malformed(src, df));
        out.extend(suppress(&lines, &mut pragmas, unused));
    }
    out.retain(|d| !filter.ignore.contains(&d.code));
    out.retain_mut(
        |d| match filter.severity.iter().find(|(c, _)| *c == d.code) {
            Some((_, Some(s))) => {
                d.severity = *s;
                true
            }
            Some((_, None)) => false,
            None => true,
        },
    );
    crate::rules::sort(&mut out);
    out
}

/// Drop the findings some pragma covers, marking what was used (in place:
/// a file with many findings is not copied).
fn suppress(
    lines: &LineIndex,
    pragmas: &mut [Pragma],
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if pragmas.is_empty() {
        return diagnostics;
    }
    // whole-file pragmas, and the others by the first line they cover, with
    // the furthest line covered so far: a finding looks at the few pragmas
    // whose lines can hold it, not at every pragma
    let global: Vec<usize> = (0..pragmas.len())
        .filter(|&i| pragmas[i].target.is_none())
        .collect();
    let mut ranged: Vec<(usize, usize, usize)> = pragmas
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.target {
            Some(Target::Lines(a, b)) => Some((a, b, i)),
            _ => None,
        })
        .collect();
    ranged.sort_unstable();
    let mut reach = Vec::with_capacity(ranged.len());
    let mut far = 0;
    for r in &ranged {
        far = far.max(r.1);
        reach.push(far);
    }
    diagnostics.retain(|d| {
        let line = lines.line_of(d.span.start) + 1;
        let mut hidden = false;
        let mut hide = |p: &mut Pragma| {
            for e in p.entries.iter_mut().filter(|e| e.codes.contains(&d.code)) {
                e.used = true;
                hidden = true;
            }
        };
        for &i in &global {
            hide(&mut pragmas[i]);
        }
        let mut k = ranged.partition_point(|r| r.0 <= line);
        while k > 0 && reach[k - 1] >= line {
            k -= 1;
            let (a, b, i) = ranged[k];
            if a <= line && line <= b {
                hide(&mut pragmas[i]);
            }
        }
        !hidden
    });
    diagnostics
}

/// The text of 1-based `line`, without its line break.
fn line_text<'a>(src: &'a str, lines: &LineIndex, line: usize) -> &'a str {
    let start = lines.line_start(line - 1);
    let end = lines.line_start(line).min(src.len());
    src[start..end].trim_end_matches(['\n', '\r'])
}

fn is_blank_or_comment(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.is_empty() || t.starts_with('#')
}

/// Where the instructions and the lines of code are, to answer for each
/// comment in logarithmic time (a file of many ignore comments stays linear).
struct Layout {
    /// First line, last line and keyword of each instruction, by first line.
    instructions: Vec<(usize, usize, &'static str)>,
    /// For each 1-based line, the first line at or after it that is neither
    /// blank nor a comment (`count + 1` if none).
    next_code: Vec<usize>,
}

impl Layout {
    fn new(src: &str, df: &Dockerfile, lines: &LineIndex) -> Layout {
        let mut instructions: Vec<(usize, usize, &'static str)> = df
            .instructions
            .iter()
            .map(|i| (i.line, i.end_line, i.kind.name()))
            .collect();
        instructions.sort_by_key(|i| i.0);
        let count = lines.line_count();
        let mut next_code = vec![count + 1; count + 2];
        for l in (1..=count).rev() {
            next_code[l] = if is_blank_or_comment(line_text(src, lines, l)) {
                next_code[l + 1]
            } else {
                l
            };
        }
        Layout {
            instructions,
            next_code,
        }
    }

    /// Whether `line` is inside an instruction, after its first line
    /// (instructions do not overlap: only the last one starting above can).
    fn inside(&self, line: usize) -> bool {
        let before = self.instructions.partition_point(|i| i.0 < line);
        before > 0 && line <= self.instructions[before - 1].1
    }

    /// The instruction starting on `line`: its last line and keyword.
    fn starting(&self, line: usize) -> Option<(usize, &'static str)> {
        let at = self.instructions.partition_point(|i| i.0 < line);
        self.instructions
            .get(at)
            .filter(|i| i.0 == line)
            .map(|i| (i.1, i.2))
    }
}

/// What a comment on `line` applies to: the instruction (or line) after the
/// comment and blank lines that follow it.
fn target(layout: &Layout, line: usize) -> Target {
    if layout.inside(line) {
        return Target::Nothing;
    }
    let next = layout
        .next_code
        .get(line + 1)
        .copied()
        .unwrap_or(usize::MAX);
    if next >= layout.next_code.len() - 1 {
        return Target::Nothing;
    }
    match layout.starting(next) {
        Some((end, _)) => Target::Lines(next, end),
        None => Target::Lines(next, next),
    }
}

/// Every ignore comment and `check` directive of the file.
fn pragmas(src: &str, df: &Dockerfile, lines: &LineIndex) -> Vec<Pragma> {
    let mut out = Vec::new();
    let mut layout: Option<Layout> = None;
    for c in &df.comments {
        let raw = &src[c.span.start.min(src.len())..c.span.end.min(src.len())];
        let Some(parsed) = parse_comment(raw) else {
            continue;
        };
        let list = Span::new(
            c.span.start + parsed.list.start,
            c.span.start + parsed.list.end,
        );
        let entries = parsed
            .codes
            .iter()
            .map(|w| Entry {
                written: w.to_string(),
                codes: resolve(parsed.tool, w),
                used: false,
            })
            .collect();
        out.push(Pragma {
            tool: parsed.tool,
            target: (!parsed.global).then(|| {
                target(
                    layout.get_or_insert_with(|| Layout::new(src, df, lines)),
                    c.line,
                )
            }),
            span: c.span,
            line: c.line,
            list,
            entries,
        });
    }
    for d in df.directives.iter().filter(|d| d.name == "check") {
        for part in d.value.split(';') {
            let Some(skip) = part.trim().strip_prefix("skip=") else {
                continue;
            };
            let entries = skip
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Entry {
                    written: s.to_string(),
                    codes: resolve(Tool::BuildKit, s),
                    used: false,
                })
                .collect();
            out.push(Pragma {
                tool: Tool::BuildKit,
                target: None,
                span: d.span,
                line: lines.line_of(d.span.start) + 1,
                list: d.span,
                entries,
            });
        }
    }
    out
}

fn resolve(tool: Tool, written: &str) -> Vec<RuleCode> {
    match tool {
        Tool::Dsig => rules::find(written)
            .map(|r| vec![r.code])
            .unwrap_or_default(),
        Tool::Hadolint if written.eq_ignore_ascii_case("DL3025") => JSON_ARGS.to_vec(),
        Tool::BuildKit
            if written.eq_ignore_ascii_case("JSONArgsRecommended")
                || written.eq_ignore_ascii_case("all") =>
        {
            JSON_ARGS.to_vec()
        }
        _ => Vec::new(),
    }
}

/// An ignore comment, read.
#[derive(Debug, PartialEq, Eq)]
struct Parsed<'a> {
    tool: Tool,
    global: bool,
    codes: Vec<&'a str>,
    /// Byte range of the code list in the comment text.
    list: std::ops::Range<usize>,
    reason: Option<&'a str>,
}

/// Reads `# dsig [global] ignore=A,B [reason="..."]` (or `hadolint`).
/// `raw` is the comment from its `#`. Anything else is not an ignore.
fn parse_comment(raw: &str) -> Option<Parsed<'_>> {
    let after_hash = raw.strip_prefix('#')?;
    let body = after_hash.trim_start();
    let (tool, rest) = if let Some(r) = body.strip_prefix("dsig") {
        (Tool::Dsig, r)
    } else if let Some(r) = body.strip_prefix("hadolint") {
        (Tool::Hadolint, r)
    } else {
        return None;
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) if r.starts_with([' ', '\t']) => (true, r.trim_start()),
        _ => (false, rest),
    };
    let rest = rest.strip_prefix("ignore=")?;
    let list_start = raw.len() - rest.len();
    // The list ends at whitespace, except after a comma (`A, B`).
    let mut end = 0;
    let bytes = rest.as_bytes();
    while end < bytes.len() {
        let b = bytes[end];
        if b == b' ' || b == b'\t' {
            let before = rest[..end].trim_end();
            if before.ends_with(',') {
                end += 1;
                continue;
            }
            break;
        }
        end += 1;
    }
    let list_text = &rest[..end];
    let codes: Vec<&str> = list_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if codes.is_empty() {
        return None;
    }
    let tail = rest[end..].trim();
    let reason = tail.strip_prefix("reason=").map(|r| {
        let r = r.trim();
        r.strip_prefix('"')
            .and_then(|r| r.split('"').next())
            .unwrap_or(r)
    });
    Some(Parsed {
        tool,
        global,
        codes,
        list: list_start..list_start + list_text.trim_end().len(),
        reason,
    })
}

/// DSIG900 for each comment that looks meant as a dsig ignore (`# dsig
/// ignore ...`, `# dsig global ...`) but is not one dsig reads, such as
/// `# dsig ignore DSIG001` without `=`: it suppresses nothing.
fn malformed(src: &str, df: &Dockerfile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &df.comments {
        let raw = src[c.span.start.min(src.len())..c.span.end.min(src.len())].trim_end();
        let Some(rest) = raw
            .strip_prefix('#')
            .map(str::trim_start)
            .and_then(|b| b.strip_prefix("dsig"))
            .filter(|r| r.starts_with([' ', '\t']))
        else {
            continue;
        };
        let word = rest.split_whitespace().next().unwrap_or("");
        let meant = word.starts_with("ignore") || word == "global";
        if !meant || parse_comment(raw).is_some() {
            continue;
        }
        let mut d = UNUSED_IGNORE.diag(
            UNUSED_IGNORE.default_severity,
            Span::new(c.span.start, c.span.start + raw.len()),
            format!("`{raw}` suppresses nothing: dsig reads `# dsig ignore=CODE[,CODE]` or `# dsig global ignore=CODE`"),
        );
        d.set_label("not an ignore comment dsig reads");
        if let Some(fixed) = corrected(raw) {
            d.set_help(format!("write `{fixed}`"));
        }
        out.push(d);
    }
    out
}

/// The ignore comment `raw` was probably meant to be: `ignore DSIG001`,
/// `ignore: DSIG001` and `ignore = DSIG001` become `ignore=DSIG001`.
fn corrected(raw: &str) -> Option<String> {
    let at = raw.find("ignore")? + "ignore".len();
    let (head, tail) = raw.split_at(at);
    let list = tail
        .trim_start_matches([' ', '\t', ':', '='])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let list = list.trim_start_matches([':', '=']).trim();
    if list.is_empty() {
        return None;
    }
    let fixed = format!("{head}={list}");
    parse_comment(&fixed).is_some().then_some(fixed)
}

/// DSIG900 for each dsig ignore comment with a code that suppressed nothing.
fn unused(src: &str, df: &Dockerfile, lines: &LineIndex, pragmas: &[Pragma]) -> Vec<Diagnostic> {
    let first_instruction = df.instructions.first().map(|i| i.line);
    let mut out = Vec::new();
    let mut layout: Option<Layout> = None;
    for p in pragmas.iter().filter(|p| p.tool == Tool::Dsig) {
        let idle: Vec<&Entry> = p
            .entries
            .iter()
            .filter(|e| !e.used && e.codes != [UNUSED_IGNORE.code])
            .collect();
        if idle.is_empty() {
            continue;
        }
        let mut reasons = Vec::new();
        let unknown: Vec<&str> = idle
            .iter()
            .filter(|e| e.codes.is_empty())
            .map(|e| e.written.as_str())
            .collect();
        if !unknown.is_empty() {
            reasons.push(format!(
                "{} {} not a dsig rule (see `dsig rules`)",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" }
            ));
        }
        let known: Vec<&str> = idle
            .iter()
            .filter(|e| !e.codes.is_empty())
            .map(|e| e.written.as_str())
            .collect();
        if !known.is_empty() {
            let what = known.join(", ");
            reasons.push(match p.target {
                None => format!("no {what} finding in this file"),
                Some(Target::Nothing) => {
                    "no instruction starts right below this comment".to_string()
                }
                Some(Target::Lines(a, _)) => {
                    let inst = layout
                        .get_or_insert_with(|| Layout::new(src, df, lines))
                        .starting(a)
                        .map(|(_, k)| k)
                        .unwrap_or("line");
                    format!("no {what} finding starts in the {inst} on line {a}")
                }
            });
        }
        let comment = src[p.span.start..p.span.end].trim_end();
        let mut d = UNUSED_IGNORE.diag(
            UNUSED_IGNORE.default_severity,
            Span::new(p.span.start, p.span.start + comment.len()),
            format!("`{comment}` suppresses nothing: {}", reasons.join("; ")),
        );
        d.set_label("unused");
        let keep: Vec<&str> = p
            .entries
            .iter()
            .filter(|e| !idle.iter().any(|i| std::ptr::eq(*i, *e)))
            .map(|e| e.written.as_str())
            .collect();
        // Deleting a comment above the first instruction can turn a later
        // directive-looking comment into a parser directive.
        let applicability = if first_instruction.is_none_or(|f| p.line < f) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let edit = if keep.is_empty() {
            d.set_help("delete the comment");
            let start = lines.line_start(p.line - 1);
            Edit {
                span: Span::new(start, lines.line_start(p.line).max(p.span.end)),
                replacement: String::new(),
                file: None,
            }
        } else {
            d.set_help(format!(
                "keep only what is used: `ignore={}`",
                keep.join(",")
            ));
            Edit {
                span: p.list,
                replacement: keep.join(","),
                file: None,
            }
        };
        d.set_fix(Fix {
            applicability,
            edits: vec![edit],
        });
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{LintOptions, lint_source};

    fn codes_with(src: &str, filter: Filter) -> Vec<(RuleCode, usize)> {
        let opts = LintOptions {
            filter,
            ..Default::default()
        };
        let l = lint_source(src, &opts).unwrap();
        let lines = LineIndex::new(src);
        l.diagnostics
            .iter()
            .map(|d| (d.code, lines.line_of(d.span.start) + 1))
            .collect()
    }

    fn codes(src: &str) -> Vec<(RuleCode, usize)> {
        codes_with(src, Filter::default())
    }

    fn warn() -> Filter {
        Filter {
            warn_unused_ignores: true,
            ..Default::default()
        }
    }

    const SHELL_NODE: &str = "FROM node:22\nCMD node server.js\n";

    #[test]
    fn parses_comments() {
        let p = parse_comment("# dsig ignore=DSIG001,DSIG005 reason=\"legacy app\"").unwrap();
        assert_eq!(p.tool, Tool::Dsig);
        assert!(!p.global);
        assert_eq!(p.codes, ["DSIG001", "DSIG005"]);
        assert_eq!(p.reason, Some("legacy app"));
        assert_eq!(
            &"# dsig ignore=DSIG001,DSIG005 reason"[p.list.clone()],
            "DSIG001,DSIG005"
        );
        let p = parse_comment("#dsig global ignore=DSIG001, DSIG005").unwrap();
        assert!(p.global);
        assert_eq!(p.codes, ["DSIG001", "DSIG005"]);
        let p = parse_comment("# hadolint ignore=DL3008,DL3025").unwrap();
        assert_eq!(
            (p.tool, p.codes),
            (Tool::Hadolint, vec!["DL3008", "DL3025"])
        );
        for not in [
            "# dsig is great",
            "# dsigignore=DSIG001",
            "# dsig ignore DSIG001",
            "# dsig ignore=",
            "# dsig ignore= DSIG001",
            "# hadolintignore=DL3025",
            "# ignore=DSIG001",
        ] {
            assert_eq!(parse_comment(not), None, "{not}");
        }
    }

    #[test]
    fn ignore_above_the_instruction() {
        assert_eq!(codes(SHELL_NODE), [(RuleCode::Dsig001, 2)]);
        assert!(codes("FROM node:22\n# dsig ignore=DSIG001\nCMD node server.js\n").is_empty());
        // comment and blank lines between are allowed
        assert!(
            codes(
                "FROM node:22\n# dsig ignore=DSIG001 reason=\"x\"\n\n# note\n\nCMD node server.js\n"
            )
            .is_empty()
        );
        // by rule name, any case
        assert!(
            codes("FROM node:22\n# dsig ignore=shell-form-cmd\nCMD node server.js\n").is_empty()
        );
        assert!(codes("FROM node:22\n# dsig ignore=dsig001\nCMD node server.js\n").is_empty());
        // another code, or not directly above: still reported
        assert_eq!(
            codes("FROM node:22\n# dsig ignore=DSIG005\nCMD node server.js\n"),
            [(RuleCode::Dsig001, 3)]
        );
        assert_eq!(
            codes("# dsig ignore=DSIG001\nFROM node:22\nCMD node server.js\n"),
            [(RuleCode::Dsig001, 3)]
        );
        // a finding on a continuation line of the instruction is covered
        assert!(
            codes("FROM node:22\n# dsig ignore=DSIG001\nCMD \\\n  node server.js\n").is_empty()
        );
    }

    #[test]
    fn global_ignore_anywhere() {
        assert!(
            codes("FROM node:22\nCMD node server.js\n# dsig global ignore=DSIG001\n").is_empty()
        );
        assert!(
            codes("# dsig global ignore=DSIG001\nFROM node:22\nCMD node server.js\n").is_empty()
        );
    }

    #[test]
    fn hadolint_and_buildkit() {
        assert!(
            codes("FROM node:22\n# hadolint ignore=DL3008,DL3025\nCMD node server.js\n").is_empty()
        );
        assert!(
            codes("# hadolint global ignore=DL3025\nFROM node:22\nCMD node server.js\n").is_empty()
        );
        assert_eq!(
            codes("FROM node:22\n# hadolint ignore=DL3008\nCMD node server.js\n"),
            [(RuleCode::Dsig001, 3)]
        );
        for d in [
            "# check=skip=JSONArgsRecommended",
            "# check=skip=StageNameCasing,JSONArgsRecommended;error=true",
            "# check=skip=all",
        ] {
            let src = format!("{d}\n{SHELL_NODE}");
            assert!(codes(&src).is_empty(), "{d}");
        }
        // only as a directive: below an instruction it is a plain comment
        assert_eq!(
            codes("FROM node:22\n# check=skip=JSONArgsRecommended\nCMD node server.js\n"),
            [(RuleCode::Dsig001, 3)]
        );
        // DL3025 and JSONArgsRecommended do not cover the init rule
        assert_eq!(
            codes("# check=skip=all\nFROM node:22\nCMD [\"node\", \"server.js\"]\n"),
            [(RuleCode::Dsig005, 3)]
        );
    }

    #[test]
    fn configured_ignore_and_severity() {
        let f = Filter {
            ignore: vec![RuleCode::Dsig001],
            ..Default::default()
        };
        assert!(codes_with(SHELL_NODE, f).is_empty());
        let f = Filter {
            severity: vec![(RuleCode::Dsig001, None)],
            ..Default::default()
        };
        assert!(codes_with(SHELL_NODE, f).is_empty());
        let opts = LintOptions {
            filter: Filter {
                severity: vec![(RuleCode::Dsig001, Some(Severity::Info))],
                ..Default::default()
            },
            ..Default::default()
        };
        let l = lint_source(SHELL_NODE, &opts).unwrap();
        assert_eq!(l.diagnostics[0].severity, Severity::Info);
    }

    #[test]
    fn unused_ignores() {
        let src = "FROM node:22\n# dsig ignore=DSIG001,DSIG005\nCMD node server.js\n";
        assert!(codes(src).is_empty(), "not reported unless asked");
        let opts = LintOptions {
            filter: warn(),
            ..Default::default()
        };
        let l = lint_source(src, &opts).unwrap();
        assert_eq!(l.diagnostics.len(), 1, "{:#?}", l.diagnostics);
        let d = &l.diagnostics[0];
        assert_eq!(d.code, "DSIG900");
        assert_eq!(
            &*d.message,
            "`# dsig ignore=DSIG001,DSIG005` suppresses nothing: no DSIG005 finding starts in the CMD on line 3"
        );
        let fix = d.fix().unwrap();
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(fix.edits[0].replacement, "DSIG001");
        assert_eq!(
            &src[fix.edits[0].span.start..fix.edits[0].span.end],
            "DSIG001,DSIG005"
        );

        // all unused: the fix deletes the line
        let src = "FROM node:22\n# dsig ignore=DSIG004\nCMD node server.js\n";
        let l = lint_source(src, &opts).unwrap();
        let d = l.diagnostics.iter().find(|d| d.code == "DSIG900").unwrap();
        let e = &d.fix().unwrap().edits[0];
        assert_eq!(&src[e.span.start..e.span.end], "# dsig ignore=DSIG004\n");

        // above the first instruction, deleting could make a later comment a directive
        let src = "# dsig ignore=DSIG004\n# escape=`\nFROM alpine\nCMD [\"/app\"]\n";
        let l = lint_source(src, &opts).unwrap();
        let d = l.diagnostics.iter().find(|d| d.code == "DSIG900").unwrap();
        assert_eq!(d.fix().unwrap().applicability, Applicability::Unsafe);

        // unknown codes, nothing below, global
        let cases = [
            (
                "FROM node:22\nCMD [\"node\", \"a.js\"]\n# dsig ignore=DSIG01\n",
                "DSIG01 is not a dsig rule",
            ),
            (
                "FROM node:22\nCMD [\"node\", \"a.js\"]\n# dsig ignore=DSIG005\n",
                "no instruction starts right below",
            ),
            (
                "FROM node:22\n# dsig global ignore=DSIG003\nCMD [\"node\", \"a.js\"]\n",
                "no DSIG003 finding in this file",
            ),
            (
                "FROM node:22\nRUN a \\\n# dsig ignore=DSIG001\n  b\nCMD [\"node\", \"a.js\"]\n",
                "no instruction starts right below",
            ),
        ];
        for (src, want) in cases {
            let l = lint_source(src, &opts).unwrap();
            let d = l.diagnostics.iter().find(|d| d.code == "DSIG900");
            assert!(
                d.is_some_and(|d| d.message.contains(want)),
                "{src:?}: {:#?}",
                l.diagnostics
            );
        }

        // hadolint and BuildKit ignores are never reported; a global DSIG900 ignore silences them
        for src in [
            "FROM node:22\n# hadolint ignore=DL3025\nCMD [\"node\", \"a.js\"]\n",
            "# check=skip=JSONArgsRecommended\nFROM node:22\nCMD [\"node\", \"a.js\"]\n",
            "# dsig global ignore=DSIG900\nFROM node:22\n# dsig ignore=DSIG001\nCMD [\"node\", \"a.js\"]\n",
        ] {
            let l = lint_source(src, &opts).unwrap();
            assert!(
                l.diagnostics.iter().all(|d| d.code != "DSIG900"),
                "{src:?}: {:#?}",
                l.diagnostics
            );
        }
        // DSIG900 itself can be configured
        let f = Filter {
            ignore: vec![RuleCode::Dsig900],
            warn_unused_ignores: true,
            ..Default::default()
        };
        assert!(codes_with("FROM alpine\n# dsig ignore=DSIG001\nCMD [\"/app\"]\n", f).is_empty());
    }

    #[test]
    fn comments_in_heredocs_are_not_ignores() {
        let src =
            "FROM node:22\nRUN <<EOF\n# dsig global ignore=DSIG001\nEOF\nCMD node server.js\n";
        assert_eq!(codes(src), [(RuleCode::Dsig001, 5)]);
    }
}
