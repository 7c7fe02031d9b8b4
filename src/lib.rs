//! permaudit: a permissions audit and reporting engine for Anyscale organizations.
//!
//! Data flows from a source (`collect`: a snapshot file or the Anyscale API) into the domain
//! [`model`], through the engine ([`resolve`]) that computes every member's effective roles with their
//! provenance, to the renderings in [`report`].

pub mod atomic;
pub mod cli;
pub mod collect;
pub mod model;
pub mod report;
pub mod resolve;
pub mod sdk;
pub mod serve;
pub mod synth;
pub mod users;
