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
pub mod prestop_outlasts_grace;
pub mod repeated_cmd_entrypoint;
pub mod shared_process_namespace;
mod shell_form;
pub mod shell_form_cmd;
pub mod shell_form_entrypoint;
pub mod shell_wrapper;
pub mod stop_signal_override;
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
    /// The container a manifest launches, when a manifest is linted: `src`
    /// is then the manifest, and `df` the Dockerfile of its image (empty
    /// when the image is not built here).
    pub placement: Option<&'a crate::model::platform::Placement>,
    /// The build context: where fixed files are written. Rules read files
    /// through the model only (`image_file`, the hops, `app`).
    pub context: &'a Context,
}

impl RuleContext<'_> {
    /// A span in the file being linted for a launch origin; for what a base
    /// image contributes, the target stage's FROM (in a manifest, the
    /// container).
    pub fn span_of(&self, origin: &Origin) -> Span {
        origin.span_here().unwrap_or_else(|| self.from_span())
    }

    /// Where the line holding byte `offset` starts (to insert a line before it).
    pub fn line_start(&self, offset: usize) -> usize {
        self.src[..offset].rfind('\n').map(|p| p + 1).unwrap_or(0)
    }

    /// The FROM instruction of the stage that runs; in a manifest, the
    /// container's first line.
    pub fn from_span(&self) -> Span {
        if let Some(p) = self.placement {
            return p.container.span;
        }
        self.launch
            .and_then(|l| self.stages.get(l.stage))
            .and_then(|s| self.df.instructions.get(s.from))
            .map(|i| i.span)
            .unwrap_or_default()
    }

    /// When the runtime gives up waiting and sends SIGKILL, for messages.
    pub fn grace(&self) -> String {
        match self.placement {
            Some(p) => p.grace_text(),
            None => helpers::GRACE.to_string(),
        }
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
            .find_map(|o| o.span_here())
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
    &prestop_outlasts_grace::RULE,
    &stop_signal_override::RULE,
    &shared_process_namespace::RULE,
    &unused_ignore::RULE,
];

/// The rules that judge a container a manifest launches: the launch-chain
/// rules, and those about what only a platform sets.
const PLACEMENT_RULES: &[RuleCode] = &[
    RuleCode::Dsig004,
    RuleCode::Dsig005,
    RuleCode::Dsig006,
    RuleCode::Dsig007,
    RuleCode::Dsig010,
    RuleCode::Dsig011,
    RuleCode::Dsig012,
    RuleCode::Dsig013,
    RuleCode::Dsig014,
    RuleCode::Dsig015,
    RuleCode::Dsig016,
    RuleCode::Dsig017,
    RuleCode::Dsig018,
    RuleCode::Dsig019,
];

/// Launch-chain rules whose fixes may edit a manifest (the others' fixes
/// edit Dockerfile text and are dropped in a manifest).
const MANIFEST_FIXES: &[RuleCode] = &[RuleCode::Dsig007];

/// Rules about what only a platform sets (they find nothing in a
/// Dockerfile).
const PLATFORM_RULES: &[RuleCode] = &[RuleCode::Dsig017, RuleCode::Dsig018, RuleCode::Dsig019];

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

/// Run the rules on a container a manifest launches (`cx.placement`).
///
/// - An init container runs to completion before the pod starts: no stop
///   rule applies to it.
/// - Under `shareProcessNamespace: true` no container's process is PID 1,
///   and the launch-chain rules, which rest on PID 1's facts, are left to
///   DSIG019.
/// - A launch-chain finding is kept when the manifest sets the command
///   (`command`/`args`), or when it points at a field the manifest sets (a
///   stop signal, an init); one that lies wholly in the image is the
///   image's Dockerfile's to report.
/// - Their fixes edit Dockerfile text, so they are dropped here (the help
///   still says what to write), but for the rules of [`MANIFEST_FIXES`],
///   whose fixes in a manifest edit the manifest.
pub fn run_placement(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(p) = cx.placement else {
        return vec![];
    };
    if p.one_shot() || cx.launch.is_some_and(|l| l.windows) {
        return vec![];
    }
    let shared = p.share_process_namespace.as_ref().is_some_and(|s| s.value);
    let mut out = Vec::new();
    for r in RULES.iter().filter(|r| PLACEMENT_RULES.contains(&r.code)) {
        let platform = PLATFORM_RULES.contains(&r.code);
        if shared && !platform {
            continue;
        }
        for mut d in (r.check)(cx) {
            if !platform && !p.sets_command() && d.span == p.container.span {
                continue;
            }
            if !platform && !MANIFEST_FIXES.contains(&r.code) {
                d.take_fix();
            }
            out.push(d);
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
