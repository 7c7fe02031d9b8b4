//! The HTML reports, rendered with minijinja from the templates in `templates/` (embedded in the
//! binary): `report.html` for the whole organization and the one-person offboarding report. Each is one
//! self-contained file: no external request, and a Content-Security-Policy that lets only the report's
//! own script and style run, so that a data value could not run as code even if it escaped escaping.

pub mod charts;
pub mod data;
mod gzip;
pub mod svg;

use crate::evidence::Stamp;
use base64::Engine as _;
use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The format version every HTML report states in its `permaudit-format` meta element.
pub const HTML_FORMAT: &str = "permaudit-html/1";

const LAYOUT: &str = include_str!("../../../templates/layout.html.j2");
const COLLECTION: &str = include_str!("../../../templates/collection.html.j2");
const CONTROLS: &str = include_str!("../../../templates/controls.html.j2");
const REPORT: &str = include_str!("../../../templates/report.html.j2");
const PERSON: &str = include_str!("../../../templates/person.html.j2");
const DIFF: &str = include_str!("../../../templates/diff.html.j2");
const CHANGES: &str = include_str!("../../../templates/changes.html.j2");
const SCRIPT: &str = include_str!("../../../templates/report.js");
const STYLE: &str = include_str!("../../../templates/report.css");

/// Why an HTML report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("cannot render the HTML template `{name}`: {source}")]
pub struct HtmlError {
    name: &'static str,
    source: minijinja::Error,
}

/// Returns the organization report, from its summary, charts, Controls section (none: no section), data
/// block, "Changes since" section (when given), and the stamp its header shows.
pub fn render_report(
    summary: &impl Serialize,
    charts: &[charts::Chart],
    controls: Option<&impl Serialize>,
    data_block: String,
    changes: Option<&impl Serialize>,
    stamp: &Stamp,
) -> Result<String, HtmlError> {
    let charts: Vec<Value> = charts
        .iter()
        .map(|chart| {
            context! {
                id => chart.id,
                title => chart.title.clone(),
                caption => chart.caption.clone(),
                // Drawn by `svg::BarChart`, which escapes every text it holds.
                svg => Value::from_safe_string(chart.svg.clone()),
            }
        })
        .collect();
    render(
        "report.html.j2",
        context! {
            format => HTML_FORMAT,
            csp => content_security_policy(true),
            style => Value::from_safe_string(STYLE.to_owned()),
            script => Value::from_safe_string(SCRIPT.to_owned()),
            // Already escaped for a script element by `data::data_block`.
            data => Value::from_safe_string(data_block),
            summary => Value::from(Serde(summary)),
            charts => charts,
            controls => controls.map(|controls| Value::from(Serde(controls))),
            changes => changes.map(|changes| Value::from(Serde(changes))),
            stamp => Value::from(Serde(stamp)),
        },
    )
}

/// Returns the page of a diff between two collections; it needs no script.
pub fn render_diff(format: &str, changes: &impl Serialize) -> Result<String, HtmlError> {
    render(
        "diff.html.j2",
        context! {
            format => format,
            csp => content_security_policy(false),
            style => Value::from_safe_string(STYLE.to_owned()),
            changes => Value::from(Serde(changes)),
        },
    )
}

/// Returns the one-person (offboarding) report, with the stamp its header shows; it needs no script.
pub fn render_person_report(person: &impl Serialize, stamp: &Stamp) -> Result<String, HtmlError> {
    render(
        "person.html.j2",
        context! {
            format => HTML_FORMAT,
            csp => content_security_policy(false),
            style => Value::from_safe_string(STYLE.to_owned()),
            person => Value::from(Serde(person)),
            stamp => Value::from(Serde(stamp)),
        },
    )
}

fn render(name: &'static str, context: Value) -> Result<String, HtmlError> {
    let failed = |source| HtmlError { name, source };
    let environment = environment().map_err(failed)?;
    let template = environment.get_template(name).map_err(failed)?;
    template.render(context).map_err(failed)
}

/// Returns the template environment; `*.html.j2` names make minijinja escape every value for HTML.
fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut environment = Environment::new();
    environment.add_template("layout.html.j2", LAYOUT)?;
    environment.add_template("collection.html.j2", COLLECTION)?;
    environment.add_template("controls.html.j2", CONTROLS)?;
    environment.add_template("report.html.j2", REPORT)?;
    environment.add_template("person.html.j2", PERSON)?;
    environment.add_template("diff.html.j2", DIFF)?;
    environment.add_template("changes.html.j2", CHANGES)?;
    Ok(environment)
}

/// Returns the policy: nothing may load from anywhere; only the report's own inline style and (when
/// it has one) script, named by their SHA-256, may run. Inline event handlers never run under it.
fn content_security_policy(with_script: bool) -> String {
    let script = if with_script { format!("'{}'", sha256_source(SCRIPT)) } else { "'none'".to_owned() };
    format!(
        "default-src 'none'; script-src {script}; style-src '{}'; img-src 'none'; base-uri 'none'; form-action 'none'",
        sha256_source(STYLE)
    )
}

/// Returns a CSP hash source (`sha256-<base64>`) for an inline element's exact text.
fn sha256_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}
