//! Where organizations come from: live from the Anyscale API ([`http`]), configured like the official
//! CLI ([`config`]), or from a snapshot file (`model::Snapshot::load`).

pub mod config;
mod error;
pub mod http;

pub use config::{ApiConfig, Token, DEFAULT_HOST};
pub use error::CollectError;
pub use http::{collect, ApiClient, CollectOptions, Collected, MemberPage};
