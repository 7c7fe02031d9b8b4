//! The CSV reports: `permissions.csv`, one row per member and resource with every path behind the
//! role (and one row per org owner naming the owner's implicit access to the whole organization), and
//! `anomalies.csv`, one row per anomaly. RFC 4180, comma, UTF-8, formula-safe (`docs/reports.md`
//! documents the columns of formats `permaudit-csv/1` and, for `permissions.csv`, `permaudit-csv/2`).

use super::cell::{encode_fields, neutralise, neutralise_owned, render, ChunkCapacity};
use super::facts::{self, AnomalyLookup};
use super::table::{Columns, Rows, Table, COLLECTION_COLUMNS, MEMBER_IDENTITY_COLUMNS};
use crate::model::{Collection, Role};
use crate::resolve::{Anomaly, CloudAccess, MemberAccess, ProjectAccess, Resolution, Source};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The format version written in the first column of every row.
pub const CSV_FORMAT: &str = "permaudit-csv/1";

/// The format of `permissions.csv`: version 2 names an org owner's implicit access once, on an
/// `organization` row, instead of on one row per cloud.
pub const PERMISSIONS_CSV_FORMAT: &str = "permaudit-csv/2";

/// The columns of `permissions.csv`, in order.
pub const PERMISSION_COLUMNS: Columns = Columns(&[
    &COLLECTION_COLUMNS,
    &MEMBER_IDENTITY_COLUMNS,
    &[
        "org_role",
        "org_role_sources",
        "resource_type",
        "cloud_id",
        "cloud_name",
        "project_id",
        "project_name",
        "role",
        "direct_levels",
        "group_grants",
        "cap",
        "anomalies",
        "note",
        "implicit",
    ],
]);

/// The note of an org owner's implicit row.
pub const IMPLICIT_NOTE: &str =
    "org owner: implicit owner access to every cloud and project (R1); never listed in permissions.json";

/// The columns of `anomalies.csv`, in order.
pub const ANOMALY_COLUMNS: [&str; 6] = ["format", "organization_id", "collected_at", "code", "subjects", "detail"];

/// Writes `permissions.csv` for `members` (in the order given), rendering rows in parallel chunks.
///
/// `anomalies` are those the report holds (the codes of each row come from them).
pub fn write_permissions<W: Write>(
    writer: W,
    resolution: &Resolution<'_>,
    collection: &Collection,
    members: &[&MemberAccess],
    anomalies: &[&Anomaly],
) -> io::Result<()> {
    const CHUNK: usize = 256;
    let context = RowContext::new(resolution, collection, anomalies);
    context.table.write(writer, |_| Ok(()), members, CHUNK, |rows, access| context.member_rows(rows, access))
}

/// Writes `anomalies.csv`: each of `anomalies` with its code, the ids involved and a sentence.
///
/// The rows are rendered in parallel chunks, since the sentences of a large organization's anomalies
/// take longer to make than to write.
pub fn write_anomalies<W: Write>(
    mut writer: W,
    resolution: &Resolution<'_>,
    collection: &Collection,
    anomalies: &[&Anomaly],
) -> io::Result<()> {
    const CHUNK: usize = 1024;
    const WINDOW: usize = 16;
    let head = [CSV_FORMAT, &neutralise(resolution.organization_id()), &neutralise(&collection.collected_at)];
    let capacity = ChunkCapacity::default();
    let rows = |chunk: &[&Anomaly]| {
        capacity.render(|csv| chunk.iter().try_for_each(|anomaly| anomaly_row(csv, resolution, head, anomaly)))
    };
    writer.write_all(&render(|csv| csv.write_record(ANOMALY_COLUMNS))?)?;
    crate::parallel::render_and_write(anomalies, CHUNK, WINDOW, rows, |bytes| writer.write_all(bytes))?;
    writer.flush()
}

/// Writes one row of `anomalies.csv`: `head` (format and collection cells), then the anomaly's code,
/// the ids involved and a sentence.
fn anomaly_row(csv: &mut Rows, resolution: &Resolution<'_>, head: [&str; 3], anomaly: &Anomaly) -> ::csv::Result<()> {
    let index = &resolution.index;
    let mut subjects = String::new();
    for (position, subject) in anomaly.subjects(index).iter().enumerate() {
        if position > 0 {
            subjects.push_str("; ");
        }
        // Writing into a String cannot fail.
        let _ = write!(subjects, "{subject}");
    }
    let detail = anomaly.detail(index);
    let [format, organization_id, collected_at] = head;
    csv.write_record([
        format,
        organization_id,
        collected_at,
        anomaly.kind().code(),
        &neutralise(&subjects),
        &neutralise(&detail),
    ])
}

/// What every row of one report shares: the collection's columns, the anomaly lookup, and the cells
/// of every cloud and project, encoded once.
struct RowContext<'r, 'a> {
    resolution: &'r Resolution<'a>,
    anomalies: AnomalyLookup<'r>,
    table: Table,
    clouds: EncodedCells,
    projects: EncodedCells,
}

/// The cells every row of one member starts with (the collection's and the member's), encoded once.
struct MemberCells {
    start: Vec<u8>,
}

/// The resource columns of a row, encoded: the type, then the cloud's id and name, then the project's.
type ResourceCells<'c> = [&'c [u8]; 3];

/// Two empty cells, encoded: the id and name of no cloud or no project.
const NO_PAIR: &[u8] = b",";

/// The resource columns of the rows that name no cloud.
const NO_RESOURCE: ResourceCells<'static> = [b"", NO_PAIR, NO_PAIR];

/// The resource columns of an org owner's implicit row.
const ORGANIZATION: ResourceCells<'static> = [b"organization", NO_PAIR, NO_PAIR];

/// The id and name of every cloud (or project) of an index, neutralised and encoded one after another:
/// a large report's rows copy them from one place rather than gather them from every record.
struct EncodedCells {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl EncodedCells {
    /// Encodes the cells `cells` returns for each of `count` items.
    fn new<'c>(count: usize, cells: impl Fn(u32) -> [&'c str; 2]) -> EncodedCells {
        let (mut bytes, mut ends) = (Vec::new(), Vec::with_capacity(count));
        for item in (0..count).filter_map(|item| u32::try_from(item).ok()) {
            let [id, name] = cells(item);
            bytes.extend_from_slice(&encode_fields(&neutralise(id), [&*neutralise(name)]));
            ends.push(bytes.len());
        }
        EncodedCells { bytes, ends }
    }

    /// Returns the encoded cells of `item`.
    fn get(&self, item: u32) -> &[u8] {
        let item = item as usize;
        let start = if item == 0 { 0 } else { self.ends[item - 1] };
        &self.bytes[start..self.ends[item]]
    }
}

/// What a cloud or project entry's row says about its role.
struct Grant<'s> {
    role: Role,
    sources: &'s [Source],
    cap: String,
    anomalies: String,
}

impl<'r, 'a> RowContext<'r, 'a> {
    fn new(resolution: &'r Resolution<'a>, collection: &'r Collection, anomalies: &[&'r Anomaly]) -> Self {
        let index = &resolution.index;
        let clouds = EncodedCells::new(index.clouds.len(), |cloud| {
            let record = index.cloud_record(cloud);
            [&record.id.0, &record.name]
        });
        let projects = EncodedCells::new(index.projects.len(), |project| {
            let record = index.project_record(project);
            [&record.id.0, &record.name]
        });
        RowContext {
            resolution,
            anomalies: AnomalyLookup::of(anomalies),
            table: Table::new(PERMISSION_COLUMNS, PERMISSIONS_CSV_FORMAT, resolution.organization_id(), collection),
            clouds,
            projects,
        }
    }

    /// Writes one member's rows: for an org owner first the implicit row, then one row per cloud and
    /// project entry; or a single row saying why there is none.
    fn member_rows(&self, csv: &mut Rows, access: &MemberAccess) -> ::csv::Result<()> {
        let member = self.member_cells(access);
        if access.is_org_owner {
            self.implicit_row(csv, &member, access)?;
        } else if access.clouds.is_empty() {
            let anomalies = facts::anomaly_codes(self.anomalies.of_member(access.member));
            let tail = ["none", "", "", "", &anomalies, facts::no_access_reason(access), "false"];
            return self.write_row(csv, &member, NO_RESOURCE, tail);
        }
        access.clouds.iter().try_for_each(|entry| self.entry_rows(csv, &member, access, entry))
    }

    /// Writes a cloud entry's row, then the rows of the entry's projects.
    fn entry_rows(
        &self,
        csv: &mut Rows,
        member: &MemberCells,
        access: &MemberAccess,
        cloud: &CloudAccess,
    ) -> ::csv::Result<()> {
        let index = &self.resolution.index;
        let resource = [b"cloud".as_slice(), self.clouds.get(cloud.cloud), NO_PAIR];
        let grant = Grant {
            role: cloud.role,
            sources: &cloud.sources,
            cap: facts::cloud_cap(index, cloud).unwrap_or_default(),
            anomalies: facts::anomaly_codes(&self.anomalies.of_cloud_entry(access.member, cloud)),
        };
        self.grant_row(csv, member, resource, grant)?;
        cloud.projects.iter().try_for_each(|project| self.project_row(csv, member, access, cloud, project))
    }

    /// Writes an org owner's implicit `owner` row on the organization: every cloud and project, with no
    /// grant and no path (R1, R3).
    fn implicit_row(&self, csv: &mut Rows, member: &MemberCells, access: &MemberAccess) -> ::csv::Result<()> {
        let anomalies = facts::anomaly_codes(&self.anomalies.member_wide(access.member));
        let tail = [Role::Owner.as_str(), "", "", "", &anomalies, IMPLICIT_NOTE, "true"];
        self.write_row(csv, member, ORGANIZATION, tail)
    }

    fn member_cells(&self, access: &MemberAccess) -> MemberCells {
        let index = &self.resolution.index;
        let record = index.member_record(access.member);
        let (id, email, name) = (neutralise(record.member_id()), neutralise(&record.email), neutralise(&record.name));
        let is_service_account = if record.is_service_account { "true" } else { "false" };
        let org_role_sources = neutralise_owned(facts::org_role_sources(index, access));
        let cells = [&*id, &email, &name, is_service_account, facts::org_role(access), &org_role_sources];
        MemberCells { start: self.table.encode_start(cells) }
    }

    fn project_row(
        &self,
        csv: &mut Rows,
        member: &MemberCells,
        access: &MemberAccess,
        cloud: &CloudAccess,
        project: &ProjectAccess,
    ) -> ::csv::Result<()> {
        let index = &self.resolution.index;
        let resource = [b"project".as_slice(), self.clouds.get(cloud.cloud), self.projects.get(project.project)];
        let grant = Grant {
            role: project.role,
            sources: &project.sources,
            cap: facts::project_cap(index, cloud, project).unwrap_or_default(),
            anomalies: facts::anomaly_codes(&self.anomalies.of_project_entry(access.member, project.project)),
        };
        self.grant_row(csv, member, resource, grant)
    }

    /// Writes the row of an entry from grants: its role, every path behind it, its cap and anomalies.
    fn grant_row(
        &self,
        csv: &mut Rows,
        member: &MemberCells,
        resource: ResourceCells<'_>,
        grant: Grant<'_>,
    ) -> ::csv::Result<()> {
        let groups = neutralise_owned(facts::group_grants(&self.resolution.index, grant.sources));
        let direct = facts::direct_levels(grant.sources);
        let tail = [grant.role.as_str(), &direct, &groups, &neutralise(&grant.cap), &grant.anomalies, "", "false"];
        self.write_row(csv, member, resource, tail)
    }

    /// Writes one row: collection columns, member columns, resource columns, then the role columns
    /// (role, direct levels, group grants, cap, anomalies, note, implicit).
    fn write_row(
        &self,
        csv: &mut Rows,
        member: &MemberCells,
        resource: ResourceCells<'_>,
        tail: [&str; 7],
    ) -> ::csv::Result<()> {
        let [kind, cloud, project] = resource;
        csv.write_record_after(&[&member.start, kind, cloud, project], tail)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_triggers_get_an_apostrophe() {
        for cell in ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\u{ff1d}1+1"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["alice", "", "a=b", "'quoted", "1"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
