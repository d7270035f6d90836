//! `dsig ps`: the predicted process tree at `docker run`.

use super::guard::guarded;
use super::{Exit, print};
use crate::cli::settings::options;
use crate::cli::{ListFormat, PsRequest};
use dsig::error::Error;
use dsig::files;
use dsig::lint::lint_source;
use dsig::lint_manifest::lint_manifest;
use dsig::report::{self, FileError};
use std::path::{Path, PathBuf};

pub fn run(req: PsRequest) -> Result<Exit, Error> {
    let mut source = req.config.source()?;
    let path = req.path.unwrap_or_else(|| "Dockerfile".into());
    let (text, dir) = if path == "-" {
        (files::read_stdin(), std::env::current_dir().ok())
    } else {
        let p = Path::new(&path);
        (files::read_dockerfile(p), Some(dsig::dirs::parent_dir(p)))
    };
    let text = text.map_err(|m| Error::file(&path, m))?;
    let cfg = source.for_dir(dir.as_deref().unwrap_or(Path::new(".")));
    if let Some(e) = source.errors().first() {
        return Err(Error::Setup(e.to_string()));
    }
    let mut opts = options(
        cfg.as_deref(),
        &req.target,
        req.context.or(dir),
        false,
        &Default::default(),
    );
    opts.dockerfile_path = (path != "-").then(|| PathBuf::from(&path));
    if dsig::manifest::looks_like(&text) {
        return manifest(&path, &text, &opts, req.format);
    }
    opts.compose = req.compose;
    let linted = guarded(&path, || {
        lint_source(&text, &opts).map_err(|message| FileError {
            path: path.clone(),
            message,
        })
    })?;
    let (Some(launch), Some(chain)) = (&linted.launch, &linted.chain) else {
        return Err(Error::file(&path, "no build stage (no FROM instruction)"));
    };
    let stage_name = linted.stages[launch.stage].name.as_deref();
    match req.format {
        ListFormat::Json => {
            let v = report::tree::render_json(&path, launch, chain);
            print(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")?;
        }
        // control characters of the files read are shown escaped
        _ => print(dsig::read::escape_keep_lines(&report::tree::render_text(
            &path, launch, stage_name, chain,
        )))?,
    }
    Ok(Exit::Clean)
}

/// The tree of each container of a manifest, in order.
fn manifest(
    path: &str,
    text: &str,
    opts: &dsig::lint::LintOptions,
    format: ListFormat,
) -> Result<Exit, Error> {
    let linted = guarded(path, || {
        lint_manifest(text, path, opts).map_err(|message| FileError {
            path: path.to_string(),
            message,
        })
    })?;
    if linted.containers.is_empty() {
        return Err(Error::file(
            path,
            "no workload with a container in this manifest",
        ));
    }
    let each = linted.containers.iter();
    match format {
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = each
                .map(|c| {
                    report::tree::render_container_json(path, &c.placement, &c.launch, &c.chain)
                })
                .collect();
            print(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")?;
        }
        _ => {
            let trees: Vec<String> = each
                .map(|c| {
                    report::tree::render_container_text(path, &c.placement, &c.launch, &c.chain)
                })
                .collect();
            print(dsig::read::escape_keep_lines(&trees.join("\n")))?;
        }
    }
    Ok(Exit::Clean)
}
