//! Every file dsig reads goes through here: a regular file (never a FIFO, a
//! device or a directory, which could block or never end), read with a size
//! cap, and, for files dsig finds on its own rather than being given, only
//! when its real path (symbolic links resolved) lies inside the directory it
//! belongs to. Errors are one short line; [`excerpt`] is the only way text of
//! a file reaches an error message.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    PermissionDenied,
    IsDirectory,
    /// A FIFO, a device or a socket (`what` says which).
    NotRegular(&'static str),
    /// Larger than `cap` bytes (`size` when known before reading).
    TooLarge {
        size: Option<u64>,
        cap: u64,
    },
    /// A NUL byte at this offset.
    Binary(usize),
    /// Invalid UTF-8 at this offset.
    NotUtf8(usize),
    /// Its real path leaves `root`.
    Outside(PathBuf),
    Other(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file or directory"),
            ReadError::PermissionDenied => f.write_str("permission denied"),
            ReadError::IsDirectory => f.write_str("is a directory"),
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what}), not read"),
            ReadError::TooLarge { size, cap } => {
                match size {
                    Some(n) => write!(f, "file is {n} bytes, ")?,
                    None => f.write_str("file is ")?,
                }
                write!(f, "larger than the {} limit", human(*cap))
            }
            ReadError::Binary(at) => write!(f, "binary file (NUL byte at offset {at})"),
            ReadError::NotUtf8(at) => write!(f, "not valid UTF-8 (invalid byte at offset {at})"),
            ReadError::Outside(root) => write!(
                f,
                "its real path is outside {}, not read",
                escape(&root.display().to_string())
            ),
            ReadError::Other(m) => f.write_str(m),
        }
    }
}

/// `1 MiB`, `256 KiB`, `100 bytes`.
pub fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / 1024 / 1024)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// An I/O error as one short line, without Rust's ` (os error N)`.
pub fn io_error(e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        std::io::ErrorKind::IsADirectory => ReadError::IsDirectory,
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s);
            let mut c = s.chars();
            let first = c.next().map(|f| f.to_lowercase().collect::<String>());
            ReadError::Other(first.unwrap_or_default() + c.as_str())
        }
    }
}

/// An I/O error as one short line.
pub fn io_message(e: &std::io::Error) -> String {
    io_error(e).to_string()
}

fn kind_of(ft: std::fs::FileType) -> Result<(), ReadError> {
    if ft.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if ft.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Err(ReadError::NotRegular("a FIFO"));
        }
        if ft.is_char_device() {
            return Err(ReadError::NotRegular("a character device"));
        }
        if ft.is_block_device() {
            return Err(ReadError::NotRegular("a block device"));
        }
        if ft.is_socket() {
            return Err(ReadError::NotRegular("a socket"));
        }
    }
    Err(ReadError::NotRegular("not a file"))
}

/// Open a regular file for reading without ever blocking on it: the kind is
/// checked before opening, the open itself does not wait (a FIFO swapped in
/// meanwhile), and the kind is checked again on what was opened.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    // a FIFO or device is refused before it is opened (opening one can
    // block or act), unless its directory's listing says it is a file
    if crate::dirs::lookup(path) != crate::dirs::Lookup::Is(crate::dirs::Kind::File) {
        let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
        kind_of(meta.file_type())?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path).map_err(|e| io_error(&e))?;
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    kind_of(meta.file_type())?;
    Ok((file, meta.len()))
}

/// The bytes of a regular file of at most `cap` bytes.
pub fn bytes(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    if len > cap {
        return Err(ReadError::TooLarge {
            size: Some(len),
            cap,
        });
    }
    // the file may grow while it is read
    capped(file, cap, len as usize)
}

/// At most `cap` bytes from `r` (a file, standard input), with room for
/// `expected` made first; `TooLarge` when there are more.
pub fn capped(r: impl Read, cap: u64, expected: usize) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::with_capacity(expected);
    r.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| io_error(&e))?;
    if out.len() as u64 > cap {
        return Err(ReadError::TooLarge { size: None, cap });
    }
    Ok(out)
}

/// Bytes as text: no NUL byte, valid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(p) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary(p));
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// The text of a regular file of at most `cap` bytes.
pub fn text(path: &Path, cap: u64) -> Result<String, ReadError> {
    decode(bytes(path, cap)?)
}

/// `path`'s real path, when it lies inside `root`'s real path.
pub fn inside(path: &Path, root: &Path) -> Result<PathBuf, ReadError> {
    let root_real = crate::dirs::real_path(root).map_err(|e| io_error(&e))?;
    inside_real(path, root, &root_real)
}

/// [`inside`], with `root`'s real path already known.
pub fn inside_real(path: &Path, root: &Path, root_real: &Path) -> Result<PathBuf, ReadError> {
    let real = crate::dirs::real_path(path).map_err(|e| io_error(&e))?;
    if real.starts_with(root_real) {
        Ok(real)
    } else {
        Err(ReadError::Outside(root.to_path_buf()))
    }
}

/// The text of a file found by dsig itself: its real path must lie inside
/// `root`.
pub fn text_inside(path: &Path, root: &Path, cap: u64) -> Result<String, ReadError> {
    let real = inside(path, root)?;
    text(&real, cap)
}

/// Control characters (and the Unicode ones that reorder or hide text) as
/// visible escapes: `\e`, `\u{7}`, `\n`... Everything else is kept.
pub fn escape(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// Like [`escape`], but keeps newlines and tabs (for multi-line output).
pub fn escape_keep_lines(s: &str) -> String {
    if !s.chars().any(|c| c != '\n' && c != '\t' && needs_escape(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' || c == '\t' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// Whether a character must not reach a terminal as it is.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{1b}' => out.push_str("\\e"),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// At most `max` characters of `s`, escaped, with `…` when cut: the only
/// form in which a file's text may appear in an error.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut cut: String = s.chars().take(max).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    escape(&cut)
}

/// Longest quoted piece of a file kept in an error message (characters).
pub const MAX_QUOTE: usize = 32;
/// Longest error message built from a parser's text (characters).
pub const MAX_MESSAGE: usize = 240;

/// A parser's error message made safe to print: one line, every quoted
/// piece (`"..."`, as serde and the YAML parser quote values) cut to
/// [`MAX_QUOTE`] characters, control characters escaped, and the whole
/// cut to [`MAX_MESSAGE`] characters.
pub fn message(msg: &str) -> String {
    let one: String = msg.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one.len().min(MAX_MESSAGE + 8));
    let mut rest = one.as_str();
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        // the closing quote: the next one not escaped by a backslash
        let mut close = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    close = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let (quoted, next) = match close {
            Some(i) => (&after[..i], &after[i + 1..]),
            None => (after, ""),
        };
        out.push('"');
        out.push_str(&excerpt(quoted, MAX_QUOTE));
        out.push('"');
        rest = next;
    }
    out.push_str(rest);
    excerpt(&out, MAX_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_capped() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(text(&p, 5).unwrap(), "hello");
        assert_eq!(
            text(&p, 4).unwrap_err().to_string(),
            "file is 5 bytes, larger than the 4 bytes limit"
        );
        assert_eq!(text(d.path(), 5).unwrap_err(), ReadError::IsDirectory);
        assert_eq!(
            text(&d.path().join("b"), 5).unwrap_err(),
            ReadError::NotFound
        );
        #[cfg(unix)]
        {
            let e = text(Path::new("/dev/zero"), 10).unwrap_err();
            assert_eq!(e, ReadError::NotRegular("a character device"));
            let fifo = d.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // the one unsafe call of the project: making a FIFO to read from
            #[allow(unsafe_code)]
            let made = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
            assert_eq!(made, 0);
            assert_eq!(
                text(&fifo, 10).unwrap_err(),
                ReadError::NotRegular("a FIFO")
            );
        }
    }

    #[test]
    fn confined_to_a_root() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(d.path().join("secret"), "key").unwrap();
        std::fs::write(root.join("in"), "ok").unwrap();
        assert_eq!(text_inside(&root.join("in"), &root, 10).unwrap(), "ok");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../secret", root.join("out")).unwrap();
            let e = text_inside(&root.join("out"), &root, 10).unwrap_err();
            assert!(matches!(e, ReadError::Outside(_)), "{e:?}");
            assert!(!e.to_string().contains("key"));
        }
    }

    #[test]
    fn escapes_and_excerpts() {
        assert_eq!(escape("a\u{1b}]0;x\u{7}b"), "a\\e]0;x\\u{7}b");
        assert_eq!(escape("plain ü"), "plain ü");
        assert_eq!(escape("\u{202e}x"), "\\u{202e}x");
        assert_eq!(escape_keep_lines("a\nb\u{1b}"), "a\nb\\e");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab\n", 10), "ab\\n");
    }

    #[test]
    fn messages_quote_little() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
        let m = message(&format!(
            "invalid type: string \"{key}\", expected struct Config"
        ));
        assert_eq!(
            m,
            "invalid type: string \"-----BEGIN OPENSSH PRIVATE KEY--…\", expected struct Config"
        );
        assert_eq!(message("a\n  b \"x\\\"y\" c"), "a b \"x\\\"y\" c");
        assert_eq!(message(&"x".repeat(1000)).chars().count(), MAX_MESSAGE + 1);
    }
}
