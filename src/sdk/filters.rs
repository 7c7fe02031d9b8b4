//! The filters of `anyscale.user.list` and `anyscale.user.get`: which collaborators a listing keeps,
//! whether it runs over a snapshot or the live API.

use crate::model::Member;

/// The collaborator types the official SDK filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollaboratorType {
    AllAccounts,
    OnlyServiceAccounts,
    OnlyUserAccounts,
}

impl CollaboratorType {
    /// Returns the value as the official CLI prints it and the API receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            CollaboratorType::AllAccounts => "all_accounts",
            CollaboratorType::OnlyServiceAccounts => "only_service_accounts",
            CollaboratorType::OnlyUserAccounts => "only_user_accounts",
        }
    }
}

/// The filters of `user list` and `user get`; `None` means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Exact email, compared without regard to case as email addresses are.
    pub email: Option<String>,
    /// Exact display name.
    pub name: Option<String>,
    pub collaborator_type: Option<CollaboratorType>,
    pub is_service_account: Option<bool>,
}

impl Filters {
    /// Returns true when the member passes every filter.
    pub fn matches(&self, member: &Member) -> bool {
        let email = self.email.as_ref().is_none_or(|email| email.eq_ignore_ascii_case(&member.email));
        let name = self.name.as_ref().is_none_or(|name| name == &member.name);
        let kind = match self.collaborator_type {
            None | Some(CollaboratorType::AllAccounts) => true,
            Some(CollaboratorType::OnlyServiceAccounts) => member.is_service_account,
            Some(CollaboratorType::OnlyUserAccounts) => !member.is_service_account,
        };
        let service = self.is_service_account.is_none_or(|flag| flag == member.is_service_account);
        email && name && kind && service
    }
}
