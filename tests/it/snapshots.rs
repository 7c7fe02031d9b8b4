//! Snapshot files: bad input gives a clear error naming the file and the field, never a panic; good
//! input round-trips and is written deterministically.

use crate::support::{demo_org, load, permaudit, stderr};
use permaudit::model::{Snapshot, SnapshotError};
use std::path::Path;

fn write_temp(directory: &Path, name: &str, text: &str) -> String {
    let path = directory.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Runs list-permissions on a bad file and returns stderr, checking the exit code and that nothing panicked.
fn refused(path: &str) -> String {
    let output = permaudit(&["user", "list-permissions", "--org", path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert!(!message.contains("panicked"), "{message}");
    assert!(message.contains(path), "the error names the file: {message}");
    message
}

fn demo_text() -> String {
    std::fs::read_to_string(demo_org()).unwrap()
}

#[test]
fn truncated_json_names_the_line() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text();
    let path = write_temp(directory.path(), "truncated.json", &text[..text.len() / 2]);
    let message = refused(&path);
    assert!(message.contains("is truncated") && message.contains("line"), "{message}");
}

#[test]
fn a_wrong_type_names_the_field() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text().replacen("\"email\": \"alice@example.com\"", "\"email\": 42", 1);
    let message = refused(&write_temp(directory.path(), "types.json", &text));
    assert!(message.contains("field `members[0].email`") && message.contains("invalid type"), "{message}");
}

#[test]
fn an_unknown_role_names_the_field() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text().replacen("\"readonly\"", "\"superuser\"", 1);
    let message = refused(&write_temp(directory.path(), "role.json", &text));
    assert!(
        message.contains("field `clouds[0].collaborators[0].levels[0]`") && message.contains("superuser"),
        "{message}"
    );
}

#[test]
fn an_unknown_version_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text().replacen("permaudit-snapshot/1", "permaudit-snapshot/9", 1);
    let message = refused(&write_temp(directory.path(), "version.json", &text));
    assert!(message.contains("has format `permaudit-snapshot/9`"), "{message}");
    let text = demo_text().replacen("\"members\"", "\"people\"", 1).replacen("permaudit-snapshot/1", "v0", 1);
    let message = refused(&write_temp(directory.path(), "old.json", &text));
    assert!(message.contains("has format `v0`"), "a version mismatch is reported before the fields: {message}");
    let text = demo_text().replacen("\"format\": \"permaudit-snapshot/1\",", "", 1);
    let message = refused(&write_temp(directory.path(), "none.json", &text));
    assert!(message.contains("field `format`"), "{message}");
}

#[test]
fn duplicate_ids_are_refused() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text().replacen("\"user_id\": \"usr_bob\"", "\"user_id\": \"usr_alice\"", 1);
    let message = refused(&write_temp(directory.path(), "dup.json", &text));
    assert!(
        message.contains("field `members[1].user_id`") && message.contains("`usr_alice` appears twice"),
        "{message}"
    );
    let text = demo_text().replacen("\"id\": \"cld_2\"", "\"id\": \"cld_1\"", 1);
    let message = refused(&write_temp(directory.path(), "dup-cloud.json", &text));
    assert!(message.contains("field `clouds[1].id`"), "{message}");
}

#[test]
fn an_unknown_field_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let text = demo_text().replacen("\"is_service_account\": false", "\"is_service_acount\": false", 1);
    let message = refused(&write_temp(directory.path(), "typo.json", &text));
    assert!(message.contains("members[0]") && message.contains("is_service_acount"), "{message}");
}

#[test]
fn a_missing_file_and_a_missing_org_say_what_to_do() {
    let message = refused("/nonexistent/org.json");
    assert!(message.contains("cannot read snapshot"), "{message}");
    let home = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["user", "list-permissions"])
        .env_remove("ANYSCALE_CLI_TOKEN")
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("ANYSCALE_CLI_TOKEN") && message.contains("`--org FILE`"), "{message}");
}

#[test]
fn errors_from_the_library_are_typed() {
    let error = Snapshot::from_slice(b"{", Path::new("x.json")).unwrap_err();
    assert!(matches!(error, SnapshotError::Syntax { .. }));
    let error = Snapshot::from_slice(b"[]", Path::new("x.json")).unwrap_err();
    assert!(matches!(error, SnapshotError::Field { .. } | SnapshotError::Format { .. }), "{error}");
}

#[test]
fn a_snapshot_round_trips_and_saves_deterministically() {
    let directory = tempfile::tempdir().unwrap();
    let snapshot = load("fixtures/demo/org.json");
    let (first, second) = (directory.path().join("a.json"), directory.path().join("b.json"));
    snapshot.save(&first).unwrap();
    let reloaded = Snapshot::load(&first).unwrap();
    assert_eq!(reloaded, snapshot);
    reloaded.save(&second).unwrap();
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
fn a_snapshot_is_named_by_the_sha256_of_its_file() {
    let directory = tempfile::tempdir().unwrap();
    let (snapshot, digest) = Snapshot::load_with_digest(&demo_org()).unwrap();
    let sha256 = |path: &Path| permaudit::digest::Sha256Digest::of(&std::fs::read(path).unwrap());
    assert_eq!(digest, sha256(&demo_org()), "a file's own bytes");
    let saved = directory.path().join("saved.json");
    snapshot.save(&saved).unwrap();
    assert_eq!(snapshot.digest(), sha256(&saved), "in memory: the bytes `save` (and `collect`) would write");
    assert_eq!(Snapshot::load_with_digest(&saved).unwrap().1, sha256(&saved), "read in pieces");
    let compact = directory.path().join("compact.json");
    let text =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&std::fs::read(&saved).unwrap()).unwrap());
    std::fs::write(&compact, text.unwrap()).unwrap();
    assert_eq!(Snapshot::load_with_digest(&compact).unwrap().1, sha256(&compact), "a layout read whole");
    let with_mark = directory.path().join("bom.json");
    std::fs::write(&with_mark, [b"\xef\xbb\xbf".as_slice(), &std::fs::read(&saved).unwrap()].concat()).unwrap();
    assert_eq!(Snapshot::load_with_digest(&with_mark).unwrap().1, sha256(&with_mark), "the mark is hashed too");
}

#[test]
fn the_generator_is_deterministic_from_its_seed() {
    let directory = tempfile::tempdir().unwrap();
    let run = |name: &str, seed: &str| {
        let path = directory.path().join(name);
        let args = ["generate", "--members", "300", "--groups", "10", "--projects", "40", "--grants", "3000"];
        let output = permaudit(&[&args[..], &["--seed", seed, "--out", path.to_str().unwrap()]].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        std::fs::read(path).unwrap()
    };
    let (first, second, other) = (run("a.json", "3"), run("b.json", "3"), run("c.json", "4"));
    assert_eq!(first, second);
    assert_ne!(first, other);
    let snapshot = Snapshot::from_slice(&first, Path::new("a.json")).unwrap();
    assert_eq!(snapshot.organization.members.len(), 300);
}

#[test]
fn a_byte_order_mark_before_the_json_is_accepted() {
    let directory = tempfile::tempdir().unwrap();
    let path = write_temp(directory.path(), "bom.json", &format!("\u{feff}{}", demo_text()));
    let output = permaudit(&["user", "list-permissions", "--org", &path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(crate::support::stdout(&output), crate::support::render_text(&load("fixtures/demo/org.json")));
}

#[test]
fn a_huge_or_hostile_value_is_quoted_short_and_escaped() {
    let directory = tempfile::tempdir().unwrap();
    let role = format!("\u{1b}[2J{}", "r".repeat(1_000_000));
    let text = demo_text().replacen("\"readonly\"", &format!("\"{}\"", role.replace('\u{1b}', "\\u001b")), 1);
    let message = refused(&write_temp(directory.path(), "huge.json", &text));
    assert!(message.len() < 2000, "the message is {} bytes", message.len());
    assert!(message.contains("\\u{1b}[2Jrrr") && !message.contains('\u{1b}'), "{message}");
    assert!(message.contains("characters left out") && message.contains("expected one of"), "{message}");
    let id = "c".repeat(100_000);
    let text =
        demo_text().replacen("\"cld_1\"", &format!("\"{id}\""), 1).replacen("\"cld_2\"", &format!("\"{id}\""), 1);
    let message = refused(&write_temp(directory.path(), "huge-id.json", &text));
    assert!(message.contains("appears twice") && message.len() < 2000, "{message}");
}
