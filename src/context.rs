//! Files of the build context that complete the launch chain. Reading is
//! confined to the context directory (no symlink or `..` escapes) and capped
//! per file; nothing is ever executed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Largest context file read (bytes).
pub const MAX_CONTEXT_FILE: u64 = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Context {
    pub dir: Option<PathBuf>,
    /// Files as they would be after a fix, by real path: read instead of
    /// the disk (a fix is checked on the model rebuilt with them).
    pub overlay: std::sync::Arc<std::collections::HashMap<PathBuf, String>>,
    /// What was learnt of the disk: each path is looked at once.
    seen: std::sync::Arc<Seen>,
}

/// The context's files as far as they were looked at.
#[derive(Debug, Default)]
struct Seen {
    /// The context directory's real path.
    root: std::sync::OnceLock<Option<PathBuf>>,
    /// Whether a path (relative to the context) is a file, a directory,
    /// or neither.
    kinds: std::sync::Mutex<HashMap<PathBuf, Option<bool>>>,
    /// Files read, by relative path.
    texts: std::sync::Mutex<HashMap<PathBuf, Option<String>>>,
}

/// `package.json` as far as the launch chain needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageJson {
    /// Path relative to the context, for messages.
    pub path: String,
    pub scripts: Vec<(String, String)>,
    pub main: Option<String>,
}

impl PackageJson {
    pub fn script(&self, name: &str) -> Option<&str> {
        self.scripts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.as_str())
    }
}

impl Context {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Context {
            dir,
            overlay: Default::default(),
            seen: Default::default(),
        }
    }

    /// `Some(true)` for a file, `Some(false)` for a directory, `None` when
    /// `rel` (relative to the context) is neither; asked of the disk once.
    fn kind(&self, rel: &Path) -> Option<bool> {
        let dir = self.dir.as_ref()?;
        let mut kinds = self.seen.kinds.lock().unwrap_or_else(|e| e.into_inner());
        *kinds.entry(rel.to_path_buf()).or_insert_with(|| {
            let path = dir.join(rel);
            match crate::dirs::lookup(&path) {
                crate::dirs::Lookup::Missing => return None,
                crate::dirs::Lookup::Is(crate::dirs::Kind::File) => return Some(true),
                crate::dirs::Lookup::Is(crate::dirs::Kind::Dir) => return Some(false),
                _ => {}
            }
            let m = std::fs::metadata(path).ok()?;
            if m.is_file() {
                Some(true)
            } else if m.is_dir() {
                Some(false)
            } else {
                None
            }
        })
    }

    /// Whether `rel` is a file of the context (links followed).
    pub fn is_file(&self, rel: &str) -> bool {
        self.kind(Path::new(rel)) == Some(true)
    }

    /// Whether `rel` is a directory of the context (links followed).
    pub fn is_dir(&self, rel: &str) -> bool {
        self.kind(Path::new(rel)) == Some(false)
    }

    /// The context directory's real path, found once.
    fn root(&self) -> Option<&Path> {
        let dir = self.dir.as_ref()?;
        self.seen
            .root
            .get_or_init(|| crate::dirs::real_path(dir).ok())
            .as_deref()
    }

    /// Read a file inside the context, refusing paths that leave it.
    pub fn read(&self, rel: &str) -> Option<String> {
        let dir = self.dir.as_ref()?;
        let rel = Path::new(rel.trim_start_matches('/'));
        if rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return None;
        }
        let root = self.root()?;
        if !self.overlay.is_empty()
            && let Ok(real) = crate::read::inside_real(&dir.join(rel), dir, root)
            && let Some(text) = self.overlay.get(&real)
        {
            return Some(text.clone());
        }
        let mut texts = self.seen.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts
            .entry(rel.to_path_buf())
            .or_insert_with(|| {
                let real = crate::read::inside_real(&dir.join(rel), dir, root).ok()?;
                crate::read::text(&real, MAX_CONTEXT_FILE).ok()
            })
            .clone()
    }

    /// The `package.json` at the root of the context, if readable and valid.
    pub fn package_json(&self) -> Option<PackageJson> {
        let text = self.read("package.json")?;
        parse_package_json(&text)
    }
}

pub fn parse_package_json(text: &str) -> Option<PackageJson> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let scripts = v
        .get("scripts")
        .and_then(|s| s.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Some(PackageJson {
        path: "package.json".into(),
        scripts,
        main: v.get("main").and_then(|m| m.as_str()).map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scripts_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"main":"a.js","scripts":{"start":"node server.js","n":1}}"#,
        )
        .unwrap();
        let ctx = Context::new(Some(dir.path().to_path_buf()));
        let p = ctx.package_json().unwrap();
        assert_eq!(p.script("start"), Some("node server.js"));
        assert_eq!(p.script("n"), None);
        assert_eq!(p.main.as_deref(), Some("a.js"));
        assert!(ctx.read("../etc/passwd").is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link")).unwrap();
            assert!(ctx.read("link").is_none());
        }
        std::fs::write(dir.path().join("bad.json"), "{").unwrap();
        assert!(parse_package_json("{").is_none());
    }
}
