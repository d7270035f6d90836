//! One file per rule. Syntax rules look at the AST, signal rules at the
//! launch chain. A rule returns diagnostics with spans, message, help and,
//! where safe, a fix; it knows nothing of how they are rendered.

use crate::code::RuleCode;
use crate::context::Context;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::{Chain, Launch, Origin, Stage};
use crate::parse::Dockerfile;

pub mod app_no_sigterm_handler;
pub mod background_main_process;
pub mod daemonizing_main_process;
pub mod entrypoint_no_exec;
mod helpers;
pub mod init_cannot_help;
pub mod invalid_stopsignal;
pub mod keepalive_pid1;
pub mod malformed_exec_form;
pub mod missing_init;
pub mod package_manager_pid1;
pub mod repeated_cmd_entrypoint;
mod shell_form;
pub mod shell_form_cmd;
pub mod shell_form_entrypoint;
pub mod shell_wrapper;
pub mod stopsignal_mismatch;
pub mod su_wrapper;
pub mod syntax_error;
pub mod unused_ignore;

#[cfg(test)]
pub mod tester;

/// Everything a rule may look at.
pub struct RuleContext<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    pub stages: &'a [Stage],
    /// The stage that runs and its launch model (absent when the file has no
    /// stage, or `--target` names none).
    pub launch: Option<&'a Launch>,
    pub chain: Option<&'a Chain>,
    /// The app's signal handlers, when its entry file was read.
    pub app: Option<&'a crate::model::app::AppHandlers>,
    /// The build context: where fixed files are written. Rules read files
    /// through the model only (`image_file`, the hops, `app`).
    pub context: &'a Context,
}

impl RuleContext<'_> {
    /// A span in the Dockerfile for a launch origin; for what a base image
    /// contributes, the target stage's FROM.
    pub fn span_of(&self, origin: &Origin) -> Span {
        match origin {
            Origin::Dockerfile { span, .. } => *span,
            _ => self.from_span(),
        }
    }

    /// Where the line holding byte `offset` starts (to insert a line before it).
    pub fn line_start(&self, offset: usize) -> usize {
        self.src[..offset].rfind('\n').map(|p| p + 1).unwrap_or(0)
    }

    /// The FROM instruction of the stage that runs.
    pub fn from_span(&self) -> Span {
        self.launch
            .and_then(|l| self.stages.get(l.stage))
            .map(|s| self.df.instructions[s.from].span)
            .unwrap_or_default()
    }

    /// The span in the Dockerfile nearest to hop `i` of the chain: its own
    /// origin, else the closest Dockerfile origin before it.
    pub fn hop_span(&self, i: usize) -> Span {
        let Some(chain) = self.chain else {
            return self.from_span();
        };
        chain.hops[..=i.min(chain.hops.len().saturating_sub(1))]
            .iter()
            .rev()
            .map(|h| &h.origin)
            .find(|o| matches!(o, Origin::Dockerfile { .. }))
            .map(|o| self.span_of(o))
            .unwrap_or_else(|| self.from_span())
    }

    /// Where hop `i` comes from, for messages: `Dockerfile:12`,
    /// `docker-entrypoint.sh:27`, `package.json scripts.start`.
    pub fn hop_source(&self, i: usize) -> String {
        self.chain
            .and_then(|c| c.hops.get(i))
            .map(|h| h.origin.describe())
            .unwrap_or_default()
    }

    /// A file of the image that runs, when the build copies it from the
    /// context: its path in the context and its text (the model finds it
    /// through the stage's COPY lines and reads it).
    pub fn image_file(&self, path: &str) -> Option<(String, String)> {
        crate::model::copies::image_file(
            self.df,
            self.stages,
            self.launch?.stage,
            self.context,
            path,
        )
    }

    /// The base image of the stage that runs, as written.
    pub fn image(&self) -> &str {
        self.launch.map(|l| l.base_image.as_str()).unwrap_or("")
    }
}

pub struct Rule {
    pub code: RuleCode,
    /// One line: what the rule finds.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// The rule's page (`rules/DSIGnnn.md`).
    pub doc: &'static str,
    pub check: fn(&RuleContext) -> Vec<Diagnostic>,
}

impl Rule {
    /// A diagnostic of this rule.
    pub fn diag(
        &self,
        severity: Severity,
        span: Span,
        message: impl Into<std::sync::Arc<str>>,
    ) -> Diagnostic {
        Diagnostic::new(self.code, severity, span, message)
    }

    /// The rule's name, e.g. `shell-form-cmd`.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }
}

/// The rules that hold for Windows images too: a line Docker cannot read,
/// a malformed exec form.
const WINDOWS_RULES: &[RuleCode] = &[RuleCode::Dsig000, RuleCode::Dsig003];

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &shell_form_cmd::RULE,
    &shell_form_entrypoint::RULE,
    &malformed_exec_form::RULE,
    &package_manager_pid1::RULE,
    &missing_init::RULE,
    &entrypoint_no_exec::RULE,
    &shell_wrapper::RULE,
    &invalid_stopsignal::RULE,
    &repeated_cmd_entrypoint::RULE,
    &su_wrapper::RULE,
    &background_main_process::RULE,
    &keepalive_pid1::RULE,
    &daemonizing_main_process::RULE,
    &stopsignal_mismatch::RULE,
    &app_no_sigterm_handler::RULE,
    &init_cannot_help::RULE,
    &unused_ignore::RULE,
];

pub fn find(code: &str) -> Option<&'static Rule> {
    let code = RuleCode::parse(code)?;
    RULES.iter().copied().find(|r| r.code == code)
}

/// Run every rule.
pub fn run_all(cx: &RuleContext) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    // Windows images: the measured facts are about Linux (PID 1, POSIX
    // shells, signals); only what Docker itself rejects or misreads there
    // is reported
    let windows = cx.launch.is_some_and(|l| l.windows);
    for r in RULES {
        if windows && !WINDOWS_RULES.contains(&r.code) {
            continue;
        }
        let mut found = (r.check)(cx);
        // the first rule's findings are kept as they are, not copied
        if out.is_empty() {
            out = found;
        } else {
            // exactly: `append` alone would double a large list
            out.reserve_exact(found.len());
            out.append(&mut found);
        }
    }
    sort(&mut out);
    out
}

/// Findings in span order, then code order (stable; findings already in
/// order, the usual case, are not moved).
pub fn sort(d: &mut [Diagnostic]) {
    if !d.is_sorted_by_key(|d| (d.span.start, d.code)) {
        d.sort_by_key(|d| (d.span.start, d.code));
    }
}
