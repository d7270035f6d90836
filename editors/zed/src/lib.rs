use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Dsig;

impl zed::Extension for Dsig {
    fn new() -> Self {
        Dsig
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let path = worktree.which("dsig").ok_or_else(|| {
            "dsig is not on PATH: install it (cargo install dsig, pip install dsig)".to_string()
        })?;
        Ok(zed::Command {
            command: path,
            args: vec!["lsp".into()],
            env: Default::default(),
        })
    }
}

zed::register_extension!(Dsig);
