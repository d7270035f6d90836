//! What a manifest says about its containers.

use crate::diagnostic::Span;

/// A value with the span of its key (`command:` to the end of its line)
/// and the key's 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    pub span: Span,
    pub line: usize,
}

/// Who launches the container, and so what its defaults are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Kubernetes,
    /// Knative Serving, and Cloud Run, whose service YAML is Knative's.
    Knative,
    Ecs,
}

impl Platform {
    /// The grace period when the manifest sets none, in seconds: 30 for a
    /// Kubernetes pod (`terminationGracePeriodSeconds`) and for an ECS
    /// container (`stopTimeout`). Knative and Cloud Run differ from each
    /// other (Cloud Run gives 10 s), so none is assumed.
    pub fn default_grace(self) -> Option<u64> {
        match self {
            Platform::Kubernetes | Platform::Ecs => Some(30),
            Platform::Knative => None,
        }
    }

    /// The field that sets the grace period.
    pub fn grace_field(self) -> &'static str {
        match self {
            Platform::Kubernetes | Platform::Knative => "terminationGracePeriodSeconds",
            Platform::Ecs => "stopTimeout",
        }
    }
}

/// A container's part in its pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `initContainers` without `restartPolicy: Always`: runs to
    /// completion before the others start; it is not stopped by the pod's
    /// termination.
    Init,
    /// A native sidecar (`initContainers` with `restartPolicy: Always`).
    Sidecar,
    /// `containers`, or an ECS container definition.
    Main,
}

/// `lifecycle.preStop`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreStop {
    /// `exec.command`.
    Exec(Vec<String>),
    /// `sleep.seconds`.
    Sleep(Option<u64>),
    /// `httpGet` or `tcpSocket`.
    Other(String),
}

/// One container of a workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub role: Role,
    /// Where it is in its document: `spec.template.spec.containers[0]`.
    pub path: String,
    pub name: Option<String>,
    /// The span of the container's first key (its `- name:` line).
    pub span: Span,
    pub line: usize,
    pub image: Option<Field<String>>,
    /// Kubernetes `command` / ECS `entryPoint`: replaces the image's
    /// ENTRYPOINT (and drops its CMD).
    pub command: Option<Field<Vec<String>>>,
    /// Kubernetes `args` / ECS `command`: replaces the image's CMD.
    pub args: Option<Field<Vec<String>>>,
    pub pre_stop: Option<Field<PreStop>>,
    /// `lifecycle.stopSignal` (Kubernetes 1.33 and later).
    pub stop_signal: Option<Field<String>>,
    /// ECS `linuxParameters.initProcessEnabled`.
    pub init: Option<Field<bool>>,
    /// ECS `stopTimeout`, in seconds.
    pub stop_timeout: Option<Field<u64>>,
}

impl Container {
    /// How the container is named in messages: `container "api"`.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(n) => format!("container {n:?}"),
            None => format!("the container at {}", self.path),
        }
    }
}

/// A pod, or an ECS task: the containers that stop together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    pub grace: Option<Field<u64>>,
    pub share_process_namespace: Option<Field<bool>>,
    pub containers: Vec<Container>,
}

/// One workload of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub platform: Platform,
    /// `Deployment`, `CronJob`, `Service` (Knative), `TaskDefinition` (ECS).
    pub kind: String,
    pub name: Option<String>,
    /// The span of its `kind:` (or first) key.
    pub span: Span,
    pub line: usize,
    pub pod: Pod,
}

/// Every workload of a file, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub workloads: Vec<Workload>,
}
