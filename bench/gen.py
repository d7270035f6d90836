#!/usr/bin/env python3
"""Generate a large, valid Dockerfile for benchmarks.

usage: gen.py BYTES [--findings] > Dockerfile

The file is built from blocks that look like real build steps: RUN lines with
long backslash continuations, a few heredocs, ENV/ARG/COPY lines, repeated
until the size is reached, and a shell-form CMD at the end (one finding).
With --findings every block also carries lines Docker cannot read, so the
number of findings grows with the size as well.
Deterministic: the same arguments always give the same bytes.
"""
import sys


def block(i, findings):
    out = [
        f"# step {i}\n",
        f"ARG V{i}=1.{i}\n",
        f"ENV PATH=/opt/tool{i}/bin:$PATH TOOL{i}_HOME=/opt/tool{i}\n",
        "RUN set -eux; \\\n",
    ]
    for k in range(24):
        out.append(f"    apt-get install -y --no-install-recommends pkg{i}-{k} lib{k}-dev && \\\n")
    out.append("    rm -rf /var/lib/apt/lists/*\n")
    out.append(f'RUN ["/bin/sh", "-c", "echo {i} > /etc/step{i}"]\n')
    if i % 4 == 0:
        # (a blank line after the terminator: hadolint 2.15 cannot read an
        # instruction right after a heredoc)
        out.append(f"RUN <<EOF{i}\nset -e\necho heredoc {i}\nmkdir -p /srv/{i}\nEOF{i}\n\n")
    out.append(f"COPY --chown=app:app src/{i}/ /app/{i}/\n")
    if findings:
        out.append(f"FORM broken{i}\n")
        out.append(f"ENV ONLYKEY{i}\n")
    return "".join(out)


def main():
    args = sys.argv[1:]
    findings = "--findings" in args
    args = [a for a in args if a != "--findings"]
    if len(args) != 1:
        sys.exit(__doc__)
    size = int(args[0])
    head = "FROM debian:bookworm-slim\nWORKDIR /app\n"
    tail = "CMD node server.js\n"
    parts = [head]
    n = len(head) + len(tail)
    i = 0
    while True:
        b = block(i, findings)
        if n + len(b) > size:
            break
        parts.append(b)
        n += len(b)
        i += 1
    parts.append(tail)
    sys.stdout.write("".join(parts))


if __name__ == "__main__":
    main()
