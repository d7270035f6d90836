//! Manifests on the command line: each workload kind under
//! `testdata/manifests/` gets exactly the findings it must (and so none it
//! must not), from a file, from standard input and in every format;
//! `dsig ps` prints each container's tree; the shared corpus of real
//! manifests lints without an error, joined to the Dockerfiles of its
//! images.

mod common;

use common::{dsig, dsig_stdin};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every fixture and its findings, (code, line), in order.
const EXPECTED: &[(&str, &[(&str, u64)])] = &[
    ("clean.yaml", &[]),
    ("cronjob.yaml", &[("DSIG007", 15)]),
    ("daemonset.yaml", &[]),
    ("deployment.yaml", &[("DSIG007", 14)]),
    ("ecs-task.json", &[("DSIG007", 8)]),
    ("job.yaml", &[]),
    ("joined.yaml", &[("DSIG006", 11)]),
    ("knative.yaml", &[("DSIG004", 10)]),
    ("list.yaml", &[("DSIG005", 21)]),
    ("multi.yaml", &[("DSIG005", 19), ("DSIG019", 28)]),
    ("pod.yaml", &[("DSIG017", 11)]),
    ("podtemplate.yaml", &[("DSIG012", 10)]),
    ("replicaset.yaml", &[("DSIG004", 11)]),
    ("statefulset.yaml", &[("DSIG005", 12)]),
];

fn expected() -> Vec<(String, u64)> {
    EXPECTED
        .iter()
        .flat_map(|(f, found)| found.iter().map(move |(c, l)| (format!("{f}:{c}"), *l)))
        .collect()
}

#[test]
fn each_kind_gets_its_findings() {
    let dir = root().join("testdata/manifests");
    let names: Vec<&str> = EXPECTED.iter().map(|(f, _)| *f).collect();
    let r = dsig(&dir, &[&["lint", "--format", "json"], &names[..]].concat());
    r.no_panic();
    assert_eq!(r.code(), Some(1), "{}", r.stderr());
    let mut got = Vec::new();
    for (f, _) in EXPECTED {
        for (code, line) in r.findings(f) {
            got.push((format!("{f}:{code}"), line));
        }
    }
    assert_eq!(got, expected());
}

#[test]
fn a_directory_takes_the_manifests_its_configuration_names() {
    let dir = root().join("testdata/manifests");
    let r = dsig(&dir, &["lint", "--format", "json", "."]);
    r.no_panic();
    let files: std::collections::BTreeSet<String> = r.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string()
        })
        .collect();
    // every fixture with a finding, and the Dockerfile of the joined image
    for (f, found) in EXPECTED {
        assert_eq!(files.contains(*f), !found.is_empty(), "{f}: {files:?}");
    }
    // without a configuration, a directory of YAML is no input
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join("deployment.yaml"), tmp.path().join("d.yaml")).unwrap();
    let bare = dsig(tmp.path(), &["lint", "--no-config", "."]);
    assert_eq!(bare.code(), Some(2), "{}", bare.stdout());
    assert!(bare.stderr().contains("no manifest"), "{}", bare.stderr());
}

#[test]
fn standard_input_is_read_as_a_manifest() {
    let dir = root().join("testdata/manifests");
    let text = std::fs::read_to_string(dir.join("multi.yaml")).unwrap();
    let r = dsig_stdin(&dir, &["lint", "--format", "concise", "-"], &text);
    let stdout = r.stdout();
    assert_eq!(r.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-:19:11: DSIG005"), "{stdout}");
    assert!(stdout.contains("-:28:7: DSIG019"), "{stdout}");
}

#[test]
fn every_format_carries_manifest_findings() {
    let dir = root().join("testdata/manifests");
    for format in [
        "tty",
        "json",
        "sarif",
        "github",
        "gitlab",
        "checkstyle",
        "concise",
    ] {
        let r = dsig(&dir, &["lint", "--format", format, "deployment.yaml"]);
        r.no_panic();
        assert_eq!(r.code(), Some(1), "{format}: {}", r.stderr());
        let out = r.stdout();
        assert!(out.contains("DSIG007"), "{format}: {out}");
        assert!(out.contains("deployment.yaml"), "{format}: {out}");
    }
}

#[test]
fn an_inline_ignore_works_in_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("testdata/manifests/deployment.yaml"))
        .unwrap()
        .replace(
            "          command: [\"sh\"",
            "          # dsig ignore=DSIG007\n          command: [\"sh\"",
        );
    std::fs::write(tmp.path().join("d.yaml"), text).unwrap();
    let r = dsig(
        tmp.path(),
        &["lint", "--no-config", "--format", "json", "d.yaml"],
    );
    assert_eq!(r.code(), Some(0), "{}", r.stdout());
}

#[test]
fn a_manifest_that_is_not_yaml_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), "kind: Pod\nspec: [\n").unwrap();
    std::fs::write(
        tmp.path().join("Dockerfile"),
        "FROM node:22\nCMD node x.js\n",
    )
    .unwrap();
    let r = dsig(
        tmp.path(),
        &["lint", "--no-config", "bad.yaml", "Dockerfile"],
    );
    r.no_panic();
    assert_eq!(r.code(), Some(2));
    let err = r.stderr();
    assert!(err.contains("bad.yaml:"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    // the other file was still linted
    assert!(r.stdout().contains("DSIG001"), "{}", r.stdout());
}

#[test]
fn ps_prints_each_container() {
    let dir = root().join("testdata/manifests");
    let r = dsig(&dir, &["ps", "deployment.yaml"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    insta::assert_snapshot!("ps_deployment_two_containers", r.stdout());
    let j = dsig(&dir, &["ps", "--format", "json", "joined.yaml"]);
    let v: serde_json::Value = j.json();
    let c = v.as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["container"], "api");
    assert_eq!(c[0]["base_image"], "node:22-alpine");
    // args replaced CMD; the image's ENTRYPOINT stays
    assert_eq!(c[0]["hops"][0]["argv"][0], "/entrypoint.sh");
}

/// The shared corpus of real manifests: no file with a workload fails, and
/// every container whose Dockerfile the corpus names is judged with it.
#[test]
fn the_manifest_corpus_lints_and_joins_its_dockerfiles() {
    let corpus = root().join("../shared/k8s-corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/k8s-corpus not present");
        return;
    }
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap();
    let images = std::fs::read_to_string(corpus.join("IMAGES.tsv")).unwrap();
    // id → (image → Dockerfile)
    let mut joins: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for row in images.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() > 3 && !f[3].is_empty() && !f[2].is_empty() {
            joins
                .entry(f[0].to_string())
                .or_default()
                .insert(f[2].to_string(), f[3].to_string());
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let (mut linted, mut joined) = (0, 0);
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    for row in manifest.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (id, path) = (f[0], f[3]);
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        let file = corpus.join("files").join(id).join(name);
        let mut config = String::from("images:\n");
        for (image, df) in joins.get(id).into_iter().flatten() {
            let df = corpus.join("files").join(id).join("dockerfiles").join(df);
            // the image without its tag, as the configuration names it
            let bare = dsig::lint_manifest::image_name(image);
            config.push_str(&format!("  {bare:?}: {:?}\n", df.display().to_string()));
        }
        let cfg = tmp.path().join(format!("{id}.yaml"));
        std::fs::write(
            &cfg,
            config.replace(
                "images:\n",
                if joins.contains_key(id) {
                    "images:\n"
                } else {
                    "images: {}\n"
                },
            ),
        )
        .unwrap();
        let cfg = cfg.to_str().unwrap();
        let file = file.to_str().unwrap();
        let r = dsig(
            tmp.path(),
            &["lint", "--config", cfg, "--format", "json", file],
        );
        r.no_panic();
        assert!(matches!(r.code(), Some(0 | 1)), "{file}: {}", r.stderr());
        for d in r.json()["diagnostics"].as_array().unwrap() {
            *per_code
                .entry(d["code"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        linted += 1;
        if let Some(images) = joins.get(id) {
            let ps = dsig(
                tmp.path(),
                &["ps", "--config", cfg, "--format", "json", file],
            );
            assert_eq!(ps.code(), Some(0), "{file}: {}", ps.stderr());
            let trees = ps.json();
            for t in trees.as_array().unwrap() {
                let image = t["image"].as_str().unwrap_or_default();
                if images.contains_key(image) {
                    // the launch starts from the Dockerfile's stage, not
                    // from the image reference itself
                    assert_ne!(t["base_image"], image, "{file}: {t}");
                    joined += 1;
                }
            }
        }
    }
    eprintln!(
        "{linted} manifests linted, {joined} containers joined to a Dockerfile; findings per code: {per_code:?}"
    );
    assert_eq!(linted, 470);
    assert!(joined >= 200, "{joined}");
}

#[test]
fn fix_puts_exec_in_the_string_once_and_never_on_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let src = root().join("testdata/manifests/deployment.yaml");
    let original = std::fs::read_to_string(&src).unwrap();
    std::fs::write(tmp.path().join("d.yaml"), &original).unwrap();
    let r = dsig(tmp.path(), &["lint", "--no-config", "--fix", "d.yaml"]);
    r.no_panic();
    assert!(
        r.stderr().contains("fixed 1 finding in 1 file"),
        "{}",
        r.stderr()
    );
    let fixed = std::fs::read_to_string(tmp.path().join("d.yaml")).unwrap();
    assert_eq!(
        fixed,
        original.replace("\"node server.js\"", "\"exec node server.js\"")
    );
    // the app is now PID 1: the init it lacks is the next finding, not a fix
    let again = dsig(
        tmp.path(),
        &["lint", "--no-config", "--fix", "--format", "json", "d.yaml"],
    );
    assert!(
        again.stderr().contains("fixed 0 findings"),
        "{}",
        again.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("d.yaml")).unwrap(),
        fixed
    );
    let codes: Vec<String> = again.codes("d.yaml");
    assert_eq!(codes, ["DSIG005"]);
    // standard input (helm template | dsig lint --fix -) is never rewritten
    let r = dsig_stdin(
        tmp.path(),
        &["lint", "--no-config", "--diff", "-"],
        &original,
    );
    assert!(r.stdout().is_empty(), "{}", r.stdout());
}

#[test]
fn a_compose_file_beside_the_manifest_names_the_dockerfile_of_an_image() {
    let dir = root().join("testdata/manifests/composed");
    let r = dsig(
        &dir,
        &["lint", "--no-config", "--format", "json", "deployment.yaml"],
    );
    r.no_panic();
    // npm start, from the package.json beside the image's Dockerfile
    assert_eq!(r.findings("deployment.yaml"), [("DSIG004".to_string(), 13)]);
    let ps = dsig(
        &dir,
        &["ps", "--no-config", "--format", "json", "deployment.yaml"],
    );
    let v = ps.json();
    // the compose file's build target, not the last stage
    assert_eq!(v[0]["stage"], 1);
    assert_eq!(v[0]["base_image"], "node:22-alpine");
}
