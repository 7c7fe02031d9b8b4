//! The API host and token, found as the official CLI finds them: `ANYSCALE_HOST` (default
//! `https://console.anyscale.com`), and `ANYSCALE_CLI_TOKEN` or else `~/.anyscale/credentials.json`.

use super::error::CollectError;
use std::fmt;
use std::path::{Path, PathBuf};

/// The host the official CLI talks to when `ANYSCALE_HOST` is not set.
pub const DEFAULT_HOST: &str = "https://console.anyscale.com";

/// A CLI token. It never appears in `Debug` or `Display` output, so it cannot leak into logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into())
    }

    /// Returns the secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where to reach the API and how to authenticate.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// The base URL as messages and snapshots name it: without a trailing slash, and without the
    /// `user:password@` part a URL may carry.
    pub host: String,
    /// The base URL requests go to, credentials included; kept secret like the token.
    base_url: Token,
    pub token: Token,
}

impl ApiConfig {
    /// Returns a configuration for `host` (a trailing slash is tolerated) and `token`.
    pub fn new(host: &str, token: Token) -> Result<ApiConfig, CollectError> {
        let base_url = host.trim().trim_end_matches('/');
        let shown = crate::untrusted::without_userinfo(base_url);
        let valid =
            ["http://", "https://"].iter().any(|scheme| shown.starts_with(scheme) && shown.len() > scheme.len())
                && !base_url.contains(|character: char| character.is_whitespace() || character.is_control());
        if !valid {
            return Err(CollectError::BadHost { host: crate::untrusted::value(&shown) });
        }
        Ok(ApiConfig { host: shown.into_owned(), base_url: Token::new(base_url), token })
    }

    /// Returns the base URL requests go to, with any credentials it carries: only for sending.
    pub fn base_url(&self) -> &str {
        self.base_url.expose()
    }

    /// Reads the configuration from the environment, as the official CLI does.
    pub fn from_env() -> Result<ApiConfig, CollectError> {
        let host = std::env::var("ANYSCALE_HOST").ok().filter(|host| !host.trim().is_empty());
        let token = match std::env::var("ANYSCALE_CLI_TOKEN").ok().filter(|token| !token.is_empty()) {
            Some(token) => Token::new(token),
            None => token_from_file(&credentials_path().ok_or(CollectError::MissingToken)?)?,
        };
        ApiConfig::new(host.as_deref().unwrap_or(DEFAULT_HOST), token)
    }
}

fn credentials_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|home| !home.is_empty())?;
    Some(Path::new(&home).join(".anyscale").join("credentials.json"))
}

/// Reads `{"cli_token": "..."}`; a missing file means no token, a malformed one is an error.
fn token_from_file(path: &Path) -> Result<Token, CollectError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(CollectError::MissingToken),
        Err(error) => return Err(credentials_error(path, error.to_string())),
    };
    warn_if_shared(path);
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| credentials_error(path, format!("not valid JSON ({error})")))?;
    match value.get("cli_token").and_then(|token| token.as_str()) {
        Some(token) if !token.is_empty() => Ok(Token::new(token)),
        _ => Err(credentials_error(path, "no non-empty `cli_token` field".to_owned())),
    }
}

fn credentials_error(path: &Path, reason: String) -> CollectError {
    CollectError::Credentials { path: path.display().to_string(), reason }
}

/// Warns, as the official CLI does, when the credentials file is readable by other users.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            if metadata.permissions().mode() & 0o077 != 0 {
                eprintln!("Warning: `{}` is readable by other users; run `chmod 600` on it", path.display());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_slash_on_the_host_is_tolerated() {
        let config = ApiConfig::new("http://127.0.0.1:8080/", Token::new("t")).unwrap();
        assert_eq!(config.host, "http://127.0.0.1:8080");
    }

    #[test]
    fn credentials_in_the_host_are_sent_but_never_shown() {
        let config = ApiConfig::new("http://user:pw@127.0.0.1:8080/", Token::new("t")).unwrap();
        assert_eq!(config.host, "http://127.0.0.1:8080");
        assert_eq!(config.base_url(), "http://user:pw@127.0.0.1:8080");
        assert!(!format!("{config:?}").contains("pw"), "{config:?}");
        let error = ApiConfig::new("ftp://user:pw@host", Token::new("t")).unwrap_err().to_string();
        assert!(error.contains("`ftp://host`") && !error.contains("pw"), "{error}");
    }

    #[test]
    fn a_host_without_scheme_is_refused() {
        assert!(matches!(ApiConfig::new("console.anyscale.com", Token::new("t")), Err(CollectError::BadHost { .. })));
        assert!(matches!(ApiConfig::new("http://", Token::new("t")), Err(CollectError::BadHost { .. })));
        let error = ApiConfig::new("http://a\u{1b}[2Jb", Token::new("t")).unwrap_err().to_string();
        assert!(error.contains("`http://a\\u{1b}[2Jb`"), "{error}");
    }

    #[test]
    fn the_token_never_prints() {
        let config = ApiConfig::new("https://example.com", Token::new("sss_secret")).unwrap();
        assert!(!format!("{config:?}").contains("sss_secret"));
        assert!(!format!("{}", config.token).contains("sss_secret"));
    }

    #[test]
    fn credentials_file_is_read_and_checked() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("credentials.json");
        std::fs::write(&path, r#"{"cli_token": "sss_abc"}"#).unwrap();
        assert_eq!(token_from_file(&path).unwrap().expose(), "sss_abc");
        std::fs::write(&path, "{").unwrap();
        let error = token_from_file(&path).unwrap_err().to_string();
        assert!(error.contains("not valid JSON") && error.contains("credentials.json"), "{error}");
        assert!(matches!(token_from_file(&directory.path().join("none.json")), Err(CollectError::MissingToken)));
    }
}
