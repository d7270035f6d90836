//! What an official base image contributes at `docker run`.
//!
//! Given an image reference as written after `FROM`, this module says which
//! `/bin/sh` the image ships (it decides whether a shell-form command is
//! replaced by its last command or stays PID 1), the image's ENTRYPOINT, CMD
//! and STOPSIGNAL, whether its entrypoint script ends with `exec "$@"`, and
//! whether an init is built in.
//!
//! The facts live in `base_images.tsv` next to this file, embedded at build
//! time and parsed one image at a time, on first use. Each row cites the upstream file and
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

mod cells;
mod matcher;
mod reference;
mod resolve;
mod table;

use cells::*;
use matcher::*;
use reference::*;
use resolve::*;
use table::*;

#[cfg(test)]
mod tests;
