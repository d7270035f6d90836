//! The `dsig` command line.

use clap::{Parser, Subcommand, ValueEnum};
use dsig::diagnostic::Severity;
use dsig::files::{self, Input};
use dsig::lint::{LintOptions, lint_source};
use dsig::report::{self, FileError, FileResult, TtyOptions};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dsig",
    version,
    about = "Will this container stop cleanly? A Dockerfile linter for signals, PID 1 and shutdown."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Tty,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
    None,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles (files, directories, or - for stdin; default ./Dockerfile).
    Lint {
        paths: Vec<String>,
        /// Judge this build stage instead of the last one.
        #[arg(long)]
        target: Option<String>,
        /// Output format.
        #[arg(long, value_enum, env = "DSIG_FORMAT")]
        format: Option<Format>,
        /// Exit 1 when a finding at or above this level exists.
        #[arg(long, value_enum, default_value = "warning", env = "DSIG_FAIL_LEVEL")]
        fail_level: FailLevel,
        /// The build context (default: each Dockerfile's directory).
        #[arg(long)]
        context: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
    },
    /// Print the predicted process tree at `docker run`.
    Ps {
        path: Option<String>,
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        context: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print a rule's page.
    Explain { code: String },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Lint {
            paths,
            target,
            format,
            fail_level,
            context,
            color,
        } => lint(paths, target, format, fail_level, context, color),
        Command::Ps {
            path,
            target,
            context,
            format,
        } => ps(path, target, context, format),
        Command::Rules { format } => rules(format),
        Command::Explain { code } => match dsig::rules::find(&code) {
            Some(r) => {
                print!("{}", r.doc);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule {code:?} (see `dsig rules`)");
                ExitCode::from(2)
            }
        },
    }
}

fn rules_url(code: &str) -> String {
    format!("dsig explain {code}")
}

/// Read and lint one input.
fn lint_input(
    input: &Input,
    target: &Option<String>,
    context: &Option<PathBuf>,
) -> Result<FileResult, FileError> {
    let (name, text, dir) = match input {
        Input::Error { path, message } => {
            return Err(FileError {
                path: path.clone(),
                message: message.clone(),
            });
        }
        Input::Stdin => (
            "-".to_string(),
            files::read_stdin(),
            std::env::current_dir().ok(),
        ),
        Input::File(p) => (
            p.display().to_string(),
            files::read_dockerfile(p),
            Some(
                p.parent()
                    .map(Path::to_path_buf)
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or_else(|| PathBuf::from(".")),
            ),
        ),
    };
    let text = text.map_err(|message| FileError {
        path: name.clone(),
        message,
    })?;
    let opts = LintOptions {
        target: target.clone(),
        context: context.clone().or(dir),
        ..Default::default()
    };
    // Keep only the findings: the syntax tree is freed before the report
    // copies the text.
    let diagnostics = lint_source(&text, &opts)
        .map(|l| l.diagnostics)
        .map_err(|message| FileError {
            path: name.clone(),
            message,
        })?;
    Ok(FileResult::new(name, text, diagnostics))
}

fn lint(
    paths: Vec<String>,
    target: Option<String>,
    format: Option<Format>,
    fail_level: FailLevel,
    context: Option<PathBuf>,
    color: Color,
) -> ExitCode {
    let paths = if paths.is_empty() {
        vec!["Dockerfile".to_string()]
    } else {
        paths
    };
    let inputs = files::discover(&paths);
    let outcomes: Vec<Result<FileResult, FileError>> = inputs
        .par_iter()
        .map(|i| lint_input(i, &target, &context))
        .collect();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match o {
            Ok(r) => results.push(r),
            Err(e) => errors.push(e),
        }
    }
    let stdout = std::io::stdout();
    let is_tty = stdout.is_terminal();
    let format = format.unwrap_or(Format::Tty);
    let text = match format {
        Format::Json => report::render_json(&results, &errors),
        Format::Tty => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let use_color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => is_tty && !no_color,
            };
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(100);
            report::render_tty(
                &results,
                &errors,
                &TtyOptions {
                    color: use_color,
                    width,
                    rules_url,
                },
            )
        }
    };
    let mut out = stdout.lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    if format == Format::Json || !is_tty {
        // file errors always reach the terminal: one line each on stderr
        for e in &errors {
            eprintln!("error: {}: {}", e.path, e.message);
        }
    }
    if !errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = match fail_level {
        FailLevel::Error => Some(Severity::Error),
        FailLevel::Warning => Some(Severity::Warning),
        FailLevel::Info => Some(Severity::Info),
        FailLevel::None => None,
    };
    let failing = threshold.is_some_and(|t| {
        results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= t)
    });
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn ps(
    path: Option<String>,
    target: Option<String>,
    context: Option<PathBuf>,
    format: ListFormat,
) -> ExitCode {
    let path = path.unwrap_or_else(|| "Dockerfile".into());
    let (text, dir) = if path == "-" {
        (files::read_stdin(), std::env::current_dir().ok())
    } else {
        let p = Path::new(&path);
        (
            files::read_dockerfile(p),
            Some(
                p.parent()
                    .map(Path::to_path_buf)
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or_else(|| PathBuf::from(".")),
            ),
        )
    };
    let text = match text {
        Ok(t) => t,
        Err(m) => {
            eprintln!("error: {path}: {m}");
            return ExitCode::from(2);
        }
    };
    let opts = LintOptions {
        target,
        context: context.or(dir),
        ..Default::default()
    };
    let linted = match lint_source(&text, &opts) {
        Ok(l) => l,
        Err(m) => {
            eprintln!("error: {path}: {m}");
            return ExitCode::from(2);
        }
    };
    let (Some(launch), Some(chain)) = (&linted.launch, &linted.chain) else {
        eprintln!("error: {path}: no build stage (no FROM instruction)");
        return ExitCode::from(2);
    };
    let stage_name = linted.stages[launch.stage].name.as_deref();
    match format {
        ListFormat::Json => {
            let v = report::tree::render_json(&path, launch, chain);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        _ => print!(
            "{}",
            report::tree::render_text(&path, launch, stage_name, chain)
        ),
    }
    ExitCode::SUCCESS
}

fn rules(format: ListFormat) -> ExitCode {
    let all = dsig::rules::RULES;
    match format {
        ListFormat::Text => {
            for r in all {
                println!(
                    "{}  {:<24} {:<8} {}",
                    r.code,
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                );
            }
        }
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": r.default_severity.as_str(),
                        "summary": r.summary,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        ListFormat::Markdown => {
            println!("| code | name | severity | finds |\n|---|---|---|---|");
            for r in all {
                println!(
                    "| [{}](rules/{}.md) | {} | {} | {} |",
                    r.code,
                    r.code,
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                );
            }
        }
    }
    ExitCode::SUCCESS
}
