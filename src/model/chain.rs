//! The predicted process tree at `docker run`: which process is PID 1, what
//! it starts, and whether each step replaces its parent (exec) or runs as
//! its child.

use super::base_images::ShellKind;
use super::{Launch, Origin};
use crate::context::Context;
use crate::diagnostic::Span;
use crate::shell::{self, CommandKind};

/// How a hop relates to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The first process: PID 1.
    Pid1,
    /// Replaces the previous process (same PID).
    Exec,
    /// Runs as a child of the previous process.
    Child,
    /// Not known whether it replaces the previous process or is its child.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    Npm,
    Npx,
    Yarn,
    Pnpm,
}

impl PackageManager {
    pub fn name(self) -> &'static str {
        match self {
            PackageManager::Npm => "npm",
            PackageManager::Npx => "npx",
            PackageManager::Yarn => "yarn",
            PackageManager::Pnpm => "pnpm",
        }
    }
}

/// An interpreter that, run as PID 1, behaves as measured (facts 2-4) or
/// as not yet measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Node,
    Python,
    /// ruby, deno, bun: not measured.
    Other(&'static str),
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Node => "node",
            Runtime::Python => "python",
            Runtime::Other(n) => n,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HopKind {
    /// `<shell> -c TEXT`.
    Shell {
        flavor: ShellKind,
        text: String,
        /// Whether the shell replaces itself with the main command (per the
        /// measured shell; `run.execs` also decides for an unknown shell
        /// where every measured one agrees).
        execs: Option<bool>,
        /// What the shell does with `text`: its main command, what follows
        /// it, whether it was written with `exec`.
        run: Box<super::shell_run::ShellRun>,
    },
    Init {
        name: String,
        /// `tini -g` or dumb-init's default group mode.
        group: bool,
    },
    /// An entrypoint script; `execs` whether the command that starts the
    /// main process is exec'd.
    Script {
        execs: Option<bool>,
        /// The script in the build context (path relative to it), when read.
        path: Option<String>,
        /// Its text, as read (once) from the build context.
        text: Option<std::sync::Arc<str>>,
        /// The script is a heredoc of the Dockerfile (`COPY <<'EOF'
        /// /entrypoint.sh`): where its text is in the Dockerfile.
        heredoc: Option<Heredoc>,
        /// The command in the script that starts the main process.
        site: Option<super::script::Site>,
        /// The shell that runs the script.
        shell: Option<ShellKind>,
        /// The script sets a trap.
        trap: bool,
        /// Every command that may end the script (see `script::ScriptInfo`).
        sites: Vec<super::script::Site>,
        /// Index of `site` in `sites`.
        main: Option<usize>,
    },
    PackageManager {
        pm: PackageManager,
        /// The script name (`start`), when run through a script.
        script: Option<String>,
        /// The script text from package.json, when it was read.
        script_text: Option<String>,
        /// Arguments passed on to the script (`npm run start -- --port
        /// 8080`, `yarn start --port 8080`): appended to its command.
        args: Vec<String>,
        /// What the image's /bin/sh does with the script text.
        script_run: Option<Box<super::shell_run::ShellRun>>,
    },
    /// su/runuser/sudo/gosu/su-exec/setpriv/env and similar wrappers.
    Wrapper { name: String },
    /// The app (the last hop), with its runtime when it is an interpreter
    /// dsig knows.
    App { runtime: Option<Runtime> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub argv: Vec<String>,
    pub kind: HopKind,
    pub relation: Relation,
    pub origin: Origin,
    /// What dsig concluded at this hop (shown by `dsig ps`).
    pub note: Option<String>,
    /// `VAR=value` assignments this hop puts in the environment of what it
    /// runs (`env A=1 cmd`, `sh -c "A=1 cmd"`).
    pub env: Vec<String>,
}

impl Hop {
    /// The command as a user would write it.
    pub fn display(&self) -> String {
        match &self.kind {
            HopKind::Shell { text, .. } => {
                let prefix: Vec<&str> = self
                    .argv
                    .iter()
                    .map(String::as_str)
                    .take_while(|a| *a != text)
                    .collect();
                format!("{} {}", prefix.join(" "), quote(text))
            }
            _ => self
                .argv
                .iter()
                .map(|a| quote_word(a))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The program's name for messages: `node`, or `the app` when the
    /// name is only known at run time (`$APP`, a quoted command string).
    pub fn app_name(&self) -> String {
        let p = self.program().trim_matches(['"', '\'']);
        if p.is_empty() || p.contains(['$', ' ', '"', '\'', '`']) {
            "the app".into()
        } else {
            p.to_string()
        }
    }

    pub fn program(&self) -> &str {
        self.argv.first().map(|a| basename(a)).unwrap_or("")
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn quote_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        s.to_string()
    } else {
        quote(s)
    }
}

pub use crate::dirs::basename;

/// Where a heredoc script's text is in the Dockerfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heredoc {
    /// Byte offset of the text, when the text is the Dockerfile's bytes as
    /// they are (not for `<<-`, which strips tabs).
    pub offset: Option<usize>,
    /// 1-based Dockerfile line of the text's first line.
    pub line: usize,
}

/// The whole predicted tree, from PID 1 to the app.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chain {
    pub hops: Vec<Hop>,
    /// Why the chain stops early, if it does.
    pub incomplete: Option<String>,
    /// The working directory the container starts in (the stage's last
    /// WORKDIR), when the Dockerfile is known.
    pub workdir: Option<String>,
}

impl Chain {
    /// Index of the hop that is PID 1 once every exec has happened.
    pub fn pid1(&self) -> Option<usize> {
        let mut idx = None;
        for (i, h) in self.hops.iter().enumerate() {
            match h.relation {
                Relation::Pid1 | Relation::Exec => idx = Some(i),
                _ => break,
            }
        }
        idx
    }

    /// The last hop: the process that does the work.
    pub fn main(&self) -> Option<&Hop> {
        self.hops.last()
    }

    /// Index of the first package manager hop.
    pub fn package_manager(&self) -> Option<usize> {
        self.hops
            .iter()
            .position(|h| matches!(h.kind, HopKind::PackageManager { .. }))
    }

    /// Whether an init runs at or above hop `i`.
    pub fn init_before(&self, i: usize) -> Option<&Hop> {
        self.hops[..i.min(self.hops.len())]
            .iter()
            .find(|h| matches!(h.kind, HopKind::Init { .. }))
    }
}

const INITS: &[&str] = &[
    "tini",
    "tini-static",
    "dumb-init",
    "catatonit",
    "docker-init",
];

/// Finds the build-context file behind an in-image program or path.
pub trait Locate {
    /// A program as run (absolute, WORKDIR-relative, or looked up on PATH).
    fn program(&self, program: &str) -> Option<super::copies::Located>;
    /// A file argument, relative to WORKDIR.
    fn file(&self, path: &str) -> Option<super::copies::Located>;
}

/// No build context files are known.
pub struct NoFiles;

impl Locate for NoFiles {
    fn program(&self, _: &str) -> Option<super::copies::Located> {
        None
    }
    fn file(&self, _: &str) -> Option<super::copies::Located> {
        None
    }
}

/// Build the predicted chain for a launch configuration.
pub fn build(launch: &Launch, ctx: &Context) -> Chain {
    build_with(launch, ctx, &NoFiles)
}

/// Build the predicted chain, reading entrypoint scripts from the context.
///
/// A short loop over recognisers, one per kind of hop: each looks at the
/// command about to run and, when it is its kind, pushes its hop and says
/// what runs next. The first that matches wins; what none of them claims
/// is the app.
pub fn build_with(launch: &Launch, ctx: &Context, files: &dyn Locate) -> Chain {
    let Some(mut b) = Builder::new(launch, ctx, files) else {
        return Chain {
            hops: Vec::new(),
            incomplete: Some("no ENTRYPOINT or CMD: docker run needs a command".into()),
            workdir: None,
        };
    };
    b.runtime_init();
    for _ in 0..32 {
        if b.argv.is_empty() {
            return b.stop("empty command");
        }
        let step = b
            .shell()
            .or_else(|| b.init())
            .or_else(|| b.base_script())
            .or_else(|| b.context_script())
            .or_else(|| b.parent_wrapper())
            .or_else(|| b.package_manager())
            .or_else(|| b.exec_wrapper())
            .unwrap_or_else(|| b.app());
        if step == Step::Done {
            return b.chain;
        }
    }
    b.stop("the chain is too deep")
}

/// What a recogniser decided: go on with the new `argv`, or the chain ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Next,
    Done,
}

/// The chain being built and the command about to run.
struct Builder<'a> {
    launch: &'a Launch,
    ctx: &'a Context,
    files: &'a dyn Locate,
    chain: Chain,
    /// The command about to run.
    argv: Vec<String>,
    /// Where `argv` comes from.
    origin: Origin,
    /// How many leading elements of `argv` still come from ENTRYPOINT:
    /// once they are consumed, what runs next comes from CMD.
    ep_left: usize,
    relation: Relation,
    /// A package manager ran already (package.json is read for the first).
    pm_seen: bool,
    ep_from_base: bool,
    cmd_origin: Option<Origin>,
}

impl<'a> Builder<'a> {
    /// Docker's combination of ENTRYPOINT and CMD; `None` when both are empty.
    fn new(launch: &'a Launch, ctx: &'a Context, files: &'a dyn Locate) -> Option<Self> {
        let mut argv: Vec<String> = Vec::new();
        let mut origin = Origin::Default;
        if let Some(ep) = &launch.entrypoint {
            argv.extend(ep.argv());
            origin = ep.origin.clone();
        }
        let ep_left = argv.len();
        if let Some(cmd) = &launch.cmd {
            if argv.is_empty() {
                origin = cmd.origin.clone();
            }
            argv.extend(cmd.argv());
        }
        if argv.is_empty() {
            return None;
        }
        Some(Builder {
            launch,
            ctx,
            files,
            chain: Chain::default(),
            argv,
            origin,
            ep_left,
            relation: Relation::Pid1,
            pm_seen: false,
            ep_from_base: launch
                .entrypoint
                .as_ref()
                .is_some_and(|e| matches!(e.origin, Origin::BaseImage { .. })),
            cmd_origin: launch.cmd.as_ref().map(|c| c.origin.clone()),
        })
    }

    fn prog(&self) -> String {
        basename(&self.argv[0]).to_string()
    }

    fn stop(mut self, why: impl Into<String>) -> Chain {
        self.chain.incomplete = Some(why.into());
        self.chain
    }

    fn halt(&mut self, why: impl Into<String>) -> Step {
        self.chain.incomplete = Some(why.into());
        Step::Done
    }

    fn push(&mut self, argv: Vec<String>, kind: HopKind, note: Option<String>) {
        self.chain.hops.push(Hop {
            argv,
            kind,
            relation: self.relation,
            origin: self.origin.clone(),
            note,
            env: Vec::new(),
        });
    }

    /// The environment the hop just pushed gives what it runs.
    fn set_env(&mut self, env: Vec<String>) {
        if let Some(h) = self.chain.hops.last_mut() {
            h.env = env;
        }
    }

    /// `n` leading words were used up: once ENTRYPOINT's are, the rest
    /// comes from CMD.
    fn consumed(&mut self, n: usize) {
        if self.ep_left > 0 {
            self.ep_left = self.ep_left.saturating_sub(n);
            if self.ep_left == 0
                && let Some(o) = &self.cmd_origin
            {
                self.origin = o.clone();
            }
        }
    }

    /// Go on with `argv`, run as `relation` of the hop just pushed.
    fn next(&mut self, argv: Vec<String>, relation: Relation) -> Step {
        self.argv = argv;
        self.relation = relation;
        Step::Next
    }

    /// `docker run --init` (or compose `init: true`): docker-init first.
    fn runtime_init(&mut self) {
        if let Some(o) = &self.launch.runtime_init {
            self.chain.hops.push(Hop {
                argv: vec!["docker-init".into(), "--".into()],
                kind: HopKind::Init {
                    name: "docker-init".into(),
                    group: false,
                },
                relation: self.relation,
                origin: o.clone(),
                note: Some("the runtime's init (tini): forwards signals and reaps zombies".into()),
                env: Vec::new(),
            });
            self.relation = Relation::Child;
        }
    }

    /// `<shell> -c TEXT`: the shell, then the string's main command.
    fn shell(&mut self) -> Option<Step> {
        let (kind, text_idx) = shell_c(&self.argv, self.launch)?;
        let text = self.argv[text_idx].clone();
        let a = shell::analyze(&text);
        let main = a.main_command();
        let run = Box::new(super::shell_run::shell_run(kind, &text));
        let execs = if run.explicit_exec {
            Some(true)
        } else {
            kind.flavor()
                .and_then(|f| shell::c_string_execs_last(f, &a))
        };
        let next = main.and_then(simple_words);
        let note = shell_note(kind, execs, run.explicit_exec, run.after.is_some());
        let env: Vec<String> = main
            .map(|m| m.assignments.iter().map(|w| w.raw.clone()).collect())
            .unwrap_or_default();
        let argv = self.argv.clone();
        self.push(
            argv,
            HopKind::Shell {
                flavor: kind,
                text,
                execs,
                run,
            },
            Some(note),
        );
        self.set_env(env);
        Some(match next {
            Some(n) => {
                self.ep_left = 0;
                self.next(n, relation_of(execs))
            }
            None if a.commands.is_empty() => self.halt("the shell command is empty"),
            None => self.halt("the main command of the shell string is not a simple command"),
        })
    }

    /// tini, dumb-init, catatonit, docker-init, s6-overlay's `/init`.
    fn init(&mut self) -> Option<Step> {
        let prog = self.prog();
        if !INITS.contains(&prog.as_str()) && self.argv[0] != "/init" {
            return None;
        }
        let (rest, group) = init_args(&prog, &self.argv[1..]);
        let name = if self.argv[0] == "/init" {
            "s6-overlay /init".into()
        } else {
            prog
        };
        let used = self.argv.len() - rest.len();
        self.push(
            self.argv[..used].to_vec(),
            HopKind::Init { name, group },
            Some("init: forwards signals and reaps zombies".into()),
        );
        if rest.is_empty() {
            return Some(Step::Done);
        }
        self.consumed(used);
        Some(self.next(rest, Relation::Child))
    }

    /// The base image's own entrypoint script (node's docker-entrypoint.sh),
    /// as the base-image table describes it.
    fn base_script(&mut self) -> Option<Step> {
        let base = self.launch.base?;
        let ep = base.entrypoint.as_ref().filter(|ep| ep.len() == 1)?;
        let prog = self.prog();
        let first = self
            .chain
            .hops
            .iter()
            .all(|h| matches!(h.kind, HopKind::Init { .. }));
        // a runtime (distroless node, python) is the app, not a script; the
        // image's own script, or the same script named again after an init
        // (`ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]`) when the
        // build context does not put another file there
        let is_it = self.ep_from_base && self.argv[0] == ep[0]
            || basename(&self.argv[0]) == basename(&ep[0])
                && self.files.program(&self.argv[0]).is_none();
        if !first || INITS.contains(&prog.as_str()) || is_runtime_program(&ep[0]) || !is_it {
            return None;
        }
        let execs = base.entrypoint_execs;
        let note = match execs {
            Some(true) => format!("{}'s entrypoint script ends with exec \"$@\"", base.image),
            Some(false) => format!("{}'s entrypoint script does not exec", base.image),
            None => format!("{}'s entrypoint script was not analysed", base.image),
        };
        self.push(
            vec![self.argv[0].clone()],
            HopKind::Script {
                execs,
                path: None,
                text: None,
                heredoc: None,
                site: None,
                shell: None,
                trap: false,
                sites: Vec::new(),
                main: None,
            },
            Some(note),
        );
        let mut rest = self.argv[1..].to_vec();
        if rest.is_empty() {
            return Some(self.halt("the entrypoint script gets no command"));
        }
        // node's script runs `node "$@"` when the first argument is an option
        if base.image == "node" && rest[0].starts_with('-') {
            rest.insert(0, "node".into());
        }
        self.consumed(1);
        Some(self.next(rest, relation_of(execs)))
    }

    /// An entrypoint script from the build context, and the command in it
    /// that starts the main process.
    fn context_script(&mut self) -> Option<Step> {
        let (rel, text, args, heredoc) = context_script(&self.argv, self.ctx, self.files)?;
        // `$1` is the first argument unless the script moves its arguments
        let moves = text.contains("set --") || text.contains("shift");
        let arg1 = args.first().filter(|_| !moves).map(String::as_str);
        let info = super::script::analyze_script_with(&text, arg1);
        // `bash entrypoint.sh` runs it with bash, whatever its shebang says
        let named = basename(&self.argv[0]);
        let interpreter = if super::script::is_shell(named) {
            Some(named)
        } else {
            info.interpreter.as_deref()
        };
        let kind = script_shell(interpreter, self.launch.bin_sh);
        let site = info.main.map(|i| info.sites[i].clone());
        let execs = site.as_ref().map(|s| s.exec && !s.background);
        let note = script_note(&rel, site.as_ref());
        self.push(
            self.argv[..self.argv.len() - args.len()].to_vec(),
            HopKind::Script {
                execs,
                path: Some(rel.clone()),
                text: Some(text.into()),
                heredoc,
                site: site.clone(),
                shell: Some(kind),
                trap: info.has_trap,
                sites: info.sites,
                main: info.main,
            },
            Some(note),
        );
        if let Some(s) = &site {
            self.set_env(s.env.clone());
        }
        let Some(site) = site.filter(|s| matches!(s.kind, CommandKind::Simple)) else {
            return Some(self.halt(format!("{rel}: the main command is not a simple command")));
        };
        let next = site_argv(&site, &args);
        if next.is_empty() {
            return Some(self.halt(format!("{rel}:{}: the command is empty", site.line)));
        }
        // `exec "$@"` runs CMD: its origin is the CMD line
        let runs_args = site
            .raw
            .iter()
            .find(|w| *w != "exec")
            .is_some_and(|w| super::script::is_all_args(w));
        self.origin = match (&self.cmd_origin, runs_args, heredoc) {
            (Some(o), true, _) if !args.is_empty() => o.clone(),
            // a heredoc script's line is a line of the Dockerfile
            (
                _,
                _,
                Some(Heredoc {
                    offset: Some(off),
                    line,
                }),
            ) => Origin::Dockerfile {
                span: Span::new(off + site.span.start, off + site.span.end),
                line: line + site.line - 1,
            },
            _ => Origin::File {
                path: rel,
                line: Some(site.line),
            },
        };
        self.ep_left = 0;
        let relation = if site.exec && !site.background {
            Relation::Exec
        } else {
            Relation::Child
        };
        Some(self.next(next, relation))
    }

    /// su/runuser stay the parent of what they run; sudo relays signals.
    fn parent_wrapper(&mut self) -> Option<Step> {
        let prog = self.prog();
        let (rest, shell_c) = parent_wrapper(&prog, &self.argv[1..])?;
        let note = if prog == "sudo" {
            "sudo relays SIGTERM and SIGINT to the command and stays its parent".into()
        } else {
            format!("{prog} stays the parent of the command")
        };
        let used = self.argv.len() - rest.len().min(self.argv.len() - 1);
        self.push(
            self.argv[..used].to_vec(),
            HopKind::Wrapper { name: prog.clone() },
            Some(note),
        );
        if rest.is_empty() {
            return Some(self.halt(format!("{prog}: no command")));
        }
        let argv = if shell_c {
            let mut v = vec!["sh".to_string(), "-c".to_string()];
            v.extend(rest);
            v
        } else {
            rest
        };
        self.ep_left = 0;
        Some(self.next(argv, Relation::Child))
    }

    /// npm/yarn/pnpm/npx: a package.json script runs under `sh -c` as the
    /// package manager's child; other commands it starts are its children.
    fn package_manager(&mut self) -> Option<Step> {
        let (pm, script, skip, args) = package_manager(&self.argv)?;
        let pkg = if self.pm_seen {
            None
        } else {
            self.ctx.package_json()
        };
        self.pm_seen = true;
        let script_text = script
            .as_deref()
            .and_then(|s| pkg.as_ref().and_then(|p| p.script(s)).map(str::to_string));
        let note = match (&script, &script_text, &pkg) {
            (Some(s), Some(_), Some(p)) => {
                Some(format!("runs {} scripts.{s} with /bin/sh", p.path))
            }
            (Some(s), None, Some(p)) => Some(format!("{} has no scripts.{s}", p.path)),
            (Some(_), _, None) => {
                Some("package.json is not in the build context: the script is unknown".into())
            }
            (None, ..) => None,
        };
        let kind = HopKind::PackageManager {
            pm,
            script: script.clone(),
            script_text: script_text.clone(),
            args: args.clone(),
            script_run: script_text
                .as_deref()
                .map(|t| Box::new(super::shell_run::shell_run(self.launch.bin_sh, t))),
        };
        self.push(self.argv.clone(), kind, note);
        Some(match (script, script_text) {
            (Some(s), Some(mut text)) => {
                self.ep_left = 0;
                // the package manager appends the arguments, quoted
                for a in &args {
                    text.push(' ');
                    text.push_str(&shell_quote(a));
                }
                self.origin = Origin::File {
                    path: format!("{} scripts.{s}", pkg.map(|p| p.path).unwrap_or_default()),
                    line: None,
                };
                self.next(vec!["sh".into(), "-c".into(), text], Relation::Child)
            }
            (None, _) if skip < self.argv.len() => {
                self.consumed(skip);
                let rest = self.argv[skip..].to_vec();
                self.next(rest, Relation::Child)
            }
            _ => self.halt("the package script is unknown"),
        })
    }

    /// Wrappers that exec: env, gosu, su-exec, setpriv, chpst.
    fn exec_wrapper(&mut self) -> Option<Step> {
        let prog = self.prog();
        let rest = exec_wrapper(&prog, &self.argv[1..])?;
        let used = self.argv.len() - rest.len();
        self.push(
            self.argv[..used].to_vec(),
            HopKind::Wrapper { name: prog.clone() },
            Some(format!("{prog} execs the command")),
        );
        if prog == "env" {
            let env = self.argv[1..used]
                .iter()
                .filter(|a| !a.starts_with('-') && a.contains('='))
                .cloned()
                .collect();
            self.set_env(env);
        }
        if rest.is_empty() {
            return Some(Step::Done);
        }
        self.consumed(used);
        Some(self.next(rest, Relation::Exec))
    }

    /// Anything else: the app.
    fn app(&mut self) -> Step {
        let runtime = runtime_of(&self.prog());
        self.push(self.argv.clone(), HopKind::App { runtime }, None);
        Step::Done
    }
}

fn relation_of(execs: Option<bool>) -> Relation {
    match execs {
        Some(true) => Relation::Exec,
        Some(false) => Relation::Child,
        None => Relation::Unknown,
    }
}

/// The words of a simple command, without a leading `exec`.
fn simple_words(m: &shell::Command) -> Option<Vec<String>> {
    if !matches!(m.kind, CommandKind::Simple) {
        return None;
    }
    let words: Vec<String> = m
        .words
        .iter()
        .map(|w| w.value.clone().unwrap_or_else(|| w.raw.clone()))
        .collect();
    let words = if m.exec { words[1..].to_vec() } else { words };
    (!words.is_empty()).then_some(words)
}

/// What `dsig ps` says of a `-c` shell.
fn shell_note(kind: ShellKind, execs: Option<bool>, explicit: bool, more_after: bool) -> String {
    match execs {
        Some(true) if explicit => "exec: the shell is replaced by the command".into(),
        Some(true) => format!(
            "{} execs a single trailing command: the shell is replaced",
            kind.display()
        ),
        Some(false) => format!(
            "{} stays as the parent{}",
            kind.display(),
            if more_after {
                " (more commands follow)"
            } else {
                ""
            }
        ),
        None => format!(
            "{}: whether it execs the command is not known",
            kind.display()
        ),
    }
}

/// The shell that runs a script: its shebang's, else the image's /bin/sh.
fn script_shell(interpreter: Option<&str>, bin_sh: ShellKind) -> ShellKind {
    ShellKind::of_name(interpreter.unwrap_or("sh"), bin_sh).unwrap_or(bin_sh)
}

/// What `dsig ps` says of an entrypoint script.
fn script_note(rel: &str, site: Option<&super::script::Site>) -> String {
    match site {
        Some(s) if s.exec => format!("{rel}:{} execs the command", s.line),
        Some(s) if s.background => {
            format!("{rel}:{} starts the command in the background", s.line)
        }
        Some(s) => format!(
            "{rel}:{} runs the command without exec: the script's shell stays as its parent",
            s.line
        ),
        None => format!("{rel}: no command that starts the main process was found"),
    }
}

/// The command a script's site runs, with `"$@"` replaced by the script's
/// arguments and a leading `exec` dropped.
fn site_argv(site: &super::script::Site, args: &[String]) -> Vec<String> {
    let mut next: Vec<String> = Vec::new();
    for (w, raw) in site.words.iter().zip(&site.raw) {
        if super::script::is_all_args(raw) {
            next.extend(args.iter().cloned());
        } else {
            next.push(w.clone());
        }
    }
    if site.exec && !next.is_empty() {
        next.remove(0);
    }
    next
}

/// A shell script from the build context that `argv` runs, with its text
/// and the arguments it gets: `/entrypoint.sh args` or `sh entrypoint.sh args`.
fn context_script(
    argv: &[String],
    ctx: &Context,
    files: &dyn Locate,
) -> Option<(String, String, Vec<String>, Option<Heredoc>)> {
    let prog = basename(&argv[0]);
    let read = |loc: super::copies::Located| {
        Some(match loc.inline {
            Some(i) => (
                loc.rel,
                i.text,
                Some(Heredoc {
                    offset: i.offset,
                    line: i.line,
                }),
            ),
            None => {
                let text = ctx.read(&loc.rel)?;
                (loc.rel, text, None)
            }
        })
    };
    if super::script::is_shell(prog) {
        let script = argv.get(1).filter(|a| !a.starts_with('-'))?;
        let (rel, text, heredoc) = read(files.file(script).or_else(|| files.program(script))?)?;
        return Some((rel, text, argv[2..].to_vec(), heredoc));
    }
    let (rel, text, heredoc) = read(files.program(&argv[0])?)?;
    let interp = super::script::shebang(&text)?;
    if !super::script::is_shell(&interp) {
        return None;
    }
    Some((rel, text, argv[1..].to_vec(), heredoc))
}

/// su/runuser/sudo: the command they run, and whether it is a `-c` string
/// for a shell.
fn parent_wrapper(prog: &str, args: &[String]) -> Option<(Vec<String>, bool)> {
    match prog {
        "su" | "runuser" => {
            let mut i = 0;
            let mut cmd: Option<String> = None;
            let mut user_seen = false;
            let mut direct: Option<usize> = None;
            while let Some(a) = args.get(i) {
                match a.as_str() {
                    "-c" | "--command" => {
                        cmd = args.get(i + 1).cloned();
                        i += 2;
                        continue;
                    }
                    "-s"
                    | "--shell"
                    | "-g"
                    | "--group"
                    | "-G"
                    | "--supp-group"
                    | "-w"
                    | "--whitelist-environment" => {
                        i += 2;
                        continue;
                    }
                    "-u" | "--user" if prog == "runuser" => {
                        user_seen = true;
                        i += 2;
                        continue;
                    }
                    "--" => {
                        direct = Some(i + 1);
                        break;
                    }
                    a if a.starts_with("--command=") => {
                        cmd = Some(a["--command=".len()..].to_string());
                    }
                    a if a.starts_with('-') => {}
                    _ => {
                        if user_seen && prog == "runuser" {
                            direct = Some(i);
                            break;
                        }
                        user_seen = true;
                    }
                }
                i += 1;
            }
            if let Some(c) = cmd {
                return Some((vec![c], true));
            }
            Some((
                direct
                    .map(|d| args[d.min(args.len())..].to_vec())
                    .unwrap_or_default(),
                false,
            ))
        }
        "sudo" => Some((sudo_command(args), false)),
        _ => None,
    }
}

/// The command sudo runs: what follows its options.
fn sudo_command(args: &[String]) -> Vec<String> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') {
            break;
        }
        if matches!(
            a.as_str(),
            "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
        ) {
            i += 1;
        }
        i += 1;
    }
    args[i.min(args.len())..].to_vec()
}

/// `sh -c TEXT`, `bash -ec TEXT`, `/bin/sh -c TEXT`, `busybox sh -c TEXT`.
fn shell_c(argv: &[String], launch: &Launch) -> Option<(ShellKind, usize)> {
    let (kind, mut i) = ShellKind::of_argv(argv, launch.bin_sh)?;
    while let Some(a) = argv.get(i) {
        if a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.contains('c')) {
            // the string is the first operand: `--` ends the options
            // (`sh -c -- "…"`)
            let at = if argv.get(i + 1).is_some_and(|n| n == "--") {
                i + 2
            } else {
                i + 1
            };
            return argv.get(at).map(|_| (kind, at));
        }
        if a.starts_with('-') || a.starts_with('+') {
            i += 1;
            continue;
        }
        return None;
    }
    None
}

/// Skip an init's own options; returns the command it runs and whether it
/// runs in group mode.
fn init_args(prog: &str, args: &[String]) -> (Vec<String>, bool) {
    let mut i = 0;
    let mut group = prog == "dumb-init";
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') {
            break;
        }
        match a.as_str() {
            "-g" if prog.starts_with("tini") => group = true,
            "--single-child" | "-c" if prog == "dumb-init" => group = false,
            "-s" | "-v" | "-vv" | "-vvv" | "-w" | "-p" | "-e" | "-l" => {}
            "-r" | "--rewrite" => i += 1,
            _ => {}
        }
        if prog.starts_with("tini") && (a == "-p" || a == "-e") {
            i += 1;
        }
        i += 1;
    }
    (args[i.min(args.len())..].to_vec(), group)
}

/// A word as a POSIX shell reads it back: plain, or in single quotes.
pub fn shell_quote(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// npm/yarn/pnpm/npx: the script they run and the arguments they pass on to
/// it, or, for npx/exec/`yarn node`, the index in `argv` of the command they
/// run.
type PmRun = (PackageManager, Option<String>, usize, Vec<String>);

fn package_manager(argv: &[String]) -> Option<PmRun> {
    let prog = basename(&argv[0]);
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    let first_pos = args.iter().position(|a| !a.starts_with('-'));
    let sub = first_pos.map(|i| args[i]);
    // the script name after `run`, and where it is in `args`
    let script_after = |i: usize| {
        args[i + 1..]
            .iter()
            .position(|a| !a.starts_with('-'))
            .map(|j| (args[i + 1 + j].to_string(), i + 1 + j))
    };
    // npm passes on what follows `--`; yarn and pnpm what follows the name
    let npm_args = |at: usize| -> Vec<String> {
        args[at + 1..]
            .iter()
            .position(|a| *a == "--")
            .map(|k| args[at + 2 + k..].iter().map(|a| a.to_string()).collect())
            .unwrap_or_default()
    };
    let rest = |at: usize| -> Vec<String> {
        let tail = &args[at + 1..];
        let tail = tail.strip_prefix(&["--"][..]).unwrap_or(tail);
        tail.iter().map(|a| a.to_string()).collect()
    };
    match prog {
        // `corepack yarn start` runs yarn inside corepack's node process and
        // behaves as yarn does (fact 36)
        "corepack" => corepack(argv, first_pos?),
        "npx" => {
            let i = first_pos?;
            Some((PackageManager::Npx, None, i + 1, Vec::new()))
        }
        "npm" => match sub? {
            "start" | "test" | "stop" | "restart" => {
                let at = first_pos?;
                Some((
                    PackageManager::Npm,
                    Some(sub?.to_string()),
                    argv.len(),
                    npm_args(at),
                ))
            }
            "run" | "run-script" | "rum" | "urn" => {
                let (name, at) = script_after(first_pos?)?;
                Some((PackageManager::Npm, Some(name), argv.len(), npm_args(at)))
            }
            "exec" | "x" => {
                let i = first_pos? + 1;
                let j = args[i..].iter().position(|a| !a.starts_with('-'))? + i;
                Some((PackageManager::Npx, None, j + 1, Vec::new()))
            }
            _ => None,
        },
        "yarn" | "pnpm" => {
            let pm = if prog == "yarn" {
                PackageManager::Yarn
            } else {
                PackageManager::Pnpm
            };
            let at = first_pos?;
            let (s, at) = match sub? {
                "run" | "run-script" => script_after(at)?,
                "install" | "add" | "build" | "i" | "remove" | "global" | "config" | "cache"
                | "dlx" | "create" => return None,
                // `yarn node x.js` runs node itself
                "node" => return Some((pm, None, at + 1, Vec::new())),
                "exec" => return Some((pm, None, at + 2, Vec::new())),
                s => (s.to_string(), at),
            };
            Some((pm, Some(s), argv.len(), rest(at)))
        }
        _ => None,
    }
}

/// `corepack yarn ...`: the package manager it runs, as if run directly.
fn corepack(argv: &[String], first_pos: usize) -> Option<PmRun> {
    let inner = &argv[first_pos + 1..];
    if !matches!(basename(inner.first()?), "yarn" | "pnpm" | "npm" | "npx") {
        return None;
    }
    let (pm, script, skip, args) = package_manager(inner)?;
    Some((pm, script, skip + first_pos + 1, args))
}

/// Wrappers that replace themselves with the command they run.
fn exec_wrapper(prog: &str, args: &[String]) -> Option<Vec<String>> {
    let skip_opts = |mut i: usize, takes_value: &[&str]| {
        while let Some(a) = args.get(i) {
            if a == "--" {
                return i + 1;
            }
            if !a.starts_with('-') {
                break;
            }
            if takes_value.contains(&a.as_str()) {
                i += 1;
            }
            i += 1;
        }
        i
    };
    let i = match prog {
        "env" => {
            let mut i = skip_opts(0, &["-u", "-C", "-S"]);
            while args
                .get(i)
                .is_some_and(|a| a.contains('=') && !a.starts_with('='))
            {
                i += 1;
            }
            i
        }
        "gosu" | "su-exec" => skip_opts(0, &[]) + 1,
        "setpriv" => skip_opts(0, &[]),
        "chpst" => skip_opts(
            0,
            &[
                "-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c",
            ],
        ),
        "nice" | "ionice" | "chroot" | "numactl" | "taskset" => return None,
        _ => return None,
    };
    Some(args[i.min(args.len())..].to_vec())
}

/// npm, npx, yarn, pnpm.
pub fn is_package_manager(prog: &str) -> bool {
    matches!(basename(prog), "npm" | "npx" | "yarn" | "pnpm" | "corepack")
}

/// Interpreters whose PID-1 behaviour matters for DSIG005.
/// A program that is a language runtime rather than a script: node,
/// python, java, ruby, deno, bun.
pub fn is_runtime_program(program: &str) -> bool {
    let p = basename(program);
    runtime_of(p).is_some() || p == "java"
}

pub fn runtime_of(prog: &str) -> Option<Runtime> {
    match prog {
        "node" | "nodejs" => Some(Runtime::Node),
        p if p.starts_with("python") && p[6..].chars().all(|c| c.is_ascii_digit() || c == '.') => {
            Some(Runtime::Python)
        }
        "ruby" => Some(Runtime::Other("ruby")),
        "deno" => Some(Runtime::Other("deno")),
        "bun" => Some(Runtime::Other("bun")),
        _ => None,
    }
}

/// Byte span of a hop's part in the Dockerfile, when it has one.
pub fn dockerfile_span(origin: &Origin) -> Option<Span> {
    match origin {
        Origin::Dockerfile { span, .. } => Some(*span),
        _ => None,
    }
}
