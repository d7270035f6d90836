//! Node: handler registrations, imports and known libraries in one
//! JavaScript or TypeScript file.

use std::collections::BTreeSet;

use super::lex::{self, Tok, Token, ident, punct, str_at, tok};
use super::{FileScan, Import, JS_EXTS, dir_of, ext_of, is_signal_name, join, js_candidates};

/// `process` methods that add a listener.
const METHODS: &[&str] = &[
    "on",
    "once",
    "addListener",
    "prependListener",
    "prependOnceListener",
];

/// NestJS `ShutdownSignal` values, used by `enableShutdownHooks()` without
/// arguments.
const NEST_DEFAULT: &[&str] = &[
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGSEGV",
    "SIGUSR2", "SIGTERM",
];

/// Packages that may install signal handlers depending on version or use.
const MAYBE: &[&str] = &[
    "@prisma/client", // before Prisma 5 its engine hooked SIGINT/SIGTERM
    "next",
    "nuxt",
    "@loopback/core",
    "moleculer",
    "throng",
    "ghost",
    "node-red",
    "@strapi/strapi",
    "strapi",
    "sails",
    "@adonisjs/core",
    "@opentelemetry/auto-instrumentations-node",
    "@google-cloud/functions-framework",
    "probot",
    "hubot",
    "@medusajs/medusa",
    "directus",
    "@directus/api",
    "@keystone-6/core",
    "payload",
    "pm2",
    "forever-monitor",
    "signal-exit",
    "async-exit-hook",
    "node-cleanup",
    "egg",
    "egg-cluster",
    "@midwayjs/bootstrap",
    "@slack/bolt",
];

/// Package name prefixes of the same kind (Apollo Server stops itself on
/// SIGINT/SIGTERM by default, then re-raises the signal).
const MAYBE_PREFIX: &[&str] = &["apollo-server", "@apollo/server"];

/// Words in a package name that suggest a shutdown helper.
const SUSPECT: &[&str] = &[
    "graceful",
    "shutdown",
    "terminus",
    "exit-hook",
    "death",
    "cleanup",
];

/// Packages known not to install a signal handler.
const INERT: &[&str] = &["stoppable", "http-terminator", "@nestjs/terminus"];

fn prev_is(t: &[Token], k: usize, c: char) -> bool {
    k > 0 && punct(t, k - 1, c)
}

pub(super) fn scan(path: &str, text: &str) -> FileScan {
    let lexed = lex::js(text);
    let t = &lexed.toks;
    let mut s = FileScan::default();
    if let Some((line, what)) = lexed.trouble {
        s.unsure.push(format!(
            "{path}:{line}: {what}; the file may be misread from there"
        ));
    }
    for k in 0..t.len() {
        let line = t[k].line;
        let w = match &t[k].tok {
            Tok::Str(v) => {
                if is_signal_name(v) {
                    s.literals.insert(v.clone());
                }
                continue;
            }
            Tok::Ident(w) => w.as_str(),
            _ => continue,
        };
        let after_dot = prev_is(t, k, '.');
        match w {
            m if METHODS.contains(&m) && after_dot && punct(t, k + 1, '(') => {
                let recv = is_process(t, k - 1);
                registration(&mut s, path, t, m, recv, k + 2, line);
            }
            "process" => process_use(&mut s, path, t, k),
            "require" if !after_dot && punct(t, k + 1, '(') => {
                module_call(&mut s, path, t, k, "require()")
            }
            "import" if !after_dot => {
                if punct(t, k + 1, '(') {
                    module_call(&mut s, path, t, k, "import()");
                } else if let Some(spec) = str_at(t, k + 1) {
                    import(&mut s, path, t, k + 1, spec);
                }
            }
            "from" if !after_dot => {
                if let Some(spec) = str_at(t, k + 1)
                    && !type_only(t, k)
                {
                    import(&mut s, path, t, k + 1, spec);
                }
            }
            "eval" if !after_dot && punct(t, k + 1, '(') => s
                .unsure
                .push(format!("{path}:{line}: eval() runs code that was not read")),
            "enableShutdownHooks" if punct(t, k + 1, '(') => nest(&mut s, path, t, k),
            _ => {}
        }
    }
    s
}

/// Index of the `(` matching the `)` at `close`.
fn matching_open(t: &[Token], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    let lowest = close.saturating_sub(20_000);
    let mut i = close;
    loop {
        match tok(t, i) {
            Some(Tok::Punct(')')) => depth += 1,
            Some(Tok::Punct('(')) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        if i == lowest {
            return None;
        }
        i -= 1;
    }
}

/// Index of the `{` matching the `}` at `close`.
fn matching_brace(t: &[Token], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (close.saturating_sub(2_000)..=close).rev() {
        match tok(t, i) {
            Some(Tok::Punct('}')) => depth += 1,
            Some(Tok::Punct('{')) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Is the object before the `.` at `dot` visibly `process` (directly or as
/// the result of a chained `process.on(...)`)?
fn is_process(t: &[Token], dot: usize) -> bool {
    if dot == 0 {
        return false;
    }
    let j = dot - 1;
    match tok(t, j) {
        Some(Tok::Ident(w)) => w == "process",
        Some(Tok::Punct(')')) => {
            let Some(open) = matching_open(t, j) else {
                return false;
            };
            open >= 2
                && ident(t, open - 1).is_some_and(|m| METHODS.contains(&m))
                && punct(t, open - 2, '.')
                && is_process(t, open - 2)
        }
        _ => false,
    }
}

/// A listener call whose first argument is at `arg`.
fn registration(
    s: &mut FileScan,
    path: &str,
    t: &[Token],
    m: &str,
    recv: bool,
    arg: usize,
    line: usize,
) {
    match tok(t, arg) {
        Some(Tok::Str(v)) if !punct(t, arg + 1, '+') => {
            if !is_signal_name(v) {
                return;
            }
            if recv {
                s.found(path, line, v, format!("process.{m}('{v}')"));
            } else {
                s.unsure.push(format!(
                    "{path}:{line}: .{m}('{v}') on an object that is not visibly `process`"
                ));
            }
        }
        None | Some(Tok::Punct(')')) => {}
        _ if recv => s.dynamic.push((line, format!("process.{m}(<computed>)"))),
        _ => {}
    }
}

/// `process` not used as `process.x`: computed members and aliases.
fn process_use(s: &mut FileScan, path: &str, t: &[Token], k: usize) {
    let line = t[k].line;
    if prev_is(t, k, '.') || (k > 0 && ident(t, k - 1) == Some("typeof")) {
        return;
    }
    if punct(t, k + 1, '.') {
        return;
    }
    if punct(t, k + 1, '[') {
        match str_at(t, k + 2) {
            Some(m) if punct(t, k + 3, ']') => {
                if METHODS.contains(&m) && punct(t, k + 4, '(') {
                    registration(s, path, t, m, true, k + 5, line);
                }
            }
            _ => s.unsure.push(format!(
                "{path}:{line}: process[...] with a computed member"
            )),
        }
        return;
    }
    let prev = if k > 0 { tok(t, k - 1) } else { None };
    let next = tok(t, k + 1);
    let assigned = matches!(prev, Some(Tok::Punct('=')))
        && !(k >= 2 && matches!(tok(t, k - 2), Some(Tok::Punct('=' | '!' | '<' | '>'))));
    let closes = matches!(next, Some(Tok::Punct(')' | ',' | '}' | ';')) | None);
    let passed = matches!(prev, Some(Tok::Punct('(' | ',' | ':'))) && closes;
    // `const { env, argv } = process` takes values, not the listener methods.
    let harmless_destructuring = assigned
        && k >= 2
        && punct(t, k - 2, '}')
        && matching_brace(t, k - 2).is_some_and(|open| {
            t[open..k - 2]
                .iter()
                .all(|x| !matches!(&x.tok, Tok::Ident(w) if METHODS.contains(&w.as_str()) || w == "emit"))
        });
    if (assigned && !harmless_destructuring && !matches!(next, Some(Tok::Punct('=')))) || passed {
        s.unsure.push(format!(
            "{path}:{line}: `process` is aliased or passed on; handlers may be registered through it"
        ));
    }
}

/// Is the `from` at `k` ending an `import type ...` / `export type ...`
/// (erased by TypeScript, never loaded)?
fn type_only(t: &[Token], k: usize) -> bool {
    let mut j = k;
    while j > 0 && k - j < 200 {
        j -= 1;
        match ident(t, j) {
            Some("import" | "export") => {
                return ident(t, j + 1) == Some("type")
                    && !punct(t, j + 2, ',')
                    && ident(t, j + 2) != Some("from");
            }
            _ if punct(t, j, ';') => return false,
            _ => {}
        }
    }
    false
}

/// `require(...)` or `import(...)` at `k`.
fn module_call(s: &mut FileScan, path: &str, t: &[Token], k: usize, what: &str) {
    let arg = k + 2;
    match str_at(t, arg) {
        Some(spec) if punct(t, arg + 1, ')') || punct(t, arg + 1, ',') => {
            import(s, path, t, arg, spec)
        }
        _ if punct(t, arg, ')') => {}
        _ => s.unsure.push(format!(
            "{path}:{}: {what} of a computed module path",
            t[k].line
        )),
    }
}

/// A module specifier (the string token at `at`).
fn import(s: &mut FileScan, path: &str, t: &[Token], at: usize, spec: &str) {
    let line = t[at].line;
    if spec == "process" || spec == "node:process" {
        if !binds_process(t, at) {
            s.unsure.push(format!(
                "{path}:{line}: the process module is bound to another name"
            ));
        }
        return;
    }
    if spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../") {
        if ext_of(spec).is_some_and(|e| !JS_EXTS.contains(&e)) && !spec.ends_with('/') {
            // JSON, styles, assets: data, not code. (`./a.b` module names
            // without a code extension are rare enough to skip.)
            return;
        }
        match join(dir_of(path), spec) {
            Some(p) => s.imports.push(Import {
                line,
                spec: spec.to_string(),
                candidates: js_candidates(&p),
                optional: false,
            }),
            None => s.unsure.push(format!(
                "{path}:{line}: `{spec}` points outside the build context"
            )),
        }
    } else if let Some(rest) = spec.strip_prefix("@/").or_else(|| spec.strip_prefix("~/")) {
        let mut candidates = js_candidates(&format!("src/{rest}"));
        candidates.extend(js_candidates(rest));
        s.imports.push(Import {
            line,
            spec: spec.to_string(),
            candidates,
            optional: false,
        });
    } else if spec.starts_with('/') || spec.starts_with('#') || spec.contains("://") {
        s.unsure.push(format!(
            "{path}:{line}: module `{spec}` cannot be located in the build context"
        ));
    } else {
        package(s, spec, path, line, t);
    }
}

/// Is the `process` module at `at` bound to the name `process`?
fn binds_process(t: &[Token], at: usize) -> bool {
    // const process = require('process')
    if at >= 4
        && punct(t, at - 1, '(')
        && ident(t, at - 2) == Some("require")
        && punct(t, at - 3, '=')
    {
        return ident(t, at - 4) == Some("process");
    }
    // import process from 'process' / import * as process from 'process'
    if at >= 1 && ident(t, at - 1) == Some("from") {
        let mut j = at - 1;
        let mut binding = Vec::new();
        while j > 0 && binding.len() < 8 {
            j -= 1;
            if ident(t, j) == Some("import") {
                let b: Vec<String> = binding
                    .iter()
                    .rev()
                    .map(|x: &&Tok| match x {
                        Tok::Ident(w) => w.clone(),
                        Tok::Punct(c) => c.to_string(),
                        _ => String::new(),
                    })
                    .collect();
                return b == ["process"] || b == ["*", "as", "process"];
            }
            binding.push(&t[j].tok);
        }
        return false;
    }
    // import 'process' (side effect only)
    at >= 1 && ident(t, at - 1) == Some("import")
}

/// `@scope/name` or `name` of a bare specifier.
fn package_name(spec: &str) -> &str {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    let mut parts = spec.splitn(3, '/');
    let first = parts.next().unwrap_or("");
    if first.starts_with('@') {
        match parts.next() {
            Some(second) => &spec[..first.len() + 1 + second.len()],
            None => first,
        }
    } else {
        first
    }
}

/// A bare package imported (or preloaded) by `path`; `t` are the tokens of
/// the importing file, where the library's options are looked up.
pub(super) fn package(s: &mut FileScan, spec: &str, path: &str, line: usize, t: &[Token]) {
    let name = package_name(spec);
    match name {
        // signal: default 'SIGTERM'; signals: extra ones.
        "@godaddy/terminus" => library(
            s,
            path,
            line,
            t,
            name,
            &[("signal", false), ("signals", true)],
        ),
        "lightship" | "http-graceful-shutdown" => {
            library(s, path, line, t, name, &[("signals", false)])
        }
        "close-with-grace" => library(s, path, line, t, name, &[]),
        n if INERT.contains(&n) => {}
        n if MAYBE.contains(&n)
            || MAYBE_PREFIX.iter().any(|p| n.starts_with(p))
            || SUSPECT.iter().any(|w| n.contains(w)) =>
        {
            s.unsure.push(format!(
                "{path}:{line}: `{n}` may install its own signal handlers"
            ))
        }
        _ => {}
    }
}

/// A library that listens for SIGTERM by default. `keys`: option names that
/// set signals, and whether they add to the default (else replace it).
fn library(
    s: &mut FileScan,
    path: &str,
    line: usize,
    t: &[Token],
    name: &str,
    keys: &[(&str, bool)],
) {
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    let mut replaced = false;
    for (key, adds) in keys {
        for v in option_values(t, key) {
            if !adds {
                replaced = true;
            }
            if let Some(sigs) = v {
                claimed.extend(sigs);
            }
        }
    }
    if !replaced {
        claimed.insert("SIGTERM".into());
    }
    for sig in &claimed {
        s.found(path, line, sig, format!("{name} (listens for {sig})"));
    }
    s.unsure.push(format!(
        "{path}:{line}: {name} may handle other signals depending on its version and options"
    ));
}

/// Values of `key: ...` object properties in the file: the signal names
/// when literal (`'SIGINT'`, `'SIGINT SIGTERM'`, `['SIGINT']`), else `None`.
fn option_values(t: &[Token], key: &str) -> Vec<Option<Vec<String>>> {
    let mut out = Vec::new();
    for k in 0..t.len() {
        let is_key = ident(t, k) == Some(key) || str_at(t, k) == Some(key);
        if !is_key || prev_is(t, k, '.') {
            continue;
        }
        if punct(t, k + 1, ':') {
            out.push(literal_signals(t, k + 2));
        } else if (prev_is(t, k, '{') || prev_is(t, k, ','))
            && (punct(t, k + 1, ',') || punct(t, k + 1, '}'))
        {
            out.push(None); // shorthand `{ signals }`
        }
    }
    out
}

fn literal_signals(t: &[Token], at: usize) -> Option<Vec<String>> {
    let split = |v: &str| -> Vec<String> {
        v.split_whitespace()
            .filter(|w| is_signal_name(w))
            .map(str::to_string)
            .collect()
    };
    match tok(t, at)? {
        Tok::Str(v) => Some(split(v)),
        Tok::Punct('[') => {
            let mut sigs = Vec::new();
            let mut j = at + 1;
            loop {
                match tok(t, j)? {
                    Tok::Str(v) => sigs.extend(split(v)),
                    Tok::Punct(',') => {}
                    Tok::Punct(']') => return Some(sigs),
                    _ => return None,
                }
                j += 1;
            }
        }
        _ => None,
    }
}

/// NestJS `app.enableShutdownHooks(...)` at `k`.
fn nest(s: &mut FileScan, path: &str, t: &[Token], k: usize) {
    let line = t[k].line;
    let mut sigs: Vec<String> = Vec::new();
    let mut computed = false;
    if punct(t, k + 2, ')') {
        sigs = NEST_DEFAULT.iter().map(|s| s.to_string()).collect();
    } else {
        let mut depth = 1usize;
        let mut j = k + 2;
        while let Some(x) = tok(t, j) {
            match x {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Punct(',') => {}
                Tok::Str(v) if is_signal_name(v) => sigs.push(v.clone()),
                Tok::Ident(w) if w == "ShutdownSignal" && punct(t, j + 1, '.') => {
                    match ident(t, j + 2) {
                        Some(v) if is_signal_name(v) => sigs.push(v.to_string()),
                        _ => computed = true,
                    }
                    j += 2;
                }
                _ => computed = true,
            }
            j += 1;
        }
    }
    let how = if punct(t, k + 2, ')') {
        "NestJS enableShutdownHooks()".to_string()
    } else {
        format!("NestJS enableShutdownHooks([{}])", sigs.join(", "))
    };
    for sig in &sigs {
        s.found(path, line, sig, how.clone());
    }
    if computed {
        s.unsure.push(format!(
            "{path}:{line}: enableShutdownHooks with computed signals"
        ));
    }
    s.unsure.push(format!(
        "{path}:{line}: NestJS shutdown hooks: other signals not checked"
    ));
}
