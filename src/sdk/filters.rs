//! The filters of `anyscale.user.list` and `anyscale.user.get`: which collaborators a listing keeps,
//! whether it runs over a snapshot or the live API.

use crate::model::{same_email, Member};

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
        let email = self.email.as_ref().is_none_or(|email| same_email(email, &member.email));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn member(email: &str, is_service_account: bool) -> Member {
        Member {
            id: "idn_1".to_owned(),
            user_id: None,
            email: email.to_owned(),
            name: "Éva".to_owned(),
            created_at: "2024-01-01T00:00:00+00:00".to_owned(),
            permission_level: "collaborator".to_owned(),
            base_role: None,
            additional_roles: Vec::new(),
            is_service_account,
        }
    }

    #[test]
    fn the_email_filter_ignores_case_beyond_ascii() {
        let filters = Filters { email: Some("ÉVA@X.com".to_owned()), ..Filters::default() };
        assert!(filters.matches(&member("éva@x.com", false)));
        assert!(!filters.matches(&member("eva@x.com", false)));
    }

    #[test]
    fn every_given_filter_must_match() {
        let service = Filters {
            collaborator_type: Some(CollaboratorType::OnlyServiceAccounts),
            is_service_account: Some(true),
            ..Filters::default()
        };
        assert!(service.matches(&member("bot@x.com", true)));
        assert!(!service.matches(&member("eva@x.com", false)));
        let name = Filters { name: Some("Eva".to_owned()), ..Filters::default() };
        assert!(!name.matches(&member("eva@x.com", false)), "names are exact");
    }
}
