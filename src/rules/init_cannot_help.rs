//! DSIG016: tini or dumb-init sits in front of something it cannot help.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::HopKind;
use crate::model::base_images::ShellKind;
use crate::model::chain::PackageManager;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig016,
    summary: "an init (tini, dumb-init) runs npm/yarn/pnpm or a shell that keeps the app from getting the signal; the init cannot fix that",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG016.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(launch)) = (cx.chain, cx.launch) else {
        return vec![];
    };
    let Some(i) = chain
        .hops
        .iter()
        .position(|h| matches!(h.kind, HopKind::Init { .. }))
    else {
        return vec![];
    };
    let HopKind::Init { name, group } = &chain.hops[i].kind else {
        return vec![];
    };
    let Some(next) = chain.hops.get(i + 1) else {
        return vec![];
    };
    let app = chain
        .main()
        .map(|m| m.app_name())
        .unwrap_or_else(|| "the app".into());
    let what = match &next.kind {
        HopKind::PackageManager {
            pm: PackageManager::Yarn,
            ..
        } => Some(format!(
            "yarn 1, which forwards SIGTERM to its shell and exits at once: {app}'s shutdown is cut short with or without {name}"
        )),
        HopKind::PackageManager { pm, script_run, .. } => {
            let execs = script_run.as_ref().and_then(|r| r.execs);
            let bad = match execs {
                Some(false) => true,
                Some(true) => false,
                None => launch.bin_sh == ShellKind::Dash,
            };
            bad.then(|| format!(
                "{}, whose script shell (/bin/sh, {}) stays between it and {app}: {app} is still killed without running its handler",
                pm.name(),
                launch.bin_sh.display()
            ))
        }
        HopKind::Shell {
            execs: Some(false),
            flavor,
            ..
        } => Some(format!(
            "a shell ({}) that stays between it and {app}: {name} forwards SIGTERM to the shell, not to {app}",
            flavor.display()
        )),
        HopKind::Script {
            execs: Some(false),
            path: Some(p),
            ..
        } => Some(format!(
            "{p}, which runs {app} without exec: {name} forwards SIGTERM to the script's shell, not to {app}"
        )),
        _ => None,
    };
    let Some(what) = what else {
        return vec![];
    };
    let group_note = if *group {
        format!(
            "; {name}'s group mode (signal to the whole process group) is racy here and does not fix it either"
        )
    } else {
        String::new()
    };
    let mut d = RULE.diag(
        Severity::Error,
        cx.hop_span(i),
        format!("{name} ({}) runs {what}{group_note}", cx.hop_source(i)),
    );
    d.set_label(format!("{name} cannot reach {app}"));
    d.set_help(format!(
        "remove the process in between: have {name} start {app} directly, e.g. `ENTRYPOINT [\"{name}\", \"--\"]` with `CMD [\"{app}\", …]`, or `exec` in the script"
    ));
    vec![d]
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .file("package.json", r#"{"scripts":{"start":"node server.js"}}"#)
            .pass(&[
                "FROM node:22\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22-alpine\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"npm\", \"start\"]\n",
                "FROM debian\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sh\", \"-c\", \"exec node server.js\"]\n",
            ])
            .fail(&[
                "FROM node:22\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nENTRYPOINT [\"dumb-init\"]\nCMD [\"yarn\", \"start\"]\n",
                "FROM debian\nENTRYPOINT [\"tini\", \"-g\", \"--\"]\nCMD [\"sh\", \"-c\", \"node server.js; echo bye\"]\n",
            ])
            .run();
    }
}
