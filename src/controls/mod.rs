//! Controls: pass/fail policy checks over one resolved collection, each with a stable kebab-case id, a
//! severity, the failing subjects with the access paths that cause them, a remediation, and scoped
//! exemptions with a reason, an approver and an expiry (`docs/controls.md`).
//!
//! The checks are pure functions over a [`Resolution`](crate::resolve::Resolution) that return
//! findings as data ([`Finding`], indices into the organization); [`evaluate`] runs them, applies the
//! exemptions and decides each control's [`Status`]; the reports render the findings at the edge, in
//! words ([`FindingView`]).

pub mod catalog;
mod checks;
pub mod definition;
pub mod evaluate;
pub mod exemptions;
pub mod finding;
mod originals;
pub mod pattern;
pub mod policy;
pub mod words;
mod yaml;

pub use catalog::{Builtin, CatalogControl, Reads};
pub use definition::{ControlDefinition, ControlKind};
pub use evaluate::{evaluate, ControlResult, Evaluation, ExemptionState, Request, Status};
pub use exemptions::{Exemption, Exemptions, EXEMPTIONS_FORMAT};
pub use finding::{Evidence, Finding, FindingStatus, Resource};
pub use originals::Originals;
pub use policy::{default_policy_text, FileError, Policy, Rule, POLICY_FORMAT};
pub use words::{FindingView, MemberRef, ResourceRef};
pub use yaml::YamlProblem;
