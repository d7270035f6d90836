use super::tree::{Node, parse_tree};
use super::types::is_remote;
use super::*;
use crate::yaml::visit::{KEY_MARK, key_position};
use std::path::{Path, PathBuf};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/compose")
        .join(case)
}

/// The services of a fixture that build `dockerfile` (relative to it).
fn services(case: &str, dockerfile: &str) -> Vec<Service> {
    let dir = fixture(case);
    services_for(&dir.join(dockerfile), None, Some(&dir))
        .unwrap()
        .expect("a compose file")
        .services
}

fn names(v: &[Service]) -> Vec<&str> {
    v.iter().map(|s| s.name.as_str()).collect()
}

fn get<'a>(v: &'a [Service], name: &str) -> &'a Service {
    v.iter().find(|s| s.name == name).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn argv(c: &Option<Located<CommandForm>>) -> Option<Vec<String>> {
    c.as_ref().unwrap().value.argv().map(<[String]>::to_vec)
}

fn pos<T>(l: &Option<Located<T>>) -> (usize, usize) {
    let l = l.as_ref().unwrap();
    (l.line, l.column)
}

#[test]
fn string_and_list_commands() {
    let v = services("commands", "Dockerfile");
    assert_eq!(
        names(&v),
        ["web", "worker", "chained", "shellc", "broken", "multi"]
    );
    let web = get(&v, "web");
    assert_eq!((web.line, web.column), (2, 3));
    assert_eq!(pos(&web.command), (4, 5));
    match &web.command.as_ref().unwrap().value {
        CommandForm::String { text, argv } => {
            assert_eq!(text, r#"node server.js --name "my app" 'single quoted'"#);
            assert_eq!(
                argv.as_deref().unwrap(),
                strings(&["node", "server.js", "--name", "my app", "single quoted"])
            );
        }
        other => panic!("{other:?}"),
    }
    let worker = &get(&v, "worker").command.as_ref().unwrap().value;
    assert_eq!(
        *worker,
        CommandForm::Exec(strings(&["node", "worker.js", "--queue", "jobs"]))
    );
    assert_eq!(worker.dropped_tail(), None);
    let chained = &get(&v, "chained").command;
    assert_eq!(argv(chained).unwrap(), strings(&["npm", "run", "migrate"]));
    assert_eq!(
        chained.as_ref().unwrap().value.dropped_tail(),
        Some("&& npm start")
    );
    // `$$` is Compose's escape: the container gets `$HOME`.
    assert_eq!(
        argv(&get(&v, "shellc").command).unwrap(),
        strings(&["sh", "-c", "echo $HOME && exec node server.js"])
    );
    assert_eq!(argv(&get(&v, "broken").command), None);
    let multi = get(&v, "multi");
    assert_eq!(pos(&multi.command), (19, 5));
    assert_eq!(
        argv(&multi.command).unwrap(),
        strings(&["python", "-m", "app"])
    );
    assert!(v.iter().all(|s| !s.has_variables));
}

#[test]
fn entrypoint_override_and_clearing() {
    let v = services("entrypoint", "Dockerfile");
    let o = get(&v, "override");
    assert_eq!(
        o.entrypoint.as_ref().unwrap().value,
        CommandForm::Exec(strings(&["tini", "--"]))
    );
    assert_eq!(pos(&o.entrypoint), (4, 5));
    assert_eq!(argv(&o.command).unwrap(), strings(&["python", "app.py"]));
    let cs = &get(&v, "clear-string").entrypoint.as_ref().unwrap().value;
    assert_eq!(
        *cs,
        CommandForm::String {
            text: String::new(),
            argv: Some(vec![])
        }
    );
    assert!(cs.clears());
    let cl = &get(&v, "clear-list").entrypoint.as_ref().unwrap().value;
    assert_eq!(*cl, CommandForm::Exec(vec![]));
    assert!(cl.clears());
    assert!(!o.entrypoint.as_ref().unwrap().value.clears());
    let unset = get(&v, "unset");
    assert_eq!((&unset.entrypoint, &unset.command), (&None, &None));
    assert_eq!(
        argv(&get(&v, "string").entrypoint).unwrap(),
        strings(&["/usr/bin/env", "python3"])
    );
}

#[test]
fn init_stop_signal_and_grace_periods() {
    let v = services("stop", "Dockerfile");
    let ten = get(&v, "ten");
    assert_eq!(
        ten.init,
        Some(Located {
            value: true,
            line: 4,
            column: 5
        })
    );
    assert_eq!(ten.stop_signal.as_ref().unwrap().value, "SIGINT");
    assert_eq!(pos(&ten.stop_signal), (5, 5));
    assert_eq!(ten.stop_grace_period.as_ref().unwrap().value, "10s");
    assert_eq!(pos(&ten.stop_grace_period), (6, 5));
    let secs: Vec<_> = v.iter().map(|s| s.stop_grace_seconds).collect();
    assert_eq!(
        secs,
        [Some(10.0), Some(90.0), Some(3600.0), Some(0.5), None]
    );
    assert!(!get(&v, "ninety").init.as_ref().unwrap().value);
    assert_eq!(
        get(&v, "ninety").stop_grace_period.as_ref().unwrap().value,
        "1m30s"
    );
    let half = get(&v, "half");
    assert_eq!(half.stop_signal.as_ref().unwrap().value, "SIGQUIT");
    assert_eq!(half.user.as_ref().unwrap().value, "1000:1000");
    assert_eq!(pos(&half.user), (18, 5));
    // A bare number has no unit: Compose refuses it, so no seconds.
    assert_eq!(
        get(&v, "bad").stop_grace_period.as_ref().unwrap().value,
        "30"
    );
}

#[test]
fn build_as_string_and_mapping() {
    let v = services("build-forms", "Dockerfile");
    assert_eq!(names(&v), ["string", "string-dot-slash"]);
    assert!(v.iter().all(|s| s.target.is_none()));
    let prod = services("build-forms", "Dockerfile.prod");
    assert_eq!(names(&prod), ["mapping", "mapping-default-context"]);
    let m = get(&prod, "mapping");
    assert_eq!(m.target.as_deref(), Some("runtime"));
    assert!(m.init.as_ref().unwrap().value);
    assert_eq!(get(&prod, "mapping-default-context").target, None);
    // other/ has no compose file: the one of the context directory is
    // read, and only the services building other/Dockerfile are kept.
    let other = services("build-forms", "other/Dockerfile");
    assert_eq!(names(&other), ["other", "other-mapping"]);
    assert_eq!(
        get(&other, "other").command.as_ref().unwrap().value,
        CommandForm::Exec(strings(&["true"]))
    );
    // `image:`-only, inline and remote builds match no Dockerfile.
    let all = parse_services(
        Path::new("compose.yaml"),
        &std::fs::read_to_string(fixture("build-forms/compose.yaml")).unwrap(),
    )
    .unwrap();
    let none: Vec<_> = all
        .iter()
        .filter(|s| s.builds.is_none())
        .map(|s| s.service.name.as_str())
        .collect();
    assert_eq!(none, ["inline", "db"]);
    let remote = all.iter().find(|s| s.service.name == "remote").unwrap();
    assert!(!remote.builds.as_ref().unwrap().matches(
        &fixture("build-forms"),
        &fixture("build-forms/Dockerfile").canonicalize().unwrap()
    ));
}

#[test]
fn compose_file_in_the_context_directory() {
    let dir = fixture("context-dir");
    let df = dir.join("app/Dockerfile");
    let f = services_for(&df, None, Some(&dir)).unwrap().unwrap();
    assert_eq!(f.path, dir.join("docker-compose.yml"));
    assert_eq!(names(&f.services), ["proxy"]);
    assert_eq!(f.services[0].stop_grace_seconds, Some(120.0));
    // Without the context, app/ has no compose file.
    assert_eq!(services_for(&df, None, None).unwrap(), None);
    // An explicit file is used as given.
    let explicit = dir.join("docker-compose.yml");
    let f = services_for(&df, Some(&explicit), None).unwrap().unwrap();
    assert_eq!(names(&f.services), ["proxy"]);
}

#[test]
fn invalid_yaml_names_file_line_and_column() {
    let dir = fixture("invalid");
    let e = services_for(&dir.join("Dockerfile"), None, None).unwrap_err();
    let want = format!("{}:5:5: ", dir.join("compose.yaml").display());
    assert!(e.starts_with(&want), "{e}");
    assert!(e.contains("flow sequence"), "{e}");
    assert!(!e.contains('\n'));
}

#[test]
fn extensions_and_unknown_top_level_keys_are_fine() {
    let v = services("extensions", "Dockerfile");
    assert_eq!(names(&v), ["app"]);
    let app = &v[0];
    assert!(app.init.as_ref().unwrap().value);
    assert_eq!(pos(&app.environment), (10, 5));
    assert_eq!(
        app.environment.as_ref().unwrap().value,
        [
            ("MODE".to_string(), Some("production".to_string())),
            ("TOKEN".to_string(), None),
            ("PRICE".to_string(), Some("$5".to_string())),
        ]
    );
    assert!(!app.has_variables);
}

#[test]
fn anchors_and_merge_keys() {
    let v = services("merge", "Dockerfile");
    assert_eq!(names(&v), ["api", "jobs", "plain"]);
    // Own keys win over merged ones; merged ones point into the anchor.
    let api = get(&v, "api");
    assert_eq!(argv(&api.command).unwrap(), strings(&["node", "api.js"]));
    assert_eq!(pos(&api.command), (14, 5));
    assert_eq!(pos(&api.init), (3, 3));
    assert_eq!(api.stop_signal.as_ref().unwrap().value, "SIGTERM");
    // In a list of merges the earlier mapping wins.
    let jobs = get(&v, "jobs");
    assert_eq!(jobs.stop_signal.as_ref().unwrap().value, "SIGINT");
    assert_eq!(pos(&jobs.stop_signal), (9, 3));
    assert_eq!(jobs.stop_grace_seconds, Some(45.0));
    assert_eq!(argv(&jobs.command).unwrap(), strings(&["node", "index.js"]));
    // A plain alias as the whole service.
    let plain = get(&v, "plain");
    assert_eq!(pos(&plain.command), (5, 3));
    assert!(plain.init.as_ref().unwrap().value);
}

#[test]
fn variables_are_left_as_written_and_flagged() {
    let v = services("variables", "Dockerfile");
    // `dev` needs $DEV_DOCKERFILE: unknown, so it matches nothing.
    assert_eq!(names(&v), ["app"]);
    let app = &v[0];
    assert!(app.has_variables);
    assert_eq!(app.target.as_deref(), Some("${TARGET:-final}"));
    assert_eq!(
        app.stop_grace_period.as_ref().unwrap().value,
        "${GRACE:-20s}"
    );
    assert_eq!(app.stop_grace_seconds, Some(20.0));
    assert!(app.init.as_ref().unwrap().value);
    match &app.command.as_ref().unwrap().value {
        CommandForm::String { text, .. } => assert_eq!(text, "${CMD:-python app.py}"),
        other => panic!("{other:?}"),
    }
    assert!(services("variables", "Dockerfile.dev").is_empty());
}

#[test]
fn flow_style_positions() {
    let v = services("flow", "Dockerfile");
    let web = &v[0];
    assert_eq!((web.line, web.column), (1, 15));
    assert_eq!(pos(&web.command), (1, 37));
    assert_eq!(pos(&web.stop_signal), (2, 3));
}

// --- files -------------------------------------------------------------

const DOCKERFILE: &str = "FROM alpine\nCMD [\"sh\"]\n";
const SIMPLE: &str = "services:\n  web:\n    build: .\n    init: true\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn file_names_in_order_of_preference() {
    let dir = project(&[
        ("Dockerfile", DOCKERFILE),
        ("docker-compose.yaml", "services: {a: {build: .}}"),
        ("docker-compose.yml", "services: {b: {build: .}}"),
        ("compose.yml", "services: {c: {build: .}}"),
    ]);
    let df = dir.path().join("Dockerfile");
    let f = services_for(&df, None, None).unwrap().unwrap();
    assert_eq!(f.path, dir.path().join("compose.yml"));
    assert_eq!(names(&f.services), ["c"]);
    std::fs::remove_file(dir.path().join("compose.yml")).unwrap();
    let f = services_for(&df, None, None).unwrap().unwrap();
    assert_eq!(names(&f.services), ["b"]);
    std::fs::write(dir.path().join("compose.yaml"), SIMPLE).unwrap();
    let f = services_for(&df, None, None).unwrap().unwrap();
    assert_eq!(names(&f.services), ["web"]);
}

#[test]
fn dockerfile_directory_before_context() {
    let dir = project(&[
        ("app/Dockerfile", DOCKERFILE),
        ("app/compose.yaml", "services: {inner: {build: .}}"),
        ("compose.yaml", "services: {outer: {build: app}}"),
    ]);
    let df = dir.path().join("app/Dockerfile");
    let f = services_for(&df, None, Some(dir.path())).unwrap().unwrap();
    assert_eq!(names(&f.services), ["inner"]);
    std::fs::remove_file(dir.path().join("app/compose.yaml")).unwrap();
    let f = services_for(&df, None, Some(dir.path())).unwrap().unwrap();
    assert_eq!(names(&f.services), ["outer"]);
    // A relative Dockerfile path works too (parent "" is ".").
    let none = services_for(Path::new("Cargo.toml"), None, None).unwrap();
    assert_eq!(none, None);
}

#[test]
fn no_compose_file_and_missing_dockerfile() {
    let dir = project(&[("Dockerfile", DOCKERFILE)]);
    let df = dir.path().join("Dockerfile");
    assert_eq!(services_for(&df, None, Some(dir.path())).unwrap(), None);
    // a Dockerfile that is not there: nothing to match without a
    // compose file (not even looked at), an error with one
    assert_eq!(
        services_for(&dir.path().join("nope"), None, None).unwrap(),
        None
    );
    let compose = project(&[("compose.yaml", "services: {}\n")]);
    let e = services_for(&compose.path().join("nope"), None, None).unwrap_err();
    assert!(e.contains("nope"), "{e}");
    let e = services_for(&df, Some(&dir.path().join("missing.yaml")), None).unwrap_err();
    assert!(e.contains("missing.yaml"), "{e}");
}

#[test]
fn huge_file_refused() {
    let dir = project(&[("Dockerfile", DOCKERFILE)]);
    let big = dir.path().join("compose.yaml");
    let mut text = String::from(SIMPLE);
    while text.len() as u64 <= MAX_COMPOSE_FILE {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&big, &text).unwrap();
    let df = dir.path().join("Dockerfile");
    let e = services_for(&df, None, None).unwrap_err();
    assert!(e.contains("larger than the 1 MiB limit"), "{e}");
    let e = services_for(&df, Some(&big), None).unwrap_err();
    assert!(e.contains("larger than the 1 MiB limit"), "{e}");
    // Exactly at the cap is fine.
    text.truncate(MAX_COMPOSE_FILE as usize - 1);
    text.push('\n');
    std::fs::write(&big, &text).unwrap();
    let f = services_for(&df, None, None).unwrap().unwrap();
    assert_eq!(names(&f.services), ["web"]);
}

#[test]
fn only_regular_files() {
    let dir = project(&[("Dockerfile", DOCKERFILE)]);
    std::fs::create_dir(dir.path().join("compose.yaml")).unwrap();
    let df = dir.path().join("Dockerfile");
    let e = services_for(&df, None, None).unwrap_err();
    assert!(e.contains("is a directory"), "{e}");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("fifo.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            // Refused without opening it (opening would block).
            let e = services_for(&df, Some(&fifo), None).unwrap_err();
            assert!(e.contains("not a regular file"), "{e}");
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_do_not_leave_the_directory() {
    use std::os::unix::fs::symlink;
    let outside = project(&[("compose.yaml", SIMPLE)]);
    let dir = project(&[("Dockerfile", DOCKERFILE), ("real.yaml", SIMPLE)]);
    let df = dir.path().join("Dockerfile");
    let target = outside.path().join("compose.yaml");
    symlink(&target, dir.path().join("compose.yaml")).unwrap();
    let e = services_for(&df, None, None).unwrap_err();
    assert!(e.contains("real path is outside"), "{e}");
    // Named explicitly, it is read; its directory is where the link is.
    let f = services_for(&df, Some(&dir.path().join("compose.yaml")), None);
    assert_eq!(names(&f.unwrap().unwrap().services), ["web"]);
    // A link inside the directory is fine.
    std::fs::remove_file(dir.path().join("compose.yaml")).unwrap();
    symlink("real.yaml", dir.path().join("compose.yaml")).unwrap();
    let f = services_for(&df, None, None).unwrap().unwrap();
    assert_eq!(names(&f.services), ["web"]);
    // A dangling link is reported, not skipped.
    std::fs::remove_file(dir.path().join("real.yaml")).unwrap();
    assert!(services_for(&df, None, None).is_err());
}

#[test]
fn not_utf8() {
    let dir = project(&[("Dockerfile", DOCKERFILE)]);
    std::fs::write(dir.path().join("compose.yaml"), b"services:\n  \xff: {}\n").unwrap();
    let e = services_for(&dir.path().join("Dockerfile"), None, None).unwrap_err();
    assert!(e.contains("not valid UTF-8"), "{e}");
}

// --- parsing ------------------------------------------------------------

fn parse(text: &str) -> Result<Vec<ParsedService>, String> {
    parse_services(Path::new("compose.yaml"), text)
}

fn one(text: &str) -> Service {
    let mut v = parse(text).unwrap();
    assert_eq!(v.len(), 1);
    v.remove(0).service
}

#[test]
fn key_positions_from_the_parser() {
    let Node::Map(m) = parse_tree("f", "a: 1\nb:\n  c: 2\n").unwrap() else {
        panic!()
    };
    assert_eq!((m[0].key.as_str(), m[0].line, m[0].column), ("a", 1, 1));
    assert_eq!((m[1].key.as_str(), m[1].line, m[1].column), ("b", 2, 1));
    // Skipped at the top level, but still positioned.
    assert_eq!(m[1].value, Node::Skipped);
    // Columns count characters; CRLF line ends count as one.
    let s = one("services: {\"é\u{1F600}\": {build: ., init: true}}");
    assert_eq!((s.line, s.column), (1, 12));
    assert_eq!(pos(&s.init), (1, 29));
    let s = one("services:\r\n  web:\r\n    build: .\r\n    init: true\r\n");
    assert_eq!(pos(&s.init), (4, 5));
    // Quoted keys point at the quote.
    let s = one("services:\n  web:\n    'init': true\n");
    assert_eq!(pos(&s.init), (3, 5));
}

#[test]
fn key_position_text() {
    assert_eq!(key_position(&format!("a: {KEY_MARK}")), Some((1, 1)));
    assert_eq!(
        key_position(&format!("x.y: {KEY_MARK} at line 12 column 7")),
        Some((12, 7))
    );
    assert_eq!(key_position("other error at line 1 column 1"), None);
    // The marker is found after a path that contains it.
    assert_eq!(
        key_position(&format!("{KEY_MARK}.b: {KEY_MARK} at line 3 column 4")),
        Some((3, 4))
    );
}

#[test]
fn document_shapes() {
    assert!(parse("").unwrap().is_empty());
    assert!(parse("# only a comment\n").unwrap().is_empty());
    assert!(parse("services:\n").unwrap().is_empty());
    assert!(parse("name: x\n").unwrap().is_empty());
    let e = parse("- a\n- b\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:1:1: "), "{e}");
    let e = parse("services: [a]\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:1:1: services"), "{e}");
    let e = parse("services:\n  web: 1\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:2:3: services.web"), "{e}");
    let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
    assert!(e.contains("more than one document"), "{e}");
    // A complex key is ignored.
    assert!(parse("? [a, b]\n: c\nservices: {}\n").unwrap().is_empty());
    // A service without settings.
    assert_eq!(one("services:\n  web:\n").name, "web");
}

#[test]
fn errors_are_one_line_with_position() {
    let e = parse("services:\n  web:\n    build: .\n   init: true\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:4:"), "{e}");
    assert!(!e.contains('\n'));
    let e = parse("services:\n  web:\n    command: \"abc\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:"), "{e}");
    let e = parse("services:\n  web:\n    <<: *nope\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:3:9: unknown anchor"), "{e}");
    let e = parse("services:\n  web:\n    init: true\n    init: false\n").unwrap_err();
    assert_eq!(
        e,
        "compose.yaml:4:5: duplicate key \"init\" (first on line 3)"
    );
    let e = parse("services:\n  web:\n    command: {a: 1}\n").unwrap_err();
    assert!(
        e.starts_with("compose.yaml:3:5: services.web.command: "),
        "{e}"
    );
    let e = parse("services:\n  web:\n    command: [a, [b]]\n").unwrap_err();
    assert!(e.contains("list of strings"), "{e}");
    let e = parse("services:\n  web:\n    init: maybe\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:3:5: services.web.init"), "{e}");
    let e = parse("services:\n  web:\n    stop_signal: [a]\n").unwrap_err();
    assert!(e.contains("expected a string"), "{e}");
    let e = parse("services:\n  web:\n    <<: 1\n").unwrap_err();
    assert!(e.starts_with("compose.yaml:3:5: merge key"), "{e}");
    let e = parse("x: &a 1\nservices:\n  web:\n    <<: [*a]\n").unwrap_err();
    assert!(e.contains("merge key"), "{e}");
}

#[test]
fn alias_bombs_and_deep_nesting_fail_cleanly() {
    let mut bomb = String::from("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
    for i in 1..10 {
        let refs = vec![format!("*x{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("x{i}: &x{i} [{refs}]\n"));
    }
    bomb.push_str("services:\n  web:\n    environment: *x9\n");
    let e = parse(&bomb).unwrap_err();
    assert_eq!(e, "compose.yaml: repetition limit exceeded");
    // Few aliases of a long list: stopped by the node budget.
    let wide = format!(
        "x: &x [{}]\nservices:\n  web:\n    environment: [{}]\n",
        vec!["a"; 20_000].join(", "),
        vec!["*x"; 30].join(", ")
    );
    let e = parse(&wide).unwrap_err();
    assert!(e.starts_with("compose.yaml:1:"), "{e}");
    assert!(e.contains("more than 500000 values"), "{e}");
    // Ignored parts are not expanded.
    let quiet = bomb.replace("environment: *x9", "labels: *x9");
    assert_eq!(parse(&quiet).unwrap().len(), 1);
    let deep = format!(
        "services:\n  web:\n    command: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    let e = parse(&deep).unwrap_err();
    assert!(
        e.starts_with("compose.yaml:3:114: YAML nested more than 100 levels"),
        "{e}"
    );
}

#[test]
fn nested_merges() {
    // A merged mapping that itself merges another (yaml_serde's
    // `Value::apply_merge` leaves such a `<<` behind).
    let s = one(
        "x-a: &a {init: true, user: a}\nx-b: &b {<<: *a, user: b}\nservices:\n  web: {<<: *b, build: .}\n",
    );
    assert!(s.init.as_ref().unwrap().value);
    assert_eq!(pos(&s.init), (1, 10));
    assert_eq!(s.user.as_ref().unwrap().value, "b");
    assert_eq!(pos(&s.user), (2, 18));
}

#[test]
fn tags() {
    let s =
        one("services:\n  web:\n    build: .\n    command: !reset [a]\n    user: !override root\n");
    assert_eq!(s.command, None);
    assert_eq!(s.user.as_ref().unwrap().value, "root");
    let s = one("services:\n  web:\n    init: !!bool true\n    user: !!str 1000\n");
    assert!(s.init.unwrap().value);
    assert_eq!(s.user.unwrap().value, "1000");
}

#[test]
fn scalars_that_are_not_strings() {
    let s = one(
        "services:\n  web:\n    user: 1000\n    command: [sleep, 10]\n    stop_signal: 9\n    init: \"yes\"\n",
    );
    assert_eq!(s.user.unwrap().value, "1000");
    assert_eq!(argv(&s.command).unwrap(), strings(&["sleep", "10"]));
    assert_eq!(s.stop_signal.unwrap().value, "9");
    assert!(s.init.unwrap().value);
    let s = one("services:\n  web:\n    environment: {DEBUG: true, N: 1.10, E: ''}\n");
    assert_eq!(
        s.environment.unwrap().value,
        [
            ("DEBUG".to_string(), Some("true".to_string())),
            ("N".to_string(), Some("1.1".to_string())),
            ("E".to_string(), Some(String::new())),
        ]
    );
    let s = one("services:\n  web:\n    command: [echo, true]\n");
    assert_eq!(argv(&s.command).unwrap(), strings(&["echo", "true"]));
    let e = parse("services:\n  web:\n    command: [echo, ~]\n").unwrap_err();
    assert!(e.contains("list of strings"), "{e}");
    let s = one("services:\n  web:\n    environment: [A=1, B, C=x=y]\n");
    assert_eq!(
        s.environment.unwrap().value,
        [
            ("A".to_string(), Some("1".to_string())),
            ("B".to_string(), None),
            ("C".to_string(), Some("x=y".to_string())),
        ]
    );
}

#[test]
fn build_entries() {
    let v = parse(
        "services:\n  a:\n    build: ./x\n  b:\n    build:\n      context: y\n      dockerfile: ../D\n  c:\n    build: {context: ., dockerfile_inline: 'FROM a'}\n  d:\n    image: i\n",
    )
    .unwrap();
    let b: Vec<_> = v.iter().map(|s| s.builds.clone()).collect();
    assert_eq!(
        b,
        [
            Some(Build {
                context: "./x".into(),
                dockerfile: "Dockerfile".into()
            }),
            Some(Build {
                context: "y".into(),
                dockerfile: "../D".into()
            }),
            None,
            None,
        ]
    );
    assert!(is_remote("git@github.com:a/b.git#main"));
    assert!(is_remote("https://example.com/r.git"));
    assert!(!is_remote("./app"));
}

// --- values -------------------------------------------------------------

#[test]
fn durations() {
    let cases: &[(&str, Option<f64>)] = &[
        ("10s", Some(10.0)),
        ("1m30s", Some(90.0)),
        ("1h", Some(3600.0)),
        ("500ms", Some(0.5)),
        ("1.5h", Some(5400.0)),
        (".5s", Some(0.5)),
        ("2h45m", Some(9900.0)),
        ("1h5m30s20ms", Some(3930.02)),
        ("1d", Some(86400.0)),
        ("1w", Some(604800.0)),
        ("250us", Some(0.00025)),
        ("250\u{b5}s", Some(0.00025)),
        ("0", Some(0.0)),
        ("+2s", Some(2.0)),
        ("-1s", Some(-1.0)),
        ("", None),
        ("s", None),
        ("10", None),
        ("1x", None),
        ("1e3s", None),
        ("1 s", None),
        (".s", None),
        ("9999999999999h", None),
    ];
    for (s, want) in cases {
        let got = parse_duration(s);
        match (got, want) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{s}: {g} != {w}"),
            _ => assert_eq!(got, *want, "{s}"),
        }
    }
}

#[test]
fn variables() {
    assert!(has_variables("$A"));
    assert!(has_variables("a ${B:-x}"));
    assert!(has_variables("$$$A"));
    assert!(!has_variables("echo $$HOME"));
    assert!(!has_variables("plain"));
    assert_eq!(unescape_dollars("a $$b $${c}"), "a $b ${c}");
    let d = |s| interpolate_defaults(s);
    assert_eq!(d("plain").as_deref(), Some("plain"));
    assert_eq!(d("${A:-x} ${B-y}").as_deref(), Some("x y"));
    assert_eq!(d("${A:-${B:-z}}/f").as_deref(), Some("z/f"));
    assert_eq!(d("$$HOME").as_deref(), Some("$HOME"));
    assert_eq!(d("$A"), None);
    assert_eq!(d("${A}"), None);
    assert_eq!(d("${A:?need}"), None);
    assert_eq!(d("${A:+alt}"), None);
    assert_eq!(d("${A:-x"), None);
    assert_eq!(d("${:-x}"), None);
    assert_eq!(d("$"), None);
}

fn split(s: &str) -> Option<Vec<String>> {
    shell_words(s).map(|w| w.argv)
}

#[test]
fn shell_words_like_compose() {
    let ok = |s: &str, want: &[&str]| assert_eq!(split(s), Some(strings(want)), "{s}");
    ok("a  b\tc\nd", &["a", "b", "c", "d"]);
    ok("  lead and trail  ", &["lead", "and", "trail"]);
    ok("'a b' \"c d\"", &["a b", "c d"]);
    ok(r#"say "a \"q\" b""#, &["say", r#"a "q" b"#]);
    ok(r"a\ b", &["a b"]);
    ok(r"'a\b'", &[r"a\b"]);
    ok(r#""a\\b""#, &[r"a\b"]);
    ok(r#""a\b""#, &["ab"]);
    ok("x'y'\"z\"", &["xyz"]);
    ok("a '' b", &["a", "", "b"]);
    ok("a \"\"", &["a", ""]);
    ok("\"a'b\" 'a\"b'", &["a'b", "a\"b"]);
    ok("echo $(date +%s) x", &["echo", "$(date +%s)", "x"]);
    ok("echo `date +%s` x", &["echo", "`date +%s`", "x"]);
    ok("echo $HOME ${A:-b}", &["echo", "$HOME", "${A:-b}"]);
    ok("python -c 'print(1)'", &["python", "-c", "print(1)"]);
    ok("a ';' \"&&\" x\\|y", &["a", ";", "&&", "x|y"]);
    ok("", &[]);
    ok("   ", &[]);
    // The library's quirks: escaped-only or blank-quoted words vanish
    // or join the next word.
    ok(r"echo \x", &["echo"]);
    ok(r"\a b", &["ab"]);
    ok(r"\| b", &["|b"]);
    ok("sh -c \" \"", &["sh", "-c"]);
    for bad in ["\"open", "'open", r"trail\", "(a)", "a `b", "$(a", "a)"] {
        assert_eq!(split(bad), None, "{bad}");
    }
}

#[test]
fn operators_end_the_command() {
    let w = shell_words("npm run a && npm run b").unwrap();
    assert_eq!(w.argv, strings(&["npm", "run", "a"]));
    assert_eq!(w.stopped_at, Some(10));
    for (s, want) in [
        ("a;b", &["a"][..]),
        ("a | b", &["a"]),
        ("a < in", &["a"]),
        ("a>out", &["a"]),
        ("cmd 2>&1", &["cmd"]),
        ("cmd 2>/dev/null x", &["cmd"]),
        ("a & b", &["a"]),
    ] {
        let w = shell_words(s).unwrap();
        assert_eq!(w.argv, strings(want), "{s}");
        assert!(w.stopped_at.is_some(), "{s}");
    }
    assert_eq!(shell_words("a b").unwrap().stopped_at, None);
    let form = |t: &str| CommandForm::String {
        text: t.into(),
        argv: None,
    };
    assert_eq!(form("echo $$x && y").dropped_tail(), Some("&& y"));
    assert_eq!(form("a 'b;c' ; d").dropped_tail(), Some("; d"));
    assert_eq!(form("a b").dropped_tail(), None);
    assert_eq!(form("cmd 2>&1").dropped_tail(), Some("2>&1"));
    assert_eq!(form("cmd \"2\"x>f").dropped_tail(), Some("\"2\"x>f"));
    assert_eq!(form("a>f").dropped_tail(), Some(">f"));
    assert_eq!(form("'open").dropped_tail(), None);
}
