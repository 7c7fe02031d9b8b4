//! The snapshot file's layout, shared by the whole-file parse and the reader in pieces: the model's
//! domain types stay free of format details.

use super::ids::OrgId;
use super::org::{Cloud, Group, Member, Membership, Project};
use serde::{Deserialize, Serialize};

/// The file layout, private to the model so that the domain types stay free of format details.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SnapshotFile {
    pub(super) format: String,
    pub(super) organization_id: OrgId,
    pub(super) collected_at: String,
    pub(super) source: String,
    pub(super) complete: bool,
    pub(super) gaps: Vec<String>,
    pub(super) members: Vec<Member>,
    pub(super) groups: Vec<Group>,
    pub(super) memberships: Vec<Membership>,
    pub(super) clouds: Vec<Cloud>,
    pub(super) projects: Vec<Project>,
}

/// The same layout, borrowed, for writing without copying the organization.
#[derive(Serialize)]
pub(super) struct SnapshotFileRef<'a> {
    pub(super) format: &'a str,
    pub(super) organization_id: &'a OrgId,
    pub(super) collected_at: &'a str,
    pub(super) source: &'a str,
    pub(super) complete: bool,
    pub(super) gaps: &'a [String],
    pub(super) members: &'a [Member],
    pub(super) groups: &'a [Group],
    pub(super) memberships: &'a [Membership],
    pub(super) clouds: &'a [Cloud],
    pub(super) projects: &'a [Project],
}

/// The UTF-8 byte order mark.
pub(super) const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";
