//! Python: handler registrations, imports and known libraries in one file.

use std::collections::BTreeSet;

use super::lex::{self, Tok, Token, ident, punct, tok};
use super::{FileScan, Import, dir_of, is_signal_name, join, signal_by_number};

/// Packages that install handlers when imported into the entry (used to run
/// the server from code): the signals claimed, and how.
const HANDLES: &[(&str, &[&str], &str)] = &[
    ("uvicorn", &["SIGTERM", "SIGINT"], "uvicorn"),
    ("gunicorn", &["SIGTERM"], "gunicorn (embedded)"),
];

/// Frameworks whose runners may install signal handlers (reloaders,
/// reactors, workers, bot loops): their presence makes the answer Unknown.
const MAYBE: &[&str] = &[
    "django",
    "flask",
    "werkzeug",
    "quart",
    "sanic",
    "tornado",
    "twisted",
    "hypercorn",
    "daphne",
    "celery",
    "rq",
    "dramatiq",
    "huey",
    "cherrypy",
    "waitress",
    "gevent",
    "eventlet",
    "streamlit",
    "gradio",
    "dash",
    "panel",
    "bokeh",
    "kopf",
    "faust",
    "telegram",
    "aiogram",
    "pyrogram",
    "telethon",
    "discord",
    "nextcord",
    "locust",
    "scrapy",
    "airflow",
    "prefect",
    "dagster",
    "luigi",
    "ray",
    "granian",
    "bentoml",
    "notebook",
    "jupyter_server",
    "uwsgi",
    "supervisor",
    "circus",
    "robyn",
    "litestar",
];

fn prev_dot(t: &[Token], k: usize) -> bool {
    k > 0 && punct(t, k - 1, '.')
}

fn statement_start(t: &[Token], k: usize) -> bool {
    k == 0 || t[k - 1].line < t[k].line || punct(t, k - 1, ';') || punct(t, k - 1, ':')
}

struct Py<'a> {
    path: &'a str,
    roots: &'a [String],
    s: FileScan,
    /// Names bound to the signal module.
    mods: BTreeSet<String>,
    /// Names bound to `signal.signal`.
    fns: BTreeSet<String>,
    aiohttp: bool,
}

pub(super) fn scan(path: &str, text: &str, roots: &[String]) -> FileScan {
    let lexed = lex::py(text);
    let t = &lexed.toks;
    let mut p = Py {
        path,
        roots,
        s: FileScan::default(),
        mods: BTreeSet::from(["signal".to_string()]),
        fns: BTreeSet::new(),
        aiohttp: false,
    };
    if let Some((line, what)) = lexed.trouble {
        p.s.unsure.push(format!(
            "{path}:{line}: {what}; the file may be misread from there"
        ));
    }
    let mut k = 0;
    while k < t.len() {
        k = match ident(t, k) {
            Some("from") if statement_start(t, k) => p.import_from(t, k),
            Some("import") if statement_start(t, k) => p.plain_import(t, k),
            _ => k + 1,
        };
    }
    for k in 0..t.len() {
        p.call(t, k);
    }
    p.s
}

/// Text of simple tokens (names, dots, numbers) for messages.
fn text_of(toks: &[&Tok]) -> Option<String> {
    let mut out = String::new();
    for x in toks {
        match x {
            Tok::Ident(w) | Tok::Num(w) => out.push_str(w),
            Tok::Punct('.') => out.push('.'),
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Tokens of one call argument from `start`, up to the `,` or `)` that
/// ends it; returns them and the index of that delimiter.
fn argument(t: &[Token], start: usize) -> (Vec<&Tok>, usize) {
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut j = start;
    while let Some(x) = tok(t, j) {
        match x {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') if depth == 0 => break,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => break,
            _ => {}
        }
        out.push(x);
        j += 1;
    }
    (out, j)
}

/// The signal an argument names: `SIGTERM`, `signal.SIGTERM`,
/// `signal.Signals.SIGTERM`, `15`.
fn signal_of(arg: &[&Tok]) -> Option<String> {
    match arg {
        [Tok::Num(n)] => signal_by_number(n.parse().ok()?).map(str::to_string),
        [.., Tok::Ident(last)] if is_signal_name(last) => {
            let dotted = arg.iter().enumerate().all(|(i, x)| match x {
                Tok::Ident(_) => i % 2 == 0,
                Tok::Punct('.') => i % 2 == 1,
                _ => false,
            });
            dotted.then(|| last.clone())
        }
        _ => None,
    }
}

impl Py<'_> {
    /// Dotted name from `j`: the name and the index after it.
    fn dotted(t: &[Token], mut j: usize) -> (String, usize) {
        let mut name = String::new();
        while let Some(w) = ident(t, j).filter(|w| *w != "import") {
            name.push_str(w);
            if punct(t, j + 1, '.') && ident(t, j + 2).is_some() {
                name.push('.');
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        (name, j)
    }

    /// `import a.b as c, d`.
    fn plain_import(&mut self, t: &[Token], k: usize) -> usize {
        let line = t[k].line;
        let mut j = k + 1;
        loop {
            let (name, next) = Self::dotted(t, j);
            if name.is_empty() {
                return next.max(j + 1);
            }
            j = next;
            let mut alias = None;
            if ident(t, j) == Some("as") {
                alias = ident(t, j + 1).map(str::to_string);
                j += 2;
            }
            if name == "signal"
                && let Some(a) = alias
            {
                self.mods.insert(a);
            }
            self.absolute(&name, &[], line);
            if punct(t, j, ',') && t[j].line == line {
                j += 1;
            } else {
                return j;
            }
        }
    }

    /// `from [.]*a.b import x [as y], ...` / `(...)` / `*`.
    fn import_from(&mut self, t: &[Token], k: usize) -> usize {
        let line = t[k].line;
        let mut j = k + 1;
        let mut level = 0;
        while punct(t, j, '.') {
            level += 1;
            j += 1;
        }
        let (module, next) = Self::dotted(t, j);
        j = next;
        if ident(t, j) != Some("import") {
            return j.max(k + 1);
        }
        j += 1;
        let paren = punct(t, j, '(');
        if paren {
            j += 1;
        }
        let mut names: Vec<(String, Option<String>)> = Vec::new();
        while let Some(x) = tok(t, j) {
            if !paren && t[j].line != line {
                break;
            }
            match x {
                Tok::Punct(')') => {
                    j += 1;
                    break;
                }
                Tok::Punct('*') => names.push(("*".into(), None)),
                Tok::Ident(w) if w == "as" => {
                    if let (Some(last), Some(a)) = (names.last_mut(), ident(t, j + 1)) {
                        last.1 = Some(a.to_string());
                    }
                    j += 1;
                }
                Tok::Ident(w) => names.push((w.clone(), None)),
                Tok::Punct(',') => {}
                _ if !paren => break,
                _ => {}
            }
            j += 1;
        }
        if level == 0 && module == "signal" {
            for (n, a) in &names {
                if n == "signal" || n == "*" {
                    self.fns
                        .insert(a.clone().unwrap_or_else(|| "signal".into()));
                }
            }
        }
        let subs: Vec<String> = names
            .iter()
            .filter(|(n, _)| n != "*")
            .map(|(n, _)| n.clone())
            .collect();
        if level == 0 {
            self.absolute(&module, &subs, line);
        } else {
            self.relative(level, &module, &subs, line);
        }
        j
    }

    /// An absolute import: local module if it exists (optional), else a
    /// package; `subs` are names imported from it that may be submodules.
    fn absolute(&mut self, module: &str, subs: &[String], line: usize) {
        if module.is_empty() {
            return;
        }
        let rel = module.replace('.', "/");
        let parts: Vec<&str> = rel.split('/').collect();
        let mut candidates = Vec::new();
        for root in self.roots {
            // Parent packages run their __init__.py first.
            for i in 1..parts.len() {
                if let Some(p) = join(root, &parts[..i].join("/")) {
                    self.push(line, module, vec![format!("{p}/__init__.py")], true);
                }
            }
            if let Some(p) = join(root, &rel) {
                candidates.push(format!("{p}.py"));
                candidates.push(format!("{p}/__init__.py"));
                for sub in subs {
                    self.push(
                        line,
                        module,
                        vec![format!("{p}/{sub}.py"), format!("{p}/{sub}/__init__.py")],
                        true,
                    );
                }
            }
        }
        self.push(line, module, candidates, true);
        self.library(parts[0], line);
    }

    fn relative(&mut self, level: usize, module: &str, subs: &[String], line: usize) {
        let mut base = Some(dir_of(self.path).to_string());
        for _ in 1..level {
            base = base.and_then(|b| join(&b, ".."));
        }
        let spec = format!("{}{module}", ".".repeat(level));
        let Some(base) = base else {
            self.s.unsure.push(format!(
                "{}:{line}: `from {spec} import` leaves the build context",
                self.path
            ));
            return;
        };
        let pkg = if module.is_empty() {
            base.clone()
        } else {
            join(&base, &module.replace('.', "/")).unwrap_or_default()
        };
        let prefix = if pkg.is_empty() {
            String::new()
        } else {
            format!("{pkg}/")
        };
        if module.is_empty() {
            self.push(line, &spec, vec![format!("{prefix}__init__.py")], true);
        } else {
            self.push(
                line,
                &spec,
                vec![format!("{pkg}.py"), format!("{prefix}__init__.py")],
                false,
            );
        }
        for sub in subs {
            self.push(
                line,
                &spec,
                vec![
                    format!("{prefix}{sub}.py"),
                    format!("{prefix}{sub}/__init__.py"),
                ],
                true,
            );
        }
    }

    fn push(&mut self, line: usize, spec: &str, candidates: Vec<String>, optional: bool) {
        self.s.imports.push(Import {
            line,
            spec: spec.to_string(),
            candidates,
            optional,
        });
    }

    fn library(&mut self, top: &str, line: usize) {
        let path = self.path;
        if let Some((name, sigs, how)) = HANDLES.iter().find(|(n, _, _)| *n == top) {
            for sig in *sigs {
                self.s.found(path, line, sig, how.to_string());
            }
            self.s.unsure.push(format!(
                "{path}:{line}: {name} may handle other signals depending on its options"
            ));
        } else if top == "aiohttp" {
            self.aiohttp = true;
        } else if MAYBE.contains(&top) {
            self.s.unsure.push(format!(
                "{path}:{line}: `{top}` may install its own signal handlers"
            ));
        }
    }

    /// Calls and names at `k`.
    fn call(&mut self, t: &[Token], k: usize) {
        let Some(w) = ident(t, k) else { return };
        let line = t[k].line;
        let path = self.path;
        if is_signal_name(w) {
            self.s.literals.insert(w.to_string());
        }
        let dot = prev_dot(t, k);
        if !dot && self.mods.contains(w) && punct(t, k + 1, '.') && punct(t, k + 3, '(') {
            match ident(t, k + 2) {
                Some("signal") => self.register(t, k + 4, &format!("{w}.signal"), line),
                Some(f @ ("sigwait" | "sigwaitinfo" | "sigtimedwait")) => {
                    self.sigwait(t, k + 4, &format!("{w}.{f}"), line)
                }
                _ => {}
            }
            return;
        }
        if !dot && self.fns.contains(w) && punct(t, k + 1, '(') {
            self.register(t, k + 2, w, line);
            return;
        }
        match w {
            "add_signal_handler" if dot && punct(t, k + 1, '(') => {
                let recv = if k >= 2 {
                    ident(t, k - 2).unwrap_or("loop")
                } else {
                    "loop"
                };
                self.register(t, k + 2, &format!("{recv}.add_signal_handler"), line);
            }
            "KeyboardInterrupt" => {
                let mut j = k;
                while j > 0 && t[j - 1].line == line {
                    j -= 1;
                    if ident(t, j) == Some("except") {
                        self.s
                            .found(path, line, "SIGINT", "except KeyboardInterrupt".into());
                        break;
                    }
                }
            }
            "import_module" | "__import__" if punct(t, k + 1, '(') => {
                match (tok(t, k + 2), tok(t, k + 3)) {
                    (Some(Tok::Str(spec)), Some(Tok::Punct(')' | ',')))
                        if !spec.starts_with('.') =>
                    {
                        let spec = spec.clone();
                        self.absolute(&spec, &[], line);
                    }
                    _ => self
                        .s
                        .unsure
                        .push(format!("{path}:{line}: {w}() of a computed module name")),
                }
            }
            "exec" if !dot && punct(t, k + 1, '(') => self
                .s
                .unsure
                .push(format!("{path}:{line}: exec() runs code that was not read")),
            "run_path" | "run_module" if dot && k >= 2 && ident(t, k - 2) == Some("runpy") => self
                .s
                .unsure
                .push(format!("{path}:{line}: runpy runs code that was not read")),
            "run_app" if self.aiohttp && punct(t, k + 1, '(') => {
                for sig in ["SIGTERM", "SIGINT"] {
                    self.s.found(path, line, sig, "aiohttp web.run_app".into());
                }
                self.s.unsure.push(format!(
                    "{path}:{line}: aiohttp may handle other signals depending on its options"
                ));
            }
            _ => {}
        }
    }

    /// `signal.signal(SIG, handler)` / `add_signal_handler(SIG, cb)` whose
    /// first argument starts at `start`.
    fn register(&mut self, t: &[Token], start: usize, callee: &str, line: usize) {
        let (arg, end) = argument(t, start);
        if arg.is_empty() {
            return;
        }
        let reset = punct(t, end, ',') && {
            let (second, _) = argument(t, end + 1);
            matches!(second.last(), Some(Tok::Ident(h)) if h == "SIG_IGN" || h == "SIG_DFL")
        };
        match signal_of(&arg) {
            Some(sig) if reset => {
                self.s.resets.insert(sig);
            }
            Some(sig) => {
                let text = text_of(&arg).unwrap_or_else(|| sig.clone());
                self.s
                    .found(self.path, line, &sig, format!("{callee}({text}, ...)"));
            }
            None if reset => {}
            None => self
                .s
                .dynamic
                .push((line, format!("{callee}(<computed>, ...)"))),
        }
    }

    /// `signal.sigwait({...})`: waits for the listed signals.
    fn sigwait(&mut self, t: &[Token], start: usize, callee: &str, line: usize) {
        let (arg, _) = argument(t, start);
        let sigs: Vec<String> = arg
            .iter()
            .filter_map(|x| match x {
                Tok::Ident(w) if is_signal_name(w) => Some(w.clone()),
                _ => None,
            })
            .collect();
        if sigs.is_empty() {
            self.s.dynamic.push((line, format!("{callee}(<computed>)")));
        }
        for sig in sigs {
            self.s
                .found(self.path, line, &sig, format!("{callee}(...)"));
        }
    }
}
