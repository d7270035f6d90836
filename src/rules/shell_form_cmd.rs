//! DSIG001: the effective CMD is shell form.

use super::{Rule, RuleContext, shell_form};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Form;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig001,
    summary: "the CMD that runs is shell form, so /bin/sh may stand between SIGTERM and the app",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG001.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(launch) = cx.launch else {
        return vec![];
    };
    let Some(cmd) = &launch.cmd else {
        return vec![];
    };
    // A shell-form ENTRYPOINT drops CMD: DSIG002's finding.
    if matches!(
        launch.entrypoint.as_ref().map(|e| &e.form),
        Some(Form::Shell { .. })
    ) {
        return vec![];
    }
    shell_form::finding(cx, &RULE, cmd, "CMD")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM node:22\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22\nCMD exec node server.js\n",
                "FROM node:22\nENTRYPOINT node server.js\nCMD x\n",
                "FROM node:22\nCMD ['node', 'server.js']\n",
                "FROM node:22 AS build\nCMD node x\nFROM node:22\nCMD [\"node\"]\n",
                // Windows: no claim from Linux measurements, no backslash lost
                "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD C:\\go\\bin\\go.exe run main.go\n",
                "FROM golang:1.22-windowsservercore\nSHELL [\"powershell\", \"-Command\"]\nCMD C:\\app\\server.exe\n",
                "FROM mycorp/base\nSHELL [\"cmd\", \"/S\", \"/C\"]\nCMD C:\\app\\server.exe\n",
            ])
            .fail(&[
                "FROM node:22\nCMD node server.js\n",
                "FROM node:22-alpine\nCMD node server.js\n",
                "FROM node:22-alpine\nCMD node server.js; echo done\n",
                "FROM node:22-alpine\nCMD cd /app && node server.js\n",
                "FROM ubuntu\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node server.js\n",
                "FROM gcr.io/distroless/nodejs22\nCMD node server.js\n",
                "FROM gcr.io/distroless/python3-debian13\nCMD python main.py\n",
                "FROM gcr.io/distroless/java21-debian13\nCMD java -jar /app/app.jar\n",
                "FROM mycorp/base\nCMD node server.js\n",
                // anything after the app keeps every shell (fact 7): an
                // error whatever the image's shell
                "FROM mycorp/base\nCMD node server.js; echo done\n",
                "FROM python:3.12\nENTRYPOINT [\"tini\", \"--\"]\nCMD python app.py | tee log\n",
                "FROM node:22 AS base\nCMD npm start\nFROM base\nRUN true\n",
            ])
            .run();
    }
}
