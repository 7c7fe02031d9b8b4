//! `permaudit verify`: checks a report directory against its manifest (and its signature with a public
//! key): every changed, missing or extra file is named, and any of them exits 4.

use super::{EXIT_FINDINGS, EXIT_OK};
use crate::evidence::signing::read_verifying_key;
use crate::evidence::verify::{verify_directory, SignatureState, Verification};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  permaudit verify report
  permaudit verify report --public-key audit.pub

Exit codes:
  0  every file is the one the manifest names, nothing else is there (and, with --public-key,
     manifest.sig is that key's signature of manifest.json)
  1  error: DIR cannot be read, the public key file is not one, the manifest is of another version
  2  command-line usage error
  4  a file was changed, is missing or was added, the manifest is missing or altered, or the
     signature is missing or does not match";

/// Options of `verify`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct VerifyArgs {
    /// The report directory, as `report`, `check --out-dir` or another report command wrote it.
    #[arg(value_name = "DIR")]
    pub directory: PathBuf,
    /// The Ed25519 public key (PEM, as `permaudit keygen` writes PREFIX.pub) whose signature
    /// manifest.sig must be; without it, the signature is not checked.
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
}

/// Checks the directory, prints every problem and a summary on stdout, and returns the exit code.
pub fn run(args: VerifyArgs) -> anyhow::Result<u8> {
    let public_key = args.public_key.as_deref().map(read_verifying_key).transpose()?;
    let verification = verify_directory(&args.directory, public_key.as_ref())?;
    let mut stdout = std::io::stdout().lock();
    for problem in &verification.problems {
        writeln!(stdout, "{problem}")?;
    }
    writeln!(stdout, "{}", summary(&args, &verification))?;
    stdout.flush()?;
    Ok(if verification.problems.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}

/// Returns the last line: what was checked, and against what.
fn summary(args: &VerifyArgs, verification: &Verification) -> String {
    let directory = args.directory.display();
    let signature = match verification.signature {
        SignatureState::Valid => "manifest.sig is a valid signature of the public key",
        SignatureState::Invalid => "the signature does not hold",
        SignatureState::Unchecked => "manifest.sig not checked: pass --public-key FILE to check it",
        SignatureState::Unsigned => "not signed",
    };
    let Some(manifest) = &verification.manifest else {
        return format!("{directory}: FAILED: no readable manifest; {signature}");
    };
    let snapshot = manifest.snapshots.first().map_or_else(String::new, |facts| {
        format!(" from snapshot sha256 {} ({})", facts.sha256, facts.organization_id)
    });
    let made = format!("made by permaudit {} at {}{snapshot}", manifest.permaudit_version, manifest.generated_at);
    let problems = verification.problems.len();
    if problems == 0 {
        format!("{directory}: OK: {} files match the manifest, {made}; {signature}", manifest.files.len())
    } else {
        format!(
            "{directory}: FAILED: {} against the manifest, {made}; {signature}",
            crate::plural::count(problems, "problem", "problems")
        )
    }
}
