//! DSIG008: STOPSIGNAL that Docker does not accept.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::expand;
use crate::parse::{Args, Kind, Word};
use crate::signal::{self, Signal};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig008,
    summary: "STOPSIGNAL names no signal Docker accepts (or SIGKILL, which cannot be handled)",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG008.md"),
    check,
};

/// The signal name closest to a misspelt one (at most two edits away).
fn nearest(raw: &str) -> Option<String> {
    let upper = raw.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut best: Vec<(usize, &str)> = signal::names()
        .map(|s| (distance(name, s), s))
        .filter(|(d, _)| *d <= 2)
        .collect();
    best.sort();
    match best.as_slice() {
        [(d, s), rest @ ..] if rest.first().is_none_or(|(d2, _)| d2 > d) => Some(format!("SIG{s}")),
        _ => None,
    }
}

/// Edit distance with transpositions (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut vars: Vec<(String, String)> = Vec::new();
    for inst in &cx.df.instructions {
        match (&inst.kind, &inst.args) {
            (Kind::From, _) => vars.retain(|(k, _)| k.starts_with("__global")),
            (Kind::Arg, Args::Words(ws)) => {
                for w in ws {
                    if let Some((k, v)) = w.value.split_once('=') {
                        vars.push((k.to_string(), v.trim_matches(['"', '\'']).to_string()));
                    }
                }
            }
            (Kind::Env, Args::KeyValues(kvs)) => {
                for kv in kvs {
                    vars.push((
                        kv.key.value.clone(),
                        kv.value.value.trim_matches(['"', '\'']).to_string(),
                    ));
                }
            }
            (Kind::Stopsignal, Args::String(w)) => out.extend(stopsignal(w, &vars)),
            _ => {}
        }
    }
    out
}

/// The finding for one STOPSIGNAL, with the ARG and ENV values known so far.
fn stopsignal(w: &Word, vars: &[(String, String)]) -> Option<Diagnostic> {
    let value = expand(&w.value, vars);
    if value.contains('$') {
        return None; // set at build time: cannot judge
    }
    match Signal::parse(&value) {
        Err(why) => Some(not_a_signal(w, &value, &why)),
        Ok(sig) if sig.cannot_be_caught() => Some(uncatchable(w, &value, sig)),
        Ok(_) => None,
    }
}

/// A value Docker rejects; a misspelt name gets the signal it was meant to be.
fn not_a_signal(w: &Word, value: &str, why: &str) -> Diagnostic {
    let mut d = RULE.diag(
        Severity::Error,
        w.span,
        format!("STOPSIGNAL {value}: {why}; Docker rejects the image"),
    );
    d.set_label("not a signal");
    match nearest(value) {
        Some(name) if w.value == value => {
            d.set_help(format!("did you mean `STOPSIGNAL {name}`?"));
            d.set_fix(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    span: w.span,
                    replacement: name,
                    file: None,
                }],
            });
        }
        _ => d.set_help(GRACEFUL_HELP),
    }
    d
}

/// SIGKILL or SIGSTOP: accepted, but the app cannot act on it.
fn uncatchable(w: &Word, value: &str, sig: Signal) -> Diagnostic {
    let canon = sig.name();
    let pause = if sig == Signal::STOP {
        " (SIGSTOP only pauses it; Docker then kills it after the stop timeout)"
    } else {
        ""
    };
    let mut d = RULE.diag(
        Severity::Warning,
        w.span,
        format!("STOPSIGNAL {value}: {canon} cannot be caught, so the app never gets a chance to shut down cleanly{pause}"),
    );
    d.set_help(GRACEFUL_HELP);
    d
}

const GRACEFUL_HELP: &str =
    "use the signal the app handles for a graceful stop, e.g. `STOPSIGNAL SIGTERM`";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tester::Tester;

    #[test]
    fn suggestions() {
        assert_eq!(nearest("SIGTREM").as_deref(), Some("SIGTERM"));
        assert_eq!(nearest("QUITT").as_deref(), Some("SIGQUIT"));
        assert_eq!(nearest("SIGGRACEFUL"), None);
    }

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM nginx\nSTOPSIGNAL SIGQUIT\n",
                "FROM a\nSTOPSIGNAL 15\n",
                "FROM a\nSTOPSIGNAL sigrtmin+2\n",
                "FROM a\nARG SIG=SIGINT\nSTOPSIGNAL $SIG\n",
                "FROM a\nSTOPSIGNAL $FROM_BUILD_ARG\n",
            ])
            .fail(&[
                "FROM a\nSTOPSIGNAL SIGTERMINATE\n",
                "FROM a\nSTOPSIGNAL 0\n",
                "FROM a\nENV S=QUITT\nSTOPSIGNAL ${S}\n",
                "FROM a\nSTOPSIGNAL SIGKILL\n",
            ])
            .run();
    }
}
