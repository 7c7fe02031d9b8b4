//! `permaudit history` over the archive of `fixtures/archive/`: a sequence of hand-written collections
//! (grant, revoke, re-grant, group join and leave, a readonly cap, a gap, a member deleted and
//! re-invited with a new id, org ownership gained and lost). The intervals, their boundaries and their
//! causes are written by hand from the rules in `fixtures/archive/expected.txt`; then `--at`, periods,
//! golden files for every format, and errors.

use crate::support::{assert_golden, permaudit, repo_path, stderr, stdout};
use permaudit::archive::time::{parse_query_date, DayEnd};
use permaudit::archive::timeline::{Interval, Query, Reader, Timeline};
use permaudit::archive::{Archive, Wait};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The fixture collections, in order.
pub fn fixture_snapshots() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_path("fixtures/archive"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    files
}

/// Makes an archive of the first `count` fixture collections in `dir`, in process.
pub fn archive_of(dir: &Path, count: usize) {
    let mut archive = Archive::open(dir, Wait::Block).unwrap();
    for path in fixture_snapshots().iter().take(count) {
        archive.add(&std::fs::read(path).unwrap(), path).unwrap();
    }
}

fn day(text: &str) -> &str {
    &text[..10]
}

/// Returns intervals in the compact form of `expected.txt`.
pub fn projection(intervals: &[Interval]) -> String {
    let mut text = String::new();
    for interval in intervals {
        let to = interval.to.as_ref().map_or("open", |to| day(&to.collected_at));
        let after = interval.from.after.as_deref().map_or("-", day);
        let _ = write!(
            text,
            "{} {}:{} {} {}..{to} after {after} last {}",
            interval.member.id,
            interval.resource.kind,
            interval.resource.id,
            interval.role,
            day(&interval.from.collected_at),
            day(&interval.last_seen)
        );
        if !interval.uncertain.is_empty() {
            let days: Vec<&str> = interval.uncertain.iter().map(|mark| day(&mark.collected_at)).collect();
            let _ = write!(text, " uncertain {}", days.join(" "));
        }
        text.push('\n');
        for cause in &interval.from.causes {
            let _ = writeln!(text, "  start {} via {}", cause.kind, cause.via);
        }
        for cause in interval.to.iter().flat_map(|to| &to.causes) {
            let _ = writeln!(text, "  end {} via {}", cause.kind, cause.via);
        }
    }
    text
}

fn expected() -> String {
    let text = std::fs::read_to_string(repo_path("fixtures/archive/expected.txt")).unwrap();
    text.lines().filter(|line| !line.starts_with('#')).map(|line| format!("{line}\n")).collect()
}

fn timeline(dir: &Path, query: Query) -> Timeline {
    Reader::open(dir).unwrap().timeline(&query).unwrap()
}

fn everyone() -> Query {
    Query { cloud: None, ..Query::default() }
}

/// Every interval of the archive, as a query for each member finds them.
pub fn all_intervals(dir: &Path) -> String {
    let mut intervals = Vec::new();
    for member in ["usr_alice", "usr_bob", "usr_carol", "dave@corp.com", "usr_erin"] {
        let query = Query { user: Some(member.to_owned()), ..everyone() };
        intervals.extend(timeline(dir, query).intervals);
    }
    projection(&intervals)
}

#[test]
fn the_intervals_follow_the_collections() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    assert_eq!(all_intervals(dir.path()), expected());
}

#[test]
fn an_email_names_every_member_id_that_held_it() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let found = timeline(dir.path(), Query { user: Some("DAVE@corp.com".to_owned()), ..everyone() });
    let ids: Vec<&str> = found.members.iter().map(|member| member.id.as_str()).collect();
    assert_eq!(ids, ["usr_dave", "usr_dave2"], "the deleted member and the one re-invited with a new id");
}

fn at(dir: &Path, query: Query, date: &str) -> String {
    let query = Query { at: Some(parse_query_date(date, DayEnd::End).unwrap()), ..query };
    projection(&timeline(dir, query).intervals)
        .lines()
        .filter(|line| !line.starts_with(' '))
        .map(|line| line.split(" after ").next().unwrap().to_owned() + "\n")
        .collect()
}

#[test]
fn as_of_a_date_the_latest_collection_before_it_answers() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let prod = Query { cloud: Some("prod".to_owned()), ..everyone() };
    // 2026-04-15 lies between the collections of April 1 and May 1: April 1's answer holds.
    let april = "usr_alice cloud:cld_prod collaborator 2026-03-01..2026-05-01\n\
                 usr_bob cloud:cld_prod collaborator 2026-03-01..2026-05-01\n\
                 usr_bob project:prj_train owner 2026-03-01..open\n\
                 usr_dave cloud:cld_prod collaborator 2026-04-01..2026-07-01\n\
                 usr_erin organization:org_history owner 2026-03-01..2026-09-15\n";
    assert_eq!(at(dir.path(), prod.clone(), "2026-04-15"), april);
    assert_eq!(at(dir.path(), prod.clone(), "2026-04-01T09:00:00Z"), april, "a collection's own time is included");
    assert_eq!(
        at(dir.path(), prod.clone(), "2026-04-01T08:59:59Z").lines().count(),
        4,
        "a second before: March 1's, without Dave"
    );
    assert_eq!(at(dir.path(), prod.clone(), "2026-02-01"), "", "before the first collection nothing is known");
    let dave = Query { user: Some("dave@corp.com".to_owned()), ..everyone() };
    assert_eq!(at(dir.path(), dave.clone(), "2026-07-15"), "", "deleted, not yet re-invited");
    assert_eq!(at(dir.path(), dave, "2030-01-01"), "usr_dave2 cloud:cld_dev readonly 2026-08-01..open\n");
}

#[test]
fn a_period_keeps_what_overlaps_it_and_says_how_surely() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let date = |text, end| Some(parse_query_date(text, end).unwrap());
    let query = Query {
        cloud: Some("cld_prod".to_owned()),
        role: Some(permaudit::model::Role::Owner),
        from: date("2026-07-02", DayEnd::Start),
        to: date("2026-09-30", DayEnd::End),
        ..everyone()
    };
    let found = timeline(dir.path(), query);
    let held: Vec<(String, String)> = found
        .intervals
        .iter()
        .map(|interval| (interval.member.id.clone(), format!("{:?}", interval.overlap)))
        .collect();
    let expected = [("usr_bob", "Known"), ("usr_bob", "Known"), ("usr_erin", "Known")];
    assert_eq!(held, expected.map(|(id, overlap)| (id.to_owned(), overlap.to_owned())));
    let place = found.from.unwrap();
    assert_eq!(place.collection_before.as_deref(), Some("2026-07-01T09:00:00+00:00"));
    assert_eq!(place.collection_after.as_deref(), Some("2026-08-01T09:00:00+00:00"));
    // No collection between June 2 and June 30: Dave's write on prod may have lasted into it, and
    // may not (it was gone by July 1, last seen May 1).
    let june = Query {
        user: Some("usr_dave".to_owned()),
        cloud: Some("prod".to_owned()),
        from: date("2026-06-02", DayEnd::Start),
        to: date("2026-06-30", DayEnd::End),
        ..everyone()
    };
    let found = timeline(dir.path(), june);
    assert_eq!(found.intervals.len(), 1);
    assert_eq!(format!("{:?}", found.intervals[0].overlap), "Possible");
}

fn history_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    let dir = dir.to_str().unwrap();
    permaudit(&[&["history", dir], args].concat())
}

#[test]
fn every_format_matches_its_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 7);
    let cases: [(&str, &[&str]); 4] = [
        ("q3-prod-owners.txt", &["--cloud", "prod", "--role", "owner", "--from", "2026-07-02", "--to", "2026-09-30"]),
        ("dave.txt", &["--user", "dave@corp.com"]),
        ("dave.json", &["--user", "dave@corp.com", "--format", "json"]),
        ("train-at-june-15.csv", &["--project", "train", "--at", "2026-06-15", "--format", "csv"]),
    ];
    for (golden, args) in cases {
        let output = history_cli(dir.path(), args);
        assert_eq!(output.status.code(), Some(0), "{golden}: {}", stderr(&output));
        assert_golden(&format!("fixtures/archive/golden/{golden}"), &output.stdout);
        assert_eq!(history_cli(dir.path(), args).stdout, output.stdout, "{golden}: the same bytes every time");
    }
}

#[test]
fn bad_queries_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    archive_of(dir.path(), 2);
    let unknown = history_cli(dir.path(), &["--user", "nobody@example.com"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("`nobody@example.com` is neither a member id nor an email"),
        "{}",
        stderr(&unknown)
    );
    let date = history_cli(dir.path(), &["--user", "usr_bob", "--from", "March"]);
    assert_eq!(date.status.code(), Some(1));
    assert!(stderr(&date).contains("`March` is not an ISO 8601 date"), "{}", stderr(&date));
    let cloud = history_cli(dir.path(), &["--cloud", "staging"]);
    assert_eq!(cloud.status.code(), Some(1));
    assert!(stderr(&cloud).contains("no cloud `staging` in the archive"), "{}", stderr(&cloud));
    assert_eq!(history_cli(dir.path(), &[]).status.code(), Some(2), "a member, a cloud or a project is required");
    let elsewhere = tempfile::tempdir().unwrap();
    let none = history_cli(elsewhere.path(), &["--user", "usr_bob"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("is not an archive"), "{}", stderr(&none));
    assert!(stdout(&none).is_empty());
}

#[test]
fn a_redacted_timeline_names_nobody_and_keeps_its_intervals() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("archive");
    archive_of(&dir, fixture_snapshots().len());
    let key = folder.path().join("redact.key");
    std::fs::write(&key, "a-history-redaction-key-of-32-bytes-or-more").unwrap();
    let archive = dir.to_str().unwrap();
    let redact = ["--redact", "emails,names,ids", "--redact-key-file", key.to_str().unwrap()];
    let mut people = std::collections::BTreeSet::new();
    for path in fixture_snapshots() {
        let snapshot = permaudit::model::Snapshot::load(&path).unwrap();
        for member in &snapshot.organization.members {
            people.extend([member.email.clone(), member.name.clone(), member.member_id().to_owned()]);
        }
    }
    for format in ["text", "json", "csv"] {
        let clear = permaudit(&["history", archive, "--cloud", "cld_prod", "--format", format]);
        let redacted =
            permaudit(&[&["history", archive, "--cloud", "cld_prod", "--format", format][..], &redact].concat());
        assert_eq!(redacted.status.code(), Some(0), "{}", stderr(&redacted));
        let (clear, redacted) = (stdout(&clear), stdout(&redacted));
        assert_eq!(clear.lines().count(), redacted.lines().count(), "the same intervals in {format}");
        for value in people.iter().filter(|value| value.len() > 2) {
            assert!(!redacted.contains(value.as_str()), "{value:?} is in the redacted {format} timeline");
        }
    }
    let email =
        permaudit::model::Snapshot::load(&fixture_snapshots()[0]).unwrap().organization.members[0].email.clone();
    let one = permaudit(&[&["history", archive, "--user", &email][..], &redact].concat());
    assert_eq!(one.status.code(), Some(0), "a member named in clear: {}", stderr(&one));
    assert!(!stdout(&one).contains(&email));
    let resources = ["--redact", "emails,resources", "--redact-key-file", key.to_str().unwrap()];
    let refused = permaudit(&[&["history", archive, "--cloud", "cld_prod"][..], &resources].concat());
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("leave `resources` out of --redact"), "{}", stderr(&refused));
}
