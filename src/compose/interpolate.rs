//! Compose's variable interpolation (`$VAR`, `${VAR:-default}`, `$$`):
//! found, unescaped, or resolved with the defaults written in the file.

/// Whether `s` uses Compose interpolation (`$VAR`, `${…}`); `$$` is an
/// escaped `$`, not a variable.
pub fn has_variables(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            if b.get(i + 1) == Some(&b'$') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// `$$` → `$`; everything else as written.
pub fn unescape_dollars(s: &str) -> String {
    s.replace("$$", "$")
}

/// Interpolate with what the file itself says: `$$` → `$`, `${VAR:-x}` and
/// `${VAR-x}` → `x`. `None` when a value would come from the environment
/// (`$VAR`, `${VAR}`, `${VAR:?…}`, `${VAR:+…}`) or the syntax is invalid.
pub fn interpolate_defaults(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('{') {
            // Find the closing brace, allowing nested `${…}` in defaults.
            let mut depth = 1;
            let mut end = None;
            let bytes = body.as_bytes();
            let mut j = 0;
            while j < bytes.len() {
                match bytes[j] {
                    b'$' if bytes.get(j + 1) == Some(&b'{') => {
                        depth += 1;
                        j += 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let end = end?;
            let inner = &body[..end];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let op = &inner[name_len..];
            let default = op.strip_prefix(":-").or_else(|| op.strip_prefix('-'))?;
            if name_len == 0 {
                return None;
            }
            out.push_str(&interpolate_defaults(default)?);
            rest = &body[end + 1..];
        } else {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}
