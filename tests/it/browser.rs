//! `report.html` in a real headless Chromium (Debian's `chromium`, which `scripts/test-env` installs):
//! the summary and its charts are there, the filters, the role filter and the column sort work through
//! the same code path as a person's input, org owners show as implicit on every cloud, each anomaly
//! reads as its sentence, printing gives every member, and no data value ever runs as script, with or
//! without the Content-Security-Policy.
//!
//! These tests fail, never skip, when Chromium (or poppler's `pdftotext`, for printing) is missing: the
//! HTML report is only tested for real in a browser.

use crate::support::{demo_org, permaudit, repo_path, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const CHROMIUM: &str = "/usr/bin/chromium";
const PDFTOTEXT: &str = "/usr/bin/pdftotext";

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

/// Runs headless Chromium on `page#fragment` with `extra` arguments, after its scripts had time to run.
fn chromium(page: &Path, fragment: &str, extra: &[&str]) -> std::process::Output {
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
        ])
        .args(extra)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Opens `page#fragment` in headless Chromium, lets its scripts run, and returns the DOM they leave.
fn dom(page: &Path, fragment: &str) -> String {
    String::from_utf8(chromium(page, fragment, &["--dump-dom"]).stdout).unwrap()
}

/// Prints `page` to PDF as Chromium's print does (with its script, or from a copy without any script
/// element) and returns the text.
fn printed(page: &Path, with_script: bool) -> String {
    assert!(Path::new(PDFTOTEXT).exists(), "{PDFTOTEXT} is missing: scripts/test-env installs Debian's poppler-utils");
    let directory = tempfile::tempdir().unwrap();
    let pdf = directory.path().join("report.pdf");
    let print = format!("--print-to-pdf={}", pdf.display());
    let mut page = page.to_owned();
    if !with_script {
        let html = std::fs::read_to_string(&page).unwrap();
        let scripts = html.find("<script type=\"application/json\"").unwrap();
        let end = html.rfind("</script>").unwrap() + "</script>".len();
        page = directory.path().join("no-script.html");
        std::fs::write(&page, format!("{}{}", &html[..scripts], &html[end..])).unwrap();
    }
    chromium(&page, "", &[print.as_str(), "--no-pdf-header-footer"]);
    let output = Command::new(PDFTOTEXT).arg(&pdf).arg("-").output().expect("pdftotext runs");
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Returns the rows the member table shows: each member's email, in order.
fn member_emails(dom: &str) -> Vec<String> {
    let table = &dom[dom.find("id=\"member-rows\"").unwrap()..];
    let table = &table[..table.find("</section>").unwrap()];
    table.split("<tr><td><div><strong>").skip(1).map(|row| row[..row.find('<').unwrap()].to_owned()).collect()
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
        assert!(
            !dom.contains("<img") && !dom.contains("<svg onload") && !dom.contains("<b>"),
            "markup became elements"
        );
        assert_eq!(dom.matches("<svg").count(), dom.matches("<svg class=\"chart\"").count(), "only charts are SVG");
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

#[test]
fn charts_are_drawn_and_print_without_script() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "");
    let roles = &dom[dom.find("<svg class=\"chart\" id=\"chart-roles\"").unwrap()..];
    let roles = &roles[..roles.find("</svg>").unwrap()];
    assert!(roles.contains("<rect class=\"s-owner\" x=") && roles.contains("<rect class=\"s-implicit\" x="));
    for cloud in ["dev", "prod", "lab"] {
        assert!(roles.contains(&format!(">{cloud}</text>")), "a bar for cloud {cloud}");
    }
    assert!(dom.contains("id=\"chart-concentration\"") && dom.contains("id=\"chart-anomalies\""));
    let text = printed(&page(&directory), false);
    for words in [
        "Members per cloud, by their role on the cloud",
        "org owner (implicit)",
        "Anomalies by kind",
        "orphan-project-grant",
    ] {
        assert!(text.contains(words), "the printed page without script shows {words:?}");
    }
}

#[test]
fn the_member_table_sorts_by_column() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "sort=-anomalies");
    assert_eq!(member_emails(&dom)[0], "alice@example.com", "the member with the most anomalies first");
    assert!(dom.contains("<th aria-sort=\"descending\"><button type=\"button\" data-sort=\"anomalies\">"));
    let dom = self::dom(&page(&directory), "sort=-projects");
    // Org owners reach all five projects implicitly; equal counts keep the email order.
    assert_eq!(member_emails(&dom)[..3], ["erin@example.com", "frank@example.com", "alice@example.com"]);
    let dom = self::dom(&page(&directory), "sort=email&kind=owners");
    assert_eq!(member_emails(&dom), ["erin@example.com", "frank@example.com"]);
}

#[test]
fn the_role_filter_applies_to_the_searched_resource_or_the_highest_role() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "role=owner");
    assert_eq!(
        member_emails(&dom),
        [
            "alice@example.com",
            "bob@example.com",
            "dave@example.com",
            "deploy-bot@example.com",
            "erin@example.com",
            "frank@example.com",
            "iván@example.com"
        ]
    );
    let dom = self::dom(&page(&directory), "resource=prod&role=readonly");
    assert_eq!(member_emails(&dom), ["Zoe@example.com", "alice@example.com"], "the role on cloud prod");
    let dom = self::dom(&page(&directory), "resource=train&role=owner");
    assert_eq!(member_emails(&dom), ["alice@example.com", "bob@example.com", "erin@example.com", "frank@example.com"]);
}

#[test]
fn searching_a_cloud_lists_every_org_owner_as_implicit() {
    let directory = report(&demo_org());
    let dom = dom(&page(&directory), "resource=lab");
    assert_eq!(
        member_emails(&dom),
        ["dave@example.com", "erin@example.com", "frank@example.com", "kim@example.com"],
        "Dave and Kim B by their grants, both org owners implicitly"
    );
    assert_eq!(dom.matches("cloud lab (implicit)").count(), 2);
    assert!(status(&dom).ends_with("2 of them are org owners, who reach it implicitly."), "{}", status(&dom));
    let resources = &dom[dom.find("id=\"resource-rows\"").unwrap()..];
    assert!(
        resources.contains("<a href=\"#resource=cld_3\">cloud lab</a>"),
        "the clouds and projects table links here"
    );
}

/// Returns the anomaly sentences the member table shows, as `code: sentence`.
fn shown_sentences(dom: &str) -> Vec<String> {
    dom.split("<ul class=\"anomaly-sentences\">")
        .skip(1)
        .flat_map(|list| {
            list[..list.find("</ul>").unwrap()].split("<li>").skip(1).map(str::to_owned).collect::<Vec<_>>()
        })
        .map(|item| item.replace("<code>", "").replace("</code>", "").replace("</li>", "").replace("&amp;", "&"))
        .collect()
}

#[test]
fn every_anomaly_of_a_member_reads_as_its_sentence_in_anomalies_csv() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "300", "--groups", "20", "--clouds", "4", "--projects", "40", "--grants", "6000"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "9", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    // The demo's members hold 10 anomalies; the generated organization's first page many more.
    for (written, fragment, least) in [(report(&demo_org()), "", 10), (report(&org), "sort=-anomalies", 100)] {
        let csv = std::fs::read_to_string(written.path().join("anomalies.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let expected: std::collections::BTreeSet<String> =
            reader.records().map(Result::unwrap).map(|row| format!("{}: {}", &row[3], &row[5])).collect();
        let dom = dom(&page(&written), fragment);
        let shown = shown_sentences(&dom);
        assert!(shown.len() >= least, "the first page shows {} anomalies", shown.len());
        for sentence in &shown {
            assert!(expected.contains(sentence), "{sentence:?} is not in anomalies.csv");
        }
        for code in ["project-role-capped", "orphan-project-grant"] {
            assert!(shown.iter().any(|sentence| sentence.starts_with(code)), "a {code} sentence is shown");
        }
    }
}

#[test]
fn printing_gives_every_member_and_every_resource() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "130", "--groups", "10", "--clouds", "3", "--projects", "60", "--grants", "1500"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "4", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let written = report(&org);
    let on_screen = dom(&page(&written), "");
    assert_eq!(member_emails(&on_screen).len(), 50, "the screen shows one page of 50 members");
    // Lines break after a hyphen, which pdftotext then drops: compare without spaces and hyphens.
    let text: String = printed(&page(&written), true).chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let members = std::fs::read_to_string(written.path().join("members.csv")).unwrap();
    let emails: Vec<&str> = members.lines().skip(1).map(|line| line.split(',').nth(5).unwrap()).collect();
    assert_eq!(emails.len(), 130);
    for email in emails {
        assert!(text.contains(&email.replace('-', "")), "the printed report misses member {email}");
    }
    for project in 0..60 {
        assert!(text.contains(&format!("prj_{project:06}")), "the printed report misses project {project}");
    }
    assert!(text.contains("All130matchingmembers(130inall),inacompactform."), "the print says it holds every member");
    assert!(text.contains("Anomalies:orphanprojectgrant:"), "with each member's anomaly sentences");
}
