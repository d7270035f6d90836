//! DSIG014: a server with a known graceful stop signal is the main process,
//! and the effective STOPSIGNAL is another.

use super::{Rule, RuleContext, helpers};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::dirs::basename;
use crate::model::{HopKind, Launch, Origin};
use crate::parse::Kind;
use crate::signal::Signal;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig014,
    summary: "nginx, php-fpm or httpd runs with a STOPSIGNAL that makes it stop fast instead of gracefully",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG014.md"),
    check,
};

/// The graceful stop signal of well-known servers, and what the default
/// SIGTERM does to them.
fn graceful(prog: &str) -> Option<(&'static str, Signal, &'static str)> {
    match prog {
        "nginx" => Some((
            "nginx",
            Signal::QUIT,
            "a fast shutdown that closes open connections",
        )),
        p if p.starts_with("php-fpm") => Some((
            "php-fpm",
            Signal::QUIT,
            "an immediate termination that cuts running requests",
        )),
        "httpd" | "apache2" | "apache2-foreground" | "httpd-foreground" => Some((
            "httpd",
            Signal::WINCH,
            "an immediate stop that aborts running requests",
        )),
        _ => None,
    }
}

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(launch)) = (cx.chain, cx.launch) else {
        return vec![];
    };
    let Some(main) = chain.main() else {
        return vec![];
    };
    if !matches!(main.kind, HopKind::App { .. }) {
        return vec![];
    }
    let Some((server, want, what)) = graceful(basename(&main.argv[0])) else {
        return vec![];
    };
    // An unknown base image may set its own STOPSIGNAL: say nothing.
    if launch.stopsignal.is_none() && !launch.base_known {
        return vec![];
    }
    let stop = launch.stop_signal();
    let Ok(sig) = Signal::parse(stop) else {
        return vec![]; // DSIG008's
    };
    if sig == want {
        return vec![];
    }
    let want = want.name();
    let (span, origin_text) = match &launch.stopsignal {
        Some((_, o @ Origin::Dockerfile { span, .. })) => {
            (*span, format!("STOPSIGNAL {stop} ({})", o.describe()))
        }
        Some((_, o @ Origin::Manifest { span, .. })) => (
            *span,
            format!("lifecycle.stopSignal {stop} ({})", o.describe()),
        ),
        Some((_, o)) => (
            cx.hop_span(chain.hops.len() - 1),
            format!("the stop signal {stop} ({})", o.describe()),
        ),
        None => (
            cx.hop_span(chain.hops.len() - 1),
            "the default stop signal SIGTERM".to_string(),
        ),
    };
    let mut d = RULE.diag(
        Severity::Warning,
        span,
        format!("{server} is the main process, and {origin_text} is {what} for {server}; its graceful stop signal is {want}"),
    );
    d.set_label(format!("{server} stops gracefully on {want}"));
    d.set_help(format!("`STOPSIGNAL {want}`"));
    let edit = stopsignal_edit(cx, launch, &want);
    if let Some(e) = edit {
        d.set_fix(Fix {
            applicability: Applicability::Unsafe,
            edits: vec![e],
        });
    }
    vec![d]
}

/// Replace the Dockerfile's own STOPSIGNAL, or add one before the stage's
/// first CMD/ENTRYPOINT; none when the stop signal comes from elsewhere.
fn stopsignal_edit(cx: &RuleContext, launch: &Launch, want: &str) -> Option<Edit> {
    match &launch.stopsignal {
        Some((_, Origin::Dockerfile { span, .. })) => Some(Edit::new(*span, want)),
        Some(_) => None,
        None => {
            let stage = &cx.stages[launch.stage];
            (stage.from + 1..stage.end)
                .map(|i| &cx.df.instructions[i])
                .find(|i| matches!(i.kind, Kind::Cmd | Kind::Entrypoint))
                .map(|i| {
                    helpers::insert_before_line(cx, i.span.start, format!("STOPSIGNAL {want}\n"))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM nginx:1.27\n",
                "FROM nginx:1.27\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                "FROM debian\nSTOPSIGNAL SIGQUIT\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                "FROM php:8.3-fpm\n",
                "FROM httpd:2.4\n",
                "FROM mycorp/nginx-base\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
            ])
            .fail(&[
                "FROM nginx:1.27\nSTOPSIGNAL SIGTERM\n",
                "FROM debian\nRUN apt-get install -y nginx\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                "FROM debian\nCMD [\"apache2ctl\", \"-D\", \"FOREGROUND\"]\nCMD [\"apache2\", \"-DFOREGROUND\"]\n",
                "FROM php:8.3-fpm\nSTOPSIGNAL sigterm\n",
            ])
            .run();
    }
}
