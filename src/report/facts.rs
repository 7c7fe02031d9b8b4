//! The audit facts shared by every report (CSV, HTML, explanations, offboarding): a member's org role
//! and where it comes from, the paths behind each effective role in words and ids, the caps that lowered
//! a role, and the anomalies that concern a member or one of its entries.

use crate::model::{OrgRole, Role};
use crate::resolve::{
    describe_base, describe_cap, Anomaly, AnomalyScope, CloudAccess, CloudIx, GroupIx, MemberAccess, MemberIx,
    OrgIndex, ProjectAccess, ProjectIx, Resolution, Source,
};
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;

/// Returns the member's effective organization role: `owner`, `collaborator` or `none` (R1, R2).
///
/// A service account recorded as owner keeps base access but is no org owner, so it reads `collaborator`.
pub fn org_role(access: &MemberAccess) -> &'static str {
    if access.is_org_owner {
        OrgRole::Owner.as_str()
    } else if access.base.is_empty() {
        "none"
    } else {
        OrgRole::Collaborator.as_str()
    }
}

/// Returns where the member's org role comes from: `permission_level owner; group admins (ug_admins): owner`.
pub fn org_role_sources(index: &OrgIndex<'_>, access: &MemberAccess) -> String {
    let sources: Vec<String> = access.base.iter().map(|&base| describe_base(index, base)).collect();
    sources.join("; ")
}

/// Returns why a member with no entry has no access, for the one row such a member gets.
pub fn no_access_reason(access: &MemberAccess) -> &'static str {
    if access.is_org_owner {
        "org owner: implicit access to every cloud and project, no explicit grant"
    } else if access.base.is_empty() {
        "no base role: grants give nothing (R2)"
    } else {
        "no grant on any cloud"
    }
}

/// Returns the direct levels among the paths: `owner; readonly`.
pub fn direct_levels(sources: &[Source]) -> String {
    let mut levels = String::new();
    let direct = sources.iter().filter_map(|source| match source {
        Source::Direct(level) => Some(level.as_str()),
        Source::Group { .. } => None,
    });
    for (position, level) in direct.enumerate() {
        push_separator(&mut levels, position);
        levels.push_str(level);
    }
    levels
}

/// Returns the group grants among the paths: `ml (ug_1): collaborator; platform (ug_platform): owner`.
pub fn group_grants(index: &OrgIndex<'_>, sources: &[Source]) -> String {
    let mut grants = String::new();
    let groups = sources.iter().filter_map(|source| match *source {
        Source::Group { group, role } => Some((group, role)),
        Source::Direct(_) => None,
    });
    for (position, (group, role)) in groups.enumerate() {
        push_separator(&mut grants, position);
        push_group_grant(&mut grants, index, group, role);
    }
    grants
}

/// Returns one group grant in words: `ml (ug_1): collaborator`.
pub fn describe_group_grant(index: &OrgIndex<'_>, group: GroupIx, role: Role) -> String {
    let mut grant = String::new();
    push_group_grant(&mut grant, index, group, role);
    grant
}

/// Appends one group grant in words to `text`, as [`describe_group_grant`] returns it.
fn push_group_grant(text: &mut String, index: &OrgIndex<'_>, group: GroupIx, role: Role) {
    let record = index.group_record(group);
    // Writing into a String cannot fail.
    let _ = write!(text, "{} ({}): {role}", record.name, record.id);
}

/// Appends the `; ` that separates the items of a list before every item but the first.
fn push_separator(text: &mut String, position: usize) {
    if position > 0 {
        text.push_str("; ");
    }
}

/// Returns why a cloud role is lower than its best grant (R3), if a rule lowered it.
pub fn cloud_cap(index: &OrgIndex<'_>, cloud: &CloudAccess) -> Option<String> {
    Some(describe_cap(index, cloud.cap?, cloud.role, cloud.cloud))
}

/// Returns why a project role is lower than its best grant (R4), if the cloud's readonly role capped it.
pub fn project_cap(index: &OrgIndex<'_>, cloud: &CloudAccess, project: &ProjectAccess) -> Option<String> {
    Some(describe_cap(index, project.cap?, project.role, cloud.cloud))
}

/// Returns the highest explicit role a member holds anywhere, if any.
pub fn highest_role(access: &MemberAccess) -> Option<Role> {
    access.roles().max()
}

/// Returns how many cloud and project entries a member has.
pub fn entry_counts(access: &MemberAccess) -> (usize, usize) {
    let projects = access.clouds.iter().map(|cloud| cloud.projects.len()).sum();
    (access.clouds.len(), projects)
}

/// The anomalies of a resolution, looked up by the member or the entry they concern.
pub struct AnomalyLookup<'r> {
    by_member: HashMap<MemberIx, Vec<&'r Anomaly>>,
    group_owner_on_cloud: HashMap<(GroupIx, CloudIx), &'r Anomaly>,
}

impl<'r> AnomalyLookup<'r> {
    /// Indexes every anomaly that names a member, and every group owner binding on a cloud.
    pub fn new(resolution: &'r Resolution<'_>) -> AnomalyLookup<'r> {
        let all: Vec<&'r Anomaly> = resolution.anomalies.iter().collect();
        AnomalyLookup::of(&all)
    }

    /// Indexes some anomalies (those a report holds), as [`AnomalyLookup::new`] indexes all of them.
    pub fn of(anomalies: &[&'r Anomaly]) -> AnomalyLookup<'r> {
        let mut by_member: HashMap<MemberIx, Vec<&'r Anomaly>> = HashMap::default();
        let mut group_owner_on_cloud = HashMap::default();
        for &anomaly in anomalies {
            for &member in anomaly.members() {
                by_member.entry(member).or_default().push(anomaly);
            }
            if let Anomaly::GroupOwnerOnCloud { group, cloud } = *anomaly {
                group_owner_on_cloud.insert((group, cloud), anomaly);
            }
        }
        AnomalyLookup { by_member, group_owner_on_cloud }
    }

    /// Returns every anomaly that names this member, in the resolution's order.
    pub fn of_member(&self, member: MemberIx) -> &[&'r Anomaly] {
        self.by_member.get(&member).map_or(&[], Vec::as_slice)
    }

    /// Returns the anomalies about the member as a whole (not about one of its entries).
    pub fn member_wide(&self, member: MemberIx) -> Vec<&'r Anomaly> {
        self.of_entry(member, |anomaly| anomaly.kind().scope() == AnomalyScope::Member)
    }

    /// Returns the anomalies behind one cloud entry: those about the entry, the group owner bindings
    /// among its paths, and those about the whole member.
    pub fn of_cloud_entry(&self, member: MemberIx, cloud: &CloudAccess) -> Vec<&'r Anomaly> {
        let mut found = self.of_entry(member, |anomaly| match anomaly.kind().scope() {
            AnomalyScope::CloudEntry => anomaly.cloud() == Some(cloud.cloud),
            AnomalyScope::Member => true,
            AnomalyScope::ProjectEntry | AnomalyScope::Data => false,
        });
        for source in &cloud.sources {
            if let Source::Group { group, .. } = *source {
                found.extend(self.group_owner_on_cloud.get(&(group, cloud.cloud)).copied());
            }
        }
        found
    }

    /// Returns the anomalies behind one project entry: those about the entry, and those about the
    /// whole member.
    pub fn of_project_entry(&self, member: MemberIx, project: ProjectIx) -> Vec<&'r Anomaly> {
        self.of_entry(member, |anomaly| match anomaly.kind().scope() {
            AnomalyScope::ProjectEntry => anomaly.project() == Some(project),
            AnomalyScope::Member => true,
            AnomalyScope::CloudEntry | AnomalyScope::Data => false,
        })
    }

    fn of_entry(&self, member: MemberIx, keep: impl Fn(&Anomaly) -> bool) -> Vec<&'r Anomaly> {
        self.of_member(member).iter().copied().filter(|anomaly| keep(anomaly)).collect()
    }
}

/// Returns the distinct codes of some anomalies, in the order met: `readonly-restriction; ...`.
pub fn anomaly_codes(anomalies: &[&Anomaly]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for anomaly in anomalies {
        let code = anomaly.kind().code();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.join("; ")
}
