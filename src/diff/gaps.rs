//! Collection gaps mapped to the resources they cover. The collector names each endpoint it gave up
//! on in its gap line (`src/collect/http/collector.rs`): a cloud's collaborator search or policy, a
//! project's collaborator list or policy, each with the id as one percent-encoded path segment. A
//! cloud's gap covers its projects too, since a project's role depends on its cloud's (R4). A gap
//! line that names none of these covers everything: nothing it may hide is reported as known.

use super::catalog::{Catalog, Key, Side};
use crate::model::Collection;
use std::collections::BTreeMap;

/// What one gap line covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Covered {
    Cloud(String),
    Project(String),
    Everything,
}

/// The gaps of both collections, by the resource they cover.
#[derive(Default)]
pub(crate) struct GapCover {
    everything: Vec<String>,
    clouds: BTreeMap<String, Vec<String>>,
    projects: BTreeMap<String, Vec<String>>,
}

impl GapCover {
    /// Maps every gap line of both collections to what it covers.
    pub fn new(old: &Collection, new: &Collection) -> GapCover {
        let mut cover = GapCover::default();
        for gap in old.gaps.iter().chain(&new.gaps) {
            let list = match covered(gap) {
                Covered::Cloud(id) => cover.clouds.entry(id).or_default(),
                Covered::Project(id) => cover.projects.entry(id).or_default(),
                Covered::Everything => &mut cover.everything,
            };
            if !list.contains(gap) {
                list.push(gap.clone());
            }
        }
        cover
    }

    /// True when neither collection has a gap.
    pub fn is_empty(&self) -> bool {
        self.everything.is_empty() && self.clouds.is_empty() && self.projects.is_empty()
    }

    /// Returns the gap lines that cover an entry: its own, and for a project its parent cloud's on
    /// either side; empty when the entry's data is complete.
    pub fn covering(&self, catalog: &Catalog<'_, '_>, key: Key) -> Vec<String> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut gaps = self.everything.clone();
        let mut add = |found: Option<&Vec<String>>| {
            for gap in found.into_iter().flatten() {
                if !gaps.contains(gap) {
                    gaps.push(gap.clone());
                }
            }
        };
        match key {
            Key::Cloud(_) => add(self.clouds.get(catalog.resource_id(key))),
            Key::Project(project) => {
                add(self.projects.get(catalog.resource_id(key)));
                for side in [Side::Old, Side::New] {
                    add(catalog.parent_id(side, project).and_then(|cloud| self.clouds.get(cloud)));
                }
            }
        }
        gaps.sort();
        gaps
    }
}

/// Returns what a gap line covers, from the endpoint path it names.
pub(crate) fn covered(gap: &str) -> Covered {
    let Some(start) = gap.find("/api/v2/") else { return Covered::Everything };
    let path = &gap[start + "/api/v2/".len()..];
    let end = path.find(|c: char| c == '`' || c == '?' || c.is_whitespace() || c == ':').unwrap_or(path.len());
    let segments: Vec<&str> = path[..end].trim_end_matches('/').split('/').collect();
    match segments.as_slice() {
        ["clouds", id, "collaborators", "users", "search"] | ["policy", "cloud", id] => Covered::Cloud(decode(id)),
        ["projects", id, "collaborators", "users"] | ["policy", "project", id] => Covered::Project(decode(id)),
        _ => Covered::Everything,
    }
}

/// Decodes a percent-encoded path segment (the collector encodes every byte but `A-Z a-z 0-9 - . _ ~`).
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while position < bytes.len() {
        let hex = bytes.get(position + 1..position + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[position], hex.and_then(|hex| u8::from_str_radix(hex, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                position += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                position += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collector_endpoints_map_to_their_resource() {
        let cases = [
            (
                "gave up on `POST /api/v2/clouds/cld_1/collaborators/users/search` after 6 attempts: 503",
                Covered::Cloud("cld_1".into()),
            ),
            ("`GET /api/v2/policy/cloud/cld%2F2` answered 500: down", Covered::Cloud("cld/2".into())),
            (
                "unexpected response from `GET /api/v2/projects/prj_1/collaborators/users`: bad",
                Covered::Project("prj_1".into()),
            ),
            (
                "gave up on `GET /api/v2/policy/project/prj_9` after 2 attempts: timeout",
                Covered::Project("prj_9".into()),
            ),
            ("GET /api/v2/projects: HTTP 503", Covered::Everything),
            ("something else", Covered::Everything),
        ];
        for (gap, expected) in cases {
            assert_eq!(covered(gap), expected, "{gap}");
        }
    }
}
