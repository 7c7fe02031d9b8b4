//! The redaction key: secret bytes, at least [`MIN_KEY_BYTES`] of them, from a file (its bytes as they
//! are, a trailing newline included) or from the environment. The key never appears in any output or
//! message: its `Debug` shows only its length, and reports name it by [`Redactor::key_id`].
//!
//! [`Redactor::key_id`]: super::Redactor::key_id

use std::fmt;
use std::path::{Path, PathBuf};

/// The fewest bytes a redaction key may have: 256 bits, the HMAC-SHA256 block of security.
pub const MIN_KEY_BYTES: usize = 32;

/// How to make a key, as every message about a missing or short key says.
pub const HOW_TO_MAKE_A_KEY: &str =
    "make one with `head -c 32 /dev/urandom > redact.key && chmod 600 redact.key` and pass `--redact-key-file redact.key` \
     (or put 32 or more random characters in PERMAUDIT_REDACT_KEY); keep it to redact later reports the same way";

/// The environment variable a key can come from.
pub const KEY_VARIABLE: &str = "PERMAUDIT_REDACT_KEY";

/// A redaction key.
pub struct RedactKey(Vec<u8>);

/// Why a redaction key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the redaction key file `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the redaction key from {origin} has {length} bytes, fewer than {MIN_KEY_BYTES}; {HOW_TO_MAKE_A_KEY}")]
    Short { origin: String, length: usize },
}

impl RedactKey {
    /// Returns the key made of `bytes`; `origin` names where they came from in an error.
    pub fn from_bytes(bytes: Vec<u8>, origin: &str) -> Result<RedactKey, KeyError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(KeyError::Short { origin: origin.to_owned(), length: bytes.len() });
        }
        Ok(RedactKey(bytes))
    }

    /// Reads the key file at `path`: its bytes as they are.
    pub fn read(path: &Path) -> Result<RedactKey, KeyError> {
        let bytes = std::fs::read(path).map_err(|source| KeyError::Read { path: path.to_owned(), source })?;
        RedactKey::from_bytes(bytes, &format!("`{}`", path.display()))
    }

    /// Returns the key's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for RedactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactKey({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_is_refused_with_how_to_make_one() {
        let error = RedactKey::from_bytes(b"short".to_vec(), "PERMAUDIT_REDACT_KEY").unwrap_err().to_string();
        assert!(error.contains("has 5 bytes, fewer than 32"), "{error}");
        assert!(error.contains("head -c 32 /dev/urandom"), "{error}");
        assert!(!error.contains("short"), "the key is never quoted: {error}");
    }

    #[test]
    fn a_key_never_shows_its_bytes() {
        let key = RedactKey::from_bytes(vec![b'k'; 40], "test").unwrap();
        assert_eq!(format!("{key:?}"), "RedactKey(40 bytes)");
    }
}
