//! The organization's users as the `user` commands see them: filters, pages and batch creation, over a
//! snapshot file or the live API, with the official commands' semantics.

pub mod batch;
mod directory;
pub mod entries;
mod nesting;

pub use crate::sdk::{CollaboratorType, Filters};
pub use batch::{BatchError, Problem};
pub use directory::{ApiDirectory, Directory, DirectoryError, SnapshotDirectory, UserPages};
