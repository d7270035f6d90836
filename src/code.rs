//! Rule identity: every rule's code and name, declared once.
//!
//! A finding carries a [`RuleCode`] (one byte) rather than strings; the
//! code (`DSIG001`) and the name (`shell-form-cmd`) are read from here.

macro_rules! rule_codes {
    ($($variant:ident = $code:literal $name:literal,)*) => {
        /// A rule's identity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleCode {
            $($variant,)*
        }

        impl RuleCode {
            /// Every code, in order.
            pub const ALL: &'static [RuleCode] = &[$(RuleCode::$variant,)*];

            /// The code as users write it, e.g. `DSIG001`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $code,)*
                }
            }

            /// The rule's name, e.g. `shell-form-cmd`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $name,)*
                }
            }
        }
    };
}

rule_codes! {
    Dsig000 = "DSIG000" "syntax-error",
    Dsig001 = "DSIG001" "shell-form-cmd",
    Dsig002 = "DSIG002" "shell-form-entrypoint",
    Dsig003 = "DSIG003" "malformed-exec-form",
    Dsig004 = "DSIG004" "package-manager-pid1",
    Dsig005 = "DSIG005" "missing-init",
    Dsig006 = "DSIG006" "entrypoint-no-exec",
    Dsig007 = "DSIG007" "shell-wrapper",
    Dsig008 = "DSIG008" "invalid-stopsignal",
    Dsig009 = "DSIG009" "repeated-cmd-entrypoint",
    Dsig010 = "DSIG010" "su-wrapper",
    Dsig011 = "DSIG011" "background-main-process",
    Dsig012 = "DSIG012" "keepalive-pid1",
    Dsig013 = "DSIG013" "daemonizing-main-process",
    Dsig014 = "DSIG014" "stopsignal-mismatch",
    Dsig015 = "DSIG015" "app-no-sigterm-handler",
    Dsig016 = "DSIG016" "init-cannot-help",
    Dsig017 = "DSIG017" "prestop-outlasts-grace",
    Dsig018 = "DSIG018" "stop-signal-override",
    Dsig019 = "DSIG019" "shared-process-namespace",
    Dsig900 = "DSIG900" "unused-ignore",
}

impl RuleCode {
    /// The rule a user means by `DSIG001` (any case) or `shell-form-cmd`.
    pub fn parse(text: &str) -> Option<RuleCode> {
        RuleCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.name() == text)
    }
}

impl std::fmt::Display for RuleCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for RuleCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::RuleCode;

    #[test]
    fn codes_are_unique_ordered_and_parse_back() {
        for w in RuleCode::ALL.windows(2) {
            assert!(w[0].as_str() < w[1].as_str(), "{} before {}", w[0], w[1]);
        }
        for &c in RuleCode::ALL {
            assert_eq!(RuleCode::parse(c.as_str()), Some(c));
            assert_eq!(RuleCode::parse(&c.as_str().to_lowercase()), Some(c));
            assert_eq!(RuleCode::parse(c.name()), Some(c));
        }
        assert_eq!(RuleCode::parse("DSIG999"), None);
        assert_eq!(std::mem::size_of::<RuleCode>(), 1);
    }
}
