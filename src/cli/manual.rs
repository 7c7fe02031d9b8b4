//! `permaudit completions` and `permaudit man`: shell completion scripts and manual pages, made by
//! clap's own generators (`clap_complete`, `clap_mangen`) from the command definitions, so that they
//! always list the options this build has.

use super::{Cli, EXIT_OK};
use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The program's name, as completion scripts and manual pages call it.
const PROGRAM: &str = "permaudit";

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Writes one page per command into this folder (permaudit.1, permaudit-report.1, ...) instead of
    /// printing the main page on stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script of a shell on stdout.
pub fn run_completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let script = completion_script(args.shell);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&script)?;
    stdout.flush()?;
    Ok(EXIT_OK)
}

/// Returns the completion script of `shell` for every command and option.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    // Rendered into memory: the generator panics on a failed write, which a closed stdout would cause.
    clap_complete::generate(shell, &mut Cli::command(), PROGRAM, &mut script);
    script
}

/// Prints the main manual page, or writes every command's page into `--out-dir`.
pub fn run_man(args: ManArgs) -> anyhow::Result<u8> {
    match args.out_dir {
        None => {
            let page = main_page()?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&page)?;
            stdout.flush()?;
        }
        Some(directory) => {
            for path in write_pages(&directory)? {
                super::output::info(&format!("Wrote {}", path.display()));
            }
        }
    }
    Ok(EXIT_OK)
}

/// Returns the manual page of `permaudit` itself, which lists every command.
pub fn main_page() -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(documented_command()).render(&mut page)?;
    Ok(page)
}

/// Returns the manual pages of `permaudit` and of every command under it, by file name.
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut command = documented_command();
    command.build();
    let mut pages = Vec::new();
    collect_pages(&command, &mut pages)?;
    Ok(pages)
}

fn collect_pages(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render(&mut page)?;
    pages.push((man.get_filename(), page));
    for subcommand in command.get_subcommands().filter(|subcommand| !subcommand.is_hide_set()) {
        collect_pages(subcommand, pages)?;
    }
    Ok(())
}

/// The command tree without clap's `help` subcommand, which needs no page of its own.
fn documented_command() -> clap::Command {
    Cli::command().disable_help_subcommand(true)
}

fn write_pages(directory: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(directory)
        .with_context(|| format!("cannot create the folder `{}` for the manual pages", directory.display()))?;
    let mut written = Vec::new();
    for (name, page) in pages()? {
        let path = directory.join(name);
        crate::atomic::replace_file(&path, |file| file.write_all(&page))
            .with_context(|| format!("cannot write the manual page `{}`", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
