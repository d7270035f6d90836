//! Resolution: from an image reference to a table row, a family guess or
//! nothing, with the reason.

use super::*;

pub(super) enum Resolved {
    Known(&'static Row),
    Family(ShellKind, &'static str),
    Unknown(&'static str),
}

pub(super) fn resolve(image_ref: &str) -> Resolved {
    let Some(r) = parse_ref(image_ref) else {
        return Resolved::Unknown(REASON_UNPARSABLE);
    };

    // 0. openjdk 8 and 11: older than the table's rows (27, 28), Debian
    if r.full_name().as_deref() == Some("openjdk")
        && let Some(t) = r.tag.concrete()
        && let Some(major) = t.split(|c: char| !c.is_ascii_digit()).next()
        && matches!(major, "7" | "8" | "9" | "10" | "11")
        && !t.contains("alpine")
        && !t.contains("windows")
        && !t.contains("nanoserver")
    {
        return Resolved::Family(ShellKind::Dash, REASON_OLD_OPENJDK);
    }

    // 1. The image itself is in the table.
    if let Some(name) = r.full_name() {
        let Ok(rows) = image_rows(&name) else {
            return Resolved::Unknown(REASON_TABLE_BROKEN);
        };
        if !rows.is_empty() {
            return resolve_variant(&rows, &r.tag);
        }
        if name.starts_with("gcr.io/distroless/") {
            return Resolved::Family(ShellKind::None, REASON_DISTROLESS);
        }
    }

    // 2. Named like an official image, on another registry (a mirror). Another
    //    namespace on Docker Hub (`mycorp/node`) is a different image: unknown.
    if let Some(path) = r.path.as_ref().filter(|_| !r.is_hub()) {
        let segments: Vec<&str> = path.split('/').collect();
        for take in [2, 1] {
            if segments.len() < take || (take == segments.len() && r.is_hub()) {
                // A Hub path of this length was already looked up exactly.
                continue;
            }
            // `registry/node` and `registry/library/node` mirror the official
            // image; `cgr.dev/chainguard/node` is another image of that name
            if take == 1 && segments.len() > 1 {
                let (ns, name) = (segments[segments.len() - 2], segments[segments.len() - 1]);
                // `library/` (Docker's own), the publisher's own namespace
                // (`public.ecr.aws/ubuntu/ubuntu`, `ghcr.io/oracle/oraclelinux`)
                let official =
                    ns == "library" || ns == name || (ns, name) == ("oracle", "oraclelinux");
                if !official {
                    continue;
                }
            }
            let suffix = segments[segments.len() - take..].join("/");
            let Ok(rows) = image_rows(&suffix) else {
                return Resolved::Unknown(REASON_TABLE_BROKEN);
            };
            let rows: Vec<&'static Row> = rows
                .into_iter()
                .filter(|row| !row.info.image.starts_with("gcr.io/"))
                .collect();
            if rows.is_empty() {
                continue;
            }
            match resolve_variant(&rows, &r.tag) {
                Resolved::Known(row) => return Resolved::Family(row.info.shell, REASON_MIRROR),
                Resolved::Family(shell, _) => return Resolved::Family(shell, REASON_MIRROR),
                Resolved::Unknown(_) => break,
            }
        }
    }

    // 3. The tag says Alpine.
    if r.tag.visible_contains("alpine") {
        return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
    }

    // 4. The tag names a Debian or Ubuntu release.
    if debian_tag(&r.tag) {
        return Resolved::Family(ShellKind::Dash, REASON_DEBIAN_TAG);
    }

    // 5. Red Hat family names.
    if let Some(path) = &r.path {
        let rhel = RHEL_NAMES.iter().any(|n| path.contains(n))
            || path
                .split(['/', '-', '_', '.'])
                .any(|token| token.starts_with("ubi"));
        if rhel {
            return Resolved::Family(ShellKind::Bash, REASON_RHEL);
        }
    }

    if r.path.is_none() {
        return Resolved::Unknown(REASON_UNPARSABLE);
    }
    Resolved::Unknown(REASON_NOT_IN_TABLE)
}

/// Pick the variant row of one image (its rows in table order) for a tag.
pub(super) fn resolve_variant(rows: &[&'static Row], tag: &Tag) -> Resolved {
    if let Some(t) = tag.concrete() {
        for &row in rows {
            match row.matcher.hit_concrete(&t) {
                Some(Hit::Positive) => return Resolved::Known(row),
                Some(Hit::Fallback) => {
                    // An Alpine tag the table does not list for this image.
                    if t.contains("alpine") && row.info.shell != ShellKind::Busybox {
                        return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
                    }
                    return Resolved::Known(row);
                }
                None => {}
            }
        }
        // Unreachable for a validated table: the last row of an image matches any tag.
        return Resolved::Unknown(REASON_NOT_IN_TABLE);
    }

    // The tag holds unresolved variables (or is absent behind a digest).
    let hit = rows.iter().position(|row| row.matcher.hit_visible(tag));
    let (candidates, preferred) = match hit {
        // The visible suffix names the variant.
        Some(i) if !tag.ends_with_var() => return Resolved::Known(rows[i]),
        // A trailing variable may still add a marker of an earlier row.
        Some(i) => (&rows[..=i], rows[i]),
        None => {
            if tag.visible_contains("alpine") {
                return Resolved::Family(ShellKind::Busybox, REASON_ALPINE_TAG);
            }
            let fallback = rows
                .iter()
                .copied()
                .find(|row| row.matcher.has_fallback())
                .unwrap_or(rows[rows.len() - 1]);
            (rows, fallback)
        }
    };
    if candidates.iter().all(|row| row.same_facts(preferred)) {
        return Resolved::Known(preferred);
    }
    let shell = candidates[0].info.shell;
    if candidates.iter().all(|row| row.info.shell == shell) {
        return Resolved::Family(shell, REASON_SAME_SHELL);
    }
    Resolved::Unknown(REASON_VARIANTS_DIFFER)
}
