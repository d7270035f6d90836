use super::*;
use crate::context::Context;
use crate::parse::parse;

fn model(src: &str) -> (Launch, Chain) {
    let df = parse(src);
    let st = stages(&df);
    let idx = target_stage(&st, None).unwrap();
    let l = launch(&df, &st, idx, &ModelOptions::default());
    let c = chain::build(&l, &Context::default());
    (l, c)
}

fn argvs(c: &Chain) -> Vec<(String, Relation)> {
    c.hops.iter().map(|h| (h.display(), h.relation)).collect()
}

#[test]
fn exec_form_concatenates() {
    let (l, _) = model("FROM alpine\nENTRYPOINT [\"a\", \"b\"]\nCMD [\"c\"]\n");
    assert_eq!(l.argv(), ["a", "b", "c"]);
}

#[test]
fn shell_entrypoint_keeps_cmd_as_ignored_args() {
    let (l, _) = model("FROM alpine\nENTRYPOINT run me\nCMD [\"c\"]\n");
    assert_eq!(l.argv(), ["/bin/sh", "-c", "run me", "c"]);
}

#[test]
fn new_entrypoint_resets_inherited_cmd() {
    let (l, _) = model("FROM node:22\nENTRYPOINT [\"x\"]\n");
    assert!(l.cmd.is_none());
    assert_eq!(l.argv(), ["x"]);
    // CMD set in the same stage before ENTRYPOINT is kept
    let (l, _) = model("FROM node:22\nCMD [\"y\"]\nENTRYPOINT [\"x\"]\n");
    assert_eq!(l.argv(), ["x", "y"]);
}

#[test]
fn base_image_contributes() {
    let (l, c) = model("FROM node:22-alpine\nCMD [\"node\", \"s.js\"]\n");
    assert_eq!(l.argv(), ["docker-entrypoint.sh", "node", "s.js"]);
    assert_eq!(l.bin_sh, ShellKind::Busybox);
    assert_eq!(
        argvs(&c),
        [
            ("docker-entrypoint.sh".to_string(), Relation::Pid1),
            ("node s.js".to_string(), Relation::Exec)
        ]
    );
    assert_eq!(c.pid1(), Some(1));
}

#[test]
fn inherited_through_stages_and_args() {
    let src = "ARG V=22\nFROM node:${V}-alpine AS base\nCMD node a.js\nFROM base\nRUN true\n";
    let (l, c) = model(src);
    assert_eq!(l.base_image, "node:22-alpine");
    assert_eq!(l.stage, 1);
    assert!(matches!(l.cmd.as_ref().unwrap().form, Form::Shell { .. }));
    // busybox execs the single command
    assert_eq!(c.hops.last().unwrap().relation, Relation::Exec);
}

#[test]
fn dash_keeps_shell_as_pid1() {
    let (_, c) = model("FROM node:22\nCMD node server.js\n");
    let a = argvs(&c);
    assert_eq!(a[1].0, "/bin/sh -c \"node server.js\"");
    assert_eq!(a[2], ("node server.js".to_string(), Relation::Child));
    assert_eq!(c.pid1(), Some(1));
}

#[test]
fn shell_instruction_applies_to_later_cmd() {
    let (l, c) = model("FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node server.js\n");
    assert_eq!(l.shell.kind, ShellKind::Bash);
    assert_eq!(l.bin_sh, ShellKind::Dash);
    assert_eq!(c.hops.last().unwrap().relation, Relation::Exec);
}

#[test]
fn init_then_package_manager() {
    let (_, c) =
        model("FROM node:22\nENTRYPOINT [\"tini\", \"-g\", \"--\"]\nCMD [\"npm\", \"start\"]\n");
    assert!(matches!(c.hops[0].kind, HopKind::Init { group: true, .. }));
    assert!(matches!(c.hops[1].kind, HopKind::PackageManager { .. }));
    assert_eq!(c.hops[1].relation, Relation::Child);
    assert!(c.incomplete.is_some());
}

#[test]
fn package_json_script_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"scripts":{"start":"node server.js"}}"#,
    )
    .unwrap();
    let df = parse("FROM node:22\nCMD [\"npm\", \"start\"]\n");
    let st = stages(&df);
    let l = launch(&df, &st, 0, &ModelOptions::default());
    let c = chain::build(&l, &Context::new(Some(dir.path().to_path_buf())));
    let a = argvs(&c);
    assert_eq!(a.len(), 4, "{a:?}");
    assert_eq!(a[2].0, "sh -c \"node server.js\"");
    assert_eq!(a[3], ("node server.js".to_string(), Relation::Child));
}

#[test]
fn target_selects_stage() {
    let df = parse("FROM a AS one\nFROM b AS two\n");
    let st = stages(&df);
    assert_eq!(target_stage(&st, Some("one")).unwrap(), 0);
    assert_eq!(target_stage(&st, None).unwrap(), 1);
    assert!(target_stage(&st, Some("nope")).is_err());
}

#[test]
fn onbuild_triggers_run_in_child_stage() {
    let (l, _) = model("FROM alpine AS base\nONBUILD CMD [\"x\"]\nFROM base\n");
    assert_eq!(l.argv(), ["x"]);
}

#[test]
fn expand_vars() {
    let v = vec![("A".to_string(), "1".to_string())];
    assert_eq!(expand("x${A}y$A-${B:-d}${C}", &v), "x1y1-d${C}");
}
