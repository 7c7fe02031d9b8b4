//! `permaudit user ...`: the official `anyscale user` commands, with the same options, output and exit
//! codes, on a snapshot (`--org FILE`) or live over the API.

mod batch;
mod get;
mod list;
mod permissions;

use crate::cli::help;
use crate::collect::{ApiClient, ApiConfig, DEFAULT_HOST};
use crate::model::Snapshot;
use crate::sdk::{CollaboratorType, Filters};
use crate::users::{ApiDirectory, Directory, SnapshotDirectory};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// The `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Batch create, as an admin, users without email verification.
    #[command(after_help = help::USER_BATCH_CREATE)]
    BatchCreate(batch::BatchCreateArgs),
    /// List users in your organization.
    #[command(after_help = help::USER_LIST)]
    List(list::ListArgs),
    /// Get details for a single user in your organization.
    ///
    /// Specify the user by --email or --name. At least one is required.
    #[command(after_help = help::USER_GET)]
    Get(get::GetArgs),
    /// List users and their effective cloud/project permissions across the organization.
    ///
    /// Shows each user's access to clouds and projects, combining both individually granted permissions
    /// and permissions inherited from user groups. Also lists the current organization owners.
    #[command(after_help = help::USER_LIST_PERMISSIONS)]
    ListPermissions(permissions::ListPermissionsArgs),
}

/// Runs a `user` subcommand.
pub fn run(command: UserCommand) -> anyhow::Result<u8> {
    match command {
        UserCommand::BatchCreate(args) => batch::run(args),
        UserCommand::List(args) => list::run(args),
        UserCommand::Get(args) => get::run(args),
        UserCommand::ListPermissions(args) => permissions::run(args),
    }
}

/// `--collaborator-type` values (case-insensitive, as in the official CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CollaboratorTypeArg {
    AllAccounts,
    OnlyServiceAccounts,
    OnlyUserAccounts,
}

impl From<CollaboratorTypeArg> for CollaboratorType {
    fn from(value: CollaboratorTypeArg) -> Self {
        match value {
            CollaboratorTypeArg::AllAccounts => CollaboratorType::AllAccounts,
            CollaboratorTypeArg::OnlyServiceAccounts => CollaboratorType::OnlyServiceAccounts,
            CollaboratorTypeArg::OnlyUserAccounts => CollaboratorType::OnlyUserAccounts,
        }
    }
}

/// The filters shared by `user list` and `user get`, and where to read the organization.
#[derive(Debug, Args)]
pub struct FilterArgs {
    #[arg(long, value_name = "FILE", help = help::ORG)]
    pub org: Option<PathBuf>,
    /// Filter users by email.
    #[arg(long)]
    pub email: Option<String>,
    /// Filter users by display name.
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// Filter users by collaborator type.
    #[arg(long, value_enum, ignore_case = true)]
    pub collaborator_type: Option<CollaboratorTypeArg>,
    /// Only show service accounts.
    #[arg(long, overrides_with = "user_account")]
    pub service_account: bool,
    /// Only show user accounts (non-service accounts).
    #[arg(long, overrides_with = "service_account")]
    pub user_account: bool,
}

impl FilterArgs {
    /// Returns the filters the official CLI sends. Its two flags share one boolean whose default is
    /// False, so without `--service-account` service accounts are hidden.
    pub fn filters(&self) -> Filters {
        Filters {
            email: self.email.clone(),
            name: self.name.clone(),
            collaborator_type: self.collaborator_type.map(Into::into),
            is_service_account: Some(self.service_account),
        }
    }

    /// Returns the `--collaborator-type` text as the header prints it.
    pub fn collaborator_type_text(&self) -> String {
        self.collaborator_type.map_or("<any>".to_owned(), |kind| CollaboratorType::from(kind).as_str().to_owned())
    }

    /// Returns the service-account filter as Python prints the boolean.
    pub fn service_account_text(&self) -> &'static str {
        if self.service_account {
            "True"
        } else {
            "False"
        }
    }
}

/// Returns the directory of users to read: the snapshot `org`, or the live API.
pub fn open_directory(org: Option<&Path>) -> anyhow::Result<Box<dyn Directory>> {
    if let Some(path) = org {
        let snapshot = Snapshot::load(path)?;
        return Ok(Box::new(SnapshotDirectory::new(snapshot, path.to_owned())));
    }
    let config = ApiConfig::from_env()?;
    let client = ApiClient::new(&config, std::time::Duration::from_secs(30), Default::default())?;
    let mut directory = ApiDirectory::new(client)?;
    directory.check_token()?;
    Ok(Box::new(directory))
}

/// Returns the console page of users, as the official CLI's `get_endpoint('/collaborators')`.
pub fn ui_link() -> String {
    let host = std::env::var("ANYSCALE_HOST").ok().filter(|host| !host.trim().is_empty());
    let host = crate::untrusted::without_userinfo(host.as_deref().unwrap_or(DEFAULT_HOST));
    // urljoin with an absolute path keeps only the scheme and the authority of the host.
    let origin = match host.find("://") {
        Some(scheme_end) => {
            let rest = &host[scheme_end + 3..];
            let authority = rest.split('/').next().unwrap_or(rest);
            format!("{}{authority}", &host[..scheme_end + 3])
        }
        None => host.trim_end_matches('/').to_owned(),
    };
    format!("{origin}/collaborators")
}

/// A command-line usage error printed as the official CLI (click) prints it; exit code 2.
pub fn usage_error(command: &str, message: &str) -> u8 {
    eprintln!("Usage: permaudit user {command} [OPTIONS]\nTry 'permaudit user {command} --help' for help.\n\nError: {message}");
    crate::cli::EXIT_USAGE
}

/// Prints the users table on stdout, as the official `rich` table.
pub fn print_table(users: &[crate::sdk::User], show_header: bool) -> std::io::Result<()> {
    use crate::compat::richtable::{render, Column};
    use std::io::Write;
    let columns = [("EMAIL", 3, 20), ("NAME", 2, 12), ("ID", 2, 12), ("ROLE", 1, 10), ("CREATED AT", 1, 14)]
        .map(|(header, ratio, min_width)| Column { header: header.to_owned(), ratio, min_width });
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|user| {
            let id = user.user_id.clone().unwrap_or_default();
            vec![user.email.clone(), user.name.clone(), id, user.permission_level.clone(), user.created_at.minutes()]
        })
        .collect();
    let mut out = std::io::stdout().lock();
    out.write_all(render(&columns, &rows, show_header, console_width()).as_bytes())?;
    out.flush()
}

/// Returns the console width as rich picks it: COLUMNS, else the first terminal among stdin, stdout
/// and stderr, else 80.
pub fn console_width() -> usize {
    let terminal = [
        terminal_size::terminal_size_of(std::io::stdin()),
        terminal_size::terminal_size_of(std::io::stdout()),
        terminal_size::terminal_size_of(std::io::stderr()),
    ]
    .into_iter()
    .flatten()
    .next()
    .map(|(terminal_size::Width(width), _)| width as usize);
    crate::compat::richtable::console_width_with(std::env::var("COLUMNS").ok().as_deref(), terminal)
}
