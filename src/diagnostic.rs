//! Findings produced by rules, independent of how they are rendered.

use serde::Serialize;

/// A half-open byte range `[start, end)` into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix can be applied without changing what the container does
/// beyond the finding it fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
    /// The edit is in another file than the one linted (an entrypoint
    /// script); `span` is then a byte range of that file.
    pub file: Option<FileRef>,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: replacement.into(),
            file: None,
        }
    }
}

/// Another file an edit applies to, with the edit's position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// Where to open it.
    pub path: std::path::PathBuf,
    /// As shown to users: relative to the build context.
    pub display: String,
    /// 1-based start and end of the span (columns in characters).
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The text expected at the span's start when the fix is applied (the
    /// file must not have changed since it was read).
    pub expect: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule code, e.g. `DSIG001`.
    pub code: &'static str,
    /// Rule name, e.g. `shell-form-cmd`.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The literal fix in words, e.g. `write CMD ["node", "server.js"]`.
    pub help: Option<String>,
    /// Where the finding points, in the file being linted.
    pub span: Span,
    /// Short text shown under the underlined span.
    pub label: Option<String>,
    pub fix: Option<Box<Fix>>,
}
