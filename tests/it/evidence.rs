//! Evidence: the manifest of every report directory, `verify` catching each kind of tampering and a bad
//! signature, `keygen`, and byte-identical directories under `SOURCE_DATE_EPOCH`.

use crate::support::{command, demo_org, permaudit, repo_path, stderr, stdout};
use permaudit::digest::Sha256Digest;
use permaudit::evidence::manifest::Manifest;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs `permaudit report` on the demo organization into `out`, with `extra` arguments.
fn report_into(out: &Path, extra: &[&str]) -> Output {
    let org = demo_org();
    let mut args = vec!["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    permaudit(&args)
}

/// Returns a fresh folder and the demo report written into `report` inside it.
fn demo_report(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("report");
    let output = report_into(&out, extra);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (folder, out)
}

fn manifest(directory: &Path) -> Manifest {
    Manifest::parse(&fs::read(directory.join("manifest.json")).unwrap()).unwrap()
}

fn verify(directory: &Path, extra: &[&str]) -> Output {
    permaudit(&[&["verify", directory.to_str().unwrap()], extra].concat())
}

fn sha256_of(path: &Path) -> String {
    Sha256Digest::of(&fs::read(path).unwrap()).to_string()
}

/// Checks that the manifest names exactly the directory's other files, by digest and size.
fn assert_manifest_matches(directory: &Path, expected_files: &[&str]) {
    let manifest = manifest(directory);
    let names: Vec<&str> = manifest.files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, expected_files, "the manifest lists the files by name");
    for file in &manifest.files {
        let path = directory.join(&file.name);
        assert_eq!(file.sha256, sha256_of(&path), "{}", file.name);
        assert_eq!(file.size, fs::metadata(&path).unwrap().len(), "{}", file.name);
    }
    assert_eq!(manifest.format, "permaudit-manifest/1");
    assert_eq!(manifest.permaudit_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.generated_at, "2026-12-01T00:00:00Z", "SOURCE_DATE_EPOCH is the generation time");
    let snapshot = &manifest.snapshots[0];
    assert_eq!(snapshot.sha256, sha256_of(&demo_org()), "the snapshot is named by its file's SHA-256");
    assert_eq!(
        (snapshot.organization_id.as_str(), snapshot.role.as_str(), snapshot.complete),
        ("org_demo", "organization", true)
    );
    assert_eq!(snapshot.collected_at, "2026-11-24T09:00:00+00:00");
}

#[test]
fn every_report_directory_has_a_manifest_of_its_files_and_snapshot() {
    let (_folder, organization) = demo_report(&[]);
    let files = [
        "anomalies.csv",
        "findings.csv",
        "findings.json",
        "members.csv",
        "permissions.csv",
        "permissions.json",
        "report.html",
        "resources.csv",
    ];
    assert_manifest_matches(&organization, &files);
    let command_line = manifest(&organization).command_line;
    assert_eq!(&command_line[..2], ["permaudit", "report"], "the program is named, not its path");
    let (_folder, person) = demo_report(&["--user-id", "usr_alice"]);
    let files = ["anomalies.csv", "permissions.csv", "permissions.json", "report.html", "revocation-plan.csv"];
    assert_manifest_matches(&person, &files);
    let folder = tempfile::tempdir().unwrap();
    let org = demo_org();
    let out = folder.path().join("check");
    let output = permaudit(&["check", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4), "the demo fails a control: {}", stderr(&output));
    assert_manifest_matches(&out, &["findings.csv", "findings.json", "findings.junit.xml"]);
    let json = permaudit(&["check", "--org", org.to_str().unwrap(), "--format", "json"]);
    assert_eq!(json.stdout, fs::read(out.join("findings.json")).unwrap(), "the same findings.json as --format json");
}

#[test]
fn the_html_header_and_findings_json_carry_the_snapshot_digest_and_version() {
    let (_folder, directory) = demo_report(&[]);
    let digest = sha256_of(&demo_org());
    let html = fs::read_to_string(directory.join("report.html")).unwrap();
    assert!(html.contains(&format!("<dd class=\"id\" id=\"snapshot-sha256\">{digest}</dd>")));
    assert!(html.contains(&format!("<span id=\"permaudit-version\">{}</span>", env!("CARGO_PKG_VERSION"))));
    let findings: serde_json::Value =
        serde_json::from_slice(&fs::read(directory.join("findings.json")).unwrap()).unwrap();
    assert_eq!(findings["snapshot_sha256"], digest.as_str());
    assert_eq!(findings["permaudit_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn a_clean_directory_verifies() {
    let (_folder, directory) = demo_report(&[]);
    let output = verify(&directory, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains(": OK: 8 files match the manifest, made by permaudit"), "{text}");
    assert!(text.contains(&sha256_of(&demo_org())), "{text}");
    assert!(text.trim_end().ends_with("not signed"), "{text}");
}

/// Tampers with a fresh demo report, and returns what `verify` printed and its exit code.
fn tampered(tamper: impl FnOnce(&Path)) -> (String, Option<i32>) {
    let (_folder, directory) = demo_report(&[]);
    tamper(&directory);
    let output = verify(&directory, &[]);
    (stdout(&output), output.status.code())
}

#[test]
fn verify_names_a_changed_file_even_when_its_size_is_the_same() {
    let (text, code) = tampered(|directory| {
        let path = directory.join("permissions.csv");
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 1;
        fs::write(&path, bytes).unwrap();
    });
    assert_eq!(code, Some(4));
    assert!(text.starts_with("changed: permissions.csv: SHA-256 "), "{text}");
    let (text, code) = tampered(|directory| fs::write(directory.join("report.html"), "<p>all clear</p>").unwrap());
    assert_eq!(code, Some(4));
    assert!(text.starts_with("changed: report.html: 16 bytes, the manifest says "), "{text}");
}

#[test]
fn verify_names_a_missing_or_an_extra_file() {
    let (text, code) = tampered(|directory| fs::remove_file(directory.join("anomalies.csv")).unwrap());
    assert_eq!((text.lines().next(), code), (Some("missing: anomalies.csv"), Some(4)), "{text}");
    let (text, code) = tampered(|directory| {
        fs::write(directory.join("notes.txt"), "reviewed").unwrap();
        fs::create_dir(directory.join("attachments")).unwrap();
    });
    assert_eq!(code, Some(4));
    assert_eq!(text.lines().take(2).collect::<Vec<_>>(), ["extra: attachments/", "extra: notes.txt"], "{text}");
    assert!(text.contains("FAILED: 2 problems against the manifest"), "{text}");
}

#[test]
fn verify_fails_without_a_readable_manifest() {
    let (text, code) = tampered(|directory| fs::remove_file(directory.join("manifest.json")).unwrap());
    assert_eq!(code, Some(4));
    assert!(text.starts_with("manifest: manifest.json is missing\n"), "{text}");
    assert!(text.contains("extra: report.html"), "without a manifest, every file is unaccounted for: {text}");
    let (text, code) = tampered(|directory| fs::write(directory.join("manifest.json"), "{").unwrap());
    assert_eq!(code, Some(4));
    assert!(text.starts_with("manifest: manifest.json is not a permaudit manifest"), "{text}");
    let (_folder, directory) = demo_report(&[]);
    fs::write(directory.join("manifest.json"), r#"{"format": "permaudit-manifest/2"}"#).unwrap();
    let output = verify(&directory, &[]);
    assert_eq!(output.status.code(), Some(1), "a later format is not a tampering: {}", stderr(&output));
    assert!(stderr(&output).contains("has format `permaudit-manifest/2`"), "{}", stderr(&output));
}

#[test]
fn a_manifest_rewritten_to_match_an_edit_passes_only_without_the_public_key() {
    let folder = tempfile::tempdir().unwrap();
    let prefix = folder.path().join("audit");
    let output = permaudit(&["keygen", "--out", prefix.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (private, public) = (folder.path().join("audit.key"), folder.path().join("audit.pub"));
    let (_report, directory) = demo_report(&["--sign-key", private.to_str().unwrap()]);
    let signed = verify(&directory, &["--public-key", public.to_str().unwrap()]);
    assert_eq!(signed.status.code(), Some(0), "{}", stdout(&signed));
    assert!(stdout(&signed).contains("manifest.sig is a valid signature of the public key"));
    assert!(stdout(&verify(&directory, &[])).contains("manifest.sig not checked: pass --public-key"));
    // Someone edits a file and rewrites its manifest entry to match.
    fs::write(directory.join("anomalies.csv"), "format\n").unwrap();
    let mut forged = manifest(&directory);
    let entry = forged.files.iter_mut().find(|file| file.name == "anomalies.csv").unwrap();
    entry.sha256 = sha256_of(&directory.join("anomalies.csv"));
    entry.size = 7;
    fs::write(directory.join("manifest.json"), forged.to_bytes()).unwrap();
    assert_eq!(verify(&directory, &[]).status.code(), Some(0), "the hashes alone cannot tell");
    let caught = verify(&directory, &["--public-key", public.to_str().unwrap()]);
    assert_eq!(caught.status.code(), Some(4));
    assert!(
        stdout(&caught).starts_with("signature: manifest.sig does not match manifest.json under this public key"),
        "{}",
        stdout(&caught)
    );
}

#[test]
fn a_signature_of_another_key_or_none_at_all_fails() {
    let folder = tempfile::tempdir().unwrap();
    for name in ["one", "two"] {
        let prefix = folder.path().join(name);
        assert_eq!(permaudit(&["keygen", "--out", prefix.to_str().unwrap()]).status.code(), Some(0));
    }
    let key = |name: &str| folder.path().join(name).to_str().unwrap().to_owned();
    let (_signed, directory) = demo_report(&["--sign-key", &key("one.key")]);
    let other = verify(&directory, &["--public-key", &key("two.pub")]);
    assert_eq!(other.status.code(), Some(4));
    assert!(stdout(&other).contains("does not match manifest.json under this public key"));
    let (_unsigned, directory) = demo_report(&[]);
    let unsigned = verify(&directory, &["--public-key", &key("one.pub")]);
    assert_eq!(unsigned.status.code(), Some(4));
    assert!(stdout(&unsigned).starts_with("signature: manifest.sig is missing: the report is not signed"));
    let swapped = verify(&directory, &["--public-key", &key("one.key")]);
    assert_eq!(swapped.status.code(), Some(1));
    assert!(stderr(&swapped).contains("it is a private key"), "{}", stderr(&swapped));
}

#[test]
fn keygen_writes_a_private_key_only_its_owner_reads_and_never_replaces_one() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let prefix = folder.path().join("team.audit");
    assert_eq!(permaudit(&["keygen", "--out", prefix.to_str().unwrap()]).status.code(), Some(0));
    let mode = |name: &str| fs::metadata(folder.path().join(name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("team.audit.key"), 0o600);
    assert_eq!(mode("team.audit.pub"), 0o644);
    let key = fs::read(folder.path().join("team.audit.key")).unwrap();
    assert!(key.starts_with(b"-----BEGIN PRIVATE KEY-----\n"));
    let again = permaudit(&["keygen", "--out", prefix.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(fs::read(folder.path().join("team.audit.key")).unwrap(), key, "the key is kept");
}

#[test]
fn check_signs_only_a_directory() {
    let org = demo_org();
    let output = permaudit(&["check", "--org", org.to_str().unwrap(), "--sign-key", "audit.key"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("give --out-dir DIR as well"), "{}", stderr(&output));
}

/// Runs the demo report into `report` inside `folder`, from that folder, with `epoch`.
fn report_from(folder: &Path, epoch: &str) -> Output {
    let org = demo_org();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", "report"];
    command().args(args).current_dir(folder).env("SOURCE_DATE_EPOCH", epoch).output().unwrap()
}

#[test]
fn the_same_snapshot_and_command_give_byte_identical_directories() {
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(report_from(first.path(), "1796083200").status.code(), Some(0));
    assert_eq!(report_from(second.path(), "1796083200").status.code(), Some(0));
    let listing = |folder: &Path| {
        let mut names: Vec<String> = fs::read_dir(folder.join("report"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing(first.path()), listing(second.path()));
    for name in listing(first.path()) {
        let read = |folder: &Path| fs::read(folder.join("report").join(&name)).unwrap();
        assert_eq!(read(first.path()), read(second.path()), "{name} differs between runs");
    }
    let later = tempfile::tempdir().unwrap();
    assert_eq!(report_from(later.path(), "1796169600").status.code(), Some(0));
    assert_eq!(manifest(&later.path().join("report")).generated_at, "2026-12-02T00:00:00Z");
    let permissions = |folder: &Path| fs::read(folder.join("report/permissions.csv")).unwrap();
    assert_eq!(permissions(first.path()), permissions(later.path()), "the files hold no generation time");
}

#[test]
fn a_live_report_names_the_snapshot_collect_would_write() {
    let server = crate::emulator::Emulator::demo(&[]);
    let folder = tempfile::tempdir().unwrap();
    let live = |args: &[&str]| {
        command()
            .args(args)
            .current_dir(folder.path())
            .env("HOME", folder.path())
            .env("ANYSCALE_HOST", &server.base)
            .env("ANYSCALE_CLI_TOKEN", crate::emulator::TOKEN)
            .output()
            .unwrap()
    };
    let reported = live(&["report", "--out-dir", "report"]);
    assert_eq!(reported.status.code(), Some(0), "{}", stderr(&reported));
    let collected = live(&["collect", "--out", "collected.json"]);
    assert_eq!(collected.status.code(), Some(0), "{}", stderr(&collected));
    let facts = manifest(&folder.path().join("report")).snapshots[0].clone();
    assert!(!fs::read_to_string(folder.path().join("report/manifest.json")).unwrap().contains(crate::emulator::TOKEN));
    // The two collections differ only in when they were made.
    let mut snapshot = permaudit::model::Snapshot::load(&folder.path().join("collected.json")).unwrap();
    snapshot.collection.collected_at = facts.collected_at.clone();
    let same_time = folder.path().join("same-time.json");
    snapshot.save(&same_time).unwrap();
    assert_eq!(facts.sha256, sha256_of(&same_time));
    assert_eq!(facts.source, server.base);
}

#[test]
fn a_report_with_a_baseline_names_both_snapshots_and_changes_csv() {
    let (baseline, org) = (repo_path("fixtures/diff/base.json"), repo_path("fixtures/diff/demo/new.json"));
    let folder = tempfile::tempdir().unwrap();
    let directory = folder.path().join("report");
    let out = directory.to_str().unwrap();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out, "--baseline", baseline.to_str().unwrap()];
    let output = permaudit(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = manifest(&directory);
    let roles: Vec<&str> = manifest.snapshots.iter().map(|snapshot| snapshot.role.as_str()).collect();
    assert_eq!(roles, ["organization", "baseline"]);
    assert_eq!(manifest.snapshots[1].sha256, sha256_of(&baseline), "the baseline's bytes");
    assert!(manifest.files.iter().any(|file| file.name == "changes.csv"));
    assert_eq!(verify(&directory, &[]).status.code(), Some(0));
}
