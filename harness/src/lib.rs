//! Drives `forkless` from the outside, the way a user would: on a
//! pseudo-terminal (rexpect, and `Terminal` for scenario files), later
//! over ssh.

pub mod procfs;
pub mod scenario;
pub mod sshd;
pub mod terminal;
mod testdir;

use std::path::{Path, PathBuf};
use std::process::Command;

pub use testdir::TestDir;

pub use rexpect::error::Error;
pub use rexpect::session::PtySession;

/// A forkless binary to drive.
#[derive(Clone, Debug)]
pub struct Forkless {
    bin: PathBuf,
}

impl Forkless {
    pub fn new(bin: impl Into<PathBuf>) -> Forkless {
        Forkless { bin: bin.into() }
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// A command running `forkless ARGS...`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args);
        c
    }

    /// Runs `script` with `forkless sh -c` in `dir`: its stdout, or a
    /// panic with its status and everything it said.
    pub fn sh(&self, dir: &Path, script: &str) -> String {
        let out = self.command(&["sh", "-c", script]).current_dir(dir).output().expect("forkless runs");
        assert!(
            out.status.success(),
            "`{script}`: {}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `forkless ARGS...` on a fresh pseudo-terminal; every expect
    /// gives up after `timeout_ms`.
    pub fn on_pty(&self, args: &[&str], timeout_ms: u64) -> Result<PtySession, Error> {
        rexpect::session::spawn_command(self.command(args), Some(timeout_ms))
    }
}
