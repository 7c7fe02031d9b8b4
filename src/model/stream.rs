//! Reads a snapshot in pieces parsed in parallel, from a file or from bytes in memory, so that a large
//! organization is parsed on every core and, from a file, never has its whole text and its parsed
//! records in memory at once.
//!
//! It relies on the layout that `Snapshot::save` writes (serde_json's pretty printer): top-level keys
//! on lines indented by two spaces, and each element of the long lists (members, groups, memberships,
//! clouds, projects) starting on a line indented by four spaces with `{`. One thread cuts the text
//! into pieces ([`scan`]) while the rayon pool parses the pieces already cut, a bounded number at a
//! time so that memory stays bounded; the parsed pieces are assembled in the document's order
//! ([`parts`]). Every piece handed to serde_json is a whole JSON value, so a line that only looks like
//! a boundary leaves a piece with unbalanced brackets, which fails to parse. Any text this reader
//! cannot take, or any piece that fails, makes it answer `None`: the caller then parses the whole text
//! with serde_json, whose errors name the field. The records are parsed by the same `Deserialize`
//! implementations either way.

mod parts;
mod scan;

use super::layout::{SnapshotFile, BYTE_ORDER_MARK};
use parts::{parse, Parsed, Parts};
use scan::{Piece, Scanner, Step};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc;

/// How the text is cut into pieces.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// Bytes read from a file at a time.
    block: usize,
    /// A list's elements are parsed in batches of about this many bytes.
    batch: usize,
}

/// Large enough that a piece's parse outweighs handing it to the pool, small enough that the pieces
/// in flight take little memory.
const SIZES: Sizes = Sizes { block: 8 << 20, batch: 1 << 20 };

/// Reads the snapshot at `path`, showing every byte read to `hasher` when given; `Ok(None)` when the
/// file is not in the layout this reader takes or does not parse, and the caller must parse it whole.
pub(super) fn read(path: &Path, hasher: Option<&mut Sha256>) -> io::Result<Option<SnapshotFile>> {
    read_with(path, hasher, SIZES)
}

/// Parses a snapshot held in memory, without a byte order mark; `None` when it is not in the layout
/// this reader takes or does not parse, and the caller must parse it whole.
pub(super) fn read_slice(bytes: &[u8]) -> Option<SnapshotFile> {
    read_slice_with(bytes, SIZES)
}

fn read_with(path: &Path, hasher: Option<&mut Sha256>, sizes: Sizes) -> io::Result<Option<SnapshotFile>> {
    let mut source = FileSource::open(path, hasher, sizes)?;
    parse_pieces(sizes, |scanner| source.next(scanner))
}

fn read_slice_with(bytes: &[u8], sizes: Sizes) -> Option<SnapshotFile> {
    match parse_pieces(sizes, |scanner| Ok::<_, Infallible>(scanner.next(bytes, true))) {
        Ok(file) => file,
        Err(never) => match never {},
    }
}

/// Hands each piece `next` cuts with the scanner to the rayon pool as soon as it is cut, and
/// assembles the parsed pieces in order; `Ok(None)` when `next` gives up or a piece does not parse.
fn parse_pieces<E>(
    sizes: Sizes,
    mut next: impl FnMut(&mut Scanner) -> Result<Option<Step>, E>,
) -> Result<Option<SnapshotFile>, E> {
    let mut scanner = Scanner::new(sizes.batch);
    rayon::in_place_scope(|scope| {
        let mut pipeline = Pipeline::new(scope);
        loop {
            for text in pipeline.spare.drain(..) {
                scanner.recycle(text);
            }
            let piece = match next(&mut scanner)? {
                Some(Step::Piece(piece)) => piece,
                Some(Step::Done) => return Ok(pipeline.finish()),
                Some(Step::More) | None => return Ok(None),
            };
            if pipeline.submit(piece).is_none() {
                return Ok(None);
            }
        }
    })
}

/// A parsed piece, numbered in the document's order, with the text it was parsed from.
struct Outcome {
    index: usize,
    parsed: Option<Parsed>,
    last: bool,
    text: Vec<u8>,
}

/// The pieces being parsed on the pool, and what their results make so far.
struct Pipeline<'a, 'scope> {
    scope: &'a rayon::Scope<'scope>,
    sender: mpsc::Sender<Outcome>,
    receiver: mpsc::Receiver<Outcome>,
    /// Pieces handed to the pool so far.
    submitted: usize,
    /// Parsed pieces added to `parts` so far: the pieces before this index.
    merged: usize,
    /// Parsed pieces that arrived before an earlier one.
    early: BTreeMap<usize, Outcome>,
    /// Pieces handed out but not yet merged, at most.
    in_flight: usize,
    parts: Parts,
    /// The texts of the pieces parsed, for the scanner to fill again.
    spare: Vec<Vec<u8>>,
}

impl<'a, 'scope> Pipeline<'a, 'scope> {
    fn new(scope: &'a rayon::Scope<'scope>) -> Self {
        let (sender, receiver) = mpsc::channel();
        let in_flight = 2 * rayon::current_num_threads() + 2;
        Pipeline {
            scope,
            sender,
            receiver,
            submitted: 0,
            merged: 0,
            early: BTreeMap::new(),
            in_flight,
            parts: Parts::default(),
            spare: Vec::new(),
        }
    }

    /// Hands `piece` to the pool, once fewer than the allowed number are in flight; `None` when a piece
    /// merged meanwhile does not parse or does not fit.
    fn submit(&mut self, piece: Piece) -> Option<()> {
        while self.submitted - self.merged >= self.in_flight {
            self.receive()?;
        }
        let sender = self.sender.clone();
        let index = self.submitted;
        self.scope.spawn(move |_| {
            let outcome = Outcome { index, parsed: parse(&piece), last: piece.last, text: piece.text };
            // The receiver is gone only when the reader gave up, and the outcome is then not needed.
            let _ = sender.send(outcome);
        });
        self.submitted += 1;
        Some(())
    }

    /// Waits for one parsed piece, then merges every piece that is next in order.
    fn receive(&mut self) -> Option<()> {
        let mut outcome = self.wait()?;
        self.spare.push(std::mem::take(&mut outcome.text));
        self.early.insert(outcome.index, outcome);
        while let Some(outcome) = self.early.remove(&self.merged) {
            self.parts.add(outcome.parsed?, outcome.last)?;
            self.merged += 1;
        }
        Some(())
    }

    /// Returns the next parsed piece to arrive. On a thread of the pool itself it runs queued work,
    /// perhaps the very pieces awaited, instead of blocking a thread the pieces may need.
    fn wait(&self) -> Option<Outcome> {
        loop {
            if let Ok(outcome) = self.receiver.try_recv() {
                return Some(outcome);
            }
            match rayon::yield_now() {
                Some(rayon::Yield::Executed) => continue,
                // Not on the pool, or every piece is taken by another of its threads: blocking is safe.
                Some(rayon::Yield::Idle) | None => return self.receiver.recv().ok(),
            }
        }
    }

    /// Waits for the remaining pieces and returns the file's sections.
    fn finish(mut self) -> Option<SnapshotFile> {
        while self.merged < self.submitted {
            self.receive()?;
        }
        self.parts.sections()
    }
}

/// A file read a block at a time into a window that keeps only what the scanner still needs.
struct FileSource<'h> {
    file: File,
    hasher: Option<&'h mut Sha256>,
    window: Vec<u8>,
    /// Whether the window holds the rest of the file.
    at_end: bool,
    /// Whether the file's first bytes were read, and a byte order mark there dropped.
    started: bool,
    block: usize,
}

impl<'h> FileSource<'h> {
    fn open(path: &Path, hasher: Option<&'h mut Sha256>, sizes: Sizes) -> io::Result<Self> {
        Ok(FileSource {
            file: File::open(path)?,
            hasher,
            window: Vec::new(),
            at_end: false,
            started: false,
            // The first block must hold a whole byte order mark to tell one.
            block: sizes.block.max(BYTE_ORDER_MARK.len()),
        })
    }

    /// Returns the next step of the scanner, reading more of the file as it asks.
    fn next(&mut self, scanner: &mut Scanner) -> io::Result<Option<Step>> {
        loop {
            match scanner.next(&self.window, self.at_end) {
                Some(Step::More) if !self.at_end => self.fill(scanner)?,
                step => return Ok(step),
            }
        }
    }

    /// Drops the bytes the scanner no longer needs and reads the next block after the rest.
    fn fill(&mut self, scanner: &mut Scanner) -> io::Result<()> {
        let needed = scanner.needed_from();
        self.window.drain(..needed);
        scanner.shift(needed);
        let start = self.window.len();
        self.window.reserve(self.block);
        // Reads into the window's spare room, which need not be zeroed first.
        let count = (&mut self.file).take(self.block as u64).read_to_end(&mut self.window)?;
        self.at_end = count < self.block;
        if let Some(hasher) = self.hasher.as_deref_mut() {
            hasher.update(&self.window[start..]);
        }
        if !self.started {
            self.started = true;
            if self.window.starts_with(BYTE_ORDER_MARK) {
                self.window.drain(..BYTE_ORDER_MARK.len());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Collection, Snapshot};
    use crate::synth::{generate, Shape};

    fn snapshot(members: usize, shape: Shape) -> Snapshot {
        let collection = Collection {
            collected_at: "2026-01-01T00:00:00+00:00".to_owned(),
            source: "test".to_owned(),
            complete: false,
            gaps: vec!["clouds: one\nline".to_owned(), "projects".to_owned()],
        };
        Snapshot { organization: generate(&Shape { members, ..shape }), collection }
    }

    fn saved_snapshot(directory: &Path, members: usize) -> std::path::PathBuf {
        let shape = Shape { members, groups: 40, group_size: 8, clouds: 6, projects: 90, grants: 4000, seed: 3 };
        let path = directory.join(format!("org-{members}.json"));
        snapshot(members, shape).save(&path).expect("the snapshot is written");
        path
    }

    /// A snapshot small enough to be cut in every way.
    fn small_snapshot_text() -> String {
        let shape = Shape { members: 0, groups: 4, group_size: 3, clouds: 2, projects: 5, grants: 60, seed: 5 };
        let mut bytes = Vec::new();
        snapshot(20, shape).to_writer(&mut bytes).expect("the snapshot is serialized");
        bytes.push(b'\n');
        String::from_utf8(bytes).expect("the snapshot is UTF-8")
    }

    /// The whole-file parse: the slow, obvious twin of the reader.
    fn parsed_whole(path: &Path) -> Snapshot {
        let bytes = std::fs::read(path).expect("the file is read");
        parsed_whole_bytes(&bytes, path)
    }

    fn parsed_whole_bytes(bytes: &[u8], path: &Path) -> Snapshot {
        let bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
        let file: SnapshotFile = serde_json::from_slice(bytes).expect("the snapshot parses");
        Snapshot::from_file(file, path).expect("the snapshot is valid")
    }

    fn parsed_in_pieces(path: &Path) -> Option<Snapshot> {
        let file = read(path, None).expect("the file is read")?;
        Some(Snapshot::from_file(file, path).expect("the snapshot is valid"))
    }

    fn cut_in_pieces(path: &Path, sizes: Sizes) -> Option<Snapshot> {
        let file = read_with(path, None, sizes).expect("the file is read")?;
        Some(Snapshot::from_file(file, path).expect("the snapshot is valid"))
    }

    fn slice_in_pieces(bytes: &[u8], sizes: Sizes) -> Option<Snapshot> {
        let bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
        let file = read_slice_with(bytes, sizes)?;
        Some(Snapshot::from_file(file, Path::new("memory")).expect("the snapshot is valid"))
    }

    /// Checks that `text`, read in pieces of `sizes` from a file and from memory, gives the whole parse,
    /// and that the file's digest covers every byte once.
    fn assert_read_in_pieces(directory: &Path, text: &str, sizes: Sizes) {
        let path = directory.join("cut.json");
        std::fs::write(&path, text).expect("the snapshot is written");
        let expected = parsed_whole(&path);
        let mut hasher = Sha256::new();
        let file = read_with(&path, Some(&mut hasher), sizes).expect("the file is read");
        let from_file = file.map(|file| Snapshot::from_file(file, &path).expect("the snapshot is valid"));
        assert_eq!(from_file.as_ref(), Some(&expected), "file, {sizes:?}");
        assert_eq!(hasher.finalize().as_slice(), Sha256::digest(text.as_bytes()).as_slice(), "digest, {sizes:?}");
        let from_memory = slice_in_pieces(text.as_bytes(), sizes);
        assert_eq!(from_memory.as_ref(), Some(&expected), "memory, {sizes:?}");
    }

    /// Returns the offsets of every element start (its line's newline) in `text`.
    fn element_starts(text: &str) -> Vec<usize> {
        memchr::memmem::find_iter(text.as_bytes(), b"\n    {").collect()
    }

    #[test]
    fn a_saved_snapshot_read_in_pieces_equals_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        // 6,000 members make several batches of members, parsed in parallel.
        for members in [0, 1, 6000] {
            let path = saved_snapshot(directory.path(), members);
            assert_eq!(parsed_in_pieces(&path), Some(parsed_whole(&path)), "{members} members");
        }
    }

    #[test]
    fn a_snapshot_in_memory_is_read_in_pieces_as_its_file_is() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        for members in [0, 1, 6000] {
            let path = saved_snapshot(directory.path(), members);
            let bytes = std::fs::read(&path).expect("the file is read");
            let from_memory = slice_in_pieces(&bytes, SIZES);
            assert_eq!(from_memory, Some(parsed_whole(&path)), "{members} members");
            assert_eq!(from_memory, parsed_in_pieces(&path), "{members} members");
        }
    }

    #[test]
    fn every_block_and_batch_size_gives_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let text = small_snapshot_text();
        let windows = text.replace('\n', "\r\n");
        for block in (3..=70).chain([97, 500, 4096, text.len(), 1 << 20]) {
            for batch in [1, 2, 3, 5, 8, 13, 60, 250, 1000, 5000, 1 << 20] {
                assert_read_in_pieces(directory.path(), &text, Sizes { block, batch });
            }
        }
        for block in [3, 4, 5, 6, 7, 64] {
            for batch in [1, 7, 300, 1 << 20] {
                assert_read_in_pieces(directory.path(), &windows, Sizes { block, batch });
            }
        }
    }

    #[test]
    fn element_starts_on_block_and_batch_boundaries_give_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let text = small_snapshot_text();
        let starts = element_starts(&text);
        let first_batch = starts[0] + 1;
        for &start in starts.iter().skip(1).take(12) {
            // A block ends before, inside and just after the pattern `\n    {`.
            for block in start - 1..=start + 7 {
                assert_read_in_pieces(directory.path(), &text, Sizes { block, batch: 1 << 20 });
            }
            // The first batch's jump lands before, on and just after the pattern.
            for batch in start - first_batch - 1..=start - first_batch + 2 {
                assert_read_in_pieces(directory.path(), &text, Sizes { block: 1 << 20, batch });
                assert_read_in_pieces(directory.path(), &text, Sizes { block: start, batch });
            }
        }
    }

    #[test]
    fn the_end_of_a_list_inside_a_skipped_range_closes_its_last_batch() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let text = small_snapshot_text();
        let opening = text.find("  \"groups\": [\n").expect("a list of groups") + "  \"groups\": [\n".len();
        let end = opening + text[opening..].find("\n  ]").expect("the end of the groups");
        let length = end - opening;
        // The jump from the list's start lands just before, on, or past its end.
        for batch in [length - 6, length - 1, length, length + 1, length + 4, length + 100] {
            for block in [5, 64, end, end + 2, 1 << 20] {
                assert_read_in_pieces(directory.path(), &text, Sizes { block, batch });
            }
        }
        // A list read element by element may be empty.
        let empty = text.replacen(&text[opening - "  \"groups\": [\n".len()..end], "  \"groups\": [", 1);
        assert!(empty.contains("  \"groups\": [\n  ],\n"), "the groups list is empty");
        for block in [3, 20, 1 << 20] {
            assert_read_in_pieces(directory.path(), &empty, Sizes { block, batch: 7 });
        }
    }

    #[test]
    fn a_pool_of_one_thread_reads_in_pieces_without_waiting_on_itself() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 3000);
        let bytes = std::fs::read(&path).expect("the file is read");
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
        let sizes = Sizes { block: 1 << 16, batch: 1 << 12 };
        let (from_file, from_memory) = pool.install(|| (cut_in_pieces(&path, sizes), slice_in_pieces(&bytes, sizes)));
        assert_eq!(from_file, Some(parsed_whole(&path)));
        assert_eq!(from_memory, Some(parsed_whole(&path)));
    }

    #[test]
    fn a_malformed_element_falls_back_to_the_error_of_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 6000);
        let text = std::fs::read_to_string(&path).expect("the file is read");
        // The 5,000th member's email becomes a number: a piece far into the list fails.
        let (offset, _) = text.match_indices("\n      \"email\": ").nth(4999).expect("5,000 members");
        let value = offset + "\n      \"email\": ".len();
        let value_end = value + text[value..].find(',').expect("the email ends");
        let malformed = format!("{}5{}", &text[..value], &text[value_end..]);
        std::fs::write(&path, &malformed).expect("the variant is written");
        let sizes = Sizes { block: 1 << 16, batch: 1 << 12 };
        assert!(cut_in_pieces(&path, sizes).is_none(), "the file is left to the whole parse");
        assert!(slice_in_pieces(malformed.as_bytes(), sizes).is_none(), "the bytes are left to the whole parse");
        let from_file = Snapshot::load(&path).expect_err("the email is not a string").to_string();
        let from_memory = Snapshot::from_slice(malformed.as_bytes(), &path).expect_err("not a string").to_string();
        assert_eq!(from_file, from_memory);
        assert!(from_file.contains("field `members[4999].email`: invalid type: integer `5`"), "{from_file}");
    }

    #[test]
    fn text_that_is_not_utf8_is_left_to_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let mut bytes = small_snapshot_text().into_bytes();
        let name = memchr::memmem::find(&bytes, b"\"name\": \"").expect("a member's name") + "\"name\": \"".len();
        bytes[name] = 0xff;
        let path = directory.path().join("not-utf8.json");
        std::fs::write(&path, &bytes).expect("the variant is written");
        assert!(cut_in_pieces(&path, SIZES).is_none(), "the file is left to the whole parse");
        assert!(slice_in_pieces(&bytes, SIZES).is_none(), "the bytes are left to the whole parse");
        let from_file = Snapshot::load(&path).expect_err("not UTF-8").to_string();
        let from_memory = Snapshot::from_slice(&bytes, &path).expect_err("not UTF-8").to_string();
        assert_eq!(from_file, from_memory);
        assert!(from_file.contains("invalid unicode code point at line 16 column 16"), "{from_file}");
    }

    #[test]
    fn other_layouts_are_left_to_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 50);
        let text = std::fs::read_to_string(&path).expect("the file is read");
        let compact =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).expect("json")).expect("json");
        let unknown_field = text.replacen("  \"source\"", "  \"extra\": 1,\n  \"source\"", 1);
        let twice = text.replacen("  \"source\"", "  \"format\": \"permaudit-snapshot/1\",\n  \"source\"", 1);
        let list_twice = text.replacen("  \"source\"", "  \"groups\": [],\n  \"source\"", 1);
        let cut = text[..text.len() / 2].to_owned();
        let trailing = format!("{text}x");
        let null_field = text.replacen("\"complete\": false", "\"complete\": null", 1);
        // Invalid JSON that pieces cut at the lines would hide: a missing or an extra comma.
        let no_comma = text.replacen("\"complete\": false,", "\"complete\": false", 1);
        let extra_comma = text.replacen("\n  ]\n}", "\n  ],\n}", 1);
        let last_element_comma = text.replacen("\n    }\n  ],\n  \"groups\"", "\n    },\n  ],\n  \"groups\"", 1);
        let element_without_comma = text.replacen("\n    },\n    {", "\n    }\n    {", 1);
        let list_end_extra = text.replacen("\n  ],\n  \"groups\"", "\n  ] ]],\n  \"groups\"", 1);
        for (modified, original) in
            [(&no_comma, &text), (&extra_comma, &text), (&last_element_comma, &text), (&list_end_extra, &text)]
        {
            assert_ne!(modified, original, "the variant differs from the saved file");
        }
        for (name, variant) in [
            ("no-comma", no_comma),
            ("extra-comma", extra_comma),
            ("last-element-comma", last_element_comma),
            ("element-without-comma", element_without_comma),
            ("list-end-extra", list_end_extra),
            ("compact", compact),
            ("unknown", unknown_field),
            ("twice", twice),
            ("list-twice", list_twice),
            ("cut", cut),
            ("trailing", trailing),
            ("null", null_field),
        ] {
            let variant_path = directory.path().join(format!("{name}.json"));
            std::fs::write(&variant_path, &variant).expect("the variant is written");
            for sizes in [SIZES, Sizes { block: 7, batch: 1 }, Sizes { block: 200, batch: 300 }] {
                assert!(cut_in_pieces(&variant_path, sizes).is_none(), "{name}, file, {sizes:?}");
                assert!(slice_in_pieces(variant.as_bytes(), sizes).is_none(), "{name}, memory, {sizes:?}");
            }
        }
    }

    /// Returns what the whole parse makes of `bytes`: the snapshot or the error, in words.
    fn whole_outcome(bytes: &[u8]) -> Option<Result<Snapshot, String>> {
        let file: SnapshotFile = serde_json::from_slice(bytes).ok()?;
        Some(Snapshot::from_file(file, Path::new("memory")).map_err(|error| error.to_string()))
    }

    fn in_pieces_outcome(file: Option<SnapshotFile>) -> Option<Result<Snapshot, String>> {
        file.map(|file| Snapshot::from_file(file, Path::new("memory")).map_err(|error| error.to_string()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(300))]

        /// A damaged snapshot read in pieces gives what the whole parse gives, or is left to it.
        #[test]
        fn a_damaged_snapshot_read_in_pieces_is_the_whole_parse_or_left_to_it(
            position in 0usize..1_000_000,
            byte in proptest::sample::select(b"\n\r ,{}[]\":x0".to_vec()),
            damage in 0u8..3,
            block in 3usize..300,
            batch in 1usize..600,
        ) {
            let mut bytes = small_snapshot_text().into_bytes();
            let position = position % bytes.len();
            match damage {
                0 => bytes[position] = byte,
                1 => bytes.insert(position, byte),
                _ => {
                    bytes.remove(position);
                }
            }
            let sizes = Sizes { block, batch };
            let directory = tempfile::tempdir().expect("a temporary folder");
            let path = directory.path().join("damaged.json");
            std::fs::write(&path, &bytes).expect("the variant is written");
            let whole = whole_outcome(&bytes);
            let from_file = in_pieces_outcome(read_with(&path, None, sizes).expect("the file is read"));
            let from_memory = in_pieces_outcome(read_slice_with(&bytes, sizes));
            for outcome in [from_file, from_memory].into_iter().flatten() {
                proptest::prop_assert_eq!(Some(outcome), whole.clone());
            }
        }
    }

    #[test]
    fn a_byte_order_mark_and_windows_line_ends_are_read_in_pieces() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 30);
        let expected = parsed_whole(&path);
        let text = std::fs::read_to_string(&path).expect("the file is read");
        let variant = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        std::fs::write(&path, &variant).expect("the variant is written");
        assert_eq!(parsed_in_pieces(&path), Some(expected.clone()));
        assert_eq!(slice_in_pieces(variant.as_bytes(), SIZES), Some(expected));
    }
}
