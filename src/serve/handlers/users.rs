//! The caller and the organization's collaborators: `userinfo` (endpoint 1) and
//! `organization_collaborators` (endpoint 2).

use crate::model::{same_email, Member};
use crate::serve::error::ApiError;
use crate::serve::pagination::Paging;
use crate::serve::query::QueryParams;
use crate::serve::state::AppState;
use crate::serve::wire::{Collaborator, Single, UserInfo};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// `GET /api/v2/userinfo/`: the synthetic current user, an owner of the served organization.
pub async fn userinfo(State(state): State<Arc<AppState>>) -> Json<Single<UserInfo>> {
    Json(Single { result: state.current_user.clone() })
}

/// `GET /api/v2/organization_collaborators/`: members, filtered and paged.
pub async fn organization_collaborators(
    State(state): State<Arc<AppState>>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let filter = CollaboratorFilter::from_query(&query)?;
    let paging = Paging::from_query(&query, &format!("organization_collaborators {filter:?}"))?;
    let served = state.store.read();
    let members = served.organization().members.iter().filter(|member| filter.matches(member));
    Ok(Json(paging.page(members, collaborator)?).into_response())
}

/// The filters of the collaborator list; each one given must match.
#[derive(Debug)]
struct CollaboratorFilter {
    /// Compared without regard to case, as everywhere emails are compared.
    email: Option<String>,
    name: Option<String>,
    /// From `collaborator_type`: only service accounts (`Some(true)`) or only user accounts.
    account_type: Option<bool>,
    is_service_account: Option<bool>,
}

impl CollaboratorFilter {
    fn from_query(query: &QueryParams) -> Result<CollaboratorFilter, ApiError> {
        let account_type = match query.get("collaborator_type") {
            None | Some("all_accounts") => None,
            Some("only_service_accounts") => Some(true),
            Some("only_user_accounts") => Some(false),
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "`collaborator_type` must be `all_accounts`, `only_service_accounts` or `only_user_accounts`, not `{other}`"
                )))
            }
        };
        Ok(CollaboratorFilter {
            email: query.get("email").map(str::to_owned),
            name: query.get("name").map(str::to_owned),
            account_type,
            is_service_account: query.boolean("is_service_account")?,
        })
    }

    fn matches(&self, member: &Member) -> bool {
        self.email.as_ref().is_none_or(|email| same_email(email, &member.email))
            && self.name.as_ref().is_none_or(|name| *name == member.name)
            && self.account_type.is_none_or(|flag| flag == member.is_service_account)
            && self.is_service_account.is_none_or(|flag| flag == member.is_service_account)
    }
}

fn collaborator(member: &Member) -> Collaborator<'_> {
    Collaborator {
        id: &member.id,
        user_id: member.user_id.as_ref().map(|id| id.as_str()),
        email: &member.email,
        name: &member.name,
        created_at: &member.created_at,
        permission_level: &member.permission_level,
        base_role: member.base_role,
        additional_roles: &member.additional_roles,
        is_service_account: member.is_service_account,
    }
}
