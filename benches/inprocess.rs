//! In-process timing of the parser and of the whole lint, without process
//! start-up or file reading: `cargo bench --bench inprocess`.
//!
//! Inputs: the shared corpus (when `../shared/corpus/files` exists), the
//! project's test Dockerfiles, and generated files of 1 and 8 MiB. Prints the
//! median of several rounds per input set. For repeatable instruction counts
//! run the bench binary under `valgrind --tool=callgrind` with `--rounds 1`.

use dsig::lint::{LintOptions, lint_source};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn dockerfiles(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            dockerfiles(&p, out);
        } else if p
            .file_name()
            .is_some_and(|n| dsig::files::is_dockerfile_name(&n.to_string_lossy()))
        {
            out.push(p);
        }
    }
}

/// Dockerfile text like `bench/gen.py` makes: RUN lines with long
/// continuations, ENV/ARG/COPY lines, some heredocs.
fn generated(size: usize) -> String {
    let mut s = String::from("FROM debian:bookworm-slim\nWORKDIR /app\n");
    let mut i = 0;
    while s.len() < size {
        s.push_str(&format!("# step {i}\nARG V{i}=1.{i}\n"));
        s.push_str(&format!(
            "ENV PATH=/opt/tool{i}/bin:$PATH TOOL{i}_HOME=/opt/tool{i}\nRUN set -eux; \\\n"
        ));
        for k in 0..24 {
            s.push_str(&format!(
                "    apt-get install -y --no-install-recommends pkg{i}-{k} lib{k}-dev && \\\n"
            ));
        }
        s.push_str("    rm -rf /var/lib/apt/lists/*\n");
        if i % 4 == 0 {
            s.push_str(&format!("RUN <<EOF{i}\nset -e\necho {i}\nEOF{i}\n\n"));
        }
        s.push_str(&format!("COPY --chown=app:app src/{i}/ /app/{i}/\n"));
        i += 1;
    }
    s.push_str("CMD node server.js\n");
    s
}

struct Set {
    name: String,
    files: Vec<(String, Option<PathBuf>)>,
}

impl Set {
    fn bytes(&self) -> usize {
        self.files.iter().map(|f| f.0.len()).sum()
    }
}

fn time<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    let mut v: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(7usize);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets = Vec::new();
    for (name, dir) in [
        ("corpus", root.join("../shared/corpus/files")),
        ("testdata", root.join("testdata")),
    ] {
        let mut paths = Vec::new();
        dockerfiles(&dir, &mut paths);
        let files: Vec<(String, Option<PathBuf>)> = paths
            .iter()
            .filter_map(|p| {
                let text = dsig::files::read_dockerfile(p).ok()?;
                Some((text, p.parent().map(Path::to_path_buf)))
            })
            .collect();
        if files.is_empty() {
            eprintln!("{name}: {} absent, skipped", dir.display());
            continue;
        }
        sets.push(Set {
            name: format!("{name} ({} files)", files.len()),
            files,
        });
    }
    for mib in [1, 8] {
        sets.push(Set {
            name: format!("generated {mib} MiB"),
            files: vec![(generated(mib << 20), None)],
        });
    }
    println!(
        "{:<28} {:>10} {:>12} {:>10} {:>12} {:>10}",
        "input", "MiB", "parse", "MiB/s", "lint", "MiB/s"
    );
    for set in &sets {
        let mib = set.bytes() as f64 / (1 << 20) as f64;
        let parse = time(rounds, || {
            for (text, _) in &set.files {
                black_box(dsig::parse::parse(black_box(text)));
            }
        });
        let lint = time(rounds, || {
            for (text, dir) in &set.files {
                let opts = LintOptions {
                    context: dir.clone(),
                    ..Default::default()
                };
                let _ = black_box(lint_source(black_box(text), &opts));
            }
        });
        println!(
            "{:<28} {:>10.2} {:>10.2}ms {:>10.1} {:>10.2}ms {:>10.1}",
            set.name,
            mib,
            parse.as_secs_f64() * 1e3,
            mib / parse.as_secs_f64(),
            lint.as_secs_f64() * 1e3,
            mib / lint.as_secs_f64(),
        );
    }
}
