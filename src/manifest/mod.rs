//! Workload manifests: where a container is finally launched. Kubernetes
//! workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
//! CronJob, PodTemplate, and `List`s of them), Knative / Cloud Run
//! `serving.knative.dev` Services, and Amazon ECS task definitions (the JSON
//! that `aws ecs register-task-definition --cli-input-json` takes).
//!
//! A text is a manifest when its first line that is not blank or a comment
//! is YAML or JSON rather than a Dockerfile instruction ([`looks_like`]):
//! `key: value`, `---`, `{` or `[`. A Dockerfile line never is one (an
//! instruction is a word followed by a space).
//!
//! Every document of a multi-document stream is read; the positions are the
//! stream's, so a finding points into the document it is about. Each field
//! carries the span of its key (`command:` up to the end of that line),
//! from the YAML parser's own positions (see `yaml::tree`).
//!
//! Read: each container's `name`, `image`, `command`, `args`,
//! `lifecycle.preStop`, `lifecycle.stopSignal` and `restartPolicy` (an init
//! container with `restartPolicy: Always` is a sidecar), the pod's
//! `terminationGracePeriodSeconds` and `shareProcessNamespace`; for ECS,
//! `entryPoint`, `command`, `linuxParameters.initProcessEnabled` and
//! `stopTimeout`. Nothing else is kept, and nothing is validated beyond what
//! the model reads.

mod keep;
mod read;
mod types;

pub use read::parse;
pub use types::{Container, Field, Manifest, Platform, Pod, PreStop, Role, Workload};

/// Whether text is YAML or JSON rather than a Dockerfile: its first line
/// that is not blank or a `#` comment is `---`, starts a JSON object or
/// array, or is a `key:` line.
pub fn looks_like(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    if line == "---" || line.starts_with("--- ") || line.starts_with(['{', '[']) {
        return true;
    }
    let line = line.strip_prefix("- ").unwrap_or(line);
    let key_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'')))
        .unwrap_or(line.len());
    key_end > 0 && line[key_end..].starts_with(':') && {
        let rest = &line[key_end + 1..];
        rest.is_empty() || rest.starts_with([' ', '\t'])
    }
}

#[cfg(test)]
mod tests;
