//! Finding Dockerfiles and reading them safely: every problem is a one-line
//! message naming the file, never a panic.

use std::io::Read;
use std::path::{Path, PathBuf};

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
                let (found, errors) = walk(path);
                if found.is_empty() && errors.is_empty() {
                    out.push(Input::Error {
                        path: p.clone(),
                        message: "directory contains no Dockerfile (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*)".into(),
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

/// The Dockerfiles under `dir`, and an error for each directory (or entry)
/// that could not be read: a tree is never skipped in silence.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<Input>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && matches!(n.as_ref(), ".git" | "node_modules" | "target"))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_some_and(|t| t.is_file())
                    && is_dockerfile_name(&e.file_name().to_string_lossy())
                {
                    found.push(e.into_path());
                }
            }
            Err(e) => errors.extend(walk_error(dir, &e)),
        }
    }
    found.sort();
    (found, errors)
}

/// A directory or entry the walk could not read, as an input error naming
/// it. `None` for what is not about reading: a pattern of a `.gitignore` the
/// `ignore` crate cannot parse leaves files to lint, which is no reason to
/// fail the run.
fn walk_error(dir: &Path, e: &ignore::Error) -> Option<Input> {
    let mut path = None;
    let mut cur = e;
    // the error wraps its path and its cause in layers
    let cause = loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.display().to_string());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err;
            }
            ignore::Error::Io(e) => break crate::read::io_message(e),
            ignore::Error::Loop { child, .. } => {
                path.get_or_insert_with(|| child.display().to_string());
                break "symbolic links loop".to_string();
            }
            _ => return None,
        }
    };
    Some(Input::Error {
        path: path.unwrap_or_else(|| dir.display().to_string()),
        message: format!("cannot be read: {cause}"),
    })
}

/// Read a Dockerfile as text, or say in one line why it cannot be linted.
pub fn read_dockerfile(path: &Path) -> Result<String, String> {
    crate::read::text(path, MAX_FILE).map_err(|e| e.to_string())
}

/// Read standard input as a Dockerfile.
pub fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::read::io_message(&e))?;
    decode(bytes)
}

fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(crate::read::ReadError::TooLarge {
            size: None,
            cap: MAX_FILE,
        }
        .to_string());
    }
    crate::read::decode(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(decode(b"FROM a\0".to_vec()).unwrap_err().contains("binary"));
        assert!(decode(vec![b'F', 0xff]).unwrap_err().contains("UTF-8"));
        assert_eq!(decode(b"FROM a".to_vec()).unwrap(), "FROM a");
    }
}
