//! DSIG008: STOPSIGNAL that Docker does not accept.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::expand;
use crate::parse::{Args, Kind};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig008,
    summary: "STOPSIGNAL names no signal Docker accepts (or SIGKILL, which cannot be handled)",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG008.md"),
    check,
};

/// Signal names Docker accepts on Linux (without `SIG`), with their numbers.
const SIGNALS: &[(&str, u32)] = &[
    ("ABRT", 6),
    ("ALRM", 14),
    ("BUS", 7),
    ("CHLD", 17),
    ("CLD", 17),
    ("CONT", 18),
    ("FPE", 8),
    ("HUP", 1),
    ("ILL", 4),
    ("INT", 2),
    ("IO", 29),
    ("IOT", 6),
    ("KILL", 9),
    ("PIPE", 13),
    ("POLL", 29),
    ("PROF", 27),
    ("PWR", 30),
    ("QUIT", 3),
    ("SEGV", 11),
    ("STKFLT", 16),
    ("STOP", 19),
    ("SYS", 31),
    ("TERM", 15),
    ("TRAP", 5),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("USR1", 10),
    ("USR2", 12),
    ("VTALRM", 26),
    ("WINCH", 28),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("RTMIN", 34),
    ("RTMAX", 64),
];

/// Parse a STOPSIGNAL value as Docker does: a non-zero number, or a name
/// with or without `SIG` in any case, including `RTMIN+n` and `RTMAX-n`.
/// Returns the canonical name (`SIGTERM`, `SIGRTMIN+3`) or number.
pub fn parse_signal(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if let Ok(n) = v.parse::<i64>() {
        if n == 0 {
            return Err("signal 0 is not a signal".into());
        }
        if !(1..=64).contains(&n) {
            return Err(format!("there is no signal {n} (Linux has 1 to 64)"));
        }
        let name = SIGNALS
            .iter()
            .find(|(_, num)| *num as i64 == n)
            .map(|(s, _)| *s);
        return Ok(match name {
            Some(s) => format!("SIG{s}"),
            None => n.to_string(),
        });
    }
    let upper = v.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if SIGNALS.iter().any(|(s, _)| *s == name) {
        return Ok(format!("SIG{name}"));
    }
    for (base, range) in [("RTMIN+", 1..=15), ("RTMAX-", 1..=14)] {
        if let Some(n) = name.strip_prefix(base).and_then(|n| n.parse::<i64>().ok()) {
            if range.contains(&n) {
                return Ok(format!("SIG{base}{n}"));
            }
            return Err(format!("SIG{base}{n} is out of range"));
        }
    }
    Err(format!("{raw:?} is not a signal name"))
}

/// The signal name closest to a misspelt one (at most two edits away).
fn nearest(raw: &str) -> Option<String> {
    let upper = raw.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let dist = |a: &str, b: &str| {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        // edit distance with transpositions (optimal string alignment)
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
    };
    let mut best: Vec<(usize, &str)> = SIGNALS
        .iter()
        .map(|(s, _)| (dist(name, s), *s))
        .filter(|(d, _)| *d <= 2)
        .collect();
    best.sort();
    match best.as_slice() {
        [(d, s), rest @ ..] if rest.first().is_none_or(|(d2, _)| d2 > d) => Some(format!("SIG{s}")),
        _ => None,
    }
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
            (Kind::Stopsignal, Args::String(w)) => {
                let value = expand(&w.value, &vars);
                if value.contains('$') {
                    continue; // set at build time: cannot judge
                }
                match parse_signal(&value) {
                    Err(why) => {
                        let mut d = RULE.diag(
                            Severity::Error,
                            w.span,
                            format!("STOPSIGNAL {value}: {why}; Docker rejects the image"),
                        );
                        d.set_label("not a signal");
                        match nearest(&value) {
                            // a misspelt name: the signal it was meant to be
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
                            _ => {
                                d.set_help("use the signal the app handles for a graceful stop, e.g. `STOPSIGNAL SIGTERM`");
                            }
                        }
                        out.push(d);
                    }
                    Ok(canon) if canon == "SIGKILL" || canon == "SIGSTOP" => {
                        let mut d = RULE.diag(
                            Severity::Warning,
                            w.span,
                            format!("STOPSIGNAL {value}: {canon} cannot be caught, so the app never gets a chance to shut down cleanly{}", if canon == "SIGSTOP" { " (SIGSTOP only pauses it; Docker then kills it after the stop timeout)" } else { "" }),
                        );
                        d.set_help("use the signal the app handles for a graceful stop, e.g. `STOPSIGNAL SIGTERM`");
                        out.push(d);
                    }
                    Ok(_) => {}
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tester::Tester;

    #[test]
    fn parsing() {
        assert_eq!(parse_signal("SIGTERM").unwrap(), "SIGTERM");
        assert_eq!(parse_signal("term").unwrap(), "SIGTERM");
        assert_eq!(parse_signal("sigQuit").unwrap(), "SIGQUIT");
        assert_eq!(parse_signal("15").unwrap(), "SIGTERM");
        assert_eq!(parse_signal("RTMIN+3").unwrap(), "SIGRTMIN+3");
        assert_eq!(parse_signal("40").unwrap(), "40");
        assert!(parse_signal("0").is_err());
        assert!(parse_signal("SIGTERMINATE").is_err());
        assert!(parse_signal("RTMIN+16").is_err());
        assert!(parse_signal("99").is_err());
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
