//! Helpers shared by the integration tests: fixture paths, running the binary, golden files.

use permaudit::model::Snapshot;
use permaudit::report::permissions::PermissionsDocument;
use permaudit::resolve::{resolve, Resolution};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Returns a path inside the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Returns the demo organization's snapshot path.
pub fn demo_org() -> PathBuf {
    repo_path("fixtures/demo/org.json")
}

/// Runs the permaudit binary with `args` and returns its output.
pub fn permaudit(args: &[&str]) -> Output {
    command().args(args).output().expect("the permaudit binary runs")
}

/// Returns the permaudit binary as every test runs it, ready for arguments, a folder or variables.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_permaudit"));
    command
        .env_remove("PERMAUDIT_TIMINGS")
        // Outputs that name the host or fit the console width must not depend on the caller's shell.
        .env_remove("ANYSCALE_HOST")
        .env_remove("ANYSCALE_CLI_TOKEN")
        .env_remove("COLUMNS")
        .env_remove("PERMAUDIT_REDACT_KEY")
        // The controls evaluate on "today", and reports are generated at "now": every test run
        // evaluates on 2026-12-01 and generates at its midnight.
        .env("SOURCE_DATE_EPOCH", "1796083200");
    command
}

/// Returns stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Returns stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Loads a snapshot from the repository.
pub fn load(relative: &str) -> Snapshot {
    Snapshot::load(&repo_path(relative)).expect("fixture snapshot loads")
}

/// Renders the list-permissions text output (JSON, indent 2, trailing newline) of a snapshot.
pub fn render_text(snapshot: &Snapshot) -> String {
    let resolution = resolve(&snapshot.organization);
    let mut bytes = Vec::new();
    PermissionsDocument::new(&resolution).write_json(&mut bytes, 2).unwrap();
    bytes.push(b'\n');
    String::from_utf8(bytes).unwrap()
}

/// Returns anomalies as `(code, ["kind id", ...])`, sorted, for comparison with `anomalies.json`.
pub fn anomaly_keys(resolution: &Resolution) -> Vec<(String, Vec<String>)> {
    let mut keys: Vec<(String, Vec<String>)> = resolution
        .anomalies
        .iter()
        .map(|anomaly| {
            let subjects = anomaly.subjects(&resolution.index).iter().map(|subject| subject.to_string()).collect();
            (anomaly.kind().code().to_owned(), subjects)
        })
        .collect();
    keys.sort();
    keys
}

/// Compares `actual` with the golden file at `relative`; `UPDATE_GOLDEN=1` rewrites the file instead.
pub fn assert_golden(relative: &str, actual: &[u8]) {
    let path = repo_path(relative);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|_| panic!("golden file {relative} exists (UPDATE_GOLDEN=1 writes it)"));
    if expected != actual {
        panic!(
            "output differs from {relative} (UPDATE_GOLDEN=1 rewrites it after review)\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}
