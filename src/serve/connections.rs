//! The connections of the server, bounded: at most `max_connections` are served at once, a client has
//! `header_timeout` to send each request head, which also closes a connection left idle between
//! requests, and the server stops accepting on shutdown, then lets the requests under way finish.
//!
//! A connection beyond the limit is answered at once with a `503` and `Retry-After: 1`, and closed,
//! rather than left waiting in the listen queue: a flood of idle connections then costs a client at
//! most one header timeout, not a wait behind every connection of the flood.

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How many connections are served at once, and how long a connection may wait for a request head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

/// A pause after a failed accept (such as too many open files), so that the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What a connection beyond the limit is told before it is closed.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// Serves `router` on `listener` until `shutdown` completes, then waits for open connections to finish
/// the requests they are serving.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let capacity = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(capacity));
    let (stopping, stop) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener) => {
                let Some(stream) = accepted else { continue };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Best effort: a client that sent nothing yet may still read the answer.
                    let _ = stream.try_write(BUSY);
                    continue;
                };
                let connection = serve_connection(stream, router.clone(), limits.header_timeout, stop.clone());
                tokio::spawn(async move {
                    connection.await;
                    drop(slot);
                });
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every open connection holds a slot: holding them all means every connection has closed.
    let _ = slots.acquire_many(capacity as u32).await;
}

/// Waits for a client; `None` after a failed accept.
async fn accept(listener: &TcpListener) -> Option<tokio::net::TcpStream> {
    match listener.accept().await {
        Ok((stream, _)) => Some(stream),
        Err(_) => {
            tokio::time::sleep(ACCEPT_BACKOFF).await;
            None
        }
    }
}

/// Serves one connection until the client closes it, a timeout closes it, or the server stops.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stop.wait_for(|stopping| *stopping) => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}
