//! The archive's SQLite database (`docs/archive.md` documents the schema): the collections, and the
//! intervals of access with the causes of their boundaries. Only changes are stored: a collection adds
//! rows for what it opened, closed or left uncertain, never a copy of the state.

use super::entry::Header;
use super::records::{Change, Records, Scope};
use super::time::utc_key;
use super::ArchiveError;
use crate::model::Role;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

/// The schema version, in `PRAGMA user_version` and in the meta table.
pub const SCHEMA_VERSION: i64 = 2;
/// The archive format named in the meta table.
pub const ARCHIVE_FORMAT: &str = "permaudit-archive/2";
/// The schema version before this one: the same tables with an index of the intervals by resource,
/// read as it is and migrated by the first run that opens the archive to change it.
const PREVIOUS_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE roles (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO roles VALUES (1, 'readonly'), (2, 'collaborator'), (3, 'owner');
CREATE TABLE snapshots (
  sequence INTEGER PRIMARY KEY,
  collected_at TEXT NOT NULL,
  collected_utc TEXT NOT NULL,
  source TEXT NOT NULL,
  complete INTEGER NOT NULL,
  gaps TEXT NOT NULL,
  file TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  entry_sha256 TEXT NOT NULL UNIQUE,
  previous_entry_sha256 TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  pruned_on TEXT
);
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  member_id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  is_service_account INTEGER NOT NULL
);
CREATE TABLE member_emails (
  email_key TEXT NOT NULL,
  member INTEGER NOT NULL REFERENCES members(id),
  PRIMARY KEY (email_key, member)
) WITHOUT ROWID;
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  name TEXT NOT NULL,
  cloud_id TEXT,
  UNIQUE (scope, resource_id)
);
CREATE INDEX resources_by_cloud ON resources(cloud_id);
CREATE TABLE causes (
  sequence INTEGER NOT NULL REFERENCES snapshots(sequence),
  number INTEGER NOT NULL,
  kind TEXT NOT NULL,
  via TEXT NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (sequence, number)
) WITHOUT ROWID;
CREATE TABLE intervals (
  member INTEGER NOT NULL REFERENCES members(id),
  resource INTEGER NOT NULL REFERENCES resources(id),
  from_sequence INTEGER NOT NULL REFERENCES snapshots(sequence),
  role INTEGER NOT NULL REFERENCES roles(code),
  to_sequence INTEGER REFERENCES snapshots(sequence),
  PRIMARY KEY (member, resource, from_sequence)
) WITHOUT ROWID;
CREATE TABLE boundary_causes (
  member INTEGER NOT NULL,
  resource INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  cause INTEGER NOT NULL,
  PRIMARY KEY (member, resource, sequence, cause)
) WITHOUT ROWID;
CREATE TABLE uncertain (
  member INTEGER NOT NULL,
  resource INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  gaps TEXT NOT NULL,
  PRIMARY KEY (member, resource, sequence)
) WITHOUT ROWID;
CREATE INDEX uncertain_by_sequence ON uncertain(sequence);
";

/// Opens the database at `path`, creating its schema when the file is new and migrating one of the
/// previous version.
pub fn open(path: &Path) -> Result<Connection, ArchiveError> {
    let connection = Connection::open(path).map_err(|error| ArchiveError::database(path, error))?;
    prepare(&connection).map_err(|error| ArchiveError::database(path, error))?;
    if version(&connection).map_err(|error| ArchiveError::database(path, error))? == PREVIOUS_VERSION {
        migrate(&connection).map_err(|error| ArchiveError::database(path, error))?;
    }
    check_version(&connection, path, &[SCHEMA_VERSION])?;
    Ok(connection)
}

/// Opens the database at `path` read-only; it must exist. A database of the previous version is read
/// as it is: its tables are the same.
pub fn open_read_only(path: &Path) -> Result<Connection, ArchiveError> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(|error| ArchiveError::database(path, error))?;
    check_version(&connection, path, &[PREVIOUS_VERSION, SCHEMA_VERSION])?;
    Ok(connection)
}

/// Migrates a database of the previous version: drops the index of the intervals by resource (the
/// largest thing in the file after the intervals themselves) and gives its pages back to the file
/// system. The rows stay as they are, so every query gives the same answer.
fn migrate(connection: &Connection) -> rusqlite::Result<()> {
    let transaction = connection.unchecked_transaction()?;
    transaction.execute_batch("DROP INDEX IF EXISTS intervals_by_resource")?;
    transaction.execute("UPDATE meta SET value = ?1 WHERE key = 'format'", [ARCHIVE_FORMAT])?;
    transaction.execute("UPDATE meta SET value = ?1 WHERE key = 'schema_version'", [SCHEMA_VERSION.to_string()])?;
    transaction.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
    transaction.commit()?;
    // Outside the transaction, as SQLite requires; a run cut short here leaves a valid, larger file.
    connection.execute_batch("VACUUM")
}

fn version(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Creates the schema in an empty database (an in-memory one for `verify`).
pub fn prepare(connection: &Connection) -> rusqlite::Result<()> {
    // A 64 MiB page cache holds the pages one collection's changes touch (the default is 2 MiB).
    connection.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -65536;")?;
    if version(connection)? != 0 {
        return Ok(());
    }
    let transaction = connection.unchecked_transaction()?;
    transaction.execute_batch(SCHEMA)?;
    transaction.execute("INSERT INTO meta VALUES ('format', ?1)", [ARCHIVE_FORMAT])?;
    transaction.execute("INSERT INTO meta VALUES ('schema_version', ?1)", [SCHEMA_VERSION.to_string()])?;
    transaction.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
    transaction.commit()
}

fn check_version(connection: &Connection, path: &Path, accepted: &[i64]) -> Result<(), ArchiveError> {
    let found = version(connection).map_err(|error| ArchiveError::database(path, error))?;
    if !accepted.contains(&found) {
        return Err(ArchiveError::Schema { path: path.to_owned(), found });
    }
    Ok(())
}

/// One archived collection, as the snapshots table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRow {
    pub sequence: i64,
    pub collected_at: String,
    pub collected_utc: String,
    pub complete: bool,
    pub gaps: Vec<String>,
    pub file: String,
    pub sha256: String,
    pub entry_sha256: String,
    pub previous_entry_sha256: String,
    pub file_sha256: String,
    pub pruned_on: Option<String>,
}

/// Returns every archived collection, by sequence.
pub fn snapshots(connection: &Connection) -> rusqlite::Result<Vec<SnapshotRow>> {
    let mut statement = connection.prepare(
        "SELECT sequence, collected_at, collected_utc, complete, gaps, file, sha256, entry_sha256,
                previous_entry_sha256, file_sha256, pruned_on FROM snapshots ORDER BY sequence",
    )?;
    let rows = statement.query_map([], |row| {
        let gaps: String = row.get(4)?;
        Ok(SnapshotRow {
            sequence: row.get(0)?,
            collected_at: row.get(1)?,
            collected_utc: row.get(2)?,
            complete: row.get(3)?,
            gaps: serde_json::from_str(&gaps).unwrap_or_default(),
            file: row.get(5)?,
            sha256: row.get(6)?,
            entry_sha256: row.get(7)?,
            previous_entry_sha256: row.get(8)?,
            file_sha256: row.get(9)?,
            pruned_on: row.get(10)?,
        })
    })?;
    rows.collect()
}

/// Returns the organization the archive holds, once a collection is in.
pub fn organization(connection: &Connection) -> rusqlite::Result<Option<String>> {
    connection.query_row("SELECT value FROM meta WHERE key = 'organization_id'", [], |row| row.get(0)).optional()
}

/// Records one collection and applies its records, in the caller's transaction.
pub fn insert(
    transaction: &Transaction<'_>,
    header: &Header,
    names: (&str, &str, &str),
    records: &Records,
) -> rusqlite::Result<()> {
    apply(transaction, RowIds::read(transaction)?, header.sequence, records)?;
    record_collection(transaction, header, names)
}

/// Records one collection in the snapshots table (and, for the first, the organization), in the
/// caller's transaction: `names` are its entry file's name, entry hash and file hash.
pub fn record_collection(
    transaction: &Transaction<'_>,
    header: &Header,
    (file, entry_sha256, file_sha256): (&str, &str, &str),
) -> rusqlite::Result<()> {
    if header.sequence == 1 {
        transaction.execute("INSERT INTO meta VALUES ('organization_id', ?1)", [&header.organization_id])?;
    }
    transaction.execute(
        "INSERT INTO snapshots VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)",
        params![
            header.sequence,
            header.collected_at,
            utc_key(&header.collected_at).unwrap_or_default(),
            header.source,
            header.complete,
            serde_json::to_string(&header.gaps).unwrap_or_default(),
            file,
            header.snapshot_sha256,
            entry_sha256,
            header.previous_entry_sha256,
            file_sha256,
        ],
    )?;
    Ok(())
}

/// Applies one collection's records: members, resources, causes, then the events in order. `ids` are
/// the row ids the database holds before them.
pub fn apply(transaction: &Transaction<'_>, ids: RowIds, sequence: i64, records: &Records) -> rusqlite::Result<()> {
    let mut writer = Writer { transaction, members: ids.members, resources: ids.resources };
    for member in &records.members {
        writer.member(member)?;
    }
    for resource in &records.resources {
        writer.resource(resource)?;
    }
    let mut cause = transaction.prepare_cached("INSERT INTO causes VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (number, record) in records.causes.iter().enumerate() {
        cause.execute(params![sequence, number as i64, record.kind, record.via, record.description])?;
    }
    let mut keyed = Vec::with_capacity(records.events.len());
    for event in &records.events {
        keyed.push(((writer.member_id(&event.member)?, writer.resource_id(event.scope, &event.resource)?), event));
    }
    // In the order of the intervals' primary key, so that each page of the tables is read and journaled
    // once; the sort is stable, so an entry's close still comes before its open.
    keyed.sort_by_key(|&(key, _)| key);
    for (key, event) in keyed {
        writer.event(sequence, key, event)?;
    }
    Ok(())
}

/// Writes records with prepared statements, keeping the row ids of members and resources at hand.
struct Writer<'t> {
    transaction: &'t Transaction<'t>,
    members: HashMap<String, i64>,
    resources: HashMap<(Scope, String), i64>,
}

impl Writer<'_> {
    fn member(&mut self, member: &super::records::MemberRecord) -> rusqlite::Result<()> {
        let mut statement = self.transaction.prepare_cached(
            "INSERT INTO members (member_id, email, name, is_service_account) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (member_id) DO UPDATE SET email = ?2, name = ?3, is_service_account = ?4",
        )?;
        statement.execute(params![member.id, member.email, member.name, member.is_service_account])?;
        let id = self.member_id(&member.id)?;
        let mut email = self.transaction.prepare_cached("INSERT OR IGNORE INTO member_emails VALUES (?1, ?2)")?;
        email.execute(params![crate::model::email_key(&member.email), id])?;
        Ok(())
    }

    fn resource(&mut self, resource: &super::records::ResourceRecord) -> rusqlite::Result<()> {
        let mut statement = self.transaction.prepare_cached(
            "INSERT INTO resources (scope, resource_id, name, cloud_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (scope, resource_id) DO UPDATE SET name = ?3, cloud_id = ?4",
        )?;
        statement.execute(params![resource.scope.as_str(), resource.id, resource.name, resource.cloud])?;
        Ok(())
    }

    fn member_id(&mut self, member: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.members.get(member) {
            return Ok(id);
        }
        let mut statement = self.transaction.prepare_cached("SELECT id FROM members WHERE member_id = ?1")?;
        let id: i64 = statement.query_row([member], |row| row.get(0))?;
        self.members.insert(member.to_owned(), id);
        Ok(id)
    }

    fn resource_id(&mut self, scope: Scope, resource: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.resources.get(&(scope, resource.to_owned())) {
            return Ok(id);
        }
        let mut statement =
            self.transaction.prepare_cached("SELECT id FROM resources WHERE scope = ?1 AND resource_id = ?2")?;
        let id: i64 = statement.query_row(params![scope.as_str(), resource], |row| row.get(0))?;
        self.resources.insert((scope, resource.to_owned()), id);
        Ok(id)
    }

    fn event(
        &mut self,
        sequence: i64,
        (member, resource): (i64, i64),
        event: &super::records::Event,
    ) -> rusqlite::Result<()> {
        match (event.change, event.role) {
            (Change::Open, Some(role)) => {
                let mut statement =
                    self.transaction.prepare_cached("INSERT INTO intervals VALUES (?1, ?2, ?3, ?4, NULL)")?;
                statement.execute(params![member, resource, sequence, role_code(role)])?;
            }
            (Change::Close, _) => {
                let mut statement = self.transaction.prepare_cached(
                    "UPDATE intervals SET to_sequence = ?3 WHERE member = ?1 AND resource = ?2 AND to_sequence IS NULL",
                )?;
                statement.execute(params![member, resource, sequence])?;
            }
            (Change::Uncertain, _) => {
                let mut statement = self.transaction.prepare_cached("INSERT INTO uncertain VALUES (?1, ?2, ?3, ?4)")?;
                let gaps = serde_json::to_string(&event.gaps).unwrap_or_default();
                statement.execute(params![member, resource, sequence, gaps])?;
            }
            (Change::Open, None) => {}
        }
        let mut cause =
            self.transaction.prepare_cached("INSERT OR IGNORE INTO boundary_causes VALUES (?1, ?2, ?3, ?4)")?;
        for &number in &event.causes {
            cause.execute(params![member, resource, sequence, number])?;
        }
        Ok(())
    }
}

/// Returns a role's code in the database (the `roles` table names them).
pub fn role_code(role: Role) -> i64 {
    match role {
        Role::Readonly => 1,
        Role::Collaborator => 2,
        Role::Owner => 3,
    }
}

/// Returns the role of a code in the database.
pub fn role_of(code: i64) -> Option<Role> {
    match code {
        1 => Some(Role::Readonly),
        2 => Some(Role::Collaborator),
        3 => Some(Role::Owner),
        _ => None,
    }
}

/// The row ids of the members and resources of the database, by member id and by resource id.
pub struct RowIds {
    members: HashMap<String, i64>,
    resources: HashMap<(Scope, String), i64>,
}

impl RowIds {
    /// Reads the row ids of every member and resource.
    pub fn read(connection: &Connection) -> rusqlite::Result<RowIds> {
        Ok(RowIds { members: member_ids(connection)?, resources: resource_ids(connection)? })
    }
}

/// Returns the roles of the open intervals of these entries. They are read in one query: the entries
/// travel as one JSON array of integers, each a member's row id in the high 32 bits and a resource's
/// in the low ones, sorted so that SQLite reads the intervals' pages in order. An entry without an
/// open interval is absent from the map.
pub fn open_roles(
    connection: &Connection,
    ids: &RowIds,
    entries: &[(String, Scope, String)],
) -> rusqlite::Result<HashMap<(String, Scope, String), Role>> {
    let mut keys: Vec<(i64, usize)> = Vec::with_capacity(entries.len());
    let mut roles = HashMap::default();
    for (position, (member, scope, resource)) in entries.iter().enumerate() {
        let (Some(&member), Some(&resource)) =
            (ids.members.get(member), ids.resources.get(&(*scope, resource.clone())))
        else {
            continue;
        };
        match (u32::try_from(member), u32::try_from(resource)) {
            (Ok(member), Ok(resource)) if member <= i32::MAX as u32 => {
                keys.push(((i64::from(member) << 32) | i64::from(resource), position));
            }
            _ => {
                if let Some(role) = open_role(connection, member, resource)? {
                    roles.insert(entries[position].clone(), role);
                }
            }
        }
    }
    keys.sort_unstable();
    let array: Vec<i64> = keys.iter().map(|&(key, _)| key).collect();
    let array = serde_json::to_string(&array).map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))?;
    let mut statement = connection.prepare(
        "SELECT key.key, interval.role FROM json_each(?1) AS key
         JOIN intervals AS interval ON interval.member = key.value >> 32
          AND interval.resource = key.value & 4294967295 AND interval.to_sequence IS NULL",
    )?;
    let mut rows = statement.query([array])?;
    while let Some(row) = rows.next()? {
        let (index, code): (i64, i64) = (row.get(0)?, row.get(1)?);
        let position = usize::try_from(index).ok().and_then(|index| keys.get(index)).map(|&(_, position)| position);
        if let (Some(entry), Some(role)) = (position.and_then(|position| entries.get(position)), role_of(code)) {
            roles.entry(entry.clone()).or_insert(role);
        }
    }
    Ok(roles)
}

/// Returns the role of the open interval of one entry, by row ids.
fn open_role(connection: &Connection, member: i64, resource: i64) -> rusqlite::Result<Option<Role>> {
    let mut statement = connection
        .prepare_cached("SELECT role FROM intervals WHERE member = ?1 AND resource = ?2 AND to_sequence IS NULL")?;
    let code: Option<i64> = statement.query_row(params![member, resource], |row| row.get(0)).optional()?;
    Ok(code.and_then(role_of))
}

/// Returns the row id of every member, by member id.
fn member_ids(connection: &Connection) -> rusqlite::Result<HashMap<String, i64>> {
    let mut statement = connection.prepare("SELECT member_id, id FROM members")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// Returns the row id of every resource, by scope and resource id.
fn resource_ids(connection: &Connection) -> rusqlite::Result<HashMap<(Scope, String), i64>> {
    let mut statement = connection.prepare("SELECT scope, resource_id, id FROM resources")?;
    let rows = statement.query_map([], |row| {
        let scope: String = row.get(0)?;
        Ok(((Scope::parse(&scope).unwrap_or(Scope::Cloud), row.get(1)?), row.get(2)?))
    })?;
    rows.collect()
}

/// Returns the entries a collection left uncertain.
pub fn uncertain_at(connection: &Connection, sequence: i64) -> rusqlite::Result<Vec<(String, Scope, String)>> {
    let mut statement = connection.prepare(
        "SELECT m.member_id, r.scope, r.resource_id FROM uncertain u JOIN members m ON m.id = u.member
         JOIN resources r ON r.id = u.resource WHERE u.sequence = ?1 ORDER BY u.member, u.resource",
    )?;
    let rows = statement.query_map([sequence], |row| {
        let scope: String = row.get(1)?;
        Ok((row.get(0)?, Scope::parse(&scope).unwrap_or(Scope::Cloud), row.get(2)?))
    })?;
    rows.collect()
}

/// Records the pruning of a collection: its file now holds its records only.
pub fn mark_pruned(
    transaction: &Transaction<'_>,
    sequence: i64,
    (file, file_sha256): (&str, &str),
    pruned_on: &str,
) -> rusqlite::Result<()> {
    transaction.execute(
        "UPDATE snapshots SET file = ?2, file_sha256 = ?3, pruned_on = ?4 WHERE sequence = ?1",
        params![sequence, file, file_sha256, pruned_on],
    )?;
    Ok(())
}

/// Returns every row of every table in a stable order, one line a row, to compare two databases.
pub fn dump(connection: &Connection) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let tables = [
        ("meta", "SELECT key, value FROM meta ORDER BY key"),
        ("snapshots", "SELECT * FROM snapshots ORDER BY sequence"),
        ("members", "SELECT * FROM members ORDER BY id"),
        ("member_emails", "SELECT * FROM member_emails ORDER BY email_key, member"),
        ("resources", "SELECT * FROM resources ORDER BY id"),
        ("causes", "SELECT * FROM causes ORDER BY sequence, number"),
        ("intervals", "SELECT * FROM intervals ORDER BY member, resource, from_sequence"),
        ("boundary_causes", "SELECT * FROM boundary_causes ORDER BY member, resource, sequence, cause"),
        ("uncertain", "SELECT * FROM uncertain ORDER BY member, resource, sequence"),
    ];
    tables.iter().map(|&(table, query)| Ok((table.to_owned(), lines(connection, query)?))).collect()
}

fn lines(connection: &Connection, query: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(query)?;
    let columns = statement.column_count();
    let rows = statement.query_map([], |row| {
        let mut line = String::new();
        for column in 0..columns {
            if column > 0 {
                line.push('|');
            }
            let value: rusqlite::types::Value = row.get(column)?;
            line.push_str(&match value {
                rusqlite::types::Value::Null => "NULL".to_owned(),
                rusqlite::types::Value::Integer(number) => number.to_string(),
                rusqlite::types::Value::Real(number) => number.to_string(),
                rusqlite::types::Value::Text(text) => text,
                rusqlite::types::Value::Blob(bytes) => format!("{bytes:?}"),
            });
        }
        Ok(line)
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database with members `a` (row id 1) and `b` (row id 2^40, too large to pack), projects `p`
    /// and `q`, and intervals: `a` on `p` closed then reopened as owner, `a` on `q` closed, `b` on `p`
    /// open as readonly.
    fn database() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        prepare(&connection).unwrap();
        connection
            .execute_batch(
                "INSERT INTO members VALUES (1, 'a', 'a@x', 'A', 0), (1099511627776, 'b', 'b@x', 'B', 0);
                 INSERT INTO resources VALUES (1, 'project', 'p', 'P', 'c'), (2, 'project', 'q', 'Q', 'c');
                 INSERT INTO intervals VALUES (1, 1, 1, 2, 2), (1, 1, 2, 3, NULL), (1, 2, 1, 1, 2),
                                              (1099511627776, 1, 1, 1, NULL);",
            )
            .unwrap();
        connection
    }

    fn entry(member: &str, resource: &str) -> (String, Scope, String) {
        (member.to_owned(), Scope::Project, resource.to_owned())
    }

    #[test]
    fn open_roles_reads_the_open_interval_of_each_entry_as_one_lookup_each_would() {
        let connection = database();
        let ids = RowIds::read(&connection).unwrap();
        let entries = [entry("b", "p"), entry("a", "q"), entry("a", "p"), entry("unknown", "p"), entry("a", "unknown")];
        let roles = open_roles(&connection, &ids, &entries).unwrap();
        let expected: HashMap<_, _> =
            [(entry("a", "p"), Role::Owner), (entry("b", "p"), Role::Readonly)].into_iter().collect();
        assert_eq!(roles, expected);
        for (member, resource) in [(1, 1), (1, 2), (1_099_511_627_776, 1)] {
            let one = open_role(&connection, member, resource).unwrap();
            let by_id = |id: i64| ids.members.iter().find(|(_, &row)| row == id).map(|(name, _)| name.clone());
            let resource_id = if resource == 1 { "p" } else { "q" };
            assert_eq!(roles.get(&entry(&by_id(member).unwrap(), resource_id)).copied(), one);
        }
    }
}
