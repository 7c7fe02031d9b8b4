//! `permaudit generate`: writes a synthetic organization snapshot.

use super::output::{info, start_clock};
use super::EXIT_OK;
use crate::model::{Collection, Snapshot};
use crate::synth::{edit, generate, Shape};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

/// Options of `generate`; the defaults make a small organization.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of organization members.
    #[arg(long, default_value_t = 1000)]
    pub members: usize,
    /// Number of user groups.
    #[arg(long, default_value_t = 20)]
    pub groups: usize,
    /// Average number of members per group.
    #[arg(long, default_value_t = 40)]
    pub group_size: usize,
    /// Number of clouds.
    #[arg(long, default_value_t = 4)]
    pub clouds: usize,
    /// Number of projects.
    #[arg(long, default_value_t = 200)]
    pub projects: usize,
    /// Total number of grants (direct levels and group bindings).
    #[arg(long, default_value_t = 20_000)]
    pub grants: usize,
    /// Random seed: the same seed and sizes give a byte-identical snapshot.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Reads this snapshot and writes it with `--edits` random edits drawn with `--seed` instead (the
    /// second collection of the diff benchmark).
    #[arg(long, value_name = "FILE", hide = true)]
    pub edit: Option<PathBuf>,
    /// How many random edits `--edit` makes.
    #[arg(long, default_value_t = 1000, hide = true)]
    pub edits: usize,
}

/// Generates the organization and writes its snapshot.
pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    start_clock();
    if let Some(original) = &args.edit {
        return write_edited(original, &args);
    }
    let shape = Shape {
        members: args.members,
        groups: args.groups,
        group_size: args.group_size,
        clouds: args.clouds,
        projects: args.projects,
        grants: args.grants,
        seed: args.seed,
    };
    let organization = generate(&shape);
    let snapshot = Snapshot {
        organization,
        collection: Collection {
            collected_at: "2026-01-01T00:00:00+00:00".to_owned(),
            source: format!("generated (seed {})", args.seed),
            complete: true,
            gaps: Vec::new(),
        },
    };
    snapshot.save(&args.out).with_context(|| "cannot write the generated organization")?;
    info(&format!("Wrote {}", args.out.display()));
    Ok(EXIT_OK)
}

/// Writes the snapshot at `original` with random edits, collected a month after `generate`'s.
fn write_edited(original: &std::path::Path, args: &GenerateArgs) -> anyhow::Result<u8> {
    let snapshot = Snapshot::load(original)?;
    let organization = edit(&snapshot.organization, args.edits, args.seed);
    let collection = Collection {
        collected_at: "2026-02-01T00:00:00+00:00".to_owned(),
        source: format!("edited (seed {}, {} edits)", args.seed, args.edits),
        complete: true,
        gaps: Vec::new(),
    };
    Snapshot { organization, collection }.save(&args.out).with_context(|| "cannot write the edited organization")?;
    info(&format!("Wrote {}", args.out.display()));
    Ok(EXIT_OK)
}
