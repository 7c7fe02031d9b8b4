//! Byte-compatibility with the official CLI, checked against Python itself: permaudit's outputs must
//! equal what `json.dumps` and `yaml.dump` print for the same data, as the official CLI calls them.

use crate::support::{demo_org, permaudit, repo_path, stderr};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs a Python snippet with `input` on stdin and returns its stdout.
pub fn python(script: &str, input: &[u8]) -> Vec<u8> {
    let python = std::env::var("PERMAUDIT_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (CI installs it)");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

fn list_permissions(org: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["user", "list-permissions", "--org", org];
    args.extend_from_slice(extra);
    let output = permaudit(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    output.stdout
}

fn organizations() -> Vec<String> {
    let mut paths = vec![demo_org().to_str().unwrap().to_owned()];
    for scenario in ["r6-order", "r4-project-role", "r1-org-owners"] {
        paths.push(repo_path(&format!("fixtures/scenarios/{scenario}/org.json")).to_str().unwrap().to_owned());
    }
    paths
}

#[test]
fn default_output_is_what_python_json_dumps_sort_keys_prints() {
    let script = "import json,sys; print(json.dumps(json.load(sys.stdin), indent=2, sort_keys=True))";
    for org in organizations() {
        let ours = list_permissions(&org, &[]);
        assert_eq!(python(script, &ours), ours, "{org}");
    }
}

#[test]
fn json_format_is_what_python_json_dumps_indent_four_prints() {
    let script = "import json,sys; print(json.dumps(json.load(sys.stdin), indent=4, allow_nan=False))";
    for org in organizations() {
        let ours = list_permissions(&org, &["--output-format", "json"]);
        assert_eq!(python(script, &ours), ours, "{org}");
    }
}

#[test]
fn yaml_format_is_what_pyyaml_dump_prints() {
    let script = "import json,sys,yaml; print(yaml.dump(json.load(sys.stdin), sort_keys=False).rstrip('\\n'))";
    for org in organizations() {
        let reference = list_permissions(&org, &["--output-format", "json"]);
        let ours = list_permissions(&org, &["--output-format", "yaml"]);
        assert_eq!(String::from_utf8(python(script, &reference)).unwrap(), String::from_utf8(ours).unwrap(), "{org}");
    }
}
