//! One manifest through the pipeline: read its workloads, model each
//! container's launch (its image's, with the manifest on top), and run the
//! rules that apply to a container the platform launches.

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::lint::{ContextFiles, LintOptions};
use crate::manifest::{self, Container, Manifest, Workload};
use crate::model::platform::{self, ImageSource, Placement};
use crate::model::{self, Chain, Launch, Stage};
use crate::parse::{self, Dockerfile};
use crate::rules::{self, RuleContext};
use std::path::{Path, PathBuf};

/// A container of a manifest as dsig predicts its launch.
#[derive(Debug)]
pub struct Launched {
    pub placement: Placement,
    pub launch: Launch,
    pub chain: Chain,
}

#[derive(Debug)]
pub struct LintedManifest {
    pub manifest: Manifest,
    pub containers: Vec<Launched>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The name of an image without its tag or digest:
/// `ghcr.io/acme/api:1.2@sha256:…` → `ghcr.io/acme/api`.
pub fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

/// Two image references name the same image (tags and digests aside).
fn same_image(a: &str, b: &str) -> bool {
    fn bare(n: &str) -> &str {
        let n = image_name(n);
        n.strip_prefix("docker.io/").unwrap_or(n)
    }
    bare(a) == bare(b)
}

/// The Dockerfile that builds an image, and the stage: the one
/// `.dsig.yaml` names (`images:`), else the one a compose file beside the
/// manifest builds under that name (`build:` with `image:`). A compose file
/// that cannot be read is passed over here (linting its directory reports
/// it).
fn dockerfile_for(opts: &LintOptions, image: &str) -> Option<(PathBuf, Option<String>)> {
    if let Some((_, p)) = opts.images.iter().find(|(k, _)| same_image(k, image)) {
        return Some((p.clone(), None));
    }
    let dir = crate::dirs::parent_dir(opts.dockerfile_path.as_deref()?);
    let built = crate::compose::images_built(&dir).ok()??;
    built
        .into_iter()
        .find(|b| same_image(&b.image, image))
        .map(|b| (b.dockerfile, b.target))
}

/// Lint manifest text. `Err` is one line: the YAML cannot be read, or a
/// Dockerfile the configuration names for an image cannot be.
pub fn lint_manifest(src: &str, shown: &str, opts: &LintOptions) -> Result<LintedManifest, String> {
    let manifest = manifest::parse(shown, src)?;
    let mut containers = Vec::new();
    let mut diagnostics = Vec::new();
    for w in &manifest.workloads {
        for c in &w.pod.containers {
            let (launched, mut found) = container(src, w, c, opts)?;
            diagnostics.append(&mut found);
            containers.push(launched);
        }
    }
    rules::sort(&mut diagnostics);
    let diagnostics = crate::suppress::apply(src, &comments(src), diagnostics, &opts.filter);
    let mut linted = LintedManifest {
        manifest,
        containers,
        diagnostics,
    };
    if !opts.unchecked_fixes {
        prove(src, shown, opts, &mut linted);
    }
    Ok(linted)
}

/// What each container finally runs: its place, and the app's argv and
/// environment assignments.
fn apps(containers: &[Launched]) -> Vec<(String, Vec<String>, Vec<String>)> {
    containers
        .iter()
        .map(|c| {
            let last = c.chain.hops.last();
            (
                c.placement.container.path.clone(),
                last.map(|h| h.argv.clone()).unwrap_or_default(),
                c.chain.hops.iter().flat_map(|h| h.env.clone()).collect(),
            )
        })
        .collect()
}

/// Keep a fix only if the manifest, read again with it applied, still
/// holds the same containers running the same apps with the same
/// arguments and environment, has a finding of the fix's code fewer and no
/// new error of another code (as for a Dockerfile's fixes: a warning the
/// fix makes visible, such as the app now PID 1 without an init, does not
/// undo it).
fn prove(src: &str, shown: &str, opts: &LintOptions, l: &mut LintedManifest) {
    let before = apps(&l.containers);
    let (counts, errors_before) = crate::prove::tally(&l.diagnostics);
    let mut again_opts = opts.clone();
    again_opts.unchecked_fixes = true;
    for d in &mut l.diagnostics {
        let Some(fix) = d.fix() else { continue };
        let code = d.code;
        let kept = (|| {
            if fix.edits.iter().any(|e| e.file.is_some()) {
                return None;
            }
            let edits: Vec<&crate::diagnostic::Edit> = fix.edits.iter().collect();
            let fixed = crate::edit::apply_edits(src, &edits, crate::edit::uses_crlf(src))?;
            let again = lint_manifest(&fixed, shown, &again_opts).ok()?;
            let (now, errors_now) = crate::prove::tally(&again.diagnostics);
            let fewer = now.get(&code).copied().unwrap_or(0) < counts[&code];
            // errors of the other codes, all together
            let others = |e: &std::collections::HashMap<crate::code::RuleCode, usize>| {
                e.iter()
                    .filter(|(c, _)| **c != code)
                    .map(|(_, n)| n)
                    .sum::<usize>()
            };
            let no_new = others(&errors_now) <= others(&errors_before);
            (apps(&again.containers) == before && fewer && no_new).then_some(())
        })();
        if kept.is_none() {
            d.take_fix();
        }
    }
}

/// The manifest's whole-line `#` comments, as a Dockerfile's, so that
/// `# dsig ignore=DSIG007` above a line works in a manifest as it does in a
/// Dockerfile.
fn comments(src: &str) -> Dockerfile {
    let mut df = parse::parse("");
    let mut offset = 0;
    for (n, line) in src.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        if let Some(text) = body[lead..].strip_prefix('#') {
            df.comments.push(parse::Comment {
                text: text.trim().to_string(),
                span: crate::diagnostic::Span::new(offset + lead, offset + body.len()),
                line: n + 1,
            });
        }
        offset += line.len();
    }
    df
}

/// `FROM image`, parsed (`FROM scratch` when the image is missing or
/// unreadable as a reference).
fn from_only(image: &str) -> (Dockerfile, Vec<Stage>) {
    let df = parse::parse(&format!("FROM {image}\n"));
    let stages = model::stages(&df);
    if stages.len() == 1 && df.instructions.len() == 1 {
        return (df, stages);
    }
    let df = parse::parse("FROM scratch\n");
    let stages = model::stages(&df);
    (df, stages)
}

/// The image's Dockerfile, read and modelled.
struct Image {
    df: Dockerfile,
    stages: Vec<Stage>,
    stage: usize,
    shown: String,
    ctx: Context,
}

fn read_image(path: &Path, target: Option<&str>, opts: &LintOptions) -> Result<Image, String> {
    let shown = path.display().to_string();
    let text = crate::files::read_dockerfile(path).map_err(|e| format!("{shown}: {e}"))?;
    let df = parse::parse(&text);
    let stages = model::stages(&df);
    let stage = model::target_stage(&stages, target).map_err(|e| format!("{shown}: {e}"))?;
    let dir = crate::dirs::parent_dir(path);
    let mut ctx = Context::new(Some(dir));
    ctx.overlay = opts.overlay.clone();
    Ok(Image {
        df,
        stages,
        stage,
        shown,
        ctx,
    })
}

/// One container: its launch, its chain and its findings.
fn container(
    src: &str,
    w: &Workload,
    c: &Container,
    opts: &LintOptions,
) -> Result<(Launched, Vec<Diagnostic>), String> {
    let image_ref = c.image.as_ref().map_or("", |i| i.value.as_str());
    let image = match dockerfile_for(opts, image_ref) {
        Some((p, target)) => Some(read_image(&p, target.as_deref(), opts)?),
        None => None,
    };
    let (df, stages, stage, ctx, source, mut launch) = match image {
        Some(i) => {
            let l = model::launch(&i.df, &i.stages, i.stage, &opts.model);
            let source = ImageSource::Dockerfile(i.shown);
            (i.df, i.stages, i.stage, i.ctx, source, l)
        }
        None => {
            // the image as a one-line Dockerfile: what the rules ask of
            // the stage (its instructions, its FROM) has an answer
            let (df, stages) = from_only(image_ref);
            let mut l = model::base_launch(image_ref, &opts.model);
            let source = if l.base.is_some() {
                ImageSource::Table
            } else {
                (l.entrypoint, l.cmd) = (None, None);
                ImageSource::Unknown
            };
            (df, stages, 0, Context::new(None), source, l)
        }
    };
    let mut placement = Placement::new(w, c, source);
    platform::apply(&mut launch, &mut placement);
    let files = ContextFiles {
        df: &df,
        stages: &stages,
        stage,
        ctx: &ctx,
    };
    let mut chain = model::chain::build_with(&launch, &ctx, &files);
    // the image's Dockerfile: its WORKDIR, the app's handlers, and its
    // origins as lines of that file
    let app = match &placement.image {
        ImageSource::Dockerfile(shown) => {
            chain.workdir = Some(model::copies::workdir(&df, &stages, stage));
            let app = model::app::app_handlers(&df, &stages, &launch, &chain, &ctx);
            platform::relocate(&mut launch, &mut chain, shown);
            app
        }
        _ => None,
    };
    let cx = RuleContext {
        src,
        df: &df,
        stages: &stages,
        launch: Some(&launch),
        chain: Some(&chain),
        app: app.as_ref(),
        placement: Some(&placement),
        context: &ctx,
    };
    let found = rules::run_placement(&cx);
    Ok((
        Launched {
            placement,
            launch,
            chain,
        },
        found,
    ))
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn image_names() {
        assert_eq!(image_name("ghcr.io/acme/api:1.2"), "ghcr.io/acme/api");
        assert_eq!(image_name("localhost:5000/api"), "localhost:5000/api");
        assert_eq!(
            image_name("localhost:5000/api:3@sha256:ab"),
            "localhost:5000/api"
        );
        assert_eq!(image_name("nginx"), "nginx");
    }
}
