//! The JSON (exec) form: a JSON array of strings, read as Go's
//! `encoding/json` reads it, with the byte range of every element.

use super::words::Piece;

pub enum JsonArray {
    /// The strings and the span of the whole array (from `[` to `]`).
    Ok(Vec<Piece>, (usize, usize)),
    /// Valid JSON, but not an array of strings: Docker rejects the line.
    NotStrings,
    /// Not valid JSON (or not an array): Docker falls back to shell form.
    /// `Some(reason)` when the text starts with `[` (it looks like an
    /// attempt at exec form).
    Invalid(Option<String>),
}

pub fn parse_array(text: &str) -> JsonArray {
    let body = text.trim_start_matches(char::is_whitespace);
    let off = text.len() - body.len();
    if !body.starts_with('[') {
        return JsonArray::Invalid(None);
    }
    let mut p = Parser {
        s: body.as_bytes(),
        text: body,
        i: 1,
    };
    match p.array() {
        Ok((items, end)) => JsonArray::Ok(
            items
                .into_iter()
                .map(|mut w| {
                    w.start += off;
                    w.end += off;
                    w
                })
                .collect(),
            (off, off + end),
        ),
        Err(e) => {
            if let Ok(serde_json::Value::Array(_)) = serde_json::from_str(body) {
                JsonArray::NotStrings
            } else {
                JsonArray::Invalid(Some(e))
            }
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn array(&mut self) -> Result<(Vec<Piece>, usize), String> {
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                match self.s.get(self.i) {
                    Some(b'"') => items.push(self.string()?),
                    Some(b'\'') => return Err("strings must use double quotes".into()),
                    Some(_) => return Err("expected a string".into()),
                    None => return Err("unterminated array: missing ']'".into()),
                }
                self.ws();
                match self.s.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                        if self.s.get(self.i) == Some(&b']') {
                            return Err("trailing comma before ']'".into());
                        }
                    }
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    Some(_) => return Err("expected ',' or ']' after an element".into()),
                    None => return Err("unterminated array: missing ']'".into()),
                }
            }
        }
        let end = self.i;
        self.ws();
        if self.i != self.s.len() {
            return Err("unexpected text after the closing ']'".into());
        }
        Ok((items, end))
    }

    fn string(&mut self) -> Result<Piece, String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err("unterminated string".into());
            };
            match b {
                b'"' => {
                    self.i += 1;
                    return Ok(Piece {
                        value: out,
                        start,
                        end: self.i,
                    });
                }
                b'\\' => {
                    let Some(&e) = self.s.get(self.i + 1) else {
                        return Err("unterminated string".into());
                    };
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                                } else {
                                    out.push('\u{fffd}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                            }
                        }
                        _ => return Err("invalid escape in string".into()),
                    }
                }
                0..=0x1f => return Err("control character in string".into()),
                _ => {
                    let ch = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8().max(1);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .ok_or("invalid \\u escape")?;
        let v = u32::from_str_radix(h, 16).map_err(|_| "invalid \\u escape")?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("invalid \\u escape".into());
        }
        self.i += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Vec<String> {
        match parse_array(s) {
            JsonArray::Ok(w, _) => w.into_iter().map(|w| w.value).collect(),
            _ => panic!("not ok: {s}"),
        }
    }

    #[test]
    fn arrays() {
        assert!(ok("[]").is_empty());
        assert_eq!(ok(r#"[ "a", "b" ]"#), ["a", "b"]);
        assert_eq!(ok(r#"["\u2665\ud83d\ude00 \/"]"#), ["♥😀 /"]);
        assert!(matches!(parse_array("['a']"), JsonArray::Invalid(Some(_))));
        assert!(matches!(
            parse_array(r#"["a",]"#),
            JsonArray::Invalid(Some(_))
        ));
        assert!(matches!(
            parse_array(r#"["a"] x"#),
            JsonArray::Invalid(Some(_))
        ));
        assert!(matches!(parse_array("echo"), JsonArray::Invalid(None)));
        assert!(matches!(parse_array(r#"["a", 1]"#), JsonArray::NotStrings));
        assert!(matches!(
            parse_array(r#"["a", ["b"]]"#),
            JsonArray::NotStrings
        ));
    }

    #[test]
    fn spans() {
        let s = r#"  [ "ab", "ç" ]"#;
        let JsonArray::Ok(w, all) = parse_array(s) else {
            panic!()
        };
        assert_eq!(&s[w[0].start..w[0].end], "\"ab\"");
        assert_eq!(&s[w[1].start..w[1].end], "\"ç\"");
        assert_eq!(&s[all.0..all.1], r#"[ "ab", "ç" ]"#);
    }
}
