//! `permaudit user get`: one user by email or name, as the official `anyscale user get`.

use super::{open_directory, print_table, ui_link, usage_error, FilterArgs};
use crate::cli::{EXIT_ERROR, EXIT_OK};
use crate::compat::{pyjson, pyyaml};
use crate::users::UserPages;
use clap::{Args, ValueEnum};
use std::io::Write;

/// `-o` formats of `user get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GetFormat {
    Text,
    Json,
    Yaml,
}

/// Options of `user get`, as the official CLI has them.
#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Output format for the result.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = GetFormat::Text)]
    pub output: GetFormat,
    /// Deprecated: use -o json. Output JSON instead of YAML.
    #[arg(long, overrides_with = "no_json")]
    pub json: bool,
    #[arg(long, overrides_with = "json", hide = true)]
    pub no_json: bool,
}

/// Runs `user get`.
pub fn run(args: GetArgs) -> anyhow::Result<u8> {
    if args.json {
        eprintln!("Warning: --json is deprecated; use -o json instead.");
    }
    let filters = &args.filters;
    if filters.email.is_none() && filters.name.is_none() {
        return Ok(usage_error("get", "Provide --email or --name."));
    }
    let unspecified = |value: &Option<String>| value.clone().unwrap_or_else(|| "<not specified>".to_owned());
    eprintln!("Fetching user with:");
    eprintln!("• email             = {}", unspecified(&filters.email));
    eprintln!("• name              = {}", unspecified(&filters.name));
    eprintln!("• collaborator type = {}", filters.collaborator_type_text());
    eprintln!("• service account   = {}", filters.service_account_text());
    eprintln!("\nView your Users in the UI at {}\n", ui_link());
    let mut directory = open_directory(filters.org.as_deref())?;
    // One page of one user and no exact-match check, as the official SDK's `get`.
    let user = UserPages::new(directory.as_mut(), filters.filters(), 1, Some(1)).next_page()?.into_iter().next();
    let Some(user) = user else {
        let target = filters.email.as_ref().or(filters.name.as_ref()).cloned().unwrap_or_default();
        eprintln!("Error: No user found matching '{target}'.");
        return Ok(EXIT_ERROR);
    };
    let mut out = std::io::stdout().lock();
    match args.output {
        GetFormat::Json => writeln!(out, "{}", pyjson::to_string(&user.to_dict(), 4))?,
        GetFormat::Yaml => writeln!(out, "{}", pyyaml::to_pyyaml_string(&user.to_yaml()).trim_end_matches('\n'))?,
        // The deprecated flag prints through rich's `print_json`: indent 2, non-ASCII kept as is, which
        // is what serde_json's pretty printer writes.
        GetFormat::Text if args.json => writeln!(out, "{}", serde_json::to_string_pretty(&user.to_dict())?)?,
        GetFormat::Text => {
            drop(out);
            print_table(std::slice::from_ref(&user), true)?;
            eprintln!("\nFetched 1 user.");
        }
    }
    Ok(EXIT_OK)
}
