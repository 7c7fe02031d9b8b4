//! Sources of users: a snapshot file or the live API, both read a page at a time so that interactive
//! listing fetches lazily, and both able to create a validated batch.

use super::batch::{self, BatchError};
use super::entries::member_email_keys;
use super::Filters;
use crate::collect::{ApiClient, CollectError};
use crate::model::{Snapshot, SnapshotError};
use crate::sdk::{AdminCreateUser, AdminCreatedUser, Timestamp, TimestampError, User};
use std::collections::HashSet;
use std::path::PathBuf;

/// Why users could not be listed or created.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Api(#[from] CollectError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("user `{email}` has an invalid `created_at`: `{value}` is not an ISO 8601 timestamp")]
    Timestamp { email: String, value: String },
    #[error("the paging token `{0}` is not one this snapshot gave out")]
    PagingToken(String),
    #[error("cannot start the HTTP runtime: {0}")]
    Runtime(String),
}

/// One page of users, and the token of the next page when there is one.
pub type Page = (Vec<User>, Option<String>);

/// A place users are listed from and created in.
pub trait Directory {
    /// Returns one page of at most `count` users that match, and the token of the next page.
    fn page(&mut self, filters: &Filters, count: u32, token: Option<&str>) -> Result<Page, DirectoryError>;

    /// Returns the email key of every member, for the duplicate check of a batch.
    fn emails(&mut self) -> Result<HashSet<String>, DirectoryError>;

    /// Creates a batch that was already validated, all at once.
    fn create(&mut self, users: &[AdminCreateUser]) -> Result<Vec<AdminCreatedUser>, DirectoryError>;
}

/// Users read lazily, a page at a time, up to an optional cap (the official `ResultIterator`).
pub struct UserPages<'d> {
    directory: &'d mut dyn Directory,
    filters: Filters,
    page_size: u32,
    max_items: Option<usize>,
    token: Option<String>,
    yielded: usize,
    done: bool,
}

impl<'d> UserPages<'d> {
    /// Starts a listing; nothing is fetched until the first page is asked for.
    pub fn new(directory: &'d mut dyn Directory, filters: Filters, page_size: u32, max_items: Option<usize>) -> Self {
        UserPages { directory, filters, page_size, max_items, token: None, yielded: 0, done: false }
    }

    /// Returns the next API page (cut at the cap), or an empty list when the listing is over.
    pub fn next_page(&mut self) -> Result<Vec<User>, DirectoryError> {
        if self.done || self.max_items.is_some_and(|cap| self.yielded >= cap) {
            return Ok(Vec::new());
        }
        let (mut users, next) = self.directory.page(&self.filters, self.page_size, self.token.as_deref())?;
        if let Some(cap) = self.max_items {
            users.truncate(cap - self.yielded);
        }
        self.yielded += users.len();
        self.done = users.is_empty() || next.is_none();
        self.token = next;
        Ok(users)
    }

    /// Returns up to `count` more users, fetching as many pages as needed.
    pub fn take(&mut self, count: usize) -> Result<Vec<User>, DirectoryError> {
        let mut users = Vec::new();
        while users.len() < count {
            let page = self.next_page()?;
            if page.is_empty() {
                break;
            }
            users.extend(page);
        }
        Ok(users)
    }
}

/// Users of a snapshot file; created users are written back to it atomically.
pub struct SnapshotDirectory {
    snapshot: Snapshot,
    path: PathBuf,
}

impl SnapshotDirectory {
    /// Returns the directory of the snapshot loaded from `path`.
    pub fn new(snapshot: Snapshot, path: PathBuf) -> Self {
        SnapshotDirectory { snapshot, path }
    }
}

impl Directory for SnapshotDirectory {
    fn page(&mut self, filters: &Filters, count: u32, token: Option<&str>) -> Result<Page, DirectoryError> {
        let start = match token {
            None => 0,
            Some(token) => {
                token.parse::<usize>().map_err(|_| DirectoryError::PagingToken(crate::untrusted::value(token)))?
            }
        };
        let matching = self.snapshot.organization.members.iter().filter(|member| filters.matches(member));
        let page: Vec<_> = matching.skip(start).take(count as usize + 1).collect();
        let next = (page.len() > count as usize).then(|| (start + count as usize).to_string());
        let users = page.into_iter().take(count as usize).map(user_of).collect::<Result<_, _>>()?;
        Ok((users, next))
    }

    fn emails(&mut self) -> Result<HashSet<String>, DirectoryError> {
        Ok(member_email_keys(&self.snapshot.organization.members))
    }

    fn create(&mut self, users: &[AdminCreateUser]) -> Result<Vec<AdminCreatedUser>, DirectoryError> {
        let created = batch::new_members(&self.snapshot.organization, users, Timestamp::now_utc());
        let (members, created): (Vec<_>, Vec<_>) = created.into_iter().unzip();
        // Appended, as `permaudit serve` does, so that the snapshot only grows.
        self.snapshot.organization.members.extend(members);
        self.snapshot.save(&self.path)?;
        Ok(created)
    }
}

fn user_of(member: &crate::model::Member) -> Result<User, DirectoryError> {
    User::from_member(member).map_err(|TimestampError(value)| DirectoryError::Timestamp {
        email: crate::untrusted::value(&member.email),
        value: crate::untrusted::value(&value),
    })
}

/// Users of the live API.
pub struct ApiDirectory {
    client: ApiClient,
    runtime: tokio::runtime::Runtime,
}

impl ApiDirectory {
    /// Returns the directory of the organization the client's token belongs to.
    pub fn new(client: ApiClient) -> Result<Self, DirectoryError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| DirectoryError::Runtime(error.to_string()))?;
        Ok(ApiDirectory { client, runtime })
    }

    /// Checks the token, as the official CLI does before any command.
    pub fn check_token(&mut self) -> Result<(), DirectoryError> {
        Ok(self.runtime.block_on(self.client.check_token())?)
    }
}

impl Directory for ApiDirectory {
    fn page(&mut self, filters: &Filters, count: u32, token: Option<&str>) -> Result<Page, DirectoryError> {
        let page = self.runtime.block_on(self.client.collaborator_page(filters, count, token))?;
        let users = page.members.iter().map(user_of).collect::<Result<_, _>>()?;
        Ok((users, page.next_paging_token))
    }

    fn emails(&mut self) -> Result<HashSet<String>, DirectoryError> {
        let members = self.runtime.block_on(self.client.members())?;
        Ok(member_email_keys(&members))
    }

    fn create(&mut self, users: &[AdminCreateUser]) -> Result<Vec<AdminCreatedUser>, DirectoryError> {
        Ok(self.runtime.block_on(self.client.admin_batch_create(users))?)
    }
}
