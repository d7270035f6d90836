//! The string form of `command` and `entrypoint`, split into words the way
//! Compose splits it.

/// The words of a string-form command, split as Compose splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub argv: Vec<String>,
    /// Byte offset of an unquoted `;`, `&`, `|`, `<` or `>` where Compose
    /// stopped: the text from there on is ignored. A word that starts with
    /// a digit right before `>` (the `2` of `2>&1`) is dropped too, and the
    /// offset is then where that word starts.
    pub stopped_at: Option<usize>,
}

/// Split a command string the way Compose does (the rules of the
/// shell-words library it uses; no shell, no expansion).
///
/// Spaces, tabs and newlines separate words outside quotes; `'…'` keeps
/// everything literally; `"…"` keeps spaces, and a backslash in it escapes
/// any character; outside quotes a backslash escapes the next character.
/// Backquotes and `$(…)` are kept in the word, spaces and all. `None` for
/// an unbalanced quote, backquote or `$(`, a trailing backslash, or a `(`
/// outside quotes that does not follow `$`. The library's quirks are kept:
/// a word that consists only of escaped characters or of quoted blanks
/// (`\x`, `" "`) is not a word (it joins the next one, or is dropped).
pub fn shell_words(line: &str) -> Option<Words> {
    let mut argv = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut dq, mut sq, mut bq, mut dollar) = (false, false, false, false, false);
    let mut got = false;
    let mut stopped_at = None;
    // Where the word being read began (for a dropped `2` in `2>&1`).
    let mut word_start = None;
    for (i, r) in line.char_indices() {
        let blank = matches!(r, ' ' | '\t' | '\r' | '\n');
        if word_start.is_none() && !(blank && !(escaped || sq || dq || bq || dollar)) {
            word_start = Some(i);
        }
        if escaped {
            buf.push(r);
            escaped = false;
            continue;
        }
        if r == '\\' {
            if sq {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if blank {
            if sq || dq || bq || dollar {
                buf.push(r);
            } else if got {
                argv.push(std::mem::take(&mut buf));
                got = false;
                word_start = None;
            }
            continue;
        }
        match r {
            '`' if !sq && !dq && !dollar => bq = !bq,
            ')' if !sq && !dq && !bq => dollar = !dollar,
            '(' if !sq && !dq && !bq => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    continue;
                }
                return None;
            }
            '"' if !sq && !dollar => {
                if dq && buf.is_empty() {
                    got = true;
                }
                dq = !dq;
                continue;
            }
            '\'' if !dq && !dollar => {
                if sq && buf.is_empty() {
                    got = true;
                }
                sq = !sq;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(sq || dq || bq || dollar) => {
                stopped_at = Some(i);
                if r == '>' && buf.starts_with(|c: char| c.is_ascii_digit()) {
                    got = false;
                    stopped_at = word_start;
                }
                break;
            }
            _ => {}
        }
        got = true;
        buf.push(r);
    }
    if got {
        argv.push(buf);
    }
    if escaped || sq || dq || bq || dollar {
        return None;
    }
    Some(Words { argv, stopped_at })
}
