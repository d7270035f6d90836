//! Compose durations (`stop_grace_period`).

/// A Compose duration in seconds: an optional sign, then one or more
/// decimal numbers (fraction allowed) each with a unit (`ns`, `us`/`µs`,
/// `ms`, `s`, `m`, `h`, `d`, `w`), e.g. `10s`, `1m30s`, `1.5h`, `500ms`;
/// `0` alone needs no unit. `None` when invalid (also for a bare number:
/// the unit is required).
pub fn parse_duration(s: &str) -> Option<f64> {
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !s.is_empty() {
        let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int = &s[..int_len];
        s = &s[int_len..];
        let mut frac = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            frac = &r[..n];
            s = &r[n..];
        }
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        let scale = match &s[..unit_len] {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "w" => 604800.0,
            _ => return None,
        };
        s = &s[unit_len..];
        let int = if int.is_empty() { "0" } else { int };
        let v: f64 = format!("{int}.{frac}0").parse().ok()?;
        total += v * scale;
    }
    // Go durations are int64 nanoseconds.
    if total > i64::MAX as f64 / 1e9 {
        return None;
    }
    Some(if neg { -total } else { total })
}
