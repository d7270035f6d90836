//! DSIG013: the main process daemonizes or returns at once.

use super::{Rule, RuleContext};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::HopKind;
use crate::model::chain::basename;

pub static RULE: Rule = Rule {
    code: "DSIG013",
    name: "daemonizing-main-process",
    summary: "the main process daemonizes or returns at once (`pm2 start`, `service x start`, `forever start`, nginx without `daemon off`)",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG013.md"),
    check,
};

/// Why `argv` returns at once, and what to run instead.
fn daemonizes(cx: &RuleContext, argv: &[String]) -> Option<(String, String)> {
    let prog = basename(argv.first()?);
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    match prog {
        "pm2" if args.first() == Some(&"start") && !args.contains(&"--no-daemon") => Some((
            "`pm2 start` starts the app in pm2's background daemon and returns".into(),
            format!(
                "use `pm2-runtime`, made for containers: `[\"pm2-runtime\", {}]`",
                args[1..]
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        "forever" if args.first() == Some(&"start") => Some((
            "`forever start` daemonizes the app and returns".into(),
            "run the app directly in the foreground (or `forever` without `start`)".into(),
        )),
        "service" if args.get(1) == Some(&"start") => Some((
            format!("`service {} start` starts a daemon and returns", args[0]),
            format!(
                "run {} itself in the foreground, e.g. with its `-F`/`--foreground`/`daemon off` option",
                args[0]
            ),
        )),
        "systemctl" if args.first() == Some(&"start") => Some((
            "`systemctl start` needs systemd as PID 1 and returns".into(),
            "run the service's binary in the foreground instead".into(),
        )),
        p if argv[0].starts_with("/etc/init.d/") && args.first() == Some(&"start") => Some((
            format!("`{} start` starts a daemon and returns", p),
            "run the daemon's binary in the foreground instead".into(),
        )),
        "apachectl" | "apache2ctl" if args.contains(&"start") => Some((
            format!("`{prog} start` starts httpd in the background and returns"),
            "use `apache2-foreground` or `httpd -DFOREGROUND`".into(),
        )),
        "redis-server"
            if args
                .windows(2)
                .any(|w| w[0] == "--daemonize" && w[1] == "yes") =>
        {
            Some((
                "`redis-server --daemonize yes` forks into the background".into(),
                "drop `--daemonize yes`".into(),
            ))
        }
        "nginx" => {
            let joined = args.join(" ");
            if joined.contains("daemon off") {
                return None;
            }
            // only when the config is visible in the build context
            let conf = args
                .windows(2)
                .find(|w| w[0] == "-c")
                .map(|w| w[1].to_string())
                .unwrap_or_else(|| "/etc/nginx/nginx.conf".into());
            let launch = cx.launch?;
            let loc = crate::model::copies::locate_file(
                cx.df,
                cx.stages,
                launch.stage,
                cx.context,
                &conf,
            )?;
            let text = cx.context.read(&loc.rel)?;
            let off = text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .any(|l| l.starts_with("daemon") && l.contains("off"));
            (!off).then(|| {
                (
                    format!(
                        "nginx daemonizes: neither the command nor {} turns `daemon off`",
                        loc.rel
                    ),
                    "run `nginx -g 'daemon off;'`, or add `daemon off;` to the config".into(),
                )
            })
        }
        _ => None,
    }
}

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(chain) = cx.chain else {
        return vec![];
    };
    let Some(main) = chain.main() else {
        return vec![];
    };
    if !matches!(main.kind, HopKind::App { .. }) {
        return vec![];
    }
    let Some((why, fix)) = daemonizes(cx, &main.argv) else {
        return vec![];
    };
    let i = chain.hops.len() - 1;
    let mut d = RULE.diag(
        Severity::Error,
        cx.hop_span(i),
        format!(
            "{why} ({}): the main process exits at once, so the container stops (or a keep-alive takes its place) and the daemon never receives the stop signal",
            cx.hop_source(i)
        ),
    );
    d.label = Some("returns at once".into());
    d.help = Some(fix);
    vec![d]
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .file("nginx.conf", "worker_processes 1;\nevents {}\n")
            .file("nginx-off.conf", "daemon off;\nevents {}\n")
            .pass(&[
                "FROM node:22\nCMD [\"pm2-runtime\", \"app.js\"]\n",
                "FROM nginx\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                "FROM nginx\nCMD [\"nginx\"]\n",
                "FROM nginx\nCOPY nginx-off.conf /etc/nginx/nginx.conf\nCMD [\"nginx\"]\n",
            ])
            .fail(&[
                "FROM node:22\nCMD [\"pm2\", \"start\", \"app.js\"]\n",
                "FROM debian\nCMD [\"service\", \"nginx\", \"start\"]\n",
                "FROM nginx\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD [\"nginx\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"migrate && forever start app.js\"]\n",
            ])
            .run();
    }
}
