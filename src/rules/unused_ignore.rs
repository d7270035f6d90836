//! DSIG900: an inline `# dsig ignore=` that suppressed nothing. The finding
//! is made where suppression is applied (`suppress.rs`, with
//! `--warn-unused-ignores`), after every other rule ran: this rule's own
//! check finds nothing.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig900,
    summary: "an inline `# dsig ignore=` that suppressed nothing (reported with --warn-unused-ignores)",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG900.md"),
    check,
};

fn check(_: &RuleContext) -> Vec<Diagnostic> {
    Vec::new()
}
