//! Property tests of `diff` over generated organizations with random edits: applying the listed
//! effective changes to the old collection's resolved access gives the new one's, every change has at
//! least one cause, and every raw change is either a cause or has no effect with a reason.

use permaudit::diff::{compare, ChangeKind, ChangeValue, Diff, Effect, Options, OrgStanding, RawKind};
use permaudit::model::{Collection, Role, Snapshot};
use permaudit::resolve::resolve;
use permaudit::synth::{edit, generate, Shape};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, BTreeSet};

/// One member's resolved access, by id: the state the effective changes move between.
#[derive(Clone, Debug, PartialEq, Eq)]
struct MemberState {
    email: String,
    name: String,
    is_service_account: bool,
    standing: OrgStanding,
    /// `(cloud or project, id)` to role.
    entries: BTreeMap<(String, String), Role>,
}

/// Returns every member's resolved access, by member id.
fn resolved_state(organization: &permaudit::model::Organization) -> BTreeMap<String, MemberState> {
    let resolution = resolve(organization);
    let index = &resolution.index;
    let mut state = BTreeMap::new();
    for access in &resolution.members {
        let record = index.member_record(access.member);
        let mut entries = BTreeMap::new();
        for cloud in &access.clouds {
            entries.insert(("cloud".to_owned(), index.cloud_record(cloud.cloud).id.to_string()), cloud.role);
            for project in &cloud.projects {
                entries
                    .insert(("project".to_owned(), index.project_record(project.project).id.to_string()), project.role);
            }
        }
        let standing = match (access.is_org_owner, access.has_base()) {
            (true, _) => OrgStanding::Owner,
            (false, true) => OrgStanding::Collaborator,
            (false, false) => OrgStanding::None,
        };
        let member = MemberState {
            email: record.email.clone(),
            name: record.name.clone(),
            is_service_account: record.is_service_account,
            standing,
            entries,
        };
        state.entry(record.member_id().to_owned()).or_insert(member);
    }
    state
}

fn text(value: &ChangeValue) -> String {
    match value {
        ChangeValue::Text(text) => text.clone(),
        other => panic!("expected a text value, found {other:?}"),
    }
}

fn standing(value: &ChangeValue) -> OrgStanding {
    match value {
        ChangeValue::Standing(standing) => *standing,
        ChangeValue::Nothing => OrgStanding::None,
        other => panic!("expected a standing, found {other:?}"),
    }
}

/// Applies the diff's effective changes to the old state.
fn apply(
    diff: &Diff,
    mut state: BTreeMap<String, MemberState>,
) -> Result<BTreeMap<String, MemberState>, TestCaseError> {
    let (mut joined, mut left) = (BTreeSet::new(), BTreeSet::new());
    for change in &diff.changes {
        let id = change.member.id.clone();
        if change.kind == ChangeKind::MemberJoined {
            prop_assert!(!state.contains_key(&id), "{id} joined but was a member");
            let member = &change.member;
            let (email, name, is_service_account) =
                (member.email.clone(), member.name.clone(), member.is_service_account);
            let entries = BTreeMap::new();
            state.insert(
                id.clone(),
                MemberState { email, name, is_service_account, standing: standing(&change.after), entries },
            );
            joined.insert(id);
            continue;
        }
        let member = state.get_mut(&id).ok_or_else(|| TestCaseError::fail(format!("{id} changed but is unknown")))?;
        match change.kind {
            ChangeKind::MemberJoined => {}
            ChangeKind::MemberLeft => {
                prop_assert_eq!(member.standing, standing(&change.before));
                left.insert(id.clone());
            }
            ChangeKind::OrgOwnerGained
            | ChangeKind::OrgOwnerLost
            | ChangeKind::OrgRoleGained
            | ChangeKind::OrgRoleLost => {
                if joined.contains(&id) {
                    prop_assert_eq!(member.standing, standing(&change.after));
                } else {
                    prop_assert_eq!(member.standing, standing(&change.before));
                    member.standing = standing(&change.after);
                }
            }
            ChangeKind::ServiceAccountChanged => {
                prop_assert_eq!(ChangeValue::Flag(member.is_service_account), change.before.clone());
                member.is_service_account = change.after == ChangeValue::Flag(true);
            }
            ChangeKind::EmailChanged => {
                prop_assert_eq!(&member.email, &text(&change.before));
                member.email = text(&change.after);
            }
            ChangeKind::NameChanged => {
                prop_assert_eq!(&member.name, &text(&change.before));
                member.name = text(&change.after);
            }
            _ => {
                let resource = change.resource.as_ref().expect("an access change names its resource");
                let key = (resource.kind.as_str().to_owned(), resource.id.clone());
                prop_assert_eq!(member.entries.get(&key).copied(), change.before.role(), "{} on {:?}", id, key);
                match change.after.role() {
                    Some(role) => member.entries.insert(key, role),
                    None => member.entries.remove(&key),
                };
            }
        }
    }
    for id in left {
        let member = state.remove(&id).expect("a member who left was a member");
        prop_assert!(member.entries.is_empty(), "{} left with entries {:?}", id, member.entries);
        prop_assert!(member.standing != OrgStanding::Owner, "{} left as an org owner", id);
    }
    Ok(state)
}

/// Checks that a cause is about the change: it names no other member, and no resource but the
/// change's own or its parent cloud (on either side).
fn check_relevant(
    change: &permaudit::diff::EffectiveChange,
    raw: &permaudit::diff::RawChange,
) -> Result<(), TestCaseError> {
    if let Some(member) = &raw.member {
        prop_assert_eq!(&member.id, &change.member.id, "{} causes a change of another member", raw.describe());
    }
    if let (Some(cause), Some(resource)) = (&raw.resource, &change.resource) {
        let parents = [&resource.cloud, &resource.old_cloud];
        let parent = parents.iter().filter_map(|cloud| cloud.as_ref()).any(|cloud| cloud.id == cause.id);
        prop_assert!(cause.id == resource.id || parent, "{} causes a change on {}", raw.describe(), resource.label());
    }
    Ok(())
}

/// Checks that causes and effects agree: every change has a cause, every raw change with an effect
/// is a cause of the changes it lists, and every raw change without one says why.
fn check_causes(diff: &Diff) -> Result<(), TestCaseError> {
    let mut cited: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (position, change) in diff.changes.iter().enumerate() {
        prop_assert!(!change.causes.is_empty(), "no cause for {:?}", change);
        for cause in &change.causes {
            cited.entry(cause.raw).or_default().insert(position);
            check_relevant(change, diff.raw_of(cause))?;
        }
    }
    for (position, raw) in diff.raw.iter().enumerate() {
        match &raw.effect {
            Effect::Changes { changes } => {
                let listed: BTreeSet<usize> = changes.iter().copied().collect();
                prop_assert_eq!(Some(&listed), cited.get(&position), "{}", raw.describe());
            }
            Effect::None { reasons, .. } => {
                prop_assert!(!cited.contains_key(&position), "{} is cited but has no effect", raw.describe());
                prop_assert!(!reasons.is_empty(), "{} has no reason", raw.describe());
            }
            Effect::Unknown { .. } => prop_assert!(false, "no gap, yet {} is unknown", raw.describe()),
        }
    }
    Ok(())
}

fn snapshot(organization: permaudit::model::Organization, collected_at: &str) -> Snapshot {
    let collection = Collection {
        collected_at: collected_at.to_owned(),
        source: "test".to_owned(),
        complete: true,
        gaps: Vec::new(),
    };
    Snapshot { organization, collection }
}

fn check_edits(shape: &Shape, edits: usize, edit_seed: u64) -> Result<(), TestCaseError> {
    let old = generate(shape);
    let new = edit(&old, edits, edit_seed);
    let (old, new) = (snapshot(old, "2026-01-01T00:00:00+00:00"), snapshot(new, "2026-02-01T00:00:00+00:00"));
    let diff = compare(&old, &new, &Options::default()).map_err(|error| TestCaseError::fail(error.to_string()))?;
    let applied = apply(&diff, resolved_state(&old.organization))?;
    prop_assert_eq!(applied, resolved_state(&new.organization));
    check_causes(&diff)?;
    let again = compare(&old, &new, &Options::default()).map_err(|error| TestCaseError::fail(error.to_string()))?;
    prop_assert_eq!(diff, again, "the same collections give the same diff");
    Ok(())
}

fn shapes() -> impl Strategy<Value = Shape> {
    (0usize..14, 0usize..5, 1usize..6, 1usize..4, 0usize..9, 0usize..90, any::<u64>()).prop_map(
        |(members, groups, group_size, clouds, projects, grants, seed)| Shape {
            members,
            groups,
            group_size,
            clouds,
            projects,
            grants,
            seed,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn applying_the_changes_to_the_old_access_gives_the_new_and_every_change_has_a_cause(
        shape in shapes(),
        edits in 0usize..40,
        edit_seed in any::<u64>(),
    ) {
        check_edits(&shape, edits, edit_seed)?;
    }
}

#[test]
fn larger_organizations_with_many_edits_meet_every_kind() {
    let (mut raw_kinds, mut change_kinds, mut reasons) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for seed in [17, 18, 19] {
        let shape = Shape { members: 400, groups: 60, group_size: 15, clouds: 5, projects: 60, grants: 5000, seed };
        check_edits(&shape, 600, seed + 6).unwrap();
        let old = snapshot(generate(&shape), "2026-01-01T00:00:00+00:00");
        let new = snapshot(edit(&old.organization, 600, seed + 6), "2026-02-01T00:00:00+00:00");
        let diff = compare(&old, &new, &Options::default()).unwrap();
        raw_kinds.extend(diff.raw.iter().map(|raw| raw.kind.code()));
        change_kinds.extend(diff.changes.iter().map(|change| change.kind.code()));
        for raw in &diff.raw {
            if let Effect::None { reasons: found, .. } = &raw.effect {
                reasons.extend(found.iter().map(|reason| reason.code()));
            }
        }
    }
    let all_raw: BTreeSet<&str> = RawKind::ALL.iter().map(|kind| kind.code()).collect();
    assert_eq!(raw_kinds, all_raw, "every raw kind is made");
    let known = ChangeKind::ALL.iter().filter(|&&kind| kind != ChangeKind::Unknown).map(|kind| kind.code());
    assert_eq!(change_kinds, known.collect(), "every change kind but unknown is met");
    assert!(reasons.len() >= 10, "many no-effect reasons are met: {reasons:?}");
}
