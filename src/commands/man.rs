//! `dsig man [COMMAND]`: the man page of dsig or of one subcommand, with
//! every option (from the argument definitions), then the exit status,
//! environment, configuration and files, which the options alone do not
//! tell.

use super::{Exit, print};
use crate::cli::Cli;
use clap::CommandFactory;
use clap_mangen::Man;
use dsig::error::Error;

pub fn run(command: Option<&str>) -> Result<Exit, Error> {
    print(page(command)?)?;
    Ok(Exit::Clean)
}

/// The page, in roff.
pub fn page(command: Option<&str>) -> Result<Vec<u8>, Error> {
    let mut cli = Cli::command();
    cli.build();
    let cmd = match command {
        None => cli,
        Some(name) => {
            let sub = cli
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| Error::Setup(format!("no command {name:?} (see `dsig --help`)")))?;
            sub.display_name(format!("dsig-{name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    let render = |out: &mut Vec<u8>| -> std::io::Result<()> {
        man.render_title(out)?;
        man.render_name_section(out)?;
        man.render_synopsis_section(out)?;
        man.render_description_section(out)?;
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(out)?;
        }
        if cmd.has_subcommands() {
            man.render_subcommands_section(out)?;
        }
        out.extend_from_slice(sections(command).as_bytes());
        man.render_version_section(out)
    };
    render(&mut out).map_err(|_| Error::Setup("could not render the man page".into()))?;
    Ok(out)
}

/// The sections after the options, for the page of `command`.
fn sections(command: Option<&str>) -> String {
    let mut s = String::new();
    if matches!(command, None | Some("lint")) {
        s.push_str(LINT_EXIT);
    } else {
        s.push_str(OTHER_EXIT);
    }
    if matches!(command, None | Some("lint") | Some("ps")) {
        s.push_str(ENVIRONMENT);
        s.push_str(CONFIGURATION);
    }
    s.push_str(SEE_ALSO);
    s
}

const LINT_EXIT: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No finding at or above the fail level (\fB\-\-fail\-level\fR, default \fBwarning\fR); with \fB\-\-diff\fR, no change to show.
.TP
\fB1\fR
A finding at or above the fail level; with \fB\-\-diff\fR, a change to show.
.TP
\fB2\fR
An error: a file that could not be read or linted (each named on standard error, once, the other files still linted), a bad configuration, argument or environment variable, or a report that could not be written.
"#;

const OTHER_EXIT: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success.
.TP
\fB2\fR
An error, said in one line on standard error.
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBDSIG_FORMAT\fR
The report format when \fB\-\-format\fR is not given (tty, concise, json, sarif, github, gitlab, checkstyle).
.TP
\fBDSIG_FAIL_LEVEL\fR
The fail level when \fB\-\-fail\-level\fR is not given (error, warning, info, none).
.TP
\fBDSIG_DOCS_URL\fR
Where the rule pages are published; SARIF links each rule to its page there.
.TP
\fBNO_COLOR\fR
When set and not empty, the terminal report has no colours (\fB\-\-color always\fR still colours it).
.TP
\fBCOLUMNS\fR
The width the terminal report is wrapped at (default 100).
"#;

const CONFIGURATION: &str = r#".SH CONFIGURATION
The nearest \fB.dsig.yaml\fR (or \fB.dsig.yml\fR) between a Dockerfile's directory and its repository root applies to it, whole; \fB\-\-config\fR names one for every file and \fB\-\-no\-config\fR uses none. Its keys:
.TP
\fBignore:\fR [CODE, ...]
Rules never reported (codes or names). \fB\-\-ignore\fR replaces the list, \fB\-\-extend\-ignore\fR adds to it.
.TP
\fBseverity:\fR {CODE: error|warning|info|off}
A rule's severity. \fB\-\-severity CODE=LEVEL\fR comes first.
.TP
\fBfail\-level:\fR error|warning|info|none
The level at which findings make the exit status 1.
.TP
\fBexclude:\fR [GLOB, ...]
Files not linted when found in a directory.
.TP
\fBinit:\fR true
The runtime provides an init (\fBdocker run \-\-init\fR, \fBinit: true\fR in compose).
.TP
\fBshells:\fR {IMAGE: busybox|dash|bash|none}
What \fB/bin/sh\fR is in base images dsig does not know.
.TP
\fBimages:\fR {IMAGE: DOCKERFILE}
For manifests: the Dockerfile that builds an image (its tag ignored), relative to the file.
.TP
\fBmanifests:\fR [GLOB, ...]
YAML and JSON files that directory search lints as Kubernetes, Knative or ECS manifests.
.PP
Inline, \fB# dsig ignore=CODE[,CODE]\fR above an instruction suppresses its findings, and \fB# dsig global ignore=CODE\fR the whole file's; hadolint's and BuildKit's ignore comments are read too.
"#;

const SEE_ALSO: &str = r#".SH "SEE ALSO"
\fBdsig rules\fR lists the rules, \fBdsig explain CODE\fR prints a rule's page; \fBdsig\-lint\fR(1), \fBdsig\-ps\fR(1).
"#;
