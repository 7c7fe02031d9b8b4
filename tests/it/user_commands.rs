//! `user list`, `user get` and `user batch-create` on snapshots: golden outputs for every mode, the
//! official CLI's errors and exit codes, and batches that are validated whole before anything is written.

use crate::support::{assert_golden, demo_org, permaudit, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    let org = demo_org();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--org", org.to_str().unwrap()]);
    permaudit(&all)
}

fn golden(name: &str, output: &Output) {
    assert_golden(&format!("fixtures/demo/golden/user/{name}.stdout"), &output.stdout);
    assert_golden(&format!("fixtures/demo/golden/user/{name}.stderr"), &output.stderr);
}

#[test]
fn list_modes() {
    let cases: [(&str, &[&str]); 7] = [
        ("list-default", &["user", "list"]),
        ("list-json-all", &["user", "list", "-o", "json", "--max-items", "100"]),
        ("list-service-accounts", &["user", "list", "--service-account", "--max-items", "100"]),
        (
            "list-only-service-accounts-json",
            &["user", "list", "--collaborator-type", "ONLY_SERVICE_ACCOUNTS", "--service-account", "-o", "json"],
        ),
        ("list-deprecated-json", &["user", "list", "--json", "--max-items", "3"]),
        ("list-email-filter", &["user", "list", "--email", "BOB@example.com", "--no-interactive"]),
        ("list-page-size", &["user", "list", "--page-size", "2", "--max-items", "5"]),
    ];
    for (name, args) in cases {
        let output = run(args);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        golden(name, &output);
    }
}

#[test]
fn a_plain_list_hides_service_accounts_as_the_official_cli_does() {
    let listed = stdout(&run(&["user", "list", "-o", "json", "--max-items", "100"]));
    assert!(!listed.contains("deploy-bot@example.com") && !listed.contains("ci-bot@example.com"));
    let service = stdout(&run(&["user", "list", "-o", "json", "--service-account", "--max-items", "100"]));
    assert!(service.contains("deploy-bot@example.com") && !service.contains("alice@example.com"));
}

#[test]
fn list_errors_match_the_official_cli() {
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["user", "list", "--page-size", "60"],
            2,
            "Error: Invalid value for '--page-size': must be less than or equal to 50.",
        ),
        (&["user", "list", "--page-size", "0"], 1, "Error: 'page_size' must be between 1 and 50, inclusive."),
        (&["user", "list", "--page-size", "-1"], 1, "Error: Please specify a non-negative value for --page-size"),
        (&["user", "list", "--max-items", "0"], 1, "Error: 'max_items' must be greater than 0."),
        (&["user", "list", "--max-items", "-2"], 1, "Error: Please specify a non-negative value for --max-items"),
    ];
    for (args, code, message) in cases {
        let output = run(args);
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn get_modes() {
    let cases: [(&str, &[&str]); 5] = [
        ("get-text", &["user", "get", "--email", "alice@example.com"]),
        ("get-json", &["user", "get", "--email", "alice@example.com", "-o", "json"]),
        ("get-yaml", &["user", "get", "--name", "Iván Müller", "-o", "yaml"]),
        (
            "get-service-account",
            &["user", "get", "--email", "deploy-bot@example.com", "--service-account", "-o", "json"],
        ),
        ("get-deprecated-json", &["user", "get", "-n", "Bob Builder", "--json"]),
    ];
    for (name, args) in cases {
        let output = run(args);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        golden(name, &output);
    }
}

#[test]
fn get_errors_match_the_official_cli() {
    let output = run(&["user", "get"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Error: Provide --email or --name."));
    let output = run(&["user", "get", "--email", "nobody@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Error: No user found matching 'nobody@example.com'."));
    // A service account is not found without --service-account (the official default filter).
    let output = run(&["user", "get", "--email", "deploy-bot@example.com"]);
    assert_eq!(output.status.code(), Some(1));
}

/// A copy of the demo snapshot in a temporary folder, for commands that write.
fn scratch_org() -> (tempfile::TempDir, PathBuf) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("org.json");
    std::fs::copy(demo_org(), &path).unwrap();
    (directory, path)
}

fn batch_create(org: &Path, users: &Path) -> Output {
    permaudit(&["user", "batch-create", "-f", users.to_str().unwrap(), "--org", org.to_str().unwrap()])
}

/// The example users file of the official docs (the seeds).
const SEEDS_EXAMPLE: &str = include_str!("../../fixtures/users/create-users.yaml");

#[test]
fn batch_create_adds_the_seeds_example_and_list_shows_it() {
    let (directory, org) = scratch_org();
    let users = directory.path().join("users.yaml");
    std::fs::write(&users, SEEDS_EXAMPLE).unwrap();
    let output = batch_create(&org, &users);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains(") Creating users...") && message.contains(") 2 users created."), "{message}");
    assert!(output.stdout.is_empty());
    let listed =
        permaudit(&["user", "list", "--email", "test2@anyscale.com", "-o", "json", "--org", org.to_str().unwrap()]);
    let listed = stdout(&listed);
    assert!(
        listed.contains("\"name\": \"name2 lastname2\"") && listed.contains("\"permission_level\": \"collaborator\""),
        "{listed}"
    );
    let again = batch_create(&org, &users);
    assert_eq!(again.status.code(), Some(1), "the same users cannot be created twice");
    assert!(stderr(&again).contains("a member of the organization already has this email"));
}

#[test]
fn invalid_batches_create_nothing_and_name_every_bad_entry() {
    let cases = [
        ("syntax", "create_users:\n  - name: [unclosed\n", "is not valid YAML at line"),
        ("not-a-list", "create_users: nobody\n", "`create_users` must be a list"),
        ("unknown-top", "create_users: []\nextra: 1\n", "unknown top-level key `extra`"),
        ("missing-password", "create_users:\n  - {name: A, email: a@x.com, is_sso_user: false}\n", "entry 1 (a@x.com): missing `password`"),
        ("missing-name", "create_users:\n  - {email: a@x.com, password: null, is_sso_user: false}\n", "entry 1 (a@x.com): missing `name`"),
        ("bad-email", "create_users:\n  - {name: A, email: not-an-email, password: null, is_sso_user: false}\n", "entry 1 (not-an-email): `email` is not a valid email address"),
        ("bad-bool", "create_users:\n  - {name: A, email: a@x.com, password: '', is_sso_user: 'false'}\n", "`is_sso_user` must be true or false"),
        ("duplicate-in-file", "create_users:\n  - {name: A, email: a@x.com, password: '', is_sso_user: false}\n  - {name: B, email: A@x.com, password: '', is_sso_user: true}\n", "entry 2 (A@x.com): repeats the email of entry 1"),
        ("duplicate-in-org", "create_users:\n  - {name: A, email: Alice@Example.com, password: '', is_sso_user: false}\n", "a member of the organization already has this email"),
        ("duplicate-non-ascii-case", "create_users:\n  - {name: A, email: ÉVA@x.com, password: '', is_sso_user: false}\n  - {name: B, email: éva@x.com, password: '', is_sso_user: true}\n", "entry 2 (éva@x.com): repeats the email of entry 1"),
        ("duplicate-in-org-non-ascii-case", "create_users:\n  - {name: I, email: IVÁN@example.com, password: '', is_sso_user: false}\n", "entry 1 (IVÁN@example.com): a member of the organization already has this email"),
        ("unknown-field", "create_users:\n  - {name: A, email: a@x.com, password: '', is_sso_user: false, role: owner}\n", "unknown field `role`"),
    ];
    for (name, text, expected) in cases {
        let (directory, org) = scratch_org();
        let before = std::fs::read(&org).unwrap();
        let users = directory.path().join(format!("{name}.yaml"));
        std::fs::write(&users, text).unwrap();
        let output = batch_create(&org, &users);
        assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{name}: {}", stderr(&output));
        assert!(stderr(&output).contains("nothing was created"), "{name}: {}", stderr(&output));
        assert_eq!(std::fs::read(&org).unwrap(), before, "{name}: the snapshot is unchanged");
    }
}

#[test]
fn every_problem_of_a_batch_is_listed_and_passwords_never_appear() {
    let (directory, org) = scratch_org();
    let users = directory.path().join("users.yaml");
    let text = "create_users:
  - {name: A, email: bad, password: s3cret-one, is_sso_user: false}
  - {name: B, email: b@x.com, password: 42, is_sso_user: false}
  - {name: C, email: c@x.com, password: s3cret-two, is_sso_user: false}
  - {name: D, email: c@x.com, password: s3cret-three, is_sso_user: false}
";
    std::fs::write(&users, text).unwrap();
    let message = stderr(&batch_create(&org, &users));
    assert!(message.contains("has 3 problems; nothing was created"), "{message}");
    assert!(message.contains("entry 1 (bad): `email` is not a valid email address"), "{message}");
    assert!(message.contains("entry 2 (b@x.com): `password` must be a string or null"), "{message}");
    assert!(message.contains("entry 4 (c@x.com): repeats the email of entry 3"), "{message}");
    for secret in ["s3cret", "42"] {
        assert!(!message.contains(secret), "{message}");
    }
}

#[test]
fn a_thousand_users_are_validated_and_created_in_one_go() {
    let (directory, org) = scratch_org();
    let users = directory.path().join("users.yaml");
    let mut text = String::from("create_users:\n");
    for i in 0..1000 {
        text.push_str(&format!(
            "  - {{name: User{i}, email: bulk{i}@example.com, password: null, is_sso_user: true}}\n"
        ));
    }
    std::fs::write(&users, text).unwrap();
    let output = batch_create(&org, &users);
    assert!(stderr(&output).contains("1000 users created."), "{}", stderr(&output));
    let snapshot = permaudit::model::Snapshot::load(&org).unwrap();
    assert_eq!(snapshot.organization.members.len(), 15 + 1000);
}

#[test]
fn interactive_listing_pages_through_a_pseudo_terminal() {
    let org = demo_org();
    let command =
        format!("{} user list --page-size 4 --org {}", env!("CARGO_BIN_EXE_permaudit"), org.to_str().unwrap());
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the command in a pseudo-terminal");
    use std::io::Write;
    // Enter shows page 2, then q quits before page 3.
    child.stdin.as_mut().unwrap().write_all(b"\nq\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&output.stdout).replace('\r', "");
    assert!(screen.contains("• mode              = interactive"), "{screen}");
    assert!(screen.contains("alice@example.com") && screen.contains("Page 2"), "{screen}");
    assert_eq!(screen.matches("Press Enter to continue, q to quit…").count(), 2, "{screen}");
    assert!(!screen.contains("Page 3"), "{screen}");
    assert!(screen.contains("Fetched 8 users."), "{screen}");
}
