//! Terminal scenarios (scenarios/*.scn, format in harness::scenario): each
//! runs on a fresh pseudo-terminal against three transports, `forkless sh`,
//! a login over ssh (the OpenSSH client, `ssh -tt`, into a `forkless sshd`
//! of the trial's own) and native mksh built from the same sources (the
//! reference that proves the scenario right); all must pass. After an ssh
//! trial, a second login's `tvm ps` must show no task left of the first. Native mksh's commands are native
//! toybox's (and less and awk, native builds), through a directory of links first in PATH, so both
//! sides run the same programs. Transcripts of the scenarios listed in
//! SNAPSHOTS must also be what snapshots/ holds (forkless's, which must be
//! byte-identical to native's).
//!
//! `cargo test --test scenarios [NAME]` (NAME filters, as for any test).

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use harness::scenario::{Scenario, Step, PROMPT};
use harness::sshd::Server;
use harness::TestDir;
use libtest_mimic::{Arguments, Failed, Trial};

/// Scenarios whose whole transcript is stable enough for a snapshot.
const SNAPSHOTS: &[&str] = &["prompt_echo_exit", "line_edit_backspace", "stty_size_after_resize"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Forkless,
    Ssh,
    Native,
}

/// Native toybox's applets as links in `dir/bin`, for native mksh's PATH.
fn native_applets(dir: &Path) -> Result<PathBuf, String> {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let toybox = env!("FORKLESS_NATIVE_TOYBOX");
    let out = Command::new(toybox).output().map_err(|e| format!("{toybox}: {e}"))?;
    for name in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        std::os::unix::fs::symlink(toybox, bin.join(name)).map_err(|e| e.to_string())?;
    }
    // The guests that are not toybox applets.
    for (name, native) in [("less", env!("FORKLESS_NATIVE_LESS")), ("awk", env!("FORKLESS_NATIVE_MAWK"))] {
        std::os::unix::fs::symlink(native, bin.join(name)).map_err(|e| e.to_string())?;
    }
    // The shell itself, as forkless has it at /bin/sh and /bin/mksh.
    for name in ["sh", "mksh"] {
        let _ = std::fs::remove_file(bin.join(name));
        std::os::unix::fs::symlink(env!("FORKLESS_NATIVE_MKSH"), bin.join(name)).map_err(|e| e.to_string())?;
    }
    Ok(bin)
}

/// The shell of `t`, on a clean environment in `dir`.
fn shell(t: Transport, dir: &Path) -> Result<Command, String> {
    let (mut cmd, path) = match t {
        Transport::Forkless => {
            let mut c = Command::new(env!("CARGO_BIN_EXE_forkless"));
            c.arg("sh");
            (c, "/usr/bin:/bin".to_string())
        }
        Transport::Native | Transport::Ssh => {
            use std::os::unix::process::CommandExt;
            let mut c = Command::new(env!("FORKLESS_NATIVE_MKSH"));
            c.arg0("sh");
            (c, native_applets(dir)?.display().to_string())
        }
    };
    // mksh takes PS1 from the environment file of an interactive shell
    // (a root shell ignores an exported PS1).
    let env = dir.join("env.sh");
    std::fs::write(&env, format!("PS1='{PROMPT}'\n")).map_err(|e| e.to_string())?;
    tvm::testkit::default_signals(&mut cmd)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("TMPDIR", dir)
        .env("TERM", "xterm")
        .env("LC_ALL", "C")
        .env("ENV", &env);
    Ok(cmd)
}

/// A scenario over ssh: the transcript, and the server's task table
/// afterwards showing nothing of the session.
fn over_ssh(s: &Scenario, dir: &Path) -> Result<Vec<u8>, String> {
    let mut server = Server::start(Path::new(env!("CARGO_BIN_EXE_forkless")), dir, &[], &[])
        .map_err(|e| format!("cannot start forkless sshd: {e}"))?;
    let mut cmd = server.ssh(&["-tt"]);
    tvm::testkit::default_signals(&mut cmd).env("TERM", "xterm");
    // After a hangup the status is the client's: OpenSSH's ssh ends with
    // 255 when its terminal goes away. The shell's own end shows in the
    // server's task table (`left_over`).
    let mut s = s.clone();
    if let Some(h) = s.steps.iter().position(|st| matches!(st, Step::HangUp)) {
        for st in &mut s.steps[h..] {
            if let Step::Exit(code) = st {
                *code = 255;
            }
        }
    }
    let transcript = s.run(cmd)?;
    server.left_over()?;
    let st = server.stop(Duration::from_secs(5)).map_err(|e| e.to_string())?;
    if st.code() != Some(0) {
        return Err(format!("forkless sshd ended with {st} after SIGTERM\n{}", server.log_text()));
    }
    Ok(transcript)
}

fn run(s: &Scenario, t: Transport) -> Result<(), Failed> {
    let tmp = TestDir::new(&format!("scenario-{}", s.name)).map_err(|e| e.to_string())?;
    let r = if t == Transport::Ssh { over_ssh(s, tmp.path()) } else { shell(t, tmp.path()).and_then(|cmd| s.run(cmd)) };
    match r {
        Ok(transcript) => {
            // Both transports against one snapshot: forkless's terminal
            // output is native's, byte for byte.
            if SNAPSHOTS.contains(&s.name.as_str()) {
                insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
                    insta::assert_snapshot!(format!("scenario_{}", s.name), visible(&transcript));
                });
            }
            Ok(())
        }
        Err(e) => Err(format!("{e}\n{}", tmp.keep()).into()),
    }
}

/// A transcript as text, control characters shown as their Unicode
/// pictures (␍ for CR, ␈ for BS, ␛ for ESC); newlines stay newlines.
fn visible(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\n' => c,
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or(c),
            '\x7f' => '␡',
            c => c,
        })
        .collect()
}

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let scenarios = Scenario::all_in(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut trials = Vec::new();
    for s in scenarios {
        for t in [Transport::Forkless, Transport::Ssh, Transport::Native] {
            let s = s.clone();
            let label = match t {
                Transport::Forkless => "forkless",
                Transport::Ssh => "ssh",
                Transport::Native => "native",
            };
            trials.push(Trial::test(format!("{}::{label}", s.name), move || run(&s, t)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
