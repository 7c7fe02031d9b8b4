//! `permaudit serve`: an emulator of the Anyscale HTTP API (`docs/wire-api.md`, endpoints
//! 1–12) served from a snapshot file, so that the collector, the official `anyscale` CLI and any script
//! can be tested against a known organization.
//!
//! Requests pass, in order: the latency and fault knobs ([`faults`]), the token check ([`auth`]), then
//! the endpoint. Reads come from memory; `admin_batch_create` adds members and saves the snapshot file
//! atomically before answering. Connections are bounded in number and in how long they may idle or
//! dawdle over a request ([`connections`]).

mod auth;
mod connections;
mod error;
mod faults;
mod handlers;
mod new_users;
mod pagination;
mod query;
mod state;
mod token;
mod wire;

pub use connections::ConnectionLimits;
pub use error::{ApiError, ServeError};
pub use token::{InvalidToken, Token};

use crate::model::Snapshot;
use state::{AppState, Store};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The snapshot to serve; created users are saved into it.
    pub org: PathBuf,
    /// Where to listen, such as `127.0.0.1:8080` (port 0 picks a free port).
    pub addr: String,
    /// The token clients must present.
    pub token: Token,
    /// The share of requests, from 0 to 1, that fail on purpose.
    pub fault_rate: f64,
    /// Chooses which requests fail.
    pub fault_seed: u64,
    /// The delay added to every request.
    pub latency: Duration,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// The longest wait for the rest of a request body once its head arrived.
    pub body_timeout: Duration,
    /// How many connections are served at once, and how long each may wait for a request head.
    pub connections: ConnectionLimits,
}

/// A server bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    state: Arc<AppState>,
    organization_id: String,
    member_count: usize,
    removed_temporaries: usize,
    connections: ConnectionLimits,
}

impl Server {
    /// Loads the snapshot, removes the temporary files an interrupted save of it left behind, and binds
    /// the address.
    pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
        options.token.check()?;
        let snapshot = Snapshot::load(&options.org)?;
        let removed_temporaries = crate::atomic::remove_stale_temporaries(&options.org)
            .map_err(|error| ServeError::Cleanup { path: options.org.clone(), error })?;
        let organization_id = snapshot.organization.id.to_string();
        let member_count = snapshot.organization.members.len();
        let current_user = state::current_user(&snapshot.organization);
        let listener = TcpListener::bind(&options.addr)
            .await
            .map_err(|error| ServeError::Bind { addr: options.addr.clone(), error })?;
        let state = Arc::new(AppState {
            token: options.token,
            knobs: Arc::new(faults::Knobs {
                latency: options.latency,
                faults: faults::FaultPlan::new(options.fault_rate, options.fault_seed),
            }),
            max_body_bytes: options.max_body_bytes,
            body_timeout: options.body_timeout,
            current_user,
            store: Store::new(options.org, snapshot),
        });
        let connections = options.connections;
        Ok(Server { listener, state, organization_id, member_count, removed_temporaries, connections })
    }

    /// Returns the address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener.local_addr().map_err(ServeError::Io)
    }

    /// Returns the served organization's id.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// Returns how many members the organization had at start.
    pub fn member_count(&self) -> usize {
        self.member_count
    }

    /// Returns how many temporary files of an interrupted save were removed at start.
    pub fn removed_temporaries(&self) -> usize {
        self.removed_temporaries
    }

    /// Serves requests until `shutdown` completes, then finishes the requests under way.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let router = handlers::router(self.state);
        connections::serve(self.listener, router, self.connections, shutdown).await;
    }
}

/// Completes when the process receives SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // Without a signal handler, the server runs until the process is killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        futures_util::future::select(std::pin::pin!(interrupt), std::pin::pin!(terminate)).await;
    }
    #[cfg(not(unix))]
    interrupt.await;
}
