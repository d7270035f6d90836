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
    // nesting deeper than the limit needs more opening brackets than the
    // limit: most files have far fewer, and are not scanned
    let opening = memchr::memchr2_iter(b'[', b'{', text.as_bytes()).count();
    if opening <= MAX_FLOW_DEPTH {
        return Ok(());
    }
    let mut scan = Scan::new(text);
    while scan.i < scan.b.len() {
        if scan.i == scan.line_start && scan.start_line() {
            continue;
        }
        scan.step()?;
    }
    Ok(())
}

/// The state of one pass over the text.
struct Scan<'t> {
    text: &'t str,
    b: &'t [u8],
    /// The offset of the byte being looked at.
    i: usize,
    /// 1-based line of `i`, and the offset where that line starts.
    line: usize,
    line_start: usize,
    /// Flow nesting at `i`.
    depth: usize,
    /// The previous significant byte on the line (b'\n' at a line's start).
    prev: u8,
    /// Block scalar: the column it must be indented past, and once known
    /// the indentation of its content.
    scalar_floor: Option<usize>,
    scalar_indent: Option<usize>,
    /// Column of the current line's first node (after `- ` and `? `).
    node_col: usize,
}

impl<'t> Scan<'t> {
    fn new(text: &'t str) -> Self {
        Scan {
            text,
            b: text.as_bytes(),
            i: 0,
            line: 1,
            line_start: 0,
            depth: 0,
            prev: b'\n',
            scalar_floor: None,
            scalar_indent: None,
            node_col: 0,
        }
    }

    /// 1-based column, in characters, of the offset `at` on the current line.
    fn column(&self, at: usize) -> usize {
        self.text[self.line_start..at].chars().count() + 1
    }

    /// At the start of a line: skip it when it belongs to a block scalar
    /// (`true`), else note where its first node starts (`false`).
    fn start_line(&mut self) -> bool {
        let (b, i) = (self.b, self.i);
        let indent = b[i..].iter().take_while(|&&c| c == b' ').count();
        let blank = matches!(b.get(i + indent), None | Some(b'\n' | b'\r'));
        if let Some(floor) = self.scalar_floor {
            if self.in_block_scalar(floor, indent, blank) {
                self.i = skip_line(b, i);
                if self.i < b.len() {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                return true;
            }
            self.scalar_floor = None;
            self.scalar_indent = None;
        }
        self.node_col = first_node_column(b, i, indent);
        false
    }

    /// Whether a line of this indentation (or blank) is still content of
    /// the block scalar being skipped, which must be indented past `floor`;
    /// the first content line fixes the indentation of the rest.
    fn in_block_scalar(&mut self, floor: usize, indent: usize, blank: bool) -> bool {
        match self.scalar_indent {
            Some(ci) => blank || indent >= ci,
            None if blank => true,
            None if indent > floor => {
                self.scalar_indent = Some(indent);
                true
            }
            None => false,
        }
    }

    /// Look at the byte at `i` and move past it (or past the comment,
    /// quoted scalar or block scalar header it starts).
    fn step(&mut self) -> Result<(), (usize, usize)> {
        let (b, i) = (self.b, self.i);
        let c = b[i];
        match c {
            b'\n' => {
                self.line += 1;
                self.line_start = i + 1;
                self.prev = b'\n';
                self.i += 1;
                return Ok(());
            }
            b' ' | b'\t' | b'\r' => {
                self.i += 1;
                return Ok(());
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                self.i = skip_line(b, i);
                return Ok(());
            }
            b'"' | b'\'' if starts_node(self.prev, self.depth) => {
                self.quoted(c);
                return Ok(());
            }
            b'[' | b'{' if self.depth > 0 || starts_node(self.prev, self.depth) => {
                self.depth += 1;
                if self.depth > MAX_FLOW_DEPTH {
                    return Err((self.line, self.column(i)));
                }
            }
            b']' | b'}' if self.depth > 0 => self.depth -= 1,
            b'|' | b'>' if self.depth == 0 && matches!(self.prev, b':' | b'-' | b'?' | b'\n') => {
                // a block scalar: its header ends the line
                self.scalar_floor = Some(self.node_col);
                self.i = skip_line(b, i);
                return Ok(());
            }
            _ => {}
        }
        self.prev = c;
        self.i += 1;
        Ok(())
    }

    /// Move past a quoted scalar opened by `quote` at `i`, possibly over
    /// several lines.
    fn quoted(&mut self, quote: u8) {
        let b = self.b;
        self.i += 1;
        while self.i < b.len() {
            match b[self.i] {
                b'\\' if quote == b'"' => self.i += 1,
                b'\'' if quote == b'\'' && b.get(self.i + 1) == Some(&b'\'') => self.i += 1,
                q if q == quote => break,
                b'\n' => {
                    self.line += 1;
                    self.line_start = self.i + 1;
                }
                _ => {}
            }
            self.i += 1;
        }
        self.prev = quote;
        self.i += 1;
    }
}

/// The column (0-based, in bytes) of the first node of the line starting
/// at `i`: past its indentation and any `- `/`? ` indicators.
fn first_node_column(b: &[u8], i: usize, indent: usize) -> usize {
    let n = b.len();
    let mut j = i + indent;
    while j + 1 < n && matches!(b[j], b'-' | b'?') && matches!(b[j + 1], b' ' | b'\t') {
        j += 1;
        while j < n && matches!(b[j], b' ' | b'\t') {
            j += 1;
        }
    }
    j - i
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
