//! Which shell runs a command: the one enum for it, and the one place a
//! program name or a configuration value becomes one.

/// A shell: what `/bin/sh` is in an image, or the shell a command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellKind {
    /// Debian and Ubuntu: dash, which does not exec the last command of `sh -c`.
    Dash,
    /// Alpine and BusyBox: BusyBox ash.
    Busybox,
    /// Red Hat family: bash.
    Bash,
    /// No `/bin/sh` at all (scratch, distroless, Windows).
    None,
    /// Not known.
    Unknown,
}

/// The shells whose handling of the last command was measured (facts 1-9
/// of docs/facts.md): the ones the shell analysis can answer for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ShellFlavor {
    /// Debian's dash (Debian and Ubuntu `/bin/sh`).
    Dash,
    /// busybox ash (Alpine `/bin/sh`).
    Busybox,
    Bash,
}

impl ShellKind {
    /// Short human name: "dash", "busybox ash", "bash", "no shell", "unknown shell".
    pub fn display(&self) -> &'static str {
        match self {
            ShellKind::Dash => "dash",
            ShellKind::Busybox => "busybox ash",
            ShellKind::Bash => "bash",
            ShellKind::None => "no shell",
            ShellKind::Unknown => "unknown shell",
        }
    }

    /// The measured shell behind this kind, if there is one.
    pub fn flavor(self) -> Option<ShellFlavor> {
        match self {
            ShellKind::Dash => Some(ShellFlavor::Dash),
            ShellKind::Busybox => Some(ShellFlavor::Busybox),
            ShellKind::Bash => Some(ShellFlavor::Bash),
            ShellKind::None | ShellKind::Unknown => None,
        }
    }

    /// The shell a program name is (`bash`, `/bin/dash`'s basename, ...):
    /// `sh` is the image's `/bin/sh` (`bin_sh`); `None` for a program that is
    /// not a shell.
    pub fn of_name(name: &str, bin_sh: ShellKind) -> Option<ShellKind> {
        match name {
            "sh" => Some(bin_sh),
            "bash" => Some(ShellKind::Bash),
            "dash" => Some(ShellKind::Dash),
            "ash" | "busybox" => Some(ShellKind::Busybox),
            "zsh" | "ksh" | "mksh" => Some(ShellKind::Unknown),
            _ => None,
        }
    }

    /// The shell an argv starts, and how many of its words name it
    /// (`busybox sh` is two); `None` when it does not start a shell.
    pub fn of_argv(argv: &[String], bin_sh: ShellKind) -> Option<(ShellKind, usize)> {
        let prog = crate::dirs::basename(argv.first()?);
        if prog == "busybox" {
            return (argv.get(1).map(String::as_str) == Some("sh"))
                .then_some((ShellKind::Busybox, 2));
        }
        ShellKind::of_name(prog, bin_sh).map(|k| (k, 1))
    }
}

/// `.dsig.yaml`'s `shells:` values: `busybox`, `dash`, `bash` or `none`
/// (read as an enum's variants, so YAML tags and errors read as for any
/// other setting).
impl<'de> serde::Deserialize<'de> for ShellKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        enum Written {
            Busybox,
            Dash,
            Bash,
            None,
        }
        Ok(match Written::deserialize(d)? {
            Written::Busybox => ShellKind::Busybox,
            Written::Dash => ShellKind::Dash,
            Written::Bash => ShellKind::Bash,
            Written::None => ShellKind::None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn programs_and_argvs() {
        let sh = ShellKind::Dash;
        assert_eq!(ShellKind::of_name("sh", sh), Some(ShellKind::Dash));
        assert_eq!(ShellKind::of_name("ash", sh), Some(ShellKind::Busybox));
        assert_eq!(ShellKind::of_name("zsh", sh), Some(ShellKind::Unknown));
        assert_eq!(ShellKind::of_name("node", sh), None);
        assert_eq!(
            ShellKind::of_argv(&argv(&["/bin/bash", "-c", "x"]), sh),
            Some((ShellKind::Bash, 1))
        );
        assert_eq!(
            ShellKind::of_argv(&argv(&["busybox", "sh", "-c", "x"]), sh),
            Some((ShellKind::Busybox, 2))
        );
        assert_eq!(ShellKind::of_argv(&argv(&["busybox", "ls"]), sh), None);
        assert_eq!(ShellKind::Unknown.flavor(), None);
        assert_eq!(ShellKind::Bash.flavor(), Some(ShellFlavor::Bash));
    }
}
