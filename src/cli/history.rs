//! `permaudit history`: the timeline of access an archive recorded, for a member, a cloud or a
//! project, over a period or as of a date (`docs/archive.md`).

use super::evidence::RedactArgs;
use super::EXIT_OK;
use crate::archive::time::{parse_query_date, DayEnd, QueryDate};
use crate::archive::timeline::{Query, Reader};
use crate::model::Role;
use crate::report::history::{write_csv, write_json, write_text};
use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// How `history` prints the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// The intervals by member, with their boundaries and causes.
    Text,
    /// The `permaudit-history/1` document.
    Json,
    /// One row per interval.
    Csv,
}

/// A role to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleFilter {
    Owner,
    Collaborator,
    Readonly,
}

impl From<RoleFilter> for Role {
    fn from(role: RoleFilter) -> Role {
        match role {
            RoleFilter::Owner => Role::Owner,
            RoleFilter::Collaborator => Role::Collaborator,
            RoleFilter::Readonly => Role::Readonly,
        }
    }
}

const AFTER_HELP: &str = "\
Examples:
  permaudit history archive --cloud prod --role owner --from 2026-07-01 --to 2026-09-30
      (who held owner on prod at any time during Q3, and since when)
  permaudit history archive --user dave@corp.com --from 2026-03-01 --to 2026-06-30
      (everything dave@corp.com could reach between March and June)
  permaudit history archive --project train --at 2026-05-15 --format csv
      (who could reach project train on May 15)
  permaudit history archive --cloud prod --redact emails,names,ids --redact-key-file redact.key

Exit codes:
  0  the timeline is printed (an empty one says so)
  1  error: not an archive, an unknown member, cloud or project, a date that is not ISO 8601
  2  command-line usage error";

/// Options of `history`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP, group(ArgGroup::new("subject").required(true).multiple(true).args(["user", "cloud", "project"])))]
pub struct HistoryArgs {
    /// The archive folder.
    #[arg(value_name = "DIR")]
    pub archive: PathBuf,
    /// A member: its id, or an email (every member id that held it, in any case).
    #[arg(long, value_name = "ID|EMAIL")]
    pub user: Option<String>,
    /// A cloud, by name or id: its entries, its projects' and the org owners'.
    #[arg(long, value_name = "NAME|ID", conflicts_with = "project")]
    pub cloud: Option<String>,
    /// A project, by name or id: its entries and the org owners'.
    #[arg(long, value_name = "NAME|ID")]
    pub project: Option<String>,
    /// Start of the period: ISO 8601 date (the start of that day, UTC) or date-time.
    #[arg(long, value_name = "DATE", conflicts_with = "at")]
    pub from: Option<String>,
    /// End of the period: ISO 8601 date (the end of that day, UTC) or date-time.
    #[arg(long, value_name = "DATE", conflicts_with = "at")]
    pub to: Option<String>,
    /// As of this date (the end of that day, UTC, for a date alone): the access the latest
    /// collection on or before it shows.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Only intervals of this role.
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<RoleFilter>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text, ignore_case = true)]
    pub format: HistoryFormat,
    /// Writes the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    #[command(flatten)]
    pub redaction: RedactArgs,
}

/// Answers the query and prints the timeline.
pub fn run(args: HistoryArgs) -> anyhow::Result<u8> {
    let redactor = args.redaction.redactor()?;
    if redactor.as_ref().is_some_and(|redactor| redactor.kinds().resources) {
        anyhow::bail!(
            "history redacts emails, names and ids, not resources: the archive's causes name groups, clouds and \
             projects in words it cannot map back; leave `resources` out of --redact"
        );
    }
    let date = |text: &Option<String>, end| -> anyhow::Result<Option<QueryDate>> {
        text.as_deref().map(|text| parse_query_date(text, end)).transpose().map_err(anyhow::Error::msg)
    };
    let query = Query {
        user: args.user.clone(),
        cloud: args.cloud.clone(),
        project: args.project.clone(),
        from: date(&args.from, DayEnd::Start)?,
        to: date(&args.to, DayEnd::End)?,
        at: date(&args.at, DayEnd::End)?,
        role: args.role.map(Role::from),
    };
    let reader = Reader::open(&args.archive)?;
    let mut timeline = reader.timeline(&query)?;
    if let Some(redactor) = &redactor {
        crate::redact::redact_timeline(&mut timeline, redactor)?;
    }
    let fill = |writer: &mut dyn Write| -> std::io::Result<()> {
        let mut writer = BufWriter::new(writer);
        match args.format {
            HistoryFormat::Text => write_text(&mut writer, &timeline)?,
            HistoryFormat::Json => write_json(&mut writer, &timeline)?,
            HistoryFormat::Csv => write_csv(&mut writer, &timeline)?,
        }
        writer.flush()
    };
    match &args.output_file {
        Some(path) => crate::atomic::replace_file(path, |file| fill(file))
            .with_context(|| format!("cannot write `{}`", path.display()))?,
        None => fill(&mut std::io::stdout().lock())?,
    }
    Ok(EXIT_OK)
}
