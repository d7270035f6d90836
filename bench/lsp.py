#!/usr/bin/env python3
"""Latency of `dsig lsp`: from a `textDocument/didChange` on a 300-line
Dockerfile to its `textDocument/publishDiagnostics`, as an editor sees it.

    python3 bench/lsp.py [path/to/dsig]    (default: target/release/dsig)

Opens the file, then sends 200 single-character edits one at a time, each
waiting for the diagnostics of its version; prints the median, the 90th
percentile and the worst, in milliseconds, after 20 warm-up edits.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

DSIG = sys.argv[1] if len(sys.argv) > 1 else "target/release/dsig"


def dockerfile():
    lines = ["FROM node:22-slim AS build", "WORKDIR /app", "COPY package*.json ./"]
    i = 0
    while len(lines) < 290:
        lines.append(f"RUN echo step {i} && apt-get update && apt-get install -y curl{i} \\")
        lines.append(f"    && rm -rf /var/lib/apt/lists/* # {i}")
        lines.append(f"ENV VAR_{i}=value_{i}")
        i += 1
    lines = lines[:290]  # ends after a continuation line, not inside one
    lines += ["FROM node:22-slim", "COPY --from=build /app /app", "WORKDIR /app",
              "EXPOSE 8080", "USER node", "STOPSIGNAL SIGTERM",
              "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1",
              "ENV NODE_ENV=production", "ARG VERSION=1",
              "CMD node server.js"]
    return "\n".join(lines) + "\n"


def main():
    p = subprocess.Popen([DSIG, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        p.stdin.flush()

    def read():
        n = 0
        while True:
            line = p.stdout.readline().strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                n = int(line.split(b":")[1])
        return json.loads(p.stdout.read(n))

    def wait_diagnostics(version):
        while True:
            m = read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                return m

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    read()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    d = tempfile.mkdtemp()
    uri = "file://" + os.path.join(d, "Dockerfile")
    text = dockerfile()
    assert text.count("\n") == 300, text.count("\n")
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}})
    found = wait_diagnostics(1)["params"]["diagnostics"]
    times = []
    for v in range(2, 222):
        # type one character into a comment at the end of line 2, then the next
        col = len("COPY package*.json ./") + v - 2
        edit = {"range": {"start": {"line": 2, "character": col}, "end": {"line": 2, "character": col}},
                "text": " " if v == 2 else "x"}
        t = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": v}, "contentChanges": [edit]}})
        wait_diagnostics(v)
        times.append((time.perf_counter() - t) * 1000)
    times = sorted(times[20:])
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    read()
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait(timeout=10)
    print(f"dsig lsp, 300-line Dockerfile ({len(found)} findings), {len(times)} edits: "
          f"didChange -> publishDiagnostics median {statistics.median(times):.2f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.2f} ms, worst {times[-1]:.2f} ms")


main()
