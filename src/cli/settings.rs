//! The settings of one file's lint, made from the command line together
//! with the `.dsig.yaml` that applies to it.

use super::{ConfigArgs, RuleChoice};
use dsig::code::RuleCode;
use dsig::config::{self, Loaded, Source};
use dsig::error::Error;
use dsig::lint::LintOptions;
use dsig::model::ModelOptions;
use dsig::suppress::Filter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl ConfigArgs {
    /// Where each file's configuration comes from.
    pub fn source(&self) -> Result<Source, Error> {
        if self.no_config {
            return Ok(Source::None);
        }
        match &self.config {
            Some(p) => config::load(p)
                .map(|l| Source::File(Arc::new(l)))
                .map_err(|e| Error::Setup(e.to_string())),
            None => Ok(Source::Discover(Default::default())),
        }
    }
}

/// Lint options from a file's configuration and the command line.
pub fn options(
    cfg: Option<&Loaded>,
    target: &Option<String>,
    context: Option<PathBuf>,
    warn_unused_ignores: bool,
    rules: &RuleChoice,
) -> LintOptions {
    let mut o = LintOptions {
        target: target.clone(),
        context,
        ..Default::default()
    };
    o.filter = Filter {
        warn_unused_ignores,
        ..Default::default()
    };
    if let Some(c) = cfg.map(|l| &l.config) {
        o.runtime_init = cfg
            .filter(|_| c.init)
            .map(|l| format!("{}: init: true", l.path.display()));
        o.model = ModelOptions {
            shells: c.shells.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        };
        o.images = std::sync::Arc::new(cfg.map(|l| l.images()).unwrap_or_default());
        o.filter.ignore = c.ignore.iter().map(|c| c.0).collect();
        o.filter.severity = c
            .severity
            .iter()
            .map(|(code, level)| (code.0, level.severity()))
            .collect();
    }
    choose_rules(&mut o.filter, rules);
    o
}

/// The command line's choice of rules over the configuration's: `--ignore`
/// replaces its `ignore:`, `--extend-ignore` adds to it, `--select` leaves
/// out every other rule but syntax errors, `--severity` comes first.
fn choose_rules(filter: &mut Filter, rules: &RuleChoice) {
    if let Some(ignore) = &rules.ignore {
        filter.ignore = ignore.clone();
    }
    filter.ignore.extend(&rules.extend_ignore);
    if let Some(select) = &rules.select {
        let others = RuleCode::ALL
            .iter()
            .filter(|c| **c != RuleCode::Dsig000 && !select.contains(c));
        filter.ignore.extend(others);
    }
    // the first entry for a code is the one that applies
    let mut severity = rules.severity.clone();
    severity.append(&mut filter.severity);
    filter.severity = severity;
}

/// A file's path relative to its repository root, with `/` separators; the
/// path as given when it is in no repository.
pub fn repo_path(p: &Path) -> String {
    let given = || p.display().to_string().replace('\\', "/");
    let Some(root) = config::repo_root(&dsig::dirs::parent_dir(p)) else {
        return given();
    };
    match config::absolute(p).strip_prefix(&root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => given(),
    }
}
