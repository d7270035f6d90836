//! Word splitting as BuildKit does it for flags, ARG/ENV/LABEL words and
//! heredoc markers. Offsets are byte offsets into the given text.

/// A word and the byte range it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

#[derive(PartialEq)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// BuildKit's `extractBuilderFlags`: the leading `--flag` words (quotes and
/// backslashes removed) and the offset where the remaining arguments start.
pub fn extract_flags(line: &str) -> (Vec<Piece>, usize) {
    // Fast path: most instructions have no flag.
    let trimmed = line.trim_start_matches(char::is_whitespace);
    if !trimmed.starts_with("--") {
        return (Vec::new(), line.len() - trimmed.len());
    }
    let mut scan = FlagScan {
        line,
        cur: Cursor::new(line),
        words: Vec::new(),
        word: String::new(),
        wstart: 0,
        quote: '\0',
        blank_ok: false,
        phase: Phase::Spaces,
    };
    let end = loop {
        if let Step::End(end) = scan.step() {
            break end;
        }
    };
    (scan.words, end)
}

/// The state of [`extract_flags`]: the flags so far and the one being read.
struct FlagScan<'a> {
    line: &'a str,
    cur: Cursor<'a>,
    words: Vec<Piece>,
    word: String,
    wstart: usize,
    quote: char,
    /// The word had quotes: it counts even when empty (`--x=""`).
    blank_ok: bool,
    phase: Phase,
}

/// What one character of [`FlagScan`] leads to: the next one, or the end
/// of the flags at this offset.
enum Step {
    Next,
    End(usize),
}

impl FlagScan<'_> {
    fn step(&mut self) -> Step {
        let at_end = self.cur.at_end();
        let (pos, ch) = if at_end {
            (self.line.len(), '\0')
        } else {
            self.cur.get()
        };
        if self.phase == Phase::Spaces {
            if at_end {
                return Step::End(self.line.len());
            }
            if ch.is_whitespace() {
                self.cur.advance();
                return Step::Next;
            }
            if ch != '-' || self.cur.peek_next() != Some('-') {
                return Step::End(pos);
            }
            self.phase = Phase::Word;
            self.wstart = pos;
        }
        if at_end {
            if self.word != "--" && (self.blank_ok || !self.word.is_empty()) {
                self.push_word(self.line.len());
            }
            return Step::End(self.line.len());
        }
        if self.phase == Phase::Word {
            self.in_word(ch, pos)
        } else {
            self.in_quote(ch)
        }
    }

    fn push_word(&mut self, end: usize) {
        self.words.push(Piece {
            value: std::mem::take(&mut self.word),
            start: self.wstart,
            end,
        });
    }

    fn in_word(&mut self, ch: char, pos: usize) -> Step {
        if ch.is_whitespace() {
            self.phase = Phase::Spaces;
            if self.word == "--" {
                return Step::End(pos);
            }
            if self.blank_ok || !self.word.is_empty() {
                self.push_word(pos);
            }
            self.word.clear();
            self.blank_ok = false;
        } else if ch == '\'' || ch == '"' {
            self.quote = ch;
            self.blank_ok = true;
            self.phase = Phase::Quote;
        } else if ch == '\\' {
            if !self.cur.is_last() {
                self.cur.advance();
                self.word.push(self.cur.get().1);
            }
        } else {
            self.word.push(ch);
        }
        self.cur.advance();
        Step::Next
    }

    fn in_quote(&mut self, ch: char) -> Step {
        if ch == self.quote {
            self.phase = Phase::Word;
        } else if ch == '\\' {
            if self.cur.is_last() {
                self.phase = Phase::Word;
            } else {
                self.cur.advance();
                self.word.push(self.cur.get().1);
            }
        } else {
            self.word.push(ch);
        }
        self.cur.advance();
        Step::Next
    }
}

/// Walks the chars of a string by byte offset (no per-call char table).
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
    ch: Option<char>,
}

/// The char starting at byte `pos` of `s` (ASCII without decoding).
fn char_at(s: &str, pos: usize) -> Option<char> {
    match s.as_bytes().get(pos) {
        Some(&b) if b.is_ascii() => Some(b as char),
        Some(_) => s[pos..].chars().next(),
        None => None,
    }
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            s,
            pos: 0,
            ch: char_at(s, 0),
        }
    }

    fn at_end(&self) -> bool {
        self.ch.is_none()
    }

    /// The current char and its offset; only when not at the end.
    fn get(&self) -> (usize, char) {
        (self.pos, self.ch.unwrap_or('\0'))
    }

    fn advance(&mut self) {
        if let Some(c) = self.ch {
            self.pos += c.len_utf8();
            self.ch = char_at(self.s, self.pos);
        }
    }

    /// The char after the current one.
    fn peek_next(&self) -> Option<char> {
        let c = self.ch?;
        char_at(self.s, self.pos + c.len_utf8())
    }

    /// The current char is the last one.
    fn is_last(&self) -> bool {
        self.ch
            .is_some_and(|c| self.pos + c.len_utf8() == self.s.len())
    }
}

/// BuildKit's `parseWords`: split on whitespace, keeping quotes and escape
/// characters in the words.
pub fn parse_words(rest: &str, escape: char) -> Vec<Piece> {
    word_spans(rest, escape)
        .into_iter()
        .map(|(start, end)| Piece {
            value: rest[start..end].to_string(),
            start,
            end,
        })
        .collect()
}

/// [`parse_words`] without copying: the byte range of each word.
pub fn word_spans(rest: &str, escape: char) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    // Every char read into a word is kept (quotes and escapes included), so a
    // word is the source text from its start to `wend`: only whether it has
    // a char yet is tracked, and its value is copied once.
    let mut word = false;
    let mut wstart = 0;
    let mut wend = 0;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut cur = Cursor::new(rest);
    loop {
        let at_end = cur.at_end();
        let (pos, mut ch) = if at_end {
            (rest.len(), '\0')
        } else {
            cur.get()
        };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if ch.is_whitespace() {
                cur.advance();
                continue;
            }
            phase = Phase::Word;
            wstart = pos;
            wend = pos;
        }
        if at_end {
            if blank_ok || word {
                words.push((wstart, wend));
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || word {
                    words.push((wstart, wend));
                }
                word = false;
                blank_ok = false;
                cur.advance();
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if cur.is_last() {
                    cur.advance();
                    continue;
                }
                cur.advance();
                ch = cur.get().1;
            }
            word = true;
            wend = cur.pos + ch.len_utf8();
            cur.advance();
            continue;
        }
        // in quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if cur.is_last() {
                phase = Phase::Word;
                cur.advance();
                continue;
            }
            cur.advance();
            ch = cur.get().1;
        }
        word = true;
        wend = cur.pos + ch.len_utf8();
        cur.advance();
    }
    words
}

/// A `<<EOF` marker found in an instruction line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub name: String,
    pub chomp: bool,
    pub quoted: bool,
    pub start: usize,
    pub end: usize,
}

/// Find heredoc markers: whole shell words of the form `[n]<<[-]NAME`, where
/// NAME may be quoted (then the body is not expanded).
pub fn heredoc_markers(line: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    for w in shell_words_raw(line) {
        let raw = &line[w.0..w.1];
        let digits = raw.len() - raw.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Some(after) = raw[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, name) = match after.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, after),
        };
        if name.is_empty() || name.contains('<') {
            continue;
        }
        let quoted = name.contains(['\'', '"']);
        let unq: String = unquote(name);
        if unq.is_empty() {
            continue;
        }
        out.push(Marker {
            name: unq,
            chomp,
            quoted,
            start: w.0,
            end: w.1,
        });
    }
    out
}

fn unquote(s: &str) -> String {
    let mut out = String::new();
    let mut q = '\0';
    let mut it = s.chars();
    while let Some(c) = it.next() {
        match c {
            '\'' | '"' if q == '\0' => q = c,
            c if c == q => q = '\0',
            '\\' if q != '\'' => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Split into shell-like words (raw byte ranges), honouring quotes and
/// backslashes.
fn shell_words_raw(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut q = '\0';
    let mut it = line.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if q != '\0' {
            if c == q {
                q = '\0';
            } else if c == '\\' && q == '"' {
                it.next();
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        match c {
            '\'' | '"' => q = c,
            '\\' => {
                it.next();
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(p: &[Piece]) -> Vec<&str> {
        p.iter().map(|p| p.value.as_str()).collect()
    }

    #[test]
    fn flags_and_rest() {
        let (f, r) = extract_flags("--from=build --chmod=755 a b");
        assert_eq!(vals(&f), ["--from=build", "--chmod=755"]);
        assert_eq!(&"--from=build --chmod=755 a b"[r..], "a b");
        let (f, r) = extract_flags("--doit -- [ ]");
        assert_eq!(vals(&f), ["--doit"]);
        assert_eq!(&"--doit -- [ ]"[r..], " [ ]");
        let (f, _) = extract_flags("--mount=type=cache,target=\"/a b\" x");
        assert_eq!(vals(&f), ["--mount=type=cache,target=/a b"]);
    }

    #[test]
    fn words_keep_quotes() {
        let w = parse_words("a='x y' b=\"c\\\"d\" e\\ f", '\\');
        assert_eq!(vals(&w), ["a='x y'", "b=\"c\\\"d\"", "e\\ f"]);
        assert_eq!(w[2].start, 17);
        assert_eq!(w[2].end, 21);
    }

    #[test]
    fn heredoc_words() {
        let m = heredoc_markers("cat <<EOF >/x && cat <<-\"END\" 2<<a");
        let names: Vec<_> = m
            .iter()
            .map(|m| (m.name.as_str(), m.chomp, m.quoted))
            .collect();
        assert_eq!(
            names,
            [
                ("EOF", false, false),
                ("END", true, true),
                ("a", false, false)
            ]
        );
        assert!(heredoc_markers("echo '<<EOF' <<<x").is_empty());
    }
}
