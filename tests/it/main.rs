//! permaudit's integration tests: one binary, one module per area.

mod browser;
mod collect;
mod emulator;
mod golden;
mod official_cli;
mod properties;
mod python_parity;
mod report;
mod report_scope;
mod rules;
mod serve;
mod snapshots;
mod support;
mod user_commands;
