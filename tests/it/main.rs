//! permaudit's integration tests: one binary, one module per area.

mod archive;
mod browser;
mod cli;
mod collect;
mod controls;
mod diff;
mod diff_properties;
mod emulator;
mod evidence;
mod files;
mod fuzz;
mod golden;
mod history;
mod offboarding;
mod official_cli;
mod properties;
mod python_parity;
mod redaction;
mod report;
mod report_scope;
mod rules;
mod serve;
mod snapshots;
mod support;
mod user_commands;
