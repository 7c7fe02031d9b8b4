//! A running `permaudit serve` for tests: started on a free port over a copy of a snapshot, killed when
//! dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The token every test server expects (the official CLI wants an `sss_` prefix).
pub const TOKEN: &str = "sss_test_token";

/// A `permaudit serve` child process; dropping it kills the process.
pub struct Emulator {
    child: Child,
    /// The base URL, such as `http://127.0.0.1:41234`.
    pub base: String,
    /// The first line the server printed.
    pub banner: String,
    /// The snapshot the server serves and writes (a copy of the source).
    pub org: PathBuf,
    directory: tempfile::TempDir,
}

impl Emulator {
    /// Starts a server over a copy of `snapshot`, with extra command-line options.
    pub fn start(snapshot: &Path, extra: &[&str]) -> Emulator {
        Emulator::start_prepared(snapshot, extra, |_| {})
    }

    /// Starts a server over a copy of `snapshot` in a folder that `prepare` may change first.
    pub fn start_prepared(snapshot: &Path, extra: &[&str], prepare: impl FnOnce(&Path)) -> Emulator {
        let directory = tempfile::tempdir().unwrap();
        let org = directory.path().join("org.json");
        std::fs::copy(snapshot, &org).unwrap();
        prepare(directory.path());
        let stderr = std::fs::File::create(directory.path().join("stderr")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_permaudit"))
            .args(["serve", "--org", org.to_str().unwrap(), "--addr", "127.0.0.1:0", "--token", TOKEN])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the permaudit binary runs");
        let mut banner = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut banner).unwrap();
        let mut emulator =
            Emulator { child, base: String::new(), banner: banner.trim_end().to_owned(), org, directory };
        let address = emulator.banner.split("listening on ").nth(1).and_then(|rest| rest.split(' ').next());
        match address {
            Some(address) => emulator.base = address.to_owned(),
            None => panic!("no listening line: {:?}; stderr: {}", emulator.banner, emulator.stderr()),
        }
        emulator
    }

    /// Starts a server over a copy of the demo organization.
    pub fn demo(extra: &[&str]) -> Emulator {
        Emulator::start(&crate::support::demo_org(), extra)
    }

    /// Returns the full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Returns what the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.directory.path().join("stderr")).unwrap_or_default()
    }

    /// Returns the folder holding the served snapshot.
    pub fn directory(&self) -> &Path {
        self.directory.path()
    }

    /// Returns the server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the server to exit and returns its status.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns an HTTP client that sends nothing by itself (no token, no retries).
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}
