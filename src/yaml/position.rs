//! Positions in YAML text as yaml_serde reports them.
//!
//! yaml_serde gives an error's position as [`yaml_serde::Error::location`]
//! and also writes it into the error's text: ` at line L column C` (1-based,
//! column in characters), or ` at position N` (a byte offset) when the mark
//! is at line 0 column 0 in its own 0-based counting. A libyaml error can
//! carry a second mark, for its context (`, while parsing a flow sequence at
//! line 3 column 5`). This module reads and removes those marks; its unit
//! tests pin the text, which is why the yaml_serde version is pinned.

/// The 1-based line and column of an error, when yaml_serde knows it.
pub fn of_error(e: &yaml_serde::Error) -> Option<(usize, usize)> {
    e.location().map(|l| (l.line(), l.column()))
}

/// A position mark as yaml_serde writes it after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark<'a> {
    /// ` at line L column C`: the digits of each.
    LineColumn { line: &'a str, column: &'a str },
    /// ` at position N`.
    Offset,
}

/// The mark at the start of `s`, if there is one, and its length.
fn mark(s: &str) -> Option<(Mark<'_>, usize)> {
    fn digits(s: &str) -> &str {
        &s[..s.bytes().take_while(u8::is_ascii_digit).count()]
    }
    if let Some(rest) = s.strip_prefix(" at line ") {
        let line = digits(rest);
        let after = rest[line.len()..].strip_prefix(" column ")?;
        let column = digits(after);
        (!line.is_empty() && !column.is_empty()).then(|| {
            let len = s.len() - after.len() + column.len();
            (Mark::LineColumn { line, column }, len)
        })
    } else {
        let rest = s.strip_prefix(" at position ")?;
        let n = digits(rest).len();
        (n > 0).then(|| (Mark::Offset, s.len() - rest.len() + n))
    }
}

/// `msg` without any of yaml_serde's ` at line L column C` / ` at position
/// N` marks, for a message that gives the position once, in front.
pub fn strip_marks(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut i = 0;
    while i < msg.len() {
        if let Some((_, len)) = mark(&msg[i..]) {
            i += len;
            continue;
        }
        let c = msg[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `msg` without the first ` at line {line} column {column}`: the error's
/// own mark, when the position is given in front; other marks (a libyaml
/// error's context) stay.
pub fn without_mark(msg: &str, line: usize, column: usize) -> String {
    let suffix = format!(" at line {line} column {column}");
    msg.replacen(&suffix, "", 1)
}

/// The position yaml_serde appended to a custom error whose message is
/// `marker` (raised on purpose to learn where the deserializer is). It
/// writes no mark at the very start of the text: that is line 1, column 1.
pub fn after_marker(msg: &str, marker: &str) -> Option<(usize, usize)> {
    let rest = &msg[msg.rfind(marker)? + marker.len()..];
    match mark(rest) {
        None if rest.is_empty() => Some((1, 1)),
        Some((Mark::Offset, _)) => Some((1, 1)),
        Some((Mark::LineColumn { line, column }, len)) if rest[len..].trim().is_empty() => {
            Some((line.parse().ok()?, column.parse().ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_marks_keeps_the_message() {
        assert_eq!(
            strip_marks("unknown field `x` at line 2 column 1, expected one of `a`"),
            "unknown field `x`, expected one of `a`"
        );
        assert_eq!(
            strip_marks(
                "did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 9"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(strip_marks("bad at position 12"), "bad");
        assert_eq!(
            strip_marks("at line is not a mark"),
            "at line is not a mark"
        );
    }

    #[test]
    fn without_mark_removes_the_errors_own_mark_only() {
        assert_eq!(
            without_mark(
                "did not find expected ',' or ']' at line 5 column 5, while parsing a flow sequence at line 3 column 9",
                5,
                5
            ),
            "did not find expected ',' or ']', while parsing a flow sequence at line 3 column 9"
        );
        assert_eq!(without_mark("bad at position 3", 1, 1), "bad at position 3");
    }

    #[test]
    fn position_after_a_marker() {
        let m = "\u{1}mark\u{1}";
        assert_eq!(after_marker(&format!("a: {m}"), m), Some((1, 1)));
        assert_eq!(
            after_marker(&format!("a: {m} at position 0"), m),
            Some((1, 1))
        );
        assert_eq!(
            after_marker(&format!("x.y: {m} at line 12 column 7"), m),
            Some((12, 7))
        );
        assert_eq!(after_marker("other error at line 1 column 1", m), None);
        assert_eq!(
            after_marker(&format!("{m} at line 1 column 1, more"), m),
            None
        );
        // the last marker counts: a path before it may hold the text too
        assert_eq!(
            after_marker(&format!("{m}.b: {m} at line 3 column 4"), m),
            Some((3, 4))
        );
    }
}
