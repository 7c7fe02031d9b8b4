//! The engine: builds the access graph of one organization and computes every member's effective
//! roles, with the provenance of each role and the anomalies found on the way
//! (`../shared/spec/permission-model.md`, rules R1–R9).

mod anomaly;
mod effective;
mod graph;
mod index;
mod provenance;
mod rules;

pub use anomaly::{Anomaly, AnomalyKind, Place, Subject, SubjectKind};
pub use effective::{BaseSource, CloudAccess, MemberAccess, ProjectAccess, Resolution};
pub use graph::{AccessGraph, Edge, Node};
pub use index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
pub use provenance::{describe_limit, describe_source};
pub use rules::{cloud_role, project_role, Source};

use crate::model::Organization;

/// Resolves every member of `organization` (R1–R9), in parallel on the current rayon pool.
pub fn resolve(organization: &Organization) -> Resolution<'_> {
    let index = OrgIndex::new(organization);
    let graph = AccessGraph::build(&index);
    Resolution::compute(index, graph)
}
