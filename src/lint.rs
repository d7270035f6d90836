//! One file through the whole pipeline: parse → model → rules.

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{self, Chain, Launch, ModelOptions, Stage};
use crate::parse::{self, Dockerfile};
use crate::rules::{self, RuleContext};
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// `--target NAME`: judge this stage instead of the last one.
    pub target: Option<String>,
    /// The build context (default: the Dockerfile's directory).
    pub context: Option<PathBuf>,
    /// The Dockerfile's path on disk, to find the compose services that
    /// build it (none for stdin); for a manifest, its path, to find the
    /// compose file that builds its images.
    pub dockerfile_path: Option<PathBuf>,
    /// `--compose FILE`; else compose.yaml & co. beside the Dockerfile.
    pub compose: Option<PathBuf>,
    pub model: ModelOptions,
    /// The container runtime provides an init (`docker run --init`), and
    /// where that is said (e.g. `.dsig.yaml: init: true`); a compose
    /// service's `init` overrides it.
    pub runtime_init: Option<String>,
    /// Inline ignores, configured ignores and severities.
    pub filter: crate::suppress::Filter,
    /// Context files as a fix would leave them (by real path), read
    /// instead of the disk.
    pub overlay: std::sync::Arc<std::collections::HashMap<PathBuf, String>>,
    /// Offer fixes without checking them on the rebuilt model (set while
    /// a fix is being checked).
    pub unchecked_fixes: bool,
    /// Image names (without tag or digest) and the Dockerfiles that build
    /// them, for manifests (`.dsig.yaml` `images:`).
    pub images: std::sync::Arc<Vec<(String, PathBuf)>>,
}

#[derive(Debug)]
pub struct Linted {
    pub dockerfile: Dockerfile,
    pub stages: Vec<Stage>,
    pub launch: Option<Launch>,
    pub chain: Option<Chain>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Context files as the stage that runs sees them.
pub(crate) struct ContextFiles<'a> {
    pub(crate) df: &'a Dockerfile,
    pub(crate) stages: &'a [Stage],
    pub(crate) stage: usize,
    pub(crate) ctx: &'a Context,
}

impl model::chain::Locate for ContextFiles<'_> {
    fn program(&self, program: &str) -> Option<model::copies::Located> {
        model::copies::locate_program(self.df, self.stages, self.stage, self.ctx, program)
    }
    fn file(&self, path: &str) -> Option<model::copies::Located> {
        model::copies::locate_file(self.df, self.stages, self.stage, self.ctx, path)
    }
}

impl crate::prove::Relint for LintOptions {
    fn overlay(&self) -> &std::collections::HashMap<PathBuf, String> {
        &self.overlay
    }
    fn relint(
        &self,
        text: &str,
        overlay: std::collections::HashMap<PathBuf, String>,
    ) -> Result<crate::prove::Relinted, String> {
        let mut again = self.clone();
        again.unchecked_fixes = true;
        again.overlay = std::sync::Arc::new(overlay);
        let l = lint_source(text, &again)?;
        Ok(crate::prove::Relinted {
            diagnostics: l.diagnostics,
            chain: l.chain,
        })
    }
}

/// Lint Dockerfile text. `Err` only when `--target` names no stage.
pub fn lint_source(src: &str, opts: &LintOptions) -> Result<Linted, String> {
    let df = parse::parse(src);
    let stages = model::stages(&df);
    let mut ctx = Context::new(opts.context.clone());
    ctx.overlay = opts.overlay.clone();
    let (launch, chain) = if stages.is_empty() {
        if let Some(t) = &opts.target {
            return Err(format!("no stage named {t:?}"));
        }
        (None, None)
    } else {
        let service = match &opts.dockerfile_path {
            Some(p) => {
                // one line, quoting at most a short excerpt of the compose file
                crate::compose::services_for(p, opts.compose.as_deref(), opts.context.as_deref())
                    .map_err(|e| crate::read::message(&e))?
                    .and_then(|f| {
                        let path = f.path.clone();
                        f.services.into_iter().next().map(|s| (path, s))
                    })
            }
            None => None,
        };
        let target = opts
            .target
            .clone()
            .or_else(|| service.as_ref().and_then(|(_, s)| s.target.clone()));
        let idx = model::target_stage(&stages, target.as_deref())?;
        let mut l = model::launch(&df, &stages, idx, &opts.model);
        if let Some(said) = &opts.runtime_init {
            l.runtime_init = Some(model::Origin::File {
                path: said.clone(),
                line: None,
            });
        }
        if let Some((path, svc)) = &service {
            model::apply_compose(&mut l, path, svc);
        }
        let files = ContextFiles {
            df: &df,
            stages: &stages,
            stage: idx,
            ctx: &ctx,
        };
        let mut c = model::chain::build_with(&l, &ctx, &files);
        c.workdir = Some(model::copies::workdir(&df, &stages, idx));
        (Some(l), Some(c))
    };
    let app = match (&launch, &chain) {
        (Some(l), Some(c)) => model::app::app_handlers(&df, &stages, l, c, &ctx),
        _ => None,
    };
    let cx = RuleContext {
        src,
        df: &df,
        stages: &stages,
        launch: launch.as_ref(),
        chain: chain.as_ref(),
        app: app.as_ref(),
        placement: None,
        context: &ctx,
    };
    let mut diagnostics = crate::suppress::apply(src, &df, rules::run_all(&cx), &opts.filter);
    if !opts.unchecked_fixes {
        crate::prove::check(src, opts, launch.as_ref(), chain.as_ref(), &mut diagnostics);
    }
    Ok(Linted {
        dockerfile: df,
        stages,
        launch,
        chain,
        diagnostics,
    })
}
