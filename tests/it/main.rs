//! permaudit's integration tests: one binary, one module per area.

mod golden;
mod properties;
mod python_parity;
mod rules;
mod snapshots;
mod support;
mod user_commands;
