//! The text of `permaudit check`: a table of the controls (id, severity, status, findings), then the
//! failures grouped by control, each with its access paths and its fix. Muted findings and those of
//! `info` controls are counted, not listed: the JSON and CSV formats hold them.

use super::{render_chunks, render_views};
use crate::controls::{ControlResult, Evaluation, Status};
use std::borrow::Cow;
use std::io::{self, Write};

/// Writes the text report.
pub fn write<W: Write>(mut writer: W, evaluation: &Evaluation<'_, '_>) -> io::Result<()> {
    let collection = evaluation.request.collection;
    let completeness = if collection.complete { "" } else { " (incomplete)" };
    writeln!(
        writer,
        "permaudit check: organization {}, collected at {}{completeness}, evaluated on {}\n",
        printable(evaluation.request.resolution.organization_id()),
        printable(&collection.collected_at),
        evaluation.request.today
    )?;
    write_table(&mut writer, &evaluation.controls)?;
    write_totals(&mut writer, evaluation)?;
    let failing: Vec<&ControlResult> =
        evaluation.controls.iter().filter(|control| control.status == Status::Fail).collect();
    if !failing.is_empty() {
        writer.write_all(b"\nFailures\n")?;
    }
    for control in failing {
        write_failures(&mut writer, evaluation, control)?;
    }
    writer.flush()
}

fn write_table<W: Write>(writer: &mut W, controls: &[ControlResult]) -> io::Result<()> {
    let width = controls.iter().map(|control| control.definition.id.len()).max().unwrap_or(0).max("CONTROL".len());
    writeln!(
        writer,
        "{:<width$}  {:<8}  {:<7}  {:>8}  {:>5}  NOTE",
        "CONTROL", "SEVERITY", "STATUS", "FINDINGS", "MUTED"
    )?;
    for control in controls {
        let definition = &control.definition;
        let line = format!(
            "{:<width$}  {:<8}  {:<7}  {:>8}  {:>5}  {}",
            definition.id,
            definition.severity.as_str(),
            control.status.as_str().to_uppercase(),
            control.unmuted,
            control.muted,
            control.reason.as_deref().unwrap_or("")
        );
        writeln!(writer, "{}", line.trim_end())?;
    }
    Ok(())
}

fn write_totals<W: Write>(writer: &mut W, evaluation: &Evaluation<'_, '_>) -> io::Result<()> {
    let statuses = [Status::Fail, Status::Pass, Status::Info, Status::Muted, Status::Unknown, Status::Skipped];
    let counts: Vec<String> = statuses
        .into_iter()
        .filter_map(|status| {
            let count = evaluation.controls.iter().filter(|control| control.status == status).count();
            (count > 0).then(|| format!("{count} {}", status.as_str()))
        })
        .collect();
    let (unmuted, muted) = evaluation.totals();
    writeln!(
        writer,
        "\n{} controls: {}. {unmuted} findings not muted, {muted} muted; findings of info controls and muted ones are listed by --format json or csv.",
        evaluation.controls.len(),
        counts.join(", ")
    )
}

fn write_failures<W: Write>(
    writer: &mut W,
    evaluation: &Evaluation<'_, '_>,
    control: &ControlResult,
) -> io::Result<()> {
    let definition = &control.definition;
    writeln!(
        writer,
        "\n{} ({}): {}, {} failing",
        definition.id, definition.severity, definition.title, control.unmuted
    )?;
    render_chunks(
        &evaluation.findings[control.findings.clone()],
        |chunk| {
            render_views(evaluation, chunk, |buffer, view| {
                if view.muted {
                    return Ok(());
                }
                writeln!(buffer, "  - {}", printable(&view.detail))?;
                for path in &view.paths {
                    writeln!(buffer, "      path: {}", printable(path))?;
                }
                if !view.remediation.is_empty() {
                    writeln!(buffer, "      fix: {}", printable(&view.remediation))?;
                }
                Ok(())
            })
        },
        |bytes| writer.write_all(bytes),
    )
}

/// Returns `text` with every control character written as an escape (`\t`, `\u{1b}`), so that a value
/// from the data can neither break a line of the report nor send a terminal an escape sequence.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(
                |character| {
                    if is_unprintable(character) {
                        character.escape_default().to_string()
                    } else {
                        character.to_string()
                    }
                },
            )
            .collect(),
    )
}

/// Returns true for the control characters (C0, DEL, C1) and the line and paragraph separators.
fn is_unprintable(character: char) -> bool {
    character.is_control() || matches!(character, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("\tTabbed \u{1b}[31mred\r"), "\\tTabbed \\u{1b}[31mred\\r");
        assert_eq!(printable("Iván\u{2028}"), "Iván\\u{2028}");
        assert_eq!(printable("plain"), "plain");
    }
}
