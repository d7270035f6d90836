//! Signals as Docker reads them on Linux: a STOPSIGNAL value (`SIGTERM`,
//! `term`, `15`, `RTMIN+3`) parsed into a number and a canonical name.

use std::fmt;

/// Signal names Docker accepts on Linux (without `SIG`), with their numbers.
/// Where two names share a number, the first one names the number.
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

/// Linux numbers signals from 1 to 64.
const HIGHEST: u32 = 64;

/// The stop signal Docker sends when the image sets none.
pub const DEFAULT_STOP: &str = "SIGTERM";

/// How a signal is named once parsed.
#[derive(Clone, Copy, Debug)]
enum Name {
    /// A name of the table (`TERM`, `IOT`), without `SIG`.
    Table(&'static str),
    /// `RTMIN+n`.
    RtMin(u32),
    /// `RTMAX-n`.
    RtMax(u32),
    /// A number with no name of its own (`40`).
    Number,
}

/// A signal Docker accepts: its number and the name it was given
/// (canonical form: `SIGTERM`, `SIGRTMIN+3`, or the bare number).
/// Two signals are equal when their numbers are (`SIGIOT` is `SIGABRT`).
#[derive(Clone, Copy, Debug)]
pub struct Signal {
    number: u32,
    name: Name,
}

impl PartialEq for Signal {
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl Eq for Signal {}

impl Signal {
    pub const INT: Signal = Signal::named("INT", 2);
    pub const QUIT: Signal = Signal::named("QUIT", 3);
    pub const KILL: Signal = Signal::named("KILL", 9);
    pub const TERM: Signal = Signal::named("TERM", 15);
    pub const STOP: Signal = Signal::named("STOP", 19);
    pub const WINCH: Signal = Signal::named("WINCH", 28);

    const fn named(name: &'static str, number: u32) -> Signal {
        Signal {
            number,
            name: Name::Table(name),
        }
    }

    /// The signal numbered `n` (1 to 64), named by the table where it has a name.
    pub fn from_number(n: u32) -> Option<Signal> {
        if !(1..=HIGHEST).contains(&n) {
            return None;
        }
        let name = SIGNALS
            .iter()
            .find(|(_, num)| *num == n)
            .map_or(Name::Number, |(s, _)| Name::Table(s));
        Some(Signal { number: n, name })
    }

    /// Parse a STOPSIGNAL value as Docker does: a non-zero number, or a name
    /// with or without `SIG` in any case, including `RTMIN+n` and `RTMAX-n`.
    /// The error says why the value is not a signal.
    pub fn parse(raw: &str) -> Result<Signal, String> {
        let v = raw.trim();
        if let Ok(n) = v.parse::<i64>() {
            return Self::parse_number(n);
        }
        let upper = v.to_ascii_uppercase();
        let name = upper.strip_prefix("SIG").unwrap_or(&upper);
        if let Some((s, n)) = SIGNALS.iter().find(|(s, _)| *s == name) {
            return Ok(Signal::named(s, *n));
        }
        if let Some(found) = Self::parse_realtime(name) {
            return found;
        }
        Err(format!("{raw:?} is not a signal name"))
    }

    /// A signal given by number.
    fn parse_number(n: i64) -> Result<Signal, String> {
        if n == 0 {
            return Err("signal 0 is not a signal".into());
        }
        u32::try_from(n)
            .ok()
            .and_then(Signal::from_number)
            .ok_or_else(|| format!("there is no signal {n} (Linux has 1 to {HIGHEST})"))
    }

    /// `RTMIN+n` (n from 1 to 15) or `RTMAX-n` (n from 1 to 14); `None` when
    /// the name has neither form.
    fn parse_realtime(name: &str) -> Option<Result<Signal, String>> {
        for (base, range) in [("RTMIN+", 1..=15), ("RTMAX-", 1..=14)] {
            let Some(n) = name.strip_prefix(base).and_then(|n| n.parse::<i64>().ok()) else {
                continue;
            };
            if !range.contains(&n) {
                return Some(Err(format!("SIG{base}{n} is out of range")));
            }
            let n = n as u32;
            return Some(Ok(if base == "RTMIN+" {
                Signal {
                    number: 34 + n,
                    name: Name::RtMin(n),
                }
            } else {
                Signal {
                    number: HIGHEST - n,
                    name: Name::RtMax(n),
                }
            }));
        }
        None
    }

    /// The signal's number (`15` for SIGTERM).
    pub fn number(self) -> u32 {
        self.number
    }

    /// The canonical name: `SIGTERM`, `SIGRTMIN+3`, or the number.
    pub fn name(self) -> String {
        self.to_string()
    }

    /// SIGKILL and SIGSTOP: no process can catch them.
    pub fn cannot_be_caught(self) -> bool {
        self == Signal::KILL || self == Signal::STOP
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Name::Table(s) => write!(f, "SIG{s}"),
            Name::RtMin(n) => write!(f, "SIGRTMIN+{n}"),
            Name::RtMax(n) => write!(f, "SIGRTMAX-{n}"),
            Name::Number => write!(f, "{}", self.number),
        }
    }
}

/// Every name of the table, without `SIG` (for suggestions).
pub fn names() -> impl Iterator<Item = &'static str> {
    SIGNALS.iter().map(|(s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        Signal::parse(raw).unwrap().name()
    }

    #[test]
    fn names_and_numbers() {
        assert_eq!(canon("SIGTERM"), "SIGTERM");
        assert_eq!(canon("term"), "SIGTERM");
        assert_eq!(canon("sigQuit"), "SIGQUIT");
        assert_eq!(canon("15"), "SIGTERM");
        assert_eq!(canon(" 2 "), "SIGINT");
        assert_eq!(canon("6"), "SIGABRT");
        assert_eq!(canon("IOT"), "SIGIOT");
        assert_eq!(canon("RTMIN+3"), "SIGRTMIN+3");
        assert_eq!(canon("rtmax-2"), "SIGRTMAX-2");
        assert_eq!(canon("40"), "40");
        assert_eq!(Signal::parse("RTMIN+3").unwrap().number(), 37);
        assert_eq!(Signal::parse("SIGRTMAX-2").unwrap().number(), 62);
        assert_eq!(
            Signal::parse("IOT").unwrap(),
            Signal::parse("ABRT").unwrap()
        );
        assert_eq!(Signal::parse("15").unwrap(), Signal::TERM);
        assert_eq!(Signal::from_number(28).unwrap().name(), "SIGWINCH");
        assert!(Signal::from_number(0).is_none());
        assert!(Signal::from_number(65).is_none());
        assert!(Signal::parse("9").unwrap().cannot_be_caught());
        assert!(!Signal::TERM.cannot_be_caught());
    }

    #[test]
    fn errors() {
        assert_eq!(Signal::parse("0").unwrap_err(), "signal 0 is not a signal");
        assert_eq!(
            Signal::parse("99").unwrap_err(),
            "there is no signal 99 (Linux has 1 to 64)"
        );
        assert_eq!(
            Signal::parse("-3").unwrap_err(),
            "there is no signal -3 (Linux has 1 to 64)"
        );
        assert_eq!(
            Signal::parse("RTMIN+16").unwrap_err(),
            "SIGRTMIN+16 is out of range"
        );
        assert_eq!(
            Signal::parse("SIGTERMINATE").unwrap_err(),
            "\"SIGTERMINATE\" is not a signal name"
        );
    }
}
