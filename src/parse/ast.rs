//! The Dockerfile syntax tree. Every item carries a byte span into the
//! original source (BOM included), so rules can point at it and fixes can
//! edit it without touching any other byte.

use crate::diagnostic::Span;

/// The instruction keywords Docker knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Kind {
    pub fn from_keyword(k: &str) -> Option<Kind> {
        // Case-insensitive, without allocating a lower-case copy.
        const ALL: [Kind; 18] = [
            Kind::Add,
            Kind::Arg,
            Kind::Cmd,
            Kind::Copy,
            Kind::Entrypoint,
            Kind::Env,
            Kind::Expose,
            Kind::From,
            Kind::Healthcheck,
            Kind::Label,
            Kind::Maintainer,
            Kind::Onbuild,
            Kind::Run,
            Kind::Shell,
            Kind::Stopsignal,
            Kind::User,
            Kind::Volume,
            Kind::Workdir,
        ];
        ALL.into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(k))
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
        }
    }

    /// Instructions whose arguments may be written as a JSON array.
    pub fn has_exec_form(self) -> bool {
        matches!(
            self,
            Kind::Cmd | Kind::Entrypoint | Kind::Run | Kind::Shell | Kind::Healthcheck
        )
    }

    pub fn can_contain_heredoc(self) -> bool {
        matches!(self, Kind::Run | Kind::Copy | Kind::Add)
    }
}

/// A string value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub span: Span,
}

/// `--name=value` (or `--name`) before the arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// As Docker reads it: `--from=build` (quotes removed).
    pub raw: String,
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// `KEY=value` of ENV/LABEL (sep `=`), or the legacy `KEY value` (sep empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    pub sep: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// No arguments.
    None,
    /// JSON (exec) form: the decoded strings, each span covering the quoted literal.
    Exec {
        words: Vec<Word>,
        span: Span,
    },
    /// Shell form: the text after continuation lines are joined.
    /// `json_error` is set when the text starts with `[` but is not a valid
    /// JSON string array: Docker then silently runs it through a shell.
    Shell {
        text: Word,
        json_error: Option<String>,
    },
    /// Whitespace- or word-delimited arguments (FROM, EXPOSE, COPY, ARG, ...).
    Words(Vec<Word>),
    /// A single string (USER, WORKDIR, STOPSIGNAL, MAINTAINER).
    String(Word),
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK: `CMD`/`NONE`/... then the command (exec, shell or none).
    Health {
        kind: Word,
        cmd: Box<Args>,
    },
    /// ONBUILD's trigger instruction.
    Onbuild(Box<Instruction>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    /// `<<-EOF`: leading tabs are stripped.
    pub chomp: bool,
    /// Quoted delimiter: no expansion in the body.
    pub quoted: bool,
    /// The `<<EOF` word in the instruction line.
    pub marker_span: Span,
    /// The body, without the terminator line.
    pub content: String,
    pub content_span: Span,
    /// 1-based line of the body's first line.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written (any case).
    pub keyword: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the last line (heredoc bodies included).
    pub span: Span,
    /// 1-based first and last line.
    pub line: usize,
    pub end_line: usize,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// The argument text after flags, continuation lines joined, and its span.
    pub args_text: String,
    pub args_span: Span,
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// Exec-form words, if the arguments are exec form.
    pub fn exec_words(&self) -> Option<&[Word]> {
        match &self.args {
            Args::Exec { words, .. } => Some(words),
            _ => None,
        }
    }

    /// Plain string arguments (FROM, EXPOSE, ...).
    pub fn words(&self) -> &[Word] {
        match &self.args {
            Args::Words(w) => w,
            Args::Exec { words, .. } => words,
            Args::String(w) => std::slice::from_ref(w),
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, trimmed.
    pub text: String,
    pub span: Span,
    /// 1-based line.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Shared with the findings made of it (and between errors that say
    /// the same thing).
    pub message: std::sync::Arc<str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dockerfile {
    /// The file starts with a UTF-8 byte order mark (3 bytes, included in spans).
    pub bom: bool,
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}
