//! A mutation fuzzer over the files people hand to permaudit: snapshots and users files. Each case
//! mutates a valid file (truncation, flipped and inserted bytes, changed types, huge strings, deep
//! nesting, byte order marks, repeated keys, removed and swapped pieces) from a fixed seed, and checks:
//!
//! - in process, over many cases: loading and validating never panic;
//! - through the real binary, over fewer cases: no panic and no hang, a refusal exits 1 with a message
//!   naming the file, and a refused file leaves nothing written (the output is not created, the
//!   snapshot is byte for byte what it was, no temporary file is left).
//!
//! `PERMAUDIT_FUZZ_CASES=N` runs N binary cases per kind of file (default 100; the in-process cases are
//! 25 times as many), `PERMAUDIT_FUZZ_SEED=S` another sequence; a failure names its seed and case.

use crate::support::{demo_org, repo_path};
use permaudit::model::Snapshot;
use permaudit::synth::SplitMix64;
use permaudit::users::batch;
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a case may run before it counts as a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

fn cases() -> usize {
    std::env::var("PERMAUDIT_FUZZ_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(100)
}

fn seed() -> u64 {
    std::env::var("PERMAUDIT_FUZZ_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(20_260_101)
}

/// One way of damaging a file.
#[derive(Clone, Copy, Debug)]
enum Mutation {
    Truncate,
    FlipBytes,
    InsertBytes,
    ChangeType,
    HugeString,
    DeepNesting,
    ByteOrderMark,
    RepeatLine,
    RemoveLine,
    SwapPieces,
}

const MUTATIONS: [Mutation; 10] = [
    Mutation::Truncate,
    Mutation::FlipBytes,
    Mutation::InsertBytes,
    Mutation::ChangeType,
    Mutation::HugeString,
    Mutation::DeepNesting,
    Mutation::ByteOrderMark,
    Mutation::RepeatLine,
    Mutation::RemoveLine,
    Mutation::SwapPieces,
];

/// Bytes that mean something to JSON or YAML, or to a terminal, or are no text at all.
const SPECIAL: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b",",
    b":",
    b": ",
    b"- ",
    b"#",
    b"\\",
    b"\n",
    b"\t",
    b"\0",
    b"\x1b[31m",
    b"\xff\xfe",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"|\n",
    b"null",
    b"1e999",
    b"-0",
    b"\xe2\x80\xae",
    b"\\u0000",
    b"\\ud800",
];

/// Values a field may be given instead of its own.
const REPLACEMENTS: &[&str] = &[
    "0",
    "-1",
    "1.5",
    "true",
    "null",
    "[]",
    "{}",
    "[1, 2]",
    "{\"a\": 1}",
    "\"\"",
    "\"owner\"",
    "18446744073709551616",
];

fn mutate(original: &[u8], random: &mut SplitMix64) -> (Mutation, Vec<u8>) {
    let mutation = MUTATIONS[random.below(MUTATIONS.len())];
    let mut bytes = original.to_vec();
    let at = |random: &mut SplitMix64, bytes: &[u8]| random.below(bytes.len() + 1);
    match mutation {
        Mutation::Truncate => bytes.truncate(at(random, original)),
        Mutation::FlipBytes => {
            for _ in 0..1 + random.below(8) {
                let position = random.below(bytes.len().max(1)).min(bytes.len().saturating_sub(1));
                bytes[position] ^= 1 << random.below(8);
            }
        }
        Mutation::InsertBytes => {
            for _ in 0..1 + random.below(4) {
                let position = at(random, &bytes);
                let piece = SPECIAL[random.below(SPECIAL.len())];
                bytes.splice(position..position, piece.iter().copied());
            }
        }
        Mutation::ChangeType => change_a_value(&mut bytes, random),
        Mutation::HugeString => {
            let size = 1 << (16 + random.below(7));
            let position = after_a_quote(&bytes, random);
            bytes.splice(position..position, std::iter::repeat_n(b'x', size));
        }
        Mutation::DeepNesting => {
            let depth = [130, 1_000, 20_000, 100_000][random.below(4)];
            let opener = if random.chance(0.5) { b'[' } else { b'{' };
            let position = after_a_colon(&bytes, random);
            bytes.splice(position..position, std::iter::repeat_n(opener, depth));
        }
        Mutation::ByteOrderMark => {
            let position = if random.chance(0.7) { 0 } else { at(random, &bytes) };
            bytes.splice(position..position, *b"\xef\xbb\xbf");
        }
        Mutation::RepeatLine => {
            let (start, end) = a_line(&bytes, random);
            let line = bytes[start..end].to_vec();
            bytes.splice(end..end, line);
        }
        Mutation::RemoveLine => {
            let (start, end) = a_line(&bytes, random);
            bytes.drain(start..end);
        }
        Mutation::SwapPieces => {
            let (first, second) = (a_line(&bytes, random), a_line(&bytes, random));
            let (first, second) = if first.0 <= second.0 { (first, second) } else { (second, first) };
            if first.1 <= second.0 {
                let mut swapped = bytes[..first.0].to_vec();
                swapped.extend_from_slice(&bytes[second.0..second.1]);
                swapped.extend_from_slice(&bytes[first.1..second.0]);
                swapped.extend_from_slice(&bytes[first.0..first.1]);
                swapped.extend_from_slice(&bytes[second.1..]);
                bytes = swapped;
            }
        }
    }
    (mutation, bytes)
}

/// Returns the bounds of a random line, its line break included.
fn a_line(bytes: &[u8], random: &mut SplitMix64) -> (usize, usize) {
    let position = random.below(bytes.len().max(1)).min(bytes.len());
    let start = bytes[..position].iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1);
    let end =
        bytes[position..].iter().position(|&byte| byte == b'\n').map_or(bytes.len(), |newline| position + newline + 1);
    (start, end)
}

/// Returns a random position right after one of the bytes `wanted`, or a random position.
fn after_one_of(bytes: &[u8], wanted: u8, random: &mut SplitMix64) -> usize {
    let positions: Vec<usize> =
        bytes.iter().enumerate().filter(|(_, &byte)| byte == wanted).map(|(position, _)| position + 1).collect();
    if positions.is_empty() {
        return random.below(bytes.len() + 1);
    }
    positions[random.below(positions.len())]
}

fn after_a_quote(bytes: &[u8], random: &mut SplitMix64) -> usize {
    after_one_of(bytes, b'"', random)
}

fn after_a_colon(bytes: &[u8], random: &mut SplitMix64) -> usize {
    let position = after_one_of(bytes, b':', random);
    if bytes.get(position) == Some(&b' ') {
        position + 1
    } else {
        position
    }
}

/// Replaces the value after a random `: ` (to the end of its line or its closing quote) with a value
/// of another type.
fn change_a_value(bytes: &mut Vec<u8>, random: &mut SplitMix64) {
    let start = after_a_colon(bytes, random);
    let rest = &bytes[start..];
    let length = if rest.first() == Some(&b'"') {
        rest[1..].iter().position(|&byte| byte == b'"').map_or(rest.len(), |end| end + 2)
    } else {
        rest.iter().position(|&byte| matches!(byte, b',' | b'\n' | b'}' | b']')).unwrap_or(rest.len())
    };
    let replacement = REPLACEMENTS[random.below(REPLACEMENTS.len())];
    bytes.splice(start..start + length, replacement.bytes());
}

/// What a run of the binary left behind.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs the binary with `args`, killing it after [`CASE_TIMEOUT`].
fn run(args: &[&str], directory: &Path, case: &str) -> Run {
    let stderr_path = directory.join(".stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(args)
        .env_remove("ANYSCALE_HOST")
        .env_remove("ANYSCALE_CLI_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CASE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{case}: no answer after {CASE_TIMEOUT:?} (a hang)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap()).into_owned();
    std::fs::remove_file(&stderr_path).unwrap();
    Run { code: status.code(), stderr }
}

/// Checks what every run must do: no panic, an expected exit code, and a refusal that names `file`.
fn check_run(run: &Run, file: &Path, allowed: &[i32], case: &str) -> bool {
    assert!(!run.stderr.contains("panicked"), "{case}: a panic: {}", run.stderr);
    let code = run.code.unwrap_or_else(|| panic!("{case}: killed by a signal: {}", run.stderr));
    assert!(allowed.contains(&code), "{case}: exit code {code}: {}", run.stderr);
    if code == 1 {
        let named = run.stderr.contains(&file.display().to_string());
        assert!(named, "{case}: the message does not name `{}`: {}", file.display(), run.stderr);
        assert!(run.stderr.len() < 20_000, "{case}: a {} byte message", run.stderr.len());
    }
    code == 1
}

/// Returns the names of the entries of `directory`, sorted.
fn entries(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn mutated_snapshots_never_panic_when_loaded() {
    let original = std::fs::read(demo_org()).unwrap();
    let mut random = SplitMix64::new(seed());
    for case in 0..cases() * 25 {
        let (mutation, bytes) = mutate(&original, &mut random);
        let loaded = std::panic::catch_unwind(|| Snapshot::from_slice(&bytes, Path::new("mutant.json")).map(|_| ()));
        assert!(loaded.is_ok(), "seed {} case {case} ({mutation:?}) panicked", seed());
    }
}

#[test]
fn mutated_users_files_never_panic_when_validated() {
    let original = std::fs::read(repo_path("fixtures/users/create-users.yaml")).unwrap();
    let mut random = SplitMix64::new(seed() ^ 1);
    let existing: HashSet<String> = HashSet::from(["test1@anyscale.com".to_owned()]);
    for case in 0..cases() * 25 {
        let (mutation, bytes) = mutate(&original, &mut random);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let started = Instant::now();
        let checked = std::panic::catch_unwind(|| {
            batch::parse(&text, "mutant.yaml")
                .and_then(|parsed| batch::validate(parsed, &existing, "mutant.yaml"))
                .map(|_| ())
        });
        assert!(checked.is_ok(), "seed {} case {case} ({mutation:?}) panicked", seed());
        assert!(started.elapsed() < Duration::from_secs(5), "seed {} case {case} ({mutation:?}) is slow", seed());
    }
}

#[test]
fn a_mutated_snapshot_is_read_or_refused_with_nothing_written() {
    let original = std::fs::read(demo_org()).unwrap();
    let mut random = SplitMix64::new(seed() ^ 2);
    let mut refused = 0;
    for number in 0..cases() {
        let directory = tempfile::tempdir().unwrap();
        let org = directory.path().join("org.json");
        let (mutation, bytes) = mutate(&original, &mut random);
        std::fs::write(&org, &bytes).unwrap();
        let case = format!("seed {} case {number} ({mutation:?})", seed());
        let (out, args_out) = if number % 2 == 0 {
            let out = directory.path().join("permissions.json");
            (
                out.clone(),
                vec![
                    "user".to_owned(),
                    "list-permissions".to_owned(),
                    "--output-file".to_owned(),
                    out.display().to_string(),
                ],
            )
        } else {
            let out = directory.path().join("report");
            (out.clone(), vec!["report".to_owned(), "--out-dir".to_owned(), out.display().to_string()])
        };
        let mut args: Vec<&str> = args_out.iter().map(String::as_str).collect();
        let org_text = org.display().to_string();
        args.extend(["--org", &org_text]);
        let run = run(&args, directory.path(), &case);
        if check_run(&run, &org, &[0, 1, 3], &case) {
            refused += 1;
            assert!(!out.exists(), "{case}: `{}` was written", out.display());
            assert_eq!(std::fs::read(&org).unwrap(), bytes, "{case}: the snapshot changed");
            assert_eq!(entries(directory.path()), ["org.json"], "{case}: files were left");
        }
    }
    assert!(refused * 4 >= cases(), "most mutants are refused: {refused} of {}", cases());
}

/// The seeds' users file with a password that no message may show.
fn users_with_password() -> Vec<u8> {
    let text = std::fs::read_to_string(repo_path("fixtures/users/create-users.yaml")).unwrap();
    text.replacen("password: ''", &format!("password: {PASSWORD}"), 1).into_bytes()
}

const PASSWORD: &str = "Fz-s3cret-1";

#[test]
fn a_mutated_users_file_creates_everyone_or_nobody() {
    let original = users_with_password();
    let password_line = format!("    password: {PASSWORD}\n");
    let snapshot = std::fs::read(demo_org()).unwrap();
    let mut random = SplitMix64::new(seed() ^ 3);
    let mut refused = 0;
    for number in 0..cases() {
        let directory = tempfile::tempdir().unwrap();
        let (org, users) = (directory.path().join("org.json"), directory.path().join("users.yaml"));
        std::fs::write(&org, &snapshot).unwrap();
        let (mutation, bytes) = mutate(&original, &mut random);
        std::fs::write(&users, &bytes).unwrap();
        let case = format!("seed {} case {number} ({mutation:?})", seed());
        let (org_text, users_text) = (org.display().to_string(), users.display().to_string());
        let run = run(&["user", "batch-create", "-f", &users_text, "--org", &org_text], directory.path(), &case);
        if check_run(&run, &users, &[0, 1], &case) {
            refused += 1;
            assert_eq!(std::fs::read(&org).unwrap(), snapshot, "{case}: the snapshot changed");
            let still_a_password = String::from_utf8_lossy(&bytes).contains(&password_line);
            assert!(!still_a_password || !run.stderr.contains(PASSWORD), "{case}: the password shows: {}", run.stderr);
        } else {
            assert_ne!(std::fs::read(&org).unwrap(), snapshot, "{case}: exit 0 but nobody was created");
        }
        assert_eq!(entries(directory.path()), ["org.json", "users.yaml"], "{case}: files were left");
    }
    assert!(refused * 4 >= cases(), "most mutants are refused: {refused} of {}", cases());
}
