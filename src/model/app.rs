//! What the app's entry file does with signals: the entry file and the
//! files it preloads, found through the image's COPY lines, and the
//! handlers they register (read once, here, for DSIG015).

use super::chain::{Chain, HopKind, Runtime};
use super::copies::locate_file;
use super::{Launch, Stage};
use crate::context::Context;
use crate::handlers::{self, Lang, Verdict};
use crate::parse::{Args, Dockerfile, Kind};

/// The handlers of the app's entry file for the stop signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppHandlers {
    pub lang: Lang,
    /// The entry file, relative to the build context.
    pub entry_rel: String,
    /// The stop signal, canonical (`SIGTERM`).
    pub signal: String,
    pub verdict: Verdict,
}

/// `None` when the app is not node or python, or its entry file is not in
/// the build context.
pub fn app_handlers(
    df: &Dockerfile,
    stages: &[Stage],
    launch: &Launch,
    chain: &Chain,
    ctx: &Context,
) -> Option<AppHandlers> {
    let main = chain.main()?;
    let HopKind::App {
        runtime: Some(runtime @ (Runtime::Node | Runtime::Python)),
    } = main.kind
    else {
        return None;
    };
    let lang = if runtime == Runtime::Node {
        Lang::Node
    } else {
        Lang::Python
    };
    let pkg = ctx.package_json();
    let (entry, mut preloads) = handlers::entry_of(
        lang,
        &main.argv[1..],
        pkg.as_ref().and_then(|p| p.main.as_deref()),
    )?;
    // NODE_OPTIONS preloads set with ENV in the stage that runs
    if lang == Lang::Node {
        let st = &stages[launch.stage];
        for inst in &df.instructions[st.from..st.end] {
            if let (Kind::Env, Args::KeyValues(kvs)) = (&inst.kind, &inst.args) {
                for kv in kvs.iter().filter(|kv| kv.key.value == "NODE_OPTIONS") {
                    preloads.extend(handlers::node_options_preloads(
                        kv.value.value.trim_matches(['"', '\'']),
                    ));
                }
            }
        }
    }
    // the handlers are read from context files (not from heredocs)
    let locate = |p: &str| {
        locate_file(df, stages, launch.stage, ctx, p)
            .filter(|l| l.inline.is_none())
            .map(|l| l.rel)
    };
    let entry_rel = locate(&entry)?;
    let preloads: Vec<String> = preloads
        .iter()
        .map(|p| {
            if p.starts_with('.') || p.starts_with('/') {
                locate(p).unwrap_or_else(|| p.clone())
            } else {
                p.clone()
            }
        })
        .collect();
    let signal = handlers::canonical_signal(launch.stop_signal())?;
    let verdict = handlers::check(ctx, lang, &entry_rel, &preloads, &signal);
    Some(AppHandlers {
        lang,
        entry_rel,
        signal,
        verdict,
    })
}
