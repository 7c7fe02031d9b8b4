//! The catalog of controls permaudit defines: the built-in checks, each with a stable kebab-case id, a
//! title, a default severity, a rationale and a remediation, and one control per anomaly kind, built
//! from [`AnomalyKind::info`] so that a new kind gets its control with its code and severity.
//!
//! The anomaly kind `owner-with-readonly` is also a built-in control of the same name: it is one
//! control, [`Builtin::OwnerWithReadonly`], fed by the anomalies of that kind.

use crate::model::Severity;
use crate::resolve::AnomalyKind;
use std::borrow::Cow;

/// A control defined by permaudit itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, strum::VariantArray)]
pub enum Builtin {
    OrgOwnerCount,
    ServiceAccountPrivileged,
    EmailDomain,
    GroupsOnlyDirectGrant,
    ResourceWithoutOwner,
    CloudOwnerLimit,
    OwnerWithReadonly,
    StaleMember,
    ExemptionExpired,
    ExemptionUnused,
}

/// What a control needs to read: only the members and groups (top-level lists, always whole in a
/// snapshot), or the grants on clouds and projects too (which an incomplete collection may lack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    Members,
    Grants,
    /// Only the policy and the exemptions: nothing the collection can miss.
    Nothing,
}

/// The fixed facts of a built-in control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltinInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub rationale: &'static str,
    pub remediation: &'static str,
    pub reads: Reads,
}

impl Builtin {
    /// Every built-in control, in report order.
    pub const ALL: &'static [Builtin] = <Builtin as strum::VariantArray>::VARIANTS;

    /// Returns the control's id, title, default severity, rationale and remediation: the one table of
    /// built-in controls.
    pub fn info(self) -> BuiltinInfo {
        let (id, title, severity, rationale, remediation, reads) = match self {
            Builtin::OrgOwnerCount => (
                "org-owner-count",
                "Organization owner count within bounds",
                Severity::High,
                "Org owners hold implicit owner access to every cloud and project. Fewer than the minimum risks losing administration when one of them leaves; more than the maximum widens who can change anything. Service accounts are never org owners and are not counted.",
                "Add or remove org owners: set the member's permission level (the organization collaborators, `/api/v2/organization_collaborators/`, or the console's organization settings), or change the membership of a group whose org role is owner (in the identity provider when the group is provisioned through SCIM).",
                Reads::Members,
            ),
            Builtin::ServiceAccountPrivileged => (
                "service-account-privileged",
                "Service account with owner or write access",
                Severity::High,
                "A service account's token is a long-lived credential used by automation: with owner or collaborator (write) access, a leaked token can change or delete clouds and projects. Service accounts are never org owners (R1), so one recorded as owner is a misconfiguration.",
                "Lower the service account to readonly, or remove the grant that gives the role: its direct grant in the cloud's or project's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`, `/api/v2/projects/{project_id}/collaborators/users`), or its group's binding in the resource's policy (`/api/v2/policy/cloud/{cloud_id}`, `/api/v2/policy/project/{project_id}`); a SCIM group's membership is changed in the identity provider.",
                Reads::Grants,
            ),
            Builtin::EmailDomain => (
                "email-domain",
                "Member email outside the allowed domains",
                Severity::High,
                "A member whose email is outside the company's domains is an account the identity provider does not govern: a contractor, a personal address, a typo.",
                "Remove the member from the organization (the organization collaborators, `/api/v2/organization_collaborators/`, or the console) or invite the person again with a company address; when the domain is legitimate, add it to `allowed_email_domains` in the policy.",
                Reads::Members,
            ),
            Builtin::GroupsOnlyDirectGrant => (
                "groups-only-direct-grant",
                "Direct grant in a groups-only organization",
                Severity::Medium,
                "In an organization whose access is managed through SCIM groups (Anyscale's enforce-groups), a direct grant bypasses the identity provider: nobody reviews it there, and it survives the person leaving the group.",
                "Grant the access through a group that the identity provider provisions (SCIM), then delete the direct grant from the cloud's or project's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`, `/api/v2/projects/{project_id}/collaborators/users`) or in the console.",
                Reads::Grants,
            ),
            Builtin::ResourceWithoutOwner => (
                "resource-without-owner",
                "Cloud or project with no explicit owner",
                Severity::Medium,
                "Without an explicit owner, only the org owners can administer the resource, and nobody in particular is accountable for who can reach it.",
                "Make a named person the owner: a direct owner grant in the cloud's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`) or, for a project, a direct owner in its collaborators (`/api/v2/projects/{project_id}/collaborators/users`) or an owner binding of a group in its policy (`/api/v2/policy/project/{project_id}`).",
                Reads::Grants,
            ),
            Builtin::CloudOwnerLimit => (
                "cloud-owner-limit",
                "More explicit owners on a cloud than allowed",
                Severity::Medium,
                "Every cloud owner can change the cloud's access and resources: more owners than needed widens what one compromised account can do. Org owners, implicit owners of every cloud, are not counted.",
                "Lower the owners the cloud does not need to collaborator: replace their direct owner grant in the cloud's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`) or in the console.",
                Reads::Grants,
            ),
            Builtin::OwnerWithReadonly => (
                "owner-with-readonly",
                "Owner and readonly on the same cloud",
                Severity::Medium,
                "A member holding both a direct owner and a direct readonly on a cloud is its owner (R3): the readonly grant, presumably meant to restrict the member, restricts nothing.",
                "Delete whichever of the two direct grants is wrong from the cloud's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`) or in the console.",
                Reads::Grants,
            ),
            Builtin::StaleMember => (
                "stale-member",
                "Member with a base role and no access long after joining",
                Severity::Info,
                "A member who has had a base role but no access to any cloud for longer than `stale_after_days` is probably unused, and an unused account is one nobody watches.",
                "Remove the member from the organization (the organization collaborators, `/api/v2/organization_collaborators/`, or the console), or give it the access it was invited for.",
                Reads::Grants,
            ),
            Builtin::ExemptionExpired => (
                "exemption-expired",
                "Expired exemption",
                Severity::Low,
                "An exemption past its date no longer mutes its findings: it needs a new approval or should go.",
                "Fix the findings the exemption muted, or renew it with a new `expires` date and `approved_by`.",
                Reads::Nothing,
            ),
            Builtin::ExemptionUnused => (
                "exemption-unused",
                "Exemption that matches no finding",
                Severity::Info,
                "An exemption that mutes nothing is left over, and could mute a future finding nobody reviewed.",
                "Remove the exemption from the exemptions file.",
                Reads::Nothing,
            ),
        };
        BuiltinInfo { id, title, severity, rationale, remediation, reads }
    }

    /// Returns the control's stable id.
    pub fn id(self) -> &'static str {
        self.info().id
    }
}

/// A control of the catalog: a built-in one, or the control of an anomaly kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CatalogControl {
    Builtin(Builtin),
    Anomaly(AnomalyKind),
}

impl CatalogControl {
    /// Returns the control that judges the anomalies of `kind`.
    pub fn of_anomaly(kind: AnomalyKind) -> CatalogControl {
        match kind {
            AnomalyKind::OwnerWithReadonly => CatalogControl::Builtin(Builtin::OwnerWithReadonly),
            _ => CatalogControl::Anomaly(kind),
        }
    }

    /// Returns every built-in control and every anomaly control not covered by a built-in one.
    pub fn all() -> Vec<CatalogControl> {
        let builtins = Builtin::ALL.iter().map(|&builtin| CatalogControl::Builtin(builtin));
        let anomalies = AnomalyKind::ALL
            .iter()
            .filter(|&&kind| matches!(CatalogControl::of_anomaly(kind), CatalogControl::Anomaly(_)))
            .map(|&kind| CatalogControl::Anomaly(kind));
        builtins.chain(anomalies).collect()
    }

    /// Returns the controls in the order reports list them, split where the policy's resource rules
    /// go: the checks before, then the anomaly controls and the exemption controls after.
    pub fn in_report_order() -> (Vec<CatalogControl>, Vec<CatalogControl>) {
        let catalog = CatalogControl::all();
        let is_exemption_control = |control: &CatalogControl| {
            matches!(control, CatalogControl::Builtin(Builtin::ExemptionExpired | Builtin::ExemptionUnused))
        };
        let checks = catalog.iter().filter(|control| matches!(control, CatalogControl::Builtin(_)));
        let checks = checks.filter(|control| !is_exemption_control(control)).copied().collect();
        let anomalies = catalog.iter().filter(|control| matches!(control, CatalogControl::Anomaly(_)));
        let exemptions = catalog.iter().filter(|control| is_exemption_control(control));
        (checks, anomalies.chain(exemptions).copied().collect())
    }

    /// Returns the control whose id this is.
    pub fn from_id(id: &str) -> Option<CatalogControl> {
        CatalogControl::all().into_iter().find(|control| control.id() == id)
    }

    /// Returns the stable id: the built-in's, or `anomaly-<code>`.
    pub fn id(self) -> Cow<'static, str> {
        match self {
            CatalogControl::Builtin(builtin) => Cow::Borrowed(builtin.id()),
            CatalogControl::Anomaly(kind) => Cow::Owned(format!("anomaly-{}", kind.code())),
        }
    }

    /// Returns the title: the built-in's, or the anomaly kind's meaning.
    pub fn title(self) -> Cow<'static, str> {
        match self {
            CatalogControl::Builtin(builtin) => Cow::Borrowed(builtin.info().title),
            CatalogControl::Anomaly(kind) => Cow::Owned(capitalized(kind.meaning())),
        }
    }

    /// Returns the severity the control has unless a policy says otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            CatalogControl::Builtin(builtin) => builtin.info().severity,
            CatalogControl::Anomaly(kind) => kind.info().severity,
        }
    }

    /// Returns why the control matters.
    pub fn rationale(self) -> Cow<'static, str> {
        match self {
            CatalogControl::Builtin(builtin) => Cow::Borrowed(builtin.info().rationale),
            CatalogControl::Anomaly(kind) => Cow::Owned(format!(
                "Data hygiene: {}. Permissions that the rules ignore, cap or drop mislead whoever reads the grants.",
                kind.meaning()
            )),
        }
    }

    /// Returns how to fix a finding of the control, with `{cloud_id}` and `{project_id}` where a
    /// finding's own ids go.
    pub fn remediation(self) -> &'static str {
        match self {
            CatalogControl::Builtin(builtin) => builtin.info().remediation,
            CatalogControl::Anomaly(kind) => anomaly_remediation(kind),
        }
    }

    /// Returns what the control reads, which decides whether an incomplete collection leaves it unknown.
    pub fn reads(self) -> Reads {
        match self {
            CatalogControl::Builtin(builtin) => builtin.info().reads,
            CatalogControl::Anomaly(
                AnomalyKind::ServiceAccountOwner
                | AnomalyKind::ServiceAccountInOwnerGroup
                | AnomalyKind::DuplicateEmail,
            ) => Reads::Members,
            CatalogControl::Anomaly(_) => Reads::Grants,
        }
    }
}

/// Returns true for the anomaly kinds found once per project a member holds a grant on: their controls
/// report one finding per member, listing every such project, rather than one per project.
pub fn grouped_by_member(kind: AnomalyKind) -> bool {
    matches!(kind, AnomalyKind::ProjectRoleCapped | AnomalyKind::OrphanProjectGrant)
}

/// Returns the fix of each anomaly kind; `{cloud_id}` and `{project_id}` take the finding's ids.
fn anomaly_remediation(kind: AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::ServiceAccountOwner => "Set the service account's permission level to collaborator (the organization collaborators, `/api/v2/organization_collaborators/`, or the console): owner gives it nothing more, and misleads whoever reads the record.",
        AnomalyKind::NoBaseRole => "Give the member a base role (permission level collaborator, or an org role through a group) if its grants are meant to apply; otherwise delete the grants, which give nothing.",
        AnomalyKind::GroupOwnerOnCloud => "Change the group's binding in the cloud's policy (`/api/v2/policy/cloud/{cloud_id}`) to collaborator, which is what it gives; make a person the cloud's owner directly if one is needed.",
        AnomalyKind::ReadonlyRestriction => "Delete the direct readonly from the cloud's collaborators (`/api/v2/clouds/{cloud_id}/collaborators/users`) if the higher grant is meant to apply, or the higher grant if readonly is.",
        AnomalyKind::ProjectRoleCapped => "Nothing when the cap is intended; otherwise raise the member's role on the cloud (`/api/v2/clouds/{cloud_id}/collaborators/users`) or lower the project grant to readonly so that the grants say what applies.",
        AnomalyKind::OrphanProjectGrant => "Delete the project grant (`/api/v2/projects/{project_id}/collaborators/users`, or the group's binding in `/api/v2/policy/project/{project_id}`), or give the member a role on the project's cloud if the grant is meant to apply.",
        AnomalyKind::DeletedGroup => "Remove the deleted group's bindings from the policies of the clouds and projects that still bind it (`/api/v2/policy/cloud/{cloud_id}`, `/api/v2/policy/project/{project_id}`), and its memberships.",
        AnomalyKind::UnknownMember => "Delete the grant or membership that names the missing user.",
        AnomalyKind::UnknownGroup => "Remove the binding or membership that names the missing group from the policy of the resource.",
        AnomalyKind::UnknownCloud => "Move the project to an existing cloud, or delete it.",
        AnomalyKind::DuplicateId => "Collect the organization again; if the API still returns one id twice, report it to Anyscale.",
        AnomalyKind::OwnerWithReadonly => Builtin::OwnerWithReadonly.info().remediation,
        AnomalyKind::ServiceAccountInOwnerGroup => "Remove the service account from the owner group (in the identity provider when the group is provisioned through SCIM): it gives the account nothing more.",
        AnomalyKind::DuplicateEmail => "Remove the member ids that are no longer used (a person invited again gets a new id) so that one email names one member.",
    }
}

/// Returns `text` with its first letter in upper case.
pub fn capitalized(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let all = CatalogControl::all();
        let ids: HashSet<String> = all.iter().map(|control| control.id().into_owned()).collect();
        assert_eq!(ids.len(), all.len());
        for control in &all {
            let id = control.id();
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{id}");
            assert_eq!(CatalogControl::from_id(&id), Some(*control));
        }
    }

    #[test]
    fn every_anomaly_kind_has_one_control() {
        for &kind in AnomalyKind::ALL {
            let control = CatalogControl::of_anomaly(kind);
            assert!(CatalogControl::all().contains(&control), "{kind}");
        }
        assert_eq!(CatalogControl::from_id("anomaly-owner-with-readonly"), None, "one control, not two");
        let capped = CatalogControl::of_anomaly(AnomalyKind::ProjectRoleCapped);
        assert_eq!(capped.default_severity(), Severity::Info);
    }
}
