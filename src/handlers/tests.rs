use std::path::PathBuf;

use super::lex::{self, Tok};
use super::*;

fn fixture(name: &str) -> Context {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/handlers")
        .join(name);
    assert!(dir.is_dir(), "missing fixture {name}");
    Context::new(Some(dir))
}

fn inline(files: &[(&str, &str)]) -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let ctx = Context::new(Some(dir.path().to_path_buf()));
    (dir, ctx)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn node(ctx: &Context, entry: &str, signal: &str) -> Verdict {
    check(ctx, Lang::Node, entry, &[], signal)
}

fn python(ctx: &Context, entry: &str, signal: &str) -> Verdict {
    check(ctx, Lang::Python, entry, &[], signal)
}

fn js_src(src: &str) -> Verdict {
    let (_d, ctx) = inline(&[("server.js", src)]);
    node(&ctx, "server.js", "SIGTERM")
}

fn py_src(src: &str) -> Verdict {
    let (_d, ctx) = inline(&[("app.py", src)]);
    python(&ctx, "app.py", "SIGTERM")
}

#[track_caller]
fn handles(v: &Verdict) -> &Found {
    match v {
        Verdict::Handles(f) => f,
        other => panic!("expected Handles, got {other:?}"),
    }
}

#[track_caller]
fn other_signals(v: &Verdict) -> Vec<&str> {
    match v {
        Verdict::Other { handled } => handled.iter().map(|f| f.signal.as_str()).collect(),
        other => panic!("expected Other, got {other:?}"),
    }
}

#[track_caller]
fn none_files(v: &Verdict) -> Vec<&str> {
    match v {
        Verdict::None { files } => files.iter().map(String::as_str).collect(),
        other => panic!("expected None, got {other:?}"),
    }
}

#[track_caller]
fn unknown(v: &Verdict) -> &str {
    match v {
        Verdict::Unknown(why) => why,
        other => panic!("expected Unknown, got {other:?}"),
    }
}

// --- fixtures: node --------------------------------------------------------

#[test]
fn fixture_node_sigterm_handled_across_lines() {
    let v = node(&fixture("node-sigterm"), "server.js", "SIGTERM");
    let f = handles(&v);
    assert_eq!((f.path.as_str(), f.line), ("server.js", 6));
    assert_eq!(f.how, "process.on('SIGTERM')");
    // The same file asked for STOPSIGNAL SIGQUIT (fact 22).
    let v = node(&fixture("node-sigterm"), "server.js", "SIGQUIT");
    assert_eq!(other_signals(&v), ["SIGTERM"]);
}

#[test]
fn fixture_node_sigint_only_is_other() {
    let v = node(&fixture("node-sigint-only"), "server.js", "SIGTERM");
    assert_eq!(other_signals(&v), ["SIGINT"]);
    let v = node(&fixture("node-sigint-only"), "./server.js", "SIGINT");
    assert_eq!(handles(&v).how, "process.on('SIGINT')");
}

#[test]
fn fixture_node_none_lists_files_read() {
    let v = node(&fixture("node-none"), "server.js", "SIGTERM");
    assert_eq!(none_files(&v), ["server.js", "routes.js"]);
}

#[test]
fn fixture_node_handler_in_required_module() {
    let v = node(&fixture("node-required"), "src/server.js", "SIGTERM");
    let f = handles(&v);
    assert_eq!((f.path.as_str(), f.line), ("src/lib/shutdown.js", 3));
    assert_eq!(f.how, "process.once('SIGTERM')");
}

#[test]
fn fixture_node_handler_in_preload() {
    let ctx = fixture("node-preload");
    let v = check(
        &ctx,
        Lang::Node,
        "server.js",
        &strings(&["./tracing.js"]),
        "SIGTERM",
    );
    assert_eq!(handles(&v).path, "tracing.js");
    // Without the preload nothing handles it.
    assert_eq!(
        none_files(&node(&ctx, "server.js", "SIGTERM")),
        ["server.js"]
    );
    // A preload missing from the context: cannot tell.
    let v = check(
        &ctx,
        Lang::Node,
        "server.js",
        &strings(&["./otel.js"]),
        "SIGTERM",
    );
    assert!(unknown(&v).contains("otel.js"));
    // A package preload that installs nothing.
    let v = check(
        &ctx,
        Lang::Node,
        "server.js",
        &strings(&["dotenv/config"]),
        "SIGTERM",
    );
    none_files(&v);
}

#[test]
fn fixture_node_array_foreach() {
    let ctx = fixture("node-foreach");
    let f = handles(&node(&ctx, "index.js", "SIGTERM")).clone();
    assert_eq!(f.line, 4);
    assert!(f.how.starts_with("process.on(<computed>)"), "{}", f.how);
    handles(&node(&ctx, "index.js", "SIGINT"));
    // A signal not named anywhere: the computed registration could be it.
    assert!(unknown(&node(&ctx, "index.js", "SIGQUIT")).contains("computed signal"));
}

#[test]
fn fixture_node_terminus() {
    let ctx = fixture("node-terminus");
    let f = handles(&node(&ctx, "server.js", "SIGTERM")).clone();
    assert!(f.how.starts_with("@godaddy/terminus"), "{}", f.how);
    assert!(unknown(&node(&ctx, "server.js", "SIGQUIT")).contains("terminus"));
}

#[test]
fn fixture_node_comments_and_strings_do_not_count() {
    let v = node(&fixture("node-comments"), "server.js", "SIGTERM");
    assert_eq!(other_signals(&v), ["SIGINT"]);
}

#[test]
fn fixture_node_missing_entry() {
    let v = node(&fixture("node-none"), "dist/app.js", "SIGTERM");
    assert!(unknown(&v).contains("built during the image build"));
    // A compiled entry whose source sits at the root is read from there.
    none_files(&node(&fixture("node-none"), "dist/server.js", "SIGTERM"));
    let v = node(&fixture("node-none"), "app.js", "SIGTERM");
    assert!(unknown(&v).contains("not in the build context"));
    let v = node(&Context::default(), "app.js", "SIGTERM");
    assert!(unknown(&v).contains("not available"));
}

#[test]
fn fixture_node_dist_entry_read_from_ts_source() {
    let ctx = fixture("node-dist-src");
    let f = handles(&node(&ctx, "dist/main", "SIGTERM")).clone();
    assert_eq!(f.path, "src/main.ts");
    assert_eq!(f.how, "NestJS enableShutdownHooks()");
    // `node .` with package.json main.
    let (entry, _) = entry_of(Lang::Node, &strings(&["."]), Some("dist/main.js")).unwrap();
    assert_eq!(handles(&node(&ctx, &entry, "SIGTERM")).path, "src/main.ts");
    // The import of './app.module.js' resolved to the .ts file.
    assert!(unknown(&node(&ctx, "dist/main.js", "SIGWINCH")).contains("NestJS"));
}

#[test]
fn fixture_node_dynamic_require_is_unknown() {
    let v = node(&fixture("node-dynamic"), "server.js", "SIGTERM");
    assert!(unknown(&v).contains("computed module path"));
}

#[test]
fn fixture_node_aliased_process_is_unknown() {
    let v = node(&fixture("node-alias"), "server.js", "SIGTERM");
    assert!(unknown(&v).contains("aliased"));
}

#[test]
fn fixture_node_import_depth_limit() {
    let ctx = fixture("node-deep");
    let v = node(&ctx, "index.js", "SIGTERM");
    assert!(unknown(&v).contains("d.js"), "{v:?}");
    // Starting one level lower, the handler is within reach.
    assert_eq!(handles(&node(&ctx, "a.js", "SIGTERM")).path, "d.js");
}

#[test]
fn fixture_node_esm_chained_handlers() {
    let ctx = fixture("node-esm");
    let f = handles(&node(&ctx, "", "SIGTERM")).clone();
    assert_eq!((f.path.as_str(), f.line), ("app/shutdown.mjs", 5));
    assert_eq!(handles(&node(&ctx, "app/index.mjs", "SIGINT")).line, 4);
}

// --- fixtures: python ------------------------------------------------------

#[test]
fn fixture_python_signal_signal() {
    let f = handles(&python(&fixture("python-signal"), "app.py", "SIGTERM")).clone();
    assert_eq!(f.how, "signal.signal(signal.SIGTERM, ...)");
    assert_eq!(f.line, 10);
}

#[test]
fn fixture_python_keyboard_interrupt_only() {
    let ctx = fixture("python-keyboardinterrupt");
    let v = python(&ctx, "app.py", "SIGTERM");
    assert_eq!(other_signals(&v), ["SIGINT"]);
    assert_eq!(
        handles(&python(&ctx, "app.py", "SIGINT")).how,
        "except KeyboardInterrupt"
    );
}

#[test]
fn fixture_python_none() {
    let ctx = fixture("python-none");
    assert_eq!(
        none_files(&python(&ctx, "app.py", "SIGTERM")),
        ["app.py", "helpers.py"]
    );
    // SIGINT: python's own default handler (fact 3).
    let f = handles(&python(&ctx, "app.py", "SIGINT")).clone();
    assert_eq!(f.line, 0);
}

#[test]
fn fixture_python_handler_in_imported_module() {
    let f = handles(&python(&fixture("python-import"), "main.py", "SIGTERM")).clone();
    assert_eq!(f.path, "service/runner.py");
    assert_eq!(f.how, "loop.add_signal_handler(signal.SIGTERM, ...)");
}

#[test]
fn fixture_python_from_signal_import_loop() {
    let ctx = fixture("python-from-signal");
    assert!(
        handles(&python(&ctx, "worker.py", "SIGTERM"))
            .how
            .contains("computed")
    );
    assert!(unknown(&python(&ctx, "worker.py", "SIGQUIT")).contains("computed signal"));
}

#[test]
fn fixture_python_module_entry() {
    let ctx = fixture("python-module");
    let (entry, pre) = entry_of(Lang::Python, &strings(&["-m", "pkg.mod"]), None).unwrap();
    assert_eq!(entry, "pkg/mod.py");
    assert!(pre.is_empty());
    // SIG_DFL is not a handler; SIGINT is.
    assert_eq!(other_signals(&python(&ctx, &entry, "SIGTERM")), ["SIGINT"]);
}

#[test]
fn fixture_python_django_is_unknown() {
    let ctx = fixture("python-django");
    let args = strings(&["manage.py", "runserver", "0.0.0.0:8000"]);
    let (entry, _) = entry_of(Lang::Python, &args, None).unwrap();
    let why = unknown(&python(&ctx, &entry, "SIGTERM")).to_string();
    assert!(why.contains("Django") && why.contains("django"), "{why}");
}

#[test]
fn fixture_python_uvicorn_in_code() {
    let ctx = fixture("python-uvicorn");
    assert_eq!(handles(&python(&ctx, "main.py", "SIGTERM")).how, "uvicorn");
    unknown(&python(&ctx, "main.py", "SIGQUIT"));
}

// --- node details ----------------------------------------------------------

#[test]
fn node_registration_forms() {
    for src in [
        "process.on('SIGTERM', f)",
        "process.on(\"SIGTERM\", f)",
        "process.on(`SIGTERM`, f)",
        "process\n  .addListener(\n 'SIGTERM' /* stop */, f)",
        "process.prependListener('SIGTERM', f)",
        "process.prependOnceListener('SIGTERM', f)",
        "process?.on('SIGTERM', f)",
        "globalThis.process.on('SIGTERM', f)",
        "process['on']('SIGTERM', f)",
        "process.on('SIGINT', f).once('SIGTERM', g)",
        "const S = 'SIGTERM'; process.on(S, f)",
        "const process = require('process'); process.on('SIGTERM', f)",
        "import process from 'node:process'; process.on('SIGTERM', f)",
        "process.on('SIGTERM' as NodeJS.Signals, f)",
        "\u{feff}#!/usr/bin/env node\r\nprocess.on('SIGTERM', f)\r\n",
    ] {
        let v = js_src(src);
        assert!(matches!(v, Verdict::Handles(_)), "{src}: {v:?}");
    }
}

#[test]
fn node_not_registrations() {
    for src in [
        "server.on('close', f); process.on('exit', f); process.on('uncaughtException', f)",
        "process.kill(process.pid, 'SIGTERM')",
        "if (typeof process !== 'undefined') console.log(process.env.X)",
        "const x = a / b; const y = c /d/ e;",
        "const stoppable = require('stoppable'); stoppable(server)",
        "const { env, argv } = process; console.log(env, argv)",
        "import type { Config } from './types';\nexport type { Other } from './other';",
    ] {
        let v = js_src(src);
        assert!(matches!(v, Verdict::None { .. }), "{src}: {v:?}");
    }
}

#[test]
fn node_unsure_forms() {
    for (src, why) in [
        ("process.on('SIG' + name, f)", "computed signal"),
        ("emitter.on('SIGTERM', f)", "not visibly `process`"),
        ("register(process)", "aliased"),
        ("const { on } = process; on('SIGTERM', f)", "aliased"),
        ("process[method]('SIGTERM', f)", "computed member"),
        (
            "import { on } from 'process'; on('SIGTERM', f)",
            "another name",
        ),
        ("eval(code)", "eval"),
        (
            "await import(`./plugins/${name}.js`)",
            "computed module path",
        ),
        ("require('./missing')", "not in the build context"),
        ("require('../outside')", "outside the build context"),
        ("require('#internal/x')", "cannot be located"),
        (
            "const { PrismaClient } = require('@prisma/client')",
            "@prisma/client",
        ),
        (
            "import gs from 'fastify-graceful-shutdown'",
            "fastify-graceful-shutdown",
        ),
        (
            "const { ApolloServer } = require('@apollo/server')",
            "@apollo/server",
        ),
        (
            "const s = 'unterminated\nprocess.on('SIGINT', f)",
            "unterminated string",
        ),
    ] {
        let v = js_src(src);
        assert!(unknown(&v).contains(why), "{src}: {v:?}");
    }
}

#[test]
fn node_handles_wins_over_unsure() {
    let v = js_src("require(dynamic); process.on('SIGTERM', f)");
    handles(&v);
}

#[test]
fn node_other_with_unsure_is_unknown_and_says_so() {
    let v = js_src("require(dynamic); process.on('SIGINT', f)");
    assert!(
        unknown(&v).starts_with("handlers found only for SIGINT, but "),
        "{v:?}"
    );
}

#[test]
fn node_libraries() {
    let v = js_src("const { createLightship } = require('lightship'); createLightship();");
    assert!(handles(&v).how.starts_with("lightship"));
    let v = js_src(
        "import gracefulShutdown from 'http-graceful-shutdown';\n\
         gracefulShutdown(server, { signals: 'SIGINT SIGUSR2' });",
    );
    assert!(unknown(&v).contains("http-graceful-shutdown"));
    let (_d, ctx) = inline(&[(
        "s.js",
        "const gs = require('http-graceful-shutdown'); gs(server, { signals: 'SIGINT SIGUSR2' });",
    )]);
    handles(&node(&ctx, "s.js", "SIGUSR2"));
    // terminus: `signal` replaces the default, `signals` adds to it.
    let (_d, ctx) = inline(&[(
        "s.js",
        "const { createTerminus } = require('@godaddy/terminus');\n\
         createTerminus(server, { signal: 'SIGINT', signals: ['SIGUSR2'] });",
    )]);
    handles(&node(&ctx, "s.js", "SIGINT"));
    handles(&node(&ctx, "s.js", "SIGUSR2"));
    unknown(&node(&ctx, "s.js", "SIGTERM"));
    let v = js_src("app.enableShutdownHooks([ShutdownSignal.SIGINT, 'SIGTERM'])");
    assert_eq!(
        handles(&v).how,
        "NestJS enableShutdownHooks([SIGINT, SIGTERM])"
    );
    let v = js_src("app.enableShutdownHooks(['SIGINT'])");
    assert!(unknown(&v).contains("NestJS"));
}

#[test]
fn node_typescript_and_index_resolution() {
    let (_d, ctx) = inline(&[
        (
            "src/index.ts",
            "import { boot } from './boot';\nimport cfg from '@/config';\nboot(cfg);",
        ),
        (
            "src/boot/index.ts",
            "export const boot = () => process.on('SIGTERM', stop);",
        ),
        ("src/config.ts", "export default {};"),
    ]);
    let f = handles(&node(&ctx, "src/index.ts", "SIGTERM")).clone();
    assert_eq!(f.path, "src/boot/index.ts");
    let (_d, ctx) = inline(&[
        (
            "src/index.ts",
            "import { boot } from './boot.js';\nimport cfg from '@/config';\nboot(cfg);",
        ),
        ("src/boot.ts", "export const boot = () => 1;"),
        ("src/config.ts", "export default {};"),
    ]);
    assert_eq!(
        none_files(&node(&ctx, "src/index.ts", "SIGTERM")),
        ["src/index.ts", "src/boot.ts", "src/config.ts"]
    );
}

#[test]
fn node_json_imports_are_data() {
    let (_d, ctx) = inline(&[
        (
            "server.js",
            "const cfg = require('./config');\nconst pkg = require('./package.json');",
        ),
        ("config.json", "{\"process.on('SIGTERM')\": 1}"),
        ("package.json", "{}"),
    ]);
    assert_eq!(
        none_files(&node(&ctx, "server.js", "SIGTERM")),
        ["server.js"]
    );
}

#[test]
fn node_non_js_entry_is_unknown() {
    let (_d, ctx) = inline(&[("app.coffee", "process.on 'SIGTERM', -> 1")]);
    assert!(unknown(&node(&ctx, "app.coffee", "SIGTERM")).contains("not JavaScript"));
}

// --- python details --------------------------------------------------------

#[test]
fn python_registration_forms() {
    for src in [
        "import signal\nsignal.signal(signal.SIGTERM, h)",
        "import signal as sg\nsg.signal(sg.SIGTERM, h)",
        "from signal import signal as on, SIGTERM\non(SIGTERM, h)",
        "from signal import *\nsignal(SIGTERM, h)",
        "import signal\nsignal.signal(signal.Signals.SIGTERM, h)",
        "import signal\nsignal.signal(15, h)",
        "import signal\nsignal.signal(\n    signal.SIGTERM,  # stop\n    h,\n)",
        "import signal, asyncio\nasyncio.get_running_loop().add_signal_handler(signal.SIGTERM, h)",
        "import signal\nsignal.sigwait({signal.SIGTERM})",
        "from aiohttp import web\nweb.run_app(app)",
    ] {
        let v = py_src(src);
        assert!(matches!(v, Verdict::Handles(_)), "{src}: {v:?}");
    }
}

#[test]
fn python_not_registrations() {
    for src in [
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)",
        "import signal\n# signal.signal(signal.SIGTERM, h)\nx = 1",
        "doc = '''\nsignal.signal(signal.SIGTERM, h)\n'''",
        "msg = f\"signal.signal({x}, h)\"",
        "import os, requests\nfrom aiohttp import ClientSession\nos.kill(os.getpid(), 15)",
    ] {
        let v = py_src(src);
        assert!(matches!(v, Verdict::None { .. }), "{src}: {v:?}");
    }
}

#[test]
fn python_unsure_forms() {
    for (src, why) in [
        (
            "from flask import Flask\napp = Flask(__name__)\napp.run()",
            "flask",
        ),
        (
            "import importlib\nimportlib.import_module(name)",
            "computed module name",
        ),
        ("exec(open('boot.py').read())", "exec()"),
        ("from .server import app", "not in the build context"),
        (
            "import signal\nfor s in SIGNALS:\n    signal.signal(s, h)",
            "computed signal",
        ),
        ("x = 'unterminated\nimport signal", "unterminated string"),
    ] {
        let v = py_src(src);
        assert!(unknown(&v).contains(why), "{src}: {v:?}");
    }
}

#[test]
fn python_imports_resolve_locally() {
    let (_d, ctx) = inline(&[
        (
            "src/app.py",
            "from core import lifecycle\nfrom core.db import connect\n",
        ),
        ("src/core/__init__.py", ""),
        ("src/core/lifecycle.py", "from . import hooks\n"),
        (
            "src/core/hooks.py",
            "import signal\nsignal.signal(signal.SIGTERM, lambda *a: None)\n",
        ),
        ("src/core/db.py", "def connect(): pass\n"),
    ]);
    let f = handles(&python(&ctx, "src/app.py", "SIGTERM")).clone();
    assert_eq!(f.path, "src/core/hooks.py");
    // importlib with a literal module is followed.
    let (_d, ctx) = inline(&[
        (
            "app.py",
            "import importlib\nimportlib.import_module('workers.stop')\n",
        ),
        (
            "workers/stop.py",
            "import signal\nsignal.signal(signal.SIGTERM, h)\n",
        ),
    ]);
    assert_eq!(
        handles(&python(&ctx, "app.py", "SIGTERM")).path,
        "workers/stop.py"
    );
}

#[test]
fn python_module_runs_package_inits() {
    let (_d, ctx) = inline(&[
        (
            "pkg/__init__.py",
            "import signal\nsignal.signal(signal.SIGTERM, h)\n",
        ),
        ("pkg/mod/__init__.py", ""),
        ("pkg/mod/__main__.py", "print(1)\n"),
    ]);
    assert_eq!(
        handles(&python(&ctx, "pkg/mod.py", "SIGTERM")).path,
        "pkg/__init__.py"
    );
    // Run as a directory (`python pkg/mod`), the package is not imported.
    none_files(&python(&ctx, "pkg/mod", "SIGTERM"));
}

#[test]
fn python_sigint_default_unless_reset() {
    let v = check(
        &inline(&[(
            "app.py",
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n",
        )])
        .1,
        Lang::Python,
        "app.py",
        &[],
        "SIGINT",
    );
    none_files(&v);
}

// --- common ----------------------------------------------------------------

#[test]
fn signal_names() {
    assert_eq!(canonical_signal("SIGTERM").as_deref(), Some("SIGTERM"));
    assert_eq!(canonical_signal("term").as_deref(), Some("SIGTERM"));
    assert_eq!(canonical_signal(" 3 ").as_deref(), Some("SIGQUIT"));
    assert_eq!(canonical_signal("SIGRTMIN+3"), None);
    assert_eq!(canonical_signal("99"), None);
    let ctx = fixture("node-sigterm");
    assert!(matches!(
        node(&ctx, "server.js", "TERM"),
        Verdict::Handles(_)
    ));
    assert!(unknown(&node(&ctx, "server.js", "SIGKILL")).contains("cannot be handled"));
    assert!(unknown(&node(&ctx, "server.js", "RTMIN+1")).contains("not a signal"));
}

#[test]
fn node_entry_of() {
    let e = |args: &[&str], main: Option<&str>| entry_of(Lang::Node, &strings(args), main);
    let pair = |entry: &str, pre: &[&str]| Some((entry.to_string(), strings(pre)));
    assert_eq!(
        e(
            &[
                "-r",
                "dotenv/config",
                "--max-old-space-size=512",
                "dist/index.js"
            ],
            None
        ),
        pair("dist/index.js", &["dotenv/config"])
    );
    assert_eq!(
        e(
            &["--require", "./tracing.js", "server.js", "--port", "3"],
            None
        ),
        pair("server.js", &["./tracing.js"])
    );
    assert_eq!(
        e(
            &[
                "--require=./a.js",
                "--import",
                "./b.mjs",
                "--enable-source-maps",
                "./app"
            ],
            None
        ),
        pair("app", &["./a.js", "./b.mjs"])
    );
    assert_eq!(e(&["."], Some("./lib/main.js")), pair("lib/main.js", &[]));
    assert_eq!(e(&["./"], None), pair("index.js", &[]));
    assert_eq!(
        e(
            &[
                "--max-old-space-size",
                "4096",
                "--inspect=0.0.0.0:9229",
                "a.js"
            ],
            None
        ),
        pair("a.js", &[])
    );
    assert_eq!(
        e(&["--env-file", ".env", "--", "a.js"], None),
        pair("a.js", &[])
    );
    assert_eq!(e(&["/app/server.js"], None), pair("/app/server.js", &[]));
    assert_eq!(e(&["-e", "console.log(1)"], None), None);
    assert_eq!(e(&["--eval=1"], None), None);
    assert_eq!(e(&["--test"], None), None);
    assert_eq!(e(&["inspect", "a.js"], None), None);
    assert_eq!(e(&[], None), None);
}

#[test]
fn python_entry_of() {
    let e = |args: &[&str]| entry_of(Lang::Python, &strings(args), None).map(|(e, _)| e);
    assert_eq!(e(&["-u", "app.py"]).as_deref(), Some("app.py"));
    assert_eq!(e(&["/srv/./app.py"]).as_deref(), Some("/srv/app.py"));
    assert_eq!(
        e(&[
            "-uB",
            "-W",
            "ignore",
            "-X",
            "dev",
            "./src/app.py",
            "--port",
            "1"
        ])
        .as_deref(),
        Some("src/app.py")
    );
    assert_eq!(e(&["-Wignore", "app.py"]).as_deref(), Some("app.py"));
    assert_eq!(e(&["-m", "pkg.mod"]).as_deref(), Some("pkg/mod.py"));
    assert_eq!(e(&["-um", "pkg"]).as_deref(), Some("pkg.py"));
    assert_eq!(e(&["-mpkg"]).as_deref(), Some("pkg.py"));
    assert_eq!(e(&["manage.py", "runserver"]).as_deref(), Some("manage.py"));
    assert_eq!(e(&["-m", "uvicorn", "app:app"]), None);
    assert_eq!(e(&["-m", "gunicorn", "app:app"]), None);
    assert_eq!(e(&["-c", "print(1)"]), None);
    assert_eq!(e(&["-"]), None);
    assert_eq!(e(&["--version"]), None);
    assert_eq!(e(&[]), None);
}

#[test]
fn servers() {
    assert!(server_handles("gunicorn").is_some());
    assert!(server_handles("/usr/local/bin/uvicorn").is_some());
    assert!(server_handles("hypercorn").is_some());
    assert!(server_handles("daphne").is_some());
    assert!(server_handles("celery -A proj worker -l info").is_some());
    assert!(server_handles("celery").is_some());
    assert!(server_handles("celery -A proj flower").is_none());
    assert!(server_handles("uwsgi").is_none());
    assert!(server_handles("flask").is_none());
    assert!(server_handles("").is_none());
}

#[test]
fn node_options() {
    assert_eq!(
        node_options_preloads(
            "--max-old-space-size=512 -r dd-trace/init --require=./otel.js --import \"./x.mjs\""
        ),
        strings(&["dd-trace/init", "./otel.js", "./x.mjs"])
    );
    assert!(node_options_preloads("--enable-source-maps").is_empty());
}

#[test]
fn lexer_js_skips_comments_strings_templates_regex() {
    let l = lex::js(
        "#!/usr/bin/env node\n// a 'b\n/* c \"d\n*/ x = `t ${ {a: '}'}.a } u` / 2; r = /'[/]/g.test(y);\n",
    );
    assert!(l.trouble.is_none(), "{:?}", l.trouble);
    let idents: Vec<&str> = l
        .toks
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Ident(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(idents, ["x", "a", "a", "r", "test", "y"]);
    assert_eq!(l.toks[0].line, 4);
    assert!(l.toks.iter().any(|t| t.tok == Tok::Tmpl));
    assert!(l.toks.iter().any(|t| t.tok == Tok::Regex));
    assert!(lex::js("a = `x ${ b").trouble.is_some());
    assert!(lex::js("/* open").trouble.is_some());
}

#[test]
fn lexer_python_strings() {
    let l = lex::py("a = r'\\'' + b\"x\" + '''\n'\n''' + f'{x}' # c 'd\nz\n");
    assert!(l.trouble.is_none(), "{:?}", l.trouble);
    let last = l.toks.last().unwrap();
    assert_eq!((&last.tok, last.line), (&Tok::Ident("z".into()), 4));
    assert!(lex::py("x = '''open").trouble.is_some());
}

/// Development check: the scanners should read real code without trouble.
/// `LEX_CORPUS=/usr/lib/python3.11 cargo test corpus_lex_trouble -- --ignored --nocapture`
#[test]
#[ignore]
fn corpus_lex_trouble() {
    let root = std::env::var("LEX_CORPUS").unwrap();
    let mut n = 0;
    let mut bad = 0;
    for entry in ignore::WalkBuilder::new(&root)
        .hidden(false)
        .build()
        .flatten()
    {
        let p = entry.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let lexed = match ext {
            "js" | "mjs" | "cjs" | "ts" => lex::js(&text),
            "py" => lex::py(&text),
            _ => continue,
        };
        n += 1;
        if let Some((line, what)) = lexed.trouble {
            bad += 1;
            if bad <= 30 {
                println!("{}:{line}: {what}", p.display());
            }
        }
    }
    println!("{bad} of {n} files with trouble");
}
