//! The JSON output is documented in full in `docs/json.md`: every field the
//! output has is in its table, and every field of the table is in some
//! output (a finding with a fix in another file, one without a fix, a file
//! that could not be read).

mod common;

use common::dsig;
use std::collections::BTreeSet;
use std::path::Path;

/// Every field path of a JSON value (`a`, `a[].b`, ...).
fn paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(v, &p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for v in a {
                paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The fields of the table in docs/json.md.
fn documented() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"))
        .unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_field_is_documented_and_every_documented_field_exists() {
    let t = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| {
        let p = t.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // a fix in another file (the entrypoint script)
    w(
        "a/Dockerfile",
        "FROM node:22\nCOPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"node\", \"a.js\"]\n",
    );
    w("a/entrypoint.sh", "#!/bin/sh\nset -e\nnode \"$@\"\n");
    // a fix in the Dockerfile, and a finding without a fix
    w(
        "b/Dockerfile",
        "FROM node:22\nSTOPSIGNAL 99\nCMD node server.js\n",
    );
    let r = dsig(
        t.path(),
        &["lint", "--format", "json", "a", "b", "nosuch/Dockerfile"],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let json = r.json();
    let mut seen = BTreeSet::new();
    paths(&json, "", &mut seen);
    let doc = documented();
    assert!(doc.len() > 20, "{doc:?}");
    let undocumented: Vec<&String> = seen.difference(&doc).collect();
    assert!(
        undocumented.is_empty(),
        "fields missing from docs/json.md: {undocumented:?}"
    );
    let never: Vec<&String> = doc.difference(&seen).collect();
    assert!(
        never.is_empty(),
        "docs/json.md describes fields the output never has: {never:?}"
    );
    // the shapes the table gives
    let d = json["diagnostics"].as_array().unwrap();
    assert!(d.iter().any(|d| d["fix"].is_null()));
    assert!(
        d.iter()
            .any(|d| d["fix"]["edits"][0]["file"] == "entrypoint.sh")
    );
    assert!(d.iter().any(|d| {
        d["fix"]["edits"]
            .as_array()
            .is_some_and(|e| e.iter().all(|e| e.get("file").is_none()))
    }));
    assert_eq!(json["version"], 1);
}
