//! The charts of `report.html`, drawn on the server as inline SVG ([`super::svg`]): members per cloud by
//! role (org owners' implicit access included), how concentrated owner and write access is, and the
//! anomalies (and, when controls ran, the findings) by kind.

use super::svg::{Bar, BarChart, Series};
use crate::model::Role;
use crate::report::members::FindingTally;
use crate::report::resources::{Resource, ResourceTally};
use crate::report::summary::KindRow;
use crate::report::view::ReportView;
use serde::Serialize;

/// How many clouds the roles chart shows at most: the ones most members reach.
pub const CLOUDS_SHOWN: usize = 20;

/// One chart with the words around it, for the template.
#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub caption: String,
    /// The `<svg>` element; the template inserts it as markup (every text in it is escaped).
    pub svg: String,
}

/// Returns the report's charts.
pub fn charts(
    view: &ReportView<'_, '_>,
    tally: &ResourceTally,
    anomaly_kinds: &[KindRow],
    findings: Option<&FindingTally>,
) -> Vec<Chart> {
    let mut charts = vec![roles_per_cloud(view, tally), concentration(view), anomalies(anomaly_kinds)];
    charts.extend(findings.map(findings_chart));
    charts
}

fn chart(chart: BarChart, caption: String) -> Chart {
    Chart { id: chart.id, title: chart.title.clone(), caption, svg: chart.to_svg() }
}

/// Members per cloud, by their role on the cloud; the org owners without a role there reach it
/// implicitly and make the last segment.
fn roles_per_cloud(view: &ReportView<'_, '_>, tally: &ResourceTally) -> Chart {
    let owners = tally.org_owners.len();
    let mut clouds: Vec<(usize, Bar)> = tally
        .rows
        .iter()
        .filter_map(|row| {
            let Resource::Cloud(cloud) = row.resource else { return None };
            let implicit = owners - row.org_owners_with_role;
            let values = vec![row.owners.len(), row.collaborators.len(), row.readonly.len(), implicit];
            let label = view.resolution.index.cloud_record(cloud).name.clone();
            Some((row.reaching(owners), Bar { label, values }))
        })
        .collect();
    let total = clouds.len();
    // The clouds most members reach first; equal reach keeps output order (the sort is stable).
    clouds.sort_by_key(|(reaching, _)| std::cmp::Reverse(*reaching));
    let bars: Vec<Bar> = clouds.into_iter().take(CLOUDS_SHOWN).map(|(_, bar)| bar).collect();
    let shown = if total > bars.len() {
        format!("The {} clouds that most members reach, of {total}; every cloud and project is in the table below and in resources.csv.", bars.len())
    } else {
        "Every cloud; its projects are in the table below and in resources.csv.".to_owned()
    };
    let series = vec![
        Series { name: "owner", class: "s-owner" },
        Series { name: "collaborator", class: "s-collaborator" },
        Series { name: "readonly", class: "s-readonly" },
        Series { name: "org owner (implicit)", class: "s-implicit" },
    ];
    let title = "Members per cloud, by their role on the cloud".to_owned();
    let caption = format!("{shown} Org owners reach every cloud implicitly; those without a role of their own there are counted as implicit.");
    chart(BarChart { id: "chart-roles", title, series, bars }, caption)
}

/// The buckets of the concentration chart: how many clouds and projects a member holds owner or
/// collaborator on, at least the first number and at most the second.
const BUCKETS: [(usize, usize, &str); 5] =
    [(1, 1, "1"), (2, 5, "2–5"), (6, 20, "6–20"), (21, 100, "21–100"), (101, usize::MAX, "101 or more")];

/// Members by the number of clouds and projects they hold owner or collaborator (write) on, split by
/// whether they own something; org owners, who own everything implicitly, make their own bar.
fn concentration(view: &ReportView<'_, '_>) -> Chart {
    let mut bars: Vec<Bar> =
        BUCKETS.iter().map(|&(_, _, label)| Bar { label: label.to_owned(), values: vec![0, 0] }).collect();
    let mut writable: Vec<usize> = Vec::new();
    for access in view.members() {
        let (owned, written) = access.roles().fold((0, 0), |(owned, written), role| match role {
            Role::Owner => (owned + 1, written),
            Role::Collaborator => (owned, written + 1),
            Role::Readonly => (owned, written),
        });
        if owned + written == 0 {
            continue;
        }
        writable.push(owned + written);
        if let Some(bucket) = BUCKETS.iter().position(|&(low, high, _)| (low..=high).contains(&(owned + written))) {
            bars[bucket].values[usize::from(owned == 0)] += 1;
        }
    }
    let org_owners = view.org_owners().count();
    bars.push(Bar { label: "all (org owners)".to_owned(), values: vec![org_owners, 0] });
    let series =
        vec![Series { name: "owns some", class: "s-owner" }, Series { name: "write only", class: "s-collaborator" }];
    let title = "Members by the number of clouds and projects they can own or write".to_owned();
    chart(BarChart { id: "chart-concentration", title, series, bars }, concentration_caption(writable, org_owners))
}

/// Says how much of the explicit owner and write access the most-privileged tenth of members hold.
fn concentration_caption(mut writable: Vec<usize>, org_owners: usize) -> String {
    let owners = format!("{org_owners} org owners also own every cloud and project implicitly.");
    if writable.is_empty() {
        return format!("No member holds owner or collaborator through a grant. {owners}");
    }
    writable.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = writable.iter().sum();
    let top = writable.len().div_ceil(10);
    let held: usize = writable[..top].iter().sum();
    let percent = (held * 100 + total / 2) / total;
    format!(
        "{} members hold owner or collaborator on at least one cloud or project through grants; the {top} of them with the most such entries (a tenth) hold {percent}% of all {total}. {owners}",
        writable.len()
    )
}

fn anomalies(kinds: &[KindRow]) -> Chart {
    let bars = kinds.iter().map(|kind| Bar { label: kind.code.to_owned(), values: vec![kind.count] }).collect();
    let series = vec![Series { name: "anomalies", class: "s-anomaly" }];
    let title = "Anomalies by kind".to_owned();
    let caption = "What the rules ignored, capped or dropped, and suspect states; the legend at the end says what each kind means.".to_owned();
    chart(BarChart { id: "chart-anomalies", title, series, bars }, caption)
}

fn findings_chart(findings: &FindingTally) -> Chart {
    let bars = findings.kinds().map(|(kind, count)| Bar { label: kind.to_owned(), values: vec![count] }).collect();
    let series = vec![Series { name: "findings", class: "s-finding" }];
    let title = "Findings by control".to_owned();
    let caption = "Findings no exemption mutes, by control; per-project anomalies count once per member.".to_owned();
    chart(BarChart { id: "chart-findings", title, series, bars }, caption)
}
