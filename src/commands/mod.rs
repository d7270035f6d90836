//! The commands: each takes its arguments and returns how the run ended,
//! or the [`Error`] that `main` prints.

pub mod explain;
pub mod guard;
pub mod lint;
pub mod lsp;
pub mod man;
pub mod ps;
pub mod rules;

use crate::cli::Cli;
use clap::CommandFactory;
use dsig::error::Error;
use std::io::Write;

/// How a command that ran ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report at the failing level: status 0.
    Clean,
    /// Findings at the failing level, or a diff to apply: status 1.
    Findings,
}

/// Write `text` to standard output.
pub fn print(text: impl AsRef<[u8]>) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_ref())
        .and_then(|()| out.flush())
        .map_err(|e| Error::output(None, &e))
}

/// `dsig completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit, Error> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "dsig", &mut out);
    print(&out)?;
    Ok(Exit::Clean)
}
