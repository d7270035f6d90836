//! Directory listings, shared by every file's discovery (compose files,
//! `.dsig.yaml`, `.git`, context files): a directory is listed once and its
//! names looked up in memory instead of probing each name with a `stat`. A
//! listing is used again only while the directory's modification time is
//! the same (one `stat`), so a file created since is seen; a one-shot run
//! over a tree that does not change ([`trust_listings`]) skips that `stat`.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

/// Directories with more entries are not listed: their names are probed
/// one by one instead.
const MAX_ENTRIES: usize = 10_000;

type Listing = Option<Arc<HashSet<OsString>>>;

/// Listings by directory, with the modification time they were read at.
type Listings = HashMap<PathBuf, (std::time::SystemTime, Listing)>;

static LISTINGS: LazyLock<Mutex<Listings>> = LazyLock::new(Default::default);

/// The directory of a path as given: `.` for a bare name.
pub fn parent_dir(p: &Path) -> PathBuf {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The last segment of a `/`-separated path (`/usr/bin/node` -> `node`).
pub fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The working directory, asked once.
static CWD: LazyLock<Option<PathBuf>> = LazyLock::new(|| std::env::current_dir().ok());

/// `dir` as an absolute path without `.` components (`..` is kept:
/// resolving it needs the file system), the working directory asked once
/// per run.
pub fn absolute(dir: &Path) -> PathBuf {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        match &*CWD {
            Some(cwd) => cwd.join(dir),
            None => dir.to_path_buf(),
        }
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            // `..` is kept: resolving it needs the file system (links)
            other => out.push(other),
        }
    }
    out
}

static TRUST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a one-shot run (`dsig lint`, `dsig ps`): a directory listed once is
/// not checked for changes again. A long-running process must not call it.
pub fn trust_listings() {
    TRUST.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The names in `dir`; `None` when it cannot be listed (or is too large).
fn listing(dir: &Path) -> Listing {
    let key = absolute(dir);
    if TRUST.load(std::sync::atomic::Ordering::Relaxed)
        && let Some((_, l)) = LISTINGS.lock().unwrap_or_else(|e| e.into_inner()).get(&key)
    {
        return l.clone();
    }
    let mtime = std::fs::metadata(&key).and_then(|m| m.modified()).ok()?;
    if let Some((at, l)) = LISTINGS.lock().unwrap_or_else(|e| e.into_inner()).get(&key)
        && *at == mtime
    {
        return l.clone();
    }
    let names: Listing = std::fs::read_dir(&key).ok().and_then(|rd| {
        let mut names = HashSet::new();
        for e in rd {
            names.insert(e.ok()?.file_name());
            if names.len() > MAX_ENTRIES {
                return None;
            }
        }
        Some(Arc::new(names))
    });
    LISTINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, (mtime, names.clone()));
    names
}

/// Whether `dir` has an entry `name` (any entry, a dangling link too).
pub fn has(dir: &Path, name: &str) -> bool {
    match listing(dir) {
        Some(names) => names.contains(std::ffi::OsStr::new(name)),
        None => dir.join(name).symlink_metadata().is_ok(),
    }
}

/// Whether the entry of `path` may exist: `false` only when its directory
/// was listed and does not hold the name (then no `stat` is needed).
pub fn may_exist(path: &Path) -> bool {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => match listing(dir) {
            Some(names) => names.contains(name),
            None => true,
        },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_answer_for_the_names_of_a_directory() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a"), "").unwrap();
        std::os::unix::fs::symlink(d.path().join("gone"), d.path().join("dangling")).unwrap();
        assert!(has(d.path(), "a"));
        assert!(has(d.path(), "dangling"));
        assert!(!has(d.path(), "b"));
        assert!(may_exist(&d.path().join("a")));
        assert!(!may_exist(&d.path().join("b")));
        // a file created since the listing is seen (the directory's
        // modification time changed)
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(d.path().join("b"), "").unwrap();
        assert!(has(d.path(), "b"));
        // a directory that cannot be listed: probe
        assert!(!has(&d.path().join("nope"), "x"));
        assert!(may_exist(&d.path().join("nope/x")));
    }
}
