//! DSIG013: the main process daemonizes or returns at once.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dirs::basename;
use crate::model::HopKind;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig013,
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
        "nginx" => nginx(cx, &args),
        p if p.starts_with("php-fpm") => php_fpm(cx, p, &args),
        "supervisord" => supervisord(cx, &args),
        _ => None,
    }
}

/// nginx daemonizes unless the command or a visible config turns
/// `daemon off` (the official image's config does; Debian's package's does
/// not, fact 33).
fn nginx(cx: &RuleContext, args: &[&str]) -> Option<(String, String)> {
    let joined = args.join(" ");
    if joined.contains("daemon off") {
        return None;
    }
    let conf = args
        .windows(2)
        .find(|w| w[0] == "-c")
        .map(|w| w[1].to_string())
        .unwrap_or_else(|| "/etc/nginx/nginx.conf".into());
    let help = "run `nginx -g 'daemon off;'`, or add `daemon off;` to the config";
    // the config, when the build context holds it
    if let Some((rel, text)) = config(cx, &conf) {
        let off = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .any(|l| l.starts_with("daemon") && l.contains("off"));
        return (!off).then(|| {
            (
                format!("nginx daemonizes: neither the command nor {rel} turns `daemon off`"),
                help.into(),
            )
        });
    }
    // nginx from the distribution's package, with its own config
    // (Debian's daemonizes, fact 33)
    if copies_into(cx, &["/etc/nginx"]) {
        return None;
    }
    let how = installed(cx, &["nginx", "nginx-light", "nginx-full", "nginx-extras"])?;
    Some((
        format!(
            "nginx installed with {how} daemonizes unless `daemon off` is set, and neither the command nor a config in the build context sets it{}",
            measured(how)
        ),
        help.into(),
    ))
}

/// php-fpm from a distribution's package daemonizes without `-F` (fact 31).
fn php_fpm(cx: &RuleContext, p: &str, args: &[&str]) -> Option<(String, String)> {
    if args.iter().any(|a| matches!(*a, "-F" | "--nodaemonize")) {
        return None;
    }
    // the official php images configure `daemonize = no`; a
    // distribution's package does not (Debian's, fact 31)
    if copies_into(cx, &["/etc/php", "/usr/local/etc/php-fpm"]) {
        return None;
    }
    let how = installed(cx, &["php-fpm", "php*-fpm"])?;
    Some((
        format!(
            "{p} installed with {how} daemonizes without `-F`{}",
            measured(how)
        ),
        format!("run `{p} -F` (stay in the foreground)"),
    ))
}

/// supervisord daemonizes without `-n` or `nodaemon=true` (fact 32).
fn supervisord(cx: &RuleContext, args: &[&str]) -> Option<(String, String)> {
    if args.iter().any(|a| matches!(*a, "-n" | "--nodaemon")) {
        return None;
    }
    let conf = args
        .windows(2)
        .find(|w| w[0] == "-c" || w[0] == "--configuration")
        .map(|w| w[1].to_string());
    let visible = conf
        .as_deref()
        .into_iter()
        .chain(["/etc/supervisor/supervisord.conf", "/etc/supervisord.conf"])
        .find_map(|c| config(cx, c));
    if let Some((rel, text)) = visible {
        let nodaemon = text
            .lines()
            .map(|l| l.split([';', '#']).next().unwrap_or("").replace(' ', ""))
            .any(|l| l.eq_ignore_ascii_case("nodaemon=true"));
        return (!nodaemon).then(|| {
            (
                format!(
                    "supervisord daemonizes: neither `-n` nor `nodaemon=true` in {rel} (fact 32)"
                ),
                "run `supervisord -n`, or set `nodaemon=true` in its [supervisord] section".into(),
            )
        });
    }
    let mut dirs = vec!["/etc/supervisor", "/etc/supervisord"];
    if let Some(c) = conf.as_deref() {
        dirs.push(c);
    }
    if copies_into(cx, &dirs) {
        return None;
    }
    let how = installed(cx, &["supervisor"])?;
    Some((
        format!(
            "supervisord installed with {how} daemonizes without `-n` or `nodaemon=true`, and no config in the build context sets it{}",
            measured(how)
        ),
        "run `supervisord -n`, or set `nodaemon=true` in its [supervisord] section".into(),
    ))
}

/// A config file of the image, when the build context holds it.
fn config(cx: &RuleContext, path: &str) -> Option<(String, String)> {
    cx.image_file(path)
}

/// Whether the build copies anything into one of `dirs` (or over a
/// directory above them, `COPY rootfs/ /`): a config dsig cannot read may
/// then turn daemon mode off, so nothing is claimed.
fn copies_into(cx: &RuleContext, dirs: &[&str]) -> bool {
    let Some(launch) = cx.launch else {
        return true;
    };
    // this stage and the stages it is built on
    let stages = crate::model::stage_chain(cx.stages, launch.stage);
    stages.iter().any(|&si| {
        let st = &cx.stages[si];
        cx.df.instructions[st.from..st.end]
            .iter()
            .filter(|i| matches!(i.kind, crate::parse::Kind::Copy | crate::parse::Kind::Add))
            .any(|i| {
                let words = i.words();
                let Some((dest, sources)) = words.split_last() else {
                    return false;
                };
                let dest = dest.value.trim_end_matches('/');
                // a tree (`rootfs/`, `.`, a name without extension) copied
                // over a directory above the config's
                let tree = sources.iter().any(|w| {
                    let v = w.value.trim_end_matches('/');
                    w.value.ends_with('/') || v == "." || !basename(v).contains('.')
                });
                dirs.iter().any(|d| {
                    dest.starts_with(d)
                        || (tree && (dest.is_empty() || d.starts_with(&format!("{dest}/"))))
                        || sources.iter().any(|w| {
                            // `COPY s.conf /` puts /s.conf
                            let name = basename(&w.value);
                            format!("{dest}/{name}") == *d
                        })
                })
            })
    })
}

/// How a stage installs one of `packages` (`apt-get install`, `apk add`),
/// if its RUN lines do; `*` in a name matches any version (`php8.2-fpm`).
fn installed(cx: &RuleContext, packages: &[&str]) -> Option<&'static str> {
    let launch = cx.launch?;
    let st = &cx.stages[launch.stage];
    let matches = |word: &str| {
        let w = word.split(['=', ':']).next().unwrap_or(word);
        packages.iter().any(|p| match p.split_once('*') {
            Some((a, b)) => w.starts_with(a) && w.ends_with(b) && w.len() >= a.len() + b.len(),
            None => w == *p,
        })
    };
    cx.df.instructions[st.from..st.end]
        .iter()
        .filter(|i| i.kind == crate::parse::Kind::Run)
        .find_map(|i| {
            i.args_text.split(['&', ';', '|', '\n']).find_map(|cmd| {
                let words: Vec<&str> = cmd.split_whitespace().collect();
                let how = match words.first().copied() {
                    Some("apt-get" | "apt") if words.contains(&"install") => "apt",
                    Some("apk") if words.contains(&"add") => "apk",
                    _ => return None,
                };
                words.iter().any(|w| matches(w)).then_some(how)
            })
        })
}

/// What the measurements cover: Debian's packages; Alpine's are taken to
/// behave alike, which the message says.
fn measured(how: &str) -> &'static str {
    if how == "apk" {
        " (measured with Debian's package; Alpine's is assumed to behave alike)"
    } else {
        ""
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
    d.set_label("returns at once");
    d.set_help(fix);
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
                "FROM debian:12\nRUN apt-get install -y nginx\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                "FROM debian:12\nRUN apt-get install -y php8.2-fpm\nCMD [\"php-fpm8.2\", \"-F\"]\n",
                "FROM php:8.3-fpm\nCMD [\"php-fpm\"]\n",
                "FROM debian:12\nRUN apt-get install -y supervisor\nCMD [\"supervisord\", \"-n\"]\n",
                // a config dsig cannot read may turn daemon mode off
                "FROM debian:12\nRUN apt-get install -y supervisor\nCOPY missing.conf /etc/supervisor/supervisord.conf\nCMD [\"supervisord\"]\n",
                "FROM debian:12\nRUN apt-get install -y supervisor\nCOPY s.conf /\nCMD [\"supervisord\", \"-c\", \"/s.conf\"]\n",
                "FROM alpine:3.20\nRUN apk add nginx\nCOPY rootfs/ /\nCMD [\"nginx\"]\n",
            ])
            .fail(&[
                "FROM node:22\nCMD [\"pm2\", \"start\", \"app.js\"]\n",
                "FROM debian\nCMD [\"service\", \"nginx\", \"start\"]\n",
                "FROM nginx\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD [\"nginx\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"migrate && forever start app.js\"]\n",
                // distribution packages (facts 31-33)
                "FROM debian:12\nRUN apt-get update && apt-get install -y nginx\nCMD [\"nginx\"]\n",
                "FROM alpine:3.20\nRUN apk add --no-cache nginx\nCMD [\"nginx\"]\n",
                "FROM debian:12\nRUN apt-get install -y php8.2-fpm\nCMD [\"php-fpm8.2\"]\n",
                "FROM debian:12\nRUN apt-get install -y supervisor\nCMD [\"/usr/bin/supervisord\"]\n",
            ])
            .run();
    }
}
