//! The collector end to end, against `permaudit serve`: a collection gives back the served organization
//! (round trip), survives faults within its retry budget with an identical result, fails cleanly beyond
//! it, and never lets the token out.

use crate::emulator::{Emulator, TOKEN};
use crate::support::{demo_org, stderr, stdout};
use permaudit::model::{Organization, Snapshot};
use std::path::Path;
use std::process::{Command, Output};

/// Runs permaudit against the server with a clean environment.
fn permaudit_live(server: &Emulator, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("ANYSCALE_HOST", &server.base)
        .env("ANYSCALE_CLI_TOKEN", TOKEN)
        .output()
        .expect("permaudit runs")
}

fn normalized(mut organization: Organization) -> Organization {
    organization.normalize();
    organization
}

/// Collects from the server into a file and returns the run and the snapshot, if one was written.
fn collect(server: &Emulator, extra: &[&str]) -> (Output, Option<Snapshot>) {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("collected.json");
    let args = [&["collect", "--out", out.to_str().unwrap()], extra].concat();
    let output = permaudit_live(server, directory.path(), &args);
    let snapshot = out.exists().then(|| Snapshot::load(&out).unwrap());
    if let Some(text) = out.exists().then(|| std::fs::read_to_string(&out).unwrap()) {
        assert!(!text.contains(TOKEN), "the token is never written into a snapshot");
    }
    assert!(!stdout(&output).contains(TOKEN) && !stderr(&output).contains(TOKEN), "the token is never printed");
    (output, snapshot)
}

/// A generated organization with more than a page (50) of every list and of many resources' grants.
fn paged_org(directory: &Path) -> std::path::PathBuf {
    let path = directory.join("paged.json");
    let output = crate::support::permaudit(&[
        "generate",
        "--members",
        "400",
        "--groups",
        "60",
        "--group-size",
        "12",
        "--clouds",
        "55",
        "--projects",
        "120",
        "--grants",
        "9000",
        "--seed",
        "21",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    path
}

#[test]
fn a_collection_gives_back_the_served_demo_organization() {
    let server = Emulator::demo(&[]);
    let (output, snapshot) = collect(&server, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let snapshot = snapshot.expect("the snapshot is written");
    assert!(snapshot.collection.complete && snapshot.collection.gaps.is_empty());
    assert_eq!(snapshot.collection.source, server.base);
    let served = Snapshot::load(&demo_org()).unwrap().organization;
    assert_eq!(snapshot.organization, normalized(served));
    assert!(
        stderr(&output).contains("Collected 15 members, 4 groups, 3 clouds and 5 projects in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn paging_and_faults_within_the_retry_budget_change_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let org = paged_org(directory.path());
    let served = normalized(Snapshot::load(&org).unwrap().organization);
    let clean = Emulator::start(&org, &[]);
    let (output, snapshot) = collect(&clean, &["--concurrency", "4"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(snapshot.unwrap().organization, served, "the paged round trip is exact");
    // Twelve attempts at 20% faults: the chance that one of ~500 requests fails every time is ~1e-6.
    let faulty = Emulator::start(&org, &["--fault-rate", "0.2", "--fault-seed", "3"]);
    let (output, snapshot) = collect(&faulty, &["--concurrency", "8", "--attempts", "12"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let snapshot = snapshot.unwrap();
    assert!(snapshot.collection.complete);
    assert_eq!(snapshot.organization, served, "faults within the budget leave the result identical");
}

#[test]
fn faults_beyond_the_retry_budget_fail_cleanly() {
    let server = Emulator::demo(&["--fault-rate", "0.5", "--fault-seed", "9"]);
    let (output, snapshot) = collect(&server, &["--attempts", "1"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let message = stderr(&output);
    match snapshot {
        Some(snapshot) => {
            assert!(!snapshot.collection.complete, "a snapshot with gaps is never marked complete");
            assert!(!snapshot.collection.gaps.is_empty());
            assert!(message.contains("the collection is incomplete"), "{message}");
        }
        None => assert!(message.contains("gave up on `"), "{message}"),
    }
}

#[test]
fn commands_read_live_when_no_snapshot_is_given() {
    let server = Emulator::demo(&[]);
    let home = tempfile::tempdir().unwrap();
    let live = permaudit_live(&server, home.path(), &["user", "list-permissions"]);
    assert!(live.status.success(), "{}", stderr(&live));
    let offline = crate::support::permaudit(&["user", "list-permissions", "--org", demo_org().to_str().unwrap()]);
    assert_eq!(stdout(&live), stdout(&offline));
    let out = home.path().join("report");
    let report = permaudit_live(&server, home.path(), &["report", "--out-dir", out.to_str().unwrap()]);
    assert!(report.status.success(), "{}", stderr(&report));
    let written = std::fs::read(out.join("permissions.json")).unwrap();
    assert_eq!([written.as_slice(), b"\n"].concat(), offline.stdout);
}

#[test]
fn a_refused_token_is_named_and_not_retried() {
    let server = Emulator::demo(&[]);
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["user", "list-permissions"])
        .env_clear()
        .env("HOME", home.path())
        .env("ANYSCALE_HOST", format!("{}/", server.base))
        .env("ANYSCALE_CLI_TOKEN", "sss_wrong_token")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("the token was refused by") && message.contains("401"), "{message}");
    assert!(!message.contains("sss_wrong_token"), "{message}");
}

#[test]
fn the_token_can_come_from_the_credentials_file() {
    let server = Emulator::demo(&[]);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".anyscale")).unwrap();
    let credentials = home.path().join(".anyscale/credentials.json");
    std::fs::write(&credentials, format!("{{\"cli_token\": \"{TOKEN}\"}}")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["user", "list-permissions", "--user-id", "usr_bob"])
        .env_clear()
        .env("HOME", home.path())
        .env("ANYSCALE_HOST", &server.base)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"user_id\": \"usr_bob\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&credentials, std::fs::Permissions::from_mode(0o644)).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_permaudit"))
            .args(["user", "list-permissions"])
            .env_clear()
            .env("HOME", home.path())
            .env("ANYSCALE_HOST", &server.base)
            .output()
            .unwrap();
        assert!(stderr(&output).contains("is readable by other users"), "{}", stderr(&output));
    }
}
