//! The limit of requests on the wire at once, with two queues: a page of a list read one page after
//! the other goes before the many independent requests, because such a chain of pages is what bounds
//! how short a collection can be, while the independent requests can fill the limit in any order.
//!
//! A permit is handed to a waiter through a channel, so that a waiter dropped while it waits (its
//! request cancelled) gives its permit back instead of losing it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

/// Which queue a request waits in for its turn on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// A request on one of a collection's long chains: the token check, then the organization's lists,
    /// each read one page after the other since a page names the next.
    Chain,
    /// One of the many requests that can go in any order (a resource's collaborators and policy).
    Bulk,
}

/// At most a fixed number of permits out at once; waiters of [`Priority::Chain`] are served first,
/// each queue in the order it was joined.
#[derive(Clone)]
pub struct RequestLimit {
    shared: Arc<Mutex<State>>,
}

struct State {
    free: usize,
    chain: VecDeque<oneshot::Sender<Permit>>,
    bulk: VecDeque<oneshot::Sender<Permit>>,
}

/// The right to have one request on the wire; dropping it hands the right to the next waiter.
pub struct Permit {
    shared: Option<Arc<Mutex<State>>>,
}

/// What a waiter gets at once: a permit, or its place in a queue.
enum Turn {
    Now(Permit),
    Later(oneshot::Receiver<Permit>),
}

impl RequestLimit {
    /// Returns a limit of `permits` requests at once (at least one).
    pub fn new(permits: usize) -> RequestLimit {
        let state = State { free: permits.max(1), chain: VecDeque::new(), bulk: VecDeque::new() };
        RequestLimit { shared: Arc::new(Mutex::new(state)) }
    }

    /// Waits for a permit in the queue of `priority`.
    pub async fn acquire(&self, priority: Priority) -> Permit {
        loop {
            match self.turn(priority) {
                Turn::Now(permit) => return permit,
                // A sender is dropped unsent only with the queue itself, so this receives; were it
                // ever not to, queueing again is still right.
                Turn::Later(receiver) => {
                    if let Ok(permit) = receiver.await {
                        return permit;
                    }
                }
            }
        }
    }

    fn turn(&self, priority: Priority) -> Turn {
        let mut state = lock(&self.shared);
        // Permits are free only while no one waits: a released permit goes to a waiter first.
        if state.free > 0 {
            state.free -= 1;
            return Turn::Now(Permit { shared: Some(self.shared.clone()) });
        }
        let (sender, receiver) = oneshot::channel();
        match priority {
            Priority::Chain => state.chain.push_back(sender),
            Priority::Bulk => state.bulk.push_back(sender),
        }
        Turn::Later(receiver)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            release(shared);
        }
    }
}

/// Hands a permit to the first waiter still waiting, or frees it when none is.
fn release(shared: Arc<Mutex<State>>) {
    loop {
        let waiter = {
            let mut state = lock(&shared);
            match state.chain.pop_front().or_else(|| state.bulk.pop_front()) {
                Some(waiter) => waiter,
                None => {
                    state.free += 1;
                    return;
                }
            }
        };
        // Sent without the lock held: a permit that comes back (its waiter is gone) must be disarmed
        // rather than dropped, and one whose receiver drops later releases itself through `Drop`.
        match waiter.send(Permit { shared: Some(shared.clone()) }) {
            Ok(()) => return,
            Err(mut unclaimed) => unclaimed.shared = None,
        }
    }
}

/// Locks the state; no code panics while holding it, so a poisoned lock still holds a sound state.
fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn no_more_permits_than_the_limit_are_out() {
        let limit = RequestLimit::new(2);
        let first = limit.acquire(Priority::Bulk).await;
        let _second = limit.acquire(Priority::Bulk).await;
        let third = tokio::time::timeout(Duration::from_millis(20), limit.acquire(Priority::Chain)).await;
        assert!(third.is_err(), "a third permit was handed out");
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), limit.acquire(Priority::Bulk)).await;
        assert!(third.is_ok(), "a released permit was not handed on");
    }

    #[tokio::test]
    async fn a_chain_waiter_goes_before_bulk_waiters_that_came_earlier() {
        let limit = RequestLimit::new(1);
        let held = limit.acquire(Priority::Bulk).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for (name, priority) in [("bulk 1", Priority::Bulk), ("bulk 2", Priority::Bulk), ("chain", Priority::Chain)] {
            let (limit, order) = (limit.clone(), order.clone());
            waiters.push(tokio::spawn(async move {
                let _permit = limit.acquire(priority).await;
                order.lock().unwrap().push(name);
            }));
            // Each waiter joins its queue before the next one starts.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        drop(held);
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["chain", "bulk 1", "bulk 2"]);
    }

    #[tokio::test]
    async fn a_waiter_dropped_while_waiting_loses_no_permit() {
        let limit = RequestLimit::new(1);
        let held = limit.acquire(Priority::Bulk).await;
        let gone = tokio::time::timeout(Duration::from_millis(10), limit.acquire(Priority::Chain)).await;
        assert!(gone.is_err());
        drop(held);
        let again = tokio::time::timeout(Duration::from_secs(5), limit.acquire(Priority::Bulk)).await;
        assert!(again.is_ok(), "the permit went to a waiter that was gone");
    }
}
