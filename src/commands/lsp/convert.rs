//! Between the protocol's terms and dsig's: `file://` URIs and paths,
//! UTF-16 positions and byte offsets, dsig's findings and LSP diagnostics.

use dsig::diagnostic::{Diagnostic, Severity, Span};
use dsig::lines::LineIndex;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The path of a `file://` URI (percent-escapes decoded); `None` for any
/// other scheme.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///C:/x` on Windows; `file://host/x` is not a local file
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    #[cfg(windows)]
    let s = s.trim_start_matches('/').to_string();
    Some(PathBuf::from(s))
}

/// The `file://` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A document's text with its line index, to turn byte offsets into LSP
/// positions (0-based line, UTF-16 column) without rescanning the text.
pub struct Text<'a> {
    pub text: &'a str,
    lines: LineIndex,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Self {
        Text {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    pub fn position(&self, offset: usize) -> Value {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line);
        let character = self.text[start..offset].encode_utf16().count();
        json!({"line": line, "character": character})
    }

    pub fn range(&self, span: Span) -> Value {
        json!({"start": self.position(span.start), "end": self.position(span.end)})
    }
}

/// The byte offset of an LSP position (clamped to the text).
pub fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let character = pos["character"].as_u64().unwrap_or(0) as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Apply `textDocument/didChange` content changes (incremental or whole).
pub fn apply_changes(text: &mut String, changes: &[Value]) {
    for c in changes {
        let new = c["text"].as_str().unwrap_or_default();
        match c.get("range").filter(|r| !r.is_null()) {
            Some(r) => {
                let start = offset(text, &r["start"]);
                let end = offset(text, &r["end"]).max(start);
                text.replace_range(start..end, new);
            }
            None => *text = new.to_string(),
        }
    }
}

/// LSP severity: 1 error, 2 warning, 3 information, 4 hint. Findings
/// below the fail level are hints.
pub fn severity(s: Severity, below_fail_level: bool) -> u8 {
    if below_fail_level {
        return 4;
    }
    match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        _ => 3,
    }
}

/// One finding as an LSP diagnostic.
pub fn diagnostic(
    text: &Text,
    d: &Diagnostic,
    docs: Option<&str>,
    below_fail_level: bool,
) -> Value {
    let mut message = d.message.to_string();
    if let Some(help) = d.help() {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut v = json!({
        "range": text.range(d.span),
        "severity": severity(d.severity, below_fail_level),
        "code": d.code.as_str(),
        "source": "dsig",
        "message": message,
    });
    if let Some(base) = docs {
        v["codeDescription"] = json!({"href": format!("{base}/{}.md", d.code.as_str())});
    }
    let related: Vec<Value> = d
        .fix()
        .into_iter()
        .flat_map(|f| f.edits.iter())
        .filter_map(|e| e.file.as_ref())
        .map(|f| {
            json!({
                "location": {
                    "uri": path_to_uri(&f.path),
                    "range": {
                        "start": {"line": f.line.saturating_sub(1), "character": f.column.saturating_sub(1)},
                        "end": {"line": f.end_line.saturating_sub(1), "character": f.end_column.saturating_sub(1)},
                    },
                },
                "message": format!("the fix edits {}", f.display),
            })
        })
        .collect();
    if !related.is_empty() {
        v["relatedInformation"] = Value::Array(related);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/Dockerfile#1");
        let u = path_to_uri(p);
        assert_eq!(u, "file:///tmp/a%20b/Dockerfile%231");
        assert_eq!(uri_to_path(&u).as_deref(), Some(p));
        assert_eq!(uri_to_path("untitled:1"), None);
    }

    #[test]
    fn utf16_positions() {
        let t = "FROM x\n# é😀 y\nCMD z\n";
        let at = t.find('y').unwrap();
        assert_eq!(
            Text::new(t).position(at),
            json!({"line": 1, "character": 6})
        );
        assert_eq!(offset(t, &json!({"line": 1, "character": 6})), at);
        assert_eq!(offset(t, &json!({"line": 9, "character": 0})), t.len());
    }

    #[test]
    fn incremental_changes() {
        let mut t = String::from("FROM a\nCMD b\n");
        apply_changes(
            &mut t,
            &[
                json!({"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 5}}, "text": "[\"c\"]"}),
            ],
        );
        assert_eq!(t, "FROM a\nCMD [\"c\"]\n");
        apply_changes(&mut t, &[json!({"text": "x"})]);
        assert_eq!(t, "x");
    }
}
