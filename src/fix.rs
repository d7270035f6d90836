//! Applying fixes: edits from diagnostics applied in rounds until none is
//! left, never on a file with syntax errors, keeping every byte outside the
//! edits (line endings, BOM, trailing newline), written atomically.

use crate::diagnostic::{Applicability, Diagnostic, Edit, RuleCode};
use crate::edit::{apply_edits, apply_to_other, uses_crlf};
use crate::lint::{LintOptions, lint_source};
use std::io::Write;
use std::path::{Path, PathBuf};

/// At most this many rounds of lint-and-fix.
pub const MAX_ROUNDS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// Edits of other files (entrypoint scripts) that the applied fixes
    /// carry; apply them with [`external_changes`].
    pub external: Vec<Edit>,
    /// Codes of the fixes applied, one entry per fix.
    pub applied: Vec<RuleCode>,
    pub rounds: usize,
}

/// Whether a fix of this applicability may be applied.
fn allowed(a: Applicability, unsafe_fixes: bool) -> bool {
    a == Applicability::Safe || unsafe_fixes
}

/// Pick the fixes of one round: allowed, valid spans, no overlaps (the first
/// by position wins; the others are retried next round).
fn pick<'a>(src: &str, diags: &'a [Diagnostic], unsafe_fixes: bool) -> Vec<(RuleCode, &'a [Edit])> {
    let mut cands: Vec<(RuleCode, &'a [Edit])> = diags
        .iter()
        .filter_map(|d| {
            let f = d.fix()?;
            if !allowed(f.applicability, unsafe_fixes)
                || f.edits.is_empty()
                || f.edits.iter().any(|e| e.file.is_some())
            {
                return None;
            }
            let ok = f.edits.iter().all(|e| {
                e.span.start <= e.span.end
                    && e.span.end <= src.len()
                    && src.is_char_boundary(e.span.start)
                    && src.is_char_boundary(e.span.end)
            });
            ok.then_some((d.code, f.edits.as_slice()))
        })
        .collect();
    cands.sort_by_key(|(_, e)| e.iter().map(|e| e.span.start).min().unwrap_or(0));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for (code, edits) in cands {
        let overlaps = edits.iter().any(|e| {
            taken.iter().any(|&(s, t)| {
                e.span.start < t && s < e.span.end
                    || (e.span.start == e.span.end && s <= e.span.start && e.span.start <= t)
                    || (s == t && e.span.start <= s && s <= e.span.end)
            })
        });
        if overlaps {
            continue;
        }
        taken.extend(edits.iter().map(|e| (e.span.start, e.span.end)));
        out.push((code, edits));
    }
    out
}

/// Lint and fix `src` in rounds. `Err` when the file has a syntax error (no
/// fix is applied to a file Docker cannot read) or `--target` is unknown.
pub fn fix_source(src: &str, opts: &LintOptions, unsafe_fixes: bool) -> Result<Fixed, String> {
    let crlf = uses_crlf(src);
    let mut text = src.to_string();
    let mut applied = Vec::new();
    let mut external: Vec<Edit> = Vec::new();
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        let linted = lint_source(&text, opts)?;
        if !linted.dockerfile.errors.is_empty() {
            if rounds == 0 {
                return Err("not fixed: the file has syntax errors (DSIG000)".into());
            }
            // a fix broke the file: keep the last good text
            break;
        }
        // fixes that edit other files: collected once, applied by the caller
        for d in &linted.diagnostics {
            let Some(f) = d.fix() else { continue };
            if !allowed(f.applicability, unsafe_fixes) || !f.edits.iter().all(|e| e.file.is_some())
            {
                continue;
            }
            for e in &f.edits {
                if !external.contains(e) {
                    external.push(e.clone());
                    applied.push(d.code);
                }
            }
        }
        let chosen = pick(&text, &linted.diagnostics, unsafe_fixes);
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<&Edit> = chosen.iter().flat_map(|(_, e)| e.iter()).collect();
        let Some(next) = apply_edits(&text, &edits, crlf) else {
            break;
        };
        if next == text {
            break;
        }
        // never keep a round that makes the file unreadable, to Docker or
        // to dsig itself (a file over the size limit is not linted again)
        if next.len() as u64 > crate::files::MAX_FILE {
            if rounds == 0 {
                return Err(format!(
                    "not fixed: the fixed file would be larger than the {} limit",
                    crate::read::human(crate::files::MAX_FILE)
                ));
            }
            break;
        }
        if !crate::parse::parse(&next).errors.is_empty() {
            break;
        }
        applied.extend(chosen.iter().map(|(c, _)| *c));
        text = next;
        rounds += 1;
    }
    Ok(Fixed {
        text,
        external,
        applied,
        rounds,
    })
}

/// What `--fix` and `--diff` do with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show the fixes as a unified diff; write nothing.
    Diff,
    /// Write the fixes to the files.
    Write,
}

/// One file after `--fix` or `--diff`.
pub struct FileFix {
    /// The file's text now (fixed when written, as read for a diff).
    pub text: String,
    /// The file linted again when fixes were written.
    pub linted: Option<crate::lint::Linted>,
    /// `--diff`: each changed file's shown path and unified diff.
    pub diff: Option<Vec<(String, String)>>,
    /// How many fixes were written, or why none could be.
    pub fixed: Option<Result<usize, String>>,
}

/// `--fix` or `--diff` on one file read as `text` and shown as `name`
/// (`path` is `None` for standard input). A fixed entrypoint script can
/// make new fixes of the Dockerfile possible (an init once the app is PID
/// 1): a few passes until no other file changes, so that a second `--fix`
/// changes nothing. `Err` is a file that could not be written or linted.
pub fn fix_file(
    name: &str,
    path: Option<&Path>,
    text: String,
    opts: &LintOptions,
    mode: Mode,
    unsafe_fixes: bool,
) -> Result<FileFix, crate::report::FileError> {
    let mut out = FileFix {
        text,
        linted: None,
        diff: None,
        fixed: None,
    };
    let mut total = 0;
    for _pass in 0..3 {
        let f = match fix_source(&out.text, opts, unsafe_fixes) {
            Err(why) => {
                out.fixed = Some(Err(why));
                break;
            }
            Ok(f) if f.text == out.text && f.external.is_empty() => {
                out.fixed = Some(Ok(total));
                break;
            }
            Ok(f) => f,
        };
        // the script half of a fix cannot be made: none of it is
        let others = match external_changes(&f.external) {
            Ok(o) => o,
            Err(why) => {
                out.fixed = Some(Err(why));
                break;
            }
        };
        if mode == Mode::Diff {
            out.diff = Some(diffs(name, &out.text, &f.text, &others));
            break;
        }
        write_pass(name, path, &out.text, &f.text, &others)?;
        total += f.applied.len();
        out.fixed = Some(Ok(total));
        out.text = f.text;
        out.linted =
            Some(
                lint_source(&out.text, opts).map_err(|message| crate::report::FileError {
                    path: name.to_string(),
                    message,
                })?,
            );
        if others.is_empty() {
            break;
        }
    }
    Ok(out)
}

/// `--fix` or `--diff` on a manifest: its own fixes (`exec` in a `-c`
/// string), in rounds until none is left, proven as they are found
/// (`lint_manifest`). Standard input, which is often rendered by Helm or
/// kustomize from files that are the real source, is never fixed: its
/// findings keep their fixes as advice only.
pub fn fix_manifest_file(
    name: &str,
    path: Option<&Path>,
    text: String,
    opts: &LintOptions,
    mode: Mode,
    unsafe_fixes: bool,
) -> Result<FileFix, crate::report::FileError> {
    let error = |message: String| crate::report::FileError {
        path: name.to_string(),
        message,
    };
    let mut out = FileFix {
        text,
        linted: None,
        diff: None,
        fixed: None,
    };
    if path.is_none() {
        out.fixed = Some(Err(
            "not fixed: a manifest from standard input is not rewritten (fix the files it is rendered from)".into(),
        ));
        return Ok(out);
    }
    let (next, applied) =
        fix_manifest_source(&out.text, name, opts, unsafe_fixes).map_err(error)?;
    if mode == Mode::Diff {
        out.diff = Some(diffs(name, &out.text, &next, &[]));
        return Ok(out);
    }
    if next != out.text {
        write_pass(name, path, &out.text, &next, &[])?;
    }
    out.fixed = Some(Ok(applied));
    out.text = next;
    Ok(out)
}

/// A manifest's text with its fixes applied in rounds, and how many were
/// applied. `Err`: the manifest cannot be read.
pub fn fix_manifest_source(
    src: &str,
    name: &str,
    opts: &LintOptions,
    unsafe_fixes: bool,
) -> Result<(String, usize), String> {
    let crlf = uses_crlf(src);
    let mut next = src.to_string();
    let mut linted = crate::lint_manifest::lint_manifest(&next, name, opts)?;
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let chosen = pick(&next, &linted.diagnostics, unsafe_fixes);
        let edits: Vec<&Edit> = chosen.iter().flat_map(|(_, e)| e.iter()).collect();
        let Some(fixed) = apply_edits(&next, &edits, crlf).filter(|f| *f != next) else {
            break;
        };
        // a round that makes the manifest unreadable is not kept; the
        // lint of a kept round is the next round's
        let Ok(again) = crate::lint_manifest::lint_manifest(&fixed, name, opts) else {
            break;
        };
        applied += chosen.len();
        (next, linted) = (fixed, again);
    }
    Ok((next, applied))
}

/// The unified diffs of one pass: the file's, then the other files'.
fn diffs(name: &str, old: &str, new: &str, others: &[Change]) -> Vec<(String, String)> {
    let mut d = Vec::new();
    if new != old {
        d.push((name.to_string(), unified_diff(name, old, new)));
    }
    for c in others {
        let shown = c.path.display().to_string();
        d.push((shown.clone(), unified_diff(&shown, &c.old, &c.new)));
    }
    d
}

/// Write one pass's changes: the file's and the other files', all or none.
fn write_pass(
    name: &str,
    path: Option<&Path>,
    old: &str,
    new: &str,
    others: &[Change],
) -> Result<(), crate::report::FileError> {
    let fail = |(path, message)| crate::report::FileError { path, message };
    let Some(path) = path else {
        return Err(fail((
            name.to_string(),
            "cannot fix standard input in place; use --diff".into(),
        )));
    };
    let mut changes = Vec::new();
    if new != old {
        changes.push(Change {
            path: path.to_path_buf(),
            display: name.to_string(),
            old: old.to_string(),
            new: new.to_string(),
        });
    }
    changes.extend(others.iter().cloned());
    write_all(&changes).map_err(fail)
}

/// The new contents of the other files the edits apply to: each file is read
/// again (at most 1 MiB), every edit's expected text must still be there,
/// and the edits are applied from the end.
pub fn external_changes(edits: &[Edit]) -> Result<Vec<Change>, String> {
    let mut out = Vec::new();
    let mut paths: Vec<&PathBuf> = edits
        .iter()
        .filter_map(|e| e.file.as_ref().map(|f| &f.path))
        .collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let mine: Vec<&Edit> = edits
            .iter()
            .filter(|e| e.file.as_ref().is_some_and(|f| &f.path == path))
            .collect();
        let display = mine[0]
            .file
            .as_ref()
            .map(|f| f.display.clone())
            .unwrap_or_default();
        let old = crate::read::text(path, crate::context::MAX_CONTEXT_FILE)
            .map_err(|e| format!("{display}: not fixed: {e}"))?;
        let new = apply_to_other(&old, &mine)
            .ok_or_else(|| format!("{display}: not fixed: the file changed since it was read"))?;
        out.push(Change {
            path: path.clone(),
            display,
            old,
            new,
        });
    }
    Ok(out)
}

/// One file a fix rewrites: what was read from it and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    /// As shown to users.
    pub display: String,
    pub old: String,
    pub new: String,
}

/// How a staged file is put in place.
enum Staged {
    /// A temporary file beside the real one, renamed over it.
    Rename(tempfile::NamedTempFile, PathBuf),
    /// Written in place: the file has other hard links, which a rename
    /// would split from it.
    InPlace(PathBuf, String),
}

/// Write every change, or none: each file is checked first (through a
/// symbolic link to the real file; it must still hold the bytes that were
/// read, or already the new ones; it must be writable) and staged with its
/// mode and owner, and only then are all put in place. A file with other
/// hard links is rewritten in place so the links stay one file. `Err` names
/// the file and says why nothing was written.
pub fn write_all(changes: &[Change]) -> Result<(), (String, String)> {
    let mut staged = Vec::new();
    for c in changes {
        let fail = |m: String| (c.display.clone(), m);
        let real = c
            .path
            .canonicalize()
            .map_err(|e| fail(format!("not fixed: {}", crate::read::io_message(&e))))?;
        let current = crate::read::text(&real, crate::files::MAX_FILE)
            .map_err(|e| fail(format!("not fixed: {e}")))?;
        if current == c.new {
            continue; // already fixed (another Dockerfile sharing the script)
        }
        if current != c.old {
            return Err(fail(
                "not fixed: the file changed since it was read; nothing was written".into(),
            ));
        }
        let meta = std::fs::metadata(&real).map_err(|e| fail(format!("not fixed: {e}")))?;
        if meta.permissions().readonly() {
            return Err(fail(
                "not fixed: the file is read-only; nothing was written".into(),
            ));
        }
        #[cfg(unix)]
        let linked = {
            use std::os::unix::fs::MetadataExt;
            meta.nlink() > 1
        };
        #[cfg(not(unix))]
        let linked = false;
        if linked {
            staged.push(Staged::InPlace(real, c.new.clone()));
            continue;
        }
        let dir = real
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".dsig-fix-")
            .tempfile_in(dir)
            .map_err(|e| fail(format!("not fixed: cannot write beside it: {e}")))?;
        tmp.write_all(c.new.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| fail(format!("not fixed: {e}")))?;
        std::fs::set_permissions(tmp.path(), meta.permissions())
            .map_err(|e| fail(format!("not fixed: {e}")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // the owner, where this user may set it (root may; others keep
            // their own files anyway)
            let _ = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()));
        }
        staged.push(Staged::Rename(tmp, real));
    }
    for s in staged {
        match s {
            Staged::Rename(tmp, real) => {
                let shown = real.display().to_string();
                tmp.persist(&real)
                    .map_err(|e| (shown, format!("cannot write: {}", e.error)))?;
            }
            Staged::InPlace(real, text) => {
                let shown = real.display().to_string();
                std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&real)
                    .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
                    .map_err(|e| (shown, format!("cannot write: {e}")))?;
            }
        }
    }
    Ok(())
}

/// A unified diff of `old` → `new` for `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let path = diff_path(path);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// A path as `git apply` takes it in a diff's headers: relative to the
/// working directory (a path under it written absolute is made relative),
/// `/`-separated, without `.` components. A path outside the working
/// directory is written from the root without its leading `/`.
pub fn diff_path(shown: &str) -> String {
    let p = Path::new(shown);
    let rel = if p.is_absolute() {
        let abs = crate::dirs::absolute(p);
        let cwd = crate::dirs::absolute(Path::new("."));
        match abs.strip_prefix(&cwd) {
            Ok(r) => r.to_path_buf(),
            Err(_) => {
                let shown = abs.display().to_string().replace('\\', "/");
                return shown.trim_start_matches('/').to_string();
            }
        }
    } else {
        p.to_path_buf()
    };
    rel.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(src: &str, unsafe_fixes: bool) -> Fixed {
        fix_source(src, &LintOptions::default(), unsafe_fixes).unwrap()
    }

    #[test]
    fn safe_fixes_only_by_default() {
        let src = "FROM node:22\nCMD node server.js\n";
        let f = fix(src, false);
        assert_eq!(f.text, "FROM node:22\nCMD [\"node\", \"server.js\"]\n");
        assert_eq!(f.applied, ["DSIG001"]);
        // second run changes nothing
        assert_eq!(fix(&f.text, false).text, f.text);
    }

    #[test]
    fn keeps_crlf_bom_and_missing_trailing_newline() {
        let src =
            "\u{feff}FROM nginx:1.27\r\nSTOPSIGNAL TERM\r\nCMD ['nginx', '-g', 'daemon off;']";
        let f = fix(src, true);
        assert!(f.text.starts_with('\u{feff}'));
        assert!(!f.text.ends_with('\n'));
        assert!(f.text.contains("CMD [\"nginx\", \"-g\", \"daemon off;\"]"));
        assert!(f.text.contains("STOPSIGNAL SIGQUIT\r\n"));
        assert!(!f.text.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn inserted_lines_follow_crlf() {
        let src = "FROM debian\r\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\r\n";
        let f = fix(src, true);
        assert_eq!(
            f.text,
            "FROM debian\r\nSTOPSIGNAL SIGQUIT\r\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\r\n"
        );
    }

    #[test]
    fn syntax_errors_are_not_fixed() {
        let e = fix_source(
            "FROM a\nFORM b\nCMD node x\n",
            &LintOptions::default(),
            true,
        );
        assert!(e.unwrap_err().contains("syntax"));
    }

    fn change(p: &Path, old: &str, new: &str) -> Change {
        Change {
            path: p.to_path_buf(),
            display: p.display().to_string(),
            old: old.into(),
            new: new.into(),
        }
    }

    #[cfg(unix)]
    #[test]
    fn writes_keep_mode_links_and_refuse_changed_files() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("Dockerfile");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_all(&[change(&p, "old", "new")]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let leftovers: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        assert!(write_all(&[change(&d.path().join("gone"), "", "x")]).is_err());
        // through a symbolic link to the real file, which stays a link
        let real = d.path().join("real.Dockerfile");
        std::fs::write(&real, "a").unwrap();
        let link = d.path().join("link.Dockerfile");
        std::os::unix::fs::symlink("real.Dockerfile", &link).unwrap();
        write_all(&[change(&link, "a", "b")]).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "b");
        // hard links stay one file
        let hard = d.path().join("hard.sh");
        std::fs::hard_link(&real, &hard).unwrap();
        write_all(&[change(&real, "b", "c")]).unwrap();
        assert_eq!(std::fs::read_to_string(&hard).unwrap(), "c");
        assert_eq!(std::fs::metadata(&hard).unwrap().nlink(), 2);
        // a file changed since it was read: nothing of the fix is written
        let other = d.path().join("entrypoint.sh");
        std::fs::write(&other, "edited meanwhile").unwrap();
        let e = write_all(&[change(&p, "new", "newer"), change(&other, "x", "y")]).unwrap_err();
        assert!(e.1.contains("changed since it was read"), "{e:?}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        // already fixed (a script shared by two Dockerfiles): nothing to do
        write_all(&[change(&other, "x", "edited meanwhile")]).unwrap();
    }

    #[test]
    fn overlapping_edits_wait_for_the_next_round() {
        use crate::diagnostic::{Fix, Severity, Span};
        let d = |code: RuleCode, s: usize, e: usize, r: &str| {
            let mut d = Diagnostic::new(code, Severity::Error, Span::new(s, e), String::new());
            d.set_fix(Fix {
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: Span::new(s, e),
                    replacement: r.into(),
                    file: None,
                }],
            });
            d
        };
        let src = "abcdefgh";
        let diags = vec![
            d(RuleCode::Dsig001, 2, 5, "X"),
            d(RuleCode::Dsig002, 4, 6, "Y"),
            d(RuleCode::Dsig003, 6, 7, "Z"),
            d(RuleCode::Dsig004, 0, 0, "<"),
        ];
        let picked: Vec<RuleCode> = pick(src, &diags, false).iter().map(|(c, _)| *c).collect();
        // 2 overlaps 1 (first by position wins); 3 touches only 2's range
        assert_eq!(
            picked,
            [RuleCode::Dsig004, RuleCode::Dsig001, RuleCode::Dsig003]
        );
        // unsafe ones need the flag; spans out of range are dropped
        let mut u = d(RuleCode::Dsig005, 1, 2, "u");
        u.fix_mut().unwrap().applicability = Applicability::Unsafe;
        assert!(pick(src, &[u.clone()], false).is_empty());
        assert_eq!(pick(src, &[u], true).len(), 1);
        assert!(pick(src, &[d(RuleCode::Dsig006, 5, 99, "o")], true).is_empty());
    }

    #[test]
    fn diff_is_unified() {
        let d = unified_diff("Dockerfile", "FROM a\nCMD x\n", "FROM a\nCMD [\"x\"]\n");
        assert!(
            d.contains("--- a/Dockerfile") && d.contains("-CMD x") && d.contains("+CMD [\"x\"]")
        );
    }
}
