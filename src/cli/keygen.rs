//! `permaudit keygen`: makes an Ed25519 key pair for signing report manifests.

use super::output::info;
use super::EXIT_OK;
use crate::evidence::signing::{generate, private_key_pem, public_key_pem};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Examples:
  permaudit keygen --out audit
  permaudit report --org snap.json --out-dir report --sign-key audit.key
  permaudit verify report --public-key audit.pub

Exit codes:
  0  both files are written
  1  error: PREFIX.key or PREFIX.pub already exists, or cannot be written
  2  command-line usage error";

/// Options of `keygen`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct KeygenArgs {
    /// Writes the private key to PREFIX.key (mode 0600, PKCS#8 PEM) and the public key to PREFIX.pub
    /// (PEM); an existing file is never replaced.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
}

/// Makes the key pair and writes its two files.
pub fn run(args: KeygenArgs) -> anyhow::Result<u8> {
    let private_path = with_extension(&args.out, "key");
    let public_path = with_extension(&args.out, "pub");
    for path in [&private_path, &public_path] {
        if std::fs::symlink_metadata(path).is_ok() {
            anyhow::bail!("`{}` already exists; move it away or choose another --out PREFIX", path.display());
        }
    }
    let key = generate()?;
    let private = private_key_pem(&key)?;
    let public = public_key_pem(&key.verifying_key())?;
    write(&private_path, &private, 0o600)?;
    write(&public_path, &public, 0o644)?;
    info(&format!(
        "Wrote {} (keep it secret) and {} (hand it to whoever verifies)",
        private_path.display(),
        public_path.display()
    ));
    Ok(EXIT_OK)
}

/// Returns `PREFIX.extension`, keeping any dot already in the prefix.
fn with_extension(prefix: &Path, extension: &str) -> PathBuf {
    let mut path = prefix.as_os_str().to_owned();
    path.push(".");
    path.push(extension);
    PathBuf::from(path)
}

/// Writes a key file atomically with `mode`.
fn write(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    crate::atomic::write_file(path, |file| {
        set_mode(file, mode)?;
        file.write_all(text.as_bytes())
    })
    .with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
