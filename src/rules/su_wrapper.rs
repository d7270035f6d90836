//! DSIG010: `su`/`runuser` starts the main process and stays its parent.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::HopKind;
use crate::parse::Args;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig010,
    summary: "su or runuser starts the app and stays its parent, so the app does not get SIGTERM",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG010.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(chain) = cx.chain else {
        return vec![];
    };
    let mut out = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let HopKind::Wrapper { name } = &hop.kind else {
            continue;
        };
        if name != "su" && name != "runuser" {
            continue;
        }
        let app = chain
            .main()
            .filter(|m| !std::ptr::eq(*m, hop))
            .map(|m| m.program().to_string())
            .filter(|p| !p.contains('$') && !p.contains('"'))
            .unwrap_or_else(|| "the app".into());
        let mut user = "USER".to_string();
        let mut k = 1;
        while let Some(a) = hop.argv.get(k) {
            match a.as_str() {
                "-s" | "--shell" | "-g" | "--group" | "-G" | "-c" | "--command" | "-w" => k += 2,
                "-u" | "--user" => {
                    if let Some(u) = hop.argv.get(k + 1) {
                        user = u.clone();
                    }
                    break;
                }
                a if a.starts_with('-') => k += 1,
                a => {
                    user = a.to_string();
                    break;
                }
            }
        }
        let mut d = RULE.diag(
            Severity::Error,
            cx.hop_span(i),
            format!(
                "`{}` ({}) stays the parent of {app}{}: when its shell is dash, {app} never sees SIGTERM; under bash, su adds about 2 s and the container exits with 143",
                hop.argv.join(" "),
                cx.hop_source(i),
                if name == "runuser" { " (runuser is su's code; the behaviour was measured for su)" } else { "" }
            ),
        );
        d.set_label(format!("{name} stays in front of {app}"));
        d.set_help(format!(
            "drop privileges with a tool that execs: `exec gosu {user} <command>`, `exec su-exec {user} <command>` or `exec setpriv --reuid={user} --regid={user} --init-groups <command>`; or set `USER {user}` in the Dockerfile"
        ));
        if let Some(f) = setpriv_fix(cx, i, &user) {
            d.set_fix(f);
        }
        out.push(d);
    }
    out
}

/// `CMD ["su", "app", "-c", "node server.js"]` → `CMD ["setpriv",
/// "--reuid=app", "--regid=app", "--init-groups", "node", "server.js"]`:
/// only for exec form written in the Dockerfile, a plain command, and a
/// Debian or Ubuntu image (where setpriv comes with util-linux). Unsafe: the
/// login environment su sets up is gone.
fn setpriv_fix(cx: &RuleContext, i: usize, user: &str) -> Option<Fix> {
    let chain = cx.chain?;
    let launch = cx.launch?;
    if launch.bin_sh != crate::model::base_images::ShellKind::Dash || user == "USER" {
        return None;
    }
    let hop = &chain.hops[i];
    let setting = [&launch.cmd, &launch.entrypoint]
        .into_iter()
        .flatten()
        .find(|s| s.origin == hop.origin && s.instruction.is_some())?;
    let inst = &cx.df.instructions[setting.instruction?];
    let Args::Exec { span, .. } = &inst.args else {
        return None;
    };
    // the whole instruction must be the su command
    if setting.argv() != hop.argv && !setting.argv().starts_with(&hop.argv) {
        return None;
    }
    let c = setting.argv();
    let cmd = c
        .iter()
        .position(|a| a == "-c")
        .and_then(|p| c.get(p + 1))?;
    // su runs the string with a shell: the next hop, analysed by the model
    let argv = match chain.hops.get(i + 1).map(|h| &h.kind) {
        Some(HopKind::Shell { text, run, .. }) if text == cmd => run.whole_argv.clone(),
        _ => None,
    }
    .filter(|a| !a.is_empty())?;
    let mut new = vec![
        "setpriv".to_string(),
        format!("--reuid={user}"),
        format!("--regid={user}"),
        "--init-groups".to_string(),
    ];
    new.extend(argv);
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            span: *span,
            replacement: super::helpers::exec_form(&new),
            file: None,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .file("entrypoint.sh", "#!/bin/sh\nchown -R app /data\nexec su app -s /bin/sh -c \"node server.js\"\n")
            .pass(&[
                "FROM debian\nCMD [\"gosu\", \"app\", \"node\", \"server.js\"]\n",
                "FROM debian\nCMD [\"sudo\", \"-u\", \"app\", \"node\", \"server.js\"]\n",
            ])
            .fail(&[
                "FROM debian\nCMD [\"su\", \"-s\", \"/bin/sh\", \"app\", \"-c\", \"node server.js\"]\n",
                "FROM debian\nCMD [\"runuser\", \"-u\", \"app\", \"--\", \"node\", \"server.js\"]\n",
                "FROM debian\nCOPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n",
            ])
            .run();
    }
}
