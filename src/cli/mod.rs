//! The command line's arguments, and the settings they make together with
//! `.dsig.yaml` (in [`settings`]).

pub mod settings;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dsig::code::RuleCode;
use dsig::config::FailLevel;
use dsig::diagnostic::Severity;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "dsig",
    version,
    about = "Will this container stop cleanly? A Dockerfile linter for signals, PID 1 and shutdown."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal (the default).
    #[value(alias = "text")]
    Tty,
    /// One line per finding: `path:line:col: CODE severity: message`.
    Concise,
    /// dsig's own JSON.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// For a terminal (the default).
    #[value(alias = "text")]
    Tty,
    Json,
    Markdown,
}

/// Where the configuration comes from.
#[derive(Args)]
pub struct ConfigArgs {
    /// Use this configuration file for every input (default: the nearest
    /// .dsig.yaml between each file's directory and the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Lint Dockerfiles and Kubernetes, Knative or ECS manifests (files, directories, or - for stdin; default ./Dockerfile).
    Lint(LintRequest),
    /// Print the predicted process tree at `docker run` (for a manifest, of each container).
    Ps(PsRequest),
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value = "tty")]
        format: ListFormat,
    },
    /// Print a rule's page.
    Explain { code: String },
    /// Print a shell completion script (e.g. `dsig completions bash > /etc/bash_completion.d/dsig`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Speak the Language Server Protocol on standard input and output, for editors.
    Lsp,
    /// Print a man page (roff): `dsig man > dsig.1`, `dsig man lint > dsig-lint.1`.
    Man {
        /// The subcommand whose page to print (default: dsig's own).
        command: Option<String>,
    },
}

/// Everything `dsig lint` was asked.
#[derive(clap::Args)]
pub struct LintRequest {
    pub paths: Vec<String>,
    /// Judge this build stage instead of the last one.
    #[arg(long)]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, env = "DSIG_FORMAT")]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this level exists [default: warning, or the
    /// configuration's fail-level].
    #[arg(long, value_enum, env = "DSIG_FAIL_LEVEL")]
    pub fail_level: Option<FailLevel>,
    /// The build context (default: each Dockerfile's directory).
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// A compose file whose services build the Dockerfile (default:
    /// compose.yaml, compose.yml, docker-compose.yml or
    /// docker-compose.yaml beside it).
    #[arg(long)]
    pub compose: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Report `# dsig ignore=` comments that suppressed nothing (DSIG900).
    #[arg(long)]
    pub warn_unused_ignores: bool,
    /// Apply the safe fixes to the files (atomically; files with syntax
    /// errors are left alone), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply the unsafe fixes.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when
    /// there is a change).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings and nothing else (no summary line, no count of
    /// fixes).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// The name standard input is reported under; its directory is where
    /// `.dsig.yaml`, the build context and the compose file are looked for.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleChoice,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Which rules report, and at what severity, from the command line (the
/// same meaning as `ignore:` and `severity:` in `.dsig.yaml`).
#[derive(Args, Default)]
pub struct RuleChoice {
    /// Report only these rules (codes or names, comma-separated); syntax
    /// errors (DSIG000) are always reported unless ignored.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = parse_code)]
    pub select: Option<Vec<RuleCode>>,
    /// Never report these rules; replaces the configuration's `ignore:`.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = parse_code)]
    pub ignore: Option<Vec<RuleCode>>,
    /// Never report these rules, besides the configuration's `ignore:`.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = parse_code)]
    pub extend_ignore: Vec<RuleCode>,
    /// Report a rule at this severity: CODE=error|warning|info|off (over the
    /// configuration's `severity:`).
    #[arg(long, value_name = "CODE=LEVEL", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<(RuleCode, Option<Severity>)>,
}

/// A rule's code or name, as `.dsig.yaml` takes it.
fn parse_code(s: &str) -> Result<RuleCode, String> {
    RuleCode::parse(s.trim()).ok_or_else(|| format!("unknown rule {s:?} (see `dsig rules`)"))
}

/// `CODE=LEVEL`.
fn parse_severity(s: &str) -> Result<(RuleCode, Option<Severity>), String> {
    let (code, level) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected CODE=LEVEL, e.g. DSIG005=info"))?;
    let level = match level.trim().to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "off" => None,
        other => {
            return Err(format!(
                "unknown level {other:?} (error, warning, info or off)"
            ));
        }
    };
    Ok((parse_code(code)?, level))
}

/// Everything `dsig ps` was asked.
#[derive(Args)]
pub struct PsRequest {
    pub path: Option<String>,
    #[arg(long)]
    pub target: Option<String>,
    #[arg(long)]
    pub context: Option<PathBuf>,
    #[arg(long)]
    pub compose: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "tty")]
    pub format: ListFormat,
    #[command(flatten)]
    pub config: ConfigArgs,
}
