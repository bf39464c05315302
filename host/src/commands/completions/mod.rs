//! `workbench completions SHELL`: a completion script for bash, zsh, fish,
//! elvish or PowerShell, generated from the same clap definitions as the
//! parser, so it never lags behind a flag. These static scripts complete
//! commands, flags and fixed values; `COMPLETE=SHELL workbench` prints the
//! dynamic registration instead, which also completes what only a run can
//! know (project names, make targets, template and plugin names: see
//! [`values`]).

pub mod values;

use clap::{Args, CommandFactory as _};
use clap_complete::Shell;

use crate::context::Context;
use crate::error::{Error, Exit};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(context: &Context, args: &CompletionsArgs) -> Result<Exit, Error> {
    let mut command = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "workbench", &mut script);
    std::io::Write::write_all(&mut *context.stdout(), &script).map_err(|error| {
        Error::input(format!("cannot write the completion script: {error}"))
            .help("write it to a file or a pipe that accepts output: `workbench completions bash > FILE`")
    })?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn every_shell_gets_a_script_naming_the_commands() {
        for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
            let ran = InProcess::new().run(&["completions", shell]);
            assert_eq!(ran.exit, Exit::Success, "{shell}: {}", ran.stderr);
            assert!(ran.stdout.contains("workbench") && ran.stdout.contains("scaffold"), "{shell}:\n{}", ran.stdout);
        }
    }
}
