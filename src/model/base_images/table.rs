//! The table: its rows, read from `base_images.tsv` one image at a time
//! when first looked up; the tests read and check the whole table.

use super::*;

pub(super) struct Row {
    pub(super) info: BaseImage,
    /// The image's names (a run finds a row by its group's first column;
    /// the tests check the names across the whole table).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) names: Vec<&'static str>,
    pub(super) matcher: Matcher,
    pub(super) entrypoint_unknown: bool,
    pub(super) cmd_unknown: bool,
}

impl Row {
    /// Same launch facts: shell, entrypoint, cmd, stop signal, exec, init.
    pub(super) fn same_facts(&self, other: &Row) -> bool {
        let (a, b) = (&self.info, &other.info);
        a.shell == b.shell
            && a.entrypoint == b.entrypoint
            && a.cmd == b.cmd
            && a.stopsignal == b.stopsignal
            && a.entrypoint_execs == b.entrypoint_execs
            && a.init == b.init
            && !self.entrypoint_unknown
            && !other.entrypoint_unknown
            && !self.cmd_unknown
            && !other.cmd_unknown
    }
}

/// The whole table, read and checked: the tests read it all, so that a run
/// can read only the rows it needs ([`image_rows`]).
#[cfg(test)]
pub(super) fn table() -> &'static Result<Vec<Row>, String> {
    static TABLE: OnceLock<Result<Vec<Row>, String>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(DATA))
}

/// The table's lines that are neither blank nor comments, with their line
/// numbers (from 1); the first is the header.
fn content_lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !(line.trim().is_empty() || line.starts_with('#')))
        .map(|(i, line)| (i + 1, line))
}

/// The table's rows grouped by image (the lines that list the same names),
/// each group read when first asked for: linting one Dockerfile reads the
/// rows of its base image only.
#[derive(Default)]
struct Groups {
    /// The group of each image name.
    by_name: std::collections::HashMap<&'static str, usize>,
    /// Each group's lines.
    lines: Vec<Vec<&'static str>>,
    rows: Vec<OnceLock<Result<Vec<Row>, String>>>,
}

fn groups() -> &'static Groups {
    static GROUPS: OnceLock<Groups> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut g = Groups::default();
        let mut last = None;
        // the first line is the header (checked by the tests)
        for (_, line) in content_lines(DATA).skip(1) {
            let names = line.split('\t').next().unwrap_or("");
            if last != Some(names) {
                last = Some(names);
                g.lines.push(Vec::new());
                for n in names.split(',') {
                    g.by_name.entry(n).or_insert(g.lines.len() - 1);
                }
            }
            if let Some(group) = g.lines.last_mut() {
                group.push(line);
            }
        }
        g.rows = g.lines.iter().map(|_| OnceLock::new()).collect();
        g
    })
}

/// The rows of the image named `name`, in table order (none for a name the
/// table does not have); `Err` when they cannot be read.
pub(super) fn image_rows(name: &str) -> Result<Vec<&'static Row>, String> {
    let g = groups();
    let Some(&i) = g.by_name.get(name) else {
        return Ok(Vec::new());
    };
    let rows = g.rows[i].get_or_init(|| {
        g.lines[i]
            .iter()
            .map(|line| parse_row(&line.split('\t').collect::<Vec<_>>()))
            .collect()
    });
    match rows {
        Ok(rows) => Ok(rows.iter().collect()),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(test)]
pub(super) fn parse_table(text: &'static str) -> Result<Vec<Row>, String> {
    let mut header_seen = false;
    let mut rows = Vec::new();
    for (n, line) in content_lines(text) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        if !header_seen {
            if fields != HEADER {
                return Err(format!("line {n}: expected the header row"));
            }
            header_seen = true;
            continue;
        }
        rows.push(parse_row(&fields).map_err(|e| format!("line {n}: {e}"))?);
    }
    if !header_seen {
        return Err("no header row".to_string());
    }
    check_groups(&rows)?;
    Ok(rows)
}

pub(super) fn parse_row(f: &[&'static str]) -> Result<Row, String> {
    if f.len() != HEADER.len() {
        return Err(format!("{} fields, expected {}", f.len(), HEADER.len()));
    }
    let names: Vec<&'static str> = f[0].split(',').collect();
    for n in &names {
        let bad = n.is_empty()
            || n.contains([':', '@', ' '])
            || n.chars().any(|c| c.is_ascii_uppercase());
        if bad {
            return Err(format!("bad image name {n:?}"));
        }
    }
    let variant = non_empty(f[1], "variant")?;
    let matcher = Matcher::parse(f[2])?;
    let distro = f[3];
    if !DISTROS.contains(&distro) {
        return Err(format!("unknown distro {distro:?}"));
    }
    let shell = match f[4] {
        "dash" => ShellKind::Dash,
        "busybox" => ShellKind::Busybox,
        "bash" => ShellKind::Bash,
        "none" => ShellKind::None,
        other => return Err(format!("unknown shell {other:?}")),
    };
    let (entrypoint, entrypoint_unknown) =
        parse_argv(f[5]).map_err(|e| format!("entrypoint: {e}"))?;
    let (cmd, cmd_unknown) = parse_argv(f[6]).map_err(|e| format!("cmd: {e}"))?;
    let stopsignal = match f[7] {
        "-" => None,
        s if s.len() > 3
            && s.starts_with("SIG")
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
        {
            Some(s.to_string())
        }
        s => return Err(format!("bad stopsignal {s:?}")),
    };
    let entrypoint_execs = match f[8] {
        "yes" => Some(true),
        "no" => Some(false),
        "n.a." => None,
        s => return Err(format!("bad execs value {s:?}")),
    };
    let init = match non_empty(f[9], "init")? {
        "-" => None,
        s => Some(s.to_string()),
    };
    let source = f[10];
    if !valid_source(source) {
        return Err(format!("bad source citation {source:?}"));
    }
    let note = match non_empty(f[11], "note")? {
        "-" => "",
        s => s,
    };
    if (entrypoint_unknown || cmd_unknown) && note.is_empty() {
        return Err("a '?' value needs a note".to_string());
    }
    Ok(Row {
        info: BaseImage {
            image: names[0],
            variant,
            shell,
            entrypoint,
            cmd,
            stopsignal,
            entrypoint_execs,
            init,
            source,
            distro,
            note,
        },
        names,
        matcher,
        entrypoint_unknown,
        cmd_unknown,
    })
}

pub(super) fn non_empty<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    if s.trim().is_empty() || s.trim() != s {
        Err(format!("{what} is empty or has surrounding blanks"))
    } else {
        Ok(s)
    }
}

/// "repository path@commit-prefix" with an 8-digit hex commit prefix.
pub(super) fn valid_source(s: &str) -> bool {
    let Some((repo, rest)) = s.split_once(' ') else {
        return false;
    };
    let Some((path, commit)) = rest.rsplit_once('@') else {
        return false;
    };
    repo.contains('/')
        && !path.is_empty()
        && !path.contains(' ')
        && commit.len() == 8
        && commit
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// Rows of one image must be contiguous, list the same names, have distinct
/// variants, and end with the only row that has the `*` fallback.
#[cfg(test)]
pub(super) fn check_groups(rows: &[Row]) -> Result<(), String> {
    let mut start = 0;
    while start < rows.len() {
        let names = &rows[start].names;
        let mut end = start + 1;
        while end < rows.len() && rows[end].names == *names {
            end += 1;
        }
        let group = &rows[start..end];
        let image = rows[start].info.image;
        for (i, row) in group.iter().enumerate() {
            let last = i + 1 == group.len();
            if row.matcher.has_fallback() != last {
                return Err(format!(
                    "{image}: exactly the last row of an image must have the '*' fallback"
                ));
            }
            if group[..i]
                .iter()
                .any(|r| r.info.variant == row.info.variant)
            {
                return Err(format!("{image}: duplicate variant {}", row.info.variant));
            }
        }
        for other in rows[end..].iter().chain(&rows[..start]) {
            if let Some(n) = other.names.iter().find(|n| names.contains(n)) {
                return Err(format!("image name {n} appears in two groups of rows"));
            }
        }
        start = end;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
