//! Byte offset ↔ line/column conversion with a precomputed line index.

/// Start offsets of every line, computed once per source. Offsets are kept
/// as `u32` (half the memory for a file of many short lines): dsig reads no
/// text of 4 GiB (`files::MAX_FILE`), and a longer one is indexed only as
/// far as 4 GiB.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let within = &text.as_bytes()[..text.len().min(u32::MAX as usize)];
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', within).map(|i| (i + 1) as u32));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines (a trailing newline does not start a new counted line
    /// unless text follows it).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len).min(u32::MAX as usize) as u32;
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(self.len, |&s| s as usize)
    }

    /// 1-based line and 1-based column (counted in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let col = text[start..offset].chars().count();
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and 1-based character column.
    pub fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let start = self.line_start(line.saturating_sub(1));
        let mut off = start;
        for (n, (i, _)) in text[start..].char_indices().enumerate() {
            if n + 1 == col {
                return start + i;
            }
            off = start + i;
        }
        if col > 1 { text.len().max(off) } else { start }
    }
}

/// The largest char boundary `<= i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\nçd\n\nx";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col(t, 0), (1, 1));
        assert_eq!(idx.line_col(t, 3), (2, 1));
        assert_eq!(idx.line_col(t, 5), (2, 2)); // after the 2-byte ç
        assert_eq!(idx.line_col(t, 7), (3, 1));
        assert_eq!(idx.line_col(t, 8), (4, 1));
        assert_eq!(idx.line_col(t, 99), (4, 2));
        assert_eq!(idx.line_count(), 4);
    }
}
