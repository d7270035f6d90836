//! House rules of the code, checked on the sources: rules read the model
//! only (no file reads, no shell analysis of their own), and the chain
//! builder stays a loop of small recognisers.

use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    sources_with(dir, &["rs"])
}

/// The files of a folder (not below it) with one of these extensions.
fn sources_with(dir: &str, extensions: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    out
}

/// The code of a file without its comments and its test module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rules_neither_read_files_nor_analyse_shell_text() {
    let banned = [
        "std::fs",
        "read_to_string",
        "context.read",
        ".package_json(",
        "locate_file(",
        "shell::analyze",
        "plain_argv",
        "analyze_script",
        "handlers::check",
        "handlers::entry_of",
    ];
    let rules = sources("src/rules");
    assert!(rules.len() > 15);
    for (name, text) in rules {
        if name == "tester.rs" {
            continue; // the test harness writes fixture files
        }
        let code = code(&text);
        for b in banned {
            assert!(
                !code.contains(b),
                "src/rules/{name} uses {b}: ask the model instead"
            );
        }
    }
}

/// Lengths of the functions of a file: from a `fn` line to the closing
/// brace at the same indentation.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
            .iter()
            .any(|p| t.starts_with(p));
        if !is_fn || t.ends_with(';') {
            continue;
        }
        let indent = l.len() - t.len();
        let close = " ".repeat(indent) + "}";
        if let Some(j) = lines[i..].iter().position(|x| *x == close) {
            out.push((t.to_string(), j + 1));
        }
    }
    out
}

#[test]
fn chain_builder_has_no_function_over_80_lines() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model/chain.rs"))
            .unwrap();
    let fns = function_lengths(&code(&text));
    assert!(fns.len() > 20, "{fns:?}");
    for (f, n) in fns {
        assert!(n <= 80, "src/model/chain.rs: {f} is {n} lines");
    }
}

#[test]
fn function_lengths_are_measured() {
    let text = "fn a() {\n    x;\n}\n    fn b() {\n        if y {\n        }\n    }\n";
    assert_eq!(
        function_lengths(text),
        [("fn a() {".to_string(), 3), ("fn b() {".to_string(), 4)]
    );
}

/// Every "fact N" a source file cites is a numbered fact of docs/facts.md.
#[test]
fn cited_facts_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let facts = std::fs::read_to_string(root.join("docs/facts.md")).unwrap();
    let numbered: Vec<usize> = facts
        .lines()
        .filter_map(|l| l.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect();
    assert_eq!(
        numbered,
        (1..=numbered.len()).collect::<Vec<_>>(),
        "facts out of order"
    );
    let mut cited = 0;
    // every folder of src/, and the rule pages
    let mut dirs = vec!["src".to_string(), "rules".to_string()];
    let mut i = 0;
    while i < dirs.len() {
        for e in std::fs::read_dir(root.join(&dirs[i])).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
        i += 1;
    }
    for dir in &dirs {
        for (name, text) in sources_with(dir, &["rs", "md"]) {
            let lower = text.to_lowercase();
            for (i, _) in lower.match_indices("fact") {
                let rest = &lower[i..];
                let rest = rest
                    .strip_prefix("facts ")
                    .or_else(|| rest.strip_prefix("fact "))
                    .unwrap_or("");
                let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                if let Ok(n) = n.parse::<usize>() {
                    cited += 1;
                    assert!(
                        n >= 1 && n <= numbered.len(),
                        "{dir}/{name} cites fact {n}, which docs/facts.md does not have"
                    );
                }
            }
        }
    }
    assert!(cited > 10, "{cited}");
}

/// Suppression is applied to the rules' findings: rules never import it.
#[test]
fn rules_do_not_import_suppression() {
    for (name, text) in sources("src/rules") {
        assert!(
            !code(&text).contains("crate::suppress"),
            "src/rules/{name} imports crate::suppress"
        );
    }
}

/// Every library source file under `src/` (the command line's `cli/` and
/// `commands/` are the binary's), with the top-level module it belongs to.
fn library_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if top.is_none() && matches!(name.as_str(), "cli" | "commands") {
                    continue;
                }
                walk(&p, Some(top.unwrap_or(&name)), out);
            } else if name.ends_with(".rs") && !name.starts_with("tests") && name != "tester.rs" {
                let module = match top {
                    Some(t) => t.to_string(),
                    None => name.trim_end_matches(".rs").to_string(),
                };
                if matches!(module.as_str(), "lib" | "main") {
                    continue;
                }
                out.push((module, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        None,
        &mut out,
    );
    out
}

/// The modules of the library form no cycle: data flows one way, and no
/// two modules import each other, directly or through others.
#[test]
fn no_module_cycle() {
    use std::collections::{BTreeMap, BTreeSet};
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in library_files() {
        let code = code(&text);
        let entry = uses.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                entry.insert(name);
            }
        }
    }
    assert!(uses.len() > 15, "{:?}", uses.keys());
    // a depth-first search that reports the first cycle it meets
    fn visit(
        m: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == m) {
            panic!(
                "modules import each other: {}",
                path[at..].join(" -> ") + " -> " + m
            );
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for n in uses.get(m).into_iter().flatten() {
            visit(n, uses, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in uses.keys() {
        visit(m, &uses, &mut Vec::new(), &mut done);
    }
}

/// One version everywhere a release names it: the crate, the wheel, and the
/// wheel the pre-commit hook's package installs.
#[test]
fn versions_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let version = |text: &str| -> String {
        let line = text.lines().find(|l| l.starts_with("version = ")).unwrap();
        line.trim_start_matches("version = ")
            .trim_matches('"')
            .to_string()
    };
    let crate_version = env!("CARGO_PKG_VERSION");
    assert_eq!(version(&read("python/dsig/pyproject.toml")), crate_version);
    let hook = read("pyproject.toml");
    assert_eq!(version(&hook), crate_version);
    assert!(
        hook.contains(&format!("dependencies = [\"dsig=={crate_version}\"]")),
        "pyproject.toml must install dsig=={crate_version}"
    );
}
