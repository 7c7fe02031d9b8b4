//! `permaudit archive`: the database rebuilt from the files gives the same answers; `verify` names
//! every kind of tampering (a modified, missing, reordered or foreign file, an edited database row);
//! pruning keeps the intervals and the chain; an add killed at any point leaves an archive that
//! verifies with the collection wholly in or out; concurrent adds are serialised by the lock.

use crate::history::{all_intervals, archive_of, fixture_snapshots};
use crate::support::{permaudit, stderr, stdout};
use permaudit::archive::{database, Archive, Wait};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn verify(dir: &Path) -> std::process::Output {
    permaudit(&["archive", "verify", arg(dir)])
}

fn database_rows(dir: &Path) -> Vec<(String, Vec<String>)> {
    let connection = rusqlite::Connection::open(dir.join("archive.sqlite")).unwrap();
    database::dump(&connection).unwrap()
}

/// Returns the entry files of an archive, in collection order (their names start with the time).
fn entry_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.join("snapshots")).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn a_fresh_archive_verifies_and_zstd_gives_back_each_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let output = verify(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("7 collections, 0 pruned; the files, the chain and the database agree"));
    let first = std::fs::read(&entry_files(dir.path())[0]).unwrap();
    let original = std::fs::read(&fixture_snapshots()[0]).unwrap();
    assert_eq!(
        zstd::stream::decode_all(first.as_slice()).unwrap(),
        original,
        "the file is a zstd file of the snapshot"
    );
}

#[test]
fn the_database_rebuilt_from_the_files_gives_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let (intervals, rows) = (all_intervals(dir.path()), database_rows(dir.path()));
    std::fs::remove_file(dir.path().join("archive.sqlite")).unwrap();
    let refused = permaudit(&["archive", "add", arg(&fixture_snapshots()[0]), "--archive", arg(dir.path())]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("permaudit archive rebuild"), "{}", stderr(&refused));
    let rebuilt = permaudit(&["archive", "rebuild", arg(dir.path())]);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    assert_eq!(all_intervals(dir.path()), intervals);
    assert_eq!(database_rows(dir.path()), rows, "every row of every table");
    assert_eq!(verify(dir.path()).status.code(), Some(0));
}

#[test]
fn adding_after_a_rebuild_continues_the_same_history() {
    let (whole, partial) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    archive_of(whole.path(), 7);
    archive_of(partial.path(), 6);
    std::fs::remove_file(partial.path().join("archive.sqlite")).unwrap();
    assert_eq!(permaudit(&["archive", "rebuild", arg(partial.path())]).status.code(), Some(0));
    let last = &fixture_snapshots()[6];
    let added = permaudit(&["archive", "add", arg(last), "--archive", arg(partial.path())]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    assert_eq!(database_rows(partial.path()), database_rows(whole.path()));
}

/// Turns an archive's database back into one of schema version 1: the same tables, with an index of
/// the intervals by resource.
fn make_version_1(dir: &Path) {
    let connection = rusqlite::Connection::open(dir.join("archive.sqlite")).unwrap();
    connection
        .execute_batch(
            "CREATE INDEX intervals_by_resource ON intervals(resource, from_sequence);
             UPDATE meta SET value = 'permaudit-archive/1' WHERE key = 'format';
             UPDATE meta SET value = '1' WHERE key = 'schema_version';
             PRAGMA user_version = 1;",
        )
        .unwrap();
}

fn schema_of(dir: &Path) -> (i64, Vec<String>) {
    let connection = rusqlite::Connection::open(dir.join("archive.sqlite")).unwrap();
    let version = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    let indexes = statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
    (version, indexes)
}

#[test]
fn an_archive_of_schema_version_1_is_read_as_it_is_and_migrated_by_the_next_add() {
    let (whole, old) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    archive_of(whole.path(), 7);
    archive_of(old.path(), 6);
    let intervals = all_intervals(old.path());
    make_version_1(old.path());
    assert_eq!(all_intervals(old.path()), intervals, "history reads version 1 without changing it");
    assert_eq!(schema_of(old.path()).0, 1);
    let last = &fixture_snapshots()[6];
    let added = permaudit(&["archive", "add", arg(last), "--archive", arg(old.path())]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let indexes = ["resources_by_cloud", "uncertain_by_sequence"].map(str::to_owned).to_vec();
    assert_eq!(schema_of(old.path()), (2, indexes), "the index of the intervals by resource is dropped");
    assert_eq!(database_rows(old.path()), database_rows(whole.path()), "the same rows as an archive made at version 2");
    assert_eq!(verify(old.path()).status.code(), Some(0));
}

#[test]
fn an_archive_of_an_unknown_schema_version_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 2);
    let connection = rusqlite::Connection::open(dir.path().join("archive.sqlite")).unwrap();
    connection.execute_batch("PRAGMA user_version = 9").unwrap();
    drop(connection);
    let refused = permaudit(&["history", arg(dir.path()), "--user", "usr_alice"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("schema version 9"), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("permaudit archive rebuild"), "{}", stderr(&refused));
}

fn assert_finding(dir: &Path, expected: &str) {
    let output = verify(dir);
    assert_eq!(output.status.code(), Some(4), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains(expected), "`{expected}` in:\n{}", stdout(&output));
}

fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

#[test]
fn verify_names_a_modified_file() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let target = &entry_files(dir.path())[2];
    let mut bytes = std::fs::read(target).unwrap();
    let middle = bytes.len() - 40;
    bytes[middle] ^= 0x55;
    std::fs::write(target, bytes).unwrap();
    assert_finding(dir.path(), &format!("modified: {}: its bytes differ", file_name(target)));
}

#[test]
fn verify_names_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let target = &entry_files(dir.path())[1];
    std::fs::remove_file(target).unwrap();
    assert_finding(
        dir.path(),
        &format!("missing: {}: collection #2 (2026-04-01T09:00:00+00:00) has no file", file_name(target)),
    );
}

#[test]
fn verify_names_reordered_files() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let files = entry_files(dir.path());
    let swap = dir.path().join("swap");
    std::fs::rename(&files[3], &swap).unwrap();
    std::fs::rename(&files[4], &files[3]).unwrap();
    std::fs::rename(&swap, &files[4]).unwrap();
    assert_finding(
        dir.path(),
        &format!(
            "reordered: {}: it holds collection #5 (2026-07-01T09:00:00+00:00) where the archive has collection #4",
            file_name(&files[3])
        ),
    );
}

#[test]
fn verify_names_a_foreign_file() {
    let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    archive_of(dir.path(), 3);
    let demo = crate::support::demo_org();
    Archive::open(other.path(), Wait::Block).unwrap().add(&std::fs::read(&demo).unwrap(), &demo).unwrap();
    let stray = dir.path().join("snapshots").join("20260601T090000Z-000000000000.json.zst");
    std::fs::copy(&entry_files(other.path())[0], &stray).unwrap();
    std::fs::write(dir.path().join("snapshots").join("notes.txt"), "not an entry").unwrap();
    assert_finding(
        dir.path(),
        "foreign: 20260601T090000Z-000000000000.json.zst: an entry of organization `org_demo` (collection #1",
    );
    assert_finding(dir.path(), "foreign: notes.txt: not an entry of this archive");
}

#[test]
fn verify_names_an_edited_database_row() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let connection = rusqlite::Connection::open(dir.path().join("archive.sqlite")).unwrap();
    let changed = connection
        .execute("UPDATE intervals SET role = 3 WHERE role = 1 AND member = (SELECT id FROM members WHERE member_id = 'usr_bob')", [])
        .unwrap();
    assert_eq!(changed, 1);
    drop(connection);
    assert_finding(dir.path(), "database: archive.sqlite: table `intervals` differs from what the snapshot files record: 1 row(s) not in the files");
}

#[test]
fn pruning_keeps_the_intervals_and_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let intervals = all_intervals(dir.path());
    let output = permaudit(&["archive", "prune", arg(dir.path()), "--keep-days", "60", "--today", "2026-09-20"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Pruned 5 snapshots collected before 2026-07-22"), "{}", stdout(&output));
    assert_eq!(all_intervals(dir.path()), intervals, "the intervals stay queryable");
    let verified = verify(dir.path());
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    let text = stdout(&verified);
    assert_eq!(text.matches("pruned: ").count(), 5, "{text}");
    assert!(
        text.contains("pruned: 20260301T090000Z-") && text.contains("its snapshot was removed on 2026-09-20"),
        "{text}"
    );
    assert!(text.contains("7 collections, 5 pruned; the files, the chain and the database agree"), "{text}");
    let rows = database_rows(dir.path());
    std::fs::remove_file(dir.path().join("archive.sqlite")).unwrap();
    assert_eq!(permaudit(&["archive", "rebuild", arg(dir.path())]).status.code(), Some(0));
    assert_eq!(database_rows(dir.path()), rows, "a pruned archive rebuilds the same");
    assert_eq!(all_intervals(dir.path()), intervals);
}

#[test]
fn pruning_counts_from_source_date_epoch_without_today() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let output = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["archive", "prune", arg(dir.path()), "--keep-days", "200"])
        .env("SOURCE_DATE_EPOCH", "1790294400") // 2026-09-25
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Pruned 1 snapshot collected before 2026-03-09"), "{}", stdout(&output));
}

#[test]
fn adding_refuses_another_organization_and_older_collections() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 3);
    let older = permaudit(&["archive", "add", arg(&fixture_snapshots()[1]), "--archive", arg(dir.path())]);
    assert_eq!(older.status.code(), Some(0), "the same snapshot again is already archived");
    assert!(stderr(&older).contains("already in archive"), "{}", stderr(&older));
    let demo = crate::support::demo_org();
    let other = permaudit(&["archive", "add", arg(&demo), "--archive", arg(dir.path())]);
    assert_eq!(other.status.code(), Some(1));
    assert!(stderr(&other).contains("but the archive holds organization `org_history`"), "{}", stderr(&other));
    let snapshot =
        std::fs::read_to_string(&fixture_snapshots()[4]).unwrap().replace("2026-07-01T09:00:00", "2026-04-15T09:00:00");
    let early = dir.path().join("early.json");
    std::fs::write(&early, snapshot).unwrap();
    let refused = permaudit(&["archive", "add", arg(&early), "--archive", arg(dir.path())]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("not after the archive's latest collection"), "{}", stderr(&refused));
    assert_eq!(verify(dir.path()).status.code(), Some(0), "nothing was half-added");
}

/// Writes a generated organization and `count` edited versions of it, collected a day apart.
fn generated(work: &Path, count: usize) -> (PathBuf, Vec<PathBuf>) {
    let base = work.join("base.json");
    let sizes = ["--members", "3000", "--groups", "60", "--clouds", "6", "--projects", "300", "--grants", "60000"];
    let made = permaudit(&[&["generate", "--seed", "3", "--out", arg(&base)], &sizes[..]].concat());
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let mut edited = Vec::new();
    for day in 1..=count {
        let path = work.join(format!("day-{day}.json"));
        let seed = day.to_string();
        let made =
            permaudit(&["generate", "--edit", arg(&base), "--edits", "60", "--seed", &seed, "--out", arg(&path)]);
        assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("2026-02-01T00:00:00+00:00", &format!("2026-02-{day:02}T06:00:00+00:00"));
        std::fs::write(&path, text).unwrap();
        edited.push(path);
    }
    (base, edited)
}

/// A deterministic sequence of fractions in [0, 1) from a seed (SplitMix64).
fn fractions(mut state: u64) -> impl Iterator<Item = f64> {
    std::iter::from_fn(move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Some(((mixed ^ (mixed >> 31)) >> 11) as f64 / (1u64 << 53) as f64)
    })
}

fn collections(dir: &Path) -> usize {
    let connection = rusqlite::Connection::open(dir.join("archive.sqlite")).unwrap();
    connection.query_row("SELECT COUNT(*) FROM snapshots", [], |row| row.get::<_, i64>(0)).unwrap() as usize
}

#[test]
fn an_add_killed_at_any_point_leaves_an_archive_that_verifies() {
    let work = tempfile::tempdir().unwrap();
    let (base, days) = generated(work.path(), 5);
    let dir = work.path().join("archive");
    let started = Instant::now();
    let first = permaudit(&["archive", "add", arg(&base), "--archive", arg(&dir)]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let span = started.elapsed();
    for (day, fraction) in days.iter().zip(fractions(7)) {
        let before = collections(&dir);
        let mut child = Command::new(env!("CARGO_BIN_EXE_permaudit"))
            .args(["archive", "add", arg(day), "--archive", arg(&dir)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(span.mul_f64(fraction * 1.5));
        let _ = child.kill();
        child.wait().unwrap();
        let output = verify(&dir);
        assert_eq!(
            output.status.code(),
            Some(0),
            "killed after {fraction:.2} of an add: {}{}",
            stdout(&output),
            stderr(&output)
        );
        let after = collections(&dir);
        assert!(after == before || after == before + 1, "the collection is wholly in or out: {before} then {after}");
        let again = permaudit(&["archive", "add", arg(day), "--archive", arg(&dir)]);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        assert_eq!(collections(&dir), before + 1);
    }
    let output = verify(&dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn a_second_run_waits_for_the_lock_or_says_it_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 1);
    let held = Archive::open(dir.path(), Wait::Block).unwrap();
    let next = &fixture_snapshots()[1];
    let refused = permaudit(&["archive", "add", arg(next), "--archive", arg(dir.path()), "--no-wait"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("is in use by another run"), "{}", stderr(&refused));
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["archive", "add", arg(next), "--archive", arg(dir.path())])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(waiting.try_wait().unwrap().is_none(), "it waits while the lock is held");
    drop(held);
    let output = waiting.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("Waiting for another run to finish with archive"), "{}", stderr(&output));
    assert_eq!(collections(dir.path()), 2);
}

#[test]
fn concurrent_runs_adding_the_same_collections_land_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let dir = dir.path().to_owned();
            std::thread::spawn(move || {
                for snapshot in fixture_snapshots() {
                    let output = permaudit(&["archive", "add", arg(&snapshot), "--archive", arg(&dir)]);
                    assert!(matches!(output.status.code(), Some(0 | 3)), "{}", stderr(&output));
                }
            })
        })
        .collect();
    for run in runs {
        run.join().unwrap();
    }
    assert_eq!(collections(dir.path()), 7);
    assert_eq!(verify(dir.path()).status.code(), Some(0));
    let reference = tempfile::tempdir().unwrap();
    archive_of(reference.path(), 7);
    assert_eq!(all_intervals(dir.path()), all_intervals(reference.path()));
}
