//! Does the app's entry file register a handler for the stop signal?
//!
//! Backs DSIG015 (app-no-sigterm-handler). Node as PID 1 ignores SIGTERM and
//! SIGINT unless JavaScript registered a handler, and python ignores SIGTERM
//! (facts 2 and 3); the signal that matters is the effective stop signal
//! (STOPSIGNAL, else SIGTERM; fact 22).
//!
//! The check reads source text from the build context (through
//! [`Context::read`], never leaving it) with small token scanners that skip
//! comments and string contents. It follows local imports a few levels deep
//! and knows a handful of libraries. A false "no handler" costs more than a
//! missed one, so [`Verdict::None`] and [`Verdict::Other`] are only returned
//! when every file involved was read and nothing seen could install a handler
//! out of sight; otherwise the answer is [`Verdict::Unknown`] with a reason.
//!
//! # Node
//! * `process.on|once|addListener|prependListener|prependOnceListener('SIG…')`
//!   with any quote style (template literals without `${}` included),
//!   whitespace and comments between tokens, optional chaining, chained calls
//!   (`process.on('SIGINT', f).on('SIGTERM', g)`) and `globalThis.process`.
//! * A registration with a computed signal (`signals.forEach(s =>
//!   process.on(s, f))`, `for (const s of [...]) process.on(s, f)`) counts as
//!   handling every signal name written as a string literal in any file read
//!   (a superset of "the literals of the array": it can only turn a finding
//!   into Handles). When the asked signal is not among them the answer is
//!   Unknown, never Other.
//! * Followed: relative `require()`, `import … from`, `import '…'`,
//!   `export … from` and `import('…')` with literal paths, resolved with
//!   `.js .mjs .cjs .ts .tsx .mts .cts .jsx` and `/index.*` (a `.js` path
//!   also tries `.ts`, as TypeScript ESM writes it); `@/` and `~/` aliases are
//!   tried under `src/` and the root. Preloads (`-r`, `--require`,
//!   `--import`, NODE_OPTIONS) are read like the entry.
//! * An entry under `dist/`, `build/`, `lib/` or `out/` that is missing from
//!   the context (compiled during the build) is replaced by its `src/`
//!   counterpart (or the same path without the prefix), `.ts` first.
//! * Libraries: `@godaddy/terminus` (default signal SIGTERM; its `signal` /
//!   `signals` options are read when literal), `lightship`,
//!   `http-graceful-shutdown`, `close-with-grace` count as handling SIGTERM
//!   only; NestJS `enableShutdownHooks()` as handling Nest's default signal
//!   list (or the literal list passed). Any of them makes other stop signals
//!   Unknown. `stoppable` and `http-terminator` install no handler. Packages
//!   that may install handlers depending on version or use (`@prisma/client`
//!   before 5, `next`, `@loopback/core`, `moleculer`, OpenTelemetry's
//!   auto-instrumentation register hook, anything named like a graceful
//!   shutdown helper, ...) make the answer Unknown.
//! * Unknown also when: a `require`/`import()` of a computed path, `eval`,
//!   `process` passed around or aliased (`const p = process`, `fn(process)`,
//!   `process[name]`), the `process` module imported under another name, an
//!   `.on('SIG…')` on an object that is not visibly `process`, a file the
//!   scanner could not read cleanly, a local import missing from the
//!   context, or the import graph deeper than [`MAX_DEPTH`] or larger than
//!   [`MAX_FILES`].
//!
//! # Python
//! * `signal.signal(signal.SIGTERM, h)`, `signal.signal(SIGTERM, h)` and
//!   `signal(SIGTERM, h)` after `from signal import …`, module aliases
//!   (`import signal as s`), `signal.Signals.SIGTERM`, numeric signals,
//!   `loop.add_signal_handler(signal.SIGTERM, …)` on any loop, and
//!   `signal.sigwait*`. Setting `SIG_IGN` or `SIG_DFL` is not a handler.
//! * Computed signals (`for s in (signal.SIGINT, signal.SIGTERM):
//!   signal.signal(s, h)`) are treated as in Node, with the `SIG…` names
//!   written in the code read.
//! * `except KeyboardInterrupt` counts as handling SIGINT (python's own
//!   default SIGINT handler raises it; fact 3). So an app that only catches
//!   KeyboardInterrupt is [`Verdict::Other`] when SIGTERM is asked: the
//!   python form of "handles SIGINT only". An app that mentions neither is
//!   [`Verdict::None`]. Asked for SIGINT, python's default handler counts as
//!   Handles (unless the code sets SIGINT to `SIG_IGN`/`SIG_DFL`).
//! * Followed: `import a.b`, `from a.b import c` (and `a/b/c.py` when it
//!   exists), relative `from . import x` / `from .m import y`, and
//!   `importlib.import_module('…')`, resolved against the entry's directory
//!   and the context root; parent packages' `__init__.py` are read too.
//! * Libraries: `uvicorn` (SIGTERM, SIGINT), embedded `gunicorn` (SIGTERM),
//!   `aiohttp` `run_app` (SIGTERM, SIGINT). Frameworks whose runners may
//!   install handlers (Django, Flask/Werkzeug's reloader, Tornado, Twisted,
//!   Sanic, Celery, Streamlit, bot frameworks, ...) make the answer Unknown,
//!   as does Django's `manage.py`.
//!
//! Limits: this is text, not execution. A handler registered in code that
//! never runs still counts (Handles is the safe side); handlers installed by
//! libraries outside the lists above, or by code in `node_modules`/
//! site-packages, are not seen.

mod js;
mod lex;
mod py;
#[cfg(test)]
mod tests;

use crate::dirs::basename;
use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::context::Context;

/// Local imports are followed this many levels below the entry and preloads.
pub const MAX_DEPTH: usize = 3;
/// At most this many files are read for one check.
pub const MAX_FILES: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Node,
    Python,
}

/// A place that installs a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Context-relative path of the file.
    pub path: String,
    /// 1-based line; 0 when the handler is the runtime's own default.
    pub line: usize,
    /// Canonical signal name, e.g. `SIGTERM`.
    pub signal: String,
    /// How it is installed, e.g. `process.on('SIGTERM')`.
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A handler for the asked signal was found.
    Handles(Found),
    /// Handlers exist, but only for other signals (e.g. SIGINT only).
    Other { handled: Vec<Found> },
    /// The files read register no handler at all (all files read listed).
    None { files: Vec<String> },
    /// Cannot tell (file missing, dynamic code, a framework that may handle
    /// it...), with the reason.
    Unknown(String),
}

/// Does the app started from `entry` (context-relative, e.g.
/// `src/server.js`) register a handler for `signal` (e.g. `SIGTERM`; `TERM`
/// and `15` are accepted too)? `preloads` are `-r`/`--require`/`--import`
/// modules and NODE_OPTIONS requires for Node (local ones relative to the
/// context root, package names otherwise), or extra Python files read
/// before the entry.
pub fn check(ctx: &Context, lang: Lang, entry: &str, preloads: &[String], signal: &str) -> Verdict {
    let Some(signal) = canonical_signal(signal) else {
        return Verdict::Unknown(format!("`{signal}` is not a signal name"));
    };
    if signal == "SIGKILL" || signal == "SIGSTOP" {
        return Verdict::Unknown(format!("{signal} cannot be handled by any process"));
    }
    let mut w = Walk::new(ctx, lang, entry);
    for p in preloads {
        w.preload(p);
    }
    match resolve_entry(ctx, lang, entry) {
        Ok((path, text)) => {
            if lang == Lang::Python && basename(&path) == "manage.py" {
                w.unsure.push(format!(
                    "{path} is Django's manage.py: the management command it runs decides the signal handling"
                ));
            }
            w.entry_path = path.clone();
            let module_main = path.ends_with("/__main__.py") && norm(entry).ends_with(".py");
            w.enqueue(path.clone(), text, 0, "");
            if lang == Lang::Python && module_main {
                // `python -m pkg.mod` imports pkg and pkg.mod before running
                // pkg/mod/__main__.py.
                let pkg = dir_of(&path);
                let parts: Vec<&str> = pkg.split('/').collect();
                for i in 1..=parts.len() {
                    let init = format!("{}/__init__.py", parts[..i].join("/"));
                    if let Some((p, text)) = first_existing(ctx, &[init]) {
                        w.enqueue(p, text, 0, "");
                    }
                }
            }
        }
        Err(why) => w.unsure.push(why),
    }
    w.run();
    w.verdict(&signal)
}

/// Parse a node or python command line (argv after the interpreter) into
/// the entry file and the preloads. Paths are returned as written, without
/// `./` segments (absolute ones stay absolute); mapping them from WORKDIR
/// into the context is the caller's job. `node .` gives `package_main` (or `index.js`);
/// `python -m pkg.mod` gives `pkg/mod.py` ([`check`] also tries
/// `pkg/mod/__main__.py`). `None` when there is no entry file: `-e`/`-c`
/// code, stdin, a REPL, `--test`, or `python -m` of a server listed in
/// [`server_handles`] (ask that instead).
pub fn entry_of(
    lang: Lang,
    args: &[String],
    package_main: Option<&str>,
) -> Option<(String, Vec<String>)> {
    match lang {
        Lang::Node => node_entry(args, package_main),
        Lang::Python => python_entry(args),
    }
}

/// Servers that install their own SIGTERM handler and shut down gracefully,
/// with a note on what they do. `prog` is a program or `python -m` module
/// name, optionally a path and followed by its arguments (only celery looks
/// at them). Deliberately absent: uwsgi (SIGTERM reloads unless
/// `--die-on-term`), flask/werkzeug's dev server, waitress, granian,
/// dramatiq, rq (not verified).
pub fn server_handles(prog: &str) -> Option<&'static str> {
    let mut words = prog.split_whitespace();
    let first = words.next()?;
    let name = basename(first).trim_end_matches(".py");
    match name {
        "gunicorn" => Some(
            "gunicorn: SIGTERM is a graceful shutdown (workers finish their requests within graceful_timeout)",
        ),
        "uvicorn" => Some("uvicorn: SIGTERM and SIGINT start a graceful shutdown"),
        "hypercorn" => Some("hypercorn: SIGTERM and SIGINT start a graceful shutdown"),
        "daphne" => Some("daphne: runs Twisted's reactor, which stops on SIGTERM and SIGINT"),
        "celery" => {
            // Only the worker and beat subcommands are long-running services;
            // without arguments the caller did not pass them.
            let rest: Vec<&str> = words.collect();
            (rest.is_empty() || rest.iter().any(|w| matches!(*w, "worker" | "beat")))
                .then_some("celery worker/beat: SIGTERM is a warm shutdown (running tasks finish)")
        }
        _ => None,
    }
}

/// `-r`/`--require`/`--import` modules named in a NODE_OPTIONS value.
pub fn node_options_preloads(value: &str) -> Vec<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if matches!(w, "-r" | "--require" | "--import") {
            if let Some(v) = words.get(i + 1) {
                out.push(unquote(v).to_string());
            }
            i += 2;
            continue;
        }
        for opt in ["--require=", "--import="] {
            if let Some(v) = w.strip_prefix(opt) {
                out.push(unquote(v).to_string());
            }
        }
        i += 1;
    }
    out
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

// ---------------------------------------------------------------------------
// Command lines

/// Node options that take a separate value (`--opt value`).
const NODE_VALUE_OPTS: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "--env-file",
    "--env-file-if-exists",
    "-C",
    "--conditions",
    "--input-type",
    "--title",
    "--inspect-port",
    "--debug-port",
    "--redirect-warnings",
    "--icu-data-dir",
    "--openssl-config",
    "--tls-keylog",
    "--tls-cipher-list",
    "--unhandled-rejections",
    "--dns-result-order",
    "--diagnostic-dir",
    "--report-dir",
    "--report-directory",
    "--report-filename",
    "--report-signal",
    "--heapsnapshot-signal",
    "--heapsnapshot-near-heap-limit",
    "--experimental-policy",
    "--policy-integrity",
    "--watch-path",
    "--disable-warning",
    "--secure-heap",
    "--secure-heap-min",
    "--trace-event-categories",
    "--trace-event-file-pattern",
    "--cpu-prof-dir",
    "--cpu-prof-name",
    "--cpu-prof-interval",
    "--heap-prof-dir",
    "--heap-prof-name",
    "--heap-prof-interval",
    "--max-http-header-size",
    "--localstorage-file",
    "--experimental-config-file",
    "--es-module-specifier-resolution",
    "--experimental-specifier-resolution",
    "--stack-trace-limit",
    "--max-old-space-size",
    "--max-semi-space-size",
    "--stack-size",
    "--use-largepages",
    "--snapshot-blob",
];

/// Node options after which there is no entry file.
const NODE_NO_ENTRY: &[&str] = &[
    "-e",
    "--eval",
    "-p",
    "--print",
    "-pe",
    "-i",
    "--interactive",
    "-c",
    "--check",
    "-v",
    "--version",
    "-h",
    "--help",
    "--test",
    "--run",
    "--v8-options",
    "--completion-bash",
    "--build-snapshot",
];

fn node_entry(args: &[String], package_main: Option<&str>) -> Option<(String, Vec<String>)> {
    let mut preloads = Vec::new();
    let mut i = 0;
    let mut entry = None;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            entry = args.get(i + 1).map(String::as_str);
            break;
        }
        if a == "-" || NODE_NO_ENTRY.contains(&a) {
            return None;
        }
        if let Some((opt, v)) = a.split_once('=')
            && opt.starts_with('-')
        {
            if matches!(opt, "--require" | "-r" | "--import") {
                preloads.push(v.to_string());
            }
            if matches!(opt, "--eval" | "--print" | "--run") {
                return None;
            }
            i += 1;
            continue;
        }
        if NODE_VALUE_OPTS.contains(&a) {
            if matches!(a, "-r" | "--require" | "--import")
                && let Some(v) = args.get(i + 1)
            {
                preloads.push(v.clone());
            }
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            // An unknown option followed by a bare number takes it as value.
            let numeric = args
                .get(i + 1)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            i += if numeric { 2 } else { 1 };
            continue;
        }
        entry = Some(a);
        break;
    }
    let entry = entry?;
    if entry == "inspect" {
        return None; // `node inspect app.js`: the debugger
    }
    let entry = as_written(entry);
    let entry = if entry.is_empty() || entry == "." {
        norm(package_main.unwrap_or("index.js"))
    } else {
        entry
    };
    let entry = if entry.is_empty() {
        "index.js".to_string()
    } else {
        entry
    };
    Some((entry, preloads))
}

fn python_entry(args: &[String]) -> Option<(String, Vec<String>)> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "-" {
            return None;
        }
        if a == "--" {
            return args.get(i + 1).map(|s| (as_written(s), Vec::new()));
        }
        if a == "--check-hash-based-pycs" {
            i += 2;
            continue;
        }
        if a.starts_with("--") {
            if matches!(
                a,
                "--help" | "--version" | "--help-env" | "--help-xoptions" | "--help-all"
            ) {
                return None;
            }
            i += 1;
            continue;
        }
        if let Some(flags) = a.strip_prefix('-') {
            // Short options combine: `-uB`, `-Wignore`, `-um mod`.
            let mut consumed_next = false;
            for (k, f) in flags.char_indices() {
                let rest = &flags[k + f.len_utf8()..];
                match f {
                    'c' | 'h' | '?' | 'V' => return None,
                    'm' => {
                        let module = if rest.is_empty() {
                            args.get(i + 1)?.as_str()
                        } else {
                            rest
                        };
                        return python_module_entry(module);
                    }
                    'W' | 'X' => {
                        consumed_next = rest.is_empty();
                        break;
                    }
                    _ => {}
                }
            }
            i += if consumed_next { 2 } else { 1 };
            continue;
        }
        return Some((as_written(a), Vec::new()));
    }
    None
}

fn python_module_entry(module: &str) -> Option<(String, Vec<String>)> {
    if module.is_empty() || server_handles(module).is_some() {
        return None;
    }
    Some((format!("{}.py", module.replace('.', "/")), Vec::new()))
}

// ---------------------------------------------------------------------------
// Signals and paths

/// `SIGTERM`, `TERM`, `sigterm` and `15` all give `SIGTERM`.
pub fn canonical_signal(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u32>() {
        return signal_by_number(n).map(str::to_string);
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("SIG{name}"))
}

/// Linux x86/arm numbering of the signals a stop could use.
fn signal_by_number(n: u32) -> Option<&'static str> {
    Some(match n {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        12 => "SIGUSR2",
        15 => "SIGTERM",
        28 => "SIGWINCH",
        _ => return None,
    })
}

/// `SIGTERM`-like: `SIG` and upper-case letters or digits (so not `SIG_IGN`).
fn is_signal_name(s: &str) -> bool {
    s.len() > 3
        && s.starts_with("SIG")
        && s[3..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A command-line path without `./` segments, absolute paths kept absolute
/// (the caller maps them into the context).
fn as_written(p: &str) -> String {
    let n = norm(p);
    if p.starts_with('/') {
        format!("/{n}")
    } else {
        n
    }
}

/// Strip `./`, duplicate slashes and a leading `/`; keep `..` (reading
/// refuses it).
fn norm(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.trim_start_matches('/').split('/') {
        match part {
            "" | "." => {}
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

fn dir_of(p: &str) -> &str {
    p.rfind('/').map(|i| &p[..i]).unwrap_or("")
}

/// The extension of the last path component, if any.
fn ext_of(p: &str) -> Option<&str> {
    let b = basename(p);
    let i = b.rfind('.')?;
    (i > 0).then(|| &b[i + 1..])
}

/// `rel` joined to `dir`, `..` resolved lexically; `None` when it leaves the
/// context root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Extensions node (with a TypeScript loader) runs.
const JS_EXTS: &[&str] = &["js", "mjs", "cjs", "ts", "tsx", "mts", "cts", "jsx"];

/// Files node would load for a path, TypeScript sources included.
fn js_candidates(p: &str) -> Vec<String> {
    let mut v = Vec::new();
    if !p.is_empty() {
        v.push(p.to_string());
        for (js, ts) in [
            (".js", ".ts"),
            (".js", ".tsx"),
            (".jsx", ".tsx"),
            (".mjs", ".mts"),
            (".cjs", ".cts"),
        ] {
            if let Some(stem) = p.strip_suffix(js) {
                v.push(format!("{stem}{ts}"));
            }
        }
        for e in JS_EXTS {
            v.push(format!("{p}.{e}"));
        }
    }
    let index = if p.is_empty() {
        "index".to_string()
    } else {
        format!("{p}/index")
    };
    for e in JS_EXTS {
        v.push(format!("{index}.{e}"));
    }
    // `require('./config')` may load JSON: data, found but not scanned.
    if !p.is_empty() {
        v.push(format!("{p}.json"));
    }
    v.push(format!("{index}.json"));
    v
}

/// The first candidate that is a readable file of the context.
fn first_existing(ctx: &Context, candidates: &[String]) -> Option<(String, String)> {
    candidates
        .iter()
        .find_map(|c| ctx.read(c).map(|t| (c.clone(), t)))
}

fn resolve_entry(ctx: &Context, lang: Lang, entry: &str) -> Result<(String, String), String> {
    let e = norm(entry);
    if ctx.dir.is_none() {
        return Err("the build context is not available".into());
    }
    match lang {
        Lang::Node => {
            let e = if e.is_empty() {
                ctx.package_json()
                    .and_then(|p| p.main)
                    .map(|m| norm(&m))
                    .unwrap_or_default()
            } else {
                e
            };
            if let Some(hit) = first_existing(ctx, &js_candidates(&e)) {
                return Ok(hit);
            }
            let mut it = e.splitn(2, '/');
            let (first, rest) = (it.next().unwrap_or(""), it.next());
            if let Some(rest) = rest
                && matches!(first, "dist" | "build" | "lib" | "out")
            {
                let mut cands = js_candidates(&format!("src/{rest}"));
                cands.extend(js_candidates(rest));
                if let Some(hit) = first_existing(ctx, &cands) {
                    return Ok(hit);
                }
                return Err(format!(
                    "entry {e} is built during the image build and no source for it was found in the context"
                ));
            }
            Err(format!("entry file {e} is not in the build context"))
        }
        Lang::Python => {
            if matches!(ext_of(&e), Some("pyc" | "pyz" | "zip" | "so" | "pyo")) {
                return Err(format!("entry {e} is not Python source"));
            }
            let mut cands = vec![e.clone()];
            match e.strip_suffix(".py") {
                Some(stem) => cands.push(format!("{stem}/__main__.py")),
                None => {
                    cands.push(format!("{e}.py"));
                    cands.push(format!("{e}/__main__.py"));
                }
            }
            first_existing(ctx, &cands)
                .ok_or_else(|| format!("entry file {e} is not in the build context"))
        }
    }
}

// ---------------------------------------------------------------------------
// Walking the files

/// What one file contributes.
#[derive(Debug, Default)]
struct FileScan {
    /// Handlers with a known signal.
    found: Vec<Found>,
    /// Registrations whose signal is computed: (line, how).
    dynamic: Vec<(usize, String)>,
    /// Signal names written in the code (string literals in JS, `SIG…` names
    /// in Python).
    literals: BTreeSet<String>,
    /// Reasons this file cannot support a "no handler" answer.
    unsure: Vec<String>,
    /// Local files to read next.
    imports: Vec<Import>,
    /// Python: signals set back to `SIG_DFL`/`SIG_IGN`.
    resets: BTreeSet<String>,
}

impl FileScan {
    fn found(&mut self, path: &str, line: usize, signal: &str, how: String) {
        self.found.push(Found {
            path: path.to_string(),
            line,
            signal: signal.to_string(),
            how,
        });
    }
}

/// A module to read: the first existing candidate is it.
#[derive(Debug)]
struct Import {
    line: usize,
    spec: String,
    candidates: Vec<String>,
    /// Missing is fine (a package installed in the image, a guessed
    /// submodule).
    optional: bool,
}

struct Walk<'a> {
    ctx: &'a Context,
    lang: Lang,
    entry_path: String,
    roots: Vec<String>,
    queue: VecDeque<(String, String, usize)>,
    seen: HashSet<String>,
    files: Vec<String>,
    found: Vec<Found>,
    dynamic: Vec<(String, usize, String)>,
    literals: BTreeSet<String>,
    unsure: Vec<String>,
    resets: BTreeSet<String>,
}

impl<'a> Walk<'a> {
    fn new(ctx: &'a Context, lang: Lang, entry: &str) -> Self {
        let e = norm(entry);
        let mut roots = vec![dir_of(&e).to_string()];
        if !roots.contains(&String::new()) {
            roots.push(String::new());
        }
        Walk {
            ctx,
            lang,
            entry_path: e,
            roots,
            queue: VecDeque::new(),
            seen: HashSet::new(),
            files: Vec::new(),
            found: Vec::new(),
            dynamic: Vec::new(),
            literals: BTreeSet::new(),
            unsure: Vec::new(),
            resets: BTreeSet::new(),
        }
    }

    fn preload(&mut self, spec: &str) {
        match self.lang {
            Lang::Python => {
                let p = norm(spec);
                match first_existing(self.ctx, std::slice::from_ref(&p)) {
                    Some((path, text)) => self.enqueue(path, text, 0, ""),
                    None => self
                        .unsure
                        .push(format!("preloaded file {p} is not in the build context")),
                }
            }
            Lang::Node => {
                let local =
                    spec.starts_with("./") || spec.starts_with("../") || spec.starts_with('/');
                let p = norm(spec);
                // A package name is never read from the context, unless it is
                // a file path the caller already mapped (`tracing.js`).
                let file_like = local || ext_of(spec).is_some_and(|e| JS_EXTS.contains(&e));
                if file_like
                    && let Some((path, text)) = first_existing(self.ctx, &js_candidates(&p))
                {
                    self.enqueue(path, text, 0, "");
                    return;
                }
                if local {
                    self.unsure.push(format!(
                        "preloaded module {spec} is not in the build context"
                    ));
                    return;
                }
                let mut scan = FileScan::default();
                js::package(&mut scan, spec, "(preload)", 0, &[]);
                self.merge("(preload)", scan);
            }
        }
    }

    fn enqueue(&mut self, path: String, text: String, depth: usize, from: &str) {
        if self.seen.contains(&path) {
            return;
        }
        if self.seen.len() >= MAX_FILES {
            self.unsure.push(format!(
                "{path}{from} was not read: more than {MAX_FILES} files are involved"
            ));
            return;
        }
        self.seen.insert(path.clone());
        self.queue.push_back((path, text, depth));
    }

    fn run(&mut self) {
        while let Some((path, text, depth)) = self.queue.pop_front() {
            self.files.push(path.clone());
            let scan = match self.lang {
                Lang::Node => {
                    if ext_of(&path) == Some("json") && depth > 0 {
                        self.files.pop();
                        continue;
                    }
                    if ext_of(&path).is_some_and(|e| !JS_EXTS.contains(&e)) {
                        self.unsure
                            .push(format!("{path} is not JavaScript or TypeScript"));
                        continue;
                    }
                    js::scan(&path, &text)
                }
                Lang::Python => py::scan(&path, &text, &self.roots),
            };
            self.absorb(path, depth, scan);
        }
    }

    fn absorb(&mut self, path: String, depth: usize, mut scan: FileScan) {
        let imports = std::mem::take(&mut scan.imports);
        self.merge(&path, scan);
        for imp in imports {
            match first_existing(self.ctx, &imp.candidates) {
                Some((p, text)) => {
                    let from = format!(" (imported at {path}:{})", imp.line);
                    if self.seen.contains(&p) {
                        continue;
                    }
                    if depth + 1 > MAX_DEPTH {
                        self.unsure.push(format!(
                            "{p}{from} was not read: more than {MAX_DEPTH} imports deep"
                        ));
                        continue;
                    }
                    self.enqueue(p, text, depth + 1, &from);
                }
                None if imp.optional => {}
                None => self.unsure.push(format!(
                    "`{}` (imported at {path}:{}) is not in the build context",
                    imp.spec, imp.line
                )),
            }
        }
    }

    fn merge(&mut self, path: &str, scan: FileScan) {
        for f in scan.found {
            if !self.found.contains(&f) {
                self.found.push(f);
            }
        }
        self.dynamic.extend(
            scan.dynamic
                .into_iter()
                .map(|(l, h)| (path.to_string(), l, h)),
        );
        self.literals.extend(scan.literals);
        for why in scan.unsure {
            if !self.unsure.contains(&why) {
                self.unsure.push(why);
            }
        }
        self.resets.extend(scan.resets);
    }

    fn verdict(&self, signal: &str) -> Verdict {
        if let Some(f) = self.found.iter().find(|f| f.signal == signal) {
            return Verdict::Handles(f.clone());
        }
        if let Some((path, line, how)) = self.dynamic.first()
            && self.literals.contains(signal)
        {
            return Verdict::Handles(Found {
                path: path.clone(),
                line: *line,
                signal: signal.to_string(),
                how: format!("{how}, with {signal} named in the code"),
            });
        }
        if self.lang == Lang::Python && signal == "SIGINT" && !self.resets.contains("SIGINT") {
            return Verdict::Handles(Found {
                path: self.entry_path.clone(),
                line: 0,
                signal: signal.to_string(),
                how: "python's default SIGINT handler (raises KeyboardInterrupt)".into(),
            });
        }
        let mut reasons = self.unsure.clone();
        for (path, line, how) in &self.dynamic {
            reasons.push(format!(
                "{path}:{line} registers a handler for a computed signal ({how}) and {signal} is not named in the code read"
            ));
        }
        if reasons.is_empty() {
            return if self.found.is_empty() {
                Verdict::None {
                    files: self.files.clone(),
                }
            } else {
                Verdict::Other {
                    handled: self.found.clone(),
                }
            };
        }
        let mut msg = String::new();
        if !self.found.is_empty() {
            let sigs: BTreeSet<&str> = self.found.iter().map(|f| f.signal.as_str()).collect();
            let sigs: Vec<&str> = sigs.into_iter().collect();
            msg.push_str(&format!(
                "handlers found only for {}, but ",
                sigs.join(", ")
            ));
        }
        const SHOWN: usize = 3;
        msg.push_str(&reasons[..reasons.len().min(SHOWN)].join("; "));
        if reasons.len() > SHOWN {
            msg.push_str(&format!(" (and {} more)", reasons.len() - SHOWN));
        }
        Verdict::Unknown(msg)
    }
}
