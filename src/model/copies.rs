//! Map a path inside the image back to the file in the build context, by
//! following the stage's `COPY`/`ADD` instructions and `WORKDIR`.

use super::{Stage, expand, unquote};
use crate::context::Context;
use crate::parse::{Args, Dockerfile, Kind};
use std::collections::HashMap;

/// Directories searched for a program name without a slash (a typical PATH).
const PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// The PATH a program name is looked up on: the stage's `ENV PATH` (its
/// `$PATH` standing for what came before), else the usual directories.
pub fn env_path(df: &Dockerfile, stages: &[Stage], idx: usize) -> Vec<String> {
    let chain = super::stage_chain(stages, idx);
    // a deque: `ENV PATH=/x:$PATH`, the usual form, adds at one end without
    // copying what was there (a thousand of them stay linear)
    let mut path: std::collections::VecDeque<String> = PATH.iter().map(|d| d.to_string()).collect();
    for &i in chain.iter().rev() {
        let st = &stages[i];
        for inst in &df.instructions[st.from + 1..st.end] {
            if inst.kind != Kind::Env {
                continue;
            }
            let Args::KeyValues(kvs) = &inst.args else {
                continue;
            };
            for kv in kvs.iter().filter(|kv| kv.key.value == "PATH") {
                let value = kv.value.value.trim_matches(['"', '\'']);
                let parts: Vec<&str> = value
                    .split(':')
                    .map(|p| p.trim_matches(['"', '\'']))
                    .collect();
                let is_path = |p: &str| matches!(p, "$PATH" | "${PATH}");
                let plain = |p: &str| p.is_empty() || p.starts_with('/') && !p.contains('$');
                // one `$PATH` among plain directories: add at the ends
                if parts.iter().filter(|p| is_path(p)).count() == 1
                    && parts.iter().all(|p| is_path(p) || plain(p))
                {
                    let at = parts.iter().position(|p| is_path(p)).unwrap_or(0);
                    for p in parts[..at].iter().rev().filter(|p| !p.is_empty()) {
                        path.push_front(p.to_string());
                    }
                    for p in parts[at + 1..].iter().filter(|p| !p.is_empty()) {
                        path.push_back(p.to_string());
                    }
                    continue;
                }
                let mut next = Vec::new();
                let mut unknown = false;
                for part in value.split(':') {
                    match part.trim_matches(['"', '\'']) {
                        "$PATH" | "${PATH}" => next.extend(path.iter().cloned()),
                        p if p.starts_with('/') && !p.contains('$') => next.push(p.to_string()),
                        "" => {}
                        _ => unknown = true,
                    }
                }
                // a part dsig cannot expand: keep what was searched before
                // too, rather than lose a directory
                if unknown {
                    next.extend(path.iter().cloned());
                }
                if !next.is_empty() {
                    path = next.into();
                }
            }
        }
    }
    path.into()
}

/// Normalise an absolute in-image path (`/a/./b/../c` → `/a/c`).
pub fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn join(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        normalize(rel)
    } else {
        normalize(&format!("{base}/{rel}"))
    }
}

/// A file the Dockerfile writes itself: `COPY <<'EOF' /entrypoint.sh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// The file's text as the image has it.
    pub text: String,
    /// Where that text starts in the Dockerfile, when it is the
    /// Dockerfile's bytes as they are (not for `<<-`, which strips tabs).
    pub offset: Option<usize>,
    /// 1-based line of the Dockerfile where the text starts.
    pub line: usize,
}

/// One COPY/ADD from the build context, with its destination resolved.
#[derive(Debug, Clone)]
struct Copy {
    sources: Vec<String>,
    /// Heredoc sources, by name (`COPY <<a.sh <<b.sh /dir/`).
    inline: Vec<(String, Inline)>,
    /// Absolute destination.
    dest: String,
    /// The destination names a directory (trailing `/` or several sources).
    dest_is_dir: bool,
}

/// The stage's copies from the context and its final WORKDIR, following
/// `FROM <earlier stage>`.
fn copies(df: &Dockerfile, stages: &[Stage], idx: usize) -> (Vec<Copy>, String) {
    let chain = super::stage_chain(stages, idx);
    let mut out = Vec::new();
    let mut workdir = "/".to_string();
    for &i in chain.iter().rev() {
        stage_copies(df, &stages[i], &mut out, &mut workdir);
    }
    (out, workdir)
}

fn stage_copies(df: &Dockerfile, stage: &Stage, out: &mut Vec<Copy>, workdir: &mut String) {
    let mut vars: Vec<(String, String)> = Vec::new();
    for inst in &df.instructions[stage.from + 1..stage.end] {
        match inst.kind {
            Kind::Workdir => {
                if let Args::String(w) = &inst.args {
                    *workdir = join(workdir, &expand(&w.value, &vars));
                }
            }
            Kind::Env | Kind::Arg => {
                if let Args::KeyValues(kvs) = &inst.args {
                    for kv in kvs {
                        vars.push((kv.key.value.clone(), unquote(&kv.value.value)));
                    }
                }
                if let Args::Words(ws) = &inst.args {
                    for w in ws {
                        if let Some((k, v)) = w.value.split_once('=') {
                            vars.push((k.to_string(), unquote(v)));
                        }
                    }
                }
            }
            Kind::Copy | Kind::Add => {
                if inst.flag("from").is_some() {
                    continue;
                }
                let words: Vec<String> = inst
                    .words()
                    .iter()
                    .map(|w| expand(&w.value, &vars))
                    .collect();
                if words.len() < 2 {
                    continue;
                }
                let (dest, sources) = words.split_last().unwrap();
                let inline = if sources.iter().any(|w| w.starts_with("<<")) {
                    // only a COPY whose every source is a heredoc
                    if !sources.iter().all(|w| w.starts_with("<<"))
                        || sources.len() != inst.heredocs.len()
                    {
                        continue;
                    }
                    inst.heredocs.iter().filter_map(inline_file).collect()
                } else {
                    Vec::new()
                };
                let count = sources.len();
                let heredocs = sources.iter().any(|w| w.starts_with("<<"));
                let sources = if heredocs { &[] } else { sources };
                let dest_is_dir = dest.ends_with('/')
                    || count > 1
                    || matches!(dest.as_str(), "." | "..")
                    || dest.ends_with("/.")
                    || dest.ends_with("/..");
                out.push(Copy {
                    sources: sources.to_vec(),
                    inline,
                    dest: join(workdir, dest),
                    dest_is_dir,
                });
            }
            _ => {}
        }
    }
}

/// The file a heredoc of COPY writes. BuildKit expands `$VAR` in the body of
/// an unquoted heredoc at build time: such a body that uses `$` is not
/// known as the image has it, and is left out.
fn inline_file(h: &crate::parse::Heredoc) -> Option<(String, Inline)> {
    if !h.quoted && h.content.contains('$') {
        return None;
    }
    let text = if h.chomp {
        h.content
            .split_inclusive('\n')
            .map(|l| l.trim_start_matches('\t'))
            .collect()
    } else {
        h.content.clone()
    };
    Some((
        h.name.clone(),
        Inline {
            text,
            offset: (!h.chomp).then_some(h.content_span.start),
            line: h.line,
        },
    ))
}

/// The working directory stage `idx` ends with (its last WORKDIR, through
/// the stages it is built on; `/` when none is set).
pub fn workdir(df: &Dockerfile, stages: &[Stage], idx: usize) -> String {
    copies(df, stages, idx).1
}

/// Simple glob match (`*`, `?`, other characters literal), in time
/// proportional to the product of the lengths whatever the stars: the last
/// star is the only one ever backtracked to.
pub(crate) fn glob(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] != '*' && p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            // let the last star take one more character
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Where an in-image file comes from in the build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Path relative to the context; for a file the Dockerfile writes
    /// itself, its path in the image.
    pub rel: String,
    /// The absolute path in the image.
    pub image_path: String,
    /// The file is a heredoc of the Dockerfile, not a context file: read
    /// its text here, never from the context.
    pub inline: Option<Inline>,
}

/// Find the context file behind `program` as the container would run it:
/// an absolute path, a path relative to WORKDIR, or a name looked up on PATH.
pub fn locate_program(
    df: &Dockerfile,
    stages: &[Stage],
    idx: usize,
    ctx: &Context,
    program: &str,
) -> Option<Located> {
    let (copies, workdir) = copies(df, stages, idx);
    let index = by_destination(&copies);
    let candidates: Vec<String> = if program.starts_with('/') {
        vec![normalize(program)]
    } else if program.contains('/') {
        vec![join(&workdir, program)]
    } else {
        env_path(df, stages, idx)
            .iter()
            .map(|d| format!("{}/{program}", d.trim_end_matches('/')))
            .collect()
    };
    for image_path in candidates {
        if let Some(found) = locate_in(&copies, &index, ctx, &image_path) {
            return Some(found);
        }
    }
    None
}

/// The text of the file at `path` in the image of stage `idx`, when the
/// build copies it from the context, with its path in the context.
pub fn image_file(
    df: &Dockerfile,
    stages: &[Stage],
    idx: usize,
    ctx: &Context,
    path: &str,
) -> Option<(String, String)> {
    let loc = locate_file(df, stages, idx, ctx, path)?;
    let text = match loc.inline {
        Some(i) => i.text,
        None => ctx.read(&loc.rel)?,
    };
    Some((loc.rel, text))
}

/// Find the context file behind an in-image path (for files given as
/// arguments, e.g. `node server.js`), relative to WORKDIR.
pub fn locate_file(
    df: &Dockerfile,
    stages: &[Stage],
    idx: usize,
    ctx: &Context,
    path: &str,
) -> Option<Located> {
    let (copies, workdir) = copies(df, stages, idx);
    let image_path = join(&workdir, path);
    locate_in(&copies, &by_destination(&copies), ctx, &image_path)
}

/// Copies by destination, in order.
fn by_destination(copies: &[Copy]) -> HashMap<&str, Vec<usize>> {
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in copies.iter().enumerate() {
        index.entry(c.dest.as_str()).or_default().push(i);
    }
    index
}

fn locate_in(
    copies: &[Copy],
    index: &HashMap<&str, Vec<usize>>,
    ctx: &Context,
    image_path: &str,
) -> Option<Located> {
    let found = |rel: String| Located {
        rel,
        image_path: image_path.to_string(),
        inline: None,
    };
    // what a copy brings lands at its destination or below it: only the
    // copies to the path or to a directory above it are looked at, the
    // last first (a Dockerfile of many COPY lines and a long PATH stays
    // linear)
    let mut at: Vec<usize> = std::iter::successors(Some(image_path), |p| match p.rfind('/') {
        Some(0) if *p != "/" => Some("/"),
        Some(i) if i > 0 => Some(&p[..i]),
        _ => None,
    })
    .filter_map(|p| index.get(p))
    .flatten()
    .copied()
    .collect();
    at.sort_unstable_by(|a, b| b.cmp(a));
    for c in at.into_iter().map(|i| &copies[i]) {
        for (name, inline) in c.inline.iter().rev() {
            let target = if c.dest_is_dir {
                join(&c.dest, name)
            } else {
                normalize(&c.dest)
            };
            if target == image_path {
                return Some(Located {
                    rel: image_path.to_string(),
                    image_path: image_path.to_string(),
                    inline: Some(inline.clone()),
                });
            }
        }
        if ctx.dir.is_none() {
            continue;
        }
        for src in c.sources.iter().rev() {
            let src_rel = src.trim_start_matches("./").trim_start_matches('/');
            let src_rel = if src_rel.is_empty() || src_rel == "." {
                ""
            } else {
                src_rel
            };
            let is_dir = src_rel.is_empty() || ctx.is_dir(src_rel);
            if src_rel.contains(['*', '?']) {
                // a glob: files land in the destination directory
                let (sdir, pat) = match src_rel.rsplit_once('/') {
                    Some((d, p)) => (d.to_string(), p.to_string()),
                    None => (String::new(), src_rel.to_string()),
                };
                let Some((pdir, name)) = image_path.rsplit_once('/') else {
                    continue;
                };
                let pdir = if pdir.is_empty() { "/" } else { pdir };
                if normalize(pdir) == normalize(&c.dest) && glob(&pat, name) {
                    let rel = if sdir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{sdir}/{name}")
                    };
                    if ctx.is_file(&rel) {
                        return Some(found(rel));
                    }
                }
                continue;
            }
            if is_dir {
                // the directory's contents land under dest
                let dest = normalize(&c.dest);
                let under = if dest == "/" {
                    image_path.strip_prefix('/')
                } else {
                    image_path.strip_prefix(&format!("{dest}/"))
                };
                if let Some(rest) = under {
                    let rel = if src_rel.is_empty() {
                        rest.to_string()
                    } else {
                        format!("{}/{rest}", src_rel.trim_end_matches('/'))
                    };
                    if ctx.is_file(&rel) {
                        return Some(found(rel));
                    }
                }
                continue;
            }
            let name = crate::dirs::basename(src_rel);
            let target = if c.dest_is_dir {
                join(&c.dest, name)
            } else {
                normalize(&c.dest)
            };
            if target == image_path && ctx.is_file(src_rel) {
                return Some(found(src_rel.to_string()));
            }
        }
    }
    None
}

/// Programs found on PATH whether or not a package manager runs them.
const SYSTEM_PROGRAMS: &[&str] = &[
    "node", "nodejs", "npm", "npx", "yarn", "pnpm", "corepack", "sh", "bash", "dash", "ash", "env",
    "python", "python3", "java", "ruby", "perl", "php", "deno", "bun", "exec",
];

/// Whether a program name is found on PATH whatever runs it (not only in a
/// package manager's `node_modules/.bin`).
pub fn on_path(program: &str) -> bool {
    SYSTEM_PROGRAMS.contains(&crate::dirs::basename(program))
}

#[cfg(test)]
mod tests {

    #[test]
    fn globs_match_and_never_take_long() {
        for (p, n, want) in [
            ("*.sh", "start.sh", true),
            ("*.sh", "start.shx", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*", "", true),
            ("", "", true),
            ("", "a", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
            ("**x", "abx", true),
        ] {
            assert_eq!(glob(p, n), want, "{p} {n}");
        }
        // many stars against a long name that does not match: linear
        let p = format!("{}x", "*".repeat(60));
        let n = "a".repeat(2000);
        let started = std::time::Instant::now();
        assert!(!glob(&p, &n));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    use super::*;
    use crate::model::stages;
    use crate::parse::parse;

    fn ctx_with(files: &[&str]) -> (tempfile::TempDir, Context) {
        let d = tempfile::tempdir().unwrap();
        for f in files {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let c = Context::new(Some(d.path().to_path_buf()));
        (d, c)
    }

    fn prog(src: &str, files: &[&str], program: &str) -> Option<String> {
        let (_d, ctx) = ctx_with(files);
        let df = parse(src);
        let st = stages(&df);
        locate_program(&df, &st, st.len() - 1, &ctx, program).map(|l| l.rel)
    }

    #[test]
    fn env_path_finds_scripts() {
        let files = &["bin/start.sh"];
        let df = "FROM a\nCOPY bin/ /opt/app/bin/\nENV PATH=/opt/app/bin:$PATH\n";
        assert_eq!(prog(df, files, "start.sh").as_deref(), Some("bin/start.sh"));
        let df = "FROM a\nCOPY bin/ /opt/app/bin/\n";
        assert_eq!(prog(df, files, "start.sh"), None);
        // the legacy form, quotes, and parts dsig cannot expand
        let files = &["start.sh"];
        let df = "FROM a\nCOPY start.sh /usr/local/bin/\nENV PATH \"/root/.x/:$PATH\"\nENV PATH=\"${PATH}:${HOME}/bin\"\n";
        assert_eq!(prog(df, files, "start.sh").as_deref(), Some("start.sh"));
    }

    #[test]
    fn copies_are_followed() {
        let files = &["docker-entrypoint.sh", "scripts/start.sh", "app/server.js"];
        assert_eq!(
            prog(
                "FROM a\nCOPY docker-entrypoint.sh /usr/local/bin/\n",
                files,
                "docker-entrypoint.sh"
            )
            .as_deref(),
            Some("docker-entrypoint.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nCOPY --chmod=755 scripts/start.sh /start\n",
                files,
                "/start"
            )
            .as_deref(),
            Some("scripts/start.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nWORKDIR /app\nCOPY . .\n",
                files,
                "./scripts/start.sh"
            )
            .as_deref(),
            Some("scripts/start.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nWORKDIR /srv\nCOPY scripts/ bin/\n",
                files,
                "/srv/bin/start.sh"
            )
            .as_deref(),
            Some("scripts/start.sh")
        );
        assert_eq!(
            prog("FROM a\nCOPY scripts/*.sh /usr/bin/\n", files, "start.sh").as_deref(),
            Some("scripts/start.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nCOPY [\"docker-entrypoint.sh\", \"/entrypoint.sh\"]\n",
                files,
                "/entrypoint.sh"
            )
            .as_deref(),
            Some("docker-entrypoint.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nWORKDIR /app\nCOPY docker-entrypoint.sh .\n",
                files,
                "/app/docker-entrypoint.sh"
            )
            .as_deref(),
            Some("docker-entrypoint.sh")
        );
        // from another stage: not the context
        assert_eq!(
            prog(
                "FROM a\nCOPY --from=b /x /entrypoint.sh\n",
                files,
                "/entrypoint.sh"
            ),
            None
        );
        // inherited through FROM <stage>
        assert_eq!(
            prog(
                "FROM a AS base\nCOPY docker-entrypoint.sh /e.sh\nFROM base\n",
                files,
                "/e.sh"
            )
            .as_deref(),
            Some("docker-entrypoint.sh")
        );
        assert_eq!(
            prog(
                "FROM a\nCOPY docker-entrypoint.sh /e.sh\n",
                files,
                "/other.sh"
            ),
            None
        );
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
        assert_eq!(join("/app", "../x"), "/x");
        assert!(glob("*.sh", "start.sh") && !glob("*.sh", "start.py"));
    }
}
