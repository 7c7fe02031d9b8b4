//! The options of the commands that run the controls (`check`, `report`): the policy, the exemptions,
//! the severity that fails the run, and the day the controls are evaluated on.

use crate::controls::{Exemptions, Policy};
use crate::model::Severity;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Where the policy and exemptions come from, and which day it is.
#[derive(Debug, Args)]
pub struct ControlsArgs {
    /// Policy file (format permaudit-policy/1, docs/controls.md); without it, the default policy, which
    /// `permaudit check --print-default-policy` prints.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Exemptions file (format permaudit-exemptions/1, docs/controls.md): findings it covers are muted.
    #[arg(long, value_name = "FILE")]
    pub exemptions: Option<PathBuf>,
    /// The day exemptions expire and members go stale relative to, as YYYY-MM-DD; default: the date of
    /// SOURCE_DATE_EPOCH when it is set, else today's date in UTC.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

/// The lowest severity of a finding that fails the run (exit code 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<FailOn> for Severity {
    fn from(threshold: FailOn) -> Severity {
        match threshold {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        }
    }
}

/// The policy, the exemptions and the day, read and checked.
pub struct Settings {
    pub policy: Policy,
    pub exemptions: Exemptions,
    pub today: NaiveDate,
}

impl ControlsArgs {
    /// Reads the policy and the exemptions (the exemptions name the policy's controls) and decides the day.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let policy = match &self.policy {
            Some(path) => Policy::load(path)?,
            None => Policy::default(),
        };
        let exemptions = match &self.exemptions {
            Some(path) => Exemptions::load(path, &policy)?,
            None => Exemptions::default(),
        };
        Ok(Settings { policy, exemptions, today: today(self.today)? })
    }
}

/// Returns the day to evaluate on: the one given, else the day of [`crate::clock::now`] (that of
/// SOURCE_DATE_EPOCH when it is set, for reproducible outputs, else today's in UTC).
pub fn today(given: Option<NaiveDate>) -> anyhow::Result<NaiveDate> {
    if let Some(day) = given {
        return Ok(day);
    }
    let now = crate::clock::now()?;
    Ok(now.date_naive())
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("`{value}` is not a date; write it as YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_year_month_day() {
        assert_eq!(parse_date("2026-12-01").unwrap(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert!(parse_date("2026-13-01").is_err());
    }
}
