//! DSIG005: PID 1 would be an app runtime itself, with no init in front.

use super::helpers;
use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::chain::Runtime;
use crate::model::{HopKind, Origin};
use crate::parse::{Args, Kind};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig005,
    summary: "PID 1 would be the app runtime itself (node, python, ...) with no init to forward signals and reap zombies",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG005.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(launch)) = (cx.chain, cx.launch) else {
        return vec![];
    };
    // Only judge a launch the Dockerfile writes: an image that keeps its base
    // image's CMD (a REPL, a build image) is not an app.
    let own = |s: &Option<crate::model::Setting>| {
        s.as_ref()
            .is_some_and(|s| !matches!(s.origin, Origin::BaseImage { .. }))
    };
    if !own(&launch.cmd) && !own(&launch.entrypoint) {
        return vec![];
    }
    let Some(p) = chain.pid1() else {
        return vec![];
    };
    let hop = &chain.hops[p];
    let HopKind::App {
        runtime: Some(runtime),
    } = hop.kind
    else {
        return vec![];
    };
    // Only the app itself as PID 1 counts: when it is the last hop.
    if p + 1 != chain.hops.len() {
        return vec![];
    }
    // `python3 -V`, `node --version`: prints and exits, never stopped
    if hop.argv.len() == 2
        && matches!(
            hop.argv[1].as_str(),
            "-V" | "-v" | "--version" | "-h" | "--help" | "-VV"
        )
    {
        return vec![];
    }
    let name = runtime.name();
    let (severity, message) = judge(&runtime, launch.stop_signal(), &cx.grace());
    let span = cx.span_of(&hop.origin);
    let mut d = RULE.diag(severity, span, message);
    d.set_label(format!("{name} becomes PID 1"));
    // The literal fix: an init in ENTRYPOINT, keeping an image entrypoint.
    let existing: Vec<String> = launch
        .entrypoint
        .as_ref()
        .map(|e| e.argv())
        .unwrap_or_default();
    if let Some(p) = cx.placement {
        d.set_help(match p.platform {
            crate::manifest::Platform::Ecs => "set `linuxParameters.initProcessEnabled: true` in the container definition, or handle SIGTERM in the app".to_string(),
            _ => format!(
                "handle SIGTERM in the app, or start it through an init installed in the image (tini or dumb-init): `{}: [\"tini\", \"--\", …]`; Kubernetes starts no init of its own",
                p.field_names().0
            ),
        });
        return vec![d];
    }
    let help = match helpers::tini_install(launch.bin_sh, &launch.base_image) {
        Some((install, path)) => {
            let mut ep = vec![path.to_string(), "--".to_string()];
            ep.extend(existing);
            if let Some(f) = fix(cx, launch, install, &ep) {
                d.set_fix(f);
            }
            format!(
                "add an init: `{install}` and `ENTRYPOINT {}`; or run with `docker run --init` (compose: `init: true`)",
                helpers::exec_form(&ep)
            )
        }
        None => "run with `docker run --init` (compose: `init: true`), or install tini or dumb-init and put it first in ENTRYPOINT".into(),
    };
    d.set_help(help);
    vec![d]
}

/// The severity and the message for a runtime that is PID 1, by the stop
/// signal (`TERM`, `15` and `SIGTERM` are one signal).
fn judge(runtime: &Runtime, stop: &str, grace: &str) -> (Severity, String) {
    let signal = crate::signal::Signal::parse(stop).map_or_else(|_| stop.to_string(), |s| s.name());
    match runtime {
        Runtime::Node if signal == "SIGTERM" => (
            Severity::Warning,
            format!(
                "node runs as PID 1 with no init: unless the app installs its own {stop} handler, node ignores SIGTERM and SIGINT as PID 1 and is SIGKILLed {grace}; orphaned child processes are never reaped (they stay as zombies)"
            ),
        ),
        // facts 1 and 22: PID 1 gets no signal it has no handler for
        Runtime::Node => (
            Severity::Warning,
            format!(
                "node runs as PID 1 with no init and the stop signal is {stop}: unless the app installs its own {stop} handler, node ignores it as PID 1 and is SIGKILLed {grace}; orphaned child processes are never reaped (they stay as zombies)"
            ),
        ),
        Runtime::Python if signal == "SIGTERM" => (
            Severity::Warning,
            format!(
                "python runs as PID 1 with no init: unless the app installs its own {stop} handler, python ignores SIGTERM as PID 1 and is SIGKILLed {grace} (only SIGINT works); orphaned child processes are never reaped (they stay as zombies)"
            ),
        ),
        // fact 3: python's own SIGINT handler stops it
        Runtime::Python if signal == "SIGINT" => (
            Severity::Info,
            "python runs as PID 1 with no init: the stop signal SIGINT stops it (as a KeyboardInterrupt), but orphaned child processes are never reaped (they stay as zombies)".to_string(),
        ),
        Runtime::Python => (
            Severity::Warning,
            format!(
                "python runs as PID 1 with no init and the stop signal is {stop}: unless the app installs its own {stop} handler, python ignores it as PID 1 and is SIGKILLed {grace}; orphaned child processes are never reaped (they stay as zombies)"
            ),
        ),
        Runtime::Other(n) => (
            Severity::Info,
            format!(
                "{n} runs as PID 1 with no init; how {n} behaves as PID 1 without a signal handler has not been measured, and nothing reaps orphaned child processes"
            ),
        ),
    }
}

/// Install tini and put it first in ENTRYPOINT: replace the stage's own
/// exec-form ENTRYPOINT, or add one (with the install line) before its CMD.
/// Unsafe: it changes the image. Not offered after a `USER` (the install
/// needs root) or when the stage's ENTRYPOINT is shell form.
fn fix(
    cx: &RuleContext,
    launch: &crate::model::Launch,
    install: &str,
    ep: &[String],
) -> Option<Fix> {
    let stage = &cx.stages[launch.stage];
    let insts = &cx.df.instructions;
    let own = |k: Kind| {
        (stage.from + 1..stage.end)
            .rev()
            .find(|&i| insts[i].kind == k)
    };
    let json = helpers::exec_form(ep);
    let anchor = match (own(Kind::Entrypoint), own(Kind::Cmd)) {
        (Some(e), _) => e,
        (None, Some(c)) => c,
        (None, None) => return None,
    };
    if (stage.from + 1..anchor).any(|i| insts[i].kind == Kind::User) {
        return None;
    }
    let mut edits = vec![helpers::insert_before_line(
        cx,
        insts[anchor].span.start,
        format!("{install}\n"),
    )];
    match own(Kind::Entrypoint) {
        Some(e) => {
            let Args::Exec { span, .. } = &insts[e].args else {
                return None;
            };
            edits.push(Edit {
                span: *span,
                replacement: json,
                file: None,
            });
        }
        None => edits[0]
            .replacement
            .push_str(&format!("ENTRYPOINT {json}\n")),
    }
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM node:22\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"server.js\"]\n",
                // prints its version and exits: never stopped
                "FROM python:3.12-slim\nCMD [\"/usr/local/bin/python3\", \"-V\"]\n",
                "FROM node:22-alpine\nRUN apk add dumb-init\nENTRYPOINT [\"/usr/bin/dumb-init\", \"--\"]\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22\nCMD node server.js\n",
                "FROM jenkins/jenkins:lts\n",
                "FROM node:22\n",
                "FROM golang:1.23 AS build\nFROM scratch\nCMD [\"/app\"]\n",
            ])
            .fail(&[
                "FROM node:22\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22-alpine\nCMD node server.js\n",
                "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
                "FROM python:3.12-slim\nSTOPSIGNAL SIGINT\nCMD [\"python\", \"app.py\"]\n",
                "FROM node:22\nSTOPSIGNAL SIGQUIT\nCMD [\"node\", \"server.js\"]\n",
                "FROM ruby:3.3\nCMD [\"ruby\", \"app.rb\"]\n",
                "FROM debian\nCMD [\"gosu\", \"app\", \"node\", \"x.js\"]\n",
            ])
            .run();
    }
}
