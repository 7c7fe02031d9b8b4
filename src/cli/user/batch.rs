//! `permaudit user batch-create -f FILE`: creates users from the official `create_users:` YAML file,
//! validated whole before anything is sent or written.

use super::open_directory;
use crate::cli::output::{info, start_clock};
use crate::cli::{EXIT_ERROR, EXIT_OK};
use crate::users::batch;
use clap::Args;
use std::path::PathBuf;

/// Options of `user batch-create`.
#[derive(Debug, Args)]
pub struct BatchCreateArgs {
    /// Path to a YAML file that contains the information for user accounts to be created.
    #[arg(long = "users-file", short = 'f', value_name = "FILE")]
    pub users_file: PathBuf,
    #[arg(long, value_name = "FILE", help = crate::cli::help::ORG_TO_WRITE)]
    pub org: Option<PathBuf>,
}

/// Runs `user batch-create`: validate everything, then create everything in one request or write.
pub fn run(args: BatchCreateArgs) -> anyhow::Result<u8> {
    start_clock();
    info("Creating users...");
    let path = args.users_file.display().to_string();
    let text = std::fs::read_to_string(&args.users_file)
        .map_err(|error| batch::BatchError::Read { path: path.clone(), reason: error.to_string() })?;
    let parsed = batch::parse(&text, &path)?;
    let mut directory = open_directory(args.org.as_deref())?;
    let existing = directory.emails()?;
    let users = batch::validate(parsed, &existing, &path)?;
    let created = match directory.create(&users.create_users) {
        Ok(created) => created,
        Err(crate::users::DirectoryError::Api(crate::collect::CollectError::Status { detail, .. })) => {
            eprintln!("Error: Error creating users: {detail}");
            return Ok(EXIT_ERROR);
        }
        Err(error) => return Err(error.into()),
    };
    info(&format!("{} users created.", created.len()));
    Ok(EXIT_OK)
}
