//! What `--fix` writes: through symbolic links to the real file, keeping
//! hard links and modes, both files of a two-file fix or neither, and
//! `--diff` shows a script shared by two Dockerfiles once.

mod common;

use common::{Run, dsig_within};
use std::path::Path;
use std::time::Duration;

const SCRIPT: &str = "#!/bin/sh\nset -e\nnode server.js\n";
const DOCKERFILE: &str =
    "FROM node:22\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"entrypoint.sh\"]\n";

fn dsig(dir: &Path, args: &[&str]) -> Run {
    let r = dsig_within(dir, args, &[], Duration::from_secs(60));
    r.no_panic();
    r
}

fn project(dir: &Path, sub: &str) {
    std::fs::create_dir_all(dir.join(sub)).unwrap();
    std::fs::write(dir.join(sub).join("entrypoint.sh"), SCRIPT).unwrap();
    std::fs::write(dir.join(sub).join("Dockerfile"), DOCKERFILE).unwrap();
}

#[test]
fn a_script_fix_is_written_and_a_second_run_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    project(d.path(), "app");
    let r = dsig(d.path(), &["lint", "--fix", "--unsafe-fixes", "app"]);
    // the script's exec (DSIG006), then an init for node as PID 1 (DSIG005)
    assert!(
        r.stderr().contains("fixed 2 findings in 1 file"),
        "{}",
        r.stderr()
    );
    let script = std::fs::read_to_string(d.path().join("app/entrypoint.sh")).unwrap();
    assert_eq!(script, "#!/bin/sh\nset -e\nexec node server.js\n");
    let df = std::fs::read_to_string(d.path().join("app/Dockerfile")).unwrap();
    assert!(df.contains("tini"), "{df}");
    let before: Vec<u8> = std::fs::read(d.path().join("app/Dockerfile")).unwrap();
    let r = dsig(d.path(), &["lint", "--fix", "--unsafe-fixes", "app"]);
    assert!(r.stderr().contains("fixed 0 findings"), "{}", r.stderr());
    assert_eq!(
        std::fs::read_to_string(d.path().join("app/entrypoint.sh")).unwrap(),
        script
    );
    assert_eq!(
        std::fs::read(d.path().join("app/Dockerfile")).unwrap(),
        before
    );
}

#[cfg(unix)]
#[test]
fn links_modes_and_read_only_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let d = tempfile::tempdir().unwrap();
    // the Dockerfile is a link to a file elsewhere in the repository
    std::fs::create_dir_all(d.path().join("shared")).unwrap();
    std::fs::write(
        d.path().join("shared/base.Dockerfile"),
        "FROM node:22\nCMD node server.js\n",
    )
    .unwrap();
    std::fs::set_permissions(
        d.path().join("shared/base.Dockerfile"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    std::fs::create_dir_all(d.path().join("app")).unwrap();
    std::os::unix::fs::symlink("../shared/base.Dockerfile", d.path().join("app/Dockerfile"))
        .unwrap();
    std::fs::hard_link(
        d.path().join("shared/base.Dockerfile"),
        d.path().join("shared/copy.Dockerfile"),
    )
    .unwrap();
    let r = dsig(d.path(), &["lint", "--fix", "app/Dockerfile"]);
    assert!(r.stderr().contains("fixed 1 finding"), "{}", r.stderr());
    let link = std::fs::symlink_metadata(d.path().join("app/Dockerfile")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let fixed = "FROM node:22\nCMD [\"node\", \"server.js\"]\n";
    let real = d.path().join("shared/base.Dockerfile");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), fixed);
    assert_eq!(
        std::fs::read_to_string(d.path().join("shared/copy.Dockerfile")).unwrap(),
        fixed,
        "hard links stay one file"
    );
    assert_eq!(std::fs::metadata(&real).unwrap().nlink(), 2);
    assert_eq!(std::fs::metadata(&real).unwrap().mode() & 0o777, 0o640);

    // a two-file fix whose script is read-only: neither file is written
    project(d.path(), "ro");
    std::fs::write(
        d.path().join("ro/Dockerfile"),
        format!("{DOCKERFILE}STOPSIGNAL TERM\n"),
    )
    .unwrap();
    let script = d.path().join("ro/entrypoint.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read_to_string(d.path().join("ro/Dockerfile")).unwrap();
    let r = dsig(d.path(), &["lint", "--fix", "--unsafe-fixes", "ro"]);
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr().contains("read-only; nothing was written"),
        "{}",
        r.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("ro/Dockerfile")).unwrap(),
        before
    );
    assert_eq!(std::fs::read_to_string(&script).unwrap(), SCRIPT);
}

#[test]
fn diff_shows_a_shared_script_once() {
    let d = tempfile::tempdir().unwrap();
    project(d.path(), "app");
    std::fs::write(d.path().join("app/Dockerfile.dev"), DOCKERFILE).unwrap();
    let r = dsig(d.path(), &["lint", "--diff", "--unsafe-fixes", "app"]);
    assert_eq!(r.code(), Some(1), "{}", r.stderr());
    let out = r.stdout();
    assert_eq!(out.matches("+exec node server.js").count(), 1, "{out}");
}
