//! Finding Dockerfiles and reading them safely: every problem is a one-line
//! message naming the file, never a panic.

use crate::dirs::Kind;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest Dockerfile read (bytes).
pub const MAX_FILE: u64 = 10 * 1024 * 1024;

/// Whether a file name is a Dockerfile: `Dockerfile`, `Containerfile`,
/// `*.Dockerfile`, `Dockerfile.*` (also `*.dockerfile`, `Containerfile.*`).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
}

/// A name a manifest may have: `*.yaml`, `*.yml`, `*.json`.
pub fn is_manifest_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// One input: a path to lint, or an error to report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
    Error { path: String, message: String },
}

/// Expand the paths given on the command line: files as they are, directories
/// searched (respecting .gitignore; skipping .git, node_modules, target).
pub fn discover(paths: &[String]) -> Vec<Input> {
    discover_with(paths, &mut |_| false)
}

/// As [`discover`]; in directories, a `.yaml`, `.yml` or `.json` file is
/// taken too when `manifest` says it is one (a configuration's
/// `manifests:` globs match it).
pub fn discover_with(paths: &[String], manifest: &mut dyn FnMut(&Path) -> bool) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Err(e) => out.push(Input::Error {
                path: p.clone(),
                message: crate::read::io_message(&e),
            }),
            Ok(m) if m.is_dir() => {
                let (mut found, errors) = walk(path);
                found.retain(|f| {
                    let name = f
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default();
                    is_dockerfile_name(&name) || manifest(f)
                });
                if found.is_empty() && errors.is_empty() {
                    out.push(Input::Error {
                        path: p.clone(),
                        message: "directory contains no Dockerfile (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*) and no manifest that `manifests:` names".into(),
                    });
                }
                out.extend(found.into_iter().map(Input::File));
                out.extend(errors);
            }
            Ok(_) => out.push(Input::File(path.to_path_buf())),
        }
    }
    out
}

/// The ignore files of one directory: `.ignore`, `.gitignore`, and the
/// repository's `info/exclude` when the directory holds `.git`.
#[derive(Default)]
struct IgnoreFiles {
    ignore: Option<Gitignore>,
    git: Option<Gitignore>,
    exclude: Option<Gitignore>,
}

/// A matcher of the ignore file `file` whose patterns are relative to
/// `dir`; `None` when it has none (a pattern that cannot be parsed is left
/// out: it is no reason to skip the tree or fail the run).
fn matcher(dir: &Path, file: &Path) -> Option<Gitignore> {
    let mut b = GitignoreBuilder::new(dir);
    let _ = b.add(file);
    b.build().ok().filter(|g| !g.is_empty())
}

/// Where a `.git` entry keeps `info/exclude`: the directory itself, or for
/// a work tree (`.git` is a file saying `gitdir: ...`) its common directory.
fn git_common_dir(dir: &Path, kind: Kind) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    if kind == Kind::Dir {
        return Some(dot_git);
    }
    let text = crate::read::text(&dot_git, 64 * 1024).ok()?;
    let gitdir = dir.join(text.strip_prefix("gitdir:")?.trim());
    match crate::read::text(&gitdir.join("commondir"), 64 * 1024) {
        Ok(common) => Some(gitdir.join(common.trim())),
        Err(_) => Some(gitdir),
    }
}

impl IgnoreFiles {
    /// The ignore files of `dir` (absolute), found in its listing.
    fn of(dir: &Path, entries: &[(OsString, Kind)]) -> IgnoreFiles {
        let mut out = IgnoreFiles::default();
        for (name, kind) in entries {
            match name.to_str() {
                Some(".ignore") => out.ignore = matcher(dir, &dir.join(".ignore")),
                Some(".gitignore") => out.git = matcher(dir, &dir.join(".gitignore")),
                Some(".git") => {
                    out.exclude = git_common_dir(dir, *kind)
                        .map(|c| c.join("info").join("exclude"))
                        .filter(|p| crate::dirs::may_exist(p))
                        .and_then(|p| matcher(dir, &p));
                }
                _ => {}
            }
        }
        out
    }
}

/// The user's global git excludes (`core.excludesFile`), read once.
static GLOBAL: std::sync::LazyLock<Gitignore> = std::sync::LazyLock::new(|| Gitignore::global().0);

/// Whether `path` (absolute) is ignored by the ignore files of its
/// directories (`stack`, outermost first): `.ignore` files before
/// `.gitignore` files before `info/exclude` before the global excludes, and
/// among files of one kind the deepest that says anything.
fn is_ignored(stack: &[Arc<IgnoreFiles>], path: &Path, is_dir: bool) -> bool {
    let first = |pick: fn(&IgnoreFiles) -> Option<&Gitignore>| {
        stack
            .iter()
            .rev()
            .filter_map(|f| pick(f))
            .map(|g| g.matched(path, is_dir))
            .find(|m| !m.is_none())
    };
    let m = first(|f| f.ignore.as_ref())
        .or_else(|| first(|f| f.git.as_ref()))
        .or_else(|| first(|f| f.exclude.as_ref()))
        .unwrap_or_else(|| GLOBAL.matched(path, is_dir));
    m.is_ignore()
}

/// The ignore files of the directories above `root` (absolute), outermost
/// first: they apply inside it too.
fn parents_ignore_files(root: &Path) -> Vec<Arc<IgnoreFiles>> {
    let mut dirs: Vec<&Path> = root.ancestors().skip(1).collect();
    dirs.reverse();
    dirs.into_iter()
        .map(|d| {
            Arc::new(IgnoreFiles::of(
                d,
                &crate::dirs::entries(d).unwrap_or_default(),
            ))
        })
        .collect()
}

/// The Dockerfiles under `dir`, and an error for each directory that could
/// not be read: a tree is never skipped in silence. `.gitignore`, `.ignore`
/// and `info/exclude` files are respected (in the tree and above it);
/// `.git`, `node_modules` and `target` are not searched, and links are not
/// followed. Directories are read in parallel.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<Input>) {
    let abs = crate::dirs::absolute(dir);
    let stack = parents_ignore_files(&abs);
    let (mut found, errors) = walk_dir(dir, &abs, &stack);
    found.sort();
    (found, errors)
}

/// One directory of [`walk`]: `shown` as the user named it, `abs` its
/// absolute path, `stack` the ignore files of the directories above it.
fn walk_dir(shown: &Path, abs: &Path, stack: &[Arc<IgnoreFiles>]) -> (Vec<PathBuf>, Vec<Input>) {
    let entries = match crate::dirs::entries(abs) {
        Ok(e) => e,
        Err(e) => {
            let error = Input::Error {
                path: shown.display().to_string(),
                message: format!("cannot be read: {}", crate::read::io_message(&e)),
            };
            return (Vec::new(), vec![error]);
        }
    };
    let mut stack = stack.to_vec();
    stack.push(Arc::new(IgnoreFiles::of(abs, &entries)));
    let mut found = Vec::new();
    let mut subdirs = Vec::new();
    for (name, kind) in &entries {
        let path = abs.join(name);
        match kind {
            Kind::Dir => {
                let skip = matches!(name.to_str(), Some(".git" | "node_modules" | "target"));
                if !skip && !is_ignored(&stack, &path, true) {
                    subdirs.push((shown.join(name), path));
                }
            }
            Kind::File => {
                let n = name.to_string_lossy();
                if (is_dockerfile_name(&n) || is_manifest_name(&n))
                    && !is_ignored(&stack, &path, false)
                {
                    found.push(shown.join(name));
                }
            }
            Kind::Link | Kind::Other => {}
        }
    }
    let below: Vec<_> = subdirs
        .par_iter()
        .map(|(shown, abs)| walk_dir(shown, abs, &stack))
        .collect();
    let mut errors = Vec::new();
    for (f, e) in below {
        found.extend(f);
        errors.extend(e);
    }
    (found, errors)
}

/// Read a Dockerfile as text, or say in one line why it cannot be linted.
pub fn read_dockerfile(path: &Path) -> Result<String, String> {
    crate::read::text(path, MAX_FILE).map_err(|e| e.to_string())
}

/// Read standard input as a Dockerfile (at most [`MAX_FILE`] bytes, text).
pub fn read_stdin() -> Result<String, String> {
    let bytes = crate::read::capped(std::io::stdin().lock(), MAX_FILE, 0);
    bytes
        .and_then(crate::read::decode)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `ignore` crate's walker finds with the same settings: the
    /// reference [`walk`] must agree with.
    fn reference(dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                let n = e.file_name().to_string_lossy();
                !(e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && matches!(n.as_ref(), ".git" | "node_modules" | "target"))
            })
            .build()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_type().is_some_and(|t| t.is_file())
                    && is_dockerfile_name(&e.file_name().to_string_lossy())
            })
            .map(|e| e.into_path())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_walk_respects_ignore_files_as_git_does() {
        let t = tempfile::tempdir().unwrap();
        let files = [
            // ignored by the outer directory's .gitignore, except one
            ".gitignore",
            "build/Dockerfile",
            "keep/Dockerfile",
            "keep/.gitignore",
            "keep/sub/Dockerfile",
            "keep/sub/x.Dockerfile",
            // .ignore wins over .gitignore
            "svc/.ignore",
            "svc/.gitignore",
            "svc/Dockerfile.dev",
            "svc/Dockerfile.prod",
            // never searched
            "node_modules/a/Dockerfile",
            "target/Dockerfile",
            ".git/Dockerfile",
            ".git/info/exclude",
            "excluded/Dockerfile",
            // a bare name ignores the directory of that name
            "logs/Dockerfile",
            "Containerfile",
            ".hidden/Dockerfile",
        ];
        for f in files {
            let p = t.path().join("repo").join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "FROM x\n").unwrap();
        }
        let w = |f: &str, text: &str| std::fs::write(t.path().join("repo").join(f), text).unwrap();
        w(".gitignore", "build/\n/keep/sub/x.Dockerfile\nlogs\n");
        w("keep/.gitignore", "*\n!*/\n!Dockerfile\n");
        w("svc/.gitignore", "Dockerfile.dev\n");
        w("svc/.ignore", "!Dockerfile.dev\nDockerfile.prod\n");
        w(".git/info/exclude", "excluded/\n");
        // a parent's .gitignore applies inside the tree walked
        std::fs::write(t.path().join(".gitignore"), "Containerfile\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(t.path().join("repo/keep"), t.path().join("repo/linked"))
            .unwrap();
        for root in ["repo", "repo/keep", "repo/svc"] {
            let dir = t.path().join(root);
            let (found, errors) = walk(&dir);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(found, reference(&dir), "{root}");
        }
        let (found, _) = walk(&t.path().join("repo"));
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(t.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "repo/.hidden/Dockerfile",
                "repo/keep/Dockerfile",
                "repo/keep/sub/Dockerfile",
                "repo/svc/Dockerfile.dev",
            ]
        );
    }

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "Dockerfile.dev",
            "dockerfile",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile-notes.md.txt.x",
            "README.md",
            "docker-compose.yml",
            ".dockerignore",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }

    #[test]
    fn bad_bytes() {
        let decode = |b: Vec<u8>| crate::read::decode(b).map_err(|e| e.to_string());
        assert!(decode(b"FROM a\0".to_vec()).unwrap_err().contains("binary"));
        assert!(decode(vec![b'F', 0xff]).unwrap_err().contains("UTF-8"));
        assert_eq!(decode(b"FROM a".to_vec()).unwrap(), "FROM a");
        let big = vec![b'x'; MAX_FILE as usize + 1];
        let e = crate::read::capped(&big[..], MAX_FILE, 0).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
    }
}
