//! Renderings of the engine's result: the list-permissions document (JSON as the official CLI prints
//! it, and YAML), and the audit reports built on one set of facts: CSV, HTML, the per-resource and
//! per-member views, explanations and the one-person offboarding review.

pub mod bundle;
pub mod cell;
pub mod csv;
pub mod diff;
pub mod directory;
pub mod explain;
pub mod facts;
pub mod findings;
pub mod history;
pub mod html;
pub mod members;
pub mod offboarding;
pub mod permissions;
pub mod resources;
pub mod scope;
pub mod summary;
pub mod table;
pub mod view;
pub mod whatif;
