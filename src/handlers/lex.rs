//! Token scanners for JavaScript/TypeScript and Python. They know just enough
//! of each language to skip comments and string contents and to tell code from
//! text; they build no syntax tree.

/// One token kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Ident(String),
    /// A string literal with no interpolation (quotes removed, escapes kept
    /// as the escaped character).
    Str(String),
    /// A JS template literal with `${...}` substitutions, or a Python
    /// f-string: text that is not known statically.
    Tmpl,
    Num(String),
    Punct(char),
    Regex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub toks: Vec<Token>,
    /// The first place where the scanner had to guess (an unterminated
    /// string, comment or template): code after it may have been misread.
    pub trouble: Option<(usize, &'static str)>,
}

impl Lexed {
    fn push(&mut self, tok: Tok, line: usize) {
        self.toks.push(Token { tok, line });
    }
    fn trouble(&mut self, line: usize, what: &'static str) {
        if self.trouble.is_none() {
            self.trouble = Some((line, what));
        }
    }
}

/// The token at `i`, if any.
pub(super) fn tok(t: &[Token], i: usize) -> Option<&Tok> {
    t.get(i).map(|x| &x.tok)
}

/// The identifier at `i`, if the token there is one.
pub(super) fn ident(t: &[Token], i: usize) -> Option<&str> {
    match tok(t, i) {
        Some(Tok::Ident(w)) => Some(w),
        _ => None,
    }
}

/// The string literal at `i`, if the token there is one.
pub(super) fn str_at(t: &[Token], i: usize) -> Option<&str> {
    match tok(t, i) {
        Some(Tok::Str(s)) => Some(s),
        _ => None,
    }
}

/// Whether the token at `i` is the punctuation `c`.
pub(super) fn punct(t: &[Token], i: usize, c: char) -> bool {
    tok(t, i) == Some(&Tok::Punct(c))
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Keywords after which a `/` starts a regular expression.
const REGEX_AFTER: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn regex_allowed(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Ident(w)) => REGEX_AFTER.contains(&w.as_str()),
        Some(Tok::Num(_) | Tok::Str(_) | Tok::Tmpl | Tok::Regex) => false,
        Some(Tok::Punct(')' | ']')) => false,
        Some(Tok::Punct(_)) => true,
    }
}

/// End of a regex literal starting at `i` (a `/`), flags included, if it
/// closes on the same line.
fn scan_regex(c: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut class = false;
    loop {
        match c.get(j)? {
            '\n' => return None,
            '\\' => j += 2,
            '[' => {
                class = true;
                j += 1;
            }
            ']' => {
                class = false;
                j += 1;
            }
            '/' if !class => {
                if j == i + 1 {
                    return None; // `//` is a comment, handled before
                }
                j += 1;
                while c.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
                    j += 1;
                }
                return Some(j);
            }
            _ => j += 1,
        }
    }
}

/// A quoted string on one line (`'`/`"` in JS, non-triple in Python).
/// Returns the text, the index after it, whether it closed, and the number
/// of escaped newlines inside.
fn scan_quoted(c: &[char], i: usize, q: char) -> (String, usize, bool, usize) {
    let mut s = String::new();
    let mut j = i + 1;
    let mut nl = 0;
    while j < c.len() {
        match c[j] {
            '\\' => {
                if let Some(&e) = c.get(j + 1) {
                    if e == '\n' {
                        nl += 1;
                    } else {
                        s.push(e);
                    }
                }
                j += 2;
            }
            '\n' => return (s, j, false, nl),
            ch if ch == q => return (s, j + 1, true, nl),
            ch => {
                s.push(ch);
                j += 1;
            }
        }
    }
    (s, c.len(), false, nl)
}

enum TmplEnd {
    Closed,
    Subst,
    Eof,
}

/// Template text from `i` (just after the backtick or the `}` closing a
/// substitution) up to the closing backtick or the next `${`.
fn scan_template(c: &[char], mut i: usize, line: &mut usize) -> (String, usize, TmplEnd) {
    let mut s = String::new();
    while i < c.len() {
        match c[i] {
            '\\' => {
                if let Some(&e) = c.get(i + 1) {
                    if e == '\n' {
                        *line += 1;
                    }
                    s.push(e);
                }
                i += 2;
            }
            '`' => return (s, i + 1, TmplEnd::Closed),
            '$' if c.get(i + 1) == Some(&'{') => return (s, i + 2, TmplEnd::Subst),
            ch => {
                if ch == '\n' {
                    *line += 1;
                }
                s.push(ch);
                i += 1;
            }
        }
    }
    (s, c.len(), TmplEnd::Eof)
}

/// Tokens of a JavaScript or TypeScript file.
pub fn js(src: &str) -> Lexed {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lx = Js {
        c: src.chars().collect(),
        i: 0,
        line: 1,
        out: Lexed::default(),
        subst: Vec::new(),
        depth: 0,
    };
    if src.starts_with("#!") {
        lx.skip_line();
    }
    while lx.i < lx.c.len() {
        lx.token();
    }
    if !lx.subst.is_empty() {
        lx.out.trouble(lx.line, "unterminated template literal");
    }
    lx.out
}

/// The state of [`js`]: the characters, where it is, and the open
/// template substitutions.
struct Js {
    c: Vec<char>,
    i: usize,
    line: usize,
    out: Lexed,
    /// Brace depth at which each open template substitution started.
    subst: Vec<usize>,
    depth: usize,
}

impl Js {
    /// One token (or space, or comment) at `i`.
    fn token(&mut self) {
        let ch = self.c[self.i];
        let next = self.c.get(self.i + 1).copied();
        if ch == '\n' {
            self.line += 1;
            self.i += 1;
        } else if ch.is_whitespace() {
            self.i += 1;
        } else if ch == '/' && next == Some('/') {
            self.skip_line();
        } else if ch == '/' && next == Some('*') {
            self.block_comment();
        } else if ch == '/' && regex_allowed(self.out.toks.last()) {
            self.regex();
        } else if ch == '\'' || ch == '"' {
            self.quoted(ch);
        } else if ch == '`' {
            self.template();
        } else if ch == '}' && self.subst.last() == Some(&self.depth) {
            self.template_resumed();
        } else if ident_start(ch) || ch == '#' {
            let start = self.i;
            self.i += 1;
            self.take_while(ident_char);
            let word = self.c[start..self.i].iter().collect();
            self.out.push(Tok::Ident(word), self.line);
        } else if ch.is_ascii_digit() {
            let start = self.i;
            self.take_while(|d| d.is_ascii_alphanumeric() || d == '.' || d == '_');
            let num = self.c[start..self.i].iter().collect();
            self.out.push(Tok::Num(num), self.line);
        } else if ch == '?'
            && next == Some('.')
            && !self.c.get(self.i + 2).is_some_and(|d| d.is_ascii_digit())
        {
            // Optional chaining reads as a member access.
            self.out.push(Tok::Punct('.'), self.line);
            self.i += 2;
        } else {
            match ch {
                '{' => self.depth += 1,
                '}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            self.out.push(Tok::Punct(ch), self.line);
            self.i += 1;
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) {
        while self.i < self.c.len() && f(self.c[self.i]) {
            self.i += 1;
        }
    }

    /// To the end of the line (a `//` comment, a shebang).
    fn skip_line(&mut self) {
        self.take_while(|c| c != '\n');
    }

    fn block_comment(&mut self) {
        let start = self.line;
        self.i += 2;
        loop {
            if self.i >= self.c.len() {
                self.out.trouble(start, "unterminated comment");
                break;
            }
            if self.c[self.i] == '*' && self.c.get(self.i + 1) == Some(&'/') {
                self.i += 2;
                break;
            }
            if self.c[self.i] == '\n' {
                self.line += 1;
            }
            self.i += 1;
        }
    }

    fn regex(&mut self) {
        match scan_regex(&self.c, self.i) {
            Some(end) => {
                self.out.push(Tok::Regex, self.line);
                self.i = end;
            }
            None => {
                self.out.push(Tok::Punct('/'), self.line);
                self.i += 1;
            }
        }
    }

    fn quoted(&mut self, quote: char) {
        let (s, end, closed, nl) = scan_quoted(&self.c, self.i, quote);
        if !closed {
            self.out.trouble(self.line, "unterminated string");
        }
        self.out.push(Tok::Str(s), self.line);
        self.line += nl;
        self.i = end;
    }

    /// A template literal from its opening backquote.
    fn template(&mut self) {
        let start = self.line;
        let (s, end, how) = scan_template(&self.c, self.i + 1, &mut self.line);
        self.i = end;
        match how {
            TmplEnd::Closed => self.out.push(Tok::Str(s), start),
            TmplEnd::Subst => {
                self.out.push(Tok::Tmpl, start);
                self.subst.push(self.depth);
            }
            TmplEnd::Eof => {
                self.out.push(Tok::Tmpl, start);
                self.out.trouble(start, "unterminated template literal");
            }
        }
    }

    /// The rest of a template literal after a substitution's `}`.
    fn template_resumed(&mut self) {
        self.subst.pop();
        let (_, end, how) = scan_template(&self.c, self.i + 1, &mut self.line);
        self.i = end;
        match how {
            TmplEnd::Closed => {}
            TmplEnd::Subst => self.subst.push(self.depth),
            TmplEnd::Eof => self.out.trouble(self.line, "unterminated template literal"),
        }
    }
}

/// String prefixes of Python (`r`, `b`, `f`, ... in any case and order).
fn py_prefix(word: &str) -> Option<bool> {
    let w = word.to_ascii_lowercase();
    const PREFIXES: &[&str] = &["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"];
    PREFIXES
        .contains(&w.as_str())
        .then(|| w.contains('f') || w.contains('t'))
}

/// Tokens of a Python file.
pub fn py(src: &str) -> Lexed {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let c: Vec<char> = src.chars().collect();
    let n = c.len();
    let mut out = Lexed::default();
    let mut i = 0;
    let mut line = 1;
    while i < n {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() || ch == '\\' {
            i += 1;
        } else if ch == '#' {
            while i < n && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '\'' || ch == '"' {
            i = py_string(&c, i, &mut line, false, &mut out);
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < n && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            match (py_prefix(&word), c.get(i)) {
                (Some(interp), Some('\'' | '"')) => {
                    i = py_string(&c, i, &mut line, interp, &mut out);
                }
                _ => out.push(Tok::Ident(word), line),
            }
        } else if ch.is_ascii_digit() {
            let start = i;
            while i < n && (c[i].is_ascii_alphanumeric() || c[i] == '.' || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Num(c[start..i].iter().collect()), line);
        } else {
            out.push(Tok::Punct(ch), line);
            i += 1;
        }
    }
    out
}

/// A Python string literal starting at the quote `c[i]`; returns the index
/// after it.
fn py_string(c: &[char], i: usize, line: &mut usize, interp: bool, out: &mut Lexed) -> usize {
    let q = c[i];
    let start = *line;
    let triple = c.get(i + 1) == Some(&q) && c.get(i + 2) == Some(&q);
    if !triple {
        let (s, end, closed, nl) = scan_quoted(c, i, q);
        if !closed {
            out.trouble(start, "unterminated string");
        }
        out.push(if interp { Tok::Tmpl } else { Tok::Str(s) }, start);
        *line += nl;
        return end;
    }
    let mut s = String::new();
    let mut j = i + 3;
    while j < c.len() {
        match c[j] {
            '\\' => {
                if let Some(&e) = c.get(j + 1) {
                    if e == '\n' {
                        *line += 1;
                    }
                    s.push(e);
                }
                j += 2;
            }
            ch if ch == q && c.get(j + 1) == Some(&q) && c.get(j + 2) == Some(&q) => {
                out.push(if interp { Tok::Tmpl } else { Tok::Str(s) }, start);
                return j + 3;
            }
            ch => {
                if ch == '\n' {
                    *line += 1;
                }
                s.push(ch);
                j += 1;
            }
        }
    }
    out.trouble(start, "unterminated string");
    out.push(Tok::Tmpl, start);
    c.len()
}
