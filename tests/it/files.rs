//! How the binary writes and names files and hosts, end to end: an output into a FIFO, a snapshot behind a
//! symbolic link or with other hard links, credentials in `ANYSCALE_HOST`.

use crate::emulator::{Emulator, TOKEN};
use crate::support::{demo_org, permaudit, repo_path, stderr, stdout};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::process::Command;

#[test]
fn an_output_file_that_is_a_fifo_is_written_into() {
    let directory = tempfile::tempdir().unwrap();
    let fifo = directory.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(fifo).unwrap().read_to_string(&mut text).unwrap();
            text
        })
    };
    let org = demo_org();
    let output = permaudit(&[
        "user",
        "list-permissions",
        "--org",
        org.to_str().unwrap(),
        "--output-file",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    let expected =
        std::fs::read_to_string(repo_path("fixtures/demo/golden/list-permissions.output-file.json")).unwrap();
    assert_eq!(reader.join().unwrap(), expected);
}

fn users_file(directory: &std::path::Path) -> String {
    let users = directory.join("users.yaml");
    std::fs::copy(repo_path("fixtures/users/create-users.yaml"), &users).unwrap();
    users.display().to_string()
}

#[test]
fn batch_create_writes_through_a_link_keeping_the_mode() {
    let directory = tempfile::tempdir().unwrap();
    let real = directory.path().join("data").join("org.json");
    std::fs::create_dir(real.parent().unwrap()).unwrap();
    std::fs::copy(demo_org(), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = directory.path().join("org.json");
    std::os::unix::fs::symlink("data/org.json", &link).unwrap();
    let output =
        permaudit(&["user", "batch-create", "-f", &users_file(directory.path()), "--org", link.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains("test1@anyscale.com"), "the users are in the real file");
    assert_eq!(std::fs::metadata(&real).unwrap().mode() & 0o777, 0o640);
    let mut names: Vec<_> = std::fs::read_dir(directory.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["data", "org.json", "users.yaml"], "no file beside the link");
}

#[test]
fn batch_create_refuses_a_snapshot_with_other_hard_links() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    std::fs::copy(demo_org(), &org).unwrap();
    std::fs::hard_link(&org, directory.path().join("backup.json")).unwrap();
    let before = std::fs::read(&org).unwrap();
    let output =
        permaudit(&["user", "batch-create", "-f", &users_file(directory.path()), "--org", org.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains(org.to_str().unwrap()) && message.contains("2 hard links"), "{message}");
    assert_eq!(message.matches("hard links").count(), 1, "the cause is named once: {message}");
    assert_eq!(std::fs::read(&org).unwrap(), before, "nothing was written");
    assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 3, "no temporary file is left");
}

#[test]
fn credentials_in_the_host_are_never_printed_or_stored() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("collected.json");
    let host = server.base.replace("http://", "http://auditor:hunter2@");
    let output = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["collect", "--out", out.to_str().unwrap()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", directory.path())
        .env("ANYSCALE_HOST", &host)
        .env("ANYSCALE_CLI_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("hunter2") && !stdout(&output).contains("hunter2"), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("hunter2"), "the password is not stored");
    assert!(text.contains(&format!("\"source\": \"{}\"", server.base)), "the source names the host");
}
