use super::*;

const DEPLOY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 10
      initContainers:
        - name: migrate
          image: acme/api
        - name: proxy
          image: envoy
          restartPolicy: Always
      containers:
        - name: api
          image: acme/api:1.2
          command: [\"sh\", \"-c\", \"node server.js\"]
          env:
            - name: A
              value: b
          lifecycle:
            preStop:
              sleep:
                seconds: 5
            stopSignal: SIGQUIT
---
kind: List
items:
  - kind: Pod
    spec:
      shareProcessNamespace: true
      containers:
        - image: nginx
          args:
            - nginx
            - -g
            - daemon off;
";

#[test]
fn reads_workloads_and_containers() {
    let m = parse("f", DEPLOY).unwrap();
    assert_eq!(m.workloads.len(), 2);
    let w = &m.workloads[0];
    assert_eq!(
        (w.kind.as_str(), w.name.as_deref()),
        ("Deployment", Some("web"))
    );
    assert_eq!(w.pod.grace.as_ref().map(|g| g.value), Some(10));
    let roles: Vec<Role> = w.pod.containers.iter().map(|c| c.role).collect();
    assert_eq!(roles, [Role::Init, Role::Sidecar, Role::Main]);
    let api = &w.pod.containers[2];
    assert_eq!(api.path, "spec.template.spec.containers[0]");
    let cmd = api.command.as_ref().unwrap();
    assert_eq!(cmd.value, ["sh", "-c", "node server.js"]);
    assert_eq!(cmd.line, 18);
    assert_eq!(
        &DEPLOY[cmd.span.start..cmd.span.end],
        "command: [\"sh\", \"-c\", \"node server.js\"]"
    );
    assert_eq!(
        api.pre_stop.as_ref().unwrap().value,
        PreStop::Sleep(Some(5))
    );
    assert_eq!(api.stop_signal.as_ref().unwrap().value, "SIGQUIT");
    let pod = &m.workloads[1];
    assert_eq!(pod.kind, "Pod");
    assert_eq!(pod.line, 30);
    assert!(pod.pod.share_process_namespace.as_ref().unwrap().value);
    let args = pod.pod.containers[0].args.as_ref().unwrap();
    assert_eq!(args.value, ["nginx", "-g", "daemon off;"]);
    assert_eq!(args.line, 35);
}

#[test]
fn reads_ecs_task_definitions() {
    let text = r#"{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "node:22",
      "entryPoint": ["sh", "-c"],
      "command": ["npm start"],
      "stopTimeout": 20,
      "linuxParameters": {"initProcessEnabled": true}
    }
  ]
}"#;
    let m = parse("f", text).unwrap();
    let w = &m.workloads[0];
    assert_eq!(
        (w.platform, w.name.as_deref()),
        (Platform::Ecs, Some("app"))
    );
    let c = &w.pod.containers[0];
    assert_eq!(c.command.as_ref().unwrap().value, ["sh", "-c"]);
    assert_eq!(c.args.as_ref().unwrap().value, ["npm start"]);
    assert_eq!(c.stop_timeout.as_ref().unwrap().value, 20);
    assert!(c.init.as_ref().unwrap().value);
    assert_eq!(c.command.as_ref().unwrap().line, 7);
    let wrapped = format!("{{\"taskDefinition\": {text}}}");
    assert_eq!(parse("f", &wrapped).unwrap().workloads.len(), 1);
}

#[test]
fn reads_knative_cronjob_and_podtemplate() {
    let text = "\
apiVersion: serving.knative.dev/v1
kind: Service
spec:
  template:
    spec:
      containers:
        - image: gcr.io/x/y
---
apiVersion: v1
kind: Service
spec:
  ports: []
---
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: busybox, command: [sleep, \"10\"]}]
---
kind: PodTemplate
template:
  spec:
    containers:
      - name: t
";
    let m = parse("f", text).unwrap();
    let kinds: Vec<(&str, Platform)> = m
        .workloads
        .iter()
        .map(|w| (w.kind.as_str(), w.platform))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Service", Platform::Knative),
            ("CronJob", Platform::Kubernetes),
            ("PodTemplate", Platform::Kubernetes)
        ]
    );
    let c = &m.workloads[1].pod.containers[0];
    assert_eq!(c.command.as_ref().unwrap().value, ["sleep", "10"]);
}

#[test]
fn a_yaml_error_names_the_file() {
    let e = parse("k.yaml", "kind: Pod\nspec: [\n").unwrap_err();
    assert!(e.starts_with("k.yaml:"), "{e}");
}

#[test]
fn tells_manifests_from_dockerfiles() {
    for yes in [
        "apiVersion: v1\n",
        "# c\n\n---\nkind: Pod\n",
        "{\"family\": 1}",
        "kind:\n  x",
        "\u{feff}apiVersion: v1",
    ] {
        assert!(looks_like(yes), "{yes:?}");
    }
    for no in [
        "FROM node:22\n",
        "# syntax=docker/dockerfile:1\nFROM x\n",
        "ARG A=b:c\n",
        "",
        "RUN echo a: b\n",
    ] {
        assert!(!looks_like(no), "{no:?}");
    }
}
