//! What an official base image contributes at `docker run`.
//!
//! Given an image reference as written after `FROM`, this module says which
//! `/bin/sh` the image ships (it decides whether a shell-form command is
//! replaced by its last command or stays PID 1), the image's ENTRYPOINT, CMD
//! and STOPSIGNAL, whether its entrypoint script ends with `exec "$@"`, and
//! whether an init is built in.
//!
//! The facts live in `base_images.tsv` next to this file, embedded at build
//! time and parsed once on first use. Each row cites the upstream file and
//! commit it was read from; the `note` column keeps caveats visible
//! (unverified conventions, values that vary, inherited settings).
//!
//! Lookup order for a reference:
//! 1. an image named in the table (Docker Hub prefixes `docker.io/`,
//!    `index.docker.io/` and `library/` are ignored): the tag picks the
//!    variant row;
//! 2. otherwise a family guess ([`Lookup::Family`]): `gcr.io/distroless/*` has
//!    no shell; an image on another registry or namespace named like a table
//!    image is assumed to share its `/bin/sh`; a tag containing `alpine` means
//!    busybox; Red Hat family names mean bash;
//! 3. otherwise [`Lookup::Unknown`].
//!
//! Tags may hold unresolved build variables (`node:${NODE_VERSION}-alpine`).
//! The variant is then matched on the visible text. When the variable may
//! hide the variant, the result is `Known` only if every candidate variant
//! has the same launch facts, `Family` if they at least share a shell, and
//! `Unknown` otherwise. A reference pinned only by digest (`node@sha256:…`)
//! names no tag and is treated the same way.

use std::sync::OnceLock;

/// The embedded table.
const DATA: &str = include_str!("base_images.tsv");

/// Column names of the table, in order.
const HEADER: [&str; 12] = [
    "names",
    "variant",
    "match",
    "distro",
    "shell",
    "entrypoint",
    "cmd",
    "stopsignal",
    "execs",
    "init",
    "source",
    "note",
];

/// Values accepted in the `distro` column.
const DISTROS: [&str; 10] = [
    "alpine",
    "debian",
    "debian-slim",
    "ubuntu",
    "oraclelinux",
    "ubi",
    "busybox",
    "scratch",
    "distroless",
    "windows",
];

/// Registries that mean Docker Hub.
const HUB_REGISTRIES: [&str; 4] = [
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

/// Name fragments of Red Hat family images, where `/bin/sh` is bash.
const RHEL_NAMES: [&str; 6] = [
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
];

const REASON_ALPINE_TAG: &str = "the tag names an Alpine variant, so /bin/sh is busybox ash";
const REASON_DEBIAN_TAG: &str = "the tag names a Debian or Ubuntu release, so /bin/sh is dash (convention, not verified per image)";
const REASON_OLD_OPENJDK: &str = "openjdk 8 and 11 tags were built on Debian (buildpack-deps), so /bin/sh is dash (not in the measured table)";

/// Release names of Debian and Ubuntu that image tags carry.
const DEBIAN_CODENAMES: &[&str] = &[
    "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie", "sid", "focal", "jammy",
    "noble", "bionic", "xenial", "trusty", "plucky", "oracular",
];

/// Whether a tag names a Debian or Ubuntu release: a codename, or
/// `debian12`, `ubuntu22.04`-style tokens.
fn debian_tag(tag: &Tag) -> bool {
    tag.segs.iter().any(|s| match s {
        Seg::Lit(l) => l.split(['-', '_', '.']).any(|t| {
            DEBIAN_CODENAMES.contains(&t)
                || ["debian", "ubuntu"].iter().any(|d| {
                    t.strip_prefix(d)
                        .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                })
        }),
        Seg::Var => false,
    })
}
const REASON_DISTROLESS: &str = "distroless images contain no /bin/sh";
const REASON_RHEL: &str =
    "a Red Hat family image, where /bin/sh is bash (convention, not verified per image)";
const REASON_MIRROR: &str =
    "not the official image but named like one in the base-image table; assuming its /bin/sh";
const REASON_SAME_SHELL: &str =
    "the tag does not say which variant, but every candidate variant has the same /bin/sh";
const REASON_VARIANTS_DIFFER: &str =
    "the tag does not say which variant, and the candidate variants differ in /bin/sh";
const REASON_NOT_IN_TABLE: &str =
    "not in the base-image table, and its name does not say which distribution it is";
const REASON_UNPARSABLE: &str = "the image name is not spelled out (empty or a variable)";
const REASON_TABLE_BROKEN: &str = "the base-image table failed to load";

/// What `/bin/sh` is in an image (the one shell enum, kept with the shell
/// analysis).
pub use crate::shell::ShellKind;

/// One variant of an image, as published.
///
/// `entrypoint` and `cmd` are the effective values of the published image,
/// inherited ones included. `None` means the image has none; when the source
/// did not establish a value it is also `None` and `note` says so.
#[derive(Debug, Clone)]
pub struct BaseImage {
    /// Family label, e.g. "node" or "gcr.io/distroless/static".
    pub image: &'static str,
    /// Variant label, e.g. "alpine", "slim", "default".
    pub variant: &'static str,
    /// What `/bin/sh` is.
    pub shell: ShellKind,
    /// None = the image sets none; `Some(vec![])` = explicitly empty.
    pub entrypoint: Option<Vec<String>>,
    /// None = the image sets none; `Some(vec![])` = explicitly empty.
    pub cmd: Option<Vec<String>>,
    /// STOPSIGNAL, e.g. `Some("SIGQUIT")` for nginx; None = runtime default.
    pub stopsignal: Option<String>,
    /// Does the entrypoint script end by exec'ing `"$@"`; None = not applicable.
    pub entrypoint_execs: Option<bool>,
    /// An init started by the ENTRYPOINT (or its script), e.g. "tini".
    pub init: Option<String>,
    /// Citation: "repository path@commit-prefix".
    pub source: &'static str,
    /// Base distribution: alpine, debian, debian-slim, ubuntu, oraclelinux,
    /// ubi, busybox, scratch, distroless or windows.
    pub distro: &'static str,
    /// Caveats: unverified facts, values that vary, inheritance. Empty if none.
    pub note: &'static str,
}

/// What we know about the image an image reference names.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// The reference resolves to one row of the table.
    Known(&'static BaseImage),
    /// Only the shell is known, from the image's family.
    Family {
        shell: ShellKind,
        reason: &'static str,
    },
    /// Nothing is known.
    Unknown,
}

/// What we know about the image an image reference names.
pub fn lookup(image_ref: &str) -> Lookup {
    match resolve(image_ref) {
        Resolved::Known(row) => Lookup::Known(&row.info),
        Resolved::Family(shell, reason) => Lookup::Family { shell, reason },
        Resolved::Unknown(_) => Lookup::Unknown,
    }
}

/// Just the /bin/sh of the image, with a short human reason
/// ("node:20-alpine is Alpine-based: /bin/sh is busybox ash").
pub fn shell_of(image_ref: &str) -> (ShellKind, String) {
    let shown = first_word(image_ref);
    match resolve(image_ref) {
        Resolved::Known(row) => {
            let b = &row.info;
            let what = match b.shell {
                ShellKind::None => "there is no /bin/sh".to_string(),
                shell => format!("/bin/sh is {}", shell.display()),
            };
            (
                b.shell,
                format!("{shown} is {}: {what}", distro_phrase(b.distro)),
            )
        }
        Resolved::Family(shell, reason) => (shell, format!("{shown}: {reason}")),
        Resolved::Unknown(reason) => (ShellKind::Unknown, format!("{shown}: {reason}")),
    }
}

fn distro_phrase(distro: &str) -> &'static str {
    match distro {
        "alpine" => "Alpine-based",
        "debian" | "debian-slim" => "Debian-based",
        "ubuntu" => "Ubuntu-based",
        "oraclelinux" => "Oracle Linux-based",
        "ubi" => "Red Hat UBI-based",
        "busybox" => "the BusyBox image",
        "scratch" => "the empty scratch image",
        "distroless" => "distroless",
        "windows" => "a Windows image",
        _ => "an image of unknown distribution",
    }
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

// ---------------------------------------------------------------------------
// Resolution

enum Resolved {
    Known(&'static Row),
    Family(ShellKind, &'static str),
    Unknown(&'static str),
}

fn resolve(image_ref: &str) -> Resolved {
    let table = match table() {
        Ok(rows) => rows.as_slice(),
        Err(_) => return Resolved::Unknown(REASON_TABLE_BROKEN),
    };
    let Some(r) = parse_ref(image_ref) else {
        return Resolved::Unknown(REASON_UNPARSABLE);
    };

    // 0. openjdk 8 and 11: older than the table's rows (27, 28), Debian
    if r.full_name().as_deref() == Some("openjdk")
        && let Some(t) = r.tag.concrete()
        && let Some(major) = t.split(|c: char| !c.is_ascii_digit()).next()
        && matches!(major, "7" | "8" | "9" | "10" | "11")
        && !t.contains("alpine")
        && !t.contains("windows")
        && !t.contains("nanoserver")
    {
        return Resolved::Family(ShellKind::Dash, REASON_OLD_OPENJDK);
    }

    // 1. The image itself is in the table.
    if let Some(name) = r.full_name() {
        let rows = rows_named(table, &name);
        if !rows.is_empty() {
            return resolve_variant(&rows, &r.tag);
        }
        if name.starts_with("gcr.io/distroless/") {
            return Resolved::Family(ShellKind::None, REASON_DISTROLESS);
        }
    }

    // 2. Named like an official image, on another registry (a mirror). Another
    //    namespace on Docker Hub (`mycorp/node`) is a different image: unknown.
    if let Some(path) = r.path.as_ref().filter(|_| !r.is_hub()) {
        let segments: Vec<&str> = path.split('/').collect();
        for take in [2, 1] {
            if segments.len() < take || (take == segments.len() && r.is_hub()) {
                // A Hub path of this length was already looked up exactly.
                continue;
            }
            // `registry/node` and `registry/library/node` mirror the official
            // image; `cgr.dev/chainguard/node` is another image of that name
            if take == 1 && segments.len() > 1 {
                let (ns, name) = (segments[segments.len() - 2], segments[segments.len() - 1]);
                // `library/` (Docker's own), the publisher's own namespace
                // (`public.ecr.aws/ubuntu/ubuntu`, `ghcr.io/oracle/oraclelinux`)
                let official =
                    ns == "library" || ns == name || (ns, name) == ("oracle", "oraclelinux");
                if !official {
                    continue;
                }
            }
            let suffix = segments[segments.len() - take..].join("/");
            let rows: Vec<&'static Row> = rows_named(table, &suffix)
                .into_iter()
                .filter(|row| !row.info.image.starts_with("gcr.io/"))
                .collect();
            if rows.is_empty() {
                continue;
            }
            match resolve_variant(&rows, &r.tag) {
                Resolved::Known(row) => return Resolved::Family(row.info.shell, REASON_MIRROR),
                Resolved::Family(shell, _) => return Resolved::Family(shell, REASON_MIRROR),
                Resolved::Unknown(_) => break,
            }
        }
    }

    // 3. The tag says Alpine.
    if r.tag.visible_contains("alpine") {
        return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
    }

    // 4. The tag names a Debian or Ubuntu release.
    if debian_tag(&r.tag) {
        return Resolved::Family(ShellKind::Dash, REASON_DEBIAN_TAG);
    }

    // 5. Red Hat family names.
    if let Some(path) = &r.path {
        let rhel = RHEL_NAMES.iter().any(|n| path.contains(n))
            || path
                .split(['/', '-', '_', '.'])
                .any(|token| token.starts_with("ubi"));
        if rhel {
            return Resolved::Family(ShellKind::Bash, REASON_RHEL);
        }
    }

    if r.path.is_none() {
        return Resolved::Unknown(REASON_UNPARSABLE);
    }
    Resolved::Unknown(REASON_NOT_IN_TABLE)
}

/// The rows of the table that carry `name`, in table order. An index built
/// on first use replaces a scan of the whole table per lookup.
fn rows_named(table: &'static [Row], name: &str) -> Vec<&'static Row> {
    type Index = std::collections::HashMap<&'static str, Vec<&'static Row>>;
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m = Index::new();
        for row in table {
            for &n in &row.names {
                let rows = m.entry(n).or_default();
                if !rows.iter().any(|r| std::ptr::eq(*r, row)) {
                    rows.push(row);
                }
            }
        }
        m
    });
    index.get(name).cloned().unwrap_or_default()
}

/// Pick the variant row of one image (its rows in table order) for a tag.
fn resolve_variant(rows: &[&'static Row], tag: &Tag) -> Resolved {
    if let Some(t) = tag.concrete() {
        for &row in rows {
            match row.matcher.hit_concrete(&t) {
                Some(Hit::Positive) => return Resolved::Known(row),
                Some(Hit::Fallback) => {
                    // An Alpine tag the table does not list for this image.
                    if t.contains("alpine") && row.info.shell != ShellKind::Busybox {
                        return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
                    }
                    return Resolved::Known(row);
                }
                None => {}
            }
        }
        // Unreachable for a validated table: the last row of an image matches any tag.
        return Resolved::Unknown(REASON_NOT_IN_TABLE);
    }

    // The tag holds unresolved variables (or is absent behind a digest).
    let hit = rows.iter().position(|row| row.matcher.hit_visible(tag));
    let (candidates, preferred) = match hit {
        // The visible suffix names the variant.
        Some(i) if !tag.ends_with_var() => return Resolved::Known(rows[i]),
        // A trailing variable may still add a marker of an earlier row.
        Some(i) => (&rows[..=i], rows[i]),
        None => {
            if tag.visible_contains("alpine") {
                return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
            }
            let fallback = rows
                .iter()
                .copied()
                .find(|row| row.matcher.has_fallback())
                .unwrap_or(rows[rows.len() - 1]);
            (rows, fallback)
        }
    };
    if candidates.iter().all(|row| row.same_facts(preferred)) {
        return Resolved::Known(preferred);
    }
    let shell = candidates[0].info.shell;
    if candidates.iter().all(|row| row.info.shell == shell) {
        return Resolved::Family(shell, REASON_SAME_SHELL);
    }
    Resolved::Unknown(REASON_VARIANTS_DIFFER)
}

// ---------------------------------------------------------------------------
// Image references

/// One character of a reference, or an unresolved variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ch(char),
    Var,
}

/// Split a reference into literal characters and variables (`$NAME`,
/// `${NAME}`, `${NAME:-default}` and other brace forms).
fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if next == '{' {
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < chars.len() {
                    match chars[j] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                out.push(Tok::Var);
                i = j + 1;
                continue;
            }
            if next.is_ascii_alphabetic() || next == '_' {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                out.push(Tok::Var);
                i = j;
                continue;
            }
        }
        out.push(Tok::Ch(c));
        i += 1;
    }
    out
}

fn find_lit(toks: &[Tok], c: char) -> Option<usize> {
    toks.iter().position(|t| *t == Tok::Ch(c))
}

fn has_var(toks: &[Tok]) -> bool {
    toks.contains(&Tok::Var)
}

/// The literal text of tokens (lower case), or None if a variable is among them.
fn literal(toks: &[Tok]) -> Option<String> {
    toks.iter()
        .map(|t| match t {
            Tok::Ch(c) => Some(c.to_ascii_lowercase()),
            Tok::Var => None,
        })
        .collect()
}

/// A tag as a sequence of literal pieces and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Var,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    segs: Vec<Seg>,
}

impl Tag {
    fn from_toks(toks: &[Tok]) -> Tag {
        let mut segs = Vec::new();
        let mut cur = String::new();
        for t in toks {
            match t {
                Tok::Ch(c) => cur.push(c.to_ascii_lowercase()),
                Tok::Var => {
                    if !cur.is_empty() {
                        segs.push(Seg::Lit(std::mem::take(&mut cur)));
                    }
                    if segs.last() != Some(&Seg::Var) {
                        segs.push(Seg::Var);
                    }
                }
            }
        }
        if !cur.is_empty() {
            segs.push(Seg::Lit(cur));
        }
        Tag { segs }
    }

    fn literal(s: &str) -> Tag {
        Tag {
            segs: vec![Seg::Lit(s.to_string())],
        }
    }

    /// A tag nothing is known about (a reference pinned only by digest).
    fn hidden() -> Tag {
        Tag {
            segs: vec![Seg::Var],
        }
    }

    fn concrete(&self) -> Option<String> {
        let mut s = String::new();
        for seg in &self.segs {
            match seg {
                Seg::Lit(l) => s.push_str(l),
                Seg::Var => return None,
            }
        }
        Some(s)
    }

    fn ends_with_var(&self) -> bool {
        matches!(self.segs.last(), Some(Seg::Var))
    }

    fn visible_contains(&self, needle: &str) -> bool {
        self.segs
            .iter()
            .any(|s| matches!(s, Seg::Lit(l) if l.contains(needle)))
    }

    fn visible_starts_with(&self, prefix: &str) -> bool {
        matches!(self.segs.first(), Some(Seg::Lit(l)) if l.starts_with(prefix))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageRef {
    /// Registry host (lower case); None = Docker Hub implied. "$" if it is a variable.
    registry: Option<String>,
    /// Repository path without registry (lower case, `library/` removed on
    /// Docker Hub); None if it contains a variable.
    path: Option<String>,
    tag: Tag,
}

impl ImageRef {
    fn is_hub(&self) -> bool {
        match &self.registry {
            None => true,
            Some(r) => HUB_REGISTRIES.contains(&r.as_str()),
        }
    }

    /// Name used to look the image up in the table.
    fn full_name(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        if self.is_hub() {
            return Some(path.clone());
        }
        let registry = self.registry.as_ref()?;
        if registry.contains('$') {
            return None;
        }
        Some(format!("{registry}/{path}"))
    }
}

/// Parse an image reference: `[registry[:port]/]path[:tag][@digest]`.
fn parse_ref(image_ref: &str) -> Option<ImageRef> {
    let mut toks = tokenize(image_ref.trim());
    if let Some(ws) = toks
        .iter()
        .position(|t| matches!(t, Tok::Ch(c) if c.is_whitespace()))
    {
        toks.truncate(ws);
    }
    if toks.is_empty() {
        return None;
    }
    let (name_toks, has_digest) = match find_lit(&toks, '@') {
        Some(at) => (&toks[..at], true),
        None => (&toks[..], false),
    };

    // A first component with '.', ':' or a variable, or "localhost", is a registry.
    let mut registry = None;
    let mut rest = name_toks;
    if let Some(slash) = find_lit(name_toks, '/') {
        let first = &name_toks[..slash];
        match literal(first) {
            Some(host) if host.contains('.') || host.contains(':') || host == "localhost" => {
                registry = Some(host);
                rest = &name_toks[slash + 1..];
            }
            None => {
                registry = Some("$".to_string());
                rest = &name_toks[slash + 1..];
            }
            Some(_) => {}
        }
    }

    let (path_toks, tag_toks) = match find_lit(rest, ':') {
        Some(colon) => (&rest[..colon], Some(&rest[colon + 1..])),
        None => (rest, None),
    };
    if path_toks.is_empty() {
        return None;
    }
    let mut path = if has_var(path_toks) {
        None
    } else {
        literal(path_toks)
    };

    let tag = match tag_toks {
        Some(t) if !t.is_empty() => Tag::from_toks(t),
        _ if has_digest => Tag::hidden(),
        _ => Tag::literal("latest"),
    };

    let hub = match &registry {
        None => true,
        Some(r) => HUB_REGISTRIES.contains(&r.as_str()),
    };
    if hub
        && let Some(p) = &path
        && let Some(short) = p.strip_prefix("library/")
        && !short.contains('/')
    {
        path = Some(short.to_string());
    }

    Some(ImageRef {
        registry,
        path,
        tag,
    })
}

// ---------------------------------------------------------------------------
// Tag matchers

#[derive(Debug, Clone, PartialEq, Eq)]
enum Cond {
    Any,
    Contains(&'static str),
    Prefix(&'static str),
    Equals(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit {
    /// A condition naming this variant matched.
    Positive,
    /// Only the `*` fallback matched.
    Fallback,
}

#[derive(Debug, Clone)]
struct Matcher {
    /// Alternatives; each is a conjunction of conditions.
    alts: Vec<Vec<Cond>>,
}

impl Matcher {
    fn parse(text: &'static str) -> Result<Matcher, String> {
        let mut alts = Vec::new();
        for alt in text.split('|') {
            let mut conds = Vec::new();
            for c in alt.split('&') {
                let cond = if c == "*" {
                    Cond::Any
                } else if let Some(x) = c.strip_prefix('~') {
                    Cond::Contains(x)
                } else if let Some(x) = c.strip_prefix('^') {
                    Cond::Prefix(x)
                } else if let Some(x) = c.strip_prefix('=') {
                    Cond::Equals(x)
                } else {
                    return Err(format!("bad match condition {c:?}"));
                };
                let bad_text = match &cond {
                    Cond::Any => false,
                    Cond::Contains(x) | Cond::Prefix(x) | Cond::Equals(x) => {
                        x.is_empty() || x.chars().any(|ch| ch.is_ascii_uppercase())
                    }
                };
                if bad_text {
                    return Err(format!("empty or upper-case match text in {c:?}"));
                }
                conds.push(cond);
            }
            if conds.contains(&Cond::Any) && conds.len() > 1 {
                return Err(format!("'*' must stand alone in {alt:?}"));
            }
            alts.push(conds);
        }
        Ok(Matcher { alts })
    }

    fn has_fallback(&self) -> bool {
        self.alts.iter().any(|a| a == &[Cond::Any])
    }

    fn hit_concrete(&self, tag: &str) -> Option<Hit> {
        let positive = self.alts.iter().any(|alt| {
            alt != &[Cond::Any]
                && alt.iter().all(|c| match c {
                    Cond::Any => true,
                    Cond::Contains(x) => tag.contains(x),
                    Cond::Prefix(x) => tag.starts_with(x),
                    Cond::Equals(x) => tag == *x,
                })
        });
        if positive {
            Some(Hit::Positive)
        } else if self.has_fallback() {
            Some(Hit::Fallback)
        } else {
            None
        }
    }

    /// Does a positive condition match on the visible text of a tag with variables?
    fn hit_visible(&self, tag: &Tag) -> bool {
        self.alts.iter().any(|alt| {
            alt != &[Cond::Any]
                && alt.iter().all(|c| match c {
                    Cond::Any => true,
                    Cond::Contains(x) => tag.visible_contains(x),
                    Cond::Prefix(x) => tag.visible_starts_with(x),
                    Cond::Equals(x) => tag.concrete().as_deref() == Some(*x),
                })
        })
    }
}

// ---------------------------------------------------------------------------
// The table

struct Row {
    info: BaseImage,
    names: Vec<&'static str>,
    matcher: Matcher,
    entrypoint_unknown: bool,
    cmd_unknown: bool,
}

impl Row {
    /// Same launch facts: shell, entrypoint, cmd, stop signal, exec, init.
    fn same_facts(&self, other: &Row) -> bool {
        let (a, b) = (&self.info, &other.info);
        a.shell == b.shell
            && a.entrypoint == b.entrypoint
            && a.cmd == b.cmd
            && a.stopsignal == b.stopsignal
            && a.entrypoint_execs == b.entrypoint_execs
            && a.init == b.init
            && !self.entrypoint_unknown
            && !other.entrypoint_unknown
            && !self.cmd_unknown
            && !other.cmd_unknown
    }
}

static TABLE: OnceLock<Result<Vec<Row>, String>> = OnceLock::new();

fn table() -> &'static Result<Vec<Row>, String> {
    TABLE.get_or_init(|| parse_table(DATA))
}

fn parse_table(text: &'static str) -> Result<Vec<Row>, String> {
    let mut header_seen = false;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        if !header_seen {
            if fields != HEADER {
                return Err(format!("line {}: expected the header row", i + 1));
            }
            header_seen = true;
            continue;
        }
        rows.push(parse_row(&fields).map_err(|e| format!("line {}: {e}", i + 1))?);
    }
    if !header_seen {
        return Err("no header row".to_string());
    }
    check_groups(&rows)?;
    Ok(rows)
}

fn parse_row(f: &[&'static str]) -> Result<Row, String> {
    if f.len() != HEADER.len() {
        return Err(format!("{} fields, expected {}", f.len(), HEADER.len()));
    }
    let names: Vec<&'static str> = f[0].split(',').collect();
    for n in &names {
        let bad = n.is_empty()
            || n.contains([':', '@', ' '])
            || n.chars().any(|c| c.is_ascii_uppercase());
        if bad {
            return Err(format!("bad image name {n:?}"));
        }
    }
    let variant = non_empty(f[1], "variant")?;
    let matcher = Matcher::parse(f[2])?;
    let distro = f[3];
    if !DISTROS.contains(&distro) {
        return Err(format!("unknown distro {distro:?}"));
    }
    let shell = match f[4] {
        "dash" => ShellKind::Dash,
        "busybox" => ShellKind::Busybox,
        "bash" => ShellKind::Bash,
        "none" => ShellKind::None,
        other => return Err(format!("unknown shell {other:?}")),
    };
    let (entrypoint, entrypoint_unknown) =
        parse_argv(f[5]).map_err(|e| format!("entrypoint: {e}"))?;
    let (cmd, cmd_unknown) = parse_argv(f[6]).map_err(|e| format!("cmd: {e}"))?;
    let stopsignal = match f[7] {
        "-" => None,
        s if s.len() > 3
            && s.starts_with("SIG")
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
        {
            Some(s.to_string())
        }
        s => return Err(format!("bad stopsignal {s:?}")),
    };
    let entrypoint_execs = match f[8] {
        "yes" => Some(true),
        "no" => Some(false),
        "n.a." => None,
        s => return Err(format!("bad execs value {s:?}")),
    };
    let init = match non_empty(f[9], "init")? {
        "-" => None,
        s => Some(s.to_string()),
    };
    let source = f[10];
    if !valid_source(source) {
        return Err(format!("bad source citation {source:?}"));
    }
    let note = match non_empty(f[11], "note")? {
        "-" => "",
        s => s,
    };
    if (entrypoint_unknown || cmd_unknown) && note.is_empty() {
        return Err("a '?' value needs a note".to_string());
    }
    Ok(Row {
        info: BaseImage {
            image: names[0],
            variant,
            shell,
            entrypoint,
            cmd,
            stopsignal,
            entrypoint_execs,
            init,
            source,
            distro,
            note,
        },
        names,
        matcher,
        entrypoint_unknown,
        cmd_unknown,
    })
}

fn non_empty<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    if s.trim().is_empty() || s.trim() != s {
        Err(format!("{what} is empty or has surrounding blanks"))
    } else {
        Ok(s)
    }
}

/// "repository path@commit-prefix" with an 8-digit hex commit prefix.
fn valid_source(s: &str) -> bool {
    let Some((repo, rest)) = s.split_once(' ') else {
        return false;
    };
    let Some((path, commit)) = rest.rsplit_once('@') else {
        return false;
    };
    repo.contains('/')
        && !path.is_empty()
        && !path.contains(' ')
        && commit.len() == 8
        && commit
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// `-` (none), `?` (not established) or a JSON array of strings.
fn parse_argv(s: &str) -> Result<(Option<Vec<String>>, bool), String> {
    match s {
        "-" => Ok((None, false)),
        "?" => Ok((None, true)),
        _ => parse_json_string_array(s).map(|v| (Some(v), false)),
    }
}

/// A JSON array of strings, e.g. `["nginx", "-g", "daemon off;"]`.
fn parse_json_string_array(s: &str) -> Result<Vec<String>, String> {
    let mut chars = s.trim().chars().peekable();
    let mut out = Vec::new();
    if chars.next() != Some('[') {
        return Err(format!("{s:?} is not a JSON array"));
    }
    let skip_ws = |it: &mut std::iter::Peekable<std::str::Chars>| {
        while it.peek().is_some_and(|c| c.is_whitespace()) {
            it.next();
        }
    };
    skip_ws(&mut chars);
    if chars.peek() == Some(&']') {
        chars.next();
    } else {
        loop {
            skip_ws(&mut chars);
            if chars.next() != Some('"') {
                return Err(format!("{s:?}: expected a string"));
            }
            let mut item = String::new();
            loop {
                match chars.next() {
                    None => return Err(format!("{s:?}: unterminated string")),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('"') => item.push('"'),
                        Some('\\') => item.push('\\'),
                        Some('/') => item.push('/'),
                        Some('n') => item.push('\n'),
                        Some('t') => item.push('\t'),
                        Some('r') => item.push('\r'),
                        Some('b') => item.push('\u{8}'),
                        Some('f') => item.push('\u{c}'),
                        Some('u') => {
                            let hex: String = chars.by_ref().take(4).collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == 4)
                                .and_then(char::from_u32)
                                .ok_or_else(|| format!("{s:?}: bad \\u escape"))?;
                            item.push(code);
                        }
                        _ => return Err(format!("{s:?}: bad escape")),
                    },
                    Some(c) if (c as u32) < 0x20 => {
                        return Err(format!("{s:?}: control character in string"));
                    }
                    Some(c) => item.push(c),
                }
            }
            out.push(item);
            skip_ws(&mut chars);
            match chars.next() {
                Some(',') => continue,
                Some(']') => break,
                _ => return Err(format!("{s:?}: expected ',' or ']'")),
            }
        }
    }
    skip_ws(&mut chars);
    if chars.next().is_some() {
        return Err(format!("{s:?}: text after the array"));
    }
    Ok(out)
}

/// Rows of one image must be contiguous, list the same names, have distinct
/// variants, and end with the only row that has the `*` fallback.
fn check_groups(rows: &[Row]) -> Result<(), String> {
    let mut start = 0;
    while start < rows.len() {
        let names = &rows[start].names;
        let mut end = start + 1;
        while end < rows.len() && rows[end].names == *names {
            end += 1;
        }
        let group = &rows[start..end];
        let image = rows[start].info.image;
        for (i, row) in group.iter().enumerate() {
            let last = i + 1 == group.len();
            if row.matcher.has_fallback() != last {
                return Err(format!(
                    "{image}: exactly the last row of an image must have the '*' fallback"
                ));
            }
            if group[..i]
                .iter()
                .any(|r| r.info.variant == row.info.variant)
            {
                return Err(format!("{image}: duplicate variant {}", row.info.variant));
            }
        }
        for other in rows[end..].iter().chain(&rows[..start]) {
            if let Some(n) = other.names.iter().find(|n| names.contains(n)) {
                return Err(format!("image name {n} appears in two groups of rows"));
            }
        }
        start = end;
    }
    Ok(())
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn known(r: &str) -> &'static BaseImage {
        match lookup(r) {
            Lookup::Known(b) => b,
            other => panic!("{r}: expected Known, got {other:?}"),
        }
    }

    fn family(r: &str) -> ShellKind {
        match lookup(r) {
            Lookup::Family { shell, reason } => {
                assert!(!reason.is_empty());
                shell
            }
            other => panic!("{r}: expected Family, got {other:?}"),
        }
    }

    fn unknown(r: &str) {
        match lookup(r) {
            Lookup::Unknown => {}
            other => panic!("{r}: expected Unknown, got {other:?}"),
        }
    }

    fn argv(v: Option<Vec<&str>>) -> Option<Vec<String>> {
        v.map(|v| v.into_iter().map(String::from).collect())
    }

    #[allow(clippy::too_many_arguments)]
    fn check_row(
        r: &str,
        image: &str,
        variant: &str,
        shell: ShellKind,
        entrypoint: Option<Vec<&str>>,
        cmd: Option<Vec<&str>>,
        stopsignal: Option<&str>,
    ) {
        let b = known(r);
        assert_eq!((b.image, b.variant), (image, variant), "{r}");
        assert_eq!(b.shell, shell, "{r}: shell");
        assert_eq!(b.entrypoint, argv(entrypoint), "{r}: entrypoint");
        assert_eq!(b.cmd, argv(cmd), "{r}: cmd");
        assert_eq!(b.stopsignal.as_deref(), stopsignal, "{r}: stopsignal");
        let (sh, why) = shell_of(r);
        assert_eq!(sh, shell, "{r}: shell_of");
        assert!(why.starts_with(r), "{r}: reason {why:?}");
    }

    /// One test per table row: a representative tag and the row's facts,
    /// restated here so that a typo in the data file fails a test.
    macro_rules! row_tests {
        ($($test:ident: $r:literal => $image:literal / $variant:literal,
            $shell:ident, $ep:expr, $cmd:expr, $sig:expr;)*) => {
            $(
                #[test]
                fn $test() {
                    check_row($r, $image, $variant, ShellKind::$shell, $ep, $cmd, $sig);
                }
            )*
            const ROW_CASES: &[(&str, &str)] = &[$(($image, $variant)),*];
        };
    }

    const DEP: &str = "docker-entrypoint.sh";
    const PHP: &str = "docker-php-entrypoint";
    const TEM: &str = "/__cacert_entrypoint.sh";
    const NGX: [&str; 3] = ["nginx", "-g", "daemon off;"];
    const HAP: [&str; 3] = ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"];
    const CADDY: [&str; 6] = [
        "caddy",
        "run",
        "--config",
        "/etc/caddy/Caddyfile",
        "--adapter",
        "caddyfile",
    ];
    const JDEB: [&str; 3] = ["/usr/bin/tini", "--", "/usr/local/bin/jenkins.sh"];
    const JSBIN: [&str; 3] = ["/sbin/tini", "--", "/usr/local/bin/jenkins.sh"];
    const GHOST: [&str; 2] = ["node", "current/index.js"];

    row_tests! {
        row_alpine: "alpine:3.20" => "alpine" / "default", Busybox, None, Some(vec!["/bin/sh"]), None;
        row_debian_slim: "debian:bookworm-slim" => "debian" / "slim", Dash, Some(vec![]), Some(vec!["bash"]), None;
        row_debian: "debian:12" => "debian" / "default", Dash, Some(vec![]), Some(vec!["bash"]), None;
        row_ubuntu: "ubuntu:24.04" => "ubuntu" / "default", Dash, None, Some(vec!["/bin/bash"]), None;
        row_busybox: "busybox:1.36-musl" => "busybox" / "default", Busybox, None, Some(vec!["sh"]), None;
        row_scratch: "scratch" => "scratch" / "default", None, None, None, None;
        row_buildpack_ubuntu: "buildpack-deps:noble-scm" => "buildpack-deps" / "ubuntu", Dash, None, Some(vec!["/bin/bash"]), None;
        row_buildpack: "buildpack-deps:trixie-curl" => "buildpack-deps" / "default", Dash, None, Some(vec!["bash"]), None;
        row_node_alpine: "node:20-alpine3.20" => "node" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["node"]), None;
        row_node_slim: "node:22-bookworm-slim" => "node" / "slim", Dash, Some(vec![DEP]), Some(vec!["node"]), None;
        row_node: "node:22" => "node" / "default", Dash, Some(vec![DEP]), Some(vec!["node"]), None;
        row_python_alpine: "python:3.12-alpine" => "python" / "alpine", Busybox, None, Some(vec!["python3"]), None;
        row_python_slim: "python:3.12-slim-bookworm" => "python" / "slim", Dash, None, Some(vec!["python3"]), None;
        row_python_windows: "python:3.14-windowsservercore-ltsc2025" => "python" / "windowsservercore", None, None, Some(vec!["python"]), None;
        row_python: "python:3.12" => "python" / "default", Dash, None, Some(vec!["python3"]), None;
        row_ruby_alpine: "ruby:3.3-alpine3.20" => "ruby" / "alpine", Busybox, None, Some(vec!["irb"]), None;
        row_ruby_slim: "ruby:3.3-slim" => "ruby" / "slim", Dash, None, Some(vec!["irb"]), None;
        row_ruby: "ruby:3.3-bookworm" => "ruby" / "default", Dash, None, Some(vec!["irb"]), None;
        row_golang_alpine: "golang:1.23-alpine" => "golang" / "alpine", Busybox, None, Some(vec!["/bin/sh"]), None;
        row_golang_windows: "golang:1.23-nanoserver-ltsc2022" => "golang" / "windows", None, None, None, None;
        row_golang: "golang:1.23" => "golang" / "default", Dash, None, Some(vec!["bash"]), None;
        row_pypy_windows: "pypy:3.10-windowsservercore" => "pypy" / "windowsservercore", None, None, Some(vec!["pypy"]), None;
        row_pypy_slim: "pypy:3.10-slim" => "pypy" / "slim", Dash, None, Some(vec!["pypy3"]), None;
        row_pypy_27: "pypy:2.7-bookworm" => "pypy" / "2.7", Dash, None, Some(vec!["pypy"]), None;
        row_pypy: "pypy:3" => "pypy" / "default", Dash, None, Some(vec!["pypy3"]), None;
        row_julia_windows: "julia:1.11-windowsservercore-ltsc2022" => "julia" / "windowsservercore", None, None, Some(vec!["julia"]), None;
        row_julia: "julia:1.11" => "julia" / "default", Dash, Some(vec![DEP]), Some(vec!["julia"]), None;
        row_openjdk_windows: "openjdk:27-ea-windowsservercore" => "openjdk" / "windows", None, None, Some(vec!["jshell"]), None;
        row_openjdk_slim: "openjdk:27-ea-slim-trixie" => "openjdk" / "slim", Dash, None, Some(vec!["jshell"]), None;
        row_openjdk_debian: "openjdk:27-ea-trixie" => "openjdk" / "debian", Dash, None, Some(vec!["jshell"]), None;
        row_openjdk: "openjdk:27-ea" => "openjdk" / "oraclelinux", Bash, None, Some(vec!["jshell"]), None;
        row_temurin_windows: "eclipse-temurin:21-windowsservercore" => "eclipse-temurin" / "windows", None, None, Some(vec!["jshell"]), None;
        row_temurin_alpine_jre: "eclipse-temurin:21-jre-alpine" => "eclipse-temurin" / "alpine-jre", Busybox, Some(vec![TEM]), None, None;
        row_temurin_alpine: "eclipse-temurin:21-jdk-alpine" => "eclipse-temurin" / "alpine", Busybox, Some(vec![TEM]), Some(vec!["jshell"]), None;
        row_temurin_ubi_jre: "eclipse-temurin:25-jre-ubi10-minimal" => "eclipse-temurin" / "ubi-jre", Bash, Some(vec![TEM]), None, None;
        row_temurin_ubi: "eclipse-temurin:25-ubi10-minimal" => "eclipse-temurin" / "ubi", Bash, Some(vec![TEM]), Some(vec!["jshell"]), None;
        row_temurin_jre: "eclipse-temurin:21-jre-jammy" => "eclipse-temurin" / "jre", Dash, Some(vec![TEM]), None, None;
        row_temurin: "eclipse-temurin:21" => "eclipse-temurin" / "default", Dash, Some(vec![TEM]), Some(vec!["jshell"]), None;
        row_php_fpm_alpine: "php:8.3-fpm-alpine" => "php" / "fpm-alpine", Busybox, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_php_alpine: "php:8.3-zts-alpine3.20" => "php" / "alpine", Busybox, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
        row_php_apache: "php:8.3-apache-bookworm" => "php" / "apache", Dash, Some(vec![PHP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
        row_php_fpm: "php:8.3-fpm" => "php" / "fpm", Dash, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_php_zts: "php:8.3-zts-bookworm" => "php" / "zts", Dash, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
        row_php_cli: "php:8.3-cli" => "php" / "cli", Dash, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
        row_wordpress_cli: "wordpress:cli-php8.3" => "wordpress" / "cli", Busybox, Some(vec![DEP]), Some(vec!["wp", "shell"]), None;
        row_wordpress_fpm_alpine: "wordpress:6-php8.3-fpm-alpine" => "wordpress" / "fpm-alpine", Busybox, Some(vec![DEP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_wordpress_fpm: "wordpress:fpm" => "wordpress" / "fpm", Dash, Some(vec![DEP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_wordpress: "wordpress" => "wordpress" / "apache", Dash, Some(vec![DEP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
        row_drupal_fpm_alpine: "drupal:11-fpm-alpine" => "drupal" / "fpm-alpine", Busybox, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_drupal_fpm: "drupal:11-php8.3-fpm-bookworm" => "drupal" / "fpm", Dash, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
        row_drupal: "drupal:11-apache-trixie" => "drupal" / "apache", Dash, Some(vec![PHP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
        row_nginx_alpine: "nginx:1.27-alpine-slim" => "nginx" / "alpine", Busybox, Some(vec!["/docker-entrypoint.sh"]), Some(NGX.to_vec()), Some("SIGQUIT");
        row_nginx: "nginx:stable-perl" => "nginx" / "default", Dash, Some(vec!["/docker-entrypoint.sh"]), Some(NGX.to_vec()), Some("SIGQUIT");
        row_httpd_alpine: "httpd:2.4-alpine" => "httpd" / "alpine", Busybox, None, Some(vec!["httpd-foreground"]), Some("SIGWINCH");
        row_httpd: "httpd:2.4" => "httpd" / "default", Dash, None, Some(vec!["httpd-foreground"]), Some("SIGWINCH");
        row_caddy_builder: "caddy:2.8-builder-alpine" => "caddy" / "builder", Busybox, None, Some(vec!["/bin/sh"]), None;
        row_caddy_windows: "caddy:2-windowsservercore-ltsc2022" => "caddy" / "windows", None, None, Some(CADDY.to_vec()), None;
        row_caddy: "caddy:2.8" => "caddy" / "default", Busybox, None, Some(CADDY.to_vec()), None;
        row_traefik_windows: "traefik:v3.1-windowsservercore-ltsc2022" => "traefik" / "windows", None, Some(vec!["/traefik"]), None, None;
        row_traefik: "traefik:v3.1" => "traefik" / "default", Busybox, Some(vec!["/entrypoint.sh"]), Some(vec!["traefik"]), None;
        row_haproxy_alpine: "haproxy:3.0-alpine" => "haproxy" / "alpine", Busybox, Some(vec![DEP]), Some(HAP.to_vec()), Some("SIGUSR1");
        row_haproxy: "haproxy:lts" => "haproxy" / "default", Dash, Some(vec![DEP]), Some(HAP.to_vec()), Some("SIGUSR1");
        row_memcached_alpine: "memcached:1-alpine" => "memcached" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["memcached"]), None;
        row_memcached: "memcached:1.6" => "memcached" / "default", Dash, Some(vec![DEP]), Some(vec!["memcached"]), None;
        row_postgres_alpine: "postgres:16-alpine" => "postgres" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["postgres"]), Some("SIGINT");
        row_postgres: "postgres:16" => "postgres" / "default", Dash, Some(vec![DEP]), Some(vec!["postgres"]), Some("SIGINT");
        row_mysql: "mysql:8.4" => "mysql" / "default", Bash, Some(vec![DEP]), Some(vec!["mysqld"]), None;
        row_mariadb_ubi: "mariadb:11.4-ubi9" => "mariadb" / "ubi", Bash, Some(vec![DEP]), Some(vec!["mariadbd"]), None;
        row_mariadb: "mariadb:lts" => "mariadb" / "default", Dash, Some(vec![DEP]), Some(vec!["mariadbd"]), None;
        row_mongo_windows: "mongo:8.0-windowsservercore" => "mongo" / "windows", None, None, Some(vec!["mongod", "--bind_ip_all"]), None;
        row_mongo: "mongo:7.0-jammy" => "mongo" / "default", Dash, Some(vec![DEP]), Some(vec!["mongod"]), None;
        row_redis_legacy_alpine: "redis:7.2-alpine" => "redis" / "legacy-alpine", Busybox, Some(vec![DEP]), Some(vec!["redis-server"]), None;
        row_redis_legacy: "redis:6.2" => "redis" / "legacy", Dash, Some(vec![DEP]), Some(vec!["redis-server"]), None;
        row_redis_alpine: "redis:8-alpine" => "redis" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["redis-server"]), None;
        row_redis: "redis:8.2-bookworm" => "redis" / "default", Dash, Some(vec![DEP]), Some(vec!["redis-server"]), None;
        row_rabbitmq_alpine: "rabbitmq:4-management-alpine" => "rabbitmq" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["rabbitmq-server"]), None;
        row_rabbitmq: "rabbitmq:4-management" => "rabbitmq" / "default", Dash, Some(vec![DEP]), Some(vec!["rabbitmq-server"]), None;
        row_cassandra: "cassandra:5" => "cassandra" / "default", Dash, Some(vec![DEP]), Some(vec!["cassandra", "-f"]), None;
        row_docker_windows: "docker:windowsservercore-ltsc2022" => "docker" / "windows", None, None, None, None;
        row_docker_rootless: "docker:29-dind-rootless" => "docker" / "dind-rootless", Busybox, Some(vec!["dockerd-entrypoint.sh"]), Some(vec![]), None;
        row_docker_cli: "docker:29-cli" => "docker" / "cli", Busybox, Some(vec![DEP]), Some(vec!["sh"]), None;
        row_docker_dind: "docker:29" => "docker" / "dind", Busybox, Some(vec!["dockerd-entrypoint.sh"]), Some(vec![]), None;
        row_ghost_alpine: "ghost:5-alpine" => "ghost" / "alpine", Busybox, Some(vec![DEP]), Some(GHOST.to_vec()), None;
        row_ghost: "ghost:6" => "ghost" / "default", Dash, Some(vec![DEP]), Some(GHOST.to_vec()), None;
        row_jenkins_windows: "jenkins/jenkins:jdk21-hotspot-windowsservercore-ltsc2022" => "jenkins/jenkins" / "windows", None, Some(vec!["powershell.exe", "-f", "C:/ProgramData/Jenkins/jenkins.ps1"]), None, None;
        row_jenkins_rhel: "jenkins/jenkins:rhel-ubi9-jdk21" => "jenkins/jenkins" / "rhel", Bash, Some(JSBIN.to_vec()), None, None;
        row_jenkins_alpine: "jenkins/jenkins:lts-alpine" => "jenkins/jenkins" / "alpine", Busybox, Some(JSBIN.to_vec()), None, None;
        row_jenkins_slim: "jenkins/jenkins:lts-slim-jdk21" => "jenkins/jenkins" / "slim", Dash, Some(JDEB.to_vec()), None, None;
        row_jenkins: "jenkins/jenkins:lts-jdk21" => "jenkins/jenkins" / "default", Dash, Some(JDEB.to_vec()), None, None;
        row_tomcat: "tomcat:11.0-jdk21-temurin-noble" => "tomcat" / "default", Dash, Some(vec![]), Some(vec!["catalina.sh", "run"]), None;
        row_distroless_static_debug: "gcr.io/distroless/static-debian12:debug-nonroot" => "gcr.io/distroless/static" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
        row_distroless_static: "gcr.io/distroless/static-debian12:nonroot" => "gcr.io/distroless/static" / "default", None, None, None, None;
        row_distroless_base_debug: "gcr.io/distroless/base-nossl-debian12:debug" => "gcr.io/distroless/base" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
        row_distroless_base: "gcr.io/distroless/cc-debian12" => "gcr.io/distroless/base" / "default", None, None, None, None;
        row_distroless_nodejs: "gcr.io/distroless/nodejs22-debian13:debug" => "gcr.io/distroless/nodejs22" / "default", None, Some(vec!["/nodejs/bin/node"]), None, None;
        row_distroless_python: "gcr.io/distroless/python3-debian13:nonroot" => "gcr.io/distroless/python3" / "default", None, Some(vec!["/usr/bin/python3.13"]), None, None;
        row_distroless_java: "gcr.io/distroless/java21-debian13" => "gcr.io/distroless/java17" / "default", None, Some(vec!["/usr/bin/java", "-jar"]), None, None;
        row_distroless_java_base_debug: "gcr.io/distroless/java-base-debian13:debug" => "gcr.io/distroless/java-base" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
        row_distroless_java_base: "gcr.io/distroless/java-base" => "gcr.io/distroless/java-base" / "default", None, None, None, None;
    }

    // --- the data file

    #[test]
    fn data_file_parses() {
        let rows = table().as_ref().expect("base_images.tsv must parse");
        assert_eq!(rows.len(), 99);
    }

    #[test]
    fn every_row_has_a_test() {
        let rows = table().as_ref().unwrap();
        let in_table: HashSet<(&str, &str)> = rows
            .iter()
            .map(|r| (r.info.image, r.info.variant))
            .collect();
        let tested: HashSet<(&str, &str)> = ROW_CASES.iter().copied().collect();
        assert_eq!(tested.len(), ROW_CASES.len(), "a row is tested twice");
        let untested: Vec<_> = in_table.difference(&tested).collect();
        assert!(untested.is_empty(), "rows without a test: {untested:?}");
        let stale: Vec<_> = tested.difference(&in_table).collect();
        assert!(stale.is_empty(), "tests of missing rows: {stale:?}");
    }

    #[test]
    fn unknown_values_carry_a_note() {
        for row in table().as_ref().unwrap() {
            if row.cmd_unknown || row.entrypoint_unknown {
                assert!(!row.info.note.is_empty(), "{}", row.info.image);
                assert!(row.info.note.contains("not read"), "{}", row.info.image);
            }
        }
    }

    #[test]
    fn rhel_convention_is_flagged_on_every_bash_row() {
        for row in table().as_ref().unwrap() {
            if row.info.shell == ShellKind::Bash {
                assert!(
                    row.info.note.contains("not verified"),
                    "{} {}",
                    row.info.image,
                    row.info.variant
                );
            }
        }
    }

    const HEAD: &str = "names\tvariant\tmatch\tdistro\tshell\tentrypoint\tcmd\tstopsignal\texecs\tinit\tsource\tnote\n";
    const GOOD: &str =
        "x\tdefault\t*\talpine\tbusybox\t-\t[\"sh\"]\t-\tn.a.\t-\ta/b p@0123abcd\t-\n";

    fn parse_with(body: &'static str) -> Result<Vec<Row>, String> {
        parse_table(body)
    }

    #[test]
    fn minimal_table_parses() {
        let text: &'static str = Box::leak(format!("# c\n{HEAD}{GOOD}").into_boxed_str());
        let rows = parse_with(text).unwrap();
        assert_eq!(rows[0].info.cmd, Some(vec!["sh".to_string()]));
    }

    #[test]
    fn malformed_rows_are_errors_not_panics() {
        let bad_rows = [
            // too few fields
            "x\tdefault\t*\talpine\tbusybox\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\n",
            // bad JSON
            "x\tdefault\t*\talpine\tbusybox\t[\"sh\"\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*\talpine\tbusybox\t[sh]\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*\talpine\tbusybox\t[\"a\",]\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            // unknown shell, distro, execs, signal
            "x\tdefault\t*\talpine\tzsh\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*\tgentoo\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*\talpine\tdash\t-\t-\t-\tmaybe\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*\talpine\tdash\t-\t-\tTERM\tn.a.\t-\ta/b p@0123abcd\t-\n",
            // bad matcher
            "x\tdefault\tslim\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            "x\tdefault\t*&~a\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            // no fallback row
            "x\tdefault\t~a\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            // bad citation
            "x\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123\t-\n",
            "x\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\tp@0123abcd\t-\n",
            // unknown value without a note
            "x\tdefault\t*\talpine\tdash\t-\t?\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
            // bad name
            "X:1\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        ];
        for row in bad_rows {
            let text: &'static str = Box::leak(format!("{HEAD}{row}").into_boxed_str());
            assert!(parse_with(text).is_err(), "accepted: {row:?}");
        }
        // Missing header, split groups, duplicate variants.
        assert!(parse_with("x\tdefault\n").is_err());
        assert!(parse_with("").is_err());
        let split: &'static str = Box::leak(
            format!("{HEAD}{GOOD}{}{GOOD}", GOOD.replacen("x\t", "y\t", 1)).into_boxed_str(),
        );
        assert!(parse_with(split).is_err());
        let dup: &'static str = Box::leak(
            format!("{HEAD}{}{GOOD}", GOOD.replacen("\t*\t", "\t~a\t", 1)).into_boxed_str(),
        );
        assert!(parse_with(dup).is_err());
    }

    #[test]
    fn json_arrays() {
        let p = parse_json_string_array;
        assert_eq!(p("[]").unwrap(), Vec::<String>::new());
        assert_eq!(p("[ ]").unwrap(), Vec::<String>::new());
        assert_eq!(
            p(r#"["nginx", "-g", "daemon off;"]"#).unwrap(),
            ["nginx", "-g", "daemon off;"]
        );
        assert_eq!(p(r#"["a\"b\\c\u0041"]"#).unwrap(), ["a\"b\\cA"]);
        assert!(p(r#"["a" "b"]"#).is_err());
        assert!(p(r#"["a"] x"#).is_err());
        assert!(p("-").is_err());
    }

    // --- reference parsing

    fn parsed(r: &str) -> ImageRef {
        parse_ref(r).unwrap_or_else(|| panic!("{r} did not parse"))
    }

    #[test]
    fn parse_plain_and_tagged() {
        let r = parsed("node");
        assert_eq!((r.registry, r.path), (None, Some("node".into())));
        assert_eq!(r.tag, Tag::literal("latest"));
        let r = parsed("node:20-alpine");
        assert_eq!(r.tag.concrete().as_deref(), Some("20-alpine"));
        let r = parsed("  node:20  AS build ");
        assert_eq!(r.tag.concrete().as_deref(), Some("20"));
    }

    #[test]
    fn parse_digests() {
        let r = parsed("node:20-alpine@sha256:0123456789abcdef");
        assert_eq!(r.tag.concrete().as_deref(), Some("20-alpine"));
        let r = parsed("node@sha256:0123456789abcdef");
        assert_eq!(r.path.as_deref(), Some("node"));
        assert_eq!(r.tag.concrete(), None);
        assert_eq!(known("node:20-alpine@sha256:abc").variant, "alpine");
        // A digest alone does not say which variant.
        unknown("node@sha256:0123456789abcdef");
        assert_eq!(known("alpine@sha256:0123").image, "alpine");
        assert_eq!(known("debian@sha256:0123").image, "debian");
        assert_eq!(
            family("gcr.io/distroless/static-debian12@sha256:0123"),
            ShellKind::None
        );
    }

    #[test]
    fn parse_registries_and_ports() {
        let r = parsed("localhost:5000/x:tag");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.path.as_deref(), Some("x"));
        assert_eq!(r.tag.concrete().as_deref(), Some("tag"));
        let r = parsed("localhost:5000/x");
        assert_eq!(r.tag, Tag::literal("latest"));
        let r = parsed("localhost/x");
        assert_eq!(r.registry.as_deref(), Some("localhost"));
        let r = parsed("registry.example.com:443/team/app:1.2@sha256:00");
        assert_eq!(r.registry.as_deref(), Some("registry.example.com:443"));
        assert_eq!(r.path.as_deref(), Some("team/app"));
        assert_eq!(r.tag.concrete().as_deref(), Some("1.2"));
        unknown("localhost:5000/x:tag");
        // A namespace is not a registry.
        let r = parsed("jenkins/jenkins:lts");
        assert_eq!(r.registry, None);
        assert_eq!(r.path.as_deref(), Some("jenkins/jenkins"));
    }

    #[test]
    fn docker_hub_prefixes_and_case() {
        for r in [
            "node:20-alpine",
            "library/node:20-alpine",
            "docker.io/node:20-alpine",
            "docker.io/library/node:20-alpine",
            "index.docker.io/library/node:20-alpine",
            "Docker.IO/Library/Node:20-Alpine",
        ] {
            let b = known(r);
            assert_eq!((b.image, b.variant), ("node", "alpine"), "{r}");
        }
        assert_eq!(
            known("docker.io/jenkins/jenkins:lts").image,
            "jenkins/jenkins"
        );
        assert_eq!(known("SCRATCH").image, "scratch");
        assert_eq!(known("docker.io/library/debian").variant, "default");
    }

    #[test]
    fn variables_in_tags() {
        let r = parsed("node:${NODE_VERSION:-20}-alpine");
        assert_eq!(r.path.as_deref(), Some("node"));
        assert!(r.tag.visible_contains("alpine"));
        assert_eq!(known("node:${NODE_VERSION}-alpine").variant, "alpine");
        assert_eq!(known("node:${NODE_VERSION:-20}-alpine").variant, "alpine");
        assert_eq!(known("node:$NODE_VERSION-alpine").variant, "alpine");
        assert_eq!(known("node:${V}-alpine${ALPINE}").variant, "alpine");
        assert_eq!(known("python:${PY}-slim").variant, "slim");
        assert_eq!(known("node:${V}-bookworm").variant, "default");
        // Variants differ in shell: nothing can be said.
        unknown("python:$PY");
        unknown("node:${NODE_VERSION}");
        unknown("node:20-${VARIANT}");
        // A trailing variable may hide the distribution.
        unknown("eclipse-temurin:${V}-jdk-${DISTRO}");
        // Every variant shares the facts that matter.
        assert_eq!(known("debian:${DEBIAN_VERSION}").image, "debian");
        assert_eq!(known("mysql:$MYSQL_VERSION").image, "mysql");
        assert_eq!(known("cassandra:${V}").image, "cassandra");
        // Same shell, other facts differ.
        assert_eq!(family("buildpack-deps:${SUITE}"), ShellKind::Dash);
        assert_eq!(family("gcr.io/distroless/static:${TAG}"), ShellKind::None);
        // Visible alpine on an image without an Alpine row.
        assert_eq!(family("mysql:${V}-alpine"), ShellKind::Busybox);
        // Variables in the name.
        unknown("${BASE_IMAGE}");
        unknown("$BASE");
        assert_eq!(family("${BASE_IMAGE}:alpine"), ShellKind::Busybox);
        assert_eq!(family("${REGISTRY}/node:20"), ShellKind::Dash);
        assert_eq!(family("${REGISTRY}/node:20-alpine"), ShellKind::Busybox);
    }

    // --- family fallbacks

    #[test]
    fn family_debian_tags_old_openjdk_and_lookalikes() {
        assert_eq!(family("myorg/app:1.0-bookworm"), ShellKind::Dash);
        assert_eq!(family("ghcr.io/x/y:jammy"), ShellKind::Dash);
        assert_eq!(family("myorg/app:2-debian12-slim"), ShellKind::Dash);
        assert_eq!(family("myorg/app:ubuntu22.04"), ShellKind::Dash);
        assert_eq!(family("openjdk:8-jdk"), ShellKind::Dash);
        assert_eq!(family("openjdk:11-jre-slim"), ShellKind::Dash);
        assert_eq!(known("openjdk:27-ea").shell, ShellKind::Bash);
        // named like the official node image on another registry, but in
        // another namespace: not that image
        unknown("cgr.dev/chainguard/node");
        unknown("cgr.dev/chainguard/node:latest");
        assert_eq!(family("localhost:5000/node:20"), ShellKind::Dash);
        assert_eq!(family("mirror.gcr.io/library/node:20"), ShellKind::Dash);
        assert_eq!(
            family("public.ecr.aws/ubuntu/ubuntu:20.04"),
            ShellKind::Dash
        );
        assert_eq!(
            family("public.ecr.aws/docker/library/node:20-alpine"),
            ShellKind::Busybox
        );
    }

    #[test]
    fn family_alpine_tags() {
        assert_eq!(family("myorg/app:1.0-alpine"), ShellKind::Busybox);
        assert_eq!(family("localhost:5000/x:alpine3.20"), ShellKind::Busybox);
        // Official images with no Alpine variant in the table.
        assert_eq!(family("mysql:8-alpine"), ShellKind::Busybox);
        assert_eq!(family("tomcat:11-alpine"), ShellKind::Busybox);
    }

    #[test]
    fn family_mirrors_of_table_images() {
        assert_eq!(family("localhost:5000/alpine"), ShellKind::Busybox);
        assert_eq!(family("localhost:5000/alpine:3.20"), ShellKind::Busybox);
        assert_eq!(family("localhost:5000/debian:bookworm"), ShellKind::Dash);
        assert_eq!(
            family("mirror.gcr.io/library/ubuntu:24.04"),
            ShellKind::Dash
        );
        assert_eq!(family("localhost:5000/node:20"), ShellKind::Dash);
        assert_eq!(family("localhost:5000/node:20-alpine"), ShellKind::Busybox);
        // a namespace of its own on another registry: another image that
        // only shares the name (cgr.dev/chainguard/node)
        unknown("registry.example.com:443/team/python:3.12");
        unknown("ghcr.io/acme/mysql:8");
        assert_eq!(
            family("quay.io/x/jenkins/jenkins:lts-alpine"),
            ShellKind::Busybox
        );
        // another namespace on Docker Hub is another image
        unknown("bitnami/postgres:16");
        unknown("mycorp/node:20");
        unknown("localhost:5000/node:${V}");
    }

    #[test]
    fn family_red_hat_names() {
        for r in [
            "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
            "redhat/ubi9",
            "quay.io/centos/centos:stream9",
            "fedora:40",
            "rockylinux:9",
            "almalinux:9-minimal",
            "amazonlinux:2023",
            "oraclelinux:9-slim",
        ] {
            assert_eq!(family(r), ShellKind::Bash, "{r}");
        }
        // "ubi" must start a name token.
        unknown("example/rubinius:1");
    }

    #[test]
    fn family_no_shell() {
        assert_eq!(known("scratch").shell, ShellKind::None);
        assert_eq!(
            family("gcr.io/distroless/python3-debian12"),
            ShellKind::None
        );
        assert_eq!(family("gcr.io/distroless/whatever:latest"), ShellKind::None);
    }

    #[test]
    fn unknown_images() {
        unknown("perl:5");
        unknown("myimage:1.0");
        unknown("ghcr.io/acme/service:2");
        unknown("");
        unknown("alpine/git:latest");
    }

    // --- behaviour worth pinning

    #[test]
    fn shell_of_reasons() {
        assert_eq!(
            shell_of("node:20-alpine"),
            (
                ShellKind::Busybox,
                "node:20-alpine is Alpine-based: /bin/sh is busybox ash".to_string()
            )
        );
        assert_eq!(
            shell_of("python:3.12"),
            (
                ShellKind::Dash,
                "python:3.12 is Debian-based: /bin/sh is dash".to_string()
            )
        );
        let (sh, why) = shell_of("gcr.io/distroless/static");
        assert_eq!(sh, ShellKind::None);
        assert!(why.contains("no /bin/sh"), "{why}");
        let (sh, why) = shell_of("python:$PY");
        assert_eq!(sh, ShellKind::Unknown);
        assert!(why.starts_with("python:$PY: "), "{why}");
        let (sh, why) = shell_of("fedora:40");
        assert_eq!(sh, ShellKind::Bash);
        assert!(why.contains("Red Hat"), "{why}");
        let (sh, _) = shell_of("perl:5");
        assert_eq!(sh, ShellKind::Unknown);
    }

    #[test]
    fn shell_kind_display() {
        assert_eq!(ShellKind::Dash.display(), "dash");
        assert_eq!(ShellKind::Busybox.display(), "busybox ash");
        assert_eq!(ShellKind::Bash.display(), "bash");
        assert_eq!(ShellKind::None.display(), "no shell");
        assert_eq!(ShellKind::Unknown.display(), "unknown shell");
    }

    #[test]
    fn inits_and_exec() {
        assert_eq!(known("jenkins/jenkins:lts").init.as_deref(), Some("tini"));
        assert_eq!(known("docker:dind").init.as_deref(), Some("docker-init"));
        assert_eq!(known("node:22").init, None);
        assert_eq!(known("node:22").entrypoint_execs, Some(true));
        assert_eq!(known("httpd").entrypoint_execs, None);
        assert_eq!(known("tomcat").entrypoint_execs, None);
    }

    #[test]
    fn default_tags() {
        assert_eq!(known("node").variant, "default");
        assert_eq!(known("node:latest").variant, "default");
        assert_eq!(known("openjdk:27-ea-oraclelinux9").variant, "oraclelinux");
        assert_eq!(known("nginx:mainline-otel").variant, "default");
        assert_eq!(known("nginx:alpine-perl").variant, "alpine");
        assert_eq!(known("php").variant, "cli");
        assert_eq!(known("php:8.3-cli-alpine").variant, "alpine");
        assert_eq!(known("docker:dind").variant, "dind");
        assert_eq!(known("docker:29-dind-alpine3.20").variant, "dind");
        assert_eq!(known("wordpress:cli").variant, "cli");
        assert_eq!(known("jenkins/jenkins:alpine3.24-jdk21").variant, "alpine");
        assert_eq!(known("eclipse-temurin:25-jre").variant, "jre");
        assert_eq!(known("redis").variant, "default");
        assert_eq!(known("redis:alpine").variant, "alpine");
    }

    #[test]
    fn sources_and_notes_are_visible() {
        let b = known("mongo:8.0");
        assert!(
            b.source.starts_with("docker-library/mongo "),
            "{}",
            b.source
        );
        assert!(b.note.contains("no latest"), "{}", b.note);
        assert_eq!(known("mysql").distro, "oraclelinux");
        assert!(
            known("golang:1.23-windowsservercore")
                .note
                .contains("not read")
        );
    }
}
