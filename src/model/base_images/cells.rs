//! The table's JSON cells (ENTRYPOINT and CMD as JSON string arrays).

/// `-` (none), `?` (not established) or a JSON array of strings.
pub(super) fn parse_argv(s: &str) -> Result<(Option<Vec<String>>, bool), String> {
    match s {
        "-" => Ok((None, false)),
        "?" => Ok((None, true)),
        _ => parse_json_string_array(s).map(|v| (Some(v), false)),
    }
}

/// A JSON array of strings, e.g. `["nginx", "-g", "daemon off;"]`.
pub(super) fn parse_json_string_array(s: &str) -> Result<Vec<String>, String> {
    let mut chars = s.trim().chars().peekable();
    let mut out = Vec::new();
    if chars.next() != Some('[') {
        return Err(format!("{s:?} is not a JSON array"));
    }
    let skip_ws = |it: &mut std::iter::Peekable<std::str::Chars>| {
        while it.peek().is_some_and(|c| c.is_whitespace()) {
            it.next();
        }
    };
    skip_ws(&mut chars);
    if chars.peek() == Some(&']') {
        chars.next();
    } else {
        loop {
            skip_ws(&mut chars);
            if chars.next() != Some('"') {
                return Err(format!("{s:?}: expected a string"));
            }
            let mut item = String::new();
            loop {
                match chars.next() {
                    None => return Err(format!("{s:?}: unterminated string")),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('"') => item.push('"'),
                        Some('\\') => item.push('\\'),
                        Some('/') => item.push('/'),
                        Some('n') => item.push('\n'),
                        Some('t') => item.push('\t'),
                        Some('r') => item.push('\r'),
                        Some('b') => item.push('\u{8}'),
                        Some('f') => item.push('\u{c}'),
                        Some('u') => {
                            let hex: String = chars.by_ref().take(4).collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == 4)
                                .and_then(char::from_u32)
                                .ok_or_else(|| format!("{s:?}: bad \\u escape"))?;
                            item.push(code);
                        }
                        _ => return Err(format!("{s:?}: bad escape")),
                    },
                    Some(c) if (c as u32) < 0x20 => {
                        return Err(format!("{s:?}: control character in string"));
                    }
                    Some(c) => item.push(c),
                }
            }
            out.push(item);
            skip_ws(&mut chars);
            match chars.next() {
                Some(',') => continue,
                Some(']') => break,
                _ => return Err(format!("{s:?}: expected ',' or ']'")),
            }
        }
    }
    skip_ws(&mut chars);
    if chars.next().is_some() {
        return Err(format!("{s:?}: text after the array"));
    }
    Ok(out)
}
