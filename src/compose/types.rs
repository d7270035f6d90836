//! The public types: a compose file's services as the launch model reads
//! them, and what each service builds.

use serde::Serialize;
use std::path::{Path, PathBuf};

use super::interpolate::{interpolate_defaults, unescape_dollars};
use super::words::shell_words;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComposeFile {
    /// The file read, as found (the given directory joined with its name,
    /// or the explicit path as given).
    pub path: PathBuf,
    /// The services that build the Dockerfile, in file order.
    pub services: Vec<Service>,
}

/// A value with the 1-based position of its key in the compose file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// `command` or `entrypoint` as written.
///
/// Clearing: `entrypoint: []` is `Exec([])`, `entrypoint: ""` is
/// `String { text: "", argv: Some([]) }`; both clear what the image sets
/// ([`CommandForm::clears`]). The same holds for `command`. `null` is
/// not a `CommandForm`: the field is `None` (unset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandForm {
    /// The list form: the argv as is (with `$$` unescaped).
    Exec(Vec<String>),
    /// The string form as written, and the argv Compose splits it into;
    /// `None` when Compose refuses to split it (unbalanced quotes, a
    /// trailing backslash, `(` without `$`).
    String {
        text: String,
        argv: Option<Vec<String>>,
    },
}

impl CommandForm {
    /// The argv the container gets, if known.
    pub fn argv(&self) -> Option<&[String]> {
        match self {
            CommandForm::Exec(v) => Some(v),
            CommandForm::String { argv, .. } => argv.as_deref(),
        }
    }

    /// `[]`, `""` or only blanks: the image's setting is cleared.
    pub fn clears(&self) -> bool {
        self.argv().is_some_and(|a| a.is_empty())
    }

    /// For the string form, the part after an unquoted `;`, `&`, `|`, `<`
    /// or `>` that Compose drops without a word (`a && b` runs `a`).
    pub fn dropped_tail(&self) -> Option<&str> {
        let CommandForm::String { text, .. } = self else {
            return None;
        };
        let at = shell_words(&unescape_dollars(text))?.stopped_at?;
        // Map the offset in the unescaped text back: `$$` counts one there.
        let (mut i, mut seen) = (0, 0);
        let b = text.as_bytes();
        while seen < at && i < b.len() {
            i += if b[i] == b'$' && b.get(i + 1) == Some(&b'$') {
                2
            } else {
                1
            };
            seen += 1;
        }
        text.get(i..)
    }
}

/// An `environment` entry: name, and value unless passed through.
pub type EnvVar = (String, Option<String>);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub name: String,
    /// Position of the service's key under `services:`.
    pub line: usize,
    pub column: usize,
    /// `build.target`: the stage the service builds (last stage if `None`).
    pub target: Option<String>,
    pub init: Option<Located<bool>>,
    pub stop_signal: Option<Located<String>>,
    /// As written, e.g. `1m30s`.
    pub stop_grace_period: Option<Located<String>>,
    /// `stop_grace_period` in seconds (Compose's duration format: a sequence
    /// of decimal numbers with units `ns`, `us`, `ms`, `s`, `m`, `h`, `d`,
    /// `w`); `None` when absent or not a valid duration.
    pub stop_grace_seconds: Option<f64>,
    pub command: Option<Located<CommandForm>>,
    pub entrypoint: Option<Located<CommandForm>>,
    pub user: Option<Located<String>>,
    /// Map or list form; a value of `None` is passed through from the
    /// environment of `docker compose` (`KEY` alone, or `KEY:` with null).
    pub environment: Option<Located<Vec<EnvVar>>>,
    /// Some value read for this service (fields above, build paths, target)
    /// uses `$VAR` / `${VAR…}` interpolation.
    pub has_variables: bool,
}

/// A service of the file and what it builds.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedService {
    pub service: Service,
    /// `None`: no `build` (an `image:`-only service) or an inline
    /// Dockerfile.
    pub builds: Option<Build>,
    /// `image`, as written: with `build`, the name the built image gets.
    pub image: Option<String>,
}

/// What a service builds, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// Relative to the project directory (the compose file's directory).
    pub context: String,
    /// Relative to `context`; `Dockerfile` by default.
    pub dockerfile: String,
}

impl Build {
    /// Whether this builds `target` (a canonical path). Remote contexts
    /// never match; interpolation is resolved with the file's defaults.
    pub fn matches(&self, project_dir: &Path, target: &Path) -> bool {
        let (Some(context), Some(dockerfile)) = (
            interpolate_defaults(&self.context),
            interpolate_defaults(&self.dockerfile),
        ) else {
            return false;
        };
        if is_remote(&context) {
            return false;
        }
        let path = project_dir.join(context).join(dockerfile);
        crate::dirs::real_path(&path).is_ok_and(|p| p == target)
    }
}

/// A Git or HTTP context: not a directory here.
pub(super) fn is_remote(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}
