//! `dsig lsp` driven over standard input and output as an editor drives it:
//! initialize, open, incremental changes, code actions, hover, files that
//! change on disk or in the editor, unknown requests, shutdown and exit.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    /// Notifications read while waiting for something else.
    seen: VecDeque<Value>,
    next_id: i64,
}

const WAIT: Duration = Duration::from_secs(20);

impl Client {
    fn start(init_options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dsig"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            seen: VecDeque::new(),
            next_id: 1,
        };
        let init = c.request(
            "initialize",
            json!({"capabilities": {}, "initializationOptions": init_options}),
        );
        assert_eq!(
            init["result"]["capabilities"]["textDocumentSync"]["change"],
            2
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response to a request.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let end = Instant::now() + WAIT;
        loop {
            let m = self
                .rx
                .recv_timeout(end - Instant::now())
                .expect("a response");
            if m["id"] == id {
                return m;
            }
            self.seen.push_back(m);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let is = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        if let Some(i) = self.seen.iter().position(is) {
            let m = self.seen.remove(i).unwrap();
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let end = Instant::now() + WAIT;
        loop {
            let m = self
                .rx
                .recv_timeout(end - Instant::now())
                .unwrap_or_else(|_| panic!("no diagnostics for {uri} v{version}"));
            if is(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.seen.push_back(m);
        }
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", Value::Null);
        let end = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status}");
                return;
            }
            assert!(Instant::now() < end, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn codes(d: &[Value]) -> Vec<&str> {
    d.iter().map(|d| d["code"].as_str().unwrap_or("")).collect()
}

fn range(l1: u64, c1: u64, l2: u64, c2: u64) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

#[test]
fn an_editing_session() {
    let dir = tempfile::tempdir().unwrap();
    let df = uri(&dir.path().join("Dockerfile"));
    let mut c = Client::start(json!({}));

    c.open(&df, "dockerfile", "FROM debian\nCMD node server.js\n");
    let d = c.diagnostics(&df, 1);
    assert_eq!(codes(&d), ["DSIG001"]);
    assert_eq!(d[0]["range"], range(1, 4, 1, 18));
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["source"], "dsig");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("help: use exec form: `CMD [\"node\", \"server.js\"]`"),
        "{}",
        d[0]["message"]
    );

    // the quick fix, the ignore, and fix all
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": df}, "range": range(1, 0, 1, 0), "context": {"diagnostics": []}}),
    )["result"]
        .clone();
    let titles: Vec<&str> = a
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "DSIG001: use exec form: `CMD [\"node\", \"server.js\"]`",
            "Ignore DSIG001 on this line",
            "dsig: fix all safe fixes"
        ]
    );
    assert_eq!(a[0]["isPreferred"], true);
    assert_eq!(
        a[0]["edit"]["changes"][&df],
        json!([{"range": range(1, 4, 1, 18), "newText": "[\"node\", \"server.js\"]"}])
    );
    assert_eq!(
        a[1]["edit"]["changes"][&df],
        json!([{"range": range(1, 0, 1, 0), "newText": "# dsig ignore=DSIG001\n"}])
    );
    assert_eq!(
        a[2]["edit"]["changes"][&df][0]["newText"],
        "FROM debian\nCMD [\"node\", \"server.js\"]\n"
    );

    // an incremental change, as the quick fix would make it
    c.change(
        &df,
        2,
        json!([{"range": range(1, 4, 1, 18), "text": "[\"node\", \"server.js\"]"}]),
    );
    let d = c.diagnostics(&df, 2);
    assert_eq!(codes(&d), ["DSIG005"]);
    assert_eq!(d[0]["severity"], 2);

    // hover: the process tree on CMD, the rule's page on the finding
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 1, "character": 1}}),
    );
    let tree = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(tree.contains("PID 1 node server.js"), "{tree}");
    assert!(
        tree.starts_with("**The process tree at start** (`dsig ps`)"),
        "{tree}"
    );
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 1, "character": 8}}),
    );
    let page = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(page.starts_with("# DSIG005 missing-init"), "{page}");
    assert!(!page.contains("## Bad example"), "{page}");

    // an entrypoint script: on disk, then open in the editor, then closed
    let script = dir.path().join("entrypoint.sh");
    std::fs::write(&script, "#!/bin/sh\necho starting\n\"$@\"\n").unwrap();
    c.change(
        &df,
        3,
        json!([{"text": "FROM debian\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"node\", \"server.js\"]\n"}]),
    );
    let d = c.diagnostics(&df, 3);
    assert_eq!(codes(&d), ["DSIG006"]);
    let sh = uri(&script);
    // the script's line is a related location
    let related = d[0]["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["location"]["uri"] == sh
            && r["location"]["range"]["start"] == json!({"line": 2, "character": 0})),
        "{related:?}"
    );
    c.open(
        &sh,
        "shellscript",
        "#!/bin/sh\necho starting\nexec \"$@\"\n",
    );
    assert_eq!(codes(&c.diagnostics(&df, 3)), ["DSIG005"]);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": sh}}),
    );
    assert_eq!(codes(&c.diagnostics(&df, 3)), ["DSIG006"]);
    std::fs::write(&script, "#!/bin/sh\necho starting\nexec \"$@\"\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": sh, "type": 2}]}),
    );
    assert_eq!(codes(&c.diagnostics(&df, 3)), ["DSIG005"]);

    // an unknown request is an error, and the server goes on
    let r = c.request("dsig/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    c.shutdown();
}

#[test]
fn a_syntax_error_keeps_the_other_findings_and_manifests_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    let df = uri(&dir.path().join("Dockerfile"));
    let mut c = Client::start(json!({"failLevel": "error"}));
    c.open(&df, "dockerfile", "FROM debian\nFOO bar\nCMD node x.js\n");
    let d = c.diagnostics(&df, 1);
    assert_eq!(codes(&d), ["DSIG000", "DSIG001"]);
    let m = uri(&dir.path().join("deploy.yaml"));
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifests/deployment.yaml"),
    )
    .unwrap();
    c.open(&m, "yaml", &text);
    let d = c.diagnostics(&m, 1);
    assert_eq!(codes(&d), ["DSIG007"]);
    assert_eq!(d[0]["range"]["start"], json!({"line": 13, "character": 10}));
    // its fix writes exec into the string
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": m}, "range": range(13, 0, 13, 0), "context": {"diagnostics": [], "only": ["quickfix"]}}),
    )["result"]
        .clone();
    assert_eq!(
        a[0]["edit"]["changes"][&m],
        json!([{"range": range(13, 33, 13, 33), "newText": "exec "}])
    );
    // hover in a container: its tree
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": m}, "position": {"line": 12, "character": 12}}),
    );
    let tree = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(tree.contains("Deployment shop, container api"), "{tree}");
    assert!(tree.contains("PID 1 sh -c \"node server.js\""), "{tree}");
    // a warning below the fail level (error) is a hint
    c.change(
        &df,
        2,
        json!([{"text": "FROM node:22\nCMD [\"node\", \"x.js\"]\n"}]),
    );
    let d = c.diagnostics(&df, 2);
    assert_eq!(codes(&d), ["DSIG005"]);
    assert_eq!(d[0]["severity"], 4);
    c.shutdown();
}

#[test]
fn a_large_file_does_not_block_and_stale_results_are_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let df = uri(&dir.path().join("Dockerfile"));
    let mut c = Client::start(json!({}));
    let mut big = String::from("FROM debian\n");
    while big.len() < 4 << 20 {
        big.push_str("RUN echo one two three four five six seven eight nine ten && true\n");
    }
    big.push_str("CMD node server.js\n");
    c.open(&df, "dockerfile", &big);
    c.change(
        &df,
        2,
        json!([{"text": "FROM debian\nCMD [\"sleep\", \"infinity\"]\n"}]),
    );
    // the server answers while the first lint may still run
    let started = Instant::now();
    let r = c.request("dsig/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(codes(&c.diagnostics(&df, 2)), ["DSIG012"]);
    // nothing for version 1 comes after version 2
    std::thread::sleep(Duration::from_millis(500));
    while let Ok(m) = c.rx.try_recv() {
        c.seen.push_back(m);
    }
    assert!(
        !c.seen.iter().any(|m| m["params"]["version"] == 1),
        "{:?}",
        c.seen
    );
    c.shutdown();
}
