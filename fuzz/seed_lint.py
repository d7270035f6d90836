#!/usr/bin/env python3
"""Seeds of the `lint` fuzz target: every directory holding a Dockerfile,
with what sits beside it, in the target's NUL-separated layout:

    Dockerfile \\0 package.json \\0 script-name \\0 script \\0 compose.yaml \\0 .dsig.yaml

Scripts are the `*.sh` files (and `docker-entrypoint*`) of the directory;
a directory with several gives one seed per script. A `.dsig.yaml` is the
nearest one above the directory inside the tree being walked.

usage: seed_lint.py OUT_DIR ROOT...
"""
import hashlib
import os
import sys


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read(1 << 20)
    except OSError:
        return None


def nearest_config(d, root):
    while True:
        c = read(os.path.join(d, ".dsig.yaml"))
        if c is not None:
            return c
        if os.path.samefile(d, root) or d == os.path.dirname(d):
            return None
        d = os.path.dirname(d)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0
    for root in sys.argv[2:]:
        for d, _, files in os.walk(root):
            dockerfile = read(os.path.join(d, "Dockerfile"))
            if dockerfile is None:
                continue
            package = read(os.path.join(d, "package.json"))
            compose = None
            for name in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"):
                compose = read(os.path.join(d, name))
                if compose is not None:
                    break
            config = nearest_config(d, root)
            scripts = sorted(
                f for f in files if f.endswith(".sh") or f.startswith("docker-entrypoint")
            )
            if not (package or compose or config or scripts):
                continue
            for s in scripts or [None]:
                parts = [
                    dockerfile,
                    package or b"",
                    (s or "").encode(),
                    read(os.path.join(d, s)) if s else b"",
                    compose or b"",
                    config or b"",
                ]
                # trailing empty parts are left out (no such file)
                while len(parts) > 1 and not parts[-1]:
                    parts.pop()
                blob = b"\0".join(parts)
                name = hashlib.sha1(blob).hexdigest()[:16]
                with open(os.path.join(out, "ctx-" + name), "wb") as f:
                    f.write(blob)
                n += 1
    print(f"lint: {n} seeds with a build context")


if __name__ == "__main__":
    main()
