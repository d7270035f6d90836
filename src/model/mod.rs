//! The launch model: for the stage that runs, the effective ENTRYPOINT, CMD,
//! SHELL and STOPSIGNAL as Docker combines them (including what a known base
//! image contributes), and the predicted process tree at `docker run`.

pub mod app;
pub mod base_images;
pub mod chain;
pub mod copies;
pub mod platform;
pub mod script;
pub mod shell_run;

use crate::diagnostic::Span;
use crate::parse::{Args, Dockerfile, Instruction, Kind, Word};
use base_images::{BaseImage, Lookup, ShellKind};

pub use chain::{Chain, Hop, HopKind, Relation};

/// Where a piece of the launch configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An instruction in the Dockerfile being linted, with the span of the
    /// part that matters.
    Dockerfile { span: Span, line: usize },
    /// The base image named by `FROM`.
    BaseImage { image: String },
    /// A file in the build context (script, package.json), or the
    /// Dockerfile of an image a manifest runs.
    File { path: String, line: Option<usize> },
    /// A field of the manifest being linted (`command`, `args`), with the
    /// span of its key.
    Manifest {
        span: Span,
        line: usize,
        field: &'static str,
    },
    /// Docker's default.
    Default,
}

impl Origin {
    /// The span in the file being linted (a Dockerfile instruction or a
    /// manifest field), if the origin is there.
    pub fn span_here(&self) -> Option<Span> {
        match self {
            Origin::Dockerfile { span, .. } | Origin::Manifest { span, .. } => Some(*span),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Origin::Dockerfile { line, .. } => format!("Dockerfile:{line}"),
            Origin::BaseImage { image } => format!("base image {image}"),
            Origin::File {
                path,
                line: Some(l),
            } => format!("{path}:{l}"),
            Origin::File { path, line: None } => path.clone(),
            Origin::Manifest { field, line, .. } => format!("`{field}`, line {line}"),
            Origin::Default => "Docker default".into(),
        }
    }
}

/// The shell that runs shell-form commands of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellInfo {
    /// The command prefix, e.g. `["/bin/sh", "-c"]`.
    pub argv: Vec<String>,
    pub kind: ShellKind,
    /// Why we believe it ("node:20-alpine is Alpine-based", "SHELL on line 4").
    pub reason: String,
    pub origin: Origin,
}

/// ENTRYPOINT or CMD as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    Exec(Vec<Word>),
    /// Shell form: run as `shell.argv + [text]`.
    Shell {
        text: Word,
        shell: ShellInfo,
        /// What the shell does with `text`.
        run: Box<shell_run::ShellRun>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub form: Form,
    pub origin: Origin,
    /// Index of the instruction in `Dockerfile::instructions`, when it comes
    /// from this Dockerfile.
    pub instruction: Option<usize>,
}

impl Setting {
    /// The argv this setting contributes.
    pub fn argv(&self) -> Vec<String> {
        match &self.form {
            Form::Exec(w) => w.iter().map(|w| w.value.clone()).collect(),
            Form::Shell { text, shell, .. } => {
                let mut v = shell.argv.clone();
                v.push(text.value.clone());
                v
            }
        }
    }
}

/// One build stage.
#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Index one past the last instruction of the stage.
    pub end: usize,
    /// The base as written, with build args expanded.
    pub base: String,
    /// The base is an earlier stage of this Dockerfile.
    pub base_stage: Option<usize>,
}

/// The launch configuration of a stage.
#[derive(Debug, Clone)]
pub struct Launch {
    pub stage: usize,
    /// The image the stage (transitively) starts from.
    pub base_image: String,
    pub base: Option<&'static BaseImage>,
    /// What the base image sets is known: a table entry, or a family such
    /// as a distribution image (which sets no ENTRYPOINT or STOPSIGNAL).
    pub base_known: bool,
    pub entrypoint: Option<Setting>,
    pub cmd: Option<Setting>,
    pub shell: ShellInfo,
    /// What `/bin/sh` is in the image (SHELL does not change it).
    pub bin_sh: ShellKind,
    pub stopsignal: Option<(String, Origin)>,
    /// The runtime starts an init as PID 1 (`docker run --init`, compose
    /// `init: true`, configuration `init: true`), and where that is said.
    pub runtime_init: Option<Origin>,
    /// Every CMD/ENTRYPOINT instruction of the stage, in order (DSIG009).
    pub cmd_instructions: Vec<usize>,
    pub entrypoint_instructions: Vec<usize>,
    /// A Windows image: no POSIX shell, no PID 1 signal semantics that the
    /// measurements cover (see [`is_windows`]).
    pub windows: bool,
}

impl Launch {
    /// The argv Docker would start: ENTRYPOINT + CMD.
    pub fn argv(&self) -> Vec<String> {
        let mut v = self
            .entrypoint
            .as_ref()
            .map(|s| s.argv())
            .unwrap_or_default();
        v.extend(self.cmd.as_ref().map(|s| s.argv()).unwrap_or_default());
        v
    }

    pub fn stop_signal(&self) -> &str {
        self.stopsignal
            .as_ref()
            .map(|s| s.0.as_str())
            .unwrap_or(crate::signal::DEFAULT_STOP)
    }
}

/// Split the Dockerfile into stages.
pub fn stages(df: &Dockerfile) -> Vec<Stage> {
    let global_args = global_args(df);
    let mut out: Vec<Stage> = Vec::new();
    // Stage name → first stage of that name (one lookup per FROM, not a scan).
    let mut names: std::collections::HashMap<String, usize> = Default::default();
    for (i, inst) in df.instructions.iter().enumerate() {
        if inst.kind != Kind::From {
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.end = i;
        }
        let words = inst.words();
        let base = words
            .first()
            .map(|w| expand(&w.value, &global_args))
            .unwrap_or_default();
        let name = if words.len() >= 3 && words[1].value.eq_ignore_ascii_case("as") {
            Some(words[2].value.to_ascii_lowercase())
        } else {
            None
        };
        let base_stage = names.get(&base.to_ascii_lowercase()).copied();
        if let Some(n) = &name {
            names.entry(n.clone()).or_insert(out.len());
        }
        out.push(Stage {
            index: out.len(),
            name,
            from: i,
            end: df.instructions.len(),
            base,
            base_stage,
        });
    }
    out
}

/// `ARG` before the first `FROM`, with their defaults.
fn global_args(df: &Dockerfile) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for inst in &df.instructions {
        if inst.kind == Kind::From {
            break;
        }
        if inst.kind == Kind::Arg {
            for w in inst.words() {
                if let Some((k, v)) = w.value.split_once('=') {
                    out.push((k.to_string(), unquote(v)));
                }
            }
        }
    }
    out
}

/// A value without its surrounding quotes (`"x"`, `'x'`).
pub(crate) fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

/// Expand `$X`, `${X}`, `${X:-d}`, `${X-d}` with the given variables; unknown
/// variables are left as written.
pub fn expand(s: &str, vars: &[(String, String)]) -> String {
    let get = |k: &str| {
        vars.iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            if b[i + 1] == b'{' {
                if let Some(close) = s[i..].find('}') {
                    let inner = &s[i + 2..i + close];
                    let (name, default) = match inner.find([':', '-']) {
                        Some(p) => {
                            let d = inner[p..].trim_start_matches(':');
                            (&inner[..p], d.strip_prefix('-').map(str::to_string))
                        }
                        None => (inner, None),
                    };
                    match (get(name), default) {
                        (Some(v), _) if !v.is_empty() => out.push_str(&v),
                        (_, Some(d)) => out.push_str(&d),
                        (Some(v), None) => out.push_str(&v),
                        (None, None) => out.push_str(&s[i..i + close + 1]),
                    }
                    i += close + 1;
                    continue;
                }
            } else if b[i + 1] == b'_' || b[i + 1].is_ascii_alphabetic() {
                let len = s[i + 1..]
                    .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
                    .unwrap_or(s.len() - i - 1);
                let name = &s[i + 1..i + 1 + len];
                match get(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&s[i..i + 1 + len]),
                }
                i += 1 + len;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The stage that runs: the one named `target`, else the last one.
pub fn target_stage(stages: &[Stage], target: Option<&str>) -> Result<usize, String> {
    match target {
        Some(t) => stages
            .iter()
            .position(|s| s.name.as_deref() == Some(t.to_ascii_lowercase().as_str()))
            .ok_or_else(|| format!("no stage named {t:?}")),
        None => {
            if stages.is_empty() {
                Err("the Dockerfile has no FROM".into())
            } else {
                Ok(stages.len() - 1)
            }
        }
    }
}

/// Overrides for images the table does not know (e.g. private base images).
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// `registry/base-image` → shell kind.
    pub shells: Vec<(String, ShellKind)>,
}

/// Stage `idx` and the stages it builds on (`FROM <earlier stage>`),
/// nearest first; the last one starts from an image. A loop, not recursion:
/// a chain of thousands of stages must not overflow the stack.
pub fn stage_chain(stages: &[Stage], idx: usize) -> Vec<usize> {
    let mut chain = vec![idx];
    let mut cur = idx;
    while let Some(parent) = stages[cur].base_stage.filter(|p| *p < cur) {
        chain.push(parent);
        cur = parent;
    }
    chain
}

/// The effective launch configuration of stage `idx`.
pub fn launch(df: &Dockerfile, stages: &[Stage], idx: usize, opts: &ModelOptions) -> Launch {
    let chain = stage_chain(stages, idx);
    let root = *chain.last().unwrap_or(&idx);
    let mut l = base_launch(&stages[root].base, opts);
    for (n, &i) in chain.iter().rev().enumerate() {
        if n > 0 {
            l.cmd_instructions.clear();
            l.entrypoint_instructions.clear();
        }
        apply_stage(df, stages, i, &mut l);
    }
    l.windows = is_windows(df, &l);
    l
}

/// Apply stage `idx`'s own instructions (and its parent's ONBUILD triggers)
/// to the launch configuration it starts from.
fn apply_stage(df: &Dockerfile, stages: &[Stage], idx: usize, l: &mut Launch) {
    let stage = &stages[idx];
    l.stage = idx;
    // ONBUILD triggers of the parent stage run here (BuildKit, fact 26).
    let mut triggers: Vec<(usize, &Instruction)> = Vec::new();
    if let Some(parent) = stage.base_stage.filter(|p| *p < idx) {
        let ps = &stages[parent];
        for i in ps.from + 1..ps.end {
            if let Args::Onbuild(inner) = &df.instructions[i].args {
                triggers.push((i, inner));
            }
        }
    }
    let own = (stage.from + 1..stage.end).map(|i| (i, &df.instructions[i]));
    let mut cmd_set = false;
    for (i, inst) in triggers.into_iter().chain(own) {
        match inst.kind {
            Kind::Shell => {
                if let Args::Exec { words, .. } = &inst.args
                    && !words.is_empty()
                {
                    let argv: Vec<String> = words.iter().map(|w| w.value.clone()).collect();
                    l.shell = ShellInfo {
                        kind: shell_kind_of_argv(&argv, l.shell.kind),
                        reason: format!("SHELL on line {}", inst.line),
                        argv,
                        origin: Origin::Dockerfile {
                            span: inst.args_span,
                            line: inst.line,
                        },
                    };
                }
            }
            Kind::Cmd => {
                l.cmd_instructions.push(i);
                cmd_set = true;
                l.cmd = setting(inst, i, &l.shell);
            }
            Kind::Entrypoint => {
                l.entrypoint_instructions.push(i);
                l.entrypoint = setting(inst, i, &l.shell);
                if !cmd_set {
                    l.cmd = None;
                }
            }
            Kind::Stopsignal => {
                if let Args::String(w) = &inst.args {
                    l.stopsignal = Some((
                        w.value.clone(),
                        Origin::Dockerfile {
                            span: w.span,
                            line: inst.line,
                        },
                    ));
                }
            }
            _ => {}
        }
    }
}

fn setting(inst: &Instruction, idx: usize, shell: &ShellInfo) -> Option<Setting> {
    let origin = Origin::Dockerfile {
        span: inst.args_span,
        line: inst.line,
    };
    let form = match &inst.args {
        Args::Exec { words, .. } => Form::Exec(words.clone()),
        Args::Shell { text, .. } => Form::Shell {
            text: text.clone(),
            shell: shell.clone(),
            run: Box::new(shell_run::shell_run(shell.kind, &text.value)),
        },
        Args::None => Form::Exec(Vec::new()),
        _ => return None,
    };
    Some(Setting {
        form,
        origin,
        instruction: Some(idx),
    })
}

/// Which shell a `SHELL` argv runs.
fn shell_kind_of_argv(argv: &[String], sh: ShellKind) -> ShellKind {
    ShellKind::of_argv(argv, sh).map_or(ShellKind::Unknown, |(k, _)| k)
}

/// What a `FROM <image>` starts with.
pub fn base_launch(image: &str, opts: &ModelOptions) -> Launch {
    let image_name = image.split(['@']).next().unwrap_or(image);
    let user_shell = opts.shells.iter().find(|(n, _)| {
        let n = n.as_str();
        image_name == n || image_name.split(':').next() == Some(n)
    });
    let (kind, reason) = match user_shell {
        Some((_, k)) => (*k, format!("{image}: shell set in configuration")),
        None => base_images::shell_of(image),
    };
    let shell = ShellInfo {
        argv: vec!["/bin/sh".into(), "-c".into()],
        kind,
        reason,
        origin: Origin::BaseImage {
            image: image.to_string(),
        },
    };
    let known = match base_images::lookup(image) {
        Lookup::Known(b) => Some(b),
        _ => None,
    };
    let from_image = |argv: &Option<Vec<String>>| -> Option<Setting> {
        let v = argv.as_ref()?;
        if v.is_empty() {
            return None;
        }
        Some(Setting {
            form: Form::Exec(
                v.iter()
                    .map(|s| Word {
                        value: s.clone(),
                        span: Span::default(),
                    })
                    .collect(),
            ),
            origin: Origin::BaseImage {
                image: image.to_string(),
            },
            instruction: None,
        })
    };
    Launch {
        stage: 0,
        base_image: image.to_string(),
        base: known,
        base_known: known.is_some()
            || matches!(base_images::lookup(image), Lookup::Family { .. })
            || image == "scratch",
        entrypoint: known.and_then(|b| from_image(&b.entrypoint)),
        cmd: known.and_then(|b| from_image(&b.cmd)),
        bin_sh: kind,
        shell,
        stopsignal: known.and_then(|b| {
            b.stopsignal.clone().map(|s| {
                (
                    s,
                    Origin::BaseImage {
                        image: image.to_string(),
                    },
                )
            })
        }),
        runtime_init: None,
        cmd_instructions: Vec::new(),
        entrypoint_instructions: Vec::new(),
        windows: false,
    }
}

/// Whether a stage builds a Windows image: its base image's name says so
/// (`mcr.microsoft.com/windows/servercore`, `...-nanoserver-...`,
/// `...-windowsservercore-...`), the file uses `` # escape=` `` (the
/// Windows convention, so that `C:\path` keeps its backslashes), or its
/// SHELL is PowerShell or cmd.
pub fn is_windows(df: &Dockerfile, l: &Launch) -> bool {
    let image = l.base_image.to_ascii_lowercase();
    let by_name = ["windows", "servercore", "nanoserver"]
        .iter()
        .any(|w| image.contains(w));
    let by_escape = df
        .directives
        .iter()
        .any(|d| d.name == "escape" && d.value.trim() == "`");
    let by_shell = l.shell.argv.first().is_some_and(|p| {
        let p = p
            .rsplit(['\\', '/'])
            .next()
            .unwrap_or(p)
            .to_ascii_lowercase();
        let p = p.strip_suffix(".exe").unwrap_or(&p);
        matches!(p, "powershell" | "pwsh" | "cmd")
    });
    by_name || by_escape || by_shell
}

/// Apply what a compose service overrides: `entrypoint` (which also clears
/// the image's CMD), `command`, `stop_signal`, `init`. String forms are split
/// without a shell, so they are exec form.
pub fn apply_compose(l: &mut Launch, file: &std::path::Path, svc: &crate::compose::Service) {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let origin = |key: &str, line: usize| Origin::File {
        path: format!("{name}:{line} services.{}.{key}", svc.name),
        line: None,
    };
    let setting = |form: &crate::compose::CommandForm, o: Origin| -> Option<Option<Setting>> {
        let argv = form.argv()?;
        if argv.is_empty() {
            return Some(None);
        }
        Some(Some(Setting {
            form: Form::Exec(
                argv.iter()
                    .map(|a| Word {
                        value: a.clone(),
                        span: Span::default(),
                    })
                    .collect(),
            ),
            origin: o,
            instruction: None,
        }))
    };
    if let Some(ep) = &svc.entrypoint
        && let Some(s) = setting(&ep.value, origin("entrypoint", ep.line))
    {
        l.entrypoint = s;
        l.cmd = None;
    }
    if let Some(cmd) = &svc.command
        && let Some(s) = setting(&cmd.value, origin("command", cmd.line))
    {
        l.cmd = s;
    }
    if let Some(sig) = &svc.stop_signal {
        l.stopsignal = Some((sig.value.clone(), origin("stop_signal", sig.line)));
    }
    if let Some(init) = &svc.init {
        l.runtime_init = init.value.then(|| origin("init", init.line));
    }
}

#[cfg(test)]
mod tests;
