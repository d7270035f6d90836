//! `dsig lsp`: the Language Server Protocol over standard input and output.
//!
//! Built on `lsp-server` (the transport of rust-analyzer and ruff: a
//! synchronous loop over crossbeam channels, no async runtime); the dozen
//! messages dsig speaks are written with `serde_json` rather than with
//! `lsp-types`, whose URI type has no conversion to and from file paths.
//!
//! - Documents are linted from the editor's text on open and on every
//!   change, on a worker thread: at most one lint per document runs at a
//!   time, changes that arrive meanwhile are coalesced into the next one,
//!   and a result is published only if the document has not changed since
//!   (a stale result is never published over a newer one). The main loop
//!   never waits for a lint, so a file of several MiB does not block it.
//! - Open entrypoint scripts, package.json files and other documents take
//!   precedence over the disk (they are the lint's overlay); when one of
//!   them changes, or a watched file changes on disk, every open
//!   Dockerfile and manifest is linted again.
//! - Settings come from `.dsig.yaml` as on the command line;
//!   `initializationOptions` may set `failLevel` (findings below it are
//!   hints), `unsafeFixes` (whether "fix all" applies unsafe fixes) and
//!   `docsUrl` (the base of each rule's link).

mod convert;
mod features;

use super::Exit;
use crate::cli::settings::options;
use crossbeam_channel::{Receiver, Sender, select};
use dsig::config::{FailLevel, Source};
use dsig::diagnostic::Diagnostic;
use dsig::error::Error;
use dsig::lint::LintOptions;
use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What a document is to dsig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dockerfile,
    Manifest,
    /// Anything else: a script, package.json, a compose file. Not linted;
    /// its text is what the lints of the others read.
    Other,
}

struct Doc {
    text: String,
    version: i64,
    path: Option<PathBuf>,
    language: String,
    /// What the text is, decided when it is opened or changed.
    kind: Kind,
}

impl Doc {
    fn classify(&self) -> Kind {
        let name = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if self.language == "dockerfile" || dsig::files::is_dockerfile_name(&name) {
            Kind::Dockerfile
        } else if matches!(self.language.as_str(), "yaml" | "json")
            || dsig::files::is_manifest_name(&name)
        {
            // other YAML (workflows, compose files, charts' values) is not
            // dsig's: no findings, and no YAML errors while it is typed
            let workload = ["containers", "containerDefinitions"]
                .iter()
                .any(|k| self.text.contains(k));
            if workload && dsig::manifest::looks_like(&self.text) && !name.contains("compose") {
                Kind::Manifest
            } else {
                Kind::Other
            }
        } else {
            Kind::Other
        }
    }
}

/// Preferences the editor may give at start.
#[derive(Debug, Clone)]
struct Settings {
    fail_level: Option<FailLevel>,
    unsafe_fixes: bool,
    docs: Option<String>,
}

/// A document's findings, and the files its launch chain passes through
/// (an entrypoint script's line, a package.json script), which its
/// launch-chain findings name as related locations.
#[derive(Default)]
struct Found {
    diagnostics: Vec<Diagnostic>,
    related: Vec<Value>,
}

/// A finished lint.
struct Done {
    uri: String,
    version: i64,
    found: Result<Found, String>,
}

struct Server {
    sender: Sender<Message>,
    docs: HashMap<String, Doc>,
    /// The last published findings, by document, with the version.
    findings: HashMap<String, (i64, Arc<Found>)>,
    /// Documents whose text changed since their last lint started.
    pending: HashSet<String>,
    running: HashSet<String>,
    settings: Settings,
    done: (Sender<Done>, Receiver<Done>),
}

pub fn run() -> Result<Exit, Error> {
    let (conn, io) = Connection::stdio();
    let caps = json!({
        "textDocumentSync": {"openClose": true, "change": 2},
        "codeActionProvider": {"codeActionKinds": ["quickfix", "source.fixAll.dsig"]},
        "hoverProvider": true,
        "executeCommandProvider": {"commands": []},
    });
    let init = conn
        .initialize(caps)
        .map_err(|e| Error::Setup(format!("lsp: {e}")))?;
    let opts = &init["initializationOptions"];
    let env_docs = std::env::var(dsig::docs::DOCS_URL_ENV).ok();
    let settings = Settings {
        fail_level: opts["failLevel"]
            .as_str()
            .and_then(|s| serde_json::from_value(json!(s)).ok()),
        unsafe_fixes: opts["unsafeFixes"].as_bool().unwrap_or(false),
        docs: dsig::docs::base_url(opts["docsUrl"].as_str().or(env_docs.as_deref()))
            .ok()
            .flatten(),
    };
    let mut server = Server {
        sender: conn.sender.clone(),
        docs: HashMap::new(),
        findings: HashMap::new(),
        pending: HashSet::new(),
        running: HashSet::new(),
        settings,
        done: crossbeam_channel::unbounded(),
    };
    server.serve(&conn);
    // the writer thread ends when the last sender is gone
    drop(server);
    drop(conn);
    io.join().map_err(|e| Error::Setup(format!("lsp: {e}")))?;
    Ok(Exit::Clean)
}

impl Server {
    fn serve(&mut self, conn: &Connection) {
        let done = self.done.1.clone();
        loop {
            select! {
                recv(conn.receiver) -> msg => {
                    let Ok(msg) = msg else { return };
                    if self.handle(conn, msg) {
                        return;
                    }
                    // what already arrived is handled before linting
                    while let Ok(msg) = conn.receiver.try_recv() {
                        if self.handle(conn, msg) {
                            return;
                        }
                    }
                    self.schedule();
                }
                recv(done) -> d => {
                    if let Ok(d) = d {
                        self.finished(d);
                        self.schedule();
                    }
                }
            }
        }
    }

    /// Handle one message; `true` once the client has shut the server down.
    fn handle(&mut self, conn: &Connection, msg: Message) -> bool {
        match msg {
            Message::Request(req) => {
                // `shutdown` is answered and `exit` awaited by lsp-server
                if conn.handle_shutdown(&req).unwrap_or(true) {
                    return true;
                }
                let resp = self.request(req);
                let _ = self.sender.send(Message::Response(resp));
            }
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => {}
        }
        false
    }

    fn request(&mut self, req: Request) -> Response {
        let p = &req.params;
        let result = match req.method.as_str() {
            "textDocument/codeAction" => self.code_actions(p),
            "textDocument/hover" => self.hover(p),
            "workspace/executeCommand" => Value::Null,
            _ => {
                return Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("dsig does not handle {}", req.method),
                );
            }
        };
        Response::new_ok(req.id, result)
    }

    fn notification(&mut self, n: Notification) {
        let p = &n.params;
        let uri = p["textDocument"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let td = &p["textDocument"];
                let mut doc = Doc {
                    text: td["text"].as_str().unwrap_or_default().to_string(),
                    version: td["version"].as_i64().unwrap_or(0),
                    path: convert::uri_to_path(&uri),
                    language: td["languageId"].as_str().unwrap_or_default().to_string(),
                    kind: Kind::Other,
                };
                doc.kind = doc.classify();
                self.docs.insert(uri.clone(), doc);
                self.changed(&uri);
            }
            "textDocument/didChange" => {
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return;
                };
                let changes = p["contentChanges"].as_array().cloned().unwrap_or_default();
                convert::apply_changes(&mut doc.text, &changes);
                doc.kind = doc.classify();
                doc.version = p["textDocument"]["version"]
                    .as_i64()
                    .unwrap_or(doc.version + 1);
                self.changed(&uri);
            }
            "textDocument/didClose" => {
                let kind = self.docs.remove(&uri).map(|d| d.kind);
                self.findings.remove(&uri);
                self.pending.remove(&uri);
                self.publish(&uri, None, &Found::default());
                // the disk's text counts again
                if kind == Some(Kind::Other) {
                    self.relint_all();
                }
            }
            "workspace/didChangeWatchedFiles" => self.relint_all(),
            _ => {}
        }
    }

    /// A document changed: lint it, or, for a file others read, them.
    fn changed(&mut self, uri: &str) {
        match self.docs.get(uri).map(|d| d.kind) {
            Some(Kind::Other) => self.relint_all(),
            Some(_) => {
                self.pending.insert(uri.to_string());
            }
            None => {}
        }
    }

    fn relint_all(&mut self) {
        for (uri, doc) in &self.docs {
            if doc.kind != Kind::Other {
                self.pending.insert(uri.clone());
            }
        }
    }

    /// Start a lint for each pending document that has none running.
    fn schedule(&mut self) {
        let ready: Vec<String> = self
            .pending
            .iter()
            .filter(|u| !self.running.contains(*u))
            .cloned()
            .collect();
        for uri in ready {
            self.pending.remove(&uri);
            let Some(job) = self.job(&uri) else {
                continue;
            };
            self.running.insert(uri);
            let tx = self.done.0.clone();
            std::thread::spawn(move || {
                let found = job.lint();
                let _ = tx.send(Done {
                    uri: job.uri,
                    version: job.version,
                    found,
                });
            });
        }
    }

    /// A lint finished: publish it unless the document moved on.
    fn finished(&mut self, d: Done) {
        self.running.remove(&d.uri);
        let Some(doc) = self.docs.get(&d.uri) else {
            return;
        };
        if doc.version != d.version || self.pending.contains(&d.uri) {
            return;
        }
        // a file dsig cannot read is said as one diagnostic at its start
        let found = match d.found {
            Ok(found) => found,
            Err(why) => {
                let v = json!([{
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                    "severity": 1,
                    "source": "dsig",
                    "message": why,
                }]);
                let _ = self.sender.send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    json!({"uri": d.uri, "version": d.version, "diagnostics": v}),
                )));
                return;
            }
        };
        let found = Arc::new(found);
        self.findings
            .insert(d.uri.clone(), (d.version, found.clone()));
        self.publish(&d.uri, Some(d.version), &found);
    }

    fn publish(&self, uri: &str, version: Option<i64>, found: &Found) {
        let text = convert::Text::new(self.docs.get(uri).map_or("", |d| d.text.as_str()));
        let threshold = self.settings.fail_level.and_then(|l| l.threshold());
        let diags: Vec<Value> = found
            .diagnostics
            .iter()
            .map(|d| {
                let below =
                    self.settings.fail_level.is_some() && threshold.is_none_or(|t| d.severity < t);
                let mut v = convert::diagnostic(&text, d, self.settings.docs.as_deref(), below);
                if CHAIN_RULES.contains(&d.code.as_str()) && !found.related.is_empty() {
                    let mut all = v["relatedInformation"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    all.extend(found.related.iter().cloned());
                    v["relatedInformation"] = Value::Array(all);
                }
                v
            })
            .collect();
        let mut params = json!({"uri": uri, "diagnostics": diags});
        if let Some(v) = version {
            params["version"] = json!(v);
        }
        let _ = self.sender.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        )));
    }

    /// Open documents other than Dockerfiles and manifests, by real path.
    fn overlay(&self) -> Arc<HashMap<PathBuf, String>> {
        Arc::new(
            self.docs
                .values()
                .filter(|d| d.kind == Kind::Other)
                .filter_map(|d| Some((d.path.as_ref()?.canonicalize().ok()?, d.text.clone())))
                .collect(),
        )
    }

    /// A lint of a document's current text, with the open documents over
    /// the disk.
    fn job(&self, uri: &str) -> Option<Job> {
        let doc = self.docs.get(uri)?;
        Some(Job {
            uri: uri.to_string(),
            version: doc.version,
            text: doc.text.clone(),
            path: doc.path.clone(),
            kind: doc.kind,
            overlay: self.overlay(),
        })
    }

    /// The findings of a document's current text: the published ones, or
    /// a lint now.
    fn current(&self, uri: &str) -> Option<(Job, Arc<Found>)> {
        let job = self.job(uri)?;
        let found = match self.findings.get(uri) {
            Some((v, f)) if *v == job.version => f.clone(),
            _ => Arc::new(job.lint().unwrap_or_default()),
        };
        Some((job, found))
    }
}

/// One lint, on its own copy of the text.
struct Job {
    uri: String,
    version: i64,
    text: String,
    path: Option<PathBuf>,
    kind: Kind,
    overlay: Arc<HashMap<PathBuf, String>>,
}

impl Job {
    /// The options the command line would use for this file, with the
    /// editor's open documents over the disk.
    fn options(&self) -> LintOptions {
        let dir = self.path.as_deref().map(dsig::dirs::parent_dir);
        let mut source = Source::Discover(Default::default());
        let cfg = dir.as_ref().and_then(|d| source.for_dir(d));
        let mut o = options(cfg.as_deref(), &None, dir, false, &Default::default());
        o.dockerfile_path = self.path.clone();
        o.overlay = self.overlay.clone();
        o
    }

    fn lint(&self) -> Result<Found, String> {
        let name = self
            .path
            .as_ref()
            .map_or_else(|| self.uri.clone(), |p| p.display().to_string());
        let opts = self.options();
        let run = || match self.kind {
            Kind::Dockerfile => dsig::lint::lint_source(&self.text, &opts).map(|l| Found {
                related: l
                    .chain
                    .as_ref()
                    .map(|c| related(c, opts.context.as_deref()))
                    .unwrap_or_default(),
                diagnostics: l.diagnostics,
            }),
            Kind::Manifest => {
                dsig::lint_manifest::lint_manifest(&self.text, &name, &opts).map(|l| Found {
                    diagnostics: l.diagnostics,
                    related: Vec::new(),
                })
            }
            Kind::Other => Ok(Found::default()),
        };
        super::guard::guarded(&name, || {
            run().map_err(|message| dsig::report::FileError {
                path: name.clone(),
                message,
            })
        })
        .map_err(|e| e.message)
    }
}

/// The rules whose findings are about the launch chain.
const CHAIN_RULES: [&str; 10] = [
    "DSIG004", "DSIG005", "DSIG006", "DSIG007", "DSIG010", "DSIG011", "DSIG012", "DSIG013",
    "DSIG015", "DSIG016",
];

/// The build context's files the chain passes through, as related
/// locations: `entrypoint.sh:3`, `package.json scripts.start` (at the
/// script's key).
fn related(chain: &dsig::model::Chain, context: Option<&std::path::Path>) -> Vec<Value> {
    let Some(dir) = context else {
        return Vec::new();
    };
    let mut out: Vec<Value> = Vec::new();
    for h in &chain.hops {
        let dsig::model::Origin::File { path, line } = &h.origin else {
            continue;
        };
        let (file, what) = path.split_once(' ').unwrap_or((path.as_str(), ""));
        let full = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&full) else {
            continue;
        };
        // a package.json script: the line of its key
        let line = match (line, what.strip_prefix("scripts.")) {
            (Some(l), _) => l.saturating_sub(1),
            (None, Some(s)) => text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("\"{s}\"")))
                .unwrap_or(0),
            _ => 0,
        };
        let location = json!({
            "uri": convert::path_to_uri(&full),
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": text.lines().nth(line).map_or(0, |l| l.encode_utf16().count())}},
        });
        if out.iter().any(|o| o["location"] == location) {
            continue;
        }
        out.push(json!({"location": location, "message": format!("the launch passes through {}", h.origin.describe())}));
    }
    out
}
