//! The redaction of a timeline read from an archive. The archive keeps the real values (it is the
//! organization's own record); a timeline is redacted as it leaves: every member's email, name and id
//! becomes its pseudonym, the same one a redacted report of any of the archived collections gives, and
//! the words of causes and gaps, which quote those values, are rewritten.

use super::organization::{Book, RedactError};
use super::{Named, Redactor};
use crate::archive::timeline::{MemberName, Timeline};

/// Replaces, in `timeline`, what `redactor` redacts of members. Group, cloud and project names stay: a
/// redactor with `resources` is refused by the caller.
pub fn redact_timeline(timeline: &mut Timeline, redactor: &Redactor) -> Result<(), RedactError> {
    let mut book = Book::new(redactor);
    for member in &mut timeline.members {
        redact_member(member, &mut book)?;
    }
    for interval in &mut timeline.intervals {
        redact_member(&mut interval.member, &mut book)?;
    }
    if let Some(user) = &mut timeline.query.user {
        *user = redactor.argument(user, Named::Member);
    }
    // Every line of text is rewritten in one pass, with one matcher of every value replaced.
    let mut lines = Vec::new();
    visit_text(timeline, |line| lines.push(std::mem::take(line)));
    let mut rewritten = book.rewrite(lines).into_iter();
    visit_text(timeline, |line| *line = rewritten.next().unwrap_or_default());
    Ok(())
}

fn redact_member(member: &mut MemberName, book: &mut Book<'_>) -> Result<(), RedactError> {
    book.person(&mut member.email, &mut member.name, &mut member.id)
}

/// Calls `visit` with every line of free text of the timeline, always in the same order: the causes of
/// each interval's boundaries, the gaps that make it uncertain, then the collections' gaps.
fn visit_text(timeline: &mut Timeline, mut visit: impl FnMut(&mut String)) {
    for interval in &mut timeline.intervals {
        let boundaries = std::iter::once(&mut interval.from).chain(interval.to.as_mut());
        for boundary in boundaries {
            boundary.causes.iter_mut().for_each(|cause| visit(&mut cause.description));
        }
        for uncertainty in &mut interval.uncertain {
            uncertainty.gaps.iter_mut().for_each(&mut visit);
        }
    }
    for collection in &mut timeline.collections {
        collection.gaps.iter_mut().for_each(&mut visit);
    }
}
