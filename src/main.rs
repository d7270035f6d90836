//! The `dsig` command line.

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use dsig::config::{self, FailLevel, Loaded, Source};
use dsig::files::{self, Input};
use dsig::fix;
use dsig::lint::{LintOptions, lint_source};
use dsig::model::ModelOptions;
use dsig::report::{self, FileError, FileResult, TtyOptions};
use dsig::suppress::Filter;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// A line on standard error, control characters escaped (paths and
/// messages may come from the files read).
macro_rules! say {
    ($($t:tt)*) => {
        eprintln!("{}", dsig::read::escape(&format!($($t)*)))
    };
}

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
    /// For a terminal (the default).
    Tty,
    /// dsig's own JSON.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
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

/// Where the configuration comes from.
#[derive(Args)]
struct ConfigArgs {
    /// Use this configuration file for every input (default: the nearest
    /// .dsig.yaml between each file's directory and the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    no_config: bool,
}

impl ConfigArgs {
    fn source(&self) -> Result<Source, String> {
        if self.no_config {
            return Ok(Source::None);
        }
        match &self.config {
            Some(p) => config::load(p)
                .map(|l| Source::File(Arc::new(l)))
                .map_err(|e| e.to_string()),
            None => Ok(Source::Discover(Default::default())),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles (files, directories, or - for stdin; default ./Dockerfile).
    Lint(LintRequest),
    /// Print the predicted process tree at `docker run`.
    Ps {
        path: Option<String>,
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        context: Option<PathBuf>,
        #[arg(long)]
        compose: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print a rule's page.
    Explain { code: String },
    /// Print a shell completion script (e.g. `dsig completions bash > /etc/bash_completion.d/dsig`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `dsig man > dsig.1`.
    Man,
}

/// Everything `dsig lint` was asked.
#[derive(clap::Args)]
struct LintRequest {
    paths: Vec<String>,
    /// Judge this build stage instead of the last one.
    #[arg(long)]
    target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, env = "DSIG_FORMAT")]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this level exists [default: warning, or the
    /// configuration's fail-level].
    #[arg(long, value_enum, env = "DSIG_FAIL_LEVEL")]
    fail_level: Option<FailLevel>,
    /// The build context (default: each Dockerfile's directory).
    #[arg(long)]
    context: Option<PathBuf>,
    /// A compose file whose services build the Dockerfile (default:
    /// compose.yaml, compose.yml, docker-compose.yml or
    /// docker-compose.yaml beside it).
    #[arg(long)]
    compose: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Report `# dsig ignore=` comments that suppressed nothing (DSIG900).
    #[arg(long)]
    warn_unused_ignores: bool,
    /// Apply the safe fixes to the files (atomically; files with syntax
    /// errors are left alone), then report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, also apply the unsafe fixes.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when
    /// there is a change).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    #[command(flatten)]
    config: ConfigArgs,
}

// The last panic of this thread, kept by the hook for `guarded`, and
// whether the thread is inside `guarded`.
thread_local! {
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics inside [`guarded`] are kept quietly (they become one file's
/// error); anywhere else they are reported as usual.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(|g| g.get()) {
            return default(info);
        }
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC.with(|p| {
            *p.borrow_mut() = Some(format!("{}{at}", dsig::read::excerpt(&payload, 120)))
        });
    }));
}

/// Run one file's work so that a panic in it becomes that file's error:
/// the other files are still linted and the report is still written.
fn guarded<T>(path: &str, f: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    GUARDED.with(|g| g.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    r.unwrap_or_else(|_| {
        let why = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
        Err(FileError {
            path: path.to_string(),
            message: format!("internal error, not linted (please report it): {why}"),
        })
    })
}

/// The path an input is reported under.
fn input_name(input: &Input) -> String {
    match input {
        Input::File(p) => p.display().to_string(),
        Input::Stdin => "-".into(),
        Input::Error { path, .. } => path.clone(),
    }
}

/// Whether an error is a closed pipe, also when a serializer wrapped it.
fn is_broken_pipe(e: &std::io::Error) -> bool {
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

fn main() -> ExitCode {
    install_panic_hook();
    // one run over files that do not change while it reads them
    dsig::dirs::trust_listings();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Lint(req) => lint(req),
        Command::Ps {
            path,
            target,
            context,
            compose,
            format,
            config,
        } => ps(path, target, context, compose, format, config),
        Command::Rules { format } => rules(format),
        Command::Explain { code } => match dsig::rules::find(&code) {
            Some(r) => {
                print!("{}", r.doc);
                ExitCode::SUCCESS
            }
            None => {
                say!("error: no rule {code:?} (see `dsig rules`)");
                ExitCode::from(2)
            }
        },
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "dsig", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            let mut out = Vec::new();
            if clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .is_err()
            {
                say!("error: could not render the man page");
                return ExitCode::from(2);
            }
            let _ = std::io::stdout().write_all(&out);
            ExitCode::SUCCESS
        }
    }
}

fn rules_url(code: &str) -> String {
    format!("dsig explain {code}")
}

use dsig::dirs::parent_dir as dir_of;

/// A file's path relative to its repository root, with `/` separators; the
/// path as given when it is in no repository.
fn repo_path(p: &Path) -> String {
    let given = || p.display().to_string().replace('\\', "/");
    let Some(root) = config::repo_root(&dir_of(p)) else {
        return given();
    };
    match config::absolute(p).strip_prefix(&root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => given(),
    }
}

/// Lint options from a file's configuration and the command line.
fn options(
    cfg: Option<&Loaded>,
    target: &Option<String>,
    context: Option<PathBuf>,
    warn_unused_ignores: bool,
) -> LintOptions {
    let mut o = LintOptions {
        target: target.clone(),
        context,
        ..Default::default()
    };
    o.filter = Filter {
        warn_unused_ignores,
        ..Default::default()
    };
    if let Some(c) = cfg.map(|l| &l.config) {
        o.runtime_init = cfg
            .filter(|_| c.init)
            .map(|l| format!("{}: init: true", l.path.display()));
        o.model = ModelOptions {
            shells: c
                .shells
                .iter()
                .map(|(k, v)| (k.clone(), v.kind()))
                .collect(),
        };
        o.filter.ignore = c.ignore.iter().map(|c| c.0).collect();
        o.filter.severity = c
            .severity
            .iter()
            .map(|(code, level)| (code.0, level.severity()))
            .collect();
    }
    o
}

/// One input to lint, with the configuration that applies to it.
struct Job {
    input: Input,
    config: Option<Arc<Loaded>>,
}

/// A linted file and the level at which its findings fail.
struct Outcome {
    result: FileResult,
    fail_level: FailLevel,
    /// `--diff`: the unified diff of the fixes.
    diff: Option<Vec<(String, String)>>,
    /// `--fix`: how many fixes were written, or why none could be.
    fixed: Option<Result<usize, String>>,
}

/// Read and lint one input.
fn lint_input(job: &Job, req: &LintRequest) -> Result<Outcome, FileError> {
    // Fault injection for the tests of [`guarded`]: no input makes dsig
    // panic, so the tests need a way to make one.
    if let (Some(marker), Input::File(p)) = (std::env::var_os("DSIG_TEST_PANIC_ON"), &job.input)
        && !marker.is_empty()
        && p.as_os_str()
            .to_string_lossy()
            .contains(&*marker.to_string_lossy())
    {
        panic!("injected by DSIG_TEST_PANIC_ON");
    }
    let (name, text, dir, repo) = match &job.input {
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
            "-".to_string(),
        ),
        Input::File(p) => (
            p.display().to_string(),
            files::read_dockerfile(p),
            Some(dir_of(p)),
            repo_path(p),
        ),
    };
    let text = text.map_err(|message| FileError {
        path: name.clone(),
        message,
    })?;
    let cfg = job.config.as_deref();
    let mut opts = options(
        cfg,
        &req.target,
        req.context.clone().or(dir),
        req.warn_unused_ignores,
    );
    opts.dockerfile_path = match &job.input {
        Input::File(p) => Some(p.clone()),
        _ => None,
    };
    opts.compose = req.compose.clone();
    let mut text = text;
    let mut linted = lint_source(&text, &opts).map_err(|message| FileError {
        path: name.clone(),
        message,
    })?;
    let mut diff = None;
    let mut fixed = None;
    let wants_fix = (req.fix || req.diff) && linted.diagnostics.iter().any(|d| d.fix().is_some());
    if wants_fix {
        // A fixed entrypoint script can make new fixes of the Dockerfile
        // possible (e.g. an init once the app is PID 1): a few passes until
        // no other file changes, so a second --fix changes nothing.
        let mut total = 0;
        for _pass in 0..3 {
            let mut wrote_other = false;
            match fix::fix_source(&text, &opts, req.unsafe_fixes) {
                Err(why) => fixed = Some(Err(why)),
                Ok(f) if f.text == text && f.external.is_empty() => fixed = Some(Ok(total)),
                Ok(f) => {
                    // the script half of a fix cannot be made: none of it is
                    let others = match fix::external_changes(&f.external) {
                        Ok(o) => o,
                        Err(why) => {
                            fixed = Some(Err(why));
                            break;
                        }
                    };
                    if req.diff {
                        let mut d = Vec::new();
                        if f.text != text {
                            d.push((name.clone(), fix::unified_diff(&name, &text, &f.text)));
                        }
                        for c in &others {
                            let shown = c.path.display().to_string();
                            d.push((shown.clone(), fix::unified_diff(&shown, &c.old, &c.new)));
                        }
                        diff = Some(d);
                    } else {
                        let Input::File(path) = &job.input else {
                            return Err(FileError {
                                path: name,
                                message: "cannot fix standard input in place; use --diff".into(),
                            });
                        };
                        let mut changes = Vec::new();
                        if f.text != text {
                            changes.push(fix::Change {
                                path: path.clone(),
                                display: name.clone(),
                                old: text.clone(),
                                new: f.text.clone(),
                            });
                        }
                        changes.extend(others.iter().cloned());
                        fix::write_all(&changes)
                            .map_err(|(path, message)| FileError { path, message })?;
                        total += f.applied.len();
                        fixed = Some(Ok(total));
                        wrote_other = !others.is_empty();
                        text = f.text;
                        linted = lint_source(&text, &opts).map_err(|message| FileError {
                            path: name.clone(),
                            message,
                        })?;
                    }
                }
            }

            if !wrote_other {
                break;
            }
        }
    }
    let fail_level = req
        .fail_level
        .or(cfg.and_then(|c| c.config.fail_level))
        .unwrap_or(FailLevel::Warning);
    // the findings are all that is kept: the syntax tree and the model go
    // before the report's copy of the text is made
    let diagnostics = std::mem::take(&mut linted.diagnostics);
    drop(linted);
    Ok(Outcome {
        result: FileResult::new(name, text, diagnostics).with_repo_path(repo),
        fail_level,
        diff,
        fixed,
    })
}

fn lint(req: LintRequest) -> ExitCode {
    let mut source = match req.config.source() {
        Ok(s) => s,
        Err(e) => {
            say!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let docs = match dsig::docs::base_url(std::env::var(dsig::docs::DOCS_URL_ENV).ok().as_deref()) {
        Ok(d) => d,
        Err(e) => {
            say!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let paths = if req.paths.is_empty() {
        vec!["Dockerfile".to_string()]
    } else {
        req.paths.clone()
    };
    let mut jobs = Vec::new();
    for input in files::discover(&paths) {
        let dir = match &input {
            Input::File(p) => Some(dir_of(p)),
            Input::Stdin => Some(PathBuf::from(".")),
            Input::Error { .. } => None,
        };
        let config = dir.and_then(|d| source.for_dir(&d));
        if let (Input::File(p), Some(c)) = (&input, &config)
            && c.excludes(p)
        {
            continue;
        }
        jobs.push(Job { input, config });
    }
    if !source.errors().is_empty() {
        for e in source.errors() {
            say!("error: {e}");
        }
        return ExitCode::from(2);
    }
    let outcomes: Vec<Result<Outcome, FileError>> = jobs
        .par_iter()
        .map(|j| guarded(&input_name(&j.input), || lint_input(j, &req)))
        .collect();
    let mut results = Vec::new();
    let mut levels = Vec::new();
    let mut errors = Vec::new();
    let mut diffs = String::new();
    // a script shared by two Dockerfiles is shown once
    let mut shown_diffs = std::collections::HashSet::new();
    let (mut fixes, mut fixed_files) = (0, 0);
    for o in outcomes {
        match o {
            Ok(o) => {
                for (path, d) in o.diff.iter().flatten() {
                    if shown_diffs.insert((path.clone(), d.clone())) {
                        diffs.push_str(d);
                    }
                }
                match &o.fixed {
                    Some(Ok(n)) if *n > 0 => {
                        fixes += n;
                        fixed_files += 1;
                    }
                    Some(Err(why)) => say!("{}: {why}", o.result.path),
                    _ => {}
                }
                results.push(o.result);
                levels.push(o.fail_level);
            }
            Err(e) => errors.push(e),
        }
    }
    if req.diff {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(diffs.as_bytes());
        let _ = out.flush();
        for e in &errors {
            say!("error: {}: {}", e.path, e.message);
        }
        return if !errors.is_empty() {
            ExitCode::from(2)
        } else if diffs.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    if req.fix {
        say!(
            "fixed {fixes} finding{} in {fixed_files} file{}",
            if fixes == 1 { "" } else { "s" },
            if fixed_files == 1 { "" } else { "s" }
        );
    }
    let stdout = std::io::stdout();
    let to_terminal = req.output.is_none() && stdout.is_terminal();
    let format = req.format.unwrap_or(Format::Tty);
    let tool = || dsig::docs::tool_info(docs.as_deref());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let use_color = match req.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && !no_color,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    // The report is written as it is made, never held whole.
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, w);
        match format {
            Format::Json => report::write_json(&mut w, &results, &errors),
            Format::Sarif => report::write_sarif(&mut w, &results, &errors, &tool()),
            Format::Github => report::write_github(&mut w, &results, &errors),
            Format::Gitlab => report::write_gitlab(&mut w, &results),
            Format::Checkstyle => report::write_checkstyle(&mut w, &results, &errors),
            Format::Tty => report::write_tty(
                &mut w,
                &results,
                &errors,
                &TtyOptions {
                    color: use_color,
                    width,
                    rules_url,
                },
            ),
        }?;
        w.flush()
    };
    match &req.output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|mut f| write(&mut f));
            if let Err(e) = written {
                say!(
                    "error: {}: cannot write the report: {}",
                    path.display(),
                    dsig::read::io_message(&e)
                );
                return ExitCode::from(2);
            }
        }
        None => {
            let mut out = stdout.lock();
            // a reader that stopped reading (`| head`) ends the run quietly
            if let Err(e) = write(&mut out)
                && !is_broken_pipe(&e)
            {
                say!(
                    "error: cannot write the report: {}",
                    dsig::read::io_message(&e)
                );
                return ExitCode::from(2);
            }
        }
    }
    if !(format == Format::Tty && to_terminal) {
        // file errors always reach the terminal: one line each on stderr
        for e in &errors {
            say!("error: {}: {}", e.path, e.message);
        }
    }
    if !errors.is_empty() {
        return ExitCode::from(2);
    }
    let failing = results.iter().zip(&levels).any(|(r, level)| {
        level
            .threshold()
            .is_some_and(|t| r.diagnostics.iter().any(|d| d.severity >= t))
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
    compose: Option<PathBuf>,
    format: ListFormat,
    config: ConfigArgs,
) -> ExitCode {
    let mut source = match config.source() {
        Ok(s) => s,
        Err(e) => {
            say!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let path = path.unwrap_or_else(|| "Dockerfile".into());
    let (text, dir) = if path == "-" {
        (files::read_stdin(), std::env::current_dir().ok())
    } else {
        let p = Path::new(&path);
        (files::read_dockerfile(p), Some(dir_of(p)))
    };
    let text = match text {
        Ok(t) => t,
        Err(m) => {
            say!("error: {path}: {m}");
            return ExitCode::from(2);
        }
    };
    let cfg = source.for_dir(dir.as_deref().unwrap_or(Path::new(".")));
    if let Some(e) = source.errors().first() {
        say!("error: {e}");
        return ExitCode::from(2);
    }
    let mut opts = options(cfg.as_deref(), &target, context.or(dir), false);
    opts.dockerfile_path = (path != "-").then(|| PathBuf::from(&path));
    opts.compose = compose;
    let linted = match guarded(&path, || {
        lint_source(&text, &opts).map_err(|message| FileError {
            path: path.clone(),
            message,
        })
    }) {
        Ok(l) => l,
        Err(e) => {
            say!("error: {path}: {}", e.message);
            return ExitCode::from(2);
        }
    };
    let (Some(launch), Some(chain)) = (&linted.launch, &linted.chain) else {
        say!("error: {path}: no build stage (no FROM instruction)");
        return ExitCode::from(2);
    };
    let stage_name = linted.stages[launch.stage].name.as_deref();
    match format {
        ListFormat::Json => {
            let v = report::tree::render_json(&path, launch, chain);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        // control characters of the files read are shown escaped
        _ => print!(
            "{}",
            dsig::read::escape_keep_lines(&report::tree::render_text(
                &path, launch, stage_name, chain
            ))
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
                    r.name(),
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
                        "name": r.name(),
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
                    r.name(),
                    r.default_severity.as_str(),
                    r.summary
                );
            }
        }
    }
    ExitCode::SUCCESS
}
