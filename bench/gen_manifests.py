#!/usr/bin/env python3
"""Generate Kubernetes manifests (and a few ECS task definitions) for benchmarks.

usage: gen_manifests.py OUTDIR [N=1000]

Writes OUTDIR/m0000.yaml ... : mostly Deployments, then StatefulSets, Jobs,
CronJobs and Pods, a few multi-document files (with a Service), a `List`,
and a few ECS task definitions as .json. Each workload has 1-3 containers
with ports, env, resources and probes; about a third set command/args, some
a preStop hook and terminationGracePeriodSeconds. Mostly 60-150 lines a
file (the .json ones are about 20).
Deterministic: the same arguments always give the same bytes.
"""
import json
import os
import random
import re
import sys

rng = random.Random(1)

IMAGES = ["nginx:1.27", "node:22", "python:3.12-slim", "redis:7", "ghcr.io/acme/svc-{n}:1.0"]
COMMANDS = [
    ["node", "server.js"],
    ["sh", "-c", "node server.js"],
    ["sh", "-c", "exec node server.js"],
    ["npm", "start"],
    ["python", "app.py"],
]
ENV = {"LOG_LEVEL": "info", "PORT": "8080", "NODE_ENV": "production", "REDIS_HOST": "redis.infra",
       "FEATURE_FLAGS": "checkout,search", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4317",
       "TZ": "UTC", "WORKERS": "4", "CACHE_TTL": "300", "REGION": "eu-west-1",
       "DATABASE_URL": None, "API_KEY": None}  # None: from the app's Secret


# ---- a small YAML writer (block style; lists of strings in flow style) ----

def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return json.dumps(v)
    plain = (re.fullmatch(r"[\w/][\w./:-]*", v) and not re.fullmatch(r"[\d.eE+-]+", v)
             and v.lower() not in ("true", "false", "yes", "no", "on", "off", "null"))
    return v if plain else json.dumps(v)


def is_flow(v):
    return not isinstance(v, dict) and (not isinstance(v, list) or all(isinstance(x, str) for x in v))


def yaml(v, ind=""):
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if is_flow(x):
                out.append(f"{ind}{k}: {scalar(x)}")
            else:
                out.append(f"{ind}{k}:")
                out += yaml(x, ind + "  ")
    else:
        for x in v:
            sub = yaml(x, ind + "  ") if not is_flow(x) else [ind + "  " + scalar(x)]
            out.append(ind + "- " + sub[0][len(ind) + 2:])
            out += sub[1:]
    return out


# ---- workloads ----

def container(app, k):
    image = rng.choice(IMAGES).format(n=rng.randrange(100))
    port = 6379 if image.startswith("redis") else rng.choice([80, 3000, 8000, 8080])
    env = []
    for name in rng.sample(sorted(ENV), rng.randint(3, 10 if k == 0 else 5)):  # sidecars: fewer
        if ENV[name] is None:
            env.append({"name": name, "valueFrom": {"secretKeyRef": {"name": f"{app}-secrets", "key": name.lower()}}})
        else:
            env.append({"name": name, "value": ENV[name]})
    probe = {"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": rng.choice([5, 10, 15]), "timeoutSeconds": 2}
    c = {"name": app if k == 0 else f"{app}-side{k}", "image": image,
         "imagePullPolicy": "IfNotPresent",
         "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}]}
    if rng.random() < 1 / 3:
        cmd = rng.choice(COMMANDS)
        if rng.random() < 0.5:
            c["command"] = cmd
        else:
            c["command"], c["args"] = cmd[:1], cmd[1:]
    c["env"] = env
    c["resources"] = {"requests": {"cpu": rng.choice(["50m", "100m", "250m"]), "memory": rng.choice(["64Mi", "128Mi", "256Mi"])},
                      "limits": {"cpu": rng.choice(["500m", "1"]), "memory": rng.choice(["256Mi", "512Mi", "1Gi"])}}
    c["readinessProbe"] = dict(probe, initialDelaySeconds=rng.randint(0, 10))
    if k == 0:
        c["livenessProbe"] = dict(probe, failureThreshold=3)
    if rng.random() < 0.25:
        n = rng.randint(1, 15)
        hook = {"sleep": {"seconds": n}} if rng.random() < 0.5 else {"exec": {"command": ["sleep", str(n)]}}
        c["lifecycle"] = {"preStop": hook}
    if k == 0:
        c["volumeMounts"] = [{"name": "config", "mountPath": "/etc/app", "readOnly": True}]
    return c


def pod_spec(app, restart=None):
    spec = {}
    if rng.random() < 0.3:
        spec["terminationGracePeriodSeconds"] = rng.choice([10, 30, 45, 60, 120])
    if restart:
        spec["restartPolicy"] = restart
    spec["containers"] = [container(app, k) for k in range(rng.choices([1, 2, 3], [11, 6, 3])[0])]
    spec["volumes"] = [{"name": "config", "configMap": {"name": f"{app}-config"}}]
    return spec


def meta(app):
    return {"name": app, "namespace": rng.choice(["default", "shop", "payments", "infra"]),
            "labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "acme", "team": rng.choice(["core", "web", "data"])}}


def template(app, restart=None):
    return {"metadata": {"labels": {"app.kubernetes.io/name": app}}, "spec": pod_spec(app, restart)}


def workload(kind, app):
    sel = {"matchLabels": {"app.kubernetes.io/name": app}}
    if kind == "Deployment":
        spec = {"replicas": rng.randint(1, 6), "selector": sel,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                "template": template(app)}
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(app), "spec": spec}
    if kind == "StatefulSet":
        spec = {"serviceName": app, "replicas": 3, "selector": sel, "template": template(app)}
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(app), "spec": spec}
    if kind == "Job":
        spec = {"backoffLimit": 3, "template": template(app, "OnFailure")}
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta(app), "spec": spec}
    if kind == "CronJob":
        spec = {"schedule": f"*/{rng.randint(5, 30)} * * * *", "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {"template": template(app, "OnFailure")}}}
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta(app), "spec": spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(app), "spec": pod_spec(app)}


def service(app):
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(app),
            "spec": {"selector": {"app.kubernetes.io/name": app}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def ecs(app):
    cmd = rng.choice(COMMANDS)
    return {"family": app, "containerDefinitions": [{
        "name": app, "image": rng.choice(IMAGES).format(n=rng.randrange(100)),
        "entryPoint": cmd[:2] if cmd[0] == "sh" else [], "command": cmd[2:] if cmd[0] == "sh" else cmd,
        "stopTimeout": rng.choice([10, 30, 60]), "linuxParameters": {"initProcessEnabled": True}}]}


def document(d):
    return "\n".join(yaml(d)) + "\n"


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    kinds = ["Deployment"] * 60 + ["StatefulSet"] * 10 + ["Job"] * 8 + ["CronJob"] * 7 + ["Pod"] * 8 + ["multi"] * 4 + ["ecs"] * 3
    total = 0
    for i in range(n):
        app = f"svc-{i}"
        kind = "List" if i == n // 2 else rng.choice(kinds)
        if kind == "ecs":
            path, text = f"m{i:04d}.json", json.dumps(ecs(app), indent=2) + "\n"
        elif kind == "multi":
            path, text = f"m{i:04d}.yaml", "---\n".join(document(d) for d in (workload("Deployment", app), service(app)))
        elif kind == "List":
            items = [workload("Deployment", app), service(app)]
            path, text = f"m{i:04d}.yaml", document({"apiVersion": "v1", "kind": "List", "items": items})
        else:
            path, text = f"m{i:04d}.yaml", document(workload(kind, app))
        with open(os.path.join(out, path), "w") as f:
            f.write(text)
        total += len(text.encode())
    print(f"{total} bytes in {n} files")


if __name__ == "__main__":
    main()
