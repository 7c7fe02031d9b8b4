//! Findings in words, built only when a report renders them: the members and resource a finding names,
//! the effective role, the access paths that cause it (direct grants, groups, caps, implicit org
//! ownership), a sentence, and the concrete fix.

use super::catalog::capitalized;
use super::checks::joined_on;
use super::definition::ControlKind;
use super::evaluate::{Evaluation, ExemptionState};
use super::finding::{anomaly, Evidence, Finding, FindingStatus, Resource};
use crate::model::{GroupSource, OrgRole, Role, Severity};
use crate::resolve::{
    describe_base, describe_cap, describe_source, Anomaly, BaseSource, Cap, CloudIx, Entry, GroupIx, MemberAccess,
    MemberIx, ProjectIx, Resolution, Source,
};
use serde::Serialize;
use std::borrow::Cow;

/// A member a finding names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRef<'e> {
    pub id: &'e str,
    pub email: &'e str,
    pub name: &'e str,
}

/// A resource a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceRef<'e> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: Cow<'e, str>,
    pub name: &'e str,
}

/// The exemption that mutes a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExemptionRef<'e> {
    pub label: String,
    pub id: Option<&'e str>,
    pub number: usize,
    pub reason: &'e str,
    pub expires: String,
    pub approved_by: &'e str,
}

/// One finding, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingView<'e> {
    pub control: &'e str,
    #[serde(skip)]
    pub control_title: &'e str,
    pub severity: Severity,
    pub status: &'static str,
    pub muted: bool,
    pub exemption: Option<ExemptionRef<'e>>,
    pub members: Vec<MemberRef<'e>>,
    /// The resources the finding is about, in output order: one, none for a finding about members as a
    /// whole, or every project of a member's finding of a per-project anomaly.
    pub resources: Vec<ResourceRef<'e>>,
    /// The effective role on the resource (the org role for a finding about a member as a whole; for
    /// several resources, their role when they share one).
    pub role: Option<&'static str>,
    pub paths: Vec<String>,
    pub detail: String,
    pub remediation: String,
}

/// The words that depend on the evidence.
struct Words {
    role: Option<&'static str>,
    paths: Vec<String>,
    detail: String,
    remediation: String,
}

impl<'r, 'a: 'r> Evaluation<'r, 'a> {
    /// Returns a finding in words.
    pub fn view<'e>(&'e self, finding: &'e Finding) -> FindingView<'e> {
        let control = self.control_of(finding);
        let resolution = self.request.resolution;
        let members = finding.evidence.members(resolution).iter().map(|&member| member_ref(resolution, member));
        let resources = finding.evidence.resources(resolution).into_iter().map(|resource| self.resource_ref(resource));
        let words = self.words(finding);
        FindingView {
            control: &control.definition.id,
            control_title: &control.definition.title,
            severity: control.definition.severity,
            status: FindingStatus::of(control.definition.severity).as_str(),
            muted: finding.muted_by.is_some(),
            exemption: self.exemption_of(finding).map(|exemption| ExemptionRef {
                label: exemption.label(),
                id: exemption.id.as_deref(),
                number: exemption.number,
                reason: &exemption.reason,
                expires: exemption.expires.to_string(),
                approved_by: &exemption.approved_by,
            }),
            members: members.collect(),
            resources: resources.collect(),
            role: words.role,
            paths: words.paths,
            detail: words.detail,
            remediation: words.remediation,
        }
    }

    fn resource_ref(&self, resource: Resource) -> ResourceRef<'r> {
        let index = &self.request.resolution.index;
        match resource {
            Resource::Organization => ResourceRef {
                kind: "organization",
                id: Cow::Borrowed(self.request.resolution.organization_id()),
                name: "",
            },
            Resource::Cloud(cloud) => {
                let record = index.cloud_record(cloud);
                ResourceRef { kind: "cloud", id: Cow::Borrowed(record.id.as_str()), name: &record.name }
            }
            Resource::Project(project) => {
                let record = index.project_record(project);
                ResourceRef { kind: "project", id: Cow::Borrowed(record.id.as_str()), name: &record.name }
            }
            Resource::Group(group) => {
                let record = index.group_record(group);
                ResourceRef { kind: "group", id: Cow::Borrowed(record.id.as_str()), name: &record.name }
            }
            Resource::Exemption(position) => {
                let exemption = &self.request.exemptions.list[position as usize];
                ResourceRef { kind: "exemption", id: Cow::Owned(exemption.label()), name: "" }
            }
            Resource::Unknown(subject) => {
                ResourceRef { kind: subject.kind.as_str(), id: Cow::Owned(subject.id), name: "" }
            }
        }
    }

    fn words(&self, finding: &Finding) -> Words {
        let resolution = self.request.resolution;
        let control = self.control_of(finding);
        let template = &control.definition.remediation;
        match &finding.evidence {
            Evidence::OrgOwners { owners } => self.org_owners(owners, template),
            Evidence::ServiceAccountOwnerRecord { member } => service_account_record(resolution, *member),
            Evidence::Entry { member, entry, limit } => {
                let rule = match control.definition.kind {
                    ControlKind::Rule(_) => Some(control.definition.id.as_str()),
                    ControlKind::Catalog(_) => None,
                };
                entry_words(resolution, *member, *entry, *limit, rule)
            }
            Evidence::ImplicitOwner { member, entry, limit } => {
                implicit_owner(resolution, *member, *entry, *limit, &control.definition.id)
            }
            Evidence::DirectGrants { member, entry } => direct_grants(resolution, *member, *entry),
            Evidence::ForeignEmail { member } => self.foreign_email(*member, template),
            Evidence::StaleMember { member } => self.stale_member(*member, template),
            Evidence::NoOwner { entry } => no_owner(resolution, *entry, self.org_owners),
            Evidence::CloudOwners { cloud, owners } => self.cloud_owners(*cloud, owners, template),
            Evidence::Anomaly(position) => anomaly_words(resolution, *position, template),
            Evidence::MemberAnomalies { member, anomalies } => {
                member_anomalies_words(resolution, *member, anomalies, template)
            }
            Evidence::Exemption(position) => self.exemption_words(*position, &control.definition.remediation),
        }
    }

    fn org_owners(&self, owners: &[MemberIx], template: &str) -> Words {
        let resolution = self.request.resolution;
        let bounds = self.request.policy.org_owners;
        let paths = owners.iter().map(|&member| owner_path(resolution, member)).collect();
        let side = if (owners.len() as u64) < u64::from(bounds.min) { "fewer" } else { "more" };
        Words {
            role: None,
            paths,
            detail: format!(
                "the organization has {} org owners, {side} than the policy's bounds {}..{} allow",
                owners.len(),
                bounds.min,
                bounds.max
            ),
            remediation: template.to_owned(),
        }
    }

    fn foreign_email(&self, member: MemberIx, template: &str) -> Words {
        let record = self.request.resolution.index.member_record(member);
        let domains: Vec<&str> =
            self.request.policy.allowed_email_domains.iter().map(|pattern| pattern.as_str()).collect();
        let detail = format!("`{}` is not an address of the allowed domains ({})", record.email, domains.join(", "));
        self.member_words(member, detail, template)
    }

    fn stale_member(&self, member: MemberIx, template: &str) -> Words {
        let record = self.request.resolution.index.member_record(member);
        let joined = joined_on(&record.created_at);
        let days = joined.map_or(0, |joined| (self.request.today - joined).num_days());
        let detail = format!(
            "`{}` joined on {} ({days} days before {}) and has a base role but no access to any cloud",
            record.email,
            joined.map_or_else(String::new, |joined| joined.to_string()),
            self.request.today
        );
        self.member_words(member, detail, template)
    }

    /// Returns the words of a finding about a member as a whole: its org role and where it comes from.
    fn member_words(&self, member: MemberIx, detail: String, template: &str) -> Words {
        let resolution = self.request.resolution;
        let access = &resolution.members[member as usize];
        let paths = access.base.iter().map(|&base| format!("org role: {}", describe_base(&resolution.index, base)));
        Words { role: Some(org_role(access)), paths: paths.collect(), detail, remediation: template.to_owned() }
    }

    fn cloud_owners(&self, cloud: CloudIx, owners: &[MemberIx], template: &str) -> Words {
        let resolution = self.request.resolution;
        let paths = owners
            .iter()
            .map(|&member| {
                let causes = entry_of(resolution, member, Entry::Cloud(cloud))
                    .map(|held| causes(resolution, &held, Some(Role::Collaborator)))
                    .unwrap_or_default();
                format!("{}: {}", member_label(resolution, member), causes.join("; "))
            })
            .collect();
        let record = resolution.index.cloud_record(cloud);
        Words {
            role: Some(Role::Owner.as_str()),
            paths,
            detail: format!(
                "cloud `{}` ({}) has {} explicit owners, more than the {} the policy allows",
                record.name,
                record.id,
                owners.len(),
                self.request.policy.max_owners_per_cloud
            ),
            remediation: fill(resolution, template, Some(Entry::Cloud(cloud))),
        }
    }

    fn exemption_words(&self, position: u32, remediation: &str) -> Words {
        let exemption = &self.request.exemptions.list[position as usize];
        let scope = [("member", exemption.member.as_ref()), ("resource", exemption.resource.as_ref())]
            .into_iter()
            .filter_map(|(key, pattern)| pattern.map(|pattern| format!("{key} `{}`", pattern.as_str())))
            .collect::<Vec<_>>();
        let scope = if scope.is_empty() { "every finding".to_owned() } else { scope.join(", ") };
        let what = match self.exemption_states.get(position as usize) {
            Some(ExemptionState::Expired) => {
                format!("expired on {}; the findings it covers are no longer muted", exemption.expires)
            }
            _ => "matches no finding".to_owned(),
        };
        Words {
            role: None,
            paths: vec![format!(
                "{} of control `{}` ({scope}): \"{}\", approved by {}, expires {}",
                exemption.label(),
                exemption.control,
                exemption.reason,
                exemption.approved_by,
                exemption.expires
            )],
            detail: format!("{} for control `{}` {what}", exemption.label(), exemption.control),
            remediation: remediation.to_owned(),
        }
    }
}

/// A member's role on one resource, with the grants behind it.
struct Held<'r> {
    entry: Entry,
    role: Role,
    sources: &'r [Source],
    cap: Option<Cap>,
    cloud: CloudIx,
}

/// Returns the member's entry on a cloud or project, if it has one.
fn entry_of<'r>(resolution: &'r Resolution<'_>, member: MemberIx, entry: Entry) -> Option<Held<'r>> {
    let access = resolution.members.get(member as usize)?;
    let cloud_ix = match entry {
        Entry::Cloud(cloud) => cloud,
        Entry::Project(project) => resolution.graph.project_parent(project)?,
    };
    let cloud = &access.clouds[access.clouds.binary_search_by_key(&cloud_ix, |held| held.cloud).ok()?];
    match entry {
        Entry::Cloud(_) => {
            Some(Held { entry, role: cloud.role, sources: &cloud.sources, cap: cloud.cap, cloud: cloud_ix })
        }
        Entry::Project(project) => {
            let held = &cloud.projects[cloud.projects.binary_search_by_key(&project, |held| held.project).ok()?];
            Some(Held { entry, role: held.role, sources: &held.sources, cap: held.cap, cloud: cloud_ix })
        }
    }
}

/// Returns the paths that give more than `limit`, each in words, then the cap if one applies.
fn causes(resolution: &Resolution<'_>, held: &Held<'_>, limit: Option<Role>) -> Vec<String> {
    let index = &resolution.index;
    let mut paths: Vec<String> = held
        .sources
        .iter()
        .filter(|&&source| Some(counted(held.entry, source)) > limit)
        .map(|&source| describe_source(index, source))
        .collect();
    paths.extend(held.cap.map(|cap| describe_cap(index, cap, held.role, held.cloud)));
    paths
}

/// Returns every path of an entry, then its cap.
fn all_paths(resolution: &Resolution<'_>, held: &Held<'_>) -> Vec<String> {
    causes(resolution, held, None)
}

/// Returns the role a grant counts for on the entry: on a cloud a group owner counts as collaborator.
fn counted(entry: Entry, source: Source) -> Role {
    match entry {
        Entry::Cloud(_) => source.on_cloud(),
        Entry::Project(_) => source.granted(),
    }
}

fn entry_words(
    resolution: &Resolution<'_>,
    member: MemberIx,
    entry: Entry,
    limit: Option<Role>,
    rule: Option<&str>,
) -> Words {
    let label = member_label(resolution, member);
    let place = entry_label(resolution, entry);
    let Some(held) = entry_of(resolution, member, entry) else {
        return Words {
            role: None,
            paths: Vec::new(),
            detail: format!("{label} has no role on {place}"),
            remediation: String::new(),
        };
    };
    let cause_sources: Vec<Source> =
        held.sources.iter().copied().filter(|&source| Some(counted(entry, source)) > limit).collect();
    let fixes: Vec<String> = cause_sources.iter().map(|&source| revoke_source(resolution, entry, source)).collect();
    let mut remediation = steps(&fixes);
    let allowed = limit.map_or_else(|| "no access".to_owned(), |role| format!("at most {role}"));
    let detail = match rule {
        Some(rule) => {
            remediation
                .push_str(&format!(" If the member should hold it, name it or its group in `allow` of rule `{rule}`."));
            format!("{label} is {} on {place}; rule `{rule}` allows it {allowed}", held.role)
        }
        None => format!("service account {label} is {} on {place}", held.role),
    };
    Words { role: Some(held.role.as_str()), paths: causes(resolution, &held, limit), detail, remediation }
}

fn implicit_owner(
    resolution: &Resolution<'_>,
    member: MemberIx,
    entry: Entry,
    limit: Option<Role>,
    rule: &str,
) -> Words {
    let access = &resolution.members[member as usize];
    let index = &resolution.index;
    let owner_bases: Vec<BaseSource> =
        access.base.iter().copied().filter(|base| base.role() == OrgRole::Owner).collect();
    let through: Vec<String> = owner_bases.iter().map(|&base| describe_base(index, base)).collect();
    let fixes: Vec<String> = owner_bases.iter().map(|&base| revoke_base(resolution, base)).collect();
    let allowed = limit.map_or_else(|| "no access".to_owned(), |role| format!("at most {role}"));
    Words {
        role: Some(Role::Owner.as_str()),
        paths: vec![format!("implicit owner: org owner through {}", through.join("; "))],
        detail: format!(
            "{} is an org owner, so implicitly owner of {}; rule `{rule}` allows it {allowed}",
            member_label(resolution, member),
            entry_label(resolution, entry)
        ),
        remediation: format!(
            "End the org ownership: {}. Or name the member or its group in `allow` of rule `{rule}`.",
            fixes.join("; ")
        ),
    }
}

fn direct_grants(resolution: &Resolution<'_>, member: MemberIx, entry: Entry) -> Words {
    let mut levels: Vec<Source> = resolution
        .graph
        .direct_grants(member)
        .filter(|&(held, _)| held == entry)
        .map(|(_, level)| Source::Direct(level))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let index = &resolution.index;
    let paths: Vec<String> = levels.iter().map(|&source| describe_source(index, source)).collect();
    let fixes: Vec<String> = levels.iter().map(|&source| revoke_source(resolution, entry, source)).collect();
    let role = entry_of(resolution, member, entry).map(|held| held.role.as_str());
    Words {
        role,
        detail: format!(
            "{} holds {} on {} in an organization managed through groups only",
            member_label(resolution, member),
            paths.join(" and "),
            entry_label(resolution, entry)
        ),
        paths,
        remediation: format!(
            "Grant the access through a group that the identity provider provisions (SCIM), then {}.",
            fixes.join("; ")
        ),
    }
}

fn service_account_record(resolution: &Resolution<'_>, member: MemberIx) -> Words {
    let access = &resolution.members[member as usize];
    let index = &resolution.index;
    let owner_bases: Vec<BaseSource> =
        access.base.iter().copied().filter(|base| base.role() == OrgRole::Owner).collect();
    let paths: Vec<String> =
        owner_bases.iter().map(|&base| format!("org role: {}", describe_base(index, base))).collect();
    let fixes: Vec<String> = owner_bases.iter().map(|&base| revoke_base(resolution, base)).collect();
    Words {
        role: Some(org_role(access)),
        detail: format!(
            "service account {} is recorded as an org owner; service accounts are never org owners (R1)",
            member_label(resolution, member)
        ),
        paths,
        remediation: steps(&fixes),
    }
}

fn no_owner(resolution: &Resolution<'_>, entry: Entry, owners: usize) -> Words {
    let label = entry_label(resolution, entry);
    let index = &resolution.index;
    let remediation = match entry {
        Entry::Cloud(cloud) => format!(
            "Make a named person the owner of {label}: a direct owner grant in its collaborators (`/api/v2/clouds/{}/collaborators/users`) or in the console.",
            index.cloud_record(cloud).id
        ),
        Entry::Project(project) => {
            let id = &index.project_record(project).id;
            format!(
                "Make a named person the owner of {label}: a direct owner grant in its collaborators (`/api/v2/projects/{id}/collaborators/users`), or an owner binding of a group in its policy (`/api/v2/policy/project/{id}`)."
            )
        }
    };
    Words {
        role: None,
        paths: Vec::new(),
        detail: format!("{label} has no explicit owner; only the organization's {owners} org owners can administer it"),
        remediation,
    }
}

/// Returns how to clear a deleted group: each policy that still binds it, then its memberships.
fn deleted_group_fix(resolution: &Resolution<'_>, group: GroupIx) -> String {
    let organization = resolution.index.organization;
    let id = &resolution.index.group_record(group).id;
    let binds = |bindings: &[crate::model::Binding]| bindings.iter().any(|binding| binding.groups.contains(id));
    let clouds = organization.clouds.iter().filter(|cloud| binds(&cloud.bindings));
    let clouds = clouds.map(|cloud| format!("cloud {} (`/api/v2/policy/cloud/{}`)", cloud.name, cloud.id));
    let projects = organization.projects.iter().filter(|project| binds(&project.bindings));
    let projects =
        projects.map(|project| format!("project {} (`/api/v2/policy/project/{}`)", project.name, project.id));
    let mut places: Vec<String> = clouds.chain(projects).collect();
    places.sort();
    if places.is_empty() {
        return format!("Remove the memberships of the deleted group {id}.");
    }
    format!("Remove the deleted group's bindings from the policies of {}, and its memberships.", places.join(", "))
}

fn anomaly_words(resolution: &Resolution<'_>, position: u32, template: &str) -> Words {
    let Some(found) = anomaly(resolution, position) else {
        return Words { role: None, paths: Vec::new(), detail: String::new(), remediation: template.to_owned() };
    };
    let index = &resolution.index;
    let entry = found.project().map(Entry::Project).or_else(|| found.cloud().map(Entry::Cloud));
    let held = match (found.members(), entry) {
        ([member], Some(entry)) => entry_of(resolution, *member, entry),
        _ => None,
    };
    let mut paths = held.as_ref().map(|held| all_paths(resolution, held)).unwrap_or_default();
    if let Anomaly::OrphanProjectGrant { source, .. } = found {
        paths.push(format!("{} (dropped)", describe_source(index, *source)));
    }
    let remediation = match found {
        Anomaly::DeletedGroup { group, .. } => deleted_group_fix(resolution, *group),
        _ => fill(resolution, template, entry),
    };
    Words { role: held.as_ref().map(|held| held.role.as_str()), paths, detail: found.detail(index), remediation }
}

/// How many projects the sentence of a member's finding names before it counts the rest.
const NAMED: usize = 3;

/// Returns the words of a member's anomalies of one per-project kind: a sentence naming how many
/// projects and the first few, each project's paths, and the fix for each. One anomaly reads as it
/// does alone.
fn member_anomalies_words(resolution: &Resolution<'_>, member: MemberIx, anomalies: &[u32], template: &str) -> Words {
    if let [only] = anomalies {
        return anomaly_words(resolution, *only, template);
    }
    let found: Vec<&Anomaly> = anomalies.iter().filter_map(|&position| anomaly(resolution, position)).collect();
    let mut projects: Vec<ProjectIx> = found.iter().filter_map(|anomaly| anomaly.project()).collect();
    projects.dedup();
    let mut paths = Vec::new();
    let mut roles = Vec::new();
    for &project in &projects {
        let label = entry_label(resolution, Entry::Project(project));
        let held = entry_of(resolution, member, Entry::Project(project));
        if let Some(held) = &held {
            roles.push(held.role);
            paths.extend(all_paths(resolution, held).into_iter().map(|path| format!("{label}: {path}")));
        }
        for found in found.iter().filter(|anomaly| anomaly.project() == Some(project)) {
            if let Anomaly::OrphanProjectGrant { source, .. } = found {
                paths.push(format!("{label}: {} (dropped)", describe_source(&resolution.index, *source)));
            }
        }
    }
    let shared = roles.len() == projects.len() && roles.windows(2).all(|pair| pair[0] == pair[1]);
    let role = roles.first().filter(|_| shared).map(|role| role.as_str());
    Words {
        role,
        paths,
        detail: member_anomalies_detail(resolution, member, found.first().copied(), &projects),
        remediation: format!(
            "For each project listed (`{{project_id}}` its id, `{{cloud_id}}` its cloud's): {template}"
        ),
    }
}

/// Returns the sentence of a member's anomalies: the condition, how many projects, and the first
/// [`NAMED`] by name.
fn member_anomalies_detail(
    resolution: &Resolution<'_>,
    member: MemberIx,
    first: Option<&Anomaly>,
    projects: &[ProjectIx],
) -> String {
    let index = &resolution.index;
    let email = &index.member_record(member).email;
    let count = crate::plural::count(projects.len(), "project", "projects");
    let named: Vec<String> =
        projects.iter().take(NAMED).map(|&project| format!("`{}`", index.project_record(project).name)).collect();
    let mut names = named.join(", ");
    if projects.len() > NAMED {
        names.push_str(&format!(" and {} more", projects.len() - NAMED));
    }
    match first {
        Some(Anomaly::OrphanProjectGrant { .. }) => format!(
            "`{email}` holds grants on {count} without a role on their clouds, so the grants are dropped: {names}"
        ),
        _ => format!(
            "`{email}` is granted more than `readonly` on {count}, capped to `readonly` by its readonly role on their clouds: {names}"
        ),
    }
}

/// Returns how reports name a member: `alice@example.com (usr_alice)`.
pub fn member_label(resolution: &Resolution<'_>, member: MemberIx) -> String {
    let record = resolution.index.member_record(member);
    format!("{} ({})", record.email, record.member_id())
}

fn member_ref<'r>(resolution: &'r Resolution<'_>, member: MemberIx) -> MemberRef<'r> {
    let record = resolution.index.member_record(member);
    MemberRef { id: record.member_id(), email: &record.email, name: &record.name }
}

/// Returns how reports name a resource: `cloud prod (cld_1)`.
fn entry_label(resolution: &Resolution<'_>, entry: Entry) -> String {
    let index = &resolution.index;
    match entry {
        Entry::Cloud(cloud) => {
            let record = index.cloud_record(cloud);
            format!("cloud {} ({})", record.name, record.id)
        }
        Entry::Project(project) => {
            let record = index.project_record(project);
            format!("project {} ({})", record.name, record.id)
        }
    }
}

/// Returns an org owner and where its ownership comes from: `erin@example.com (usr_erin): permission_level owner`.
fn owner_path(resolution: &Resolution<'_>, member: MemberIx) -> String {
    let access = &resolution.members[member as usize];
    let through: Vec<String> = access
        .base
        .iter()
        .filter(|base| base.role() == OrgRole::Owner)
        .map(|&base| describe_base(&resolution.index, base))
        .collect();
    format!("{}: {}", member_label(resolution, member), through.join("; "))
}

fn org_role(access: &MemberAccess) -> &'static str {
    crate::report::facts::org_role(access)
}

/// Returns how to remove one grant on one resource.
fn revoke_source(resolution: &Resolution<'_>, entry: Entry, source: Source) -> String {
    let index = &resolution.index;
    let (noun, id, name) = match entry {
        Entry::Cloud(cloud) => {
            let record = index.cloud_record(cloud);
            ("cloud", record.id.as_str(), record.name.as_str())
        }
        Entry::Project(project) => {
            let record = index.project_record(project);
            ("project", record.id.as_str(), record.name.as_str())
        }
    };
    match source {
        Source::Direct(level) => format!(
            "delete the direct {level} grant from the collaborators of {noun} {name} (`/api/v2/{noun}s/{id}/collaborators/users`)"
        ),
        Source::Group { group, role } => format!(
            "{}, or remove the group's {role} binding from the policy of {noun} {name} (`/api/v2/policy/{noun}/{id}`)",
            leave_group(resolution, group)
        ),
    }
}

/// Returns how to remove one source of an org role.
fn revoke_base(resolution: &Resolution<'_>, base: BaseSource) -> String {
    match base {
        BaseSource::PermissionLevel(_) => "set the member's permission level to collaborator in the organization collaborators (`/api/v2/organization_collaborators/`) or the console".to_owned(),
        BaseSource::Group { group, .. } => leave_group(resolution, group),
    }
}

/// Returns how a member leaves a group: in the identity provider for a group SCIM provisions.
fn leave_group(resolution: &Resolution<'_>, group: GroupIx) -> String {
    let record = resolution.index.group_record(group);
    match record.source {
        GroupSource::Scim => format!(
            "remove the member from group {} ({}) in the identity provider, which provisions it through SCIM",
            record.name, record.id
        ),
        GroupSource::User => format!("remove the member from group {} ({})", record.name, record.id),
    }
}

/// Joins fixes into one remediation: a sentence, or the list of every path to remove.
fn steps(fixes: &[String]) -> String {
    match fixes {
        [] => String::new(),
        [only] => format!("{}.", capitalized(only)),
        several => format!("Remove each path: {}.", several.join("; ")),
    }
}

/// Fills a control's remediation with a finding's ids: `{cloud_id}` and `{project_id}`.
fn fill(resolution: &Resolution<'_>, template: &str, entry: Option<Entry>) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    let index = &resolution.index;
    let (cloud, project) = match entry {
        Some(Entry::Cloud(cloud)) => (Some(cloud), None),
        Some(Entry::Project(project)) => (resolution.graph.project_parent(project), Some(project)),
        None => (None, None),
    };
    let mut text = template.to_owned();
    if let Some(cloud) = cloud {
        text = text.replace("{cloud_id}", index.cloud_record(cloud).id.as_str());
    }
    if let Some(project) = project {
        text = text.replace("{project_id}", index.project_record(project).id.as_str());
    }
    text
}
