//! The Anyscale API over HTTP: a client with retries and pagination, the private wire types, the
//! collection of a whole organization into a snapshot, and the calls of the `user` commands.

mod client;
mod collector;
mod limit;
mod retry;
mod users;
mod wire;

pub use client::{ApiClient, Limits, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES};
pub use collector::{collect, CollectOptions, Collected};
pub use retry::RetryPolicy;
pub use users::MemberPage;

#[cfg(test)]
mod tests;
