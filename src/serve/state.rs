//! The server's shared state: the organization being served, the path it is saved to, and the
//! settings every request reads (token, latency and faults, body limit).

use super::faults::Knobs;
use super::token::Token;
use super::wire::{OrganizationRef, UserInfo};
use crate::model::{Member, Organization, Snapshot, SnapshotError};
use crate::resolve::resolve;
use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Everything the handlers share.
pub struct AppState {
    pub token: Token,
    pub knobs: Arc<Knobs>,
    pub max_body_bytes: usize,
    pub body_timeout: std::time::Duration,
    /// Who `userinfo` says the caller is, fixed at start (created users are never owners).
    pub current_user: UserInfo,
    pub store: Store,
}

/// The organization being served, shared by readers and the one writer at a time.
pub struct Store {
    served: RwLock<Served>,
}

/// The snapshot, the file it is saved to, and a lookup from member id to member.
pub struct Served {
    snapshot: Snapshot,
    path: PathBuf,
    member_positions: HashMap<String, usize>,
}

impl Store {
    /// Returns a store serving `snapshot`, which was read from `path`.
    pub fn new(path: PathBuf, snapshot: Snapshot) -> Store {
        let member_positions = positions(&snapshot.organization.members);
        Store { served: RwLock::new(Served { snapshot, path, member_positions }) }
    }

    /// Returns the organization for reading.
    pub fn read(&self) -> RwLockReadGuard<'_, Served> {
        // A poisoned lock still holds whole data: `Served::add_members` leaves it whole on every path.
        self.served.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the organization for changing.
    pub fn write(&self) -> RwLockWriteGuard<'_, Served> {
        self.served.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Served {
    /// Returns the organization.
    pub fn organization(&self) -> &Organization {
        &self.snapshot.organization
    }

    /// Returns the member with this member id (`user_id`, or the identity id when it has none).
    pub fn member(&self, member_id: &str) -> Option<&Member> {
        let position = *self.member_positions.get(member_id)?;
        self.snapshot.organization.members.get(position)
    }

    /// Appends `members` and saves the snapshot to its file atomically; on a failed save nothing changes.
    pub fn add_members(&mut self, members: Vec<Member>) -> Result<(), SnapshotError> {
        let before = self.snapshot.organization.members.len();
        self.snapshot.organization.members.extend(members);
        if let Err(error) = self.snapshot.save(&self.path) {
            self.snapshot.organization.members.truncate(before);
            return Err(error);
        }
        let added = &self.snapshot.organization.members[before..];
        for (offset, member) in added.iter().enumerate() {
            self.member_positions.insert(member.member_id().to_owned(), before + offset);
        }
        Ok(())
    }
}

fn positions(members: &[Member]) -> HashMap<String, usize> {
    members.iter().enumerate().map(|(position, member)| (member.member_id().to_owned(), position)).collect()
}

/// Returns who `userinfo` reports: the first org owner by email (R1), or a fixed administrator when the
/// organization has no owner.
pub fn current_user(organization: &Organization) -> UserInfo {
    let resolution = resolve(organization);
    let owner = resolution.org_owners().next().map(|access| resolution.index.member_record(access.member));
    let (id, email, name) = match owner {
        Some(member) => (member.member_id(), member.email.as_str(), member.name.as_str()),
        None => ("usr_permaudit_admin", "admin@permaudit.invalid", "permaudit admin"),
    };
    let organization_id = organization.id.to_string();
    UserInfo {
        id: id.to_owned(),
        email: email.to_owned(),
        name: name.to_owned(),
        username: email.to_owned(),
        verified: true,
        organization_permission_level: "owner".to_owned(),
        organization_ids: vec![organization_id.clone()],
        organizations: vec![OrganizationRef {
            id: organization_id.clone(),
            name: organization_id.clone(),
            public_identifier: organization_id,
            is_general_platform_enabled: false,
            is_private_endpoints_enabled: false,
            is_usage_blocked: false,
        }],
        ld_hash: String::new(),
        ld_hash_fields: Vec::new(),
        pylon_hash: String::new(),
    }
}
