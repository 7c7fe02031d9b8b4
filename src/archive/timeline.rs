//! The timeline queries: the intervals of a member's access (or of everyone's on a cloud or project),
//! each boundary with the collections around it and its causes, filtered by period and role, or the
//! access as of a date. Access is known only at collection times; a boundary says between which two
//! collections it falls, and a period that a collection gap covered is marked uncertain.

use super::database::{self, role_of, SnapshotRow};
use super::records::Scope;
use super::time::QueryDate;
use super::{ArchiveError, DATABASE, SNAPSHOTS};
use crate::diff::{covered, Covered};
use crate::model::Role;
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// A member id, or an email (every member id that held it, compared case-insensitively).
    pub user: Option<String>,
    /// A cloud (its entries, its projects' and the org owners'), by name or id.
    pub cloud: Option<String>,
    /// A project (its entries and the org owners'), by name or id.
    pub project: Option<String>,
    pub from: Option<QueryDate>,
    pub to: Option<QueryDate>,
    /// As of this date: the access the latest collection on or before it shows.
    pub at: Option<QueryDate>,
    pub role: Option<Role>,
}

/// Why a timeline cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("`{0}` is neither a member id nor an email of any member in the archive; `permaudit history DIR --cloud NAME` lists who held access there")]
    UnknownMember(String),
    #[error("no {scope} `{wanted}` in the archive (by id or name)")]
    UnknownResource { scope: &'static str, wanted: String },
    #[error("{scope} name `{wanted}` belongs to {} resources ({}); pass one of these ids instead", ids.len(), ids.join(", "))]
    Ambiguous { scope: &'static str, wanted: String, ids: Vec<String> },
}

/// A member as the archive names it (its newest email and name).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MemberName {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
}

/// A resource as the archive names it; a project with its cloud.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ResourceName {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub cloud: Option<CloudName>,
}

/// A project's cloud.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CloudName {
    pub id: String,
    pub name: String,
}

/// One cause of a boundary, as the diff module named it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CauseText {
    pub kind: String,
    pub via: String,
    pub description: String,
}

/// Where an interval starts or ends: the first collection that shows the change, the one before it
/// (the change happened in between), and its causes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Boundary {
    pub collected_at: String,
    /// The previous collection; `None` at the first collection of the archive.
    pub after: Option<String>,
    pub causes: Vec<CauseText>,
}

/// A collection during which a gap hid the entry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Uncertainty {
    pub collected_at: String,
    pub gaps: Vec<String>,
}

/// How an interval meets the period asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Overlap {
    /// A collection inside the period shows the role.
    Known,
    /// No collection inside the period shows it, but it may have been held in part of it.
    Possible,
}

/// One interval of access: a role a member held on a resource, from one boundary to the next.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Interval {
    pub member: MemberName,
    pub resource: ResourceName,
    pub role: Role,
    /// The first collection that shows it.
    pub from: Boundary,
    /// The last collection that shows it.
    pub last_seen: String,
    /// The first collection that no longer shows it; `None` while held at the latest collection.
    pub to: Option<Boundary>,
    pub uncertain: Vec<Uncertainty>,
    pub overlap: Overlap,
    /// The sequence of the first collection that shows it (orders intervals of one entry).
    #[serde(skip)]
    pub from_sequence: i64,
}

/// One collection of the archive, as the timeline reports them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CollectionInfo {
    pub sequence: i64,
    pub collected_at: String,
    pub complete: bool,
    pub gaps: Vec<String>,
    pub pruned: bool,
}

/// Where a query date falls among the collections.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DatePlace {
    pub date: String,
    /// The latest collection on or before the date.
    pub collection_before: Option<String>,
    /// The first collection after the date.
    pub collection_after: Option<String>,
}

/// The answer to a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub organization_id: String,
    pub collections: Vec<CollectionInfo>,
    pub query: Query,
    /// The members `--user` matched.
    pub members: Vec<MemberName>,
    pub resource: Option<ResourceName>,
    pub from: Option<DatePlace>,
    pub to: Option<DatePlace>,
    pub at: Option<DatePlace>,
    pub intervals: Vec<Interval>,
}

/// The archive opened for queries (no lock: SQLite keeps a reader consistent).
pub struct Reader {
    connection: Connection,
}

impl Reader {
    /// Opens the archive at `root` for queries.
    pub fn open(root: &Path) -> Result<Reader, ArchiveError> {
        let path = root.join(DATABASE);
        if !path.is_file() {
            return Err(match root.join(SNAPSHOTS).is_dir() {
                true => ArchiveError::NoDatabase { path: root.to_owned() },
                false => ArchiveError::NotAnArchive { path: root.to_owned() },
            });
        }
        Ok(Reader { connection: database::open_read_only(&path)? })
    }

    fn failed(&self, error: rusqlite::Error) -> TimelineError {
        TimelineError::Archive(ArchiveError::Database { path: DATABASE.into(), source: error })
    }

    /// Answers a query.
    pub fn timeline(&self, query: &Query) -> Result<Timeline, TimelineError> {
        let rows = database::snapshots(&self.connection).map_err(|error| self.failed(error))?;
        let organization_id = database::organization(&self.connection).map_err(|error| self.failed(error))?;
        let members = match &query.user {
            Some(wanted) => self.find_members(wanted)?,
            None => Vec::new(),
        };
        let resource = match (&query.cloud, &query.project) {
            (_, Some(project)) => Some(self.find_resource(Scope::Project, project)?),
            (Some(cloud), None) => Some(self.find_resource(Scope::Cloud, cloud)?),
            (None, None) => None,
        };
        let candidates = self.candidates(&members, resource.as_ref())?;
        let times = Times::new(&rows);
        let at = query.at.as_ref().map(|date| times.place(date));
        let mut intervals = Vec::new();
        for candidate in candidates {
            if query.role.is_some_and(|role| role != candidate.role) {
                continue;
            }
            let Some(overlap) = times.overlap(&candidate, query) else { continue };
            intervals.push(self.interval(&times, candidate, overlap)?);
        }
        intervals.sort_by(|a, b| order(a).cmp(&order(b)));
        Ok(Timeline {
            organization_id: organization_id.unwrap_or_default(),
            collections: rows.iter().map(collection_info).collect(),
            query: query.clone(),
            members: members.iter().map(|(_, name)| name.clone()).collect(),
            resource: resource.map(|(_, name)| name),
            from: query.from.as_ref().map(|date| times.place(date)),
            to: query.to.as_ref().map(|date| times.place(date)),
            at,
            intervals,
        })
    }

    fn find_members(&self, wanted: &str) -> Result<Vec<(i64, MemberName)>, TimelineError> {
        let by_id: Option<i64> = self
            .connection
            .query_row("SELECT id FROM members WHERE member_id = ?1", [wanted], |row| row.get(0))
            .optional()
            .map_err(|error| self.failed(error))?;
        let ids: Vec<i64> = match by_id {
            Some(id) => vec![id],
            None => {
                let mut statement = self
                    .connection
                    .prepare("SELECT member FROM member_emails WHERE email_key = ?1 ORDER BY member")
                    .map_err(|error| self.failed(error))?;
                let ids = statement
                    .query_map([crate::model::email_key(wanted)], |row| row.get(0))
                    .and_then(Iterator::collect)
                    .map_err(|error| self.failed(error))?;
                ids
            }
        };
        if ids.is_empty() {
            return Err(TimelineError::UnknownMember(wanted.to_owned()));
        }
        ids.into_iter().map(|id| Ok((id, self.member_name(id)?))).collect()
    }

    fn member_name(&self, id: i64) -> Result<MemberName, TimelineError> {
        self.connection
            .prepare_cached("SELECT member_id, email, name, is_service_account FROM members WHERE id = ?1")
            .and_then(|mut statement| {
                statement.query_row([id], |row| {
                    Ok(MemberName {
                        id: row.get(0)?,
                        email: row.get(1)?,
                        name: row.get(2)?,
                        is_service_account: row.get(3)?,
                    })
                })
            })
            .map_err(|error| self.failed(error))
    }

    fn find_resource(&self, scope: Scope, wanted: &str) -> Result<(i64, ResourceName), TimelineError> {
        let query = "SELECT id, resource_id FROM resources WHERE scope = ?1 AND (resource_id = ?2 OR name = ?2)
                     ORDER BY resource_id = ?2 DESC, resource_id";
        let mut statement = self.connection.prepare(query).map_err(|error| self.failed(error))?;
        let found: Vec<(i64, String)> = statement
            .query_map(params![scope.as_str(), wanted], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(|error| self.failed(error))?;
        match found.as_slice() {
            [] => Err(TimelineError::UnknownResource { scope: scope.as_str(), wanted: wanted.to_owned() }),
            [(id, resource_id), ..] if resource_id == wanted => Ok((*id, self.resource_name(*id)?)),
            [(id, _)] => Ok((*id, self.resource_name(*id)?)),
            several => Err(TimelineError::Ambiguous {
                scope: scope.as_str(),
                wanted: wanted.to_owned(),
                ids: several.iter().map(|(_, id)| id.clone()).collect(),
            }),
        }
    }

    fn resource_name(&self, id: i64) -> Result<ResourceName, TimelineError> {
        let query = "SELECT r.scope, r.resource_id, r.name, r.cloud_id, c.name FROM resources r
                     LEFT JOIN resources c ON c.scope = 'cloud' AND c.resource_id = r.cloud_id WHERE r.id = ?1";
        self.connection
            .prepare_cached(query)
            .and_then(|mut statement| {
                statement.query_row([id], |row| {
                    let scope: String = row.get(0)?;
                    let cloud: Option<String> = row.get(3)?;
                    let cloud_name: Option<String> = row.get(4)?;
                    Ok(ResourceName {
                        kind: Scope::parse(&scope).unwrap_or(Scope::Cloud).as_str(),
                        id: row.get(1)?,
                        name: row.get(2)?,
                        cloud: cloud.map(|id| CloudName { name: cloud_name.unwrap_or_else(|| id.clone()), id }),
                    })
                })
            })
            .map_err(|error| self.failed(error))
    }

    /// Returns the intervals of the matched members (all, without `--user`) on the matched resource
    /// (all, without `--cloud` or `--project`).
    fn candidates(
        &self,
        members: &[(i64, MemberName)],
        resource: Option<&(i64, ResourceName)>,
    ) -> Result<Vec<Candidate>, TimelineError> {
        let resources = match resource {
            Some((id, name)) => Some(self.reaching(*id, name)?),
            None => None,
        };
        let mut found = Vec::new();
        let mut add = |sql: &str, values: &[i64]| -> rusqlite::Result<()> {
            let mut statement = self.connection.prepare_cached(sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
                Ok(Candidate {
                    member: row.get(0)?,
                    resource: row.get(1)?,
                    from: row.get(2)?,
                    role: role_of(row.get(3)?).unwrap_or(Role::Readonly),
                    to: row.get(4)?,
                })
            })?;
            for row in rows {
                found.push(row?);
            }
            Ok(())
        };
        let columns = "SELECT member, resource, from_sequence, role, to_sequence FROM intervals";
        let result = match (members.is_empty(), &resources) {
            (false, _) => {
                members.iter().try_for_each(|(member, _)| add(&format!("{columns} WHERE member = ?1"), &[*member]))
            }
            // The intervals have no index by resource (it would take a third of the database): one scan
            // reads them all, and SQLite keeps those of the resources wanted (a scan per batch of
            // resources, within SQLite's limit on the parameters of a statement).
            (true, Some(resources)) => resources.chunks(RESOURCES_PER_SCAN).try_for_each(|batch| {
                let wanted = vec!["?"; batch.len()].join(", ");
                add(&format!("{columns} WHERE resource IN ({wanted})"), batch)
            }),
            (true, None) => add(columns, &[]),
        };
        result.map_err(|error| self.failed(error))?;
        if let Some(resources) = resources {
            found.retain(|candidate| resources.contains(&candidate.resource));
        }
        Ok(found)
    }

    /// Returns the resources whose intervals reach a resource: itself, a cloud's projects, and the
    /// organization (its owners reach everything).
    fn reaching(&self, id: i64, name: &ResourceName) -> Result<Vec<i64>, TimelineError> {
        let query = "SELECT id FROM resources WHERE id = ?1 OR scope = 'organization'
                     OR (scope = 'project' AND ?2 = 'cloud' AND cloud_id = ?3) ORDER BY id";
        let mut statement = self.connection.prepare(query).map_err(|error| self.failed(error))?;
        statement
            .query_map(params![id, name.kind, name.id], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(|error| self.failed(error))
    }

    fn interval(&self, times: &Times<'_>, candidate: Candidate, overlap: Overlap) -> Result<Interval, TimelineError> {
        let resource = self.resource_name(candidate.resource)?;
        let hidden = self.hidden(times, &candidate, &resource)?;
        let is_hidden = |sequence: i64| hidden.iter().any(|(hidden, _)| *hidden == sequence);
        // A collection whose gap covers the entry shows nothing sure about it: a boundary lies beyond.
        let mut after = candidate.from - 1;
        while after > 0 && is_hidden(after) {
            after -= 1;
        }
        let mut last_seen = candidate.to.map_or(times.latest_sequence(), |to| to - 1);
        while last_seen > candidate.from && is_hidden(last_seen) {
            last_seen -= 1;
        }
        let boundary = |sequence: i64, after: i64| -> Result<Boundary, TimelineError> {
            Ok(Boundary {
                collected_at: times.time(sequence).to_owned(),
                after: (after > 0).then(|| times.time(after).to_owned()),
                causes: self.causes(candidate.member, candidate.resource, sequence)?,
            })
        };
        let end = candidate.to.unwrap_or(i64::MAX);
        let uncertain = hidden
            .iter()
            .filter(|(sequence, _)| *sequence > after && *sequence < end)
            .map(|(_, uncertainty)| uncertainty.clone())
            .collect();
        Ok(Interval {
            member: self.member_name(candidate.member)?,
            resource,
            role: candidate.role,
            from: boundary(candidate.from, after)?,
            last_seen: times.time(last_seen).to_owned(),
            to: candidate.to.map(|to| boundary(to, last_seen)).transpose()?,
            uncertain,
            overlap,
            from_sequence: candidate.from,
        })
    }

    /// Returns the collections that say nothing sure about an entry, by sequence: those whose gap hid
    /// a change of it, and the incomplete ones whose gaps cover its resource.
    fn hidden(
        &self,
        times: &Times<'_>,
        candidate: &Candidate,
        resource: &ResourceName,
    ) -> Result<Vec<(i64, Uncertainty)>, TimelineError> {
        let mut hidden = self.uncertainty(times, candidate)?;
        for row in times.rows.iter().filter(|row| !row.complete) {
            let gaps = gaps_covering(&row.gaps, resource);
            if !gaps.is_empty() && hidden.iter().all(|(sequence, _)| *sequence != row.sequence) {
                hidden.push((row.sequence, Uncertainty { collected_at: row.collected_at.clone(), gaps }));
            }
        }
        hidden.sort_by_key(|(sequence, _)| *sequence);
        Ok(hidden)
    }

    fn causes(&self, member: i64, resource: i64, sequence: i64) -> Result<Vec<CauseText>, TimelineError> {
        let query = "SELECT c.kind, c.via, c.description FROM boundary_causes b
                     JOIN causes c ON c.sequence = b.sequence AND c.number = b.cause
                     WHERE b.member = ?1 AND b.resource = ?2 AND b.sequence = ?3 ORDER BY b.cause";
        let mut statement = self.connection.prepare_cached(query).map_err(|error| self.failed(error))?;
        statement
            .query_map(params![member, resource, sequence], |row| {
                Ok(CauseText { kind: row.get(0)?, via: row.get(1)?, description: row.get(2)? })
            })
            .and_then(Iterator::collect)
            .map_err(|error| self.failed(error))
    }

    /// Returns the collections whose gaps hid the entry, by sequence.
    fn uncertainty(&self, times: &Times<'_>, candidate: &Candidate) -> Result<Vec<(i64, Uncertainty)>, TimelineError> {
        let query = "SELECT sequence, gaps FROM uncertain WHERE member = ?1 AND resource = ?2 ORDER BY sequence";
        let mut statement = self.connection.prepare_cached(query).map_err(|error| self.failed(error))?;
        statement
            .query_map(params![candidate.member, candidate.resource], |row| {
                let (sequence, gaps): (i64, String) = (row.get(0)?, row.get(1)?);
                let gaps = serde_json::from_str(&gaps).unwrap_or_default();
                Ok((sequence, Uncertainty { collected_at: times.time(sequence).to_owned(), gaps }))
            })
            .and_then(Iterator::collect)
            .map_err(|error| self.failed(error))
    }
}

/// The most resources one scan of the intervals looks for (SQLite allows 32,766 parameters).
const RESOURCES_PER_SCAN: usize = 30_000;

/// An interval row before it is named.
struct Candidate {
    member: i64,
    resource: i64,
    from: i64,
    role: Role,
    to: Option<i64>,
}

/// The collections' times by sequence.
struct Times<'r> {
    rows: &'r [SnapshotRow],
    by_sequence: HashMap<i64, usize>,
}

impl<'r> Times<'r> {
    fn new(rows: &'r [SnapshotRow]) -> Times<'r> {
        Times { rows, by_sequence: rows.iter().enumerate().map(|(position, row)| (row.sequence, position)).collect() }
    }

    fn row(&self, sequence: i64) -> Option<&'r SnapshotRow> {
        self.by_sequence.get(&sequence).map(|&position| &self.rows[position])
    }

    fn time(&self, sequence: i64) -> &'r str {
        self.row(sequence).map_or("", |row| row.collected_at.as_str())
    }

    fn key(&self, sequence: i64) -> &'r str {
        self.row(sequence).map_or("", |row| row.collected_utc.as_str())
    }

    fn latest_sequence(&self) -> i64 {
        self.rows.last().map_or(0, |row| row.sequence)
    }

    /// Returns the collections around a date.
    fn place(&self, date: &QueryDate) -> DatePlace {
        let before = self.rows.iter().rev().find(|row| row.collected_utc <= date.key);
        let after = self.rows.iter().find(|row| row.collected_utc > date.key);
        DatePlace {
            date: date.text.clone(),
            collection_before: before.map(|row| row.collected_at.clone()),
            collection_after: after.map(|row| row.collected_at.clone()),
        }
    }

    /// Decides whether an interval answers the query's period (or date), and how surely.
    fn overlap(&self, candidate: &Candidate, query: &Query) -> Option<Overlap> {
        if let Some(at) = &query.at {
            let shown = self.rows.iter().rev().find(|row| row.collected_utc <= at.key)?.sequence;
            let held = candidate.from <= shown && candidate.to.is_none_or(|to| to > shown);
            return held.then_some(Overlap::Known);
        }
        let last_seen = candidate.to.map_or(self.latest_sequence(), |to| to - 1);
        let (from, to) =
            (query.from.as_ref().map(|date| date.key.as_str()), query.to.as_ref().map(|date| date.key.as_str()));
        let known =
            to.is_none_or(|to| self.key(candidate.from) <= to) && from.is_none_or(|from| self.key(last_seen) >= from);
        if known {
            return Some(Overlap::Known);
        }
        let starts_before_end = candidate.from == 1 || to.is_none_or(|to| self.key(candidate.from - 1) < to);
        let ends_after_start = candidate.to.is_none_or(|end| from.is_none_or(|from| self.key(end) > from));
        (starts_before_end && ends_after_start).then_some(Overlap::Possible)
    }
}

/// Returns the gap lines of a collection that cover a resource (the diff module reads what each
/// names): a cloud's own, a project's own and its cloud's, and those that name no resource.
fn gaps_covering(gaps: &[String], resource: &ResourceName) -> Vec<String> {
    let cloud = resource.cloud.as_ref().map(|cloud| cloud.id.as_str());
    gaps.iter()
        .filter(|gap| match covered(gap) {
            Covered::Everything => true,
            Covered::Cloud(id) => (resource.kind == "cloud" && id == resource.id) || cloud == Some(id.as_str()),
            Covered::Project(id) => resource.kind == "project" && id == resource.id,
        })
        .cloned()
        .collect()
}

fn collection_info(row: &SnapshotRow) -> CollectionInfo {
    CollectionInfo {
        sequence: row.sequence,
        collected_at: row.collected_at.clone(),
        complete: row.complete,
        gaps: row.gaps.clone(),
        pruned: row.pruned_on.is_some(),
    }
}

/// Orders intervals by member (email, id), then org ownership, then clouds by name and id with each
/// cloud's projects after it, then by start.
#[allow(clippy::type_complexity)]
fn order(interval: &Interval) -> (&str, &str, u8, &str, &str, bool, &str, &str, i64) {
    let member = &interval.member;
    let resource = &interval.resource;
    let (rank, cloud_name, cloud_id, is_project, name, id) = match (&resource.cloud, resource.kind) {
        (_, "organization") => (0, "", "", false, "", ""),
        (Some(cloud), _) => {
            (1, cloud.name.as_str(), cloud.id.as_str(), true, resource.name.as_str(), resource.id.as_str())
        }
        (None, _) => (1, resource.name.as_str(), resource.id.as_str(), false, "", ""),
    };
    (&member.email, &member.id, rank, cloud_name, cloud_id, is_project, name, id, interval.from_sequence)
}
