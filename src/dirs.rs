//! Directory listings, shared by every file's discovery (compose files,
//! `.dsig.yaml`, `.git`, context files): a directory is listed once and its
//! names looked up in memory instead of probing each name with a `stat`. A
//! listing is used again only while the directory's modification time is
//! the same (one `stat`), so a file created since is seen; a one-shot run
//! over a tree that does not change ([`trust_listings`]) skips that `stat`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

/// Directories with more entries are not listed: their names are probed
/// one by one instead.
const MAX_ENTRIES: usize = 10_000;

/// What a directory entry is, as the listing says (a link is not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Link,
    /// A FIFO, socket or device.
    Other,
}

/// Maps keyed by names and paths hash with foldhash: paths are long and
/// looked up many times per file, and nothing here faces an adversary that
/// would need SipHash's protection.
type Fast = foldhash::fast::RandomState;

type Listing = Option<Arc<HashMap<OsString, Kind, Fast>>>;

/// Listings by directory, with the modification time they were read at
/// (`None` when the run trusts its listings and did not ask).
/// Keyed by the absolute path's bytes (hashing bytes is cheaper than
/// hashing a path's components).
type Listings = HashMap<OsString, (Option<std::time::SystemTime>, Listing), Fast>;

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

/// `dir` as an absolute path without `.` or `..` components, the working
/// directory asked once per run. A `..` takes off the component before it
/// when the listings show that component is not a symbolic link; after a
/// link, the system resolves the path so far (the link's target's parent is
/// meant). Symbolic links elsewhere are kept, so paths compare as the user
/// wrote them.
pub fn absolute(dir: &Path) -> PathBuf {
    absolute_cow(dir).into_owned()
}

/// [`absolute`], borrowing a path that already has that form.
fn absolute_cow(dir: &Path) -> std::borrow::Cow<'_, Path> {
    // already absolute and in the form the components would give back: no
    // empty, `.` or `..` segment, no trailing `/`
    let plain = |p: &Path| {
        let b = p.as_os_str().as_encoded_bytes();
        b == b"/"
            || (!b.ends_with(b"/")
                && b.split(|&c| c == b'/')
                    .skip(1)
                    .all(|s| !s.is_empty() && s != b"." && s != b".."))
    };
    if cfg!(unix) && dir.is_absolute() && plain(dir) {
        return std::borrow::Cow::Borrowed(dir);
    }
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
            std::path::Component::ParentDir => parent_of(&mut out),
            other => out.push(other),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `out` followed by `..`: its parent when its last component is a
/// directory or is not there (no system call); the real parent of a link's
/// target; `..` kept when the system cannot resolve it.
fn parent_of(out: &mut PathBuf) {
    if out.as_os_str().is_empty() || out.ends_with("..") {
        out.push("..");
        return;
    }
    match lookup(out) {
        Lookup::Is(Kind::Dir) | Lookup::Missing => {
            out.pop();
        }
        _ => match out.canonicalize() {
            Ok(real) => {
                *out = real;
                out.pop();
            }
            Err(_) => out.push(".."),
        },
    }
}

static TRUST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a one-shot run (`dsig lint`, `dsig ps`): a directory listed once is
/// not checked for changes again. A long-running process must not call it.
pub fn trust_listings() {
    TRUST.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The entries of `dir`, with their kinds; `None` when it cannot be listed
/// (or is too large).
fn listing(dir: &Path) -> Listing {
    let abs = absolute_cow(dir);
    let key = abs.as_os_str();
    let trusted = TRUST.load(std::sync::atomic::Ordering::Relaxed);
    if trusted && let Some((_, l)) = LISTINGS.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
        return l.clone();
    }
    // a run that trusts its listings never asks for the time
    let mtime = if trusted {
        None
    } else {
        Some(std::fs::metadata(key).and_then(|m| m.modified()).ok()?)
    };
    if let Some((at, l)) = LISTINGS.lock().unwrap_or_else(|e| e.into_inner()).get(key)
        && *at == mtime
    {
        return l.clone();
    }
    let names: Listing = match read_entries(&abs, MAX_ENTRIES) {
        Ok(v) => Some(Arc::new(v.into_iter().collect())),
        // a directory that is not there holds nothing
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Default::default()),
        Err(_) => None,
    };
    LISTINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(abs.into_owned().into_os_string(), (mtime, names.clone()));
    names
}

/// The entries of `dir` with their kinds, from the directory itself (no
/// `stat` of each entry where the file system says what it is); an error
/// when there are more than `max`.
fn read_entries(dir: &Path, max: usize) -> std::io::Result<Vec<(OsString, Kind)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let t = e.file_type()?;
        let kind = if t.is_symlink() {
            Kind::Link
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        out.push((e.file_name(), kind));
        if out.len() > max {
            return Err(std::io::Error::other("too many entries"));
        }
    }
    Ok(out)
}

/// Every entry of `dir` with its kind, sorted by name, for a walk of the
/// tree; a small directory's listing is kept for the run's other lookups.
pub fn entries(dir: &Path) -> std::io::Result<Vec<(OsString, Kind)>> {
    let mut all = match listing(dir) {
        Some(l) => l.iter().map(|(n, k)| (n.clone(), *k)).collect(),
        None => read_entries(dir, usize::MAX)?,
    };
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

/// Whether `dir` has an entry `name` (any entry, a dangling link too).
pub fn has(dir: &Path, name: &str) -> bool {
    match listing(dir) {
        Some(names) => names.contains_key(std::ffi::OsStr::new(name)),
        None => dir.join(name).symlink_metadata().is_ok(),
    }
}

/// Whether `path` exists, a link followed: from the listing of its
/// directory when that settles it, otherwise from the system.
pub fn exists(path: &Path) -> bool {
    match lookup(path) {
        Lookup::Is(Kind::File | Kind::Dir | Kind::Other) => true,
        Lookup::Missing => false,
        Lookup::Is(Kind::Link) | Lookup::Unknown => path.exists(),
    }
}

/// Whether the entry of `path` may exist: `false` only when its directory
/// was listed and does not hold the name (then no `stat` is needed).
pub fn may_exist(path: &Path) -> bool {
    !matches!(lookup(path), Lookup::Missing)
}

/// What a listing says of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Its directory was listed, without it.
    Missing,
    /// Its directory was listed: it is there, of this kind.
    Is(Kind),
    /// Its directory could not be listed: ask the file itself.
    Unknown,
}

/// What the listing of `path`'s directory says of it.
pub fn lookup(path: &Path) -> Lookup {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => match listing(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            Some(names) => names.get(name).map_or(Lookup::Missing, |k| Lookup::Is(*k)),
            None => Lookup::Unknown,
        },
        _ => Lookup::Unknown,
    }
}

/// `path`'s real path. When the listings show that no component of its
/// absolute path is a symbolic link, that path is it, with no system call
/// (and a name missing from a real directory is not found); otherwise the
/// system resolves it (`canonicalize`).
pub fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let abs = absolute(path);
    let plain = abs
        .components()
        .all(|c| !matches!(c, std::path::Component::ParentDir));
    if plain {
        let mut cur = PathBuf::new();
        let mut ok = true;
        for c in abs.components() {
            cur.push(c);
            if matches!(c, std::path::Component::Normal(_)) {
                match lookup(&cur) {
                    Lookup::Is(Kind::File | Kind::Dir | Kind::Other) => {}
                    // every directory above it is real, and lists no such name
                    Lookup::Missing => return Err(std::io::ErrorKind::NotFound.into()),
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if ok {
            return Ok(abs);
        }
    }
    path.canonicalize()
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

    #[test]
    fn absolute_takes_off_a_directory_before_dot_dot_and_resolves_a_link() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("repo/sub")).unwrap();
        std::fs::create_dir_all(root.join("far/away")).unwrap();
        std::os::unix::fs::symlink(root.join("far/away"), root.join("repo/link")).unwrap();
        assert_eq!(absolute(&root.join("repo/sub/../x")), root.join("repo/x"));
        assert_eq!(absolute(&root.join("repo/./sub/..")), root.join("repo"));
        // the parent of a link is its target's parent, as the system has it
        assert_eq!(absolute(&root.join("repo/link/../x")), root.join("far/x"));
        // a link that is not followed by `..` is kept as written
        assert_eq!(
            absolute(&root.join("repo/link/y")),
            root.join("repo/link/y")
        );
        // a directory that is not there is taken off too
        assert_eq!(absolute(&root.join("repo/none/../x")), root.join("repo/x"));
        assert_eq!(absolute(Path::new("/..")), Path::new("/"));
    }
}
