//! Which compose file: an explicit one, or the first of the names Compose
//! looks for in the Dockerfile's directory, then in the build context; its
//! capped reading; and the services of it that build the Dockerfile.

use std::path::{Path, PathBuf};

use super::service::parse_services;
use super::types::ComposeFile;

/// Largest compose file read (bytes).
pub const MAX_COMPOSE_FILE: u64 = 1024 * 1024;

/// The names Compose looks for, in its order of preference.
pub const COMPOSE_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Services of the compose file that build `dockerfile` (a path to the Dockerfile being linted).
///
/// `explicit` is a compose file named by the user; otherwise the first
/// existing of [`COMPOSE_FILE_NAMES`] in the Dockerfile's directory, then in
/// `context` (when it is another directory), is read. `Ok(None)`: no compose
/// file. `Ok(Some(f))` with `f.services` empty: the file builds something
/// else. `Err`: one line naming the file (with line and column for YAML
/// errors).
pub fn services_for(
    dockerfile: &Path,
    explicit: Option<&Path>,
    context: Option<&Path>,
) -> Result<Option<ComposeFile>, String> {
    let (path, text) = match explicit {
        Some(p) => (p.to_path_buf(), read_compose(p, None)?),
        None => {
            let df_dir = crate::dirs::parent_dir(dockerfile);
            let mut dirs = vec![df_dir];
            if let Some(c) = context
                && !same_dir(&dirs[0], c)
            {
                dirs.push(c.to_path_buf());
            }
            let Some((path, dir)) = dirs.iter().find_map(|d| find_in(d).map(|p| (p, d))) else {
                return Ok(None);
            };
            let text = read_compose(&path, Some(dir))?;
            (path, text)
        }
    };
    let target =
        crate::dirs::real_path(dockerfile).map_err(|e| format!("{}: {e}", dockerfile.display()))?;
    let all = parse_services(&path, &text)?;
    let project_dir = crate::dirs::parent_dir(&path);
    let services = all
        .into_iter()
        .filter(|s| {
            s.builds
                .as_ref()
                .is_some_and(|b| b.matches(&project_dir, &target))
        })
        .map(|s| s.service)
        .collect();
    Ok(Some(ComposeFile { path, services }))
}

/// An image a compose file builds: its name as written, the Dockerfile,
/// and the build target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltImage {
    pub image: String,
    pub dockerfile: PathBuf,
    pub target: Option<String>,
}

/// The images the compose file in `dir` (the first of
/// [`COMPOSE_FILE_NAMES`]) builds under a name (`build:` with `image:`);
/// `Ok(None)` when `dir` holds none. Remote contexts and paths with
/// variables that have no default are left out.
pub fn images_built(dir: &Path) -> Result<Option<Vec<BuiltImage>>, String> {
    let Some(path) = find_in(dir) else {
        return Ok(None);
    };
    let text = read_compose(&path, Some(dir))?;
    let project_dir = crate::dirs::parent_dir(&path);
    let built = parse_services(&path, &text)?
        .into_iter()
        .filter_map(|s| {
            let (b, image) = (s.builds?, s.image?);
            let context = super::interpolate_defaults(&b.context)?;
            let dockerfile = super::interpolate_defaults(&b.dockerfile)?;
            if super::types::is_remote(&context) {
                return None;
            }
            // `./web` is shown as `web`
            let dockerfile: PathBuf = project_dir
                .join(context)
                .join(dockerfile)
                .components()
                .filter(|c| *c != std::path::Component::CurDir)
                .collect();
            Some(BuiltImage {
                image,
                dockerfile,
                target: s.service.target,
            })
        })
        .collect();
    Ok(Some(built))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (crate::dirs::real_path(a), crate::dirs::real_path(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The first compose file name present in `dir` (present: any directory
/// entry, even a dangling link, so that a broken file is reported rather
/// than skipped).
fn find_in(dir: &Path) -> Option<PathBuf> {
    COMPOSE_FILE_NAMES
        .iter()
        .find(|n| crate::dirs::has(dir, n))
        .map(|n| dir.join(n))
}

/// Read a compose file: a regular file of at most [`MAX_COMPOSE_FILE`]
/// bytes, UTF-8; with `confine`, its real path must lie inside that
/// directory.
pub fn read_compose(path: &Path, confine: Option<&Path>) -> Result<String, String> {
    let read = match confine {
        Some(dir) => crate::read::text_inside(path, dir, MAX_COMPOSE_FILE),
        None => crate::read::text(path, MAX_COMPOSE_FILE),
    };
    read.map_err(|e| format!("{}: {e}", path.display()))
}
