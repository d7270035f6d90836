//! A linear pre-scan of YAML text for flow nesting (`[[[...` and `{{{...`)
//! before the YAML parser sees it. The parser's cost grows with the square of
//! the flow depth (a 1 MB `x: [[[...]]]` took minutes), while real files nest
//! a few levels; text nested deeper than [`MAX_FLOW_DEPTH`] is refused with
//! the position of the bracket that went too deep.
//!
//! The scan knows just enough YAML not to count brackets that are text:
//! comments, quoted scalars, block scalars (`|`, `>`), and brackets inside
//! plain scalars of block context (`image: a[1]`). Block nesting (by
//! indentation) costs the parser nothing extra and is bounded by the
//! deserializer.

/// Deepest flow nesting accepted.
pub const MAX_FLOW_DEPTH: usize = 100;

/// `Err((line, column))` (1-based, column in characters) of the first
/// bracket nested deeper than [`MAX_FLOW_DEPTH`].
pub fn check(text: &str) -> Result<(), (usize, usize)> {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut line = 1;
    let mut line_start = 0;
    let mut depth = 0usize;
    // the previous significant byte on the line (b'\n' at a line's start)
    let mut prev = b'\n';
    // block scalar: the column it must be indented past, and once known
    // the indentation of its content
    let mut scalar_floor: Option<usize> = None;
    let mut scalar_indent: Option<usize> = None;
    // column of the current line's first node (after `- ` and `? `)
    let mut node_col = 0;
    let column = |at: usize, line_start: usize| text[line_start..at].chars().count() + 1;
    while i < n {
        if i == line_start {
            let indent = b[i..].iter().take_while(|&&c| c == b' ').count();
            let blank = matches!(b.get(i + indent), None | Some(b'\n' | b'\r'));
            if let Some(floor) = scalar_floor {
                let inside = match scalar_indent {
                    Some(ci) => blank || indent >= ci,
                    None if blank => true,
                    None if indent > floor => {
                        scalar_indent = Some(indent);
                        true
                    }
                    None => false,
                };
                if inside {
                    i = skip_line(b, i);
                    if i < n {
                        i += 1;
                        line += 1;
                        line_start = i;
                    }
                    continue;
                }
                scalar_floor = None;
                scalar_indent = None;
            }
            // the first node's column: past indentation and `- `/`? ` indicators
            let mut j = i + indent;
            while j + 1 < n && matches!(b[j], b'-' | b'?') && matches!(b[j + 1], b' ' | b'\t') {
                j += 1;
                while j < n && matches!(b[j], b' ' | b'\t') {
                    j += 1;
                }
            }
            node_col = j - i;
        }
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                prev = b'\n';
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                i = skip_line(b, i);
                continue;
            }
            b'"' | b'\'' if starts_node(prev, depth) => {
                // a quoted scalar, possibly over several lines
                i += 1;
                while i < n {
                    match b[i] {
                        b'\\' if c == b'"' => i += 1,
                        b'\'' if c == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == c => break,
                        b'\n' => {
                            line += 1;
                            line_start = i + 1;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                prev = c;
                i += 1;
                continue;
            }
            b'[' | b'{' if depth > 0 || starts_node(prev, depth) => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err((line, column(i, line_start)));
                }
            }
            b']' | b'}' if depth > 0 => depth -= 1,
            b'|' | b'>' if depth == 0 && matches!(prev, b':' | b'-' | b'?' | b'\n') => {
                // a block scalar: its header ends the line
                scalar_floor = Some(node_col);
                i = skip_line(b, i);
                continue;
            }
            _ => {}
        }
        prev = c;
        i += 1;
    }
    Ok(())
}

/// Whether a node (a quoted scalar or a flow collection) may start after
/// the significant byte `prev` (at flow `depth`).
fn starts_node(prev: u8, depth: usize) -> bool {
    matches!(prev, b'\n' | b':' | b'-' | b'?' | b'!' | b'&')
        || (depth > 0 && matches!(prev, b'[' | b'{' | b','))
}

/// The offset of the next newline (or the end).
fn skip_line(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p)
}

/// The one-line message for text nested too deep.
pub fn message() -> String {
    format!("YAML nested more than {MAX_FLOW_DEPTH} levels deep ([ or {{), not read")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(depth: usize) -> String {
        format!("x: {}{}\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_goes_too_deep() {
        assert_eq!(check(&nest(MAX_FLOW_DEPTH)), Ok(()));
        assert_eq!(
            check(&nest(MAX_FLOW_DEPTH + 1)),
            Err((1, 4 + MAX_FLOW_DEPTH))
        );
        let maps = format!("a:\n  b: {}\n", "{c: ".repeat(200));
        assert_eq!(check(&maps).unwrap_err().0, 2);
        // over lines, and in a sequence
        let lines = format!("- {}\n", "[\n".repeat(150));
        assert!(check(&lines).is_err());
    }

    #[test]
    fn brackets_that_are_text_do_not_count() {
        let many = |s: &str| s.repeat(MAX_FLOW_DEPTH + 5);
        // quoted, commented, inside plain scalars, in block scalars
        for text in [
            format!("a: \"{}\"\n", many("[")),
            format!("a: '{}'\n", many("{")),
            format!("a: 1 # {}\n", many("[")),
            format!("a: x{}\n", many("[")),
            format!("command: |\n  {}\n  more\nb: 1\n", many("[")),
            format!("- a: >-\n    {}\n- b\n", many("{")),
            format!("a: [\"{}\", 'it''s {}']\n", many("["), many("{")),
            "a: it's [x]\nb: \"q\\\"[\"\n".to_string(),
        ] {
            assert_eq!(check(&text), Ok(()), "{text}");
        }
    }

    #[test]
    fn a_block_scalar_ends_where_its_indentation_does() {
        let text = format!("a: |\n  text\nb: {}\n", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(check(&text).unwrap_err().0, 3);
    }
}
