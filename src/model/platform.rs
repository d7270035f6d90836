//! The launch of a container that a manifest runs: the image's own launch
//! (from the Dockerfile that builds it, the base-image table, or nothing
//! known), with what the platform puts on top of it.
//!
//! Kubernetes: `command` replaces the image's ENTRYPOINT and drops its CMD;
//! `args` replaces CMD; an empty list is the same as none. ECS:
//! `entryPoint` and `command` do the same to ENTRYPOINT and CMD (as
//! `docker run --entrypoint` does), and `linuxParameters.initProcessEnabled`
//! puts Docker's init in front. `lifecycle.stopSignal` replaces the image's
//! STOPSIGNAL. No platform injects an init otherwise (Kubernetes does not:
//! kubernetes/kubernetes#84210).

use super::{Chain, Form, Launch, Origin, Setting};
use crate::diagnostic::Span;
use crate::manifest::{Container, Field, Platform, PreStop, Role, Workload};
use crate::parse::Word;

/// Where what the image runs is known from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// The Dockerfile that builds it (as shown), mapped by `.dsig.yaml`.
    Dockerfile(String),
    /// The base-image table.
    Table,
    /// Neither: only what the manifest itself fixes is judged.
    Unknown,
}

/// A container as its platform runs it: what the rules know besides the
/// launch and the chain.
#[derive(Debug, Clone)]
pub struct Placement {
    pub platform: Platform,
    /// `Deployment web`, for messages and `dsig ps`.
    pub workload: String,
    pub container: Container,
    /// `terminationGracePeriodSeconds`, or ECS `stopTimeout`.
    pub grace: Option<Field<u64>>,
    pub share_process_namespace: Option<Field<bool>>,
    pub image: ImageSource,
    /// The image's stop signal, before the manifest's, and where it is set.
    pub image_stop_signal: Option<(String, Origin)>,
    /// Seconds the preStop hook sleeps at least, when it sleeps.
    pub pre_stop_sleep: Option<u64>,
    /// The first container of its pod that is not an init container (what
    /// is said once per pod is said there).
    pub first_in_pod: bool,
}

impl Placement {
    pub fn new(w: &Workload, c: &Container, image: ImageSource) -> Placement {
        Placement {
            platform: w.platform,
            workload: match &w.name {
                Some(n) => format!("{} {n}", w.kind),
                None => w.kind.clone(),
            },
            container: c.clone(),
            grace: match w.platform {
                Platform::Ecs => c.stop_timeout.clone(),
                _ => w.pod.grace.clone(),
            },
            share_process_namespace: w.pod.share_process_namespace.clone(),
            image,
            image_stop_signal: None,
            pre_stop_sleep: c.pre_stop.as_ref().and_then(|p| sleep_seconds(&p.value)),
            first_in_pod: w
                .pod
                .containers
                .iter()
                .find(|o| o.role != Role::Init)
                .is_some_and(|o| o.path == c.path),
        }
    }

    /// The grace period in seconds: set, or the platform's default.
    pub fn grace_seconds(&self) -> Option<u64> {
        self.grace
            .as_ref()
            .map(|g| g.value)
            .or(self.platform.default_grace())
    }

    /// When SIGKILL comes, for messages.
    pub fn grace_text(&self) -> String {
        let field = self.platform.grace_field();
        match (&self.grace, self.platform.default_grace()) {
            (Some(g), _) => format!("when the grace period ends ({field}: {})", g.value),
            (None, Some(d)) => format!("when the grace period ends ({d} s by default, `{field}`)"),
            (None, None) => "when the grace period ends".into(),
        }
    }

    /// The manifest sets what runs (`command` or `args`).
    pub fn sets_command(&self) -> bool {
        self.container.command.is_some() || self.container.args.is_some()
    }

    /// Runs to completion before the pod's other containers start.
    pub fn one_shot(&self) -> bool {
        self.container.role == Role::Init
    }

    /// The names of the two fields: (`command`, `args`), or ECS's
    /// (`entryPoint`, `command`).
    pub fn field_names(&self) -> (&'static str, &'static str) {
        match self.platform {
            Platform::Ecs => ("entryPoint", "command"),
            _ => ("command", "args"),
        }
    }
}

fn setting(f: &Field<Vec<String>>, field: &'static str) -> Setting {
    Setting {
        form: Form::Exec(
            f.value
                .iter()
                .map(|v| Word {
                    value: v.clone(),
                    span: Span::default(),
                })
                .collect(),
        ),
        origin: Origin::Manifest {
            span: f.span,
            line: f.line,
            field,
        },
        instruction: None,
    }
}

/// Put what the manifest sets on top of the image's launch.
pub fn apply(l: &mut Launch, p: &mut Placement) {
    let c = &p.container;
    let (command, args) = p.field_names();
    p.image_stop_signal = l.stopsignal.clone();
    if let Some(f) = c.command.as_ref().filter(|f| !f.value.is_empty()) {
        l.entrypoint = Some(setting(f, command));
        l.cmd = None;
    }
    if let Some(f) = c.args.as_ref().filter(|f| !f.value.is_empty()) {
        l.cmd = Some(setting(f, args));
    }
    if let Some(s) = &c.stop_signal {
        l.stopsignal = Some((
            s.value.clone(),
            Origin::Manifest {
                span: s.span,
                line: s.line,
                field: "lifecycle.stopSignal",
            },
        ));
    }
    // the manifest decides: no configured `init: true` applies here
    l.runtime_init = c
        .init
        .as_ref()
        .filter(|i| i.value)
        .map(|i| Origin::Manifest {
            span: i.span,
            line: i.line,
            field: "linuxParameters.initProcessEnabled",
        });
}

/// Origins in the image's Dockerfile become lines of that file: the
/// findings are about the manifest, whose spans they are not.
pub fn relocate(l: &mut Launch, chain: &mut Chain, dockerfile: &str) {
    let moved = |o: &mut Origin| {
        if let Origin::Dockerfile { line, .. } = o {
            *o = Origin::File {
                path: dockerfile.to_string(),
                line: Some(*line),
            };
        }
    };
    for s in [&mut l.entrypoint, &mut l.cmd].into_iter().flatten() {
        moved(&mut s.origin);
    }
    moved(&mut l.shell.origin);
    if let Some((_, o)) = &mut l.stopsignal {
        moved(o);
    }
    for h in &mut chain.hops {
        moved(&mut h.origin);
    }
}

/// How long a preStop hook sleeps at least: `sleep.seconds`, or the
/// `sleep N` commands of its `exec` (directly or in a `sh -c` string, read
/// word by word: `sleep 5`, `sleep 5s`).
pub fn sleep_seconds(p: &PreStop) -> Option<u64> {
    match p {
        PreStop::Sleep(s) => *s,
        PreStop::Exec(argv) => {
            // a shell's `-c` string, or the command itself
            let text = match argv.iter().position(|a| a == "-c") {
                Some(i) => argv[i + 1..].join(" "),
                None => argv.join(" "),
            };
            let mut total = None;
            for cmd in text.split([';', '&', '|', '\n']) {
                let mut words = cmd.split_whitespace();
                let first = words.next().map(crate::dirs::basename);
                if first == Some("sleep")
                    && let Some(n) = words
                        .next()
                        .and_then(|n| n.strip_suffix('s').unwrap_or(n).parse::<u64>().ok())
                {
                    total = Some(total.unwrap_or(0) + n);
                }
            }
            total
        }
        PreStop::Other(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps() {
        let exec = |v: &[&str]| PreStop::Exec(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(sleep_seconds(&exec(&["sleep", "15"])), Some(15));
        assert_eq!(sleep_seconds(&exec(&["/bin/sleep", "5s"])), Some(5));
        assert_eq!(
            sleep_seconds(&exec(&["sh", "-c", "sleep 10 && nginx -s quit; sleep 3"])),
            Some(13)
        );
        assert_eq!(sleep_seconds(&exec(&["/wait-shutdown"])), None);
        assert_eq!(sleep_seconds(&exec(&["sleep", "infinity"])), None);
        assert_eq!(sleep_seconds(&PreStop::Sleep(Some(7))), Some(7));
    }
}
