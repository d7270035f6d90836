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
    pub model: ModelOptions,
    /// The container runtime provides an init (`docker run --init`): DSIG005 does not apply.
    pub runtime_init: bool,
    /// Inline ignores, configured ignores and severities.
    pub filter: crate::suppress::Filter,
}

#[derive(Debug)]
pub struct Linted {
    pub dockerfile: Dockerfile,
    pub stages: Vec<Stage>,
    pub launch: Option<Launch>,
    pub chain: Option<Chain>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lint Dockerfile text. `Err` only when `--target` names no stage.
pub fn lint_source(src: &str, opts: &LintOptions) -> Result<Linted, String> {
    let df = parse::parse(src);
    let stages = model::stages(&df);
    let ctx = Context::new(opts.context.clone());
    let (launch, chain) = if stages.is_empty() {
        if let Some(t) = &opts.target {
            return Err(format!("no stage named {t:?}"));
        }
        (None, None)
    } else {
        let idx = model::target_stage(&stages, opts.target.as_deref())?;
        let l = model::launch(&df, &stages, idx, &opts.model);
        let c = model::chain::build(&l, &ctx);
        (Some(l), Some(c))
    };
    let cx = RuleContext {
        src,
        df: &df,
        stages: &stages,
        launch: launch.as_ref(),
        chain: chain.as_ref(),
        context: &ctx,
        options: opts,
    };
    let diagnostics = crate::suppress::apply(src, &df, rules::run_all(&cx), &opts.filter);
    Ok(Linted {
        dockerfile: df,
        stages,
        launch,
        chain,
        diagnostics,
    })
}
