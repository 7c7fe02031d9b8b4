//! Test knobs: a fixed latency and a share of failed requests, so that clients can be tested against
//! slow and flaky servers.
//!
//! Which requests fail is deterministic: it depends only on `--fault-seed` and the request's sequence
//! number, so the same seed and the same sequence of requests fail the same way. Faults are decided
//! before authentication and before the handler runs, so a faulted request never changes anything (a
//! faulted batch create creates nobody).

use super::error::ApiError;
use super::wire::ErrorBody;
use crate::synth::SplitMix64;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One way a request can fail on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `429 Too Many Requests` with `Retry-After: 1`.
    TooManyRequests,
    /// `500` with an error body.
    ServerError,
    /// A `200` whose body stops midway: the connection is dropped.
    DroppedConnection,
}

/// Decides, request by request, which ones fail.
#[derive(Debug)]
pub struct FaultPlan {
    rate: f64,
    seed: u64,
    sequence: AtomicU64,
}

impl FaultPlan {
    /// Returns a plan failing the share `rate` (0 to 1) of requests, chosen from `seed`.
    pub fn new(rate: f64, seed: u64) -> FaultPlan {
        FaultPlan { rate, seed, sequence: AtomicU64::new(0) }
    }

    /// Numbers the next request and returns its fault, if any.
    pub fn next(&self) -> Option<Fault> {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        self.fault_of(sequence)
    }

    /// Returns the fault of the request numbered `sequence`.
    fn fault_of(&self, sequence: u64) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let mut random = SplitMix64::new(self.seed ^ SplitMix64::new(sequence).next_u64());
        if !random.chance(self.rate) {
            return None;
        }
        Some(match random.below(3) {
            0 => Fault::TooManyRequests,
            1 => Fault::ServerError,
            _ => Fault::DroppedConnection,
        })
    }
}

/// The knobs every request passes before anything else: a fixed latency, then a planned fault.
#[derive(Debug)]
pub struct Knobs {
    pub latency: Duration,
    pub faults: FaultPlan,
}

/// Sleeps the configured latency, then answers with the request's fault or passes it on.
pub async fn latency_and_faults(State(knobs): State<Arc<Knobs>>, request: Request, next: Next) -> Response {
    if !knobs.latency.is_zero() {
        tokio::time::sleep(knobs.latency).await;
    }
    match knobs.faults.next() {
        None => next.run(request).await,
        Some(fault) => fault_response(fault),
    }
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::TooManyRequests => {
            let detail = "too many requests (fault injected by `--fault-rate`); retry after 1 second";
            let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(ErrorBody::new(detail))).into_response();
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        Fault::ServerError => {
            ApiError::Internal("internal server error (fault injected by `--fault-rate`)".to_owned()).into_response()
        }
        Fault::DroppedConnection => dropped_connection(),
    }
}

/// Returns a response whose body fails after its first bytes, which makes the server abort the
/// connection mid-response.
fn dropped_connection() -> Response {
    let chunks: [Result<Bytes, std::io::Error>; 2] = [
        Ok(Bytes::from_static(b"{\"results\": [")),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "fault injected by `--fault-rate`")),
    ];
    let mut response = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(rate: f64, seed: u64) -> Vec<Option<Fault>> {
        let plan = FaultPlan::new(rate, seed);
        (0..200).map(|_| plan.next()).collect()
    }

    #[test]
    fn the_same_seed_fails_the_same_requests() {
        assert_eq!(faults(0.3, 7), faults(0.3, 7));
        assert_ne!(faults(0.3, 7), faults(0.3, 8));
    }

    #[test]
    fn the_rate_bounds_how_many_fail() {
        assert!(faults(0.0, 1).iter().all(Option::is_none));
        assert!(faults(1.0, 1).iter().all(Option::is_some));
        let failed = faults(0.25, 3).iter().filter(|fault| fault.is_some()).count();
        assert!((25..=75).contains(&failed), "{failed}");
    }

    #[test]
    fn every_kind_of_fault_occurs() {
        let all = faults(1.0, 11);
        for kind in [Fault::TooManyRequests, Fault::ServerError, Fault::DroppedConnection] {
            assert!(all.contains(&Some(kind)), "{kind:?}");
        }
    }
}
