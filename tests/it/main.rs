//! permaudit's integration tests: one binary, one module per area.

mod browser;
mod golden;
mod properties;
mod python_parity;
mod report;
mod rules;
mod snapshots;
mod support;
