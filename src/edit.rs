//! Edits applied to text exactly as `--fix` writes them. A leaf: used
//! by the fix loop and by the proof of each fix.

use crate::diagnostic::Edit;

/// The file's line ending: CRLF when most of its lines end so.
pub fn uses_crlf(src: &str) -> bool {
    let crlf = src.matches("\r\n").count();
    let lf = src.matches('\n').count();
    crlf > 0 && crlf * 2 >= lf
}

/// Apply edits to `src` as `--fix` writes them: in order of position,
/// inserted line breaks following the file's (`crlf`). `None` when the
/// edits overlap or a span is not inside the text on char boundaries.
pub fn apply_edits(src: &str, edits: &[&Edit], crlf: bool) -> Option<String> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0;
    for e in edits {
        if e.span.start < pos
            || e.span.end > src.len()
            || !src.is_char_boundary(e.span.start)
            || !src.is_char_boundary(e.span.end)
        {
            return None;
        }
        out.push_str(&src[pos..e.span.start]);
        if crlf {
            out.push_str(&e.replacement.replace("\r\n", "\n").replace('\n', "\r\n"));
        } else {
            out.push_str(&e.replacement);
        }
        pos = e.span.end;
    }
    out.push_str(&src[pos..]);
    Some(out)
}

/// Apply another file's edits (an entrypoint script) to its `current`
/// text: each edit's expected text must still be at its span. `None` when
/// the file changed since the edits were made, or they do not fit.
pub fn apply_to_other(current: &str, edits: &[&Edit]) -> Option<String> {
    let fits = edits.iter().all(|e| {
        e.file.as_ref().is_some_and(|f| {
            current
                .get(e.span.start..)
                .is_some_and(|rest| rest.starts_with(&f.expect))
        })
    });
    if !fits {
        return None;
    }
    apply_edits(current, edits, uses_crlf(current))
}
