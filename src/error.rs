//! The one error type of the program. Every failure that ends a command,
//! or that keeps one file from being linted, is an [`Error`]; the command
//! line prints it in one place (one line each, `error: ` first) and exits
//! with status 2. A reader that stopped reading (`dsig ... | head`) is not
//! an error worth a line: [`Error::is_broken_pipe`] lets the printer stay
//! quiet, as other command-line tools do.

use crate::report::FileError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The run cannot start or go on: a bad configuration, environment
    /// variable or argument. The text names what is wrong.
    Setup(String),
    /// Files that could not be read, linted or written. The other files
    /// were linted and reported.
    Files(Vec<FileError>),
    /// Output could not be written: to `path`, or to standard output.
    Output {
        path: Option<PathBuf>,
        message: String,
        broken_pipe: bool,
    },
    /// Several setup errors found together (e.g. two configuration files).
    Several(Vec<Error>),
}

impl Error {
    /// One file's error.
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Files(vec![FileError {
            path: path.into(),
            message: message.into(),
        }])
    }

    /// An error writing output.
    pub fn output(path: Option<PathBuf>, e: &std::io::Error) -> Error {
        Error::Output {
            path,
            message: crate::read::io_message(e),
            broken_pipe: is_broken_pipe(e),
        }
    }

    /// Whether this is only a closed pipe on standard output.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(
            self,
            Error::Output {
                path: None,
                broken_pipe: true,
                ..
            }
        )
    }

    /// The lines to print, without the `error: ` prefix; none for a closed
    /// pipe.
    pub fn lines(&self) -> Vec<String> {
        match self {
            _ if self.is_broken_pipe() => Vec::new(),
            Error::Setup(m) => vec![m.clone()],
            Error::Files(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect(),
            Error::Output {
                path: Some(p),
                message,
                ..
            } => vec![format!(
                "{}: cannot write the report: {message}",
                p.display()
            )],
            Error::Output { message, .. } => vec![format!("cannot write the report: {message}")],
            Error::Several(all) => all.iter().flat_map(Error::lines).collect(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl std::error::Error for Error {}

impl From<FileError> for Error {
    fn from(e: FileError) -> Error {
        Error::Files(vec![e])
    }
}

/// Whether an error is a closed pipe, also when a serializer wrapped it.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            // the error an io::Error wraps (a serializer's)
            if let Some(inner) = io.get_ref() {
                cur = Some(inner);
                continue;
            }
        }
        if let Some(j) = err.downcast_ref::<serde_json::Error>()
            && j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_file() {
        let e = Error::file("a/Dockerfile", "is a directory");
        assert_eq!(e.lines(), ["a/Dockerfile: is a directory"]);
    }

    #[test]
    fn a_closed_pipe_is_quiet_and_wrapped_ones_are_found() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(Error::output(None, &pipe).lines().is_empty());
        // the same error writing a named file is said
        assert_eq!(Error::output(Some("r.json".into()), &pipe).lines().len(), 1);
        let wrapped = std::io::Error::other(pipe);
        assert!(is_broken_pipe(&wrapped));
        let other = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(!is_broken_pipe(&other));
        assert_eq!(
            Error::output(None, &other).lines(),
            ["cannot write the report: permission denied"]
        );
    }

    #[test]
    fn several_errors_are_one_line_each() {
        let e = Error::Several(vec![Error::Setup("a".into()), Error::Setup("b".into())]);
        assert_eq!(e.to_string(), "a\nb");
    }
}
