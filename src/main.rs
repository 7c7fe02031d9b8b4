//! The `permaudit` command: parses the arguments, runs the command, and maps the result to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    permaudit::cli::main()
}
