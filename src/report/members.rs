//! The per-member view: one row per member with the org role, the highest role, how many clouds and
//! projects the member reaches (org owners reach every one implicitly), and how many anomalies and
//! findings name the member, written as `members.csv` (`docs/reports.md` documents the columns).

use super::cell::neutralise;
use super::csv::CSV_FORMAT;
use super::facts::{self, anomaly_codes};
use super::resources::{Resource, ResourceTally};
use super::table::{Columns, Rows, Table, COLLECTION_COLUMNS, MEMBER_IDENTITY_COLUMNS};
use super::view::ReportView;
use crate::model::{Collection, Role};
use crate::resolve::{Anomaly, MemberAccess, MemberIx};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The columns of `members.csv`, in order.
pub const MEMBER_COLUMNS: Columns = Columns(&[
    &COLLECTION_COLUMNS,
    &MEMBER_IDENTITY_COLUMNS,
    &[
        "created_at",
        "org_role",
        "org_role_sources",
        "highest_role",
        "clouds_reached",
        "projects_reached",
        "explicit_entries",
        "anomalies",
        "anomaly_codes",
        "findings",
    ],
]);

/// The findings of policy controls, counted per member and per kind, for `members.csv` and the HTML
/// report's chart. A report made without controls (a scoped one) has none: its `findings` cells stay empty, which
/// says "not evaluated", unlike `0`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingTally {
    by_member: BTreeMap<String, usize>,
    by_kind: BTreeMap<String, usize>,
}

impl FindingTally {
    /// Counts one finding of `kind` (a control's code) naming `member_ids` (none for a finding about
    /// no member); a member named twice by one finding counts once.
    pub fn record<'i>(&mut self, kind: &str, member_ids: impl IntoIterator<Item = &'i str>) {
        *self.by_kind.entry(kind.to_owned()).or_default() += 1;
        let mut named: Vec<&str> = member_ids.into_iter().collect();
        named.sort_unstable();
        named.dedup();
        for member_id in named {
            *self.by_member.entry(member_id.to_owned()).or_default() += 1;
        }
    }

    /// Returns how many findings name this member id.
    pub fn of_member(&self, member_id: &str) -> usize {
        self.by_member.get(member_id).copied().unwrap_or(0)
    }

    /// Returns each kind with its count, in code order.
    pub fn kinds(&self) -> impl Iterator<Item = (&str, usize)> {
        self.by_kind.iter().map(|(kind, count)| (kind.as_str(), *count))
    }
}

/// One member's place in the report: highest role and reach, org owners' implicit access included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberReach {
    /// The highest role anywhere; org owners hold `owner` on every resource implicitly.
    pub highest: Option<Role>,
    pub clouds: usize,
    pub projects: usize,
    /// Cloud and project entries from grants, as the list-permissions document lists them.
    pub explicit: usize,
}

impl MemberReach {
    /// Returns the reach of a member, given how many clouds and projects the report covers.
    pub fn of(access: &MemberAccess, covered: (usize, usize)) -> MemberReach {
        let (clouds, projects) = facts::entry_counts(access);
        let explicit = clouds + projects;
        if access.is_org_owner {
            return MemberReach { highest: Some(Role::Owner), clouds: covered.0, projects: covered.1, explicit };
        }
        MemberReach { highest: facts::highest_role(access), clouds, projects, explicit }
    }
}

/// Returns how many clouds and projects the tally covers.
pub fn covered(tally: &ResourceTally) -> (usize, usize) {
    let clouds = tally.rows.iter().filter(|row| matches!(row.resource, Resource::Cloud(_))).count();
    (clouds, tally.rows.len() - clouds)
}

/// Writes `members.csv`: one row per member of the view, rendered in parallel chunks.
pub fn write_members<W: Write>(
    writer: W,
    view: &ReportView<'_, '_>,
    collection: &Collection,
    tally: &ResourceTally,
    findings: Option<&FindingTally>,
) -> io::Result<()> {
    const CHUNK: usize = 1024;
    let context = RowContext::new(view, collection, tally, findings);
    let table = &context.table;
    table.write(writer, |_| Ok(()), view.members(), CHUNK, |rows, access| context.write_row(rows, access))
}

struct RowContext<'v, 'r, 'a> {
    view: &'v ReportView<'r, 'a>,
    table: Table,
    covered: (usize, usize),
    anomalies: HashMap<MemberIx, Vec<&'r Anomaly>>,
    findings: Option<&'v FindingTally>,
}

impl<'v, 'r, 'a> RowContext<'v, 'r, 'a> {
    fn new(
        view: &'v ReportView<'r, 'a>,
        collection: &Collection,
        tally: &ResourceTally,
        findings: Option<&'v FindingTally>,
    ) -> Self {
        RowContext {
            view,
            table: Table::new(MEMBER_COLUMNS, CSV_FORMAT, view.resolution.organization_id(), collection),
            covered: covered(tally),
            anomalies: anomalies_by_member(view.anomalies()),
            findings,
        }
    }

    fn write_row(&self, rows: &mut Rows, access: &MemberAccess) -> ::csv::Result<()> {
        let index = &self.view.resolution.index;
        let record = index.member_record(access.member);
        let reach = MemberReach::of(access, self.covered);
        let anomalies = self.anomalies.get(&access.member).map_or(&[][..], Vec::as_slice);
        let findings = self.findings.map(|tally| tally.of_member(record.member_id()).to_string()).unwrap_or_default();
        let member = [
            neutralise(record.member_id()).into_owned(),
            neutralise(&record.email).into_owned(),
            neutralise(&record.name).into_owned(),
            (if record.is_service_account { "true" } else { "false" }).to_owned(),
            neutralise(&record.created_at).into_owned(),
            facts::org_role(access).to_owned(),
            neutralise(&facts::org_role_sources(index, access)).into_owned(),
            reach.highest.map_or("none", Role::as_str).to_owned(),
        ];
        let counts = [reach.clouds, reach.projects, reach.explicit, anomalies.len()].map(|count| count.to_string());
        let codes = anomaly_codes(anomalies);
        let cells = member.iter().chain(&counts).map(String::as_str);
        self.table.row(rows, cells.chain([codes.as_str(), findings.as_str()]))
    }
}

/// Returns the anomalies naming each member, in the report's order.
pub fn anomalies_by_member<'r>(anomalies: &[&'r Anomaly]) -> HashMap<MemberIx, Vec<&'r Anomaly>> {
    let mut by_member: HashMap<MemberIx, Vec<&'r Anomaly>> = HashMap::default();
    for anomaly in anomalies {
        for &member in anomaly.members() {
            by_member.entry(member).or_default().push(anomaly);
        }
    }
    by_member
}

#[cfg(test)]
mod tests {
    use super::FindingTally;

    #[test]
    fn a_finding_counts_once_per_member_and_once_per_kind() {
        let mut tally = FindingTally::default();
        tally.record("no-mfa", ["usr_a", "usr_a", "usr_b"]);
        tally.record("stale-owner", ["usr_a"]);
        tally.record("stale-owner", []);
        assert_eq!(tally.of_member("usr_a"), 2);
        assert_eq!(tally.of_member("usr_b"), 1);
        assert_eq!(tally.of_member("usr_c"), 0);
        assert_eq!(tally.kinds().collect::<Vec<_>>(), [("no-mfa", 1), ("stale-owner", 2)]);
    }
}
