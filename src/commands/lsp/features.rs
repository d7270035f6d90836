//! Code actions and hovers.

use super::convert::{self, Text, path_to_uri};
use super::{Kind, Server};
use dsig::diagnostic::{Applicability, Diagnostic, Edit};
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl Server {
    /// Quick fixes for the findings in the range (safe ones preferred,
    /// unsafe ones labelled), an inline ignore for each, and "fix all".
    pub(super) fn code_actions(&self, p: &Value) -> Value {
        let uri = p["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some((job, found)) = self.current(uri) else {
            return json!([]);
        };
        let text = Text::new(&job.text);
        // a finding on the lines of the range (editors send the cursor)
        let line_of = |o: usize| text.line_of(o);
        let first = p["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        let last = p["range"]["end"]["line"].as_u64().unwrap_or(0) as usize;
        let only: Vec<&str> = p["context"]["only"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let wants = |kind: &str| only.is_empty() || only.iter().any(|o| kind.starts_with(o));
        let mut actions = Vec::new();
        for d in found
            .diagnostics
            .iter()
            .filter(|d| line_of(d.span.start) <= last && first <= line_of(d.span.end))
        {
            let diag = convert::diagnostic(&text, d, None, false);
            if wants("quickfix") {
                if let Some(a) = fix_action(uri, &text, d, &diag) {
                    actions.push(a);
                }
                actions.push(ignore_action(uri, &text, d, &diag));
            }
        }
        if wants("source.fixAll.dsig")
            && let Some(a) = self.fix_all(&job)
        {
            actions.push(a);
        }
        Value::Array(actions)
    }

    /// Every safe fix of the file (and the unsafe ones when the settings
    /// say so), in rounds as `--fix` applies them, as one edit.
    fn fix_all(&self, job: &super::Job) -> Option<Value> {
        let opts = job.options();
        let unsafe_fixes = self.settings.unsafe_fixes;
        let fixed = match job.kind {
            Kind::Dockerfile => {
                dsig::fix::fix_source(&job.text, &opts, unsafe_fixes)
                    .ok()
                    .filter(|f| f.external.is_empty())?
                    .text
            }
            Kind::Manifest => {
                dsig::fix::fix_manifest_source(&job.text, &job.uri, &opts, unsafe_fixes)
                    .ok()?
                    .0
            }
            Kind::Other => return None,
        };
        if fixed == job.text {
            return None;
        }
        let whole = Text::new(&job.text).range(dsig::diagnostic::Span::new(0, job.text.len()));
        Some(json!({
            "title": if unsafe_fixes { "dsig: fix all (safe and unsafe)" } else { "dsig: fix all safe fixes" },
            "kind": "source.fixAll.dsig",
            "edit": {"changes": {job.uri.clone(): [{"range": whole, "newText": fixed}]}},
        }))
    }

    /// The predicted process tree on FROM/CMD/ENTRYPOINT/SHELL/STOPSIGNAL
    /// (a container's in a manifest), or the rule's page on a finding.
    pub(super) fn hover(&self, p: &Value) -> Value {
        let uri = p["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some((job, found)) = self.current(uri) else {
            return Value::Null;
        };
        let at = convert::offset(&job.text, &p["position"]);
        if let Some(d) = found
            .diagnostics
            .iter()
            .find(|d| d.span.start <= at && at <= d.span.end)
            && let Some(rule) = dsig::rules::find(d.code.as_str())
        {
            return markdown(rule_page(rule.doc));
        }
        let tree = match job.kind {
            Kind::Dockerfile => dockerfile_tree(&job, at),
            Kind::Manifest => manifest_tree(&job, at),
            Kind::Other => None,
        };
        tree.map_or(Value::Null, |t| {
            markdown(format!(
                "**The process tree at start** (`dsig ps`)\n\n```text\n{t}```"
            ))
        })
    }
}

fn markdown(value: String) -> Value {
    json!({"contents": {"kind": "markdown", "value": value}})
}

/// A rule's page up to its examples: what it finds and why it matters.
fn rule_page(doc: &str) -> String {
    let end = doc.find("\n## Bad example").unwrap_or(doc.len());
    doc[..end].trim_end().to_string()
}

/// The tree of the stage that runs, on the instructions that decide it.
fn dockerfile_tree(job: &super::Job, at: usize) -> Option<String> {
    let linted = dsig::lint::lint_source(&job.text, &job.options()).ok()?;
    let inst = linted
        .dockerfile
        .instructions
        .iter()
        .find(|i| i.span.start <= at && at <= i.span.end)?;
    use dsig::parse::Kind as K;
    if !matches!(
        inst.kind,
        K::From | K::Cmd | K::Entrypoint | K::Shell | K::Stopsignal
    ) {
        return None;
    }
    let (launch, chain) = (linted.launch.as_ref()?, linted.chain.as_ref()?);
    let name = linted
        .stages
        .get(launch.stage)
        .and_then(|s| s.name.as_deref());
    let path = job.path.as_ref().map_or("Dockerfile".into(), |p| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    });
    Some(dsig::report::tree::render_text(&path, launch, name, chain))
}

/// The tree of the container whose lines hold the position.
fn manifest_tree(job: &super::Job, at: usize) -> Option<String> {
    let linted = dsig::lint_manifest::lint_manifest(&job.text, &job.uri, &job.options()).ok()?;
    let c = linted
        .containers
        .iter()
        .filter(|c| c.placement.container.span.start <= at)
        .max_by_key(|c| c.placement.container.span.start)?;
    let path = job.path.as_ref().map_or("manifest".into(), |p| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    });
    Some(dsig::report::tree::render_container_text(
        &path,
        &c.placement,
        &c.launch,
        &c.chain,
    ))
}

/// A finding's fix as a quick fix: a workspace edit of every file it
/// touches (the Dockerfile and an entrypoint script).
fn fix_action(uri: &str, text: &Text, d: &Diagnostic, diag: &Value) -> Option<Value> {
    let fix = d.fix()?;
    let crlf = dsig::edit::uses_crlf(text.text);
    let mut changes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in &fix.edits {
        let (file_uri, edit) = text_edit(uri, text, e, crlf)?;
        changes.entry(file_uri).or_default().push(edit);
    }
    let safe = fix.applicability == Applicability::Safe;
    let title = match (d.help(), safe) {
        (Some(h), true) => format!("{}: {}", d.code.as_str(), first_sentence(h)),
        (Some(h), false) => format!("{} (unsafe fix): {}", d.code.as_str(), first_sentence(h)),
        (None, true) => format!("Fix {}", d.code.as_str()),
        (None, false) => format!("Fix {} (unsafe)", d.code.as_str()),
    };
    Some(json!({
        "title": title,
        "kind": "quickfix",
        "diagnostics": [diag],
        "isPreferred": safe,
        "edit": {"changes": changes},
    }))
}

fn first_sentence(help: &str) -> String {
    let s = help.split("; ").next().unwrap_or(help);
    dsig::read::excerpt(s, 90)
}

/// One edit as an LSP text edit, in its own file.
fn text_edit(uri: &str, text: &Text, e: &Edit, crlf: bool) -> Option<(String, Value)> {
    let new_text = if crlf {
        e.replacement.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        e.replacement.clone()
    };
    match &e.file {
        None => Some((
            uri.to_string(),
            json!({"range": text.range(e.span), "newText": new_text}),
        )),
        Some(f) => {
            let other = std::fs::read_to_string(&f.path).ok()?;
            let from = char_offset(&other, f.line, f.column)?;
            let to = char_offset(&other, f.end_line, f.end_column)?;
            let span = dsig::diagnostic::Span::new(from, to.max(from));
            Some((
                path_to_uri(&f.path),
                json!({"range": Text::new(&other).range(span), "newText": e.replacement}),
            ))
        }
    }
}

/// The byte offset of a 1-based line and character column.
fn char_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let lines = dsig::lines::LineIndex::new(text);
    (line >= 1 && line <= lines.line_count() + 1).then(|| lines.offset(text, line, column))
}

/// `# dsig ignore=CODE` on its own line above the finding's first line,
/// indented as that line is.
fn ignore_action(uri: &str, t: &Text, d: &Diagnostic, diag: &Value) -> Value {
    let text = t.text;
    let line_start = text[..d.span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let nl = if dsig::edit::uses_crlf(text) {
        "\r\n"
    } else {
        "\n"
    };
    let at = t.position(line_start);
    json!({
        "title": format!("Ignore {} on this line", d.code.as_str()),
        "kind": "quickfix",
        "diagnostics": [diag],
        "edit": {"changes": {uri: [{
            "range": {"start": at, "end": at},
            "newText": format!("{indent}# dsig ignore={}{nl}", d.code.as_str()),
        }]}},
    })
}
