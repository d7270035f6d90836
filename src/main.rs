//! The `dsig` command line: parse the arguments, run the command, and
//! print its error in one place.

// One allocator, mimalloc (its version 2, without transparent huge pages),
// for Rust and for tree-sitter's C code (see `main`): the corpus lints in
// 139 ms instead of 160 ms with the system's, whose threads' heaps grow a
// page at a time (hyperfine medians). Huge pages made no difference on the
// corpus and cost a one-file run 0.2 ms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A line on standard error, control characters escaped (paths and
/// messages may come from the files read).
macro_rules! say {
    ($($t:tt)*) => {
        eprintln!("{}", dsig::read::escape(&format!($($t)*)))
    };
}

mod cli;
mod commands;

use clap::Parser;
use cli::{Cli, Command};
use commands::Exit;
use dsig::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[allow(unsafe_code)]
    // SAFETY: called first, before any tree-sitter object exists and while
    // the program has one thread; the four functions are one allocator's.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: libmimalloc_sys::mi_malloc,
            calloc: libmimalloc_sys::mi_calloc,
            realloc: libmimalloc_sys::mi_realloc,
            free: libmimalloc_sys::mi_free,
        }));
    }
    commands::guard::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // one run over files that do not change while it reads them (the
    // language server runs while they are edited)
    if !matches!(cli.command, Command::Lsp) {
        dsig::dirs::trust_listings();
    }
    let ran = match cli.command {
        Command::Lsp => commands::lsp::run(),
        Command::Lint(req) => commands::lint::run(req),
        Command::Ps(req) => commands::ps::run(req),
        Command::Rules { format } => commands::rules::run(format),
        Command::Explain { code } => commands::explain::run(&code),
        Command::Completions { shell } => commands::completions(shell),
        Command::Man { command } => commands::man::run(command.as_deref()),
    };
    exit(ran)
}

/// The one place an error is printed and the exit status chosen: 0 clean,
/// 1 findings, 2 an error (a closed pipe on standard output ends quietly).
fn exit(ran: Result<Exit, Error>) -> ExitCode {
    match ran {
        Ok(Exit::Clean) => ExitCode::SUCCESS,
        Ok(Exit::Findings) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            for line in e.lines() {
                say!("error: {line}");
            }
            ExitCode::from(2)
        }
    }
}
