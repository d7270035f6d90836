//! `dsig ps`: the predicted process tree as text or JSON.

use crate::manifest::Role;
use crate::model::base_images::ShellKind;
use crate::model::platform::{ImageSource, Placement};
use crate::model::{Chain, Launch, Relation};
use serde_json::json;

/// Render the chain of one Dockerfile as an indented tree.
pub fn render_text(path: &str, launch: &Launch, stage_name: Option<&str>, chain: &Chain) -> String {
    let mut out = String::new();
    let stage = match stage_name {
        Some(n) => format!("stage {} ({n})", launch.stage + 1),
        None => format!("stage {}", launch.stage + 1),
    };
    out.push_str(&format!("{path}: {stage}, FROM {}\n", launch.base_image));
    out.push_str(&shell_line(launch));
    let stop = match &launch.stopsignal {
        Some((s, o)) => format!("{s} ({})", o.describe()),
        None => "SIGTERM (Docker default)".into(),
    };
    out.push_str(&format!("  stop signal: {stop}\n\n"));
    chain_text(&mut out, chain);
    out
}

/// The tree of one container a manifest launches.
pub fn render_container_text(path: &str, p: &Placement, launch: &Launch, chain: &Chain) -> String {
    let c = &p.container;
    let role = match c.role {
        Role::Init => "init container",
        Role::Sidecar => "sidecar",
        Role::Main => "container",
    };
    let name = c.name.as_deref().unwrap_or("(no name)");
    let mut out = format!("{path}:{}: {}, {role} {name}\n", c.line, p.workload);
    let image = c.image.as_ref().map_or("(none)", |i| i.value.as_str());
    let source = match &p.image {
        ImageSource::Dockerfile(d) => format!("built by {d}"),
        ImageSource::Table => "known base image".into(),
        ImageSource::Unknown => "unknown image: only what the manifest sets is known".into(),
    };
    out.push_str(&format!("  image: {image} ({source})\n"));
    if p.image != ImageSource::Unknown {
        out.push_str(&shell_line(launch));
    }
    let stop = match &launch.stopsignal {
        Some((s, o)) => format!("{s} ({})", o.describe()),
        None if p.image == ImageSource::Unknown => "SIGTERM unless the image sets another".into(),
        None => "SIGTERM (default)".into(),
    };
    out.push_str(&format!("  stop signal: {stop}\n"));
    let grace = match (&p.grace, p.grace_seconds()) {
        (Some(g), _) => format!(
            "{} s ({}, line {})",
            g.value,
            p.platform.grace_field(),
            g.line
        ),
        (None, Some(d)) => format!("{d} s (default)"),
        (None, None) => "the platform's default".into(),
    };
    out.push_str(&format!("  grace period: {grace}\n\n"));
    chain_text(&mut out, chain);
    out
}

/// The hops of a chain, indented by parent.
fn chain_text(out: &mut String, chain: &Chain) {
    let mut depth = 0usize;
    for (i, hop) in chain.hops.iter().enumerate() {
        let (prefix, tag) = match hop.relation {
            Relation::Pid1 => (String::new(), "PID 1 ".to_string()),
            Relation::Exec => {
                let p = "  ".repeat(depth);
                (p, "exec→ ".to_string())
            }
            Relation::Child => {
                depth += 1;
                ("  ".repeat(depth - 1), "└─ ".to_string())
            }
            Relation::Unknown => {
                depth += 1;
                ("  ".repeat(depth - 1), "└?─ ".to_string())
            }
        };
        let pid1 = chain.pid1() == Some(i) && hop.relation == Relation::Exec;
        let line = format!("{prefix}{tag}{}", hop.display());
        out.push_str(&format!(
            "{line:<56} {}{}\n",
            hop.origin.describe(),
            if pid1 { "  (now PID 1)" } else { "" }
        ));
        if let Some(note) = &hop.note {
            out.push_str(&format!("{}      {note}\n", "  ".repeat(depth)));
        }
        // the script's other ways to end: the branches not followed
        if let crate::model::HopKind::Script {
            sites,
            main: Some(m),
            path: Some(rel),
            ..
        } = &hop.kind
            && sites.len() > 1
        {
            let others = sites.len() - 1;
            out.push_str(&format!(
                "{}      {others} other branch{} of {rel}:\n",
                "  ".repeat(depth),
                if others == 1 { "" } else { "es" }
            ));
            for (_, site) in sites.iter().enumerate().filter(|(k, _)| k != m).take(8) {
                let how = if site.exec {
                    "replaces the shell"
                } else if site.background {
                    "in the background"
                } else {
                    "the shell stays as its parent"
                };
                let text = crate::read::excerpt(&site.text, 60);
                let taken = if site.reachable {
                    ""
                } else {
                    "; not taken with this command"
                };
                out.push_str(&format!(
                    "{}        {rel}:{} {text} ({how}{taken})\n",
                    "  ".repeat(depth),
                    site.line
                ));
            }
            if others > 8 {
                out.push_str(&format!("{}        …\n", "  ".repeat(depth)));
            }
        }
    }
    if let Some(why) = &chain.incomplete {
        out.push_str(&format!("  (the tree stops here: {why})\n"));
    }
}

/// `  /bin/sh: dash (why dsig believes it)`.
fn shell_line(l: &Launch) -> String {
    format!("  /bin/sh: {} ({})\n", l.bin_sh.display(), shell_reason(l))
}

fn shell_reason(l: &Launch) -> String {
    if l.bin_sh == ShellKind::Unknown {
        format!("{}; set it in the configuration to be sure", l.shell.reason)
    } else if let crate::model::Origin::BaseImage { .. } = l.shell.origin {
        l.shell.reason.clone()
    } else {
        format!("SHELL is {}", l.shell.argv.join(" "))
    }
}

/// A container's chain as JSON: the Dockerfile's fields, and where the
/// container is.
pub fn render_container_json(
    path: &str,
    p: &Placement,
    launch: &Launch,
    chain: &Chain,
) -> serde_json::Value {
    let mut v = render_json(path, launch, chain);
    v["line"] = json!(p.container.line);
    v["workload"] = json!(p.workload);
    v["container"] = json!(p.container.name);
    v["image"] = json!(p.container.image.as_ref().map(|i| &i.value));
    v["grace_seconds"] = json!(p.grace_seconds());
    v
}

/// The chain as JSON.
pub fn render_json(path: &str, launch: &Launch, chain: &Chain) -> serde_json::Value {
    let hops: Vec<serde_json::Value> = chain
        .hops
        .iter()
        .map(|h| {
            json!({
                "argv": h.argv,
                "relation": match h.relation {
                    Relation::Pid1 => "pid1",
                    Relation::Exec => "exec",
                    Relation::Child => "child",
                    Relation::Unknown => "unknown",
                },
                "source": h.origin.describe(),
                "note": h.note,
            })
        })
        .collect();
    json!({
        "file": path,
        "stage": launch.stage,
        "base_image": launch.base_image,
        "bin_sh": launch.bin_sh.display(),
        "stop_signal": launch.stop_signal(),
        "pid1": chain.pid1(),
        "hops": hops,
        "incomplete": chain.incomplete,
    })
}
