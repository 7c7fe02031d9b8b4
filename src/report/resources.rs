//! The per-resource view: for every cloud and project a report covers, the members holding each role
//! there and the org owners who reach it implicitly, written as `resources.csv` and counted in the HTML
//! report (`docs/reports.md` documents the columns).

use super::cell::neutralise;
use super::table::{Columns, Rows, Table, COLLECTION_COLUMNS};
use super::view::ReportView;
use crate::model::{Collection, Role};
use crate::resolve::{CloudIx, MemberIx, ProjectIx};
use std::io::{self, Write};

/// The format of `resources.csv`: version 2 names the org owners once, on the organization row, instead
/// of on every cloud and project row.
pub const RESOURCES_CSV_FORMAT: &str = "permaudit-csv/2";

/// The columns of `resources.csv`, in order.
pub const RESOURCE_COLUMNS: Columns = Columns(&[
    &COLLECTION_COLUMNS,
    &[
        "resource_type",
        "cloud_id",
        "cloud_name",
        "project_id",
        "project_name",
        "members_reaching",
        "owner_count",
        "collaborator_count",
        "readonly_count",
        "implicit_owner_count",
        "owners",
        "collaborators",
        "readonly",
        "implicit_owners",
    ],
]);

/// A cloud or a project covered by a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Cloud(CloudIx),
    /// A project, with its parent cloud when the organization knows it.
    Project(ProjectIx, Option<CloudIx>),
}

/// Who holds which role on one cloud or project, members in output order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRow {
    pub resource: Resource,
    pub owners: Vec<MemberIx>,
    pub collaborators: Vec<MemberIx>,
    pub readonly: Vec<MemberIx>,
    /// How many org owners also hold an explicit role here.
    pub org_owners_with_role: usize,
}

impl ResourceRow {
    fn new(resource: Resource) -> ResourceRow {
        ResourceRow {
            resource,
            owners: Vec::new(),
            collaborators: Vec::new(),
            readonly: Vec::new(),
            org_owners_with_role: 0,
        }
    }

    fn push(&mut self, member: MemberIx, role: Role, is_org_owner: bool) {
        match role {
            Role::Owner => self.owners.push(member),
            Role::Collaborator => self.collaborators.push(member),
            Role::Readonly => self.readonly.push(member),
        }
        self.org_owners_with_role += usize::from(is_org_owner);
    }

    /// Returns how many members hold an explicit role here.
    pub fn explicit(&self) -> usize {
        self.owners.len() + self.collaborators.len() + self.readonly.len()
    }

    /// Returns how many members reach the resource: explicit roles, and the other org owners.
    pub fn reaching(&self, org_owners: usize) -> usize {
        self.explicit() + org_owners - self.org_owners_with_role
    }
}

/// Every covered cloud and project with its members: each cloud followed by its projects, in output
/// order, then the projects whose parent cloud is unknown.
pub struct ResourceTally {
    pub rows: Vec<ResourceRow>,
    /// The org owners, who reach every cloud and project implicitly, in output order.
    pub org_owners: Vec<MemberIx>,
    /// Each cloud's row, by cloud index (for covered clouds).
    pub cloud_rows: Vec<Option<usize>>,
    /// Each project's row, by project index (for covered projects).
    pub project_rows: Vec<Option<usize>>,
}

impl ResourceTally {
    /// Tallies the entries of the view's members by resource.
    pub fn new(view: &ReportView<'_, '_>) -> ResourceTally {
        let mut tally = ResourceTally::empty(view);
        for access in view.members() {
            for cloud in &access.clouds {
                if let Some(row) = tally.cloud_rows[cloud.cloud as usize] {
                    tally.rows[row].push(access.member, cloud.role, access.is_org_owner);
                }
                for project in &cloud.projects {
                    if let Some(row) = tally.project_rows[project.project as usize] {
                        tally.rows[row].push(access.member, project.role, access.is_org_owner);
                    }
                }
            }
        }
        tally
    }

    /// Returns the rows of every covered resource, with nobody on them yet.
    fn empty(view: &ReportView<'_, '_>) -> ResourceTally {
        let index = &view.resolution.index;
        let parents = view.resolution.graph.project_parents();
        let mut by_cloud: Vec<Vec<ProjectIx>> = vec![Vec::new(); index.clouds.len()];
        let mut without_cloud = Vec::new();
        for project in view.projects() {
            match parents.get(project as usize).copied().flatten() {
                Some(cloud) => by_cloud[cloud as usize].push(project),
                None => without_cloud.push(project),
            }
        }
        let mut tally = ResourceTally {
            rows: Vec::new(),
            org_owners: view.org_owners().map(|access| access.member).collect(),
            cloud_rows: vec![None; index.clouds.len()],
            project_rows: vec![None; index.projects.len()],
        };
        for cloud in view.clouds() {
            tally.cloud_rows[cloud as usize] = Some(tally.rows.len());
            tally.rows.push(ResourceRow::new(Resource::Cloud(cloud)));
            for &project in &by_cloud[cloud as usize] {
                tally.add_project(project, Some(cloud));
            }
        }
        for project in without_cloud {
            tally.add_project(project, None);
        }
        tally
    }

    fn add_project(&mut self, project: ProjectIx, cloud: Option<CloudIx>) {
        self.project_rows[project as usize] = Some(self.rows.len());
        self.rows.push(ResourceRow::new(Resource::Project(project, cloud)));
    }
}

/// Writes `resources.csv`: the organization row with the org owners, then one row per covered cloud and
/// project, rendered in parallel chunks.
pub fn write_resources<W: Write>(
    writer: W,
    view: &ReportView<'_, '_>,
    collection: &Collection,
    tally: &ResourceTally,
) -> io::Result<()> {
    const CHUNK: usize = 64;
    let context = RowContext::new(view, collection, tally);
    let organization_row = |rows: &mut Rows| context.write_organization_row(rows, tally);
    context.table.write(writer, organization_row, &tally.rows, CHUNK, |rows, row| context.write_row(rows, row))
}

/// What every row shares, rendered once: the collection's columns.
struct RowContext<'v, 'r, 'a> {
    view: &'v ReportView<'r, 'a>,
    table: Table,
    org_owners: usize,
}

impl<'v, 'r, 'a> RowContext<'v, 'r, 'a> {
    fn new(view: &'v ReportView<'r, 'a>, collection: &Collection, tally: &ResourceTally) -> Self {
        let organization_id = view.resolution.organization_id();
        RowContext {
            view,
            table: Table::new(RESOURCE_COLUMNS, RESOURCES_CSV_FORMAT, organization_id, collection),
            org_owners: tally.org_owners.len(),
        }
    }

    /// Writes the organization row: the org owners, who reach every cloud and project implicitly.
    fn write_organization_row(&self, rows: &mut Rows, tally: &ResourceTally) -> ::csv::Result<()> {
        let count = self.org_owners.to_string();
        let implicit = emails(self.view, &tally.org_owners);
        let cells = ["organization", "", "", "", "", &count, "0", "0", "0", &count, "", "", "", &implicit];
        self.table.row(rows, cells)
    }

    /// Writes every cell of a row; the implicit owners are counted, and named on the organization row.
    fn write_row(&self, rows: &mut Rows, row: &ResourceRow) -> ::csv::Result<()> {
        let index = &self.view.resolution.index;
        let cloud_cells = |cloud: CloudIx| {
            let record = index.cloud_record(cloud);
            [neutralise(record.id.as_str()).into_owned(), neutralise(&record.name).into_owned()]
        };
        let (kind, [cloud_id, cloud_name], project_id, project_name) = match row.resource {
            Resource::Cloud(cloud) => ("cloud", cloud_cells(cloud), String::new(), String::new()),
            Resource::Project(project, parent) => {
                let record = index.project_record(project);
                let cloud = parent.map_or_else(
                    || [neutralise(record.parent_cloud_id.as_str()).into_owned(), String::new()],
                    cloud_cells,
                );
                ("project", cloud, neutralise(record.id.as_str()).into_owned(), neutralise(&record.name).into_owned())
            }
        };
        let counts = [
            row.reaching(self.org_owners),
            row.owners.len(),
            row.collaborators.len(),
            row.readonly.len(),
            self.org_owners,
        ]
        .map(|count| count.to_string());
        let lists = [&row.owners, &row.collaborators, &row.readonly].map(|members| emails(self.view, members));
        let resource = [kind, &cloud_id, &cloud_name, &project_id, &project_name];
        let cells = resource.into_iter().chain(counts.iter().map(String::as_str));
        self.table.row(rows, cells.chain(lists.iter().map(String::as_str)).chain([""]))
    }
}

/// Returns the members' emails, `; `-separated, as one formula-safe cell.
fn emails(view: &ReportView<'_, '_>, members: &[MemberIx]) -> String {
    let index = &view.resolution.index;
    let list: Vec<&str> = members.iter().map(|&member| index.member_record(member).email.as_str()).collect();
    neutralise(&list.join("; ")).into_owned()
}
