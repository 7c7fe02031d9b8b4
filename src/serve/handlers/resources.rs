//! Clouds and projects (endpoints 5 and 6), their direct collaborators (7 and 8) and their group
//! policies (9).

use super::body::read_body;
use crate::model::{Binding, Cloud, CloudCollaborator, Project, ProjectCollaborator};
use crate::serve::error::ApiError;
use crate::serve::pagination::Paging;
use crate::serve::query::QueryParams;
use crate::serve::state::{AppState, Served};
use crate::serve::wire::{CollaboratorItem, CollaboratorValue, Policy, PolicyBinding, ResourceItem, Single};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// `GET /api/v2/clouds/`: every cloud, paged.
pub async fn clouds(State(state): State<Arc<AppState>>, query: QueryParams) -> Result<Response, ApiError> {
    let paging = Paging::from_query(&query, "clouds")?;
    let served = state.store.read();
    let clouds = served.organization().clouds.iter();
    Ok(Json(paging.page(clouds, |cloud| ResourceItem {
        id: cloud.id.as_str(),
        name: &cloud.name,
        parent_cloud_id: None,
    })?)
    .into_response())
}

/// `GET /api/v2/projects/`: every project, paged.
pub async fn projects(State(state): State<Arc<AppState>>, query: QueryParams) -> Result<Response, ApiError> {
    let paging = Paging::from_query(&query, "projects")?;
    let served = state.store.read();
    let projects = served.organization().projects.iter();
    Ok(Json(paging.page(projects, project_item)?).into_response())
}

/// `POST /api/v2/clouds/{cloud_id}/collaborators/users/search`: the cloud's direct collaborators,
/// paged through the query string. The body is a search query; `{}` (or nothing) lists everyone.
pub async fn cloud_collaborators(
    State(state): State<Arc<AppState>>,
    Path(cloud_id): Path<String>,
    query: QueryParams,
    body: Body,
) -> Result<Response, ApiError> {
    let search = NameOrEmail::from_body(&read_body(body, &state).await?)?;
    let paging = Paging::from_query(&query, &format!("cloud collaborators {cloud_id} {search:?}"))?;
    let served = state.store.read();
    let cloud = find_cloud(&served, &cloud_id)?;
    let collaborators = cloud
        .collaborators
        .iter()
        .filter_map(|collaborator| cloud_collaborator(&served, collaborator))
        .filter(|item| search.matches(&item.value));
    Ok(Json(paging.page(collaborators, |item| item)?).into_response())
}

/// `GET /api/v2/projects/{project_id}/collaborators/users`: the project's direct collaborators, paged.
pub async fn project_collaborators(
    State(state): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let paging = Paging::from_query(&query, &format!("project collaborators {project_id}"))?;
    let served = state.store.read();
    let project = find_project(&served, &project_id)?;
    let collaborators = project.collaborators.iter();
    Ok(Json(paging.page(collaborators, |collaborator| project_collaborator(&served, collaborator))?).into_response())
}

/// `GET /api/v2/policy/cloud/{cloud_id}`: the cloud's group grants.
pub async fn cloud_policy(
    State(state): State<Arc<AppState>>,
    Path(cloud_id): Path<String>,
) -> Result<Response, ApiError> {
    let served = state.store.read();
    let cloud = find_cloud(&served, &cloud_id)?;
    Ok(Json(Single { result: policy(&cloud.bindings) }).into_response())
}

/// `GET /api/v2/policy/project/{project_id}`: the project's group grants.
pub async fn project_policy(
    State(state): State<Arc<AppState>>,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    let served = state.store.read();
    let project = find_project(&served, &project_id)?;
    Ok(Json(Single { result: policy(&project.bindings) }).into_response())
}

fn find_cloud<'a>(served: &'a Served, cloud_id: &str) -> Result<&'a Cloud, ApiError> {
    let clouds = &served.organization().clouds;
    let cloud = clouds.iter().find(|cloud| cloud.id.as_str() == cloud_id);
    cloud.ok_or_else(|| ApiError::NotFound(format!("no cloud `{cloud_id}` in the organization")))
}

fn find_project<'a>(served: &'a Served, project_id: &str) -> Result<&'a Project, ApiError> {
    let projects = &served.organization().projects;
    let project = projects.iter().find(|project| project.id.as_str() == project_id);
    project.ok_or_else(|| ApiError::NotFound(format!("no project `{project_id}` in the organization")))
}

/// Returns the identity id behind a member id; a grant naming an unknown user keeps its own id.
fn identity_id<'a>(served: &'a Served, member_id: &'a str) -> &'a str {
    served.member(member_id).map_or(member_id, |member| member.id.as_str())
}

/// Returns who a grant names; name and email are empty when the user is not a member.
fn value<'a>(served: &'a Served, member_id: &'a str) -> CollaboratorValue<'a> {
    let member = served.member(member_id);
    CollaboratorValue {
        id: member_id,
        name: member.map_or("", |member| member.name.as_str()),
        email: member.map_or("", |member| member.email.as_str()),
    }
}

fn project_item(project: &Project) -> ResourceItem<'_> {
    ResourceItem {
        id: project.id.as_str(),
        name: &project.name,
        parent_cloud_id: Some(project.parent_cloud_id.as_str()),
    }
}

fn project_collaborator<'a>(served: &'a Served, collaborator: &'a ProjectCollaborator) -> CollaboratorItem<'a> {
    CollaboratorItem {
        id: identity_id(served, collaborator.user_id.as_str()),
        value: value(served, collaborator.user_id.as_str()),
        permission_level: collaborator.level,
        permission_levels: None,
    }
}

/// Returns a cloud collaborator as the API lists it; `None` for a grant that holds no level.
fn cloud_collaborator<'a>(served: &'a Served, collaborator: &'a CloudCollaborator) -> Option<CollaboratorItem<'a>> {
    let mut levels = collaborator.levels.clone();
    // `DirectLevel` orders owner, write, readonly: most access first, as the API lists them.
    levels.sort();
    levels.dedup();
    Some(CollaboratorItem {
        id: identity_id(served, collaborator.user_id.as_str()),
        value: value(served, collaborator.user_id.as_str()),
        permission_level: *levels.first()?,
        permission_levels: Some(levels),
    })
}

fn policy(bindings: &[Binding]) -> Policy<'_> {
    let bindings = bindings
        .iter()
        .map(|binding| PolicyBinding {
            role_name: binding.role.as_str(),
            principals: binding.groups.iter().map(|group| group.as_str()).collect(),
        })
        .collect();
    Policy { bindings, sync_status: "success" }
}

/// The `name_or_email` text query of a cloud collaborator search.
#[derive(Debug, Default)]
struct NameOrEmail {
    equals: Option<String>,
    not_equal: Option<String>,
    contains: Option<String>,
}

impl NameOrEmail {
    /// Reads the search body: empty, `{}`, or `{"name_or_email": {"equals"|"not_equal"|"contains": "..."}}`.
    fn from_body(body: &[u8]) -> Result<NameOrEmail, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(NameOrEmail::default());
        }
        let invalid = |reason: &str| ApiError::BadRequest(format!("invalid search body: {reason}"));
        let query: serde_json::Value = serde_json::from_slice(body).map_err(|error| invalid(&error.to_string()))?;
        let object = query.as_object().ok_or_else(|| invalid("expected a JSON object such as `{}`"))?;
        let Some(text) = object.get("name_or_email").filter(|text| !text.is_null()) else {
            return Ok(NameOrEmail::default());
        };
        let text = text.as_object().ok_or_else(|| invalid("`name_or_email` must be an object"))?;
        let field = |name: &str| match text.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(value)) => Ok(Some(value.clone())),
            Some(_) => Err(invalid(&format!("`name_or_email.{name}` must be a string"))),
        };
        Ok(NameOrEmail { equals: field("equals")?, not_equal: field("not_equal")?, contains: field("contains")? })
    }

    /// Returns true when the name or the email satisfies every given condition.
    fn matches(&self, value: &CollaboratorValue<'_>) -> bool {
        [value.name, value.email].iter().any(|text| {
            self.equals.as_ref().is_none_or(|equals| equals == text)
                && self.not_equal.as_ref().is_none_or(|not_equal| not_equal != text)
                && self.contains.as_ref().is_none_or(|contains| text.contains(contains.as_str()))
        })
    }
}
