//! `permaudit serve` over HTTP: auth, paging, filters, the shape of every endpoint, the engine's
//! permissions, batch creation, faults and shutdown, against the real binary.

use crate::emulator::{client, Emulator, TOKEN};
use crate::python_parity::python;
use crate::support::{assert_golden, demo_org, load, permaudit, repo_path, stderr};
use permaudit::model::Snapshot;
use reqwest::blocking::RequestBuilder;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn with_cookie(request: RequestBuilder) -> RequestBuilder {
    request.header("Cookie", format!("cli_token={TOKEN}"))
}

/// Sends a GET with the token cookie; returns the status and the JSON body.
fn get(server: &Emulator, path: &str) -> (u16, Value) {
    let response = with_cookie(client().get(server.url(path))).send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

/// Sends a POST with the token cookie and a raw body; returns the status and the JSON body.
fn post(server: &Emulator, path: &str, body: impl Into<reqwest::blocking::Body>) -> (u16, Value) {
    let request = with_cookie(client().post(server.url(path))).header("Content-Type", "application/json");
    let response = request.body(body).send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

/// Follows a list's `next_paging_token` to the end; checks the metadata of every page.
fn walk(server: &Emulator, path: &str, count: usize) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{separator}count={count}");
    let mut items = Vec::new();
    loop {
        let (status, page) = get(server, &url);
        assert_eq!(status, 200, "{url}: {page}");
        let results = page["results"].as_array().unwrap();
        assert!(results.len() <= count, "{url}");
        items.extend(results.iter().cloned());
        let metadata = &page["metadata"];
        assert!(metadata["total"].is_u64(), "{page}");
        match metadata["next_paging_token"].as_str() {
            Some(token) => url = format!("{path}{separator}count={count}&paging_token={token}"),
            None => {
                assert!(metadata["next_paging_token"].is_null(), "{page}");
                assert_eq!(metadata["total"].as_u64(), Some(items.len() as u64));
                return items;
            }
        }
    }
}

fn detail(body: &Value) -> &str {
    body["error"]["detail"].as_str().unwrap_or_else(|| panic!("an error body: {body}"))
}

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items.iter().map(|item| item[key].as_str().unwrap().to_owned()).collect()
}

fn generated_org(directory: &std::path::Path) -> std::path::PathBuf {
    let path = directory.join("generated.json");
    let output = permaudit(&[
        "generate",
        "--members",
        "130",
        "--groups",
        "60",
        "--clouds",
        "55",
        "--projects",
        "120",
        "--grants",
        "900",
        "--seed",
        "5",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    path
}

#[test]
fn prints_one_line_with_the_bound_address() {
    let server = Emulator::demo(&[]);
    assert!(server.base.starts_with("http://127.0.0.1:"), "{}", server.banner);
    assert!(!server.base.ends_with(":0"), "{}", server.banner);
    assert_eq!(
        server.banner,
        format!("permaudit serve: listening on {} (organization org_demo, 15 members)", server.base)
    );
}

#[test]
fn requests_without_the_right_token_get_401() {
    let server = Emulator::demo(&[]);
    let http = client();
    let attempts = [
        http.get(server.url("/api/v2/userinfo/")),
        http.get(server.url("/api/v2/userinfo/")).header("Cookie", "cli_token=sss_wrong_secret"),
        http.get(server.url("/api/v2/userinfo/")).header("Authorization", "Bearer sss_wrong_secret"),
        http.get(server.url("/api/v2/userinfo/")).header("Cookie", format!("other={TOKEN}")),
        http.get(server.url("/api/v2/nothing-here")),
    ];
    for attempt in attempts {
        let response = attempt.send().unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body = response.text().unwrap();
        assert!(body.contains("\"detail\""), "{body}");
        assert!(!body.contains("sss_wrong_secret") && !body.contains(TOKEN), "the token is never echoed: {body}");
    }
}

#[test]
fn the_cookie_and_the_bearer_header_are_accepted() {
    let server = Emulator::demo(&[]);
    let http = client();
    let by_cookie =
        http.get(server.url("/api/v2/userinfo/")).header("Cookie", format!("theme=dark; cli_token={TOKEN}"));
    let by_bearer = http.get(server.url("/api/v2/userinfo/")).bearer_auth(TOKEN);
    for request in [by_cookie, by_bearer] {
        let response = request.send().unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(!response.text().unwrap().contains(TOKEN));
    }
    assert!(!server.banner.contains(TOKEN) && !server.stderr().contains(TOKEN));
}

#[test]
fn every_path_answers_with_and_without_a_trailing_slash() {
    let server = Emulator::demo(&[]);
    let paths = [
        "/api/v2/userinfo",
        "/api/v2/organization_collaborators",
        "/api/v2/user_groups",
        "/api/v2/user_groups/memberships/list",
        "/api/v2/clouds",
        "/api/v2/projects",
        "/api/v2/projects/prj_1/collaborators/users",
        "/api/v2/policy/cloud/cld_1",
        "/api/v2/policy/project/prj_1",
        "/api/v2/scim/list-user-permissions",
    ];
    for path in paths {
        for variant in [path.to_owned(), format!("{path}/")] {
            assert_eq!(get(&server, &variant).0, 200, "{variant}");
        }
    }
    for path in ["/api/v2/clouds/cld_1/collaborators/users/search", "/api/v2/cli_usage"] {
        for variant in [path.to_owned(), format!("{path}/")] {
            assert_eq!(post(&server, &variant, "{}").0, 200, "{variant}");
        }
    }
}

#[test]
fn unknown_paths_and_resources_get_404_and_wrong_methods_405() {
    let server = Emulator::demo(&[]);
    let (status, body) = get(&server, "/api/v2/no/such/endpoint");
    assert_eq!(status, 404);
    assert!(detail(&body).contains("/api/v2/no/such/endpoint"));
    for path in ["/api/v2/policy/cloud/cld_none", "/api/v2/projects/prj_none/collaborators/users"] {
        let (status, body) = get(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(detail(&body).contains("_none"), "{body}");
    }
    let (status, body) = post(&server, "/api/v2/clouds/cld_none/collaborators/users/search", "{}");
    assert_eq!((status, detail(&body)), (404, "no cloud `cld_none` in the organization"));
    let response = with_cookie(client().delete(server.url("/api/v2/clouds/"))).send().unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(response.text().unwrap().contains("\"detail\""));
}

#[test]
fn collaborator_pages_concatenate_to_the_snapshot_members() {
    let server = Emulator::demo(&[]);
    let expected: Vec<String> =
        load("fixtures/demo/org.json").organization.members.iter().map(|m| m.id.clone()).collect();
    for count in [1, 2, 7, 15, 50] {
        assert_eq!(ids(&walk(&server, "/api/v2/organization_collaborators/", count), "id"), expected, "count {count}");
    }
}

#[test]
fn every_list_pages_over_more_than_fifty_items() {
    let directory = tempfile::tempdir().unwrap();
    let snapshot_path = generated_org(directory.path());
    let snapshot = Snapshot::load(&snapshot_path).unwrap();
    let organization = &snapshot.organization;
    let server = Emulator::start(&snapshot_path, &[]);
    let members: Vec<String> = organization.members.iter().map(|member| member.id.clone()).collect();
    assert_eq!(ids(&walk(&server, "/api/v2/organization_collaborators/", 50), "id"), members);
    let groups: Vec<String> = organization.groups.iter().map(|group| group.id.to_string()).collect();
    assert_eq!(ids(&walk(&server, "/api/v2/user_groups/", 50), "id"), groups);
    let clouds: Vec<String> = organization.clouds.iter().map(|cloud| cloud.id.to_string()).collect();
    assert_eq!(ids(&walk(&server, "/api/v2/clouds/", 50), "id"), clouds);
    let projects: Vec<String> = organization.projects.iter().map(|project| project.id.to_string()).collect();
    assert_eq!(ids(&walk(&server, "/api/v2/projects/", 50), "id"), projects);
    assert!(members.len() > 50 && groups.len() > 50 && clouds.len() > 50 && projects.len() > 50);
}

#[test]
fn count_outside_one_to_fifty_is_a_400() {
    let server = Emulator::demo(&[]);
    for count in ["0", "51", "-1", "ten", ""] {
        for list in ["/api/v2/organization_collaborators/", "/api/v2/clouds/", "/api/v2/user_groups/"] {
            let (status, body) = get(&server, &format!("{list}?count={count}"));
            assert_eq!(status, 400, "{list} count={count}");
            assert!(detail(&body).contains("`count` must be an integer from 1 to 50"), "{body}");
        }
    }
    let (_, page) = get(&server, "/api/v2/organization_collaborators/");
    assert_eq!(page["results"].as_array().unwrap().len(), 15, "the default count is 50");
}

#[test]
fn a_bad_paging_token_is_a_400() {
    let server = Emulator::demo(&[]);
    let (_, clouds) = get(&server, "/api/v2/clouds/?count=1");
    let clouds_token = clouds["metadata"]["next_paging_token"].as_str().unwrap().to_owned();
    let (_, filtered) = get(&server, "/api/v2/organization_collaborators/?count=1&is_service_account=False");
    let filtered_token = filtered["metadata"]["next_paging_token"].as_str().unwrap().to_owned();
    let bad = [
        format!("/api/v2/organization_collaborators/?paging_token={clouds_token}"),
        format!("/api/v2/organization_collaborators/?paging_token={filtered_token}"),
        "/api/v2/organization_collaborators/?paging_token=not-a-token".to_owned(),
        "/api/v2/clouds/?paging_token=OTk5OS4w".to_owned(),
    ];
    for path in bad {
        let (status, body) = get(&server, &path);
        assert_eq!(status, 400, "{path}");
        assert!(detail(&body).contains("paging_token"), "{body}");
    }
    let next =
        format!("/api/v2/organization_collaborators/?count=1&is_service_account=False&paging_token={filtered_token}");
    assert_eq!(get(&server, &next).0, 200, "the token works on its own list");
}

fn emails(server: &Emulator, query: &str) -> Vec<String> {
    ids(&walk(server, &format!("/api/v2/organization_collaborators/?{query}"), 50), "email")
}

#[test]
fn collaborator_filters() {
    let server = Emulator::demo(&[]);
    assert_eq!(emails(&server, "email=alice%40example.com"), ["alice@example.com"]);
    assert_eq!(emails(&server, "email=alice@example.com"), ["alice@example.com"]);
    assert_eq!(emails(&server, "email=ALICE%40Example.com"), ["alice@example.com"], "emails ignore case");
    assert_eq!(emails(&server, "email=alice%40example.co"), Vec::<String>::new(), "the whole email");
    assert_eq!(emails(&server, "email=IV%C3%81N%40example.com"), ["iván@example.com"], "beyond ASCII too");
    assert_eq!(emails(&server, "name=Kim+A"), ["kim@example.com"]);
    assert_eq!(emails(&server, "name=Kim%20B"), ["kim@example.com"]);
    assert_eq!(emails(&server, "name=Kim"), Vec::<String>::new(), "exact match");
    assert_eq!(emails(&server, "email=kim%40example.com").len(), 2);
    let service = ["deploy-bot@example.com", "ci-bot@example.com"];
    assert_eq!(emails(&server, "collaborator_type=only_service_accounts"), service);
    assert_eq!(emails(&server, "collaborator_type=only_user_accounts").len(), 13);
    assert_eq!(emails(&server, "collaborator_type=all_accounts").len(), 15);
    assert_eq!(emails(&server, "is_service_account=True"), service);
    assert_eq!(emails(&server, "is_service_account=true"), service);
    assert_eq!(emails(&server, "is_service_account=False").len(), 13);
    assert_eq!(emails(&server, "is_service_account=false").len(), 13);
    assert!(emails(&server, "collaborator_type=only_user_accounts&is_service_account=True").is_empty());
    assert_eq!(
        emails(&server, "email=ci-bot%40example.com&collaborator_type=only_service_accounts"),
        ["ci-bot@example.com"]
    );
    for bad in ["collaborator_type=robots", "is_service_account=yes"] {
        let (status, body) = get(&server, &format!("/api/v2/organization_collaborators/?{bad}"));
        assert_eq!(status, 400, "{bad}");
        assert!(detail(&body).contains(bad.split('=').next().unwrap()), "{body}");
    }
}

#[test]
fn cloud_collaborators_report_every_level_most_access_first() {
    let server = Emulator::demo(&[]);
    let search = "/api/v2/clouds/cld_3/collaborators/users/search";
    let (status, page) = post(&server, search, "{}");
    assert_eq!(status, 200);
    let dave = &page["results"][0];
    assert_eq!(dave["id"], "idn_dave");
    assert_eq!(dave["value"], json!({"id": "usr_dave", "name": "Dave Bowman", "email": "dave@example.com"}));
    assert_eq!(dave["permission_level"], "owner");
    assert_eq!(dave["permission_levels"], json!(["owner", "readonly"]));
    let (_, prod) = post(&server, "/api/v2/clouds/cld_1/collaborators/users/search", "");
    let unknown = prod["results"].as_array().unwrap().iter().find(|item| item["value"]["id"] == "usr_judy_1").unwrap();
    assert_eq!(unknown["value"], json!({"id": "usr_judy_1", "name": "", "email": ""}));
    let body = json!({"name_or_email": {"equals": "grace@example.com"}}).to_string();
    let (_, found) = post(&server, "/api/v2/clouds/cld_1/collaborators/users/search", body);
    assert_eq!(ids(found["results"].as_array().unwrap(), "id"), ["idn_grace"]);
    let (status, body) = post(&server, "/api/v2/clouds/cld_1/collaborators/users/search", "[1]");
    assert_eq!(status, 400, "{body}");
    let paged = walk_search(&server, "cld_1", 2);
    assert_eq!(paged, prod["results"].as_array().unwrap().clone());
}

/// Pages through a cloud collaborator search (POST, paging in the query string).
fn walk_search(server: &Emulator, cloud: &str, count: usize) -> Vec<Value> {
    let path = format!("/api/v2/clouds/{cloud}/collaborators/users/search?count={count}");
    let (mut status, mut page) = post(server, &path, "{}");
    let mut items = Vec::new();
    loop {
        assert_eq!(status, 200, "{page}");
        items.extend(page["results"].as_array().unwrap().iter().cloned());
        let Some(token) = page["metadata"]["next_paging_token"].as_str() else { return items };
        (status, page) = post(server, &format!("{path}&paging_token={token}"), "{}");
    }
}

/// Fetches every endpoint of the demo organization, keyed by a short name.
fn demo_responses(server: &Emulator) -> Vec<(&'static str, Value)> {
    let fetch = |path: &str| get(server, path).1;
    let search = |cloud: &str| post(server, &format!("/api/v2/clouds/{cloud}/collaborators/users/search"), "{}").1;
    let clouds = ["cld_1", "cld_2", "cld_3"];
    let projects = ["prj_1", "prj_2", "prj_3", "prj_4", "prj_5"];
    let per = |name: &[&str], make: &dyn Fn(&str) -> Value| -> Value {
        Value::Object(name.iter().map(|id| (id.to_string(), make(id))).collect())
    };
    let (unauthorized, not_found, bad_request) = (
        client().get(server.url("/api/v2/userinfo/")).send().unwrap().json::<Value>().unwrap(),
        fetch("/api/v2/missing"),
        fetch("/api/v2/organization_collaborators/?count=0"),
    );
    vec![
        ("userinfo", fetch("/api/v2/userinfo/")),
        ("organization-collaborators", fetch("/api/v2/organization_collaborators/")),
        ("user-groups", fetch("/api/v2/user_groups/")),
        ("memberships", fetch("/api/v2/user_groups/memberships/list")),
        ("clouds", fetch("/api/v2/clouds/")),
        ("projects", fetch("/api/v2/projects/")),
        ("cloud-collaborators", per(&clouds, &|cloud| search(cloud))),
        ("project-collaborators", per(&projects, &|id| fetch(&format!("/api/v2/projects/{id}/collaborators/users")))),
        ("cloud-policies", per(&clouds, &|id| fetch(&format!("/api/v2/policy/cloud/{id}")))),
        ("project-policies", per(&projects, &|id| fetch(&format!("/api/v2/policy/project/{id}")))),
        ("list-user-permissions", fetch("/api/v2/scim/list-user-permissions")),
        ("list-user-permissions.user-id-usr_alice", fetch("/api/v2/scim/list-user-permissions?user_id=usr_alice")),
        ("errors", json!({"401": unauthorized, "404": not_found, "400": bad_request})),
    ]
}

#[test]
fn every_endpoint_has_the_golden_shape() {
    let server = Emulator::demo(&[]);
    let project_ids: Vec<String> =
        load("fixtures/demo/org.json").organization.projects.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(project_ids, ["prj_1", "prj_2", "prj_3", "prj_4", "prj_5"], "the golden files cover every project");
    for (name, body) in demo_responses(&server) {
        let mut text = serde_json::to_string_pretty(&body).unwrap();
        text.push('\n');
        assert_golden(&format!("fixtures/demo/golden/serve/{name}.json"), text.as_bytes());
    }
}

#[test]
fn userinfo_names_an_owner_with_every_required_field() {
    let server = Emulator::demo(&[]);
    let (_, body) = get(&server, "/api/v2/userinfo/");
    let user = &body["result"];
    for field in [
        "id",
        "email",
        "name",
        "username",
        "verified",
        "organization_permission_level",
        "organization_ids",
        "organizations",
        "ld_hash",
        "ld_hash_fields",
        "pylon_hash",
    ] {
        assert!(!user[field].is_null(), "{field} is present and non-null");
    }
    assert_eq!(user["email"], "erin@example.com", "the first org owner by email");
    assert_eq!(user["organizations"][0]["id"], "org_demo");
    let directory = tempfile::tempdir().unwrap();
    let ownerless = directory.path().join("ownerless.json");
    std::fs::copy(repo_path("fixtures/scenarios/r2-no-base-role/org.json"), &ownerless).unwrap();
    let mut snapshot = Snapshot::load(&ownerless).unwrap();
    snapshot.organization.members.iter_mut().for_each(|member| member.permission_level = "collaborator".to_owned());
    snapshot.organization.groups.clear();
    snapshot.save(&ownerless).unwrap();
    let (_, body) = get(&Emulator::start(&ownerless, &[]), "/api/v2/userinfo/");
    assert_eq!(body["result"]["id"], "usr_permaudit_admin", "a fixed administrator when nobody owns the organization");
}

#[test]
fn list_user_permissions_equals_permaudit_list_permissions() {
    let server = Emulator::demo(&[]);
    let org = demo_org();
    let official_format =
        "import json,sys; print(json.dumps(json.load(sys.stdin)['result'], indent=2, sort_keys=True))";
    for user in [None, Some("usr_alice"), Some("idn_svc_deploy"), Some("usr_grace")] {
        let mut args = vec!["user", "list-permissions", "--org", org.to_str().unwrap()];
        let mut path = "/api/v2/scim/list-user-permissions".to_owned();
        if let Some(user) = user {
            args.extend(["--user-id", user]);
            path = format!("{path}?user_id={user}");
        }
        let expected = permaudit(&args).stdout;
        let response = with_cookie(client().get(server.url(&path))).send().unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let bytes = response.bytes().unwrap();
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed["result"], serde_json::from_slice::<Value>(&expected).unwrap(), "{user:?}");
        assert_eq!(python(official_format, &bytes), expected, "{user:?}");
    }
    let (status, body) = get(&server, "/api/v2/scim/list-user-permissions?user_id=usr_nobody");
    assert_eq!(status, 404);
    assert!(detail(&body).contains("`usr_nobody`"), "{body}");
    let (_, everyone) = get(&server, "/api/v2/scim/list-user-permissions?user_id=");
    assert_eq!(everyone, get(&server, "/api/v2/scim/list-user-permissions").1, "an empty user_id lists everyone");
}

fn new_user(name: &str, email: &str) -> Value {
    json!({"name": name, "email": email, "password": "", "is_sso_user": false})
}

fn member_emails(path: &std::path::Path) -> Vec<String> {
    Snapshot::load(path).unwrap().organization.members.iter().map(|member| member.email.clone()).collect()
}

#[test]
fn batch_create_saves_the_users_before_answering_and_lists_them() {
    let server = Emulator::demo(&[]);
    let batch = json!([
        {"name": "Ada", "email": "ada@example.org", "password": "s3cret-pass", "is_sso_user": false,
         "lastname": "Lovelace", "title": "Engineer"},
        {"name": "Bob", "email": "bob@example.org", "is_sso_user": true},
        {"name": "Cy", "email": "cy@example.org", "password": null, "is_sso_user": false},
        {"name": "Di", "email": "di@example.org", "password": "", "is_sso_user": false},
    ]);
    let (status, body) = post(&server, "/api/v2/users/admin_batch_create", batch.to_string());
    assert_eq!(status, 200, "{body}");
    assert!(!body.to_string().contains("s3cret-pass"), "the password is never echoed");
    let results = body["results"].as_array().unwrap();
    assert_eq!(ids(results, "email"), ["ada@example.org", "bob@example.org", "cy@example.org", "di@example.org"]);
    assert_eq!(results[0]["lastname"], "Lovelace");
    assert_eq!(results[0]["title"], "Engineer");
    assert_eq!(results[1]["is_sso_user"], true);
    assert!(results[1].get("lastname").is_none());
    let created_at = results[0]["created_at"].as_str().unwrap();
    assert!(created_at.len() == 25 && created_at.ends_with("+00:00"), "ISO 8601 with an offset: {created_at}");

    let file = std::fs::read_to_string(&server.org).unwrap();
    assert!(!file.contains("s3cret-pass"), "passwords are never stored");
    let snapshot = Snapshot::load(&server.org).unwrap();
    let original = load("fixtures/demo/org.json").organization.members;
    assert_eq!(snapshot.organization.members.len(), original.len() + 4);
    let members = &snapshot.organization.members;
    let identity_ids: std::collections::HashSet<&str> = members.iter().map(|member| member.id.as_str()).collect();
    let member_ids: std::collections::HashSet<&str> = members.iter().map(|member| member.member_id()).collect();
    assert_eq!((identity_ids.len(), member_ids.len()), (members.len(), members.len()), "unique ids");
    let added = &snapshot.organization.members[original.len()..];
    assert_eq!(ids(results, "user_id"), added.iter().map(|member| member.member_id().to_owned()).collect::<Vec<_>>());
    assert!(added.iter().all(|member| member.permission_level == "collaborator" && !member.is_service_account));
    assert_eq!(added[0].name, "Ada Lovelace");
    let leftovers = std::fs::read_dir(server.directory()).unwrap().count();
    assert_eq!(leftovers, 2, "only the snapshot and the server's stderr: no temporary file is left");

    let listed = emails(&server, "email=ada%40example.org");
    assert_eq!(listed, ["ada@example.org"]);
    assert_eq!(walk(&server, "/api/v2/organization_collaborators/", 50).len(), original.len() + 4);
}

#[test]
fn an_invalid_batch_creates_nothing_and_leaves_the_file_unchanged() {
    let server = Emulator::demo(&[]);
    let before = std::fs::read(&server.org).unwrap();
    let valid = new_user("Ok", "ok@example.org");
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("not json".to_owned(), vec!["not valid JSON"]),
        (json!({"create_users": [valid]}).to_string(), vec!["JSON array"]),
        (json!([valid, {"email": "a@example.org", "is_sso_user": false}]).to_string(), vec!["users[1] (a@example.org): `name` is required"]),
        (json!([{"name": "A", "is_sso_user": false}]).to_string(), vec!["users[0] (no email): `email` is required"]),
        (json!([{"name": "A", "email": "a@example.org"}]).to_string(), vec!["users[0] (a@example.org): `is_sso_user` is required"]),
        (json!([{"name": "A", "email": "a@example.org", "is_sso_user": "no"}]).to_string(), vec!["`is_sso_user` must be `true` or `false`"]),
        (json!([new_user("A", "not-an-address")]).to_string(), vec!["users[0] (not-an-address): `not-an-address` is not a valid email address"]),
        (json!([new_user("A", "a@example.org"), valid, new_user("B", "A@example.org")]).to_string(), vec!["users[2] (A@example.org): the email repeats users[0]"]),
        (json!([valid, new_user("Alice", "ALICE@example.com")]).to_string(), vec!["users[1] (ALICE@example.com): the email already belongs to a member"]),
        (json!([new_user("Éva", "ÉVA@x.com"), new_user("Eva", "éva@x.com")]).to_string(), vec!["users[1] (éva@x.com): the email repeats users[0]"]),
        (json!([new_user("Iván", "IVÁN@example.com")]).to_string(), vec!["users[0] (IVÁN@example.com): the email already belongs to a member"]),
        (json!([{"name": "A", "email": "a@example.org", "password": 42, "is_sso_user": false}]).to_string(), vec!["`password` must be a string or null"]),
        (
            json!([new_user("A", "bad"), valid, {"name": 3, "email": "b@example.org", "is_sso_user": true}, new_user("C", "kim@example.com")]).to_string(),
            vec!["3 of 4 entries", "users[0] (bad)", "users[2] (b@example.org): `name` must be a string", "users[3] (kim@example.com)"],
        ),
    ];
    for (body, expected) in cases {
        let (status, response) = post(&server, "/api/v2/users/admin_batch_create", body.clone());
        assert_eq!(status, 400, "{body}: {response}");
        let message = detail(&response);
        for part in expected {
            assert!(message.contains(part), "{body}: `{message}` names `{part}`");
        }
        assert_eq!(std::fs::read(&server.org).unwrap(), before, "{body}: the file is unchanged byte for byte");
    }
    assert_eq!(walk(&server, "/api/v2/organization_collaborators/", 50).len(), 15, "nobody was created");
}

#[test]
fn a_thousand_users_in_one_request() {
    let server = Emulator::demo(&[]);
    let batch: Vec<Value> =
        (0..1000).map(|n| new_user(&format!("User {n}"), &format!("user{n}@example.org"))).collect();
    let (status, body) = post(&server, "/api/v2/users/admin_batch_create", Value::Array(batch).to_string());
    assert_eq!(status, 200, "{body}");
    let user_ids: std::collections::HashSet<String> =
        ids(body["results"].as_array().unwrap(), "user_id").into_iter().collect();
    assert_eq!(user_ids.len(), 1000, "fresh, unique ids");
    assert_eq!(member_emails(&server.org).len(), 1015);
    assert_eq!(walk(&server, "/api/v2/organization_collaborators/", 50).len(), 1015);
}

#[test]
fn a_body_over_the_limit_gets_413_and_changes_nothing() {
    let server = Emulator::demo(&["--max-body-bytes", "1000"]);
    let before = std::fs::read(&server.org).unwrap();
    let batch: Vec<Value> = (0..50).map(|n| new_user("U", &format!("u{n}@example.org"))).collect();
    let (status, body) = post(&server, "/api/v2/users/admin_batch_create", Value::Array(batch).to_string());
    assert_eq!(status, 413);
    assert!(detail(&body).contains("1000 bytes"), "{body}");
    assert_eq!(std::fs::read(&server.org).unwrap(), before);
    let (status, _) =
        post(&server, "/api/v2/users/admin_batch_create", json!([new_user("U", "u@example.org")]).to_string());
    assert_eq!(status, 200, "a body under the limit passes");
}

#[test]
fn cli_usage_is_accepted_and_ignored() {
    let server = Emulator::demo(&[]);
    let before = std::fs::read(&server.org).unwrap();
    let (status, _) = post(&server, "/api/v2/cli_usage/", json!({"cmd_path": "anyscale user list"}).to_string());
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(&server.org).unwrap(), before);
}

/// What one request met: a status, or `dropped` when the connection broke.
fn outcome(server: &Emulator) -> String {
    match with_cookie(client().get(server.url("/api/v2/clouds/"))).send() {
        Err(_) => "dropped".to_owned(),
        Ok(response) => {
            let status = response.status().as_u16();
            let retry_after = response.headers().get("Retry-After").map(|value| value.to_str().unwrap().to_owned());
            match (status, response.json::<Value>()) {
                (_, Err(_)) => "dropped".to_owned(),
                (429, Ok(body)) => {
                    assert_eq!(retry_after.as_deref(), Some("1"));
                    assert!(!detail(&body).is_empty());
                    "429".to_owned()
                }
                (500, Ok(body)) => {
                    assert!(!detail(&body).is_empty());
                    "500".to_owned()
                }
                (status, Ok(_)) => status.to_string(),
            }
        }
    }
}

fn outcomes(seed: &str) -> Vec<String> {
    let server = Emulator::demo(&["--fault-rate", "0.5", "--fault-seed", seed]);
    (0..40).map(|_| outcome(&server)).collect()
}

#[test]
fn faults_are_deterministic_for_a_seed() {
    let first = outcomes("42");
    assert_eq!(first, outcomes("42"), "the same seed fails the same requests");
    assert_ne!(first, outcomes("43"), "another seed fails others");
    for kind in ["200", "429", "500", "dropped"] {
        assert!(first.iter().any(|seen| seen == kind), "{kind} occurs in {first:?}");
    }
}

#[test]
fn a_faulted_batch_create_creates_nothing() {
    let server = Emulator::demo(&["--fault-rate", "1", "--fault-seed", "3"]);
    let before = std::fs::read(&server.org).unwrap();
    for n in 0..6 {
        let request = with_cookie(client().post(server.url("/api/v2/users/admin_batch_create")));
        let result = request.body(json!([new_user("F", &format!("f{n}@example.org"))]).to_string()).send();
        if let Ok(response) = result {
            assert_ne!(response.status().as_u16(), 200);
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(std::fs::read(&server.org).unwrap(), before);
}

#[test]
fn latency_delays_every_request() {
    let server = Emulator::demo(&["--latency-ms", "300"]);
    let started = Instant::now();
    assert_eq!(get(&server, "/api/v2/clouds/").0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = Emulator::demo(&[]);
    assert_eq!(get(&server, "/api/v2/userinfo/").0, 200);
    let signal = std::process::Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    assert!(signal.success());
    assert_eq!(server.wait().code(), Some(0));
}

#[test]
fn bad_options_are_refused_at_start() {
    let org = demo_org();
    let org = org.to_str().unwrap();
    for (args, message) in [
        (vec!["serve", "--org", org, "--token", ""], "invalid `--token`"),
        (vec!["serve", "--org", org, "--token", "sss with spaces"], "invalid `--token`"),
        (vec!["serve", "--org", org, "--token", "t", "--fault-rate", "1.5"], "from 0 to 1"),
        (vec!["serve", "--org", "/no/such/org.json", "--token", "t", "--addr", "127.0.0.1:0"], "/no/such/org.json"),
    ] {
        let output = permaudit(&args);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("with spaces"), "a rejected token is not echoed");
    }
}

/// Opens a raw connection to the server.
fn connect(server: &Emulator) -> std::net::TcpStream {
    let address = server.base.trim_start_matches("http://");
    let stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream
}

/// Reads until the server closes the connection; returns what it sent and how long that took.
fn read_to_close(stream: &mut std::net::TcpStream) -> (String, Duration) {
    use std::io::Read;
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

#[test]
fn idle_and_half_sent_connections_are_closed() {
    use std::io::Write;
    let server = Emulator::demo(&["--header-timeout", "1", "--body-timeout", "1"]);
    let mut idle = connect(&server);
    let mut half_head = connect(&server);
    half_head.write_all(b"GET /api/v2/userinfo/ HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut half_body = connect(&server);
    let head = format!(
        "POST /api/v2/users/admin_batch_create HTTP/1.1\r\nHost: x\r\nCookie: cli_token={TOKEN}\r\ncontent-length: 100\r\n\r\n["
    );
    half_body.write_all(head.as_bytes()).unwrap();
    for stream in [&mut idle, &mut half_head] {
        let (answer, waited) = read_to_close(stream);
        assert!(waited < Duration::from_secs(10), "closed after the header timeout: {waited:?}");
        assert!(!answer.contains("200 OK"), "{answer}");
    }
    let (answer, waited) = read_to_close(&mut half_body);
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(member_emails(&server.org).len(), load("fixtures/demo/org.json").organization.members.len());
}

#[test]
fn connections_beyond_the_limit_are_told_to_come_back() {
    use std::io::Write;
    let server = Emulator::demo(&["--max-connections", "2"]);
    let held = [connect(&server), connect(&server)];
    // The server accepts in order: once this answer came, both held connections were accepted.
    let mut third = connect(&server);
    let (answer, _) = read_to_close(&mut third);
    assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("retry-after: 1"), "{answer}");
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = connect(&server);
        let request = format!(
            "GET /api/v2/userinfo/ HTTP/1.1\r\nHost: x\r\nCookie: cli_token={TOKEN}\r\nConnection: close\r\n\r\n"
        );
        let _ = stream.write_all(request.as_bytes());
        let (answer, _) = read_to_close(&mut stream);
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "a slot frees once the held connections close: {answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn stale_temporary_files_of_the_snapshot_are_removed_at_start() {
    let stale = ".permaudit-org.json.Ab12Cd.tmp";
    let server = Emulator::start_prepared(&demo_org(), &[], |directory| {
        std::fs::write(directory.join(stale), vec![b'x'; 4096]).unwrap();
        std::fs::write(directory.join("notes.tmp"), "mine").unwrap();
    });
    assert!(!server.directory().join(stale).exists());
    assert!(server.directory().join("notes.tmp").exists(), "only the server's own files are removed");
    assert_eq!(get(&server, "/api/v2/userinfo/").0, 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.stderr().contains("removed 1 temporary file") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.stderr().contains("removed 1 temporary file"), "{}", server.stderr());
}

#[test]
fn a_symlinked_snapshot_is_saved_through_the_link() {
    use std::os::unix::fs::PermissionsExt;
    let server = Emulator::start_prepared(&demo_org(), &[], |directory| {
        let real = directory.join("real.json");
        std::fs::rename(directory.join("org.json"), &real).unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("real.json", directory.join("org.json")).unwrap();
    });
    let (status, body) =
        post(&server, "/api/v2/users/admin_batch_create", json!([new_user("Lin", "lin@x.com")]).to_string());
    assert_eq!(status, 200, "{body}");
    let link = std::fs::symlink_metadata(&server.org).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    let real = server.directory().join("real.json");
    assert!(member_emails(&real).contains(&"lin@x.com".to_owned()));
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
}
