//! Ed25519 signatures of a manifest (`ed25519-dalek`). Keys are kept in the standard files OpenSSL
//! and most tools read: the private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the public key
//! as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`). The signature is the 64 raw bytes
//! over the manifest's exact bytes, so that `openssl pkeyutl -verify -rawin` checks it as well.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::path::{Path, PathBuf};

/// Why a key could not be made, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the key file `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{}` is not an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----){hint}; `permaudit keygen --out PREFIX` makes one", path.display())]
    NotPrivate { path: PathBuf, hint: &'static str },
    #[error("`{}` is not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----){hint}; it is the PREFIX.pub that `permaudit keygen` wrote", path.display())]
    NotPublic { path: PathBuf, hint: &'static str },
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    #[error("cannot encode the key: {0}")]
    Encode(String),
}

/// The signature does not match the manifest under the key.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("manifest.sig is not an Ed25519 signature: it has {0} bytes, a signature has 64")]
    Length(usize),
    #[error("manifest.sig does not match manifest.json under this public key: the manifest was changed after it was signed, or signed with another key")]
    Mismatch,
}

/// Returns a new key from the operating system's random number generator.
pub fn generate() -> Result<SigningKey, KeyFileError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|error| KeyFileError::Random(error.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    Ok(key)
}

/// Returns the private key file's text (PKCS#8 PEM).
pub fn private_key_pem(key: &SigningKey) -> Result<String, KeyFileError> {
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|error| KeyFileError::Encode(error.to_string()))?;
    Ok(pem.as_str().to_owned())
}

/// Returns the public key file's text (SubjectPublicKeyInfo PEM).
pub fn public_key_pem(key: &VerifyingKey) -> Result<String, KeyFileError> {
    key.to_public_key_pem(LineEnding::LF).map_err(|error| KeyFileError::Encode(error.to_string()))
}

/// Reads a private key file.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyFileError> {
    let text = read(path)?;
    SigningKey::from_pkcs8_pem(&text).map_err(|_| {
        let hint = if text.contains("PUBLIC KEY") { ": it is a public key; sign with the .key file" } else { "" };
        KeyFileError::NotPrivate { path: path.to_owned(), hint }
    })
}

/// Reads a public key file.
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, KeyFileError> {
    let text = read(path)?;
    VerifyingKey::from_public_key_pem(&text).map_err(|_| {
        let hint = if text.contains("PRIVATE KEY") { ": it is a private key; never hand it out" } else { "" };
        KeyFileError::NotPublic { path: path.to_owned(), hint }
    })
}

fn read(path: &Path) -> Result<String, KeyFileError> {
    std::fs::read_to_string(path).map_err(|source| KeyFileError::Read { path: path.to_owned(), source })
}

/// Returns the signature of `message`.
pub fn sign(key: &SigningKey, message: &[u8]) -> [u8; 64] {
    key.sign(message).to_bytes()
}

/// Checks that `signature` is `key`'s signature of `message`.
pub fn check(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    let bytes: [u8; 64] = signature.try_into().map_err(|_| SignatureError::Length(signature.len()))?;
    key.verify_strict(message, &Signature::from_bytes(&bytes)).map_err(|_| SignatureError::Mismatch)?;
    Ok(())
}

/// Returns the public half of a private key.
pub fn public_key(key: &SigningKey) -> VerifyingKey {
    key.verifying_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_with_its_key_and_message() {
        let key = generate().unwrap();
        let signature = sign(&key, b"manifest");
        check(&key.verifying_key(), b"manifest", &signature).unwrap();
        assert!(matches!(check(&key.verifying_key(), b"manifest!", &signature), Err(SignatureError::Mismatch)));
        let other = generate().unwrap();
        assert!(matches!(check(&other.verifying_key(), b"manifest", &signature), Err(SignatureError::Mismatch)));
        assert!(matches!(check(&key.verifying_key(), b"manifest", &signature[..10]), Err(SignatureError::Length(10))));
    }

    #[test]
    fn keys_go_through_their_pem_files() {
        let folder = tempfile::tempdir().unwrap();
        let key = generate().unwrap();
        let (private, public) = (folder.path().join("k.key"), folder.path().join("k.pub"));
        std::fs::write(&private, private_key_pem(&key).unwrap()).unwrap();
        std::fs::write(&public, public_key_pem(&key.verifying_key()).unwrap()).unwrap();
        assert!(std::fs::read_to_string(&private).unwrap().starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(std::fs::read_to_string(&public).unwrap().starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(read_signing_key(&private).unwrap().to_bytes(), key.to_bytes());
        assert_eq!(read_verifying_key(&public).unwrap(), key.verifying_key());
        let swapped = read_signing_key(&public).unwrap_err().to_string();
        assert!(swapped.contains("it is a public key"), "{swapped}");
        let swapped = read_verifying_key(&private).unwrap_err().to_string();
        assert!(swapped.contains("it is a private key"), "{swapped}");
    }
}
