#!/usr/bin/env python3
"""Generate the adversarial inputs of the hardening benchmark.

usage: adversarial.py CASE SCALE DIR

Writes one project into DIR (a Dockerfile and what it reads) whose size
grows linearly with SCALE (1, 2, 4, 8, ...):

  branching  an entrypoint script of 6 functions, each a `case` of 60×SCALE
             branches that call the next function
  bigfunc    a function of 50×SCALE KB called from 50×SCALE branches
  yaml-nest  compose.yaml holding `x: [[[...]]]` nested 62,500×SCALE deep
  yaml-wide  compose.yaml of 500×SCALE keys, each a flow list nested
             100 deep (the deepest accepted)
  yaml-deep  .dsig.yaml with a block mapping nested 100×SCALE deep
  cmd        a Dockerfile whose CMD is `node x x x ...`, SCALE MiB in all
  findings   a Dockerfile with 12,500×SCALE findings (DSIG000 lines)
  pragmas    12,500×SCALE ignore comments, each above a CMD it suppresses

Deterministic: the same arguments always give the same bytes.
"""
import os
import sys


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def entrypoint_project(d, script):
    write(os.path.join(d, "e.sh"), script)
    os.chmod(os.path.join(d, "e.sh"), 0o755)
    write(
        os.path.join(d, "Dockerfile"),
        'FROM node:22\nCOPY e.sh /usr/local/bin/\nENTRYPOINT ["e.sh"]\nCMD ["node", "server.js"]\n',
    )


def branching(d, scale):
    branches = 60 * scale
    out = ["#!/bin/sh\n"]
    for f in reversed(range(6)):  # each defined before its caller
        out.append(f"f{f}() {{\n  case \"$1\" in\n")
        for b in range(branches):
            call = f"f{f + 1} \"$@\"" if f < 5 else f"node app{b}.js"
            out.append(f"    b{b}) {call} ;;\n")
        out.append("  esac\n}\n")
    out.append('f0 "$@"\n')
    entrypoint_project(d, "".join(out))


def bigfunc(d, scale):
    size = 50 * 1024 * scale
    body = []
    n = 0
    while sum(map(len, body)) < size:
        body.append(f"  echo step {n} >> /tmp/log; test -d /srv/{n} || mkdir -p /srv/{n}\n")
        n += 1
    out = ["#!/bin/sh\nbig() {\n", *body, '  node server.js "$@"\n}\ncase "$1" in\n']
    for b in range(50 * scale):
        out.append(f"  b{b}) big ;;\n")
    out.append('  *) exec "$@" ;;\nesac\n')
    entrypoint_project(d, "".join(out))


def yaml_nest(d, scale):
    depth = 62_500 * scale
    write(os.path.join(d, "compose.yaml"), "x: " + "[" * depth + "]" * depth + "\n")
    write(os.path.join(d, "Dockerfile"), 'FROM node:22\nCMD ["node", "server.js"]\n')


def yaml_wide(d, scale):
    line = "[" * 100 + "]" * 100
    keys = "".join(f"x{i}: {line}\n" for i in range(500 * scale))
    write(os.path.join(d, "compose.yaml"), keys)
    write(os.path.join(d, "Dockerfile"), 'FROM node:22\nCMD ["node", "server.js"]\n')


def yaml_deep(d, scale):
    depth = 100 * scale
    lines = ["shells:\n"]
    for i in range(depth):
        lines.append("  " * (i + 1) + f"k{i}:\n")
    lines.append("  " * (depth + 1) + "v\n")
    write(os.path.join(d, ".dsig.yaml"), "".join(lines))
    write(os.path.join(d, "Dockerfile"), 'FROM node:22\nCMD ["node", "server.js"]\n')


def cmd(d, scale):
    size = scale * 1024 * 1024 - 64
    head = "FROM node:22\nCMD node server.js"
    write(os.path.join(d, "Dockerfile"), head + " x" * ((size - len(head)) // 2) + "\n")


def findings(d, scale):
    out = ["FROM node:22\n"]
    for i in range(12_500 * scale):
        out.append(f"FORM broken{i}\n")
    out.append("CMD npm start\n")
    write(os.path.join(d, "Dockerfile"), "".join(out))


def pragmas(d, scale):
    out = ["FROM node:22\n"]
    out += ["# dsig ignore=DSIG001\nCMD node x\n"] * (12_500 * scale)
    write(os.path.join(d, "Dockerfile"), "".join(out))


CASES = {
    "pragmas": pragmas,
    "branching": branching,
    "bigfunc": bigfunc,
    "yaml-nest": yaml_nest,
    "yaml-wide": yaml_wide,
    "yaml-deep": yaml_deep,
    "cmd": cmd,
    "findings": findings,
}


def main():
    case, scale, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(d, exist_ok=True)
    CASES[case](d, scale)


if __name__ == "__main__":
    main()
