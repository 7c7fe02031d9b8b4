//! The engine: builds the access graph of one organization and computes every member's effective
//! roles, with the provenance of each role and the anomalies found on the way
//! (`docs/permission-model.md`, rules R1–R9).
//!
//! The rules live in [`rules`] and are applied to one member by [`member_access`]; everything that
//! computes with the permission model (the engine, explanations, what-ifs, offboarding plans) goes
//! through them.

mod access;
mod anomaly;
mod graph;
mod index;
mod ix;
mod provenance;
mod resolution;
mod rules;
mod simulate;

pub use access::{member_access, CloudAccess, MemberAccess, ProjectAccess, Reach};
pub use anomaly::{Anomaly, AnomalyKind, AnomalyScope, KindInfo, Place};
pub use graph::AccessGraph;
pub use index::OrgIndex;
pub use ix::{CloudIx, Entry, GroupIx, MemberIx, ProjectIx, Subject, SubjectKind};
pub use provenance::{describe_base, describe_cap, describe_source};
pub use resolution::{Engine, LookupError, Resolution};
pub use rules::{
    cloud_verdict, org_standing, project_verdict, BaseGrants, BaseSource, Cap, Grants, Source, Standing, Verdict,
};
pub use simulate::{Change, Outcome, Removal, Simulation};

use crate::model::Organization;

/// Resolves every member of `organization` (R1–R9), in parallel on the current rayon pool.
pub fn resolve(organization: &Organization) -> Resolution<'_> {
    Resolution::compute(OrgIndex::new(organization))
}
