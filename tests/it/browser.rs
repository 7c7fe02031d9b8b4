//! `report.html` in a real headless Chromium (Debian's `chromium`, which `scripts/test-env` installs):
//! the summary is there, the filter works through the same code path as typing into it, and no data
//! value ever runs as script, with or without the Content-Security-Policy.
//!
//! These tests fail, never skip, when Chromium is missing: the HTML report is only tested for real in a
//! browser.

use crate::support::{demo_org, permaudit, repo_path, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const CHROMIUM: &str = "/usr/bin/chromium";

/// One browser at a time: the machine has two cores, and each Chromium starts several processes.
static BROWSER: Mutex<()> = Mutex::new(());

/// Writes the organization report of `org` into a fresh directory and returns the directory.
fn report(org: &Path) -> tempfile::TempDir {
    report_with(org, &[])
}

/// Writes the organization report of `org`, with more options, into a fresh directory.
fn report_with(org: &Path, extra: &[&str]) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", directory.path().to_str().unwrap()];
    let output = permaudit(&[&args[..], extra].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    directory
}

/// Opens `page#fragment` in headless Chromium, lets its scripts run, and returns the DOM they leave.
fn dom(page: &Path, fragment: &str) -> String {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: the HTML report tests need a real browser (scripts/test-env installs Debian's chromium)"
    );
    let _one_at_a_time = BROWSER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}#{fragment}", page.display());
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Returns the value of `data-<name>` on the root element, as the report's script set it.
fn root_attribute(dom: &str, name: &str) -> Option<String> {
    let root = &dom[dom.find("<html")?..];
    let root = &root[..root.find('>')?];
    let key = format!("data-{name}=\"");
    let start = root.find(&key)? + key.len();
    Some(root[start..][..root[start..].find('"')?].to_owned())
}

fn status(dom: &str) -> String {
    let start = dom.find("<p id=\"status\"").unwrap();
    let text = &dom[start..];
    let text = &text[text.find('>').unwrap() + 1..];
    text[..text.find("</p>").unwrap()].to_owned()
}

/// Returns the page without its Content-Security-Policy element.
fn without_policy(html: &str) -> String {
    let start = html.find("<meta http-equiv=\"Content-Security-Policy\"").unwrap();
    let end = start + html[start..].find('>').unwrap() + 1;
    format!("{}{}", &html[..start], &html[end..])
}

fn page(directory: &tempfile::TempDir) -> PathBuf {
    directory.path().join("report.html")
}

#[test]
fn the_report_opens_with_its_summary_and_draws_the_member_table() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "");
    assert_eq!(root_attribute(&dom, "ready").as_deref(), Some("true"), "the script ran under the CSP");
    let summary = dom.find("id=\"summary\"").unwrap();
    assert!(summary < dom.find("id=\"members\"").unwrap(), "the summary comes first");
    assert!(dom.contains("<strong id=\"figure-members\">15</strong>"));
    assert!(dom.contains("<strong id=\"figure-owners\">2</strong>"));
    assert_eq!(status(&dom), "Showing 1–15 of 15 matching members (15 in all).");
    assert!(dom.contains("capped to readonly by direct readonly on cloud prod"), "paths and caps are drawn");
}

#[test]
fn the_filter_narrows_the_member_table() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "filter=alice");
    assert_eq!(root_attribute(&dom, "matches").as_deref(), Some("1"));
    assert_eq!(status(&dom), "Showing 1–1 of 1 matching members (15 in all).");
    let table = &dom[dom.find("id=\"member-rows\"").unwrap()..];
    let table = &table[..table.find("</tbody>").unwrap()];
    assert!(table.contains("alice@example.com") && !table.contains("bob@example.com"));
    assert!(table.contains("group ml (ug_1): collaborator"));
    let dom = self::dom(&page(&directory), "resource=ml");
    assert_eq!(root_attribute(&dom, "matches").as_deref(), Some("2"), "alice and bob reach group ml");
    let dom = self::dom(&page(&directory), "kind=no-access");
    assert_eq!(root_attribute(&dom, "matches").as_deref(), Some("4"));
}

#[test]
fn no_data_value_runs_as_script() {
    let directory = report(&repo_path("fixtures/scenarios/hostile-values/org.json"));
    let html = std::fs::read_to_string(page(&directory)).unwrap();
    // The same page without its policy: escaping alone must keep the data inert.
    let unprotected = directory.path().join("no-csp.html");
    std::fs::write(&unprotected, without_policy(&html)).unwrap();
    for (page, fragment) in [(page(&directory), ""), (unprotected.clone(), ""), (unprotected, "filter=example")] {
        let dom = dom(&page, fragment);
        assert_eq!(root_attribute(&dom, "ready").as_deref(), Some("true"), "{}", page.display());
        assert_eq!(root_attribute(&dom, "pwned"), None, "a data value ran as script in {}", page.display());
        assert!(dom.contains("<title>Permissions audit: org_hostile</title>"), "the title was not rewritten");
        assert!(!dom.contains("<img") && !dom.contains("<svg") && !dom.contains("<b>"), "markup became elements");
        assert!(dom.contains("&lt;img src=x onerror="), "the hostile name is shown as text");
    }
}

#[test]
fn the_content_security_policy_alone_stops_injected_markup() {
    let directory = report(&demo_org());
    let html = std::fs::read_to_string(page(&directory)).unwrap();
    let injected = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">";
    let with_policy = directory.path().join("injected.html");
    std::fs::write(&with_policy, html.replacen("<header>", &format!("<header>{injected}"), 1)).unwrap();
    let dom = dom(&with_policy, "");
    assert_eq!(root_attribute(&dom, "ready").as_deref(), Some("true"), "the report's own script still runs");
    assert_eq!(root_attribute(&dom, "pwned"), None, "the policy blocked the inline handler");
    // The same injection without the policy does run: the check above can see a script that ran.
    let bare = directory.path().join("injected-no-csp.html");
    std::fs::write(&bare, without_policy(&html).replacen("<header>", &format!("<header>{injected}"), 1)).unwrap();
    assert_eq!(root_attribute(&self::dom(&bare, ""), "pwned").as_deref(), Some("img"));
}

#[test]
fn a_large_report_inflates_its_compressed_data_in_the_browser() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "10000", "--groups", "200", "--clouds", "20", "--projects", "2000", "--grants", "200000"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "3", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let written = report(&org);
    let html = std::fs::read_to_string(page(&written)).unwrap();
    assert!(html.contains("\"packed\":\""), "the member data is compressed");
    let again = std::fs::read_to_string(page(&report(&org))).unwrap();
    assert!(html == again, "the compressed report is byte-identical across runs");
    let dom = dom(&page(&written), "filter=user0004242");
    assert_eq!(root_attribute(&dom, "matches").as_deref(), Some("1"), "{}", status(&dom));
    assert!(dom.contains("user0004242@example.com"));
}

#[test]
fn the_controls_section_comes_first_with_each_status_and_the_failing_subjects() {
    let (policy, exemptions) =
        (repo_path("fixtures/policies/example.yaml"), repo_path("fixtures/policies/exemptions.yaml"));
    let args = ["--policy", policy.to_str().unwrap(), "--exemptions", exemptions.to_str().unwrap()];
    let directory = report_with(&demo_org(), &args);
    let dom = dom(&page(&directory), "control-prod-owners");
    assert_eq!(root_attribute(&dom, "ready").as_deref(), Some("true"), "the script still runs");
    let controls = dom.find("<section id=\"controls\"").unwrap();
    assert!(controls < dom.find("<section id=\"summary\"").unwrap(), "the Controls section comes first");
    let table = &dom[dom.find("<tbody>").unwrap()..dom.find("</tbody>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 25, "one row per control");
    assert!(table.contains("<code>prod-owners</code></a> Only the platform group and Erin may own production"));
    assert!(dom.contains("id=\"control-prod-owners\" open=\"\""), "a short failing control is open");
    let rule = &dom[dom.find("id=\"control-prod-owners\"").unwrap()..];
    let rule = &rule[..rule.find("</details>").unwrap()];
    assert!(rule.contains("implicit owner: org owner through group admins (ug_admins): owner"), "paths are shown");
    assert!(rule.contains("Fix: Remove the member from group ml (ug_1)"), "and the fix");
    let muted = &dom[dom.find("id=\"control-service-account-privileged\"").unwrap()..];
    assert!(muted.contains("Muted by deploy-bot-releases until 2027-06-30, approved by security@example.com"));
}
