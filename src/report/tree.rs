//! `dsig ps`: the predicted process tree as text or JSON.

use crate::model::base_images::ShellKind;
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
    out.push_str(&format!(
        "  /bin/sh: {} ({})\n",
        launch.bin_sh.display(),
        shell_reason(launch)
    ));
    let stop = match &launch.stopsignal {
        Some((s, o)) => format!("{s} ({})", o.describe()),
        None => "SIGTERM (Docker default)".into(),
    };
    out.push_str(&format!("  stop signal: {stop}\n\n"));
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
    out
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
