//! `dsig lint`: find the inputs, lint each (in parallel, a panic kept to
//! its file), fix or diff them when asked, and write the report.

use super::Exit;
use super::guard::guarded;
use crate::cli::settings::{options, repo_path};
use crate::cli::{Color, Format, LintRequest};
use dsig::config::{FailLevel, Loaded, Source};
use dsig::error::Error;
use dsig::files::{self, Input};
use dsig::fix::{self, Mode};
use dsig::lint::lint_source;
use dsig::lint_manifest::lint_manifest;
use dsig::report::{self, FileError, FileResult, TtyOptions};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

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

/// Every file's outcome, gathered in input order.
#[derive(Default)]
struct Gathered {
    results: Vec<FileResult>,
    levels: Vec<FailLevel>,
    errors: Vec<FileError>,
    diffs: String,
    fixes: usize,
    fixed_files: usize,
}

pub fn run(req: LintRequest) -> Result<Exit, Error> {
    let mut source = req.config.source()?;
    let docs = dsig::docs::base_url(std::env::var(dsig::docs::DOCS_URL_ENV).ok().as_deref())
        .map_err(Error::Setup)?;
    let jobs = jobs(&req, &mut source)?;
    let one = |j: &Job| guarded(&input_name(&j.input, &req), || lint_input(j, &req));
    // one file is linted on this thread: starting the pool costs more
    let outcomes: Vec<Result<Outcome, FileError>> = if jobs.len() == 1 {
        jobs.iter().map(one).collect()
    } else {
        jobs.par_iter().map(one).collect()
    };
    let g = gather(outcomes);
    if req.diff {
        match super::print(&g.diffs) {
            // a reader that stopped reading ends the run quietly
            Err(e) if !e.is_broken_pipe() => return Err(e),
            _ => {}
        }
        return finish(g.errors, !g.diffs.is_empty());
    }
    if req.fix && !req.quiet {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        say!(
            "fixed {} finding{} in {} file{}",
            g.fixes,
            s(g.fixes),
            g.fixed_files,
            s(g.fixed_files)
        );
    }
    write_report(&req, docs.as_deref(), &g)?;
    let failing = g.results.iter().zip(&g.levels).any(|(r, level)| {
        level
            .threshold()
            .is_some_and(|t| r.diagnostics.iter().any(|d| d.severity >= t))
    });
    finish(g.errors, failing)
}

/// The end of a run: the file errors, or whether findings fail it.
fn finish(errors: Vec<FileError>, failing: bool) -> Result<Exit, Error> {
    if !errors.is_empty() {
        return Err(Error::Files(errors));
    }
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

/// The inputs the paths name, each with its configuration; excluded files
/// are left out.
fn jobs(req: &LintRequest, source: &mut Source) -> Result<Vec<Job>, Error> {
    let paths = if req.paths.is_empty() {
        vec!["Dockerfile".to_string()]
    } else {
        req.paths.clone()
    };
    let mut jobs = Vec::new();
    let mut is_manifest = |p: &std::path::Path| {
        source
            .for_dir(&dsig::dirs::parent_dir(p))
            .is_some_and(|c| c.is_manifest(p))
    };
    let inputs = files::discover_with(&paths, &mut is_manifest);
    for input in inputs {
        let dir = match &input {
            Input::File(p) => Some(dsig::dirs::parent_dir(p)),
            Input::Stdin => Some(match &req.stdin_filename {
                Some(p) => dsig::dirs::parent_dir(p),
                None => PathBuf::from("."),
            }),
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
        let all = source.errors().iter();
        return Err(Error::Several(
            all.map(|e| Error::Setup(e.to_string())).collect(),
        ));
    }
    Ok(jobs)
}

/// The path an input is reported under.
fn input_name(input: &Input, req: &LintRequest) -> String {
    match input {
        Input::File(p) => p.display().to_string(),
        Input::Stdin => stdin_name(req),
        Input::Error { path, .. } => path.clone(),
    }
}

/// The name standard input is shown under: `--stdin-filename`, or `-`.
fn stdin_name(req: &LintRequest) -> String {
    req.stdin_filename
        .as_ref()
        .map_or_else(|| "-".into(), |p| p.display().to_string())
}

/// Gather the outcomes: results, fail levels, errors, the diffs (a script
/// shared by two Dockerfiles is shown once) and the count of fixes.
fn gather(outcomes: Vec<Result<Outcome, FileError>>) -> Gathered {
    let mut g = Gathered::default();
    let mut shown_diffs = HashSet::new();
    for o in outcomes {
        let o = match o {
            Ok(o) => o,
            Err(e) => {
                g.errors.push(e);
                continue;
            }
        };
        for (path, d) in o.diff.iter().flatten() {
            if shown_diffs.insert((path.clone(), d.clone())) {
                g.diffs.push_str(d);
            }
        }
        match &o.fixed {
            Some(Ok(n)) if *n > 0 => {
                g.fixes += n;
                g.fixed_files += 1;
            }
            Some(Err(why)) => say!("{}: {why}", o.result.path),
            _ => {}
        }
        g.results.push(o.result);
        g.levels.push(o.fail_level);
    }
    g
}

/// Fault injection for the tests of [`guarded`]: no input makes dsig
/// panic, so the tests need a way to make one.
fn injected_panic(input: &Input) {
    if let (Some(marker), Input::File(p)) = (std::env::var_os("DSIG_TEST_PANIC_ON"), input)
        && !marker.is_empty()
        && p.as_os_str()
            .to_string_lossy()
            .contains(&*marker.to_string_lossy())
    {
        panic!("injected by DSIG_TEST_PANIC_ON");
    }
}

/// Where an input's path in its repository comes from. It is worked out
/// only for a file with findings: the formats that print it print it beside
/// a finding.
enum RepoOf {
    Path(PathBuf),
    Stdin,
}

/// A linted file's result, with its path in its repository when it has
/// findings.
fn file_result(
    name: String,
    text: String,
    diagnostics: Vec<dsig::diagnostic::Diagnostic>,
    repo: &RepoOf,
) -> FileResult {
    let r = FileResult::new(name, text, diagnostics);
    if r.diagnostics.is_empty() {
        return r;
    }
    r.with_repo_path(match repo {
        RepoOf::Path(p) => repo_path(p),
        RepoOf::Stdin => "-".to_string(),
    })
}

/// Read one input: its shown name, text, directory and where its path in
/// its repository comes from.
fn read_input(
    input: &Input,
    req: &LintRequest,
) -> Result<(String, String, Option<PathBuf>, RepoOf), FileError> {
    let (name, text, dir, repo) = match input {
        Input::Error { path, message } => {
            return Err(FileError {
                path: path.clone(),
                message: message.clone(),
            });
        }
        Input::Stdin => match &req.stdin_filename {
            Some(p) => (
                stdin_name(req),
                files::read_stdin(),
                Some(dsig::dirs::parent_dir(p)),
                RepoOf::Path(p.clone()),
            ),
            None => (
                "-".to_string(),
                files::read_stdin(),
                std::env::current_dir().ok(),
                RepoOf::Stdin,
            ),
        },
        Input::File(p) => (
            p.display().to_string(),
            files::read_dockerfile(p),
            Some(dsig::dirs::parent_dir(p)),
            RepoOf::Path(p.clone()),
        ),
    };
    match text {
        Ok(text) => Ok((name, text, dir, repo)),
        Err(message) => Err(FileError {
            path: name,
            message,
        }),
    }
}

/// Read and lint one input, fixing it when asked.
fn lint_input(job: &Job, req: &LintRequest) -> Result<Outcome, FileError> {
    injected_panic(&job.input);
    let (name, mut text, dir, repo) = read_input(&job.input, req)?;
    let cfg = job.config.as_deref();
    let mut opts = options(
        cfg,
        &req.target,
        req.context.clone().or(dir),
        req.warn_unused_ignores,
        &req.rules,
    );
    let path = match &job.input {
        Input::File(p) => Some(p.clone()),
        _ => None,
    };
    let fail_level = req
        .fail_level
        .or(cfg.and_then(|c| c.config.fail_level))
        .unwrap_or(FailLevel::Warning);
    opts.dockerfile_path = path.clone().or_else(|| req.stdin_filename.clone());
    if dsig::manifest::looks_like(&text) {
        return lint_manifest_input(job, req, name, text, repo, &opts, fail_level);
    }
    opts.compose = req.compose.clone();
    let mut linted = lint_source(&text, &opts).map_err(|message| FileError {
        path: name.clone(),
        message,
    })?;
    let (mut diff, mut fixed) = (None, None);
    if (req.fix || req.diff) && linted.diagnostics.iter().any(|d| d.fix().is_some()) {
        let mode = if req.diff { Mode::Diff } else { Mode::Write };
        let f = fix::fix_file(&name, path.as_deref(), text, &opts, mode, req.unsafe_fixes)?;
        (text, diff, fixed) = (f.text, f.diff, f.fixed);
        if let Some(l) = f.linted {
            linted = l;
        }
    }
    // the findings are all that is kept: the syntax tree and the model go
    // before the report's copy of the text is made
    let diagnostics = std::mem::take(&mut linted.diagnostics);
    drop(linted);
    Ok(Outcome {
        result: file_result(name, text, diagnostics, &repo),
        fail_level,
        diff,
        fixed,
    })
}

/// Lint a manifest, fixing it when asked.
fn lint_manifest_input(
    job: &Job,
    req: &LintRequest,
    name: String,
    mut text: String,
    repo: RepoOf,
    opts: &dsig::lint::LintOptions,
    fail_level: FailLevel,
) -> Result<Outcome, FileError> {
    let error = |message| FileError {
        path: name.clone(),
        message,
    };
    let mut linted = lint_manifest(&text, &name, opts).map_err(error)?;
    let (mut diff, mut fixed) = (None, None);
    if (req.fix || req.diff) && linted.diagnostics.iter().any(|d| d.fix().is_some()) {
        let path = match &job.input {
            Input::File(p) => Some(p.as_path()),
            _ => None,
        };
        let mode = if req.diff { Mode::Diff } else { Mode::Write };
        let f = fix::fix_manifest_file(&name, path, text, opts, mode, req.unsafe_fixes)?;
        (text, diff, fixed) = (f.text, f.diff, f.fixed);
        if matches!(fixed, Some(Ok(n)) if n > 0) {
            linted = lint_manifest(&text, &name, opts).map_err(error)?;
        }
    }
    Ok(Outcome {
        result: file_result(name, text, linted.diagnostics, &repo),
        fail_level,
        diff,
        fixed,
    })
}

fn rules_url(code: &str) -> String {
    format!("dsig explain {code}")
}

/// Write the report where it was asked, as it is made (never held whole).
/// The files that could not be linted are in the machine formats; the text
/// formats count them, and each one's error is said once, on standard error.
fn write_report(req: &LintRequest, docs: Option<&str>, g: &Gathered) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let to_terminal = req.output.is_none() && stdout.is_terminal();
    let format = req.format.unwrap_or(Format::Tty);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let tty = TtyOptions {
        color: match req.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => to_terminal && !no_color,
        },
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100),
        rules_url,
        summary: !req.quiet,
    };
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, w);
        let (results, errors) = (&g.results, &g.errors);
        if req.statistics {
            let json = format == Format::Json;
            report::write_statistics(&mut w, results, errors, json, !req.quiet)?;
            return w.flush();
        }
        match format {
            Format::Concise => report::write_concise(&mut w, results, errors, !req.quiet),
            Format::Json => report::write_json(&mut w, results, errors),
            Format::Sarif => {
                report::write_sarif(&mut w, results, errors, &dsig::docs::tool_info(docs))
            }
            Format::Github => report::write_github(&mut w, results, errors),
            Format::Gitlab => report::write_gitlab(&mut w, results),
            Format::Checkstyle => report::write_checkstyle(&mut w, results, errors),
            Format::Tty => report::write_tty(&mut w, results, errors, &tty),
        }?;
        w.flush()
    };
    let written = match &req.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|mut f| write(&mut f))
            .map_err(|e| Error::output(Some(path.clone()), &e)),
        None => write(&mut stdout.lock()).map_err(|e| Error::output(None, &e)),
    };
    match written {
        // a reader that stopped reading (`| head`) ends the run quietly
        Err(e) if e.is_broken_pipe() => {}
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    Ok(())
}
