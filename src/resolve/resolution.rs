//! The engine's result for one organization: every member's access, computed in parallel with
//! [`member_access`], and every anomaly found in the data and on the way.

use super::access::{member_access, MemberAccess, Reach};
use super::anomaly::Anomaly;
use super::graph::AccessGraph;
use super::index::OrgIndex;
use super::ix::MemberIx;
use super::rules::{org_standing, BaseGrants};
use crate::model::email_key;
use rayon::prelude::*;

/// Why no single member answers to an id or email.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("`{wanted}` is neither a member id nor a member email in organization `{organization}`; `permaudit user list --collaborator-type all_accounts --max-items 1000` lists every member")]
    NotFound { wanted: String, organization: String },
    #[error("email `{wanted}` belongs to {} members ({}); pass one of these member ids instead", ids.len(), ids.join(", "))]
    Ambiguous { wanted: String, ids: Vec<String> },
}

/// The engine's result for one organization.
pub struct Resolution<'a> {
    pub index: OrgIndex<'a>,
    pub graph: AccessGraph,
    /// One entry per member, in output order (email, then id).
    pub members: Vec<MemberAccess>,
    /// Every anomaly, grouped by kind; within a kind, in graph-building order, then member order.
    pub anomalies: Vec<Anomaly>,
}

/// The engine ready to resolve members one at a time: the graph built and the organization-wide
/// anomalies found, no member resolved yet. A writer that needs each member's access only once (such as
/// list-permissions) resolves members as it writes them instead of holding every member's access.
pub struct Engine<'a> {
    pub index: OrgIndex<'a>,
    pub graph: AccessGraph,
    /// The anomalies of the graph's references and of shared emails; each member's come with its access.
    pub anomalies: Vec<Anomaly>,
}

impl<'a> Engine<'a> {
    /// Builds the graph and finds the organization-wide anomalies.
    pub fn new(index: OrgIndex<'a>) -> Engine<'a> {
        let (graph, mut anomalies) = AccessGraph::build(&index);
        anomalies.extend(index.shared_emails().into_iter().map(|members| Anomaly::DuplicateEmail { members }));
        Engine { index, graph, anomalies }
    }

    /// Resolves one member, as [`Resolution::compute`] does for every member.
    pub fn member_access(&self, member: MemberIx) -> (MemberAccess, Vec<Anomaly>) {
        member_access(self.graph.reach(&self.index, member), self.graph.project_parents())
    }

    /// Returns true when the member is an org owner (R1), without resolving its clouds and projects.
    pub fn is_org_owner(&self, member: MemberIx) -> bool {
        let base = self.graph.base_sources(&self.index, member);
        let is_service_account = self.index.member_record(member).is_service_account;
        org_standing(&BaseGrants::of(&base), is_service_account).is_org_owner
    }

    /// Resolves every member in parallel; the result does not depend on the number of threads.
    pub fn resolve(self) -> Resolution<'a> {
        let Engine { index, graph, mut anomalies } = self;
        let resolved: Vec<(MemberAccess, Vec<Anomaly>)> = (0..index.members.len() as MemberIx)
            .into_par_iter()
            .map(|member| member_access(graph.reach(&index, member), graph.project_parents()))
            .collect();
        let mut members = Vec::with_capacity(resolved.len());
        for (access, found) in resolved {
            members.push(access);
            anomalies.extend(found);
        }
        // Anomalies arrive in a deterministic order (build order, then member order); a stable sort by
        // kind groups them without comparing strings.
        anomalies.par_sort_by_key(|anomaly| anomaly.kind());
        Resolution { index, graph, members, anomalies }
    }
}

impl<'a> Resolution<'a> {
    /// Resolves every member in parallel; the result does not depend on the number of threads.
    pub fn compute(index: OrgIndex<'a>) -> Resolution<'a> {
        Engine::new(index).resolve()
    }

    /// Returns the organization's id.
    pub fn organization_id(&self) -> &'a str {
        self.index.organization.id.as_str()
    }

    /// Returns the org owners (R1), in output order.
    pub fn org_owners(&self) -> impl Iterator<Item = &MemberAccess> {
        self.members.iter().filter(|access| access.is_org_owner)
    }

    /// Returns the members listed in `users` (R5): those with at least one cloud entry.
    pub fn listed_members(&self) -> impl Iterator<Item = &MemberAccess> {
        self.members.iter().filter(|access| !access.clouds.is_empty())
    }

    /// Returns the access of the member with this member id.
    pub fn member(&self, member_id: &str) -> Option<&MemberAccess> {
        let member = self.index.member(member_id)?;
        self.members.get(member as usize)
    }

    /// Finds a member by member id, else by email (compared case-insensitively); an email that several
    /// member ids share is an error that lists them.
    pub fn find_member(&self, wanted: &str) -> Result<&MemberAccess, LookupError> {
        if let Some(access) = self.member(wanted) {
            return Ok(access);
        }
        let key = email_key(wanted);
        let matches: Vec<&MemberAccess> = self
            .members
            .iter()
            .filter(|access| email_key(&self.index.member_record(access.member).email) == key)
            .collect();
        match matches.as_slice() {
            [access] => Ok(access),
            [] => Err(LookupError::NotFound {
                wanted: wanted.to_owned(),
                organization: self.organization_id().to_owned(),
            }),
            several => Err(LookupError::Ambiguous {
                wanted: wanted.to_owned(),
                ids: several
                    .iter()
                    .map(|access| self.index.member_record(access.member).member_id().to_owned())
                    .collect(),
            }),
        }
    }

    /// Returns everything that reaches a member, as the engine computed its access from.
    pub fn reach(&self, member: MemberIx) -> Reach {
        self.graph.reach(&self.index, member)
    }
}
