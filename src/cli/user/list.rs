//! `permaudit user list`: the organization's users, a table or JSON, batch or interactive, exactly as
//! the official `anyscale user list`.

use super::{open_directory, print_table, ui_link, usage_error, FilterArgs};
use crate::cli::{EXIT_ERROR, EXIT_OK};
use crate::compat::pyjson;
use crate::sdk::User;
use crate::users::UserPages;
use clap::{Args, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};

/// The official maximum page size.
const MAX_PAGE_SIZE: i64 = 50;
/// How many users a batch-mode run shows when `--max-items` is not given.
const BATCH_DEFAULT_MAX_ITEMS: i64 = 10;

/// `-o` formats of `user list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// Options of `user list`, as the official CLI has them.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Maximum number of users to display when running non-interactively.
    #[arg(long, allow_negative_numbers = true)]
    pub max_items: Option<i64>,
    /// Items per page (max 50).
    #[arg(long, default_value_t = MAX_PAGE_SIZE, allow_negative_numbers = true)]
    pub page_size: i64,
    /// Output format for the result.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ListFormat::Text)]
    pub output: ListFormat,
    /// Deprecated: use -o json. Render output as JSON instead of a table.
    #[arg(long, overrides_with = "no_json")]
    pub json: bool,
    #[arg(long, overrides_with = "json", hide = true)]
    pub no_json: bool,
    /// Enable interactive pagination (the default, when stdin and stdout are terminals).
    #[arg(long, overrides_with = "no_interactive")]
    pub interactive: bool,
    /// Disable interactive pagination.
    #[arg(long, overrides_with = "interactive")]
    pub no_interactive: bool,
}

/// Runs `user list`.
pub fn run(args: ListArgs) -> anyhow::Result<u8> {
    if args.json {
        eprintln!("Warning: --json is deprecated; use -o json instead.");
    }
    let json = args.json || args.output == ListFormat::Json;
    for (flag, value) in [("--max-items", args.max_items), ("--page-size", Some(args.page_size))] {
        if value.is_some_and(|value| value < 0) {
            eprintln!("Error: Please specify a non-negative value for {flag}");
            return Ok(EXIT_ERROR);
        }
    }
    if args.page_size > MAX_PAGE_SIZE {
        return Ok(usage_error("list", "Invalid value for '--page-size': must be less than or equal to 50."));
    }
    let interactive =
        !args.no_interactive && !json && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if args.max_items.is_some() && interactive {
        return Ok(usage_error("list", "--max-items only allowed with --no-interactive"));
    }
    let mut max_items = args.max_items;
    if !interactive && max_items.is_none() {
        eprintln!("Defaulting to {BATCH_DEFAULT_MAX_ITEMS} items in batch mode; use --max-items to override.");
        max_items = Some(BATCH_DEFAULT_MAX_ITEMS);
    }
    print_header(&args, interactive, max_items);
    if let Some(message) = sdk_check(if interactive { None } else { max_items }, args.page_size) {
        eprintln!("Error: {message}");
        return Ok(EXIT_ERROR);
    }
    let mut directory = open_directory(args.filters.org.as_deref())?;
    let cap = if interactive { None } else { max_items.map(|cap| cap as usize) };
    let mut pages = UserPages::new(directory.as_mut(), args.filters.filters(), args.page_size as u32, cap);
    if json {
        let users = pages.take(usize::MAX)?;
        print_json(&users)?;
        return Ok(EXIT_OK);
    }
    let total = if interactive { interactive_pages(&mut pages, args.page_size as usize)? } else { batch(&mut pages)? };
    if total > 0 {
        eprintln!("\nFetched {total} users.");
    } else {
        eprintln!("\nNo users found.");
    }
    Ok(EXIT_OK)
}

/// The official SDK's own checks, which the CLI reports as errors (exit 1).
fn sdk_check(max_items: Option<i64>, page_size: i64) -> Option<&'static str> {
    if max_items.is_some_and(|max| max <= 0) {
        return Some("'max_items' must be greater than 0.");
    }
    if page_size <= 0 {
        return Some("'page_size' must be between 1 and 50, inclusive.");
    }
    None
}

fn print_header(args: &ListArgs, interactive: bool, max_items: Option<i64>) {
    let filters = &args.filters;
    let any = |value: &Option<String>| value.clone().unwrap_or_else(|| "<any>".to_owned());
    let max = match max_items {
        Some(max) if max != 0 => max.to_string(),
        _ => "all".to_owned(),
    };
    eprintln!("Listing users with:");
    eprintln!("• email             = {}", any(&filters.email));
    eprintln!("• name              = {}", any(&filters.name));
    eprintln!("• collaborator type = {}", filters.collaborator_type_text());
    eprintln!("• service account   = {}", filters.service_account_text());
    eprintln!("• mode              = {}", if interactive { "interactive" } else { "batch" });
    eprintln!("• per-page limit    = {}", args.page_size);
    eprintln!("• max-items total   = {max}");
    eprintln!("\nView your Users in the UI at {}\n", ui_link());
}

/// Prints the users as one JSON array, `json.dumps(indent=4)` of each `User.to_dict()`.
fn print_json(users: &[User]) -> std::io::Result<()> {
    let items = serde_json::Value::Array(users.iter().map(|user| user.to_dict().into()).collect());
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", pyjson::to_string(&items, 4))?;
    out.flush()
}

/// Batch mode: one table of every user up to the cap.
fn batch(pages: &mut UserPages) -> anyhow::Result<usize> {
    let users = pages.take(usize::MAX)?;
    if !users.is_empty() {
        print_table(&users, true)?;
    }
    Ok(users.len())
}

/// Interactive mode: a screen page at a time, fetched lazily, Enter for more, q to quit.
fn interactive_pages(pages: &mut UserPages, page_size: usize) -> anyhow::Result<usize> {
    let mut total = 0;
    let mut number = 1;
    let stdin = std::io::stdin();
    loop {
        let page = pages.take(page_size)?;
        if page.is_empty() {
            break;
        }
        if number > 1 {
            print!("{}", crate::compat::richtable::page_marker(number, super::console_width()));
        }
        print_table(&page, number == 1)?;
        total += page.len();
        if page.len() < page_size {
            break;
        }
        println!();
        println!("Press Enter to continue, q to quit…");
        print!("> ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        if stdin.lock().read_line(&mut answer)? == 0 || answer.trim().eq_ignore_ascii_case("q") {
            break;
        }
        number += 1;
    }
    Ok(total)
}
