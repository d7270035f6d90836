//! Cross-check the parser against the independent `parse-dockerfile` crate:
//! wherever that crate accepts a file and dsig's parser reports no error,
//! both must see the same instructions at the same offsets, and the same
//! exec/shell form and exec-form arguments for CMD, ENTRYPOINT and RUN.

use dsig::parse::{self, Args, Kind};
use parse_dockerfile as pd;
use std::path::{Path, PathBuf};

fn kind_of(i: &pd::Instruction) -> (Kind, usize) {
    use pd::Instruction as I;
    let (k, s) = match i {
        I::Add(x) => (Kind::Add, x.add.span.start),
        I::Arg(x) => (Kind::Arg, x.arg.span.start),
        I::Cmd(x) => (Kind::Cmd, x.cmd.span.start),
        I::Copy(x) => (Kind::Copy, x.copy.span.start),
        I::Entrypoint(x) => (Kind::Entrypoint, x.entrypoint.span.start),
        I::Env(x) => (Kind::Env, x.env.span.start),
        I::Expose(x) => (Kind::Expose, x.expose.span.start),
        I::From(x) => (Kind::From, x.from.span.start),
        I::Healthcheck(x) => (Kind::Healthcheck, x.healthcheck.span.start),
        I::Label(x) => (Kind::Label, x.label.span.start),
        I::Maintainer(x) => (Kind::Maintainer, x.maintainer.span.start),
        I::Onbuild(x) => (Kind::Onbuild, x.onbuild.span.start),
        I::Run(x) => (Kind::Run, x.run.span.start),
        I::Shell(x) => (Kind::Shell, x.shell.span.start),
        I::Stopsignal(x) => (Kind::Stopsignal, x.stopsignal.span.start),
        I::User(x) => (Kind::User, x.user.span.start),
        I::Volume(x) => (Kind::Volume, x.volume.span.start),
        I::Workdir(x) => (Kind::Workdir, x.workdir.span.start),
        _ => unreachable!("new instruction kind"),
    };
    (k, s)
}

fn command(i: &pd::Instruction) -> Option<Option<Vec<String>>> {
    let c = match i {
        pd::Instruction::Cmd(x) => &x.arguments,
        pd::Instruction::Entrypoint(x) => &x.arguments,
        pd::Instruction::Run(x) => &x.arguments,
        _ => return None,
    };
    Some(match c {
        pd::Command::Exec(a) => Some(a.value.iter().map(|s| s.value.to_string()).collect()),
        _ => None,
    })
}

/// Where the other crate departs from the reference parser (BuildKit),
/// dsig follows BuildKit, whose own test cases show the behaviour:
/// - a line ending in an escaped escape char (`C:\\dir\\`) does not continue
///   (BuildKit case `trailing-backslash`);
/// - flags before an exec-form command (`CMD --x ["a"]`) keep it exec form
///   (BuildKit case `flags`).
fn known_divergence(src: &str, df: &parse::Dockerfile) -> bool {
    let esc = df.escape;
    let double = format!("{esc}{esc}");
    src.lines()
        .any(|l| l.trim_end_matches([' ', '\t', '\r']).ends_with(&double))
        || df.instructions.iter().any(|i| {
            matches!(i.kind, Kind::Cmd | Kind::Entrypoint | Kind::Run)
                && !i.flags.is_empty()
                && matches!(i.args, Args::Exec { .. })
        })
}

/// Compare one file; `None` when the other parser rejects it, ours reports
/// an error, or the file shows a known divergence.
fn compare(src: &str) -> Option<Result<(), String>> {
    let theirs = pd::parse(src).ok()?;
    let ours = parse::parse(src);
    if !ours.errors.is_empty() || known_divergence(src, &ours) {
        return None;
    }
    let a: Vec<(Kind, usize)> = ours
        .instructions
        .iter()
        .map(|i| (i.kind, i.keyword_span.start))
        .collect();
    let b: Vec<(Kind, usize)> = theirs.instructions.iter().map(kind_of).collect();
    if a != b {
        return Some(Err(format!(
            "instructions differ:\n ours   {a:?}\n theirs {b:?}"
        )));
    }
    for (o, t) in ours.instructions.iter().zip(&theirs.instructions) {
        let Some(tc) = command(t) else { continue };
        let oc = match &o.args {
            Args::Exec { words, .. } => {
                Some(words.iter().map(|w| w.value.clone()).collect::<Vec<_>>())
            }
            _ => None,
        };
        // An empty JSON array: both are "no command".
        if oc.as_ref().is_some_and(|v| v.is_empty()) && tc.is_none() {
            continue;
        }
        if oc != tc {
            return Some(Err(format!("line {}: ours {oc:?} theirs {tc:?}", o.line)));
        }
    }
    Some(Ok(()))
}

fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            dockerfiles(&p, out);
        } else if p.file_name().is_some_and(|n| n == "Dockerfile") {
            out.push(p);
        }
    }
}

fn check_all(roots: &[PathBuf]) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    for r in roots {
        dockerfiles(r, &mut files);
    }
    files.sort();
    let mut compared = 0;
    let mut failures = Vec::new();
    for f in files {
        let Ok(src) = std::fs::read_to_string(&f) else {
            continue;
        };
        match compare(&src) {
            Some(Ok(())) => compared += 1,
            Some(Err(e)) => failures.push(format!("{}: {e}", f.display())),
            None => {}
        }
    }
    (compared, failures)
}

#[test]
fn agrees_on_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("testdata")];
    let conf = root.join("../shared/conformance/buildkit-testfiles/testfiles");
    if conf.is_dir() {
        roots.push(conf);
    }
    let (compared, failures) = check_all(&roots);
    assert!(compared >= 20, "only {compared} files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn agrees_on_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus/files not present");
        return;
    }
    let (compared, failures) = check_all(&[corpus]);
    eprintln!(
        "corpus cross-check: {compared} files compared, {} differ",
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(failures.is_empty());
}
