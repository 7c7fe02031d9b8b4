//! JUnit XML, so that GitLab, Jenkins and GitHub show the controls as tests: one test case per
//! control, a `<failure>` per finding no exemption mutes, `<skipped>` for a control that did not run
//! and `<error>` for one the incomplete collection leaves unknown. The format version is the `format`
//! property of the suite (`permaudit-junit/1`); nothing in the file depends on the time it was written.

use crate::controls::{ControlResult, Evaluation, Status};
use std::io::{self, Write};

/// The format version, written as the suite's `format` property.
pub const JUNIT_FORMAT: &str = "permaudit-junit/1";

/// Counts of test cases, as the `testsuite` attributes state them.
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

/// Writes the evaluation as one JUnit test suite.
pub fn write<W: Write>(mut writer: W, evaluation: &Evaluation<'_, '_>) -> io::Result<()> {
    let counts = counts(evaluation);
    let totals = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
        counts.tests, counts.failures, counts.errors, counts.skipped
    );
    let organization = evaluation.request.resolution.organization_id();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"permaudit check\" {totals}>\n"));
    out.push_str(&format!("  <testsuite name=\"permaudit controls: {}\" {totals}>\n", attribute(organization)));
    out.push_str("    <properties>\n");
    let collection = evaluation.request.collection;
    let properties = [
        ("format", JUNIT_FORMAT.to_owned()),
        ("organization_id", organization.to_owned()),
        ("collected_at", collection.collected_at.clone()),
        ("collection_complete", collection.complete.to_string()),
        ("evaluated_on", evaluation.request.today.to_string()),
    ];
    for (name, value) in properties {
        out.push_str(&format!("      <property name=\"{name}\" value=\"{}\"/>\n", attribute(&value)));
    }
    out.push_str("    </properties>\n");
    writer.write_all(out.as_bytes())?;
    for control in &evaluation.controls {
        writer.write_all(test_case(evaluation, control).as_bytes())?;
    }
    writer.write_all(b"  </testsuite>\n</testsuites>\n")?;
    writer.flush()
}

fn counts(evaluation: &Evaluation<'_, '_>) -> Counts {
    let with = |status: Status| evaluation.controls.iter().filter(|control| control.status == status).count();
    Counts {
        tests: evaluation.controls.len(),
        failures: with(Status::Fail),
        errors: with(Status::Unknown),
        skipped: with(Status::Skipped),
    }
}

/// Returns one control's `<testcase>`, with a failure per unmuted finding of a failing control.
fn test_case(evaluation: &Evaluation<'_, '_>, control: &ControlResult) -> String {
    let definition = &control.definition;
    let mut out = format!("    <testcase classname=\"permaudit.controls\" name=\"{}\">\n", attribute(&definition.id));
    match control.status {
        Status::Skipped | Status::Unknown => {
            let element = if control.status == Status::Skipped { "skipped" } else { "error" };
            let reason = control.reason.as_deref().unwrap_or("");
            out.push_str(&format!(
                "      <{element} type=\"{}\" message=\"{}\"/>\n",
                control.status.as_str(),
                attribute(reason)
            ));
        }
        Status::Fail => {
            for finding in &evaluation.findings[control.findings.clone()] {
                if finding.muted_by.is_none() {
                    out.push_str(&failure(evaluation, definition.title.as_str(), finding));
                }
            }
        }
        Status::Pass | Status::Info | Status::Muted => {}
    }
    if let Some(note) = note(control) {
        out.push_str(&format!("      <system-out>{}</system-out>\n", text(&note)));
    }
    out.push_str("    </testcase>\n");
    out
}

fn failure(evaluation: &Evaluation<'_, '_>, title: &str, finding: &crate::controls::Finding) -> String {
    let view = evaluation.view(finding);
    let mut body = format!("{title} ({})\n", view.severity);
    for path in &view.paths {
        body.push_str(&format!("path: {path}\n"));
    }
    body.push_str(&format!("fix: {}", view.remediation));
    format!(
        "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
        view.severity,
        attribute(&view.detail),
        text(&body)
    )
}

/// Returns what a passing test case should still say: its notes, and the findings muted.
fn note(control: &ControlResult) -> Option<String> {
    let mut notes = Vec::new();
    if control.status == Status::Info {
        notes.push(format!("{} findings of severity info (see findings.json)", control.unmuted));
    }
    if control.muted > 0 {
        notes.push(format!("{} findings muted by exemptions (see findings.json)", control.muted));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// Escapes element text; characters XML 1.0 cannot hold become U+FFFD.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes an attribute value, line ends and tabs included, so that a parser reads them back as they are.
fn attribute(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if in_attribute => out.push_str(&format!("&#{};", u32::from(character))),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(character),
            _ if is_xml_char(character) => out.push(character),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// Returns true for the characters XML 1.0 allows (its `Char` production, besides tab and line ends).
fn is_xml_char(character: char) -> bool {
    matches!(character, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(attribute("a<b>&\"c'\n\t"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;");
        assert_eq!(text("x\u{1}y\u{fffe}\r"), "x\u{fffd}y\u{fffd}&#13;");
        assert_eq!(text("line\nnext"), "line\nnext");
    }
}
