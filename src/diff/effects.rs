//! The effect of each raw change: the effective changes that list it as a cause, `unknown` inside a
//! collection gap, or no effect with the reason, decided with the engine's rules (R1–R4, R8) on the
//! collection where the changed grant, membership or role is present. A change that reaches many
//! members gives the reasons of the first few, in member order, and counts the others.

use super::catalog::{Catalog, Key, Side};
use super::gaps::GapCover;
use super::raw::{Effect, RawKind};
use super::reason::{CapRule, Reason};
use super::records::{Draft, Party};
use super::refs::{ChangeValue, GroupRef, MemberRef};
use super::view::standing_of;
use crate::model::{DirectLevel, OrgRole, Role};
use crate::resolve::{
    describe_base, describe_source, BaseSource, CloudAccess, CloudIx, Entry, GroupIx, MemberAccess, MemberIx, Source,
};

/// A result found, or the reason a change has no effect (boxed: reasons are large and rare).
type Found<T> = Result<T, Box<Reason>>;

/// How many members' reasons a raw change lists; the others are counted.
pub const REASONS_SHOWN: usize = 5;

/// One member that a raw change reaches, and through what.
enum Touch {
    Grant { member: MemberIx, entry: Entry, source: Source },
    Base { member: MemberIx, source: BaseSource },
}

/// The entry a grant reaches: its role, the cap on it, every grant there, what this grant asks for,
/// and the cloud that caps it (the entry's own, or a project's parent).
struct Held<'m> {
    role: Role,
    cap: Option<CapRule>,
    sources: &'m [Source],
    granted: Role,
    cloud: CloudIx,
}

/// Why a grant reaches no role of the member.
enum Unheld {
    OwnerWins,
    UnknownCloud,
    NoParentRole,
    Nothing,
}

impl Unheld {
    fn reason(self, member: MemberRef, resource: crate::diff::ResourceRef) -> Reason {
        match self {
            Unheld::OwnerWins => Reason::OwnerWins { member, cloud: resource },
            Unheld::UnknownCloud => Reason::UnknownCloud { project: resource },
            Unheld::NoParentRole => Reason::NoParentCloudRole { member, project: resource },
            Unheld::Nothing => Reason::NoAccess,
        }
    }
}

/// Decides the effect of raw changes.
pub(crate) struct Effects<'x, 'r, 'a> {
    pub catalog: &'x Catalog<'r, 'a>,
    pub gaps: &'x GapCover,
}

impl Effects<'_, '_, '_> {
    /// Returns the effect of one raw change, given the effective changes that cite it and whether
    /// each of them is known.
    pub fn effect(&self, draft: &Draft, cited: &[(usize, bool)], unknown_gaps: Vec<String>) -> Effect {
        if cited.iter().any(|&(_, known)| known) {
            return Effect::Changes { changes: cited.iter().map(|&(change, _)| change).collect() };
        }
        if !cited.is_empty() {
            return Effect::Unknown { gaps: unknown_gaps };
        }
        let grant =
            matches!(draft.kind, RawKind::DirectLevelAdded | RawKind::DirectLevelRemoved | RawKind::DirectLevelChanged)
                || matches!(
                    draft.kind,
                    RawKind::GroupGrantAdded | RawKind::GroupGrantRemoved | RawKind::GroupGrantChanged
                );
        if let (true, Some(key)) = (grant, draft.resource) {
            let gaps = self.gaps.covering(self.catalog, key);
            if !gaps.is_empty() {
                return Effect::Unknown { gaps };
            }
        }
        let (reasons, more) = self.reasons(draft);
        Effect::None { reasons, more }
    }

    fn reasons(&self, draft: &Draft) -> (Vec<Reason>, usize) {
        if draft.kind == RawKind::ProjectMoved {
            return self.moved_reasons(draft).unwrap_or_else(|reason| (vec![*reason], 0));
        }
        match self.touches(draft) {
            Err(reason) => (vec![*reason], 0),
            Ok((_, touches)) if touches.is_empty() => (vec![self.nobody(draft)], 0),
            Ok((side, touches)) => self.distinct_reasons(side, &touches),
        }
    }

    /// Returns the members a raw change reaches, and through what, on the side where what it adds
    /// is present; or the reason it reaches nothing.
    fn touches(&self, draft: &Draft) -> Found<(Side, Vec<Touch>)> {
        let side = side_of(draft.kind);
        match draft.kind {
            RawKind::Renamed => Err(Box::new(Reason::Renamed)),
            RawKind::PermissionLevelChanged => self.level_touches(draft),
            RawKind::GroupOrgRoleChanged => self.group_org_role_touches(draft),
            RawKind::MembershipAdded | RawKind::MembershipRemoved => self.membership_touches(draft, side),
            RawKind::GroupDeleted | RawKind::GroupRestored => self.group_touches(draft, side),
            RawKind::ResourceCreated | RawKind::ResourceDeleted if draft.group.is_some() => {
                self.group_touches(draft, side)
            }
            RawKind::ResourceCreated | RawKind::ResourceDeleted => Err(Box::new(self.resource_reason(draft, side))),
            RawKind::DirectLevelAdded | RawKind::DirectLevelRemoved | RawKind::DirectLevelChanged => {
                self.direct_touches(draft, side)
            }
            RawKind::GroupGrantAdded | RawKind::GroupGrantRemoved | RawKind::GroupGrantChanged => {
                self.group_grant_touches(draft, side)
            }
            // A member's own record is always an effective change of its own; a move has its reasons.
            RawKind::MemberJoined
            | RawKind::MemberLeft
            | RawKind::EmailChanged
            | RawKind::NameChanged
            | RawKind::ServiceAccountChanged
            | RawKind::ProjectMoved => Err(Box::new(Reason::NoAccess)),
        }
    }

    /// Returns the distinct reasons of the first touches, up to [`REASONS_SHOWN`], and how many
    /// touches were not examined.
    fn distinct_reasons(&self, side: Side, touches: &[Touch]) -> (Vec<Reason>, usize) {
        let mut reasons: Vec<Reason> = Vec::new();
        let mut examined = 0;
        for touch in touches {
            if reasons.len() == REASONS_SHOWN {
                break;
            }
            examined += 1;
            let reason = self.touch_reason(side, touch);
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        (reasons, touches.len() - examined)
    }

    /// The reason when a change reaches nobody.
    fn nobody(&self, draft: &Draft) -> Reason {
        match draft.group.as_ref().and_then(Party::slot) {
            Some(group) => Reason::NoMembers { group: self.catalog.group_ref(group) },
            None => Reason::NoAccess,
        }
    }

    fn level_touches(&self, draft: &Draft) -> Found<(Side, Vec<Touch>)> {
        let member = draft.member.as_ref().and_then(Party::slot).ok_or_else(|| Box::new(Reason::NoAccess))?;
        let level = |value: &ChangeValue| match value {
            ChangeValue::Text(text) => OrgRole::from_permission_level(text),
            _ => None,
        };
        let member_ref = self.catalog.member_ref(member);
        let (side, role) = match (level(&draft.before), level(&draft.after)) {
            (None, None) => return Err(Box::new(Reason::LevelGivesNoRole { member: member_ref })),
            (_, Some(role)) => (Side::New, role),
            (Some(role), None) => (Side::Old, role),
        };
        let index = self.catalog.members.pair(member).on(side).ok_or_else(|| Box::new(Reason::NoAccess))?;
        Ok((side, vec![Touch::Base { member: index, source: BaseSource::PermissionLevel(role) }]))
    }

    fn group_org_role_touches(&self, draft: &Draft) -> Found<(Side, Vec<Touch>)> {
        let side = match draft.after {
            ChangeValue::Standing(super::refs::OrgStanding::None) => Side::Old,
            _ => Side::New,
        };
        let (group, record) = self.live_group(draft, side)?;
        let Some(role) = record.org_role else { return Err(Box::new(Reason::NoAccess)) };
        let members = self.members_of(side, group);
        Ok((
            side,
            members
                .into_iter()
                .map(|member| Touch::Base { member, source: BaseSource::Group { group, role } })
                .collect(),
        ))
    }

    fn membership_touches(&self, draft: &Draft, side: Side) -> Found<(Side, Vec<Touch>)> {
        let member = self.member_on(draft, side)?;
        let (group, _) = self.live_group(draft, side)?;
        let touches = self.holdings(side, group, &[member]);
        if touches.is_empty() {
            return Err(Box::new(Reason::GroupHoldsNothing { group: self.group_ref(draft) }));
        }
        Ok((side, touches))
    }

    fn group_touches(&self, draft: &Draft, side: Side) -> Found<(Side, Vec<Touch>)> {
        let (group, _) = self.live_group(draft, side)?;
        let members = self.members_of(side, group);
        if members.is_empty() {
            return Err(Box::new(Reason::NoMembers { group: self.group_ref(draft) }));
        }
        let touches = self.holdings(side, group, &members);
        if touches.is_empty() {
            return Err(Box::new(Reason::GroupHoldsNothing { group: self.group_ref(draft) }));
        }
        Ok((side, touches))
    }

    fn direct_touches(&self, draft: &Draft, side: Side) -> Found<(Side, Vec<Touch>)> {
        let member = self.member_on(draft, side)?;
        let entry = self.entry_on(draft, side)?;
        let level = match (side, &draft.before, &draft.after) {
            (Side::New, _, ChangeValue::Level(level)) | (Side::Old, ChangeValue::Level(level), _) => *level,
            _ => return Err(Box::new(Reason::NoAccess)),
        };
        Ok((side, vec![Touch::Grant { member, entry, source: Source::Direct(level) }]))
    }

    fn group_grant_touches(&self, draft: &Draft, side: Side) -> Found<(Side, Vec<Touch>)> {
        let (group, _) = self.live_group(draft, side)?;
        let entry = self.entry_on(draft, side)?;
        let role = match (side, &draft.before, &draft.after) {
            (Side::New, _, ChangeValue::Role(role)) | (Side::Old, ChangeValue::Role(role), _) => *role,
            _ => return Err(Box::new(Reason::NoAccess)),
        };
        let source = Source::Group { group, role };
        let members = self.members_of(side, group);
        Ok((side, members.into_iter().map(|member| Touch::Grant { member, entry, source }).collect()))
    }

    /// Why a move changes nothing: every member holding a grant on the project keeps its role.
    fn moved_reasons(&self, draft: &Draft) -> Found<(Vec<Reason>, usize)> {
        let Entry::Project(project) = self.entry_on(draft, Side::New)? else { return Err(Box::new(Reason::NoAccess)) };
        let catalog = self.catalog;
        let index = &catalog.new.index;
        let record = index.project_record(project);
        let mut members: Vec<MemberIx> = record
            .collaborators
            .iter()
            .filter_map(|collaborator| index.member(collaborator.user_id.as_str()))
            .collect();
        for group in record.bindings.iter().flat_map(|binding| &binding.groups) {
            members
                .extend(index.group(group.as_str()).map(|group| self.members_of(Side::New, group)).unwrap_or_default());
        }
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            return Err(Box::new(Reason::NoGrant));
        }
        let resource = catalog.resource_ref(Key::Project(catalog.projects.slot(Side::New, project)));
        let reasons = members.iter().take(REASONS_SHOWN).map(|&member| Reason::Unchanged {
            member: catalog.member_ref(catalog.members.slot(Side::New, member)),
            resource: resource.clone(),
            role: project_role(&catalog.new.members[member as usize], project),
        });
        Ok((reasons.collect(), members.len().saturating_sub(REASONS_SHOWN)))
    }

    fn resource_reason(&self, draft: &Draft, side: Side) -> Reason {
        let Some(entry) = draft.resource.and_then(|key| self.catalog.entry(side, key)) else { return Reason::NoAccess };
        let index = self.catalog.index(side);
        let grants = match entry {
            Entry::Cloud(cloud) => {
                let record = index.cloud_record(cloud);
                record.collaborators.iter().map(|c| c.levels.len()).sum::<usize>() + bindings(&record.bindings)
            }
            Entry::Project(project) => {
                let record = index.project_record(project);
                record.collaborators.len() + bindings(&record.bindings)
            }
        };
        match grants {
            0 => Reason::NoGrant,
            grants => Reason::GrantsWithoutEffect { grants },
        }
    }

    /// Returns the member a change names, on one side, or why there is none.
    fn member_on(&self, draft: &Draft, side: Side) -> Found<MemberIx> {
        match &draft.member {
            Some(Party::Slot(member)) => self
                .catalog
                .members
                .pair(*member)
                .on(side)
                .ok_or_else(|| Box::new(Reason::UnknownMember { member: self.catalog.member_ref(*member) })),
            Some(Party::Unknown(id)) => Err(Box::new(Reason::UnknownMember { member: MemberRef::unknown(id) })),
            None => Err(Box::new(Reason::NoAccess)),
        }
    }

    /// Returns the non-deleted group a change names, on one side, or why there is none.
    fn live_group(&self, draft: &Draft, side: Side) -> Found<(GroupIx, &crate::model::Group)> {
        let unknown = || Box::new(Reason::UnknownGroup { group: self.group_ref(draft) });
        let Some(Party::Slot(slot)) = &draft.group else { return Err(unknown()) };
        let group = self.catalog.groups.pair(*slot).on(side).ok_or_else(unknown)?;
        let record = self.catalog.index(side).group_record(group);
        if record.is_deleted() {
            return Err(Box::new(Reason::DeletedGroup { group: self.group_ref(draft) }));
        }
        Ok((group, record))
    }

    /// Returns the entry a change is about, on one side, or why its grants count for nothing.
    fn entry_on(&self, draft: &Draft, side: Side) -> Found<Entry> {
        let key = draft.resource.ok_or_else(|| Box::new(Reason::NoAccess))?;
        let entry = self.catalog.entry(side, key).ok_or_else(|| Box::new(Reason::NoAccess))?;
        if let Entry::Project(project) = entry {
            if self.catalog.side(side).graph.project_parent(project).is_none() {
                return Err(Box::new(Reason::UnknownCloud { project: self.catalog.resource_ref(key) }));
            }
        }
        Ok(entry)
    }

    fn group_ref(&self, draft: &Draft) -> GroupRef {
        match &draft.group {
            Some(Party::Slot(slot)) => self.catalog.group_ref(*slot),
            Some(Party::Unknown(id)) => GroupRef { id: id.clone(), name: String::new(), old_name: None },
            None => GroupRef { id: String::new(), name: String::new(), old_name: None },
        }
    }

    /// Returns a group's members on one side, in member order, each once.
    fn members_of(&self, side: Side, group: GroupIx) -> Vec<MemberIx> {
        let mut members: Vec<MemberIx> = self.catalog.side(side).graph.members_of(group).collect();
        members.sort_unstable();
        members.dedup();
        members
    }

    /// Returns everything a group gives each of `members`: its grants, then its org role.
    fn holdings(&self, side: Side, group: GroupIx, members: &[MemberIx]) -> Vec<Touch> {
        let resolution = self.catalog.side(side);
        let grants: Vec<(Entry, Role)> = resolution.graph.group_grants(group).collect();
        let org_role = resolution.index.group_record(group).org_role;
        let mut touches = Vec::new();
        for &member in members {
            for &(entry, role) in &grants {
                touches.push(Touch::Grant { member, entry, source: Source::Group { group, role } });
            }
            if let Some(role) = org_role {
                touches.push(Touch::Base { member, source: BaseSource::Group { group, role } });
            }
        }
        touches
    }

    fn touch_reason(&self, side: Side, touch: &Touch) -> Reason {
        match *touch {
            Touch::Grant { member, entry, source } => self.grant_reason(side, member, entry, source),
            Touch::Base { member, source } => self.base_reason(side, member, source),
        }
    }

    /// Why one grant changes nothing for one member, on the side where it is present.
    fn grant_reason(&self, side: Side, member: MemberIx, entry: Entry, source: Source) -> Reason {
        let catalog = self.catalog;
        let resolution = catalog.side(side);
        let access = &resolution.members[member as usize];
        let member_ref = catalog.member_ref(catalog.members.slot(side, member));
        let resource = catalog.resource_ref(catalog.key(side, entry));
        if !access.has_base() {
            return Reason::NoBaseRole { member: member_ref };
        }
        let held = match self.held_entry(side, access, entry, source) {
            Ok(held) => held,
            Err(why) => return why.reason(member_ref, resource),
        };
        if let Some(rule) = held.cap.filter(|_| held.granted > held.role) {
            let cloud = catalog.cloud_ref(resolution.index.cloud_record(held.cloud).id.as_str());
            return Reason::Capped { member: member_ref, resource, role: held.role, rule, cloud };
        }
        let through: Vec<String> = held
            .sources
            .iter()
            .filter(|&&other| other != source)
            .map(|&other| describe_source(&resolution.index, other))
            .collect();
        match (through.is_empty(), entry, source) {
            (true, Entry::Cloud(_), Source::Group { role: Role::Owner, .. }) => {
                Reason::GroupOwnerOnCloud { member: member_ref, cloud: resource }
            }
            (true, _, _) => Reason::Unchanged { member: member_ref, resource, role: Some(held.role) },
            (false, _, _) => {
                Reason::Held { member: member_ref, resource, role: held.role, through, kept: side == Side::Old }
            }
        }
    }

    /// Returns the member's entry that a grant reaches, or why the grant counts for nothing there.
    fn held_entry<'m>(
        &self,
        side: Side,
        access: &'m MemberAccess,
        entry: Entry,
        source: Source,
    ) -> Result<Held<'m>, Unheld> {
        let cloud_of = |cloud| access.clouds.iter().find(|access| access.cloud == cloud);
        match entry {
            Entry::Cloud(cloud) => {
                let found = cloud_of(cloud).ok_or(Unheld::Nothing)?;
                let owner = found.sources.contains(&Source::Direct(DirectLevel::Owner));
                if source == Source::Direct(DirectLevel::Readonly) && owner {
                    return Err(Unheld::OwnerWins);
                }
                let cap = found.cap.map(|_| CapRule::DirectReadonly);
                Ok(Held { role: found.role, cap, sources: &found.sources, granted: source.on_cloud(), cloud })
            }
            Entry::Project(project) => {
                let parent = self.catalog.side(side).graph.project_parent(project).ok_or(Unheld::UnknownCloud)?;
                let found = cloud_of(parent).ok_or(Unheld::NoParentRole)?;
                let found = project_of(found, project).ok_or(Unheld::Nothing)?;
                let cap = found.cap.map(|_| CapRule::ReadonlyCloud);
                Ok(Held { role: found.role, cap, sources: &found.sources, granted: source.granted(), cloud: parent })
            }
        }
    }

    /// Why one org-role source changes nothing for one member, on the side where it is present.
    fn base_reason(&self, side: Side, member: MemberIx, source: BaseSource) -> Reason {
        let catalog = self.catalog;
        let resolution = catalog.side(side);
        let access = &resolution.members[member as usize];
        let member_ref = catalog.member_ref(catalog.members.slot(side, member));
        if member_ref.is_service_account && source.role() == OrgRole::Owner {
            return Reason::ServiceAccountNeverOwner { member: member_ref };
        }
        let through: Vec<String> = access
            .base
            .iter()
            .filter(|&&other| other != source)
            .map(|&other| describe_base(&resolution.index, other))
            .collect();
        Reason::OrgRoleHeld {
            member: member_ref,
            standing: standing_of(access.has_base(), access.is_org_owner),
            through,
        }
    }
}

/// Returns the side where what a raw change adds is present: the new one, except for removals.
fn side_of(kind: RawKind) -> Side {
    match kind {
        RawKind::MemberLeft
        | RawKind::ResourceDeleted
        | RawKind::GroupDeleted
        | RawKind::MembershipRemoved
        | RawKind::DirectLevelRemoved
        | RawKind::GroupGrantRemoved => Side::Old,
        _ => Side::New,
    }
}

fn bindings(bindings: &[crate::model::Binding]) -> usize {
    bindings.iter().map(|binding| binding.groups.len()).sum()
}

fn project_of(cloud: &CloudAccess, project: u32) -> Option<&crate::resolve::ProjectAccess> {
    cloud.projects.iter().find(|access| access.project == project)
}

fn project_role(access: &MemberAccess, project: u32) -> Option<Role> {
    access.clouds.iter().find_map(|cloud| project_of(cloud, project)).map(|access| access.role)
}
