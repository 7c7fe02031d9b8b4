//! The calls of the `user` commands: the token check, one page of organization collaborators with the
//! official filters, the whole collaborator list, and `admin_batch_create`, which is sent once.

use super::client::ApiClient;
use super::wire::{Collaborator, CreatedUser, Page};
use crate::collect::error::CollectError;
use crate::model::Member;
use crate::sdk::{AdminCreateUser, AdminCreatedUser, Filters};
use reqwest::Method;
use serde::de::IgnoredAny;

const USERINFO: &str = "/api/v2/userinfo/";
const COLLABORATORS: &str = "/api/v2/organization_collaborators/";
const BATCH_CREATE: &str = "/api/v2/users/admin_batch_create";

/// One page of organization collaborators, and the token of the next page when there is one.
#[derive(Debug)]
pub struct MemberPage {
    pub members: Vec<Member>,
    pub next_paging_token: Option<String>,
}

impl ApiClient {
    /// Checks the token with `GET /api/v2/userinfo/`, as the official CLI does before any command.
    pub async fn check_token(&self) -> Result<(), CollectError> {
        self.call::<IgnoredAny>(Method::GET, USERINFO, &[], None).await?;
        Ok(())
    }

    /// Returns one page of at most `count` organization collaborators that pass `filters`, starting
    /// at `paging_token` (the first page when `None`).
    pub async fn collaborator_page(
        &self,
        filters: &Filters,
        count: u32,
        paging_token: Option<&str>,
    ) -> Result<MemberPage, CollectError> {
        let query = collaborator_query(filters, count, paging_token);
        let page: Page<Collaborator> = self.call(Method::GET, COLLABORATORS, &query, None).await?;
        let next_paging_token =
            page.metadata.and_then(|metadata| metadata.next_paging_token).filter(|next| !next.is_empty());
        Ok(MemberPage { members: page.results.into_iter().map(Into::into).collect(), next_paging_token })
    }

    /// Returns every organization collaborator, unfiltered, following the pages to the end.
    pub async fn members(&self) -> Result<Vec<Member>, CollectError> {
        let collaborators = self.all_pages::<Collaborator>(Method::GET, COLLABORATORS, None).await?;
        Ok(collaborators.into_iter().map(Into::into).collect())
    }

    /// Creates `users` with one `POST /api/v2/users/admin_batch_create`, never repeated once the
    /// server may have acted on it, and returns what the server created.
    pub async fn admin_batch_create(&self, users: &[AdminCreateUser]) -> Result<Vec<AdminCreatedUser>, CollectError> {
        let body = serde_json::Value::Array(users.iter().map(|user| user.to_dict().into()).collect());
        let passwords = users.iter().filter_map(|user| user.password.as_deref());
        let secrets = self.secrets().clone().with(passwords);
        let created: Page<CreatedUser> = self.call_once(Method::POST, BATCH_CREATE, Some(&body), &secrets).await?;
        let malformed = |message: String| CollectError::Malformed {
            endpoint: format!("POST {BATCH_CREATE}"),
            message: secrets.clean(&message),
        };
        created.results.into_iter().map(|wire| AdminCreatedUser::try_from(wire).map_err(malformed)).collect()
    }
}

/// Returns the query of a collaborator page in the order the official client sends it: the filters
/// (`email`, `name`, `collaborator_type`, `is_service_account` as `True`/`False`), then
/// `paging_token` and `count`.
fn collaborator_query(filters: &Filters, count: u32, paging_token: Option<&str>) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(email) = &filters.email {
        query.push(("email", email.clone()));
    }
    if let Some(name) = &filters.name {
        query.push(("name", name.clone()));
    }
    if let Some(kind) = filters.collaborator_type {
        query.push(("collaborator_type", kind.as_str().to_owned()));
    }
    if let Some(flag) = filters.is_service_account {
        query.push(("is_service_account", if flag { "True" } else { "False" }.to_owned()));
    }
    if let Some(token) = paging_token {
        query.push(("paging_token", token.to_owned()));
    }
    query.push(("count", count.to_string()));
    query
}
