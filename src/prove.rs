//! Fixes proven by the model before they are offered.
//!
//! Each fix is applied in memory (the Dockerfile's edits to its text, a
//! script's edits to that script, read through the context overlay), the
//! file is linted again, and the fix is kept only when:
//!
//! 1. the fixed Dockerfile parses with no more syntax errors than before;
//! 2. the finding it fixes is gone (one fewer of its code), and no other
//!    rule reports more errors than before;
//! 3. the app at the end of the predicted chain runs the same program with
//!    the same arguments, found the same way (a package manager's script
//!    finds `react-scripts` in `node_modules/.bin`; `CMD ["react-scripts"]`
//!    looks for it on PATH).
//!
//! A fix that fails is dropped, and its help says why no fix is given, so
//! every format and `--fix` only ever see proven fixes. At most
//! [`MAX_CHECKED`] fixes are checked per file, and no more than
//! [`CHECK_BUDGET`] bytes are linted again; the others are dropped.

use crate::diagnostic::{Diagnostic, Edit, RuleCode, Severity};
use crate::model::chain::{Chain, HopKind, basename};
use std::collections::HashMap;
use std::path::PathBuf;

/// Most fixes checked in one file (each check lints the file again).
pub const MAX_CHECKED: usize = 32;
/// Most bytes linted again to check one file's fixes (the Dockerfile, and
/// the script a fix edits, for each check): a large file or script gets
/// fewer checks, so checking costs at most a few times the lint.
pub const CHECK_BUDGET: usize = 512 * 1024;

/// Rules whose fix is meant to change what runs: a malformed exec form runs
/// as a shell string nobody meant (`['node', 'server.js']`), and its fix is
/// the command that was meant. Conditions 1 and 2 still apply.
const CHANGES_THE_APP: &[RuleCode] = &[RuleCode::Dsig003];

pub use crate::model::copies::on_path;

/// Where the app's program is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lookup {
    /// PATH, or a path written out.
    Path,
    /// A package manager's script: `node_modules/.bin` first.
    PackageBin,
}

/// The process that does the work, as far as a fix must keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    argv: Vec<String>,
    lookup: Lookup,
    /// `VAR=value` assignments the hops before it put in its environment.
    env: Vec<String>,
    workdir: Option<String>,
}

impl App {
    fn shown(&self) -> String {
        crate::read::excerpt(&self.argv.join(" "), 80)
    }
}

/// The app of a chain: its last hop, and how its program is found.
pub fn app_of(chain: &Chain) -> Option<App> {
    let last = chain.hops.last()?;
    let prog = last.argv.first()?;
    let env: Vec<String> = chain
        .hops
        .iter()
        .flat_map(|h| h.env.iter().cloned())
        .collect();
    let workdir = chain.workdir.clone();
    // `node_modules/.bin/x` from the app's directory is what a package
    // manager finds for `x`
    if let Some(tool) = prog.strip_prefix("node_modules/.bin/") {
        let mut argv = last.argv.clone();
        argv[0] = tool.to_string();
        return Some(App {
            argv,
            lookup: Lookup::PackageBin,
            env,
            workdir,
        });
    }
    let after_pm = chain
        .hops
        .iter()
        .any(|h| matches!(h.kind, HopKind::PackageManager { .. }));
    let lookup = if after_pm && !prog.contains('/') && !on_path(prog) {
        Lookup::PackageBin
    } else {
        Lookup::Path
    };
    Some(App {
        argv: last.argv.clone(),
        lookup,
        env,
        workdir,
    })
}

fn shown_env(env: &[String]) -> String {
    if env.is_empty() {
        "none".into()
    } else {
        crate::read::excerpt(&env.join(" "), 80)
    }
}

/// Counts of findings by code, and of errors by code.
pub(crate) fn tally(d: &[Diagnostic]) -> (HashMap<RuleCode, usize>, HashMap<RuleCode, usize>) {
    let mut all = HashMap::new();
    let mut errors = HashMap::new();
    for x in d {
        *all.entry(x.code).or_insert(0) += 1;
        if x.severity == Severity::Error {
            *errors.entry(x.code).or_insert(0) += 1;
        }
    }
    (all, errors)
}

/// What a fixed text lints to: its findings and its chain.
pub struct Relinted {
    pub diagnostics: Vec<Diagnostic>,
    pub chain: Option<Chain>,
}

/// How a fixed text is linted again: the lint that found the fixes, with
/// the other files' texts read through `overlay` and no fixes checked.
pub trait Relint {
    /// The overlay the first lint read other files through.
    fn overlay(&self) -> &HashMap<PathBuf, String>;
    fn relint(&self, text: &str, overlay: HashMap<PathBuf, String>) -> Result<Relinted, String>;
}

/// Check every fix of `diagnostics` (found in `src`, whose chain is
/// `chain`, linted again with `opts`); drop those that fail, saying why in
/// their help.
pub fn check(
    src: &str,
    opts: &dyn Relint,
    launch: Option<&crate::model::Launch>,
    chain: Option<&Chain>,
    diagnostics: &mut [Diagnostic],
) {
    if diagnostics.iter().all(|d| d.fix().is_none()) {
        return;
    }
    let before_app = chain.and_then(app_of);
    // shell form in an image without /bin/sh cannot start: there is no app
    // to keep, and its fix is the command that was meant
    let cannot_start =
        launch.is_some_and(|l| l.bin_sh == crate::model::base_images::ShellKind::None);
    let (before_all, before_errors) = tally(diagnostics);
    let syntax_before = before_all.get(&RuleCode::Dsig000).copied().unwrap_or(0);
    let findings: Vec<(RuleCode, Severity)> =
        diagnostics.iter().map(|d| (d.code, d.severity)).collect();
    let mut checked = 0;
    let mut spent = 0;
    for d in diagnostics.iter_mut() {
        let Some(fix) = d.fix() else {
            continue;
        };
        // what one check lints again: the Dockerfile and the files edited
        let cost = src.len()
            + fix
                .edits
                .iter()
                .filter_map(|e| e.file.as_ref())
                .filter_map(|f| std::fs::metadata(&f.path).ok())
                .map(|m| m.len() as usize)
                .sum::<usize>();
        let why = if cost > CHECK_BUDGET {
            Some("the file is too large to check a fix on the rebuilt model".to_string())
        } else if checked >= MAX_CHECKED || spent + cost > CHECK_BUDGET {
            Some("too many fixes in this file to check each one on the rebuilt model".to_string())
        } else {
            checked += 1;
            spent += cost;
            let code = d.code;
            let severity = d.severity;
            let before_at_least = findings
                .iter()
                .filter(|(c, s)| *c == code && *s >= severity)
                .count();
            let keep_app = !(CHANGES_THE_APP.contains(&code)
                || cannot_start && matches!(code, RuleCode::Dsig001 | RuleCode::Dsig002));
            refusal(
                src,
                opts,
                fix,
                code,
                &before_app,
                &before_errors,
                syntax_before,
                keep_app,
                severity,
                before_at_least,
            )
        };
        if let Some(why) = why {
            d.take_fix();
            let note = format!("no automatic fix: {why}");
            let help = match d.help() {
                Some(h) => format!("{h} ({note})"),
                None => note,
            };
            d.set_help(help);
        }
    }
}

/// Why a fix cannot be offered, or `None` when it passes.
#[allow(clippy::too_many_arguments)]
fn refusal(
    src: &str,
    opts: &dyn Relint,
    fix: &crate::diagnostic::Fix,
    code: RuleCode,
    before_app: &Option<App>,
    before_errors: &HashMap<RuleCode, usize>,
    syntax_before: usize,
    keep_app: bool,
    severity: Severity,
    before_at_least: usize,
) -> Option<String> {
    // the edits exactly as `--fix` would apply them
    let own: Vec<&Edit> = fix.edits.iter().filter(|e| e.file.is_none()).collect();
    let Some(text) = crate::edit::apply_edits(src, &own, crate::edit::uses_crlf(src)) else {
        return Some("its edits overlap".into());
    };
    // another file's edits, through the overlay
    let mut overlay: HashMap<PathBuf, String> = opts.overlay().clone();
    let mut by_file: HashMap<PathBuf, Vec<&Edit>> = HashMap::new();
    for e in fix.edits.iter() {
        if let Some(f) = &e.file {
            let real = crate::dirs::real_path(&f.path).unwrap_or_else(|_| f.path.clone());
            by_file.entry(real).or_default().push(e);
        }
    }
    for (path, edits) in by_file {
        let current = match overlay.get(&path) {
            Some(t) => t.clone(),
            None => match crate::read::text(&path, crate::context::MAX_CONTEXT_FILE) {
                Ok(t) => t,
                Err(e) => return Some(format!("{} cannot be read: {e}", path.display())),
            },
        };
        let Some(new) = crate::edit::apply_to_other(&current, &edits) else {
            return Some("the script changed since it was read".into());
        };
        overlay.insert(path, new);
    }
    let linted = match opts.relint(&text, overlay) {
        Ok(l) => l,
        Err(e) => return Some(format!("the fixed file cannot be linted: {e}")),
    };
    let (after_all, after_errors) = tally(&linted.diagnostics);
    if after_all.get(&RuleCode::Dsig000).copied().unwrap_or(0) > syntax_before {
        return Some("the fixed file would not parse".into());
    }
    // gone, or left at a lower severity (`ENTRYPOINT exec app` is still
    // shell form, but only CMD being ignored is left to say)
    let at_least = |d: &[Diagnostic]| {
        d.iter()
            .filter(|x| x.code == code && x.severity >= severity)
            .count()
    };
    if at_least(&linted.diagnostics) >= before_at_least {
        return Some("the fixed file would still have this finding".into());
    }
    for (c, n) in &after_errors {
        if *c != code && *n > before_errors.get(c).copied().unwrap_or(0) {
            return Some(format!("the fixed file would have a new {c} error"));
        }
    }
    let after_app = linted.chain.as_ref().and_then(app_of);
    if keep_app && &after_app != before_app {
        return Some(match (before_app, &after_app) {
            (Some(b), Some(a)) if b.argv == a.argv && b.env != a.env => format!(
                "`{}` would run with a different environment ({} instead of {})",
                basename(&b.argv[0]),
                shown_env(&a.env),
                shown_env(&b.env)
            ),
            (Some(b), Some(a)) if b.argv == a.argv && b.workdir != a.workdir => format!(
                "`{}` would start in another directory",
                basename(&b.argv[0])
            ),
            (Some(b), Some(a)) if b.argv == a.argv => format!(
                "`{}` would be looked up on PATH, while the package manager finds it in node_modules/.bin",
                basename(&b.argv[0])
            ),
            (Some(b), Some(a)) => {
                format!("it would run `{}` instead of `{}`", a.shown(), b.shown())
            }
            (Some(b), None) => format!("the app `{}` would no longer be found", b.shown()),
            (None, _) => "what the container runs is not known, so it cannot be kept".into(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{LintOptions, lint_source};

    fn app(src: &str) -> App {
        let l = lint_source(src, &LintOptions::default()).unwrap();
        app_of(l.chain.as_ref().unwrap()).unwrap()
    }

    #[test]
    fn the_app_is_its_argv_environment_and_directory() {
        let plain = app("FROM node:22\nCMD [\"node\", \"x.js\"]\n");
        assert_eq!(plain.argv, ["node", "x.js"]);
        assert!(plain.env.is_empty());
        assert_eq!(plain.workdir.as_deref(), Some("/"));
        // the same program with an assignment in front is another app
        let env = app("FROM node:22\nCMD [\"env\", \"A=1\", \"node\", \"x.js\"]\n");
        assert_eq!(env.argv, plain.argv);
        assert_eq!(env.env, ["A=1"]);
        assert_ne!(env, plain);
        let shell = app("FROM node:22\nCMD A=1 exec node x.js\n");
        assert_eq!(shell.env, ["A=1"]);
        let moved = app("FROM node:22\nWORKDIR /app\nCMD [\"node\", \"x.js\"]\n");
        assert_eq!(moved.workdir.as_deref(), Some("/app"));
        assert_ne!(moved, plain);
    }
}
