//! Files of the build context that complete the launch chain. Reading is
//! confined to the context directory (no symlink or `..` escapes) and capped
//! per file; nothing is ever executed.

use std::path::{Path, PathBuf};

/// Largest context file read (bytes).
pub const MAX_CONTEXT_FILE: u64 = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Context {
    pub dir: Option<PathBuf>,
    /// Files as they would be after a fix, by real path: read instead of
    /// the disk (a fix is checked on the model rebuilt with them).
    pub overlay: std::sync::Arc<std::collections::HashMap<PathBuf, String>>,
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
        }
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
        if !self.overlay.is_empty()
            && let Ok(real) = crate::read::inside(&dir.join(rel), dir)
            && let Some(text) = self.overlay.get(&real)
        {
            return Some(text.clone());
        }
        crate::read::text_inside(&dir.join(rel), dir, MAX_CONTEXT_FILE).ok()
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
