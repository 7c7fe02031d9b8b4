//! The `permaudit` command: parses the arguments, runs the command, and maps the result to an exit code.

use std::process::ExitCode;

/// mimalloc: parsing and resolving a large organization makes millions of small allocations, which
/// it serves markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    permaudit::cli::main()
}
