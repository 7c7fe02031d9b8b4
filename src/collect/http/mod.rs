//! The Anyscale API over HTTP: a client with retries and pagination, the private wire types, and the
//! collection of a whole organization into a snapshot.

mod client;
mod collector;
mod retry;
mod wire;

pub use client::ApiClient;
pub use collector::{collect, CollectOptions, Collected};
pub use retry::RetryPolicy;

#[cfg(test)]
mod tests;
