//! The client against a loopback stub that answers from a script: each test states exactly what the
//! server does (statuses, Retry-After, short pages, dropped connections) and checks what the client
//! sends and concludes.

use super::client::ApiClient;
use super::retry::RetryPolicy;
use crate::collect::{ApiConfig, CollectError, Token};
use reqwest::Method;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted answer: a status with headers and body, or a dropped connection.
enum Reply {
    Answer { status: u16, headers: Vec<(&'static str, &'static str)>, body: String },
    Drop,
}

fn ok(body: &str) -> Reply {
    Reply::Answer { status: 200, headers: vec![], body: body.to_owned() }
}

fn status(status: u16, body: &str) -> Reply {
    Reply::Answer { status, headers: vec![], body: body.to_owned() }
}

/// Serves the replies in order, one connection each, and records every request head.
async fn stub(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for reply in replies {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_request(&mut socket).await;
            log.lock().unwrap().push(request);
            if let Reply::Answer { status, headers, body } = reply {
                let mut head =
                    format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                let response = format!("{head}\r\n{body}");
                socket.write_all(response.as_bytes()).await.unwrap();
            }
        }
    });
    (address, seen)
}

/// Reads one request, its head and as much body as its `content-length` announces.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut request = Vec::new();
    let mut buffer = vec![0u8; 65536];
    loop {
        let read = socket.read(&mut buffer).await.unwrap_or(0);
        request.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&request).into_owned();
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            if read == 0 {
                return text;
            }
            continue;
        };
        let length = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if read == 0 || body.len() >= length {
            return text;
        }
    }
}

fn client(host: &str, attempts: u32) -> ApiClient {
    let config = ApiConfig::new(host, Token::new("sss_secret_token")).unwrap();
    let retry = RetryPolicy { attempts, base_delay: Duration::from_millis(10), max_delay: Duration::from_secs(5) };
    ApiClient::new(&config, Duration::from_secs(5), retry).unwrap()
}

fn page(items: &str, next: Option<&str>) -> String {
    let next = next.map_or("null".to_owned(), |token| format!("\"{token}\""));
    format!(r#"{{"results": [{items}], "metadata": {{"next_paging_token": {next}}}}}"#)
}

fn page_of_total(items: &str, next: Option<&str>, total: u64) -> String {
    page(items, next).replace("\"metadata\": {", &format!("\"metadata\": {{\"total\": {total}, "))
}

#[tokio::test]
async fn pagination_follows_tokens_past_short_pages_and_sends_the_cookie() {
    let replies =
        vec![ok(&page_of_total("1, 2", Some("a+b"), 3)), ok(&page_of_total("3", Some("c"), 3)), ok(&page("", None))];
    let (host, seen) = stub(replies).await;
    let items: Vec<u32> = client(&host, 1).all_pages(Method::GET, "/api/v2/clouds/", None).await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    let seen = seen.lock().unwrap();
    assert!(seen[0].starts_with("GET /api/v2/clouds/?count=50 HTTP/1.1"), "{}", seen[0]);
    assert!(seen[1].starts_with("GET /api/v2/clouds/?paging_token=a%2Bb&count=50 "), "{}", seen[1]);
    assert!(seen[0].to_lowercase().contains("cookie: cli_token=sss_secret_token"));
}

#[tokio::test]
async fn retries_429_honouring_retry_after_and_500() {
    let too_many = Reply::Answer { status: 429, headers: vec![("retry-after", "1")], body: String::new() };
    let replies = vec![too_many, status(500, r#"{"error": {"detail": "boom"}}"#), ok(&page("7", None))];
    let (host, seen) = stub(replies).await;
    let started = Instant::now();
    let items: Vec<u32> = client(&host, 3).all_pages(Method::GET, "/api/v2/projects/", None).await.unwrap();
    assert_eq!(items, [7]);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 is honoured");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (host, _) = stub(vec![Reply::Drop, Reply::Drop, ok(r#"{"result": {"bindings": []}}"#)]).await;
    let value: serde_json::Value =
        client(&host, 3).call(Method::GET, "/api/v2/policy/cloud/c", &[], None).await.unwrap();
    assert_eq!(value["result"]["bindings"], serde_json::json!([]));
}

#[tokio::test]
async fn gives_up_after_the_budget_naming_the_endpoint() {
    let (host, seen) = stub(vec![status(503, "busy"), status(503, "busy"), status(503, "busy")]).await;
    let error =
        client(&host, 3).call::<serde_json::Value>(Method::GET, "/api/v2/clouds/", &[], None).await.unwrap_err();
    assert!(matches!(error, CollectError::GaveUp { attempts: 3, .. }));
    let message = error.to_string();
    assert!(message.contains("`GET /api/v2/clouds/`") && message.contains("503"), "{message}");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_401_is_final_and_says_the_token_was_refused() {
    let (host, seen) = stub(vec![status(401, r#"{"error": {"detail": "bad token"}}"#)]).await;
    let error =
        client(&host, 5).call::<serde_json::Value>(Method::GET, "/api/v2/userinfo/", &[], None).await.unwrap_err();
    assert!(error.to_string().contains("token was refused"), "{error}");
    assert!(!error.to_string().contains("sss_secret_token"));
    assert_eq!(seen.lock().unwrap().len(), 1, "a refused token is not retried");
}

#[tokio::test]
async fn other_4xx_are_final_with_the_servers_detail() {
    let (host, _) = stub(vec![status(404, r#"{"error": {"detail": "no such cloud"}}"#)]).await;
    let error =
        client(&host, 5).call::<serde_json::Value>(Method::GET, "/api/v2/policy/cloud/x", &[], None).await.unwrap_err();
    assert_eq!(error.to_string(), "`GET /api/v2/policy/cloud/x` answered 404: no such cloud");
}

#[tokio::test]
async fn malformed_answers_are_errors_not_panics() {
    let (host, _) = stub(vec![ok("{\"results\": 5}"), ok(&page("1", Some("x"))), ok(&page("2", Some("x")))]).await;
    let client = client(&host, 1);
    let error = client.all_pages::<u32>(Method::GET, "/api/v2/clouds/", None).await.unwrap_err();
    assert!(matches!(error, CollectError::Malformed { .. }), "{error}");
    let error = client.all_pages::<u32>(Method::GET, "/api/v2/clouds/", None).await.unwrap_err();
    assert!(error.to_string().contains("came back twice"), "{error}");
}

#[tokio::test]
async fn a_page_without_metadata_ends_the_listing() {
    let (host, _) = stub(vec![ok(r#"{"results": [4]}"#)]).await;
    let page: Vec<u32> = client(&host, 1).all_pages(Method::GET, "/api/v2/clouds/", None).await.unwrap();
    assert_eq!(page, [4]);
}

/// Serves every connection concurrently, answering by request line with `route`.
async fn routed(route: fn(&str) -> Reply) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 65536];
                let read = socket.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
                let line = request.lines().next().unwrap_or_default().to_owned();
                if let Reply::Answer { status, body, .. } = route(&line) {
                    let head =
                        format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                    let _ = socket.write_all(format!("{head}{body}").as_bytes()).await;
                }
            });
        }
    });
    address
}

/// A one-cloud, one-project organization whose cloud policy can never be read.
fn broken_policy(line: &str) -> Reply {
    let path = line.split_whitespace().nth(1).unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    match path {
        "/api/v2/userinfo/" => ok(r#"{"result": {"organization_ids": ["org_1"]}}"#),
        "/api/v2/organization_collaborators/" => ok(&page(
            r#"{"id": "idn_a", "user_id": "usr_a", "email": "a@x.com", "name": "A", "created_at": "2024-01-01T00:00:00+00:00", "permission_level": "collaborator", "additional_roles": []}"#,
            None,
        )),
        "/api/v2/user_groups/" => ok(&page("", None)),
        "/api/v2/user_groups/memberships/list" => ok(r#"{"result": {"groups": []}}"#),
        "/api/v2/clouds/" => ok(&page(r#"{"id": "cld_1", "name": "prod"}"#, None)),
        "/api/v2/projects/" => ok(&page(r#"{"id": "prj_1", "name": "train", "parent_cloud_id": "cld_1"}"#, None)),
        "/api/v2/clouds/cld_1/collaborators/users/search" => ok(&page(
            r#"{"id": "idn_a", "value": {"id": "usr_a", "name": "A", "email": "a@x.com"}, "permission_level": "write", "permission_levels": ["write"]}"#,
            None,
        )),
        "/api/v2/projects/prj_1/collaborators/users" => ok(&page("", None)),
        "/api/v2/policy/project/prj_1" => ok(r#"{"result": {"bindings": [], "sync_status": "synced"}}"#),
        "/api/v2/policy/cloud/cld_1" => status(503, r#"{"error": {"detail": "policy service down"}}"#),
        _ => status(404, r#"{"error": {"detail": "no such path"}}"#),
    }
}

#[tokio::test]
async fn a_resource_that_cannot_be_read_makes_an_incomplete_snapshot_with_its_gap() {
    let host = routed(broken_policy).await;
    let collected = super::collect(&client(&host, 2), &super::CollectOptions::default()).await.unwrap();
    let collection = &collected.snapshot.collection;
    assert!(!collection.complete);
    assert_eq!(collection.gaps.len(), 1);
    assert!(collection.gaps[0].contains("`GET /api/v2/policy/cloud/cld_1`"), "{:?}", collection.gaps);
    assert!(collection.gaps[0].contains("policy service down"), "{:?}", collection.gaps);
    let organization = &collected.snapshot.organization;
    assert_eq!(organization.id.as_str(), "org_1");
    assert_eq!(organization.members.len(), 1);
    assert_eq!(organization.projects[0].parent_cloud_id.as_str(), "cld_1");
}

#[tokio::test]
async fn a_top_level_list_that_cannot_be_read_fails_the_collection() {
    fn broken_groups(line: &str) -> Reply {
        if line.contains("/api/v2/user_groups/ ") || line.contains("/api/v2/user_groups/?") {
            return status(500, "down");
        }
        broken_policy(line)
    }
    let host = routed(broken_groups).await;
    let error = super::collect(&client(&host, 2), &super::CollectOptions::default()).await.err().unwrap();
    assert!(matches!(error, CollectError::GaveUp { .. }), "{error}");
    assert!(error.to_string().contains("`GET /api/v2/user_groups/`"), "{error}");
}

#[tokio::test]
async fn an_unreachable_host_is_named_with_what_to_check() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = super::collect(&client(&address, 2), &super::CollectOptions::default()).await.err().unwrap();
    assert!(matches!(error, CollectError::Unreachable { .. }), "{error}");
    assert!(error.to_string().contains("check ANYSCALE_HOST"), "{error}");
}

/// What a server saw of the requests it answered: the most on the wire at once, and when each one
/// started and ended, by request line.
#[derive(Default)]
struct Traffic {
    current: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
    events: Mutex<Vec<String>>,
}

impl Traffic {
    fn enter(&self, line: &str) {
        use std::sync::atomic::Ordering::SeqCst;
        self.events.lock().unwrap().push(format!("start {line}"));
        self.most.fetch_max(self.current.fetch_add(1, SeqCst) + 1, SeqCst);
    }

    fn leave(&self, line: &str) {
        self.current.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.events.lock().unwrap().push(format!("end {line}"));
    }

    /// Returns the position of the first event that starts with `prefix`.
    fn position(&self, prefix: &str) -> usize {
        let events = self.events.lock().unwrap();
        events.iter().position(|event| event.starts_with(prefix)).unwrap_or_else(|| panic!("no `{prefix}`"))
    }

    /// Returns the position of the last event that starts with `prefix` and holds `part`.
    fn last_position(&self, prefix: &str, part: &str) -> usize {
        let events = self.events.lock().unwrap();
        let found = events.iter().rposition(|event| event.starts_with(prefix) && event.contains(part));
        found.unwrap_or_else(|| panic!("no `{prefix}` with `{part}`"))
    }
}

/// Answers every request of an organization of `clouds` clouds and `projects` projects; the members
/// come in [`MEMBER_PAGES`] pages and the first project's collaborators in two.
fn traffic_answer(line: &str, clouds: usize, projects: usize) -> String {
    let list = |kind: &str, count: usize| {
        let items: Vec<String> = (0..count)
            .map(|i| match kind {
                "cloud" => format!(r#"{{"id": "cld_{i}", "name": "c{i}"}}"#),
                _ => format!(r#"{{"id": "prj_{i}", "name": "p{i}", "parent_cloud_id": "cld_0"}}"#),
            })
            .collect();
        page(&items.join(","), None)
    };
    let collaborator =
        r#"{"id": "idn_a", "value": {"id": "usr_a", "name": "A", "email": "a@x.com"}, "permission_level": "write"}"#;
    if line.contains("/api/v2/projects/prj_0/collaborators/users?count") {
        return page(collaborator, Some("second"));
    }
    if line.contains("/api/v2/projects/prj_0/collaborators/users?paging_token=second") {
        return page(collaborator, None);
    }
    if line.contains("/policy/") {
        return r#"{"result": {"bindings": []}}"#.to_owned();
    }
    if line.contains("/organization_collaborators/") {
        return member_page(line);
    }
    if line.contains("/api/v2/projects/?") {
        return list("project", projects);
    }
    if line.contains("/api/v2/clouds/?") {
        return list("cloud", clouds);
    }
    if line.contains("/userinfo/") {
        return r#"{"result": {"organization_ids": ["org_1"]}}"#.to_owned();
    }
    if line.contains("/memberships/") {
        return r#"{"result": {"groups": []}}"#.to_owned();
    }
    page("", None)
}

/// Returns a page of the member list, which holds [`MEMBER_PAGES`] pages of one member each.
fn member_page(line: &str) -> String {
    let number: usize = line.split("paging_token=m").nth(1).and_then(|rest| rest[..1].parse().ok()).unwrap_or(1);
    let member = format!(
        r#"{{"id": "idn_{number}", "user_id": "usr_{number}", "email": "m{number}@x.com", "name": "M", "created_at": "2024-01-01T00:00:00Z", "permission_level": "collaborator", "additional_roles": []}}"#
    );
    let next = format!("m{}", number + 1);
    page(&member, (number < MEMBER_PAGES).then_some(next.as_str()))
}

/// Pages of the member list of [`traffic_answer`].
const MEMBER_PAGES: usize = 6;

/// Serves [`traffic_answer`], each request taking 20 ms, and records the traffic.
async fn traffic_server(clouds: usize, projects: usize) -> (String, Arc<Traffic>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let traffic = Arc::new(Traffic::default());
    let shared = traffic.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let traffic = shared.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 65536];
                let read = socket.read(&mut buffer).await.unwrap_or(0);
                let line = String::from_utf8_lossy(&buffer[..read]).lines().next().unwrap_or_default().to_owned();
                traffic.enter(&line);
                tokio::time::sleep(Duration::from_millis(20)).await;
                let body = traffic_answer(&line, clouds, projects);
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                traffic.leave(&line);
                let _ = socket.write_all(format!("{head}{body}").as_bytes()).await;
            });
        }
    });
    (address, traffic)
}

#[tokio::test]
async fn the_limit_counts_every_request_on_the_wire_and_is_reached() {
    use std::sync::atomic::Ordering::SeqCst;
    for concurrency in [1, 4] {
        let (host, traffic) = traffic_server(6, 12).await;
        let options = super::CollectOptions { concurrency, progress: false };
        let collected = super::collect(&client(&host, 1), &options).await.unwrap();
        assert_eq!(collected.snapshot.organization.projects.len(), 12);
        let expected = 1 + MEMBER_PAGES + 1 + 1 + 1 + 1 + 6 * 2 + 12 * 2 + 1;
        assert_eq!(
            collected.requests as usize, expected,
            "userinfo, the lists' pages, two a resource and a second page"
        );
        assert_eq!(traffic.most.load(SeqCst), concurrency, "requests on the wire at once, lists included");
    }
}

#[tokio::test]
async fn a_policy_is_asked_for_before_the_collaborator_pages_end() {
    for concurrency in [1, 4] {
        let (host, traffic) = traffic_server(1, 3).await;
        let options = super::CollectOptions { concurrency, progress: false };
        let collected = super::collect(&client(&host, 1), &options).await.unwrap();
        assert_eq!(collected.snapshot.organization.projects.len(), 3);
        let policy = traffic.position("start GET /api/v2/policy/project/prj_0 ");
        let last_page = traffic.position("end GET /api/v2/projects/prj_0/collaborators/users?paging_token=second");
        assert!(policy < last_page, "the policy waited for the collaborators: {:?}", traffic.events.lock().unwrap());
    }
}

#[tokio::test]
async fn the_lists_pages_go_before_the_grants_waiting_for_a_turn() {
    let (host, traffic) = traffic_server(1, 12).await;
    let options = super::CollectOptions { concurrency: 1, progress: false };
    let collected = super::collect(&client(&host, 1), &options).await.unwrap();
    // Four resources at most are under way at once: each member page would otherwise wait behind up
    // to eight grants requests, and the member list would end after the grants.
    assert_eq!(collected.snapshot.organization.members.len(), MEMBER_PAGES);
    let last_page = format!("end GET /api/v2/organization_collaborators/?paging_token=m{MEMBER_PAGES}");
    let members_done = traffic.position(&last_page);
    let last_grants = traffic.last_position("start", "/policy/");
    assert!(
        members_done < last_grants,
        "the member list waited behind the grants: {:?}",
        traffic.events.lock().unwrap()
    );
}

const ADA: &str = r#"{"id": "idn_a", "user_id": "usr_a", "email": "ada@x.com", "name": "Ada", "created_at": "2024-01-01T00:00:00+00:00", "permission_level": "owner", "additional_roles": []}"#;
const BOT: &str = r#"{"id": "idn_bot", "user_id": "", "email": "bot@x.com", "name": "Bot", "created_at": "2024-01-02T00:00:00Z", "permission_level": "collaborator", "additional_roles": [], "is_service_account": true}"#;

#[tokio::test]
async fn a_collaborator_page_sends_the_official_filters_in_order() {
    let (host, seen) = stub(vec![ok(&page(&format!("{ADA}, {BOT}"), Some("p 2"))), ok(&page(BOT, Some("")))]).await;
    let client = client(&host, 1);
    let filters = crate::sdk::Filters {
        email: Some("ada@x.com".to_owned()),
        name: Some("Ada L".to_owned()),
        collaborator_type: Some(crate::sdk::CollaboratorType::OnlyUserAccounts),
        is_service_account: Some(false),
    };
    let first = client.collaborator_page(&filters, 2, None).await.unwrap();
    assert_eq!(first.members.len(), 2);
    assert_eq!(first.members[0].user_id.as_ref().map(|id| id.as_str()), Some("usr_a"));
    assert_eq!(first.members[1].user_id, None, "an empty user id is no user id");
    assert!(first.members[1].is_service_account);
    assert_eq!(first.next_paging_token.as_deref(), Some("p 2"));
    let last = client.collaborator_page(&crate::sdk::Filters::default(), 50, Some("p 2")).await.unwrap();
    assert_eq!(last.next_paging_token, None, "an empty token ends the listing");
    let seen = seen.lock().unwrap();
    let expected = "GET /api/v2/organization_collaborators/?email=ada%40x.com&name=Ada+L&collaborator_type=only_user_accounts&is_service_account=False&count=2 ";
    assert!(seen[0].starts_with(expected), "{}", seen[0]);
    assert!(seen[1].starts_with("GET /api/v2/organization_collaborators/?paging_token=p+2&count=50 "), "{}", seen[1]);
}

#[tokio::test]
async fn members_are_every_collaborator_page() {
    let (host, _) = stub(vec![ok(&page(ADA, Some("next"))), ok(&page(BOT, None))]).await;
    let members = client(&host, 1).members().await.unwrap();
    let emails: Vec<&str> = members.iter().map(|member| member.email.as_str()).collect();
    assert_eq!(emails, ["ada@x.com", "bot@x.com"]);
}

fn new_user(email: &str, password: Option<&str>) -> crate::sdk::AdminCreateUser {
    crate::sdk::AdminCreateUser {
        name: "N".to_owned(),
        email: email.to_owned(),
        password: password.map(str::to_owned),
        is_sso_user: password.is_none(),
        lastname: None,
        title: None,
    }
}

#[tokio::test]
async fn admin_batch_create_posts_the_users_once_without_nulls() {
    let created = r#"{"results": [{"user_id": "usr_n", "name": "N", "email": "n@x.com", "created_at": "2024-01-01T00:00:00Z", "is_sso_user": true, "title": "T"}]}"#;
    let (host, seen) = stub(vec![ok(created)]).await;
    let users = client(&host, 3).admin_batch_create(&[new_user("n@x.com", None)]).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!((users[0].user_id.as_str(), users[0].title.as_deref()), ("usr_n", Some("T")));
    assert_eq!(users[0].created_at.isoformat('T'), "2024-01-01T00:00:00+00:00");
    let seen = seen.lock().unwrap();
    assert!(seen[0].starts_with("POST /api/v2/users/admin_batch_create "), "{}", seen[0]);
    assert!(seen[0].ends_with(r#"[{"name":"N","email":"n@x.com","is_sso_user":true}]"#), "{}", seen[0]);
}

#[tokio::test]
async fn admin_batch_create_is_not_repeated_after_a_server_error() {
    let (host, seen) = stub(vec![status(500, r#"{"error": {"detail": "boom"}}"#), ok("{}")]).await;
    let error = client(&host, 3).admin_batch_create(&[new_user("n@x.com", Some("p"))]).await.unwrap_err();
    assert!(matches!(error, CollectError::NotRepeated { .. }), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_created_user_without_a_timestamp_is_a_malformed_answer() {
    let created = r#"{"results": [{"user_id": "usr_n", "name": "N", "email": "n@x.com", "created_at": "soon", "is_sso_user": true}]}"#;
    let (host, _) = stub(vec![ok(created)]).await;
    let error = client(&host, 1).admin_batch_create(&[new_user("n@x.com", None)]).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`POST /api/v2/users/admin_batch_create`"), "{message}");
    assert!(message.contains("user `n@x.com` has an invalid `created_at`"), "{message}");
}

/// Serves every connection with `answer`, which writes whatever it likes on the socket after the
/// request head was read; returns the base URL and the number of requests served.
async fn raw_server<F, Fut>(answer: F) -> (String, Arc<std::sync::atomic::AtomicUsize>)
where
    F: Fn(String, tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = served.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                answer(request, socket).await;
            });
        }
    });
    (address, served)
}

async fn respond(mut socket: tokio::net::TcpStream, status: u16, extra: &str, body: &str) {
    let head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n", body.len());
    let _ = socket.write_all(format!("{head}{body}").as_bytes()).await;
}

fn limited(host: &str, limits: super::Limits) -> ApiClient {
    client(host, 1).with_limits(limits)
}

#[tokio::test]
async fn a_server_that_pages_forever_is_stopped_at_the_page_limit() {
    let tokens = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (host, served) = raw_server(move |_, socket| {
        let number = tokens.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            let body = format!(r#"{{"results": [1], "metadata": {{"next_paging_token": "fresh-{number}"}}}}"#);
            respond(socket, 200, "", &body).await;
        }
    })
    .await;
    let limits = super::Limits { max_pages: 25, ..Default::default() };
    let error = limited(&host, limits).all_pages::<u32>(Method::GET, "/api/v2/clouds/", None).await.unwrap_err();
    assert!(matches!(error, CollectError::TooManyPages { pages: 25, .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("`GET /api/v2/clouds/`") && message.contains("--max-pages"), "{message}");
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 25);
}

#[tokio::test]
async fn pages_past_the_servers_total_or_empty_pages_that_go_on_are_refused() {
    let (host, _) = raw_server(|request, socket| async move {
        let token = request.split("paging_token=").nth(1).and_then(|rest| rest.split(['&', ' ']).next());
        let next = format!("p{}", token.map_or(0, |token| token.len()));
        respond(
            socket,
            200,
            "",
            &format!(r#"{{"results": [1, 2], "metadata": {{"total": 5, "next_paging_token": "{next}"}}}}"#),
        )
        .await;
    })
    .await;
    let error = client(&host, 1).all_pages::<u32>(Method::GET, "/api/v2/clouds/", None).await.unwrap_err();
    assert!(error.to_string().contains("holds 5 items by the server's count, but 6 came"), "{error}");
    let (host, served) = raw_server(|request, socket| async move {
        let next = format!("e{}", request.len());
        respond(socket, 200, "", &format!(r#"{{"results": [], "metadata": {{"next_paging_token": "{next}"}}}}"#)).await;
    })
    .await;
    let error = client(&host, 1).all_pages::<u32>(Method::GET, "/api/v2/clouds/", None).await.unwrap_err();
    assert!(error.to_string().contains("page 1 holds no item but names a next page"), "{error}");
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_fails_without_being_read_whole() {
    let (host, _) = raw_server(|_, mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 65536, "[".repeat(65536));
        // An endless body: only the client's limit stops it.
        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    let limits = super::Limits { max_response_bytes: 1 << 20, ..Default::default() };
    let error = limited(&host, limits)
        .call::<serde_json::Value>(Method::GET, "/api/v2/userinfo/", &[], None)
        .await
        .unwrap_err();
    assert!(matches!(error, CollectError::TooLarge { limit: 1048576, .. }), "{error}");
    assert!(error.to_string().contains("--max-response-bytes"), "{error}");
    let (host, _) = raw_server(|_, mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n[";
        let _ = socket.write_all(head.as_bytes()).await;
    })
    .await;
    let error = limited(&host, limits)
        .call::<serde_json::Value>(Method::GET, "/api/v2/userinfo/", &[], None)
        .await
        .unwrap_err();
    assert!(matches!(error, CollectError::TooLarge { .. }), "{error}");
}

#[tokio::test]
async fn a_servers_text_never_carries_the_token_or_a_password_or_a_terminal_sequence() {
    let (host, _) = raw_server(|request, socket| async move {
        let cookie =
            request.lines().find(|line| line.to_lowercase().starts_with("cookie")).unwrap_or_default().to_owned();
        let body = request.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
        let detail = format!("\u{1b}[31mbad request{}\u{1b}[0m: {cookie} {body}", "!".repeat(5000));
        let detail = serde_json::Value::from(detail);
        respond(socket, 400, "", &format!(r#"{{"error": {{"detail": {detail}}}}}"#)).await;
    })
    .await;
    let users = [new_user("n@x.com", Some("hunter2\"pw")), new_user("m@x.com", Some("s3cret"))];
    let error = client(&host, 1).admin_batch_create(&users).await.unwrap_err();
    let message = error.to_string();
    for secret in ["sss_secret_token", "hunter2", "s3cret", "\u{1b}"] {
        assert!(!message.contains(secret), "{secret:?} in {message}");
    }
    assert!(message.contains("\\u{1b}[31mbad request") && message.contains("<redacted>"), "{message}");
    assert!(message.chars().count() < 1000, "the text is shortened: {} characters", message.chars().count());
}

#[tokio::test]
async fn a_gap_never_carries_the_token() {
    fn echo_cookie(line: &str) -> Reply {
        if line.contains("/policy/cloud/") {
            return status(503, r#"{"error": {"detail": "cookie cli_token=sss_secret_token refused"}}"#);
        }
        broken_policy(line)
    }
    let host = routed(echo_cookie).await;
    let collected = super::collect(&client(&host, 2), &super::CollectOptions::default()).await.unwrap();
    let gaps = &collected.snapshot.collection.gaps;
    assert_eq!(gaps.len(), 1);
    assert!(gaps[0].contains("cli_token=<redacted> refused") && !gaps[0].contains("sss_"), "{gaps:?}");
}

#[tokio::test]
async fn a_redirect_is_followed_within_the_origin_only() {
    let (elsewhere, _) = raw_server(|_, socket| async move {
        respond(socket, 200, "", r#"{"result": {"organization_ids": ["org_evil"]}}"#).await;
    })
    .await;
    let location = format!("location: {elsewhere}/api/v2/userinfo/\r\n");
    let location: &'static str = Box::leak(location.into_boxed_str());
    let (host, _) = raw_server(move |request, socket| async move {
        if request.starts_with("GET /old") {
            respond(socket, 301, "location: /api/v2/userinfo/\r\n", "").await;
        } else if request.starts_with("GET /api/v2/userinfo/") {
            respond(socket, 200, "", r#"{"result": {"organization_ids": ["org_1"]}}"#).await;
        } else {
            respond(socket, 302, location, "").await;
        }
    })
    .await;
    let client = client(&host, 3);
    let same: serde_json::Value = client.call(Method::GET, "/old", &[], None).await.unwrap();
    assert_eq!(same["result"]["organization_ids"][0], "org_1");
    let error = client.call::<serde_json::Value>(Method::GET, "/away", &[], None).await.unwrap_err();
    assert!(matches!(error, CollectError::Redirect { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("to another origin") && message.contains(elsewhere.as_str()), "{message}");
}

#[tokio::test]
async fn credentials_in_the_host_are_removed_from_a_servers_text() {
    let (host, _) = raw_server(|request, socket| async move {
        let echoed = serde_json::Value::from(request.replace("\r\n", " "));
        respond(socket, 400, "", &format!(r#"{{"error": {{"detail": {echoed}}}}}"#)).await;
    })
    .await;
    let with_credentials = host.replace("http://", "http://auditor:pa55word@");
    let error = client(&with_credentials, 1).call::<serde_json::Value>(Method::GET, "/x", &[], None).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("authorization: Basic <redacted>"), "{message}");
    for secret in ["pa55word", "YXVkaXRvcjpwYTU1d29yZA", "sss_secret_token"] {
        assert!(!message.contains(secret), "{secret} in {message}");
    }
}

#[tokio::test]
async fn credentials_in_the_host_never_reach_the_snapshot() {
    let host = routed(broken_policy).await;
    let with_credentials = host.replace("http://", "http://user:pa55word@");
    let collected = super::collect(&client(&with_credentials, 2), &super::CollectOptions::default()).await.unwrap();
    assert_eq!(collected.snapshot.collection.source, host);
    assert!(collected.snapshot.collection.gaps.iter().all(|gap| !gap.contains("pa55word")));
}
