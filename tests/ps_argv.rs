//! `dsig ps` shows the exact argv of every hop.

mod common;

use common::dsig;
use std::path::Path;

#[test]
fn distroless_runtime_entrypoint_is_the_app_with_cmd_as_arguments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = dsig(root, &["ps", "testdata/ps-distroless/Dockerfile"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let out = r.stdout();
    let pid1 = out.lines().find(|l| l.starts_with("PID 1")).unwrap();
    assert!(
        pid1.contains("/nodejs/bin/node --require=./tracing.js server.js"),
        "{out}"
    );
    assert!(!out.contains("entrypoint script"), "{out}");
    // node as PID 1 without an init
    let r = dsig(
        root,
        &[
            "lint",
            "--format",
            "json",
            "testdata/ps-distroless/Dockerfile",
        ],
    );
    let codes: Vec<String> = r.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["DSIG005"]);
}
