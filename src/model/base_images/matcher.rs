//! Tag matchers: the conditions a table row sets on a tag.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cond {
    Any,
    Contains(&'static str),
    Prefix(&'static str),
    Equals(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hit {
    /// A condition naming this variant matched.
    Positive,
    /// Only the `*` fallback matched.
    Fallback,
}

#[derive(Debug, Clone)]
pub(super) struct Matcher {
    /// Alternatives; each is a conjunction of conditions.
    pub(super) alts: Vec<Vec<Cond>>,
}

impl Matcher {
    pub(super) fn parse(text: &'static str) -> Result<Matcher, String> {
        let mut alts = Vec::new();
        for alt in text.split('|') {
            let mut conds = Vec::new();
            for c in alt.split('&') {
                let cond = if c == "*" {
                    Cond::Any
                } else if let Some(x) = c.strip_prefix('~') {
                    Cond::Contains(x)
                } else if let Some(x) = c.strip_prefix('^') {
                    Cond::Prefix(x)
                } else if let Some(x) = c.strip_prefix('=') {
                    Cond::Equals(x)
                } else {
                    return Err(format!("bad match condition {c:?}"));
                };
                let bad_text = match &cond {
                    Cond::Any => false,
                    Cond::Contains(x) | Cond::Prefix(x) | Cond::Equals(x) => {
                        x.is_empty() || x.chars().any(|ch| ch.is_ascii_uppercase())
                    }
                };
                if bad_text {
                    return Err(format!("empty or upper-case match text in {c:?}"));
                }
                conds.push(cond);
            }
            if conds.contains(&Cond::Any) && conds.len() > 1 {
                return Err(format!("'*' must stand alone in {alt:?}"));
            }
            alts.push(conds);
        }
        Ok(Matcher { alts })
    }

    pub(super) fn has_fallback(&self) -> bool {
        self.alts.iter().any(|a| a == &[Cond::Any])
    }

    pub(super) fn hit_concrete(&self, tag: &str) -> Option<Hit> {
        let positive = self.alts.iter().any(|alt| {
            alt != &[Cond::Any]
                && alt.iter().all(|c| match c {
                    Cond::Any => true,
                    Cond::Contains(x) => tag.contains(x),
                    Cond::Prefix(x) => tag.starts_with(x),
                    Cond::Equals(x) => tag == *x,
                })
        });
        if positive {
            Some(Hit::Positive)
        } else if self.has_fallback() {
            Some(Hit::Fallback)
        } else {
            None
        }
    }

    /// Does a positive condition match on the visible text of a tag with variables?
    pub(super) fn hit_visible(&self, tag: &Tag) -> bool {
        self.alts.iter().any(|alt| {
            alt != &[Cond::Any]
                && alt.iter().all(|c| match c {
                    Cond::Any => true,
                    Cond::Contains(x) => tag.visible_contains(x),
                    Cond::Prefix(x) => tag.visible_starts_with(x),
                    Cond::Equals(x) => tag.concrete().as_deref() == Some(*x),
                })
        })
    }
}
