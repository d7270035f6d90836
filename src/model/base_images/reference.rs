//! Image references: the tokenizer (literal characters and unresolved
//! variables), tags and `name:tag@digest`.

use super::*;

/// One character of a reference, or an unresolved variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Ch(char),
    Var,
}

/// Split a reference into literal characters and variables (`$NAME`,
/// `${NAME}`, `${NAME:-default}` and other brace forms).
pub(super) fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if next == '{' {
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < chars.len() {
                    match chars[j] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                out.push(Tok::Var);
                i = j + 1;
                continue;
            }
            if next.is_ascii_alphabetic() || next == '_' {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                out.push(Tok::Var);
                i = j;
                continue;
            }
        }
        out.push(Tok::Ch(c));
        i += 1;
    }
    out
}

pub(super) fn find_lit(toks: &[Tok], c: char) -> Option<usize> {
    toks.iter().position(|t| *t == Tok::Ch(c))
}

pub(super) fn has_var(toks: &[Tok]) -> bool {
    toks.contains(&Tok::Var)
}

/// The literal text of tokens (lower case), or None if a variable is among them.
pub(super) fn literal(toks: &[Tok]) -> Option<String> {
    toks.iter()
        .map(|t| match t {
            Tok::Ch(c) => Some(c.to_ascii_lowercase()),
            Tok::Var => None,
        })
        .collect()
}

/// A tag as a sequence of literal pieces and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Lit(String),
    Var,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tag {
    pub(super) segs: Vec<Seg>,
}

impl Tag {
    pub(super) fn from_toks(toks: &[Tok]) -> Tag {
        let mut segs = Vec::new();
        let mut cur = String::new();
        for t in toks {
            match t {
                Tok::Ch(c) => cur.push(c.to_ascii_lowercase()),
                Tok::Var => {
                    if !cur.is_empty() {
                        segs.push(Seg::Lit(std::mem::take(&mut cur)));
                    }
                    if segs.last() != Some(&Seg::Var) {
                        segs.push(Seg::Var);
                    }
                }
            }
        }
        if !cur.is_empty() {
            segs.push(Seg::Lit(cur));
        }
        Tag { segs }
    }

    pub(super) fn literal(s: &str) -> Tag {
        Tag {
            segs: vec![Seg::Lit(s.to_string())],
        }
    }

    /// A tag nothing is known about (a reference pinned only by digest).
    pub(super) fn hidden() -> Tag {
        Tag {
            segs: vec![Seg::Var],
        }
    }

    pub(super) fn concrete(&self) -> Option<String> {
        let mut s = String::new();
        for seg in &self.segs {
            match seg {
                Seg::Lit(l) => s.push_str(l),
                Seg::Var => return None,
            }
        }
        Some(s)
    }

    pub(super) fn ends_with_var(&self) -> bool {
        matches!(self.segs.last(), Some(Seg::Var))
    }

    pub(super) fn visible_contains(&self, needle: &str) -> bool {
        self.segs
            .iter()
            .any(|s| matches!(s, Seg::Lit(l) if l.contains(needle)))
    }

    pub(super) fn visible_starts_with(&self, prefix: &str) -> bool {
        matches!(self.segs.first(), Some(Seg::Lit(l)) if l.starts_with(prefix))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImageRef {
    /// Registry host (lower case); None = Docker Hub implied. "$" if it is a variable.
    pub(super) registry: Option<String>,
    /// Repository path without registry (lower case, `library/` removed on
    /// Docker Hub); None if it contains a variable.
    pub(super) path: Option<String>,
    pub(super) tag: Tag,
}

impl ImageRef {
    pub(super) fn is_hub(&self) -> bool {
        match &self.registry {
            None => true,
            Some(r) => HUB_REGISTRIES.contains(&r.as_str()),
        }
    }

    /// Name used to look the image up in the table.
    pub(super) fn full_name(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        if self.is_hub() {
            return Some(path.clone());
        }
        let registry = self.registry.as_ref()?;
        if registry.contains('$') {
            return None;
        }
        Some(format!("{registry}/{path}"))
    }
}

/// Parse an image reference: `[registry[:port]/]path[:tag][@digest]`.
pub(super) fn parse_ref(image_ref: &str) -> Option<ImageRef> {
    let mut toks = tokenize(image_ref.trim());
    if let Some(ws) = toks
        .iter()
        .position(|t| matches!(t, Tok::Ch(c) if c.is_whitespace()))
    {
        toks.truncate(ws);
    }
    if toks.is_empty() {
        return None;
    }
    let (name_toks, has_digest) = match find_lit(&toks, '@') {
        Some(at) => (&toks[..at], true),
        None => (&toks[..], false),
    };

    // A first component with '.', ':' or a variable, or "localhost", is a registry.
    let mut registry = None;
    let mut rest = name_toks;
    if let Some(slash) = find_lit(name_toks, '/') {
        let first = &name_toks[..slash];
        match literal(first) {
            Some(host) if host.contains('.') || host.contains(':') || host == "localhost" => {
                registry = Some(host);
                rest = &name_toks[slash + 1..];
            }
            None => {
                registry = Some("$".to_string());
                rest = &name_toks[slash + 1..];
            }
            Some(_) => {}
        }
    }

    let (path_toks, tag_toks) = match find_lit(rest, ':') {
        Some(colon) => (&rest[..colon], Some(&rest[colon + 1..])),
        None => (rest, None),
    };
    if path_toks.is_empty() {
        return None;
    }
    let mut path = if has_var(path_toks) {
        None
    } else {
        literal(path_toks)
    };

    let tag = match tag_toks {
        Some(t) if !t.is_empty() => Tag::from_toks(t),
        _ if has_digest => Tag::hidden(),
        _ => Tag::literal("latest"),
    };

    let hub = match &registry {
        None => true,
        Some(r) => HUB_REGISTRIES.contains(&r.as_str()),
    };
    if hub
        && let Some(p) = &path
        && let Some(short) = p.strip_prefix("library/")
        && !short.contains('/')
    {
        path = Some(short.to_string());
    }

    Some(ImageRef {
        registry,
        path,
        tag,
    })
}
