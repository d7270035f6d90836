//! Where rule pages are published, and rule metadata for renderers.
//!
//! The pages live in this repository as `rules/<CODE>.md` and are compiled
//! into the binary (`dsig explain CODE`). Their public address is not fixed
//! by the code: [`DEFAULT_DOCS_URL`] is the one place to set it, and the
//! environment variable [`DOCS_URL_ENV`] (`DSIG_DOCS_URL`) overrides it at
//! run time, e.g. `DSIG_DOCS_URL=https://github.com/dsig-dev/dsig/blob/v0.1.0/rules`.
//! A rule's `helpUri` is then `<base>/<CODE>.md`.
//!
//! SARIF requires `helpUri` to be an absolute URI, so without a base no
//! `helpUri` is written; each rule's whole page is in the SARIF `help`
//! property instead, which is what GitHub shows on an alert.

use crate::report::{RuleInfo, ToolInfo};
use crate::rules::RULES;

/// The base URL of the rule pages (without a trailing `/`; also used as the
/// tool's SARIF `informationUri`), or `None` when
/// they have no known public address.
pub const DEFAULT_DOCS_URL: Option<&str> = None;

/// The environment variable that overrides [`DEFAULT_DOCS_URL`].
pub const DOCS_URL_ENV: &str = "DSIG_DOCS_URL";

/// The base URL in force: `env` (the value of [`DOCS_URL_ENV`]) if set and
/// not empty, else [`DEFAULT_DOCS_URL`]. It must be an absolute URI.
pub fn base_url(env: Option<&str>) -> Result<Option<String>, String> {
    let base = match env.map(str::trim).filter(|s| !s.is_empty()) {
        Some(v) => v,
        None => match DEFAULT_DOCS_URL {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    if !is_absolute_uri(base) {
        return Err(format!(
            "{DOCS_URL_ENV}={base:?} is not an absolute URL (such as https://example.org/dsig/rules)"
        ));
    }
    Ok(Some(base.trim_end_matches('/').to_string()))
}

/// `scheme:...` with a scheme as RFC 3986 defines it, and something after it.
fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// The first paragraph of a page's `## What it finds` section, on one line.
pub fn what_it_finds(page: &str) -> String {
    let mut lines = page.lines().skip_while(|l| l.trim() != "## What it finds");
    lines.next();
    let para: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    para.join(" ")
}

/// dsig and its rules, as the renderers take them.
pub fn tool_info(base: Option<&str>) -> ToolInfo {
    ToolInfo {
        name: "dsig".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        information_uri: base.map(String::from),
        rules: RULES
            .iter()
            .map(|r| RuleInfo {
                code: r.code.as_str().into(),
                name: r.name().into(),
                summary: r.summary.into(),
                description: what_it_finds(r.doc),
                default_severity: r.default_severity,
                help_uri: base.map(|b| format!("{b}/{}.md", r.code)),
                help_markdown: r.doc.into(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_absolute() {
        assert_eq!(base_url(None), Ok(DEFAULT_DOCS_URL.map(String::from)));
        assert_eq!(base_url(Some("")), Ok(DEFAULT_DOCS_URL.map(String::from)));
        assert_eq!(
            base_url(Some("https://example.org/dsig/rules/")),
            Ok(Some("https://example.org/dsig/rules".into()))
        );
        for bad in [
            "rules",
            "rules/DSIG001.md",
            "/rules",
            "1http://x",
            "https://a b",
        ] {
            assert!(base_url(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_rule_has_a_description() {
        let info = tool_info(Some("https://example.org/r"));
        for r in &info.rules {
            assert!(r.description.len() > 20, "{}: {:?}", r.code, r.description);
            assert!(!r.description.contains('\n'));
            assert_eq!(
                r.help_uri.as_deref(),
                Some(format!("https://example.org/r/{}.md", r.code).as_str())
            );
        }
    }
}
