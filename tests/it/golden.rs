//! Golden files for every output mode of `user list-permissions` on the demo organization.

use crate::support::{assert_golden, demo_org, permaudit, stderr};

fn list_permissions(extra: &[&str]) -> std::process::Output {
    let org = demo_org();
    let mut args = vec!["user", "list-permissions", "--org", org.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = permaudit(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

#[test]
fn stdout_is_sorted_json_with_a_trailing_newline() {
    let output = list_permissions(&[]);
    assert_golden("fixtures/demo/golden/list-permissions.stdout", &output.stdout);
    assert!(output.stdout.ends_with(b"}\n"));
    let message = stderr(&output);
    assert!(message.contains(") Listing users and their effective permissions..."), "{message}");
    assert!(message.contains("16 anomalies"), "{message}");
}

#[test]
fn output_file_holds_the_same_json_without_trailing_newline() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("perms.json");
    let output = list_permissions(&["--output-file", target.to_str().unwrap()]);
    assert!(output.stdout.is_empty());
    let written = std::fs::read(&target).unwrap();
    assert_golden("fixtures/demo/golden/list-permissions.output-file.json", &written);
    let stdout_form = list_permissions(&[]).stdout;
    assert_eq!([written.as_slice(), b"\n"].concat(), stdout_form);
    assert!(stderr(&output).contains(&format!("Results written to {}", target.display())));
    let leftovers: Vec<_> = std::fs::read_dir(directory.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn deprecated_output_flag_warns_and_output_file_wins() {
    let directory = tempfile::tempdir().unwrap();
    let (old, new) = (directory.path().join("old.json"), directory.path().join("new.json"));
    let output = list_permissions(&["-o", old.to_str().unwrap()]);
    let message = stderr(&output);
    assert!(message.contains("Warning: -o/--output is deprecated; use --output-file instead."), "{message}");
    assert_golden("fixtures/demo/golden/list-permissions.output-file.json", &std::fs::read(&old).unwrap());
    std::fs::remove_file(&old).unwrap();
    list_permissions(&["-o", old.to_str().unwrap(), "--output-file", new.to_str().unwrap()]);
    assert!(new.exists() && !old.exists());
}

#[test]
fn output_format_json_uses_indent_four() {
    let output = list_permissions(&["--output-format", "json"]);
    assert_golden("fixtures/demo/golden/list-permissions.format-json.stdout", &output.stdout);
}

#[test]
fn output_format_yaml() {
    let output = list_permissions(&["--output-format", "yaml"]);
    assert_golden("fixtures/demo/golden/list-permissions.format-yaml.stdout", &output.stdout);
}

#[test]
fn output_format_is_ignored_when_writing_a_file() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("perms.json");
    list_permissions(&["--output-format", "yaml", "--output-file", target.to_str().unwrap()]);
    assert_golden("fixtures/demo/golden/list-permissions.output-file.json", &std::fs::read(&target).unwrap());
}

#[test]
fn user_id_output() {
    let output = list_permissions(&["--user-id", "usr_alice"]);
    assert_golden("fixtures/demo/golden/list-permissions.user-id-usr_alice.stdout", &output.stdout);
    let by_identity = list_permissions(&["--user-id", "idn_svc_deploy"]);
    assert_golden("fixtures/demo/golden/list-permissions.user-id-idn_svc_deploy.stdout", &by_identity.stdout);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let first = list_permissions(&[]).stdout;
    let second = list_permissions(&[]).stdout;
    assert_eq!(first, second);
}
