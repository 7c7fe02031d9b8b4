//! Identifier newtypes, so that a cloud id can never be passed where a user id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Returns the id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

id_type!(
    /// A member's id: the API's `user_id`, or the identity id when `user_id` is absent.
    UserId
);
id_type!(
    /// A user group's id (`ug_...`).
    GroupId
);
id_type!(
    /// A cloud's id (`cld_...`).
    CloudId
);
id_type!(
    /// A project's id (`prj_...`).
    ProjectId
);
id_type!(
    /// An organization's id (`org_...`).
    OrgId
);
