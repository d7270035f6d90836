//! A conservative POSIX word splitter and quote remover that never expands anything.
//!
//! It accepts only text whose meaning does not depend on a shell: unquoted blanks split words,
//! single quotes, double quotes and backslashes are removed as a POSIX shell removes them.
//! Anything that would need the shell (parameter or command substitution, globs, tilde or brace
//! expansion, operators, redirections, comments, newlines) makes it give up.

/// One word found by [`split`], with the byte range of its raw text.
pub(super) struct RawWord {
    pub value: String,
    pub start: usize,
    pub end: usize,
    /// Whether the raw text contained any quote or backslash.
    pub quoted: bool,
}

/// Characters that need a shell when they appear unquoted anywhere in a word.
fn needs_shell(c: char) -> bool {
    matches!(
        c,
        '$' | '`'
            | '*'
            | '?'
            | '['
            | ']'
            | '~'
            | '{'
            | '}'
            | '('
            | ')'
            | '<'
            | '>'
            | '|'
            | '&'
            | ';'
            | '\n'
            | '\r'
    )
}

/// Split `text` into words, or `None` when any part of it needs a shell to be understood.
/// With `continuations`, a backslash-newline is removed as the shell removes it (otherwise
/// any newline gives up).
pub(super) fn split(text: &str, continuations: bool) -> Option<Vec<RawWord>> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    // The word being built: (value, start, quoted).
    let mut current: Option<(String, usize, bool)> = None;

    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some((value, start, quoted)) = current.take() {
                    words.push(RawWord {
                        value,
                        start,
                        end: i,
                        quoted,
                    });
                }
            }
            '\'' => {
                let word = current.get_or_insert_with(|| (String::new(), i, false));
                word.2 = true;
                loop {
                    match chars.next() {
                        None => return None,
                        Some((_, '\'')) => break,
                        Some((_, '\n' | '\r')) => return None,
                        Some((_, ch)) => word.0.push(ch),
                    }
                }
            }
            '"' => {
                let word = current.get_or_insert_with(|| (String::new(), i, false));
                word.2 = true;
                loop {
                    match chars.next() {
                        None => return None,
                        Some((_, '"')) => break,
                        Some((_, '$' | '`' | '\n' | '\r')) => return None,
                        Some((_, '\\')) => match chars.next() {
                            None => return None,
                            Some((_, '\n')) if continuations => {}
                            Some((_, '\n' | '\r')) => return None,
                            Some((_, ch @ ('$' | '`' | '"' | '\\'))) => word.0.push(ch),
                            Some((_, ch)) => {
                                word.0.push('\\');
                                word.0.push(ch);
                            }
                        },
                        Some((_, ch)) => word.0.push(ch),
                    }
                }
            }
            '\\' if continuations && matches!(chars.peek(), Some((_, '\n'))) => {
                chars.next();
            }
            '\\' => {
                let word = current.get_or_insert_with(|| (String::new(), i, false));
                word.2 = true;
                match chars.next() {
                    None | Some((_, '\n' | '\r')) => return None,
                    Some((_, ch)) => word.0.push(ch),
                }
            }
            '#' if current.is_none() => return None,
            c if needs_shell(c) => return None,
            c => {
                let word = current.get_or_insert_with(|| (String::new(), i, false));
                word.0.push(c);
            }
        }
    }
    if let Some((value, start, quoted)) = current.take() {
        words.push(RawWord {
            value,
            start,
            end: text.len(),
            quoted,
        });
    }
    Some(words)
}

/// The value of one shell word with its quotes removed, or `None` when it has an expansion
/// (or anything else that needs a shell) or is not exactly one word.
pub(super) fn unquote_word(raw: &str) -> Option<String> {
    // most words are plain: nothing to remove, nothing a shell expands
    let plain = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'-' | b'.' | b'/' | b':' | b',' | b'+' | b'@' | b'%' | b'='
            )
    };
    if !raw.is_empty() && raw.bytes().all(plain) {
        return Some(raw.to_string());
    }
    let mut words = split(raw, true)?;
    if words.len() == 1 && words[0].start == 0 && words[0].end == raw.len() {
        words.pop().map(|w| w.value)
    } else {
        None
    }
}

/// Words that the shell reads as reserved words when they come first, unquoted.
const RESERVED: &[&str] = &[
    "!", "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until",
    "do", "done", "in", "function", "time", "coproc", "[[", "]]",
];

/// Whether a raw word has the form `NAME=...`, i.e. is an assignment when it comes first.
fn is_assignment(raw: &str) -> bool {
    let Some(eq) = raw.find('=') else {
        return false;
    };
    let name = &raw[..eq];
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// See [`super::plain_argv`].
pub(super) fn plain_argv(text: &str) -> Option<Vec<String>> {
    let words = split(text, false)?;
    if let Some(first) = words.first() {
        let raw = &text[first.start..first.end];
        if !first.quoted && RESERVED.contains(&raw) {
            return None;
        }
        if is_assignment(raw) {
            return None;
        }
    }
    Some(words.into_iter().map(|w| w.value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`unquote_word`] without its plain-word shortcut.
    fn by_split(raw: &str) -> Option<String> {
        let mut words = split(raw, true)?;
        (words.len() == 1 && words[0].start == 0 && words[0].end == raw.len())
            .then(|| words.pop().map(|w| w.value))
            .flatten()
    }

    #[test]
    fn plain_words_are_their_own_value() {
        for w in [
            "node",
            "server.js",
            "--port=8080",
            "-c",
            "a,b",
            "x+y@z%",
            "/usr/bin/env",
            "a:b",
        ] {
            assert_eq!(unquote_word(w).as_deref(), Some(w));
            assert_eq!(unquote_word(w), by_split(w));
        }
    }

    proptest! {
        #[test]
        fn the_shortcut_agrees_with_the_splitter(w in "[A-Za-z0-9_./:,+@%=#-]{0,12}") {
            prop_assert_eq!(unquote_word(&w), by_split(&w));
        }
    }
}
