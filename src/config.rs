//! `.dsig.yaml`: per-repository settings.
//!
//! ```yaml
//! ignore: [DSIG004]                  # codes (or rule names) never reported
//! severity: {DSIG005: info}          # error | warning | info | off
//! fail-level: error                  # error | warning | info | none
//! exclude: ["legacy/**", "*.tmpl.Dockerfile"]
//! init: true                         # the runtime provides an init (docker run --init)
//! shells: {"registry.example.com/base/app": busybox}   # busybox | dash | bash | none
//! ```
//!
//! The file is found by walking up from each linted file's directory to the
//! repository root (the first directory holding `.git`) or the filesystem
//! root; the nearest one applies, whole (files are not merged). Every error —
//! an unknown key, a wrong type, an unknown rule code, a bad glob — names the
//! file, line and column.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::diagnostic::Severity;
use crate::model::base_images::ShellKind;
use crate::read;
use crate::yaml::{depth, position};

/// Names of the configuration file, looked for in this order in each directory.
pub const FILE_NAMES: &[&str] = &[".dsig.yaml", ".dsig.yml"];

/// Largest configuration file read (bytes).
pub const MAX_CONFIG: u64 = 1024 * 1024;

/// The level at or above which a finding makes `dsig lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailLevel {
    Error,
    Warning,
    Info,
    None,
}

impl FailLevel {
    /// The lowest failing severity; `None` never fails.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailLevel::Error => Some(Severity::Error),
            FailLevel::Warning => Some(Severity::Warning),
            FailLevel::Info => Some(Severity::Info),
            FailLevel::None => None,
        }
    }
}

/// A severity override: a severity, or `off` (the same as `ignore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// A rule code, checked against the rules while the file is read (written
/// as its code in any case, or as its name).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub crate::code::RuleCode);

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Checked inside the visitor, so the error carries the value's position.
        d.deserialize_str(Checked("a rule code such as DSIG001", |s| {
            crate::rules::find(s.trim())
                .map(|r| Code(r.code))
                .ok_or_else(|| format!("unknown rule {s:?} (see `dsig rules`)"))
        }))
    }
}

/// A string visitor that checks and converts the string.
struct Checked<T>(&'static str, fn(&str) -> Result<T, String>);

impl<T> de::Visitor<'_> for Checked<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).map_err(E::custom)
    }
}

/// A glob of `exclude:`, checked while the file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(pub String);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Checked("a glob", |s| {
            glob(s)?;
            Ok(Pattern(s.to_string()))
        }))
    }
}

/// The globs of one key compiled into one matcher; `Err` says which key's
/// patterns are too large together, then `advice`.
fn glob_set(patterns: &[Pattern], key: &str, advice: &str) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(glob(&p.0)?);
    }
    b.build().map_err(|e| {
        format!(
            "the {} {key} patterns are too large together for the matcher ({}){advice}",
            patterns.len(),
            read::message(&e.to_string())
        )
    })
}

fn glob(pattern: &str) -> Result<globset::Glob, String> {
    let p = pattern.trim_start_matches("./");
    let p = p.strip_suffix('/').unwrap_or(p);
    if p.is_empty() {
        return Err(format!("empty exclude pattern {pattern:?}"));
    }
    GlobBuilder::new(p)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid exclude pattern {pattern:?}: {}", e.kind()))
}

/// The contents of a `.dsig.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Codes never reported.
    #[serde(default)]
    pub ignore: Vec<Code>,
    /// Per-code severity (or `off`).
    #[serde(default, deserialize_with = "unique_keys")]
    pub severity: BTreeMap<Code, Level>,
    #[serde(default)]
    pub fail_level: Option<FailLevel>,
    /// Globs, relative to the directory holding the file.
    #[serde(default)]
    pub exclude: Vec<Pattern>,
    /// The container runtime provides an init (`docker run --init`, compose
    /// `init: true`). Not applied to manifests, which say it themselves
    /// (ECS `initProcessEnabled`; Kubernetes starts none).
    #[serde(default)]
    pub init: bool,
    /// `/bin/sh` of base images dsig does not know.
    #[serde(default, deserialize_with = "unique_keys")]
    pub shells: BTreeMap<String, ShellKind>,
    /// Image names (a tag or digest is ignored) and the Dockerfiles that
    /// build them, relative to the directory holding the file: manifests
    /// that run such an image are judged with its Dockerfile.
    #[serde(default, deserialize_with = "unique_keys")]
    pub images: BTreeMap<String, String>,
    /// Globs, relative to the directory holding the file, of the YAML and
    /// JSON files that are manifests: directories given to `dsig lint`
    /// take them too.
    #[serde(default)]
    pub manifests: Vec<Pattern>,
}

/// A map in which a key given twice is an error (serde keeps the last one).
fn unique_keys<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Debug,
    V: Deserialize<'de>,
{
    struct Unique<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> de::Visitor<'de> for Unique<K, V>
    where
        K: Deserialize<'de> + Ord + fmt::Debug,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<K, V>()? {
                if out.contains_key(&k) {
                    return Err(de::Error::custom(format!("{k:?} is given twice")));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(std::marker::PhantomData))
}

/// A configuration error: `path:line:column: message`, or `path: message`
/// for a file that could not be read (`line` 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the file could not be read.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // a file that could not be read has no position to point at
        if self.line == 0 {
            return write!(f, "{}: {}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Parse configuration text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    // A byte order mark is not a column an editor shows.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // An empty file (or one of comments only) is an empty configuration.
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return Ok(Config::default());
    }
    if let Err((line, column)) = depth::check(text) {
        return Err(ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: depth::message(),
        });
    }
    yaml_serde::from_str::<Config>(text).map_err(|e| {
        let (line, column) = position::of_error(&e).unwrap_or((1, 1));
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            // one line, always, quoting at most a short excerpt of the file
            message: read::message(&position::strip_marks(&e.to_string())),
        }
    })
}

/// A configuration file, read and ready to apply.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// Its directory, absolute: `exclude` globs are relative to it.
    pub dir: PathBuf,
    pub config: Config,
    exclude: GlobSet,
    manifests: GlobSet,
}

impl Loaded {
    /// `Err` when the `exclude` or the `manifests` globs cannot be compiled
    /// together (each one is checked as it is read; together they may
    /// exceed the matcher's size limit).
    pub fn new(path: PathBuf, config: Config) -> Result<Loaded, String> {
        let dir = path
            .parent()
            .map(absolute)
            .unwrap_or_else(|| absolute(Path::new(".")));
        let exclude = glob_set(&config.exclude, "exclude", ": use fewer or simpler ones")?;
        let manifests = glob_set(&config.manifests, "manifests", "")?;
        Ok(Loaded {
            path,
            dir,
            config,
            exclude,
            manifests,
        })
    }

    /// Whether `path` (a file) is a manifest: some `manifests:` glob
    /// matches its path relative to the configuration's directory.
    pub fn is_manifest(&self, path: &Path) -> bool {
        if self.manifests.is_empty() {
            return false;
        }
        let abs = absolute(path);
        abs.strip_prefix(&self.dir).is_ok_and(|rel| {
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            self.manifests.is_match(rel.join("/"))
        })
    }

    /// The Dockerfiles of `images:`, each with the path it names.
    pub fn images(&self) -> Vec<(String, PathBuf)> {
        self.config
            .images
            .iter()
            .map(|(k, v)| (k.clone(), self.dir.join(v)))
            .collect()
    }

    /// Whether `path` (a file) is excluded: some glob matches its path
    /// relative to the configuration's directory, or one of that path's
    /// parent directories.
    pub fn excludes(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let abs = absolute(path);
        let Ok(rel) = abs.strip_prefix(&self.dir) else {
            return false;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (1..=parts.len()).any(|n| self.exclude.is_match(parts[..n].join("/")))
    }
}

/// Read one configuration file named by the user (`--config`): followed
/// wherever it leads, but a regular file of at most [`MAX_CONFIG`] bytes.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    load_confined(path, None)
}

/// Read a configuration file; with `root`, its real path must lie inside
/// that directory (a discovered `.dsig.yaml` that is a link to a file
/// elsewhere, such as a key in the home directory, is not read).
fn load_confined(path: &Path, root: Option<&Path>) -> Result<Loaded, ConfigError> {
    let err = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message,
    };
    let text = match root {
        Some(r) => read::text_inside(path, r, MAX_CONFIG),
        None => read::text(path, MAX_CONFIG),
    }
    .map_err(|e| ConfigError {
        line: 0,
        column: 0,
        ..err(e.to_string())
    })?;
    let config = parse(path, &text)?;
    Loaded::new(path.to_path_buf(), config).map_err(err)
}

/// `path` made absolute against the current directory, without resolving
/// symbolic links (so paths compare as the user wrote them).
pub fn absolute(path: &Path) -> PathBuf {
    crate::dirs::absolute(path)
}

/// The repository root of a directory: the nearest ancestor (itself
/// included) that holds `.git` (a directory, or a file in a worktree).
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    let dir = absolute(dir);
    dir.ancestors()
        .find(|d| crate::dirs::exists(&d.join(".git")))
        .map(Path::to_path_buf)
}

/// Where configuration comes from.
#[derive(Debug)]
pub enum Source {
    /// `--no-config`.
    None,
    /// `--config FILE`: one file for every input.
    File(Arc<Loaded>),
    /// Search from each file's directory up to the repository root.
    Discover(Discovery),
}

/// Finds the configuration of each directory, reading each file once.
#[derive(Debug, Default)]
pub struct Discovery {
    by_dir: HashMap<PathBuf, Option<Arc<Loaded>>>,
    files: HashMap<PathBuf, Arc<Loaded>>,
    /// Errors met so far, one per broken file.
    pub errors: Vec<ConfigError>,
}

impl Discovery {
    /// The configuration that applies to files in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Option<Arc<Loaded>> {
        let dir = absolute(dir);
        if let Some(c) = self.by_dir.get(&dir) {
            return c.clone();
        }
        let found = self.search(&dir);
        self.by_dir.insert(dir, found.clone());
        found
    }

    /// The configuration in `dir`, or else its parent's (asked through
    /// [`Discovery::for_dir`], so each directory above is searched once),
    /// up to the repository root.
    fn search(&mut self, dir: &Path) -> Option<Arc<Loaded>> {
        for name in FILE_NAMES {
            // any entry, even a dangling link: a broken file is reported
            if crate::dirs::has(dir, name) {
                // inside the repository; outside any repository, inside the
                // directory where it was found
                let confine = repo_root(dir).unwrap_or_else(|| dir.to_path_buf());
                return self.read(dir.join(name), &confine);
            }
        }
        if crate::dirs::exists(&dir.join(".git")) {
            return None;
        }
        dir.parent().and_then(|p| self.for_dir(p))
    }

    fn read(&mut self, path: PathBuf, root: &Path) -> Option<Arc<Loaded>> {
        if let Some(l) = self.files.get(&path) {
            return Some(l.clone());
        }
        match load_confined(&path, Some(root)) {
            Ok(l) => {
                let l = Arc::new(l);
                self.files.insert(path, l.clone());
                Some(l)
            }
            Err(e) => {
                if !self.errors.contains(&e) {
                    self.errors.push(e);
                }
                None
            }
        }
    }
}

impl Source {
    /// The configuration that applies to a file in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Option<Arc<Loaded>> {
        match self {
            Source::None => None,
            Source::File(l) => Some(l.clone()),
            Source::Discover(d) => d.for_dir(dir),
        }
    }

    /// Configuration files that could not be read.
    pub fn errors(&self) -> &[ConfigError] {
        match self {
            Source::Discover(d) => &d.errors,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Config, String> {
        parse(Path::new(".dsig.yaml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn full_config() {
        let c = p("ignore: [DSIG004, shell-form-entrypoint]\n\
             severity:\n  DSIG005: info\n  dsig001: off\n\
             fail-level: error\n\
             exclude: [\"legacy/**\", vendor]\n\
             init: true\n\
             shells: {\"registry.example.com/base/app\": busybox}\n")
        .unwrap();
        assert_eq!(
            c.ignore,
            [
                Code(crate::code::RuleCode::Dsig004),
                Code(crate::code::RuleCode::Dsig002)
            ]
        );
        assert_eq!(
            c.severity[&Code(crate::code::RuleCode::Dsig005)],
            Level::Info
        );
        assert_eq!(
            c.severity[&Code(crate::code::RuleCode::Dsig001)],
            Level::Off
        );
        assert_eq!(c.fail_level, Some(FailLevel::Error));
        assert!(c.init);
        assert_eq!(
            c.shells["registry.example.com/base/app"],
            ShellKind::Busybox
        );
    }

    #[test]
    fn empty_and_comment_only_files_are_empty_configs() {
        assert_eq!(p("").unwrap(), Config::default());
        assert_eq!(p("# nothing yet\n\n").unwrap(), Config::default());
        assert_eq!(p("{}\n").unwrap(), Config::default());
    }

    #[test]
    fn errors_name_line_and_column() {
        let cases = [
            (
                "ignore: [DSIG001]\nfail_level: error\n",
                ".dsig.yaml:2:1: unknown field `fail_level`",
            ),
            ("init: yes please\n", ".dsig.yaml:1:7: init: invalid type"),
            (
                "severity:\n  DSIG005: loud\n",
                ".dsig.yaml:2:12: severity.DSIG005: unknown variant `loud`, expected one of `error`, `warning`, `info`, `off`",
            ),
            (
                "ignore: [DSIG001, DSIG777]\n",
                ".dsig.yaml:1:19: ignore[1]: unknown rule \"DSIG777\"",
            ),
            (
                "exclude: [\"a/[\"]\n",
                ".dsig.yaml:1:11: exclude[0]: invalid exclude pattern",
            ),
            (
                "shells: {\"x\": zsh}\n",
                ".dsig.yaml:1:15: shells.x: unknown variant `zsh`",
            ),
            (
                "ignore: [DSIG001\n",
                ".dsig.yaml:2:1: did not find expected ',' or ']'",
            ),
            (
                "- a\n- b\n",
                ".dsig.yaml:1:1: invalid type: sequence, expected struct Config",
            ),
            (
                "fail-level: warning\nfail-level: error\n",
                ".dsig.yaml:1:1: duplicate field `fail-level`",
            ),
            (
                "severity: {DSIG005: info, dsig005: error}\n",
                ".dsig.yaml:1:11: severity: DSIG005 is given twice",
            ),
        ];
        for (text, want) in cases {
            let got = p(text).unwrap_err();
            assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
            assert_eq!(got.lines().count(), 1, "{got}");
            assert!(!got.contains(" at line "), "{got}");
        }
    }

    #[test]
    fn hostile_yaml_is_an_error_not_a_panic() {
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
             c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
             e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
             ignore: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let deep = format!("ignore: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let texts = [
            laughs,
            &deep,
            "ignore: &x [*x]\n",
            "ignore: *nope\n",
            "? [a, b]\n: c\n",
            "ignore: [!!binary aGVsbG8=]\n",
            "init: !!str true\n",
            "severity: {[DSIG001]: info}\n",
            "shells: {x: !custom busybox}\n",
            "--- \ninit: true\n--- \ninit: false\n",
            "\u{0}",
            "init: true\r\nfail-level: info\r\n",
            "exclude: [\"**/**/**/[a-\"]\n",
            "ignore: [\"\\uD800\"]\n",
        ];
        for t in texts {
            let r = std::panic::catch_unwind(|| p(t));
            let r = r.unwrap_or_else(|_| panic!("panic on {t:?}"));
            if let Err(e) = r {
                assert_eq!(e.lines().count(), 1, "{e}");
                assert!(e.starts_with(".dsig.yaml:"), "{e}");
            }
        }
        // CRLF files work
        assert_eq!(
            p("init: true\r\nfail-level: info\r\n").unwrap().fail_level,
            Some(FailLevel::Info)
        );
    }

    #[test]
    fn exclude_matches_paths_and_their_directories() {
        let dir = tempfile::tempdir().unwrap();
        let cfg =
            p("exclude: [\"legacy/**\", vendor, \"*.tmpl.Dockerfile\", \"./build/\"]\n").unwrap();
        let l = Loaded::new(dir.path().join(".dsig.yaml"), cfg).unwrap();
        let ex = |rel: &str| l.excludes(&dir.path().join(rel));
        assert!(ex("legacy/Dockerfile"));
        assert!(ex("legacy/a/b/Dockerfile"));
        assert!(ex("vendor/x/Dockerfile"));
        assert!(ex("api.tmpl.Dockerfile"));
        assert!(ex("build/Dockerfile"));
        assert!(!ex("sub/api.tmpl.Dockerfile"), "* does not cross /");
        assert!(!ex("app/Dockerfile"));
        assert!(!ex("legacyx/Dockerfile"));
        assert!(!l.excludes(Path::new("/elsewhere/legacy/Dockerfile")));
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".dsig.yaml"), "init: true\n").unwrap();
        let repo = root.join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("a/b")).unwrap();
        let mut d = Discovery::default();
        assert!(d.for_dir(&repo.join("a/b")).is_none(), "outside the repo");
        std::fs::write(repo.join("a/.dsig.yml"), "fail-level: info\n").unwrap();
        let mut d = Discovery::default();
        let c = d.for_dir(&repo.join("a/b")).unwrap();
        assert_eq!(c.config.fail_level, Some(FailLevel::Info));
        // outside any repository: up to the filesystem root
        std::fs::create_dir_all(root.join("x/y")).unwrap();
        assert!(d.for_dir(&root.join("x/y")).unwrap().config.init);
        assert_eq!(repo_root(&repo.join("a/b")), Some(repo.clone()));
    }

    #[test]
    fn a_broken_file_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join(".dsig.yaml"), "nope: 1\n").unwrap();
        let mut d = Discovery::default();
        assert!(d.for_dir(dir.path()).is_none());
        assert!(d.for_dir(&dir.path().join("a")).is_none());
        assert_eq!(d.errors.len(), 1);
        assert!(
            d.errors[0]
                .to_string()
                .contains(".dsig.yaml:1:1: unknown field `nope`")
        );
    }
}
