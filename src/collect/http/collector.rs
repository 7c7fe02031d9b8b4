//! A whole collection: the organization's lists, and every cloud's and project's grants as soon as the
//! lists name them, all under one limit of requests on the wire. A resource that cannot be read after
//! every retry becomes a gap: the snapshot is then marked incomplete, never passed off as complete.
//!
//! What bounds a collection's length: the limit lets `concurrency` requests overlap, so it takes at
//! least `requests × latency / concurrency`; and a list's pages come one after the other (each names the
//! next), so it takes at least the longest list's pages times the latency. The lists' pages therefore
//! go first whenever they wait for a turn, and the many grants requests, which can go in any order,
//! fill the rest of the limit.

use super::client::{ApiClient, CONNECTION_FAILED};
use super::limit::Priority;
use super::wire::{
    cloud_id, project_id, CloudCollaboratorItem, CloudItem, Memberships, Policy, ProjectCollaboratorItem, ProjectItem,
    Single, UserGroup, UserInfo,
};
use crate::collect::error::CollectError;
use crate::model::{
    Binding, Cloud, CloudCollaborator, Collection, OrgId, Organization, Project, ProjectCollaborator, Snapshot,
};
use futures_util::stream::{self, Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::Method;
use tokio::sync::mpsc;

/// Resources whose grants are read at once, per request allowed on the wire: each has a request on
/// the wire or waiting for a turn, so the limit never waits for a resource to start, while the
/// resources not started yet cost only their id.
const RESOURCES_PER_REQUEST: usize = 4;

/// How a collection runs.
#[derive(Clone, Debug)]
pub struct CollectOptions {
    /// Requests on the wire at once, the lists' pages included.
    pub concurrency: usize,
    /// Shows a progress bar on stderr (only sensible when stderr is a terminal).
    pub progress: bool,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions { concurrency: 16, progress: false }
    }
}

/// A finished collection and what it cost.
pub struct Collected {
    /// The organization; `collection.complete` is false when some resource could not be read.
    pub snapshot: Snapshot,
    /// HTTP requests sent, retries included.
    pub requests: u64,
}

/// The grants of one resource, or why they could not be read.
struct Grants<C> {
    collaborators: Vec<C>,
    bindings: Vec<Binding>,
}

/// Collects the organization that the client's token belongs to.
pub async fn collect(client: &ApiClient, options: &CollectOptions) -> Result<Collected, CollectError> {
    let client = &client.limited(options.concurrency);
    let collected_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    // The first call checks the host and the token, as the official CLI does.
    let info: Single<UserInfo> = match client.call(Method::GET, "/api/v2/userinfo/", &[], None).await {
        Err(CollectError::GaveUp { last, .. }) if last.starts_with(CONNECTION_FAILED) => {
            return Err(CollectError::Unreachable { host: client.host().to_owned(), reason: last })
        }
        other => other?,
    };
    let organization_id = info.result.organization_id().map(str::to_owned).ok_or_else(|| CollectError::Malformed {
        endpoint: "GET /api/v2/userinfo/".to_owned(),
        message: "no organization id in `organization_ids` or `organizations`".to_owned(),
    })?;
    // Members and groups page on their own beside the clouds' and projects' grants, which need only
    // the two resource lists. The member list is the longest chain of pages: as a list, it goes first
    // whenever requests wait for a turn, so the grants fill the limit around it.
    let people = async {
        tokio::try_join!(
            client.members(),
            client.all_pages::<UserGroup>(Method::GET, "/api/v2/user_groups/", None),
            client.call::<Single<Memberships>>(Method::GET, "/api/v2/user_groups/memberships/list", &[], None),
        )
    };
    let progress = progress_bar(options.progress);
    let (people, resources) = tokio::join!(people, resources(client, options.concurrency, &progress));
    let ((members, groups, memberships), resources) = (people?, resources?);
    progress.finish_and_clear();
    let mut gaps = Vec::new();
    let mut organization = Organization {
        id: OrgId(organization_id),
        members,
        groups: groups.into_iter().map(Into::into).collect(),
        memberships: memberships.result.groups.into_iter().map(Into::into).collect(),
        clouds: resources
            .clouds
            .into_iter()
            .zip(resources.cloud_grants)
            .map(|(cloud, grants)| build_cloud(cloud, grants, &mut gaps))
            .collect::<Result<_, _>>()?,
        projects: resources
            .projects
            .into_iter()
            .zip(resources.project_grants)
            .map(|(project, grants)| build_project(project, grants, &mut gaps))
            .collect::<Result<_, _>>()?,
    };
    organization.normalize();
    gaps.sort();
    let collection = Collection { collected_at, source: client.host().to_owned(), complete: gaps.is_empty(), gaps };
    Ok(Collected { snapshot: Snapshot { organization, collection }, requests: client.requests() })
}

/// The clouds and projects, each with its grants or why they could not be read, in list order.
struct Resources {
    clouds: Vec<CloudItem>,
    cloud_grants: Vec<Result<Grants<CloudCollaborator>, CollectError>>,
    projects: Vec<ProjectItem>,
    project_grants: Vec<Result<Grants<ProjectCollaborator>, CollectError>>,
}

/// Lists the clouds and projects and reads the grants of each. Each page of either list starts its
/// resources' grants while the next page is read, so that the listings are off the critical path too.
async fn resources(client: &ApiClient, concurrency: usize, progress: &ProgressBar) -> Result<Resources, CollectError> {
    let (cloud_ids, cloud_queue) = mpsc::unbounded_channel::<String>();
    let (project_ids, project_queue) = mpsc::unbounded_channel::<String>();
    // The senders move into the listings, so that each queue ends when its listing does.
    let listings = async move {
        let on_clouds =
            move |page: &[CloudItem]| queue(&cloud_ids, page.iter().map(|cloud| cloud.id.clone()), progress);
        let on_projects =
            move |page: &[ProjectItem]| queue(&project_ids, page.iter().map(|project| project.id.clone()), progress);
        tokio::try_join!(
            client.all_pages_each(Priority::Chain, Method::GET, "/api/v2/clouds/", None, on_clouds),
            client.all_pages_each(Priority::Chain, Method::GET, "/api/v2/projects/", None, on_projects),
        )
    };
    // Each kind of resource may keep the whole limit busy: the limit, not the number of resources
    // started, is what bounds the requests on the wire.
    let at_once = concurrency.max(1).saturating_mul(RESOURCES_PER_REQUEST);
    let (listed, cloud_grants, project_grants) = tokio::join!(
        listings,
        fetch_all(queued(cloud_queue).map(|id| async move { cloud_grants(client, &id).await }), at_once, progress),
        fetch_all(queued(project_queue).map(|id| async move { project_grants(client, &id).await }), at_once, progress),
    );
    let (clouds, projects) = listed?;
    Ok(Resources { clouds, cloud_grants, projects, project_grants })
}

fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("collecting grants {bar:40} {pos}/{len} clouds and projects") {
        bar.set_style(style);
    }
    bar
}

/// Queues the ids of a page of resources for their grants, and counts them in the progress bar.
fn queue(ids: &mpsc::UnboundedSender<String>, page: impl Iterator<Item = String>, progress: &ProgressBar) {
    for id in page {
        progress.inc_length(1);
        // The receiver lives until every queued id is fetched; a send can only fail after an error.
        let _ = ids.send(id);
    }
}

/// Returns the ids queued for their grants, as a stream that ends when the listing does.
fn queued(ids: mpsc::UnboundedReceiver<String>) -> impl Stream<Item = String> {
    stream::unfold(ids, |mut ids| async move { ids.recv().await.map(|id| (id, ids)) })
}

/// Runs up to `at_once` fetches at a time and returns their results in input order, whatever order
/// they finish in.
async fn fetch_all<F, T>(fetches: impl Stream<Item = F>, at_once: usize, progress: &ProgressBar) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    let mut results: Vec<(usize, T)> = fetches
        .enumerate()
        .map(|(position, fetch)| async move { (position, fetch.await) })
        .buffer_unordered(at_once)
        .inspect(|_| progress.inc(1))
        .collect()
        .await;
    results.sort_by_key(|(position, _)| *position);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Percent-encodes an id for use as one path segment.
fn segment(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Reads a cloud's collaborators and its policy at the same time.
async fn cloud_grants(client: &ApiClient, id: &str) -> Result<Grants<CloudCollaborator>, CollectError> {
    let search = format!("/api/v2/clouds/{}/collaborators/users/search", segment(id));
    let policy = format!("/api/v2/policy/cloud/{}", segment(id));
    let body = serde_json::json!({});
    let (collaborators, policy) = tokio::join!(
        client.all_pages_each::<CloudCollaboratorItem>(Priority::Bulk, Method::POST, &search, Some(&body), |_| {}),
        client.call_with::<Single<Policy>>(Priority::Bulk, Method::GET, &policy, &[], None),
    );
    grants(collaborators, policy)
}

/// Reads a project's collaborators and its policy at the same time.
async fn project_grants(client: &ApiClient, id: &str) -> Result<Grants<ProjectCollaborator>, CollectError> {
    let list = format!("/api/v2/projects/{}/collaborators/users", segment(id));
    let policy = format!("/api/v2/policy/project/{}", segment(id));
    let (collaborators, policy) = tokio::join!(
        client.all_pages_each::<ProjectCollaboratorItem>(Priority::Bulk, Method::GET, &list, None, |_| {}),
        client.call_with::<Single<Policy>>(Priority::Bulk, Method::GET, &policy, &[], None),
    );
    grants(collaborators, policy)
}

/// Joins a resource's collaborators and policy. When both failed, the collaborators' error is the
/// one kept, whichever came first, so that a gap reads the same in every run.
fn grants<W: Into<C>, C>(
    collaborators: Result<Vec<W>, CollectError>,
    policy: Result<Single<Policy>, CollectError>,
) -> Result<Grants<C>, CollectError> {
    let (collaborators, policy) = (collaborators?, policy?);
    Ok(Grants {
        collaborators: collaborators.into_iter().map(Into::into).collect(),
        bindings: policy.result.bindings.into_iter().map(Into::into).collect(),
    })
}

/// Takes a resource's grants, or records the gap; a refused token stops the whole collection.
fn grants_or_gap<C>(
    grants: Result<Grants<C>, CollectError>,
    gaps: &mut Vec<String>,
) -> Result<Grants<C>, CollectError> {
    match grants {
        Ok(grants) => Ok(grants),
        Err(error @ CollectError::Unauthorized { .. }) => Err(error),
        Err(error) => {
            gaps.push(error.to_string());
            Ok(Grants { collaborators: Vec::new(), bindings: Vec::new() })
        }
    }
}

fn build_cloud(
    cloud: CloudItem,
    grants: Result<Grants<CloudCollaborator>, CollectError>,
    gaps: &mut Vec<String>,
) -> Result<Cloud, CollectError> {
    let grants = grants_or_gap(grants, gaps)?;
    Ok(Cloud {
        id: cloud_id(&cloud.id),
        name: cloud.name,
        collaborators: grants.collaborators,
        bindings: grants.bindings,
    })
}

fn build_project(
    project: ProjectItem,
    grants: Result<Grants<ProjectCollaborator>, CollectError>,
    gaps: &mut Vec<String>,
) -> Result<Project, CollectError> {
    let grants = grants_or_gap(grants, gaps)?;
    Ok(Project {
        id: project_id(&project.id),
        name: project.name,
        parent_cloud_id: cloud_id(project.parent_cloud_id.as_deref().unwrap_or_default()),
        collaborators: grants.collaborators,
        bindings: grants.bindings,
    })
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn ids_are_encoded_as_path_segments() {
        assert_eq!(segment("cld_1-a.b~c"), "cld_1-a.b~c");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }
}
