//! Helpers shared by commands: the `(permaudit +Xs)` progress lines on stderr and writing results.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the run, from which progress lines count their time.
pub fn start_clock() {
    START.get_or_init(Instant::now);
}

/// Prints an informational line on stderr, as the official CLI's `(anyscale +0.6s) ...` lines.
pub fn info(message: &str) {
    let elapsed = START.get_or_init(Instant::now).elapsed().as_secs_f64();
    eprintln!("(permaudit +{elapsed:.1}s) {message}");
}

/// Prints how long a phase took on stderr when `PERMAUDIT_TIMINGS` is set (used by the benchmarks).
pub fn phase(name: &str, since: Instant) {
    if std::env::var_os("PERMAUDIT_TIMINGS").is_some() {
        eprintln!("timing {name} {:.3}s", since.elapsed().as_secs_f64());
    }
}
