//! Findings produced by rules, independent of how they are rendered.

use serde::Serialize;
use std::sync::Arc;

pub use crate::code::RuleCode;

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
///
/// Kept small (48 bytes): a file can hold a hundred thousand findings, so
/// the rule is a one-byte code, and the message and the rarer parts (help,
/// label, fix) are shared between findings that say the same thing (a
/// clone costs no copy of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Which rule, e.g. `DSIG001` (`shell-form-cmd`).
    pub code: RuleCode,
    pub severity: Severity,
    /// Where the finding points, in the file being linted.
    pub span: Span,
    pub message: Arc<str>,
    extra: Option<Arc<Extra>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Extra {
    help: Option<String>,
    label: Option<String>,
    fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: RuleCode,
        severity: Severity,
        span: Span,
        message: impl Into<Arc<str>>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            extra: None,
        }
    }

    /// The rule's name, e.g. `shell-form-cmd`.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }

    /// The literal fix in words, e.g. `write CMD ["node", "server.js"]`.
    pub fn help(&self) -> Option<&str> {
        self.extra.as_ref()?.help.as_deref()
    }

    /// Short text shown under the underlined span.
    pub fn label(&self) -> Option<&str> {
        self.extra.as_ref()?.label.as_deref()
    }

    pub fn fix(&self) -> Option<&Fix> {
        self.extra.as_ref()?.fix.as_ref()
    }

    fn extra_mut(&mut self) -> &mut Extra {
        Arc::make_mut(self.extra.get_or_insert_with(Default::default))
    }

    pub fn set_help(&mut self, help: impl Into<String>) {
        self.extra_mut().help = Some(help.into());
    }

    pub fn set_label(&mut self, label: impl Into<String>) {
        self.extra_mut().label = Some(label.into());
    }

    pub fn set_fix(&mut self, fix: Fix) {
        self.extra_mut().fix = Some(fix);
    }

    /// Remove the fix and return it.
    pub fn take_fix(&mut self) -> Option<Fix> {
        self.fix()?;
        self.extra_mut().fix.take()
    }

    pub fn fix_mut(&mut self) -> Option<&mut Fix> {
        self.fix()?;
        self.extra_mut().fix.as_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_stays_small_and_clones_share_their_parts() {
        // a file of 100,000 findings must stay within 10x its size
        assert!(std::mem::size_of::<Diagnostic>() <= 48);
        let mut d = Diagnostic::new(RuleCode::Dsig000, Severity::Error, Span::new(0, 4), "m");
        assert_eq!((d.help(), d.label(), d.fix()), (None, None, None));
        d.set_label("Docker rejects this");
        let mut e = d.clone();
        assert!(Arc::ptr_eq(&d.message, &e.message));
        // changing a clone leaves the original as it was
        e.set_help("h");
        assert_eq!((d.help(), e.help()), (None, Some("h")));
        assert_eq!(e.label(), Some("Docker rejects this"));
        assert_eq!(d.take_fix(), None);
        e.set_fix(Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit::new(Span::new(0, 1), "x")],
        });
        assert!(d.fix().is_none() && e.fix().is_some());
        assert!(e.take_fix().is_some() && e.fix().is_none());
        assert_eq!(d.name(), "syntax-error");
    }
}
