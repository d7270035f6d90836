//! From the YAML tree of a manifest to its workloads and containers.

use super::keep::Level;
use super::types::{Container, Field, Manifest, Platform, Pod, PreStop, Role, Workload};
use crate::diagnostic::Span;
use crate::lines::LineIndex;
use crate::yaml::tree::{Entry, Node, parse_stream};

/// Workload kinds whose pod spec is at `spec.template.spec`.
const TEMPLATED: [&str; 5] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
];

/// Read every workload of a manifest. `Err` is one line naming `shown`:
/// the text is not YAML (or JSON) the parser accepts.
pub fn parse(shown: &str, text: &str) -> Result<Manifest, String> {
    let docs = parse_stream(shown, text, Level::Root)?;
    let lines = LineIndex::new(text);
    let r = Reader {
        text,
        lines: &lines,
    };
    let mut m = Manifest::default();
    for d in &docs {
        r.document(d, &mut m.workloads, 0);
    }
    Ok(m)
}

struct Reader<'a> {
    text: &'a str,
    lines: &'a LineIndex,
}

fn get<'n>(m: &'n [Entry], key: &str) -> Option<&'n Entry> {
    m.iter().find(|e| e.key == key)
}

fn map(n: &Node) -> Option<&[Entry]> {
    match n {
        Node::Map(m) => Some(m),
        _ => None,
    }
}

/// The mapping at a path of keys.
fn at<'n>(m: &'n [Entry], path: &[&str]) -> Option<&'n [Entry]> {
    path.iter()
        .try_fold(m, |m, k| get(m, k).and_then(|e| map(&e.value)))
}

fn text_of(m: &[Entry], key: &str) -> Option<String> {
    get(m, key).and_then(|e| e.value.text())
}

impl Reader<'_> {
    /// The span of an entry's key: from the key to the end of its line.
    fn span(&self, e: &Entry) -> Span {
        let start = self.lines.offset(self.text, e.line, e.column);
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Span {
            start,
            end: end.max(start),
        }
    }

    fn field<T>(&self, e: &Entry, value: T) -> Field<T> {
        Field {
            value,
            span: self.span(e),
            line: e.line,
        }
    }

    /// One document (or `List` item): its workloads, appended to `out`.
    fn document(&self, node: &Node, out: &mut Vec<Workload>, depth: usize) {
        let Some(m) = map(node) else { return };
        if depth > 8 {
            return;
        }
        if let Some(td) = get(m, "taskDefinition") {
            self.document(&td.value, out, depth + 1);
        }
        if get(m, "containerDefinitions").is_some() {
            out.push(self.ecs(m));
            return;
        }
        let kind = text_of(m, "kind").unwrap_or_default();
        let api = text_of(m, "apiVersion").unwrap_or_default();
        if kind.ends_with("List")
            && let Some(Node::Seq(items)) = get(m, "items").map(|e| &e.value)
        {
            for item in items {
                self.document(item, out, depth + 1);
            }
            return;
        }
        let (platform, path): (Platform, &[&str]) = match kind.as_str() {
            "Pod" => (Platform::Kubernetes, &["spec"]),
            k if TEMPLATED.contains(&k) => (Platform::Kubernetes, &["spec", "template", "spec"]),
            "CronJob" => (
                Platform::Kubernetes,
                &["spec", "jobTemplate", "spec", "template", "spec"],
            ),
            "PodTemplate" => (Platform::Kubernetes, &["template", "spec"]),
            "Service" if api.starts_with("serving.knative.dev/") => {
                (Platform::Knative, &["spec", "template", "spec"])
            }
            _ => return,
        };
        let Some(spec) = at(m, path) else { return };
        let head = get(m, "kind").or(m.first());
        let prefix = path.join(".");
        out.push(Workload {
            platform,
            kind,
            name: at(m, &["metadata"]).and_then(|md| text_of(md, "name")),
            span: head.map(|e| self.span(e)).unwrap_or_default(),
            line: head.map_or(1, |e| e.line),
            pod: self.pod(spec, &prefix),
        });
    }

    fn pod(&self, spec: &[Entry], prefix: &str) -> Pod {
        let mut containers = Vec::new();
        for key in ["initContainers", "containers"] {
            let Some(Node::Seq(items)) = get(spec, key).map(|e| &e.value) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(c) = map(item) else { continue };
                let role = match (key, text_of(c, "restartPolicy").as_deref()) {
                    ("containers", _) => Role::Main,
                    (_, Some("Always")) => Role::Sidecar,
                    _ => Role::Init,
                };
                if let Some(c) = self.container(c, role, format!("{prefix}.{key}[{i}]")) {
                    containers.push(c);
                }
            }
        }
        // in the order they are written (init containers may come last)
        containers.sort_by_key(|c| c.line);
        Pod {
            grace: get(spec, "terminationGracePeriodSeconds")
                .and_then(|e| Some(self.field(e, seconds(&e.value)?))),
            share_process_namespace: get(spec, "shareProcessNamespace").and_then(|e| {
                match e.value {
                    Node::Bool(b) => Some(self.field(e, b)),
                    _ => None,
                }
            }),
            containers,
        }
    }

    /// A Kubernetes container.
    fn container(&self, c: &[Entry], role: Role, path: String) -> Option<Container> {
        let first = c.first()?;
        let lifecycle = at(c, &["lifecycle"]);
        Some(Container {
            role,
            path,
            name: text_of(c, "name"),
            span: self.span(first),
            line: first.line,
            image: self.string(c, "image"),
            command: self.argv(c, "command"),
            args: self.argv(c, "args"),
            pre_stop: lifecycle
                .and_then(|l| get(l, "preStop"))
                .and_then(|e| Some(self.field(e, pre_stop(map(&e.value)?)))),
            stop_signal: lifecycle.and_then(|l| self.string(l, "stopSignal")),
            init: None,
            stop_timeout: None,
        })
    }

    /// An ECS task definition: one task, its container definitions.
    fn ecs(&self, m: &[Entry]) -> Workload {
        let defs = get(m, "containerDefinitions");
        let mut containers = Vec::new();
        if let Some(Node::Seq(items)) = defs.map(|e| &e.value) {
            for (i, item) in items.iter().enumerate() {
                let Some(c) = map(item) else { continue };
                let Some(first) = c.first() else { continue };
                let init = at(c, &["linuxParameters"])
                    .and_then(|lp| get(lp, "initProcessEnabled"))
                    .and_then(|e| match e.value {
                        Node::Bool(b) => Some(self.field(e, b)),
                        _ => None,
                    });
                containers.push(Container {
                    role: Role::Main,
                    path: format!("containerDefinitions[{i}]"),
                    name: text_of(c, "name"),
                    span: self.span(first),
                    line: first.line,
                    image: self.string(c, "image"),
                    command: self.argv(c, "entryPoint"),
                    args: self.argv(c, "command"),
                    pre_stop: None,
                    stop_signal: None,
                    init,
                    stop_timeout: get(c, "stopTimeout")
                        .and_then(|e| Some(self.field(e, seconds(&e.value)?))),
                });
            }
        }
        let head = defs.or(m.first());
        Workload {
            platform: Platform::Ecs,
            kind: "TaskDefinition".into(),
            name: text_of(m, "family"),
            span: head.map(|e| self.span(e)).unwrap_or_default(),
            line: head.map_or(1, |e| e.line),
            pod: Pod {
                grace: None,
                share_process_namespace: None,
                containers,
            },
        }
    }

    fn string(&self, m: &[Entry], key: &str) -> Option<Field<String>> {
        let e = get(m, key)?;
        Some(self.field(e, e.value.text()?))
    }

    /// A list of strings (`command`, `args`); numbers and booleans as the
    /// parser read them, `null` items as empty strings. Anything else (a
    /// string where a list belongs, a nested list) is not an argv.
    fn argv(&self, m: &[Entry], key: &str) -> Option<Field<Vec<String>>> {
        let e = get(m, key)?;
        let Node::Seq(items) = &e.value else {
            return None;
        };
        let argv = items
            .iter()
            .map(|i| match i {
                Node::Null => Some(String::new()),
                other => other.text(),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(self.field(e, argv))
    }
}

/// Whole seconds, as a number.
fn seconds(n: &Node) -> Option<u64> {
    match n {
        Node::Num(s) => s.parse().ok(),
        _ => None,
    }
}

fn pre_stop(m: &[Entry]) -> PreStop {
    if let Some(cmd) = at(m, &["exec"]).and_then(|e| get(e, "command"))
        && let Node::Seq(items) = &cmd.value
    {
        return PreStop::Exec(items.iter().filter_map(Node::text).collect());
    }
    if let Some(s) = at(m, &["sleep"]) {
        return PreStop::Sleep(get(s, "seconds").and_then(|e| seconds(&e.value)));
    }
    PreStop::Other(m.first().map(|e| e.key.clone()).unwrap_or_default())
}
