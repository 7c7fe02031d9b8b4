//! Cuts a snapshot's text into pieces, each a whole JSON value: a top-level field as a one-field
//! object, or a batch of a list's elements as an array.
//!
//! Top-level fields are read line by line; they are few and short. Inside a long list the scanner
//! does not visit the lines: it finds the list's end (`\n  ]`) once, then jumps about a batch's size
//! ahead and cuts before the next element's start (`\n    {`), copying the batch in one piece. A raw
//! newline cannot occur inside a JSON string, so in the layout `Snapshot::save` writes both patterns
//! only occur where they look to be; in any other text they cut a piece with unbalanced brackets,
//! which fails to parse.

use memchr::memmem;

/// The start of a list element's line: a newline, then `{` indented by four spaces.
const ELEMENT_START: &[u8] = b"\n    {";
/// The start of a list's closing line: a newline, then `]` indented by two spaces.
const LIST_END: &[u8] = b"\n  ]";

/// The lists read element by element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum List {
    Members,
    Groups,
    Memberships,
    Clouds,
    Projects,
}

impl List {
    const ALL: [(List, &'static [u8]); 5] = [
        (List::Members, b"  \"members\": ["),
        (List::Groups, b"  \"groups\": ["),
        (List::Memberships, b"  \"memberships\": ["),
        (List::Clouds, b"  \"clouds\": ["),
        (List::Projects, b"  \"projects\": ["),
    ];

    /// Returns the list a key line opens, when the line is exactly `  "name": [`.
    fn opened_by(line: &[u8]) -> Option<List> {
        List::ALL.iter().find(|(_, opening)| line == *opening).map(|&(list, _)| list)
    }
}

/// A piece of text to parse: a batch of a list's elements, or one top-level field.
pub(super) struct Piece {
    /// The list the batch belongs to; `None` for a field.
    pub(super) list: Option<List>,
    /// Whether the batch is its list's last.
    pub(super) last: bool,
    /// A whole JSON value: `[...]` for a batch, `{...}` for a field.
    pub(super) text: Vec<u8>,
}

/// What the scanner found next.
pub(super) enum Step {
    Piece(Piece),
    /// The window holds no further whole piece: the caller must add the file's next bytes.
    More,
    /// The document ended as it should.
    Done,
}

/// Where the scanner stands in the document; positions are offsets in the window.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `{`.
    Start,
    /// Between top-level fields.
    Top,
    /// Inside a field given on lines of its own, whose key line starts at `start`.
    Field { start: usize },
    /// Inside a list read element by element.
    List(ListState),
    /// After the closing `}`.
    End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct ListState {
    list: List,
    /// Where the next batch starts: the start of an element's line.
    batch_start: usize,
    /// Where the list's closing line starts (its newline), once found.
    end: Option<usize>,
    /// Where the search for the list's end resumes.
    searched: usize,
}

/// Cuts pieces from a window on the document: the whole of it, or the part of a file read so far.
pub(super) struct Scanner {
    state: State,
    /// The first byte not yet handled; inside a list, the next batch's start.
    position: usize,
    /// Whether the last top-level value ended with a comma; `None` before the first one.
    comma_after_value: Option<bool>,
    /// The lists met as element-by-element lists, to refuse one given twice.
    seen: Vec<List>,
    /// A batch is cut at the first element that starts this many bytes or more after its start.
    batch: usize,
    /// Texts of parsed pieces, to be filled again: a batch's text is large, and memory the process
    /// already has is faster to write than fresh memory.
    spare: Vec<Vec<u8>>,
}

impl Scanner {
    pub(super) fn new(batch: usize) -> Scanner {
        Scanner {
            state: State::Start,
            position: 0,
            comma_after_value: None,
            seen: Vec::new(),
            batch: batch.max(1),
            spare: Vec::new(),
        }
    }

    /// Takes back the text of a parsed piece, to hold a later piece.
    pub(super) fn recycle(&mut self, text: Vec<u8>) {
        self.spare.push(text);
    }

    /// Returns the next step over `window`, which holds the whole rest of the document when `at_end`;
    /// `None` when the text is not in the layout this scanner takes.
    pub(super) fn next(&mut self, window: &[u8], at_end: bool) -> Option<Step> {
        loop {
            if let State::List(list) = self.state {
                return self.list_step(list, window, at_end);
            }
            if self.position >= window.len() {
                return match (at_end, self.state) {
                    (false, _) => Some(Step::More),
                    (true, State::End) => Some(Step::Done),
                    (true, _) => None,
                };
            }
            let line_end = match memchr::memchr(b'\n', &window[self.position..]) {
                Some(offset) => self.position + offset + 1,
                None if at_end => window.len(),
                None => return Some(Step::More),
            };
            let start = std::mem::replace(&mut self.position, line_end);
            if let Some(piece) = self.line(window, start, line_end)? {
                return Some(Step::Piece(piece));
            }
        }
    }

    /// The first byte of the window the scanner still needs; the caller may drop the bytes before it.
    pub(super) fn needed_from(&self) -> usize {
        match self.state {
            State::Field { start } => start,
            State::List(list) => list.batch_start.min(list.searched),
            _ => self.position,
        }
    }

    /// Tells the scanner that the first `count` bytes of the window were dropped.
    pub(super) fn shift(&mut self, count: usize) {
        self.position -= count;
        match &mut self.state {
            State::Field { start } => *start -= count,
            State::List(list) => {
                list.batch_start -= count;
                list.searched -= count;
                list.end = list.end.map(|end| end - count);
            }
            _ => {}
        }
    }

    /// Handles the line `window[start..end]` outside lists; returns the field it ends, if any.
    fn line(&mut self, window: &[u8], start: usize, end: usize) -> Option<Option<Piece>> {
        let content = trim_end(&window[start..end]);
        match self.state {
            State::Start => {
                (content == b"{").then_some(())?;
                self.state = State::Top;
                Some(None)
            }
            State::End => content.is_empty().then_some(None),
            _ => self.top_line(window, start, end),
        }
    }

    /// Handles a line between or inside top-level fields.
    fn top_line(&mut self, window: &[u8], start: usize, end: usize) -> Option<Option<Piece>> {
        let content = trim_end(&window[start..end]);
        let is_key = content.starts_with(b"  \"");
        let closes = content == b"}";
        let mut piece = None;
        if is_key || closes {
            if let State::Field { start: field_start } = self.state {
                piece = Some(self.end_field(&window[field_start..start]));
            }
            // A comma separates fields: one before every key but the first, none before the `}`.
            let comma = self.comma_after_value.take();
            let separated = if is_key { comma != Some(false) } else { comma != Some(true) };
            separated.then_some(())?;
        }
        if closes {
            self.state = State::End;
        } else if let Some(list) = List::opened_by(content).filter(|_| is_key) {
            self.open_list(list, end)?;
        } else if is_key {
            self.state = State::Field { start };
        } else {
            // Only a field's continuation lines may come here.
            matches!(self.state, State::Field { .. }).then_some(())?;
        }
        Some(piece)
    }

    /// Starts a list whose elements begin at `start`, just after its opening line.
    fn open_list(&mut self, list: List, start: usize) -> Option<()> {
        if self.seen.contains(&list) {
            return None;
        }
        self.seen.push(list);
        // The search for the list's end starts at the opening line's newline: an empty list closes
        // on the next line.
        let searched = start.saturating_sub(1);
        self.state = State::List(ListState { list, batch_start: start, end: None, searched });
        Some(())
    }

    /// Cuts the list's next batch, or asks for more of the file.
    fn list_step(&mut self, mut list: ListState, window: &[u8], at_end: bool) -> Option<Step> {
        if list.end.is_none() {
            match memmem::find(&window[list.searched..], LIST_END) {
                Some(offset) => {
                    list.searched += offset;
                    list.end = Some(list.searched);
                }
                // The pattern may straddle the window's end: resume just before it.
                None => list.searched = list.searched.max(window.len().saturating_sub(LIST_END.len() - 1)),
            }
            self.state = State::List(list);
        }
        let target = list.batch_start + self.batch;
        let searched_until = list.end.unwrap_or(window.len());
        let cut = window
            .get(target..searched_until)
            .and_then(|skipped| memmem::find(skipped, ELEMENT_START))
            .map(|offset| target + offset);
        match (cut, list.end) {
            (Some(cut), _) => self.cut_batch(list, window, cut),
            (None, Some(end)) => self.close_list(list, window, end, at_end),
            (None, None) => (!at_end).then_some(Step::More),
        }
    }

    /// Cuts the batch that ends at the newline `cut`, before the next element's line.
    fn cut_batch(&mut self, list: ListState, window: &[u8], cut: usize) -> Option<Step> {
        let piece = self.batch(list.list, &window[list.batch_start..cut], false)?;
        self.state = State::List(ListState { batch_start: cut + 1, ..list });
        self.position = cut + 1;
        Some(Step::Piece(piece))
    }

    /// Cuts the list's last batch, which ends at `end`, the newline of the list's closing line.
    fn close_list(&mut self, list: ListState, window: &[u8], end: usize, at_end: bool) -> Option<Step> {
        let line_start = end + 1;
        let line_end = match memchr::memchr(b'\n', &window[line_start..]) {
            Some(offset) => line_start + offset + 1,
            None if at_end => window.len(),
            None => return Some(Step::More),
        };
        let closing = trim_end(&window[line_start..line_end]);
        (closing == b"  ]" || closing == b"  ],").then_some(())?;
        // An empty list closes on the line after its opening, before the elements would start.
        let elements = window.get(list.batch_start..end).unwrap_or_default();
        let piece = self.batch(list.list, elements, true)?;
        self.comma_after_value = Some(closing.ends_with(b","));
        self.state = State::Top;
        self.position = line_end;
        Some(Step::Piece(piece))
    }

    /// Returns a top-level field as a one-field object, without its trailing comma.
    fn end_field(&mut self, text: &[u8]) -> Piece {
        let (text, has_comma) = without_trailing_comma(text);
        self.comma_after_value = Some(has_comma);
        Piece { list: None, last: false, text: self.enclosed(b'{', text, b'}') }
    }

    /// Returns the elements `text` as one batch: `[` elements `]`. A batch cut before the next element
    /// ends with the comma that separates them, which is dropped; the list's last batch ends without
    /// one.
    fn batch(&mut self, list: List, text: &[u8], last: bool) -> Option<Piece> {
        let (text, has_comma) = without_trailing_comma(text);
        (has_comma != last).then_some(())?;
        Some(Piece { list: Some(list), last, text: self.enclosed(b'[', text, b']') })
    }

    /// Copies `text` between `open` and `close`, into a spare text when there is one.
    fn enclosed(&mut self, open: u8, text: &[u8], close: u8) -> Vec<u8> {
        let mut enclosed = self.spare.pop().unwrap_or_default();
        enclosed.clear();
        enclosed.reserve(text.len() + 2);
        enclosed.push(open);
        enclosed.extend_from_slice(text);
        enclosed.push(close);
        enclosed
    }
}

/// Returns `text` without the whitespace at its end, then without a comma there, and whether there
/// was one.
fn without_trailing_comma(text: &[u8]) -> (&[u8], bool) {
    let text = trim_end(text);
    match text.strip_suffix(b",") {
        Some(kept) => (kept, true),
        None => (text, false),
    }
}

/// Returns `bytes` without the JSON whitespace at its end.
fn trim_end(bytes: &[u8]) -> &[u8] {
    let kept = bytes.iter().rposition(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r')).map_or(0, |last| last + 1);
    &bytes[..kept]
}
