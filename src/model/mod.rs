//! The organization's domain model: ids, roles, members, groups, clouds, projects and their grants,
//! the snapshot file that stores one organization, and the severities findings carry.

mod email;
mod ids;
mod layout;
mod org;
mod role;
mod severity;
pub mod snapshot;
mod stream;
mod write;

pub use email::{email_key, same_email};
pub use ids::{CloudId, GroupId, OrgId, ProjectId, UserId};
pub use org::{
    Binding, Cloud, CloudCollaborator, Group, GroupSource, Member, Membership, Organization, Project,
    ProjectCollaborator,
};
pub use role::{DirectLevel, OrgRole, Role, UnknownRole};
pub use severity::{Severity, UnknownSeverity};
pub use snapshot::{Collection, Snapshot, SnapshotError, SNAPSHOT_FORMAT};
