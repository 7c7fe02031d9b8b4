//! permaudit: a permissions audit and reporting engine for Anyscale organizations.
//!
//! Data flows from a source (`collect`: a snapshot file or the Anyscale API) into the domain
//! [`model`], through the engine ([`resolve`]) that computes every member's effective roles with their
//! provenance, to the renderings in [`report`]. The output the official `anyscale` CLI also prints goes
//! through [`compat`], byte-for-byte emulations of Python's json, PyYAML and rich. [`diff`] compares two
//! collections of one organization: what changed in effective access, and the raw changes that caused it.
//! [`archive`] keeps every collection of an organization, chained by hash, with a database of the
//! intervals of access they show, for timeline questions.

pub mod archive;
pub mod atomic;
pub mod cli;
pub mod clock;
pub mod collect;
pub mod compat;
pub mod controls;
pub mod diff;
pub mod digest;
pub mod evidence;
pub mod model;
pub mod parallel;
pub mod plural;
pub mod redact;
pub mod report;
pub mod resolve;
pub mod sdk;
pub mod serve;
pub mod synth;
pub mod untrusted;
pub mod users;
