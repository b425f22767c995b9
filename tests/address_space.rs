//! A task holds little of the host's address space, so many fit where
//! address space is scarce (an iOS app has a few GiB in all).
//!
//! One `forkless sh` under a 4 GiB RLIMIT_AS starts 999 `sleep` tasks and
//! waits; the test counts them and reads the process's VmSize while they
//! all live. Before each arena was a chain of small regions and each stack
//! grew on demand, a task reserved over 1 GiB and the third fork failed.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use harness::procfs;

const LIMIT: u64 = 4 << 30;
const SLEEPS: usize = 999;

#[test]
fn a_thousand_tasks_fit_in_4_gib_of_address_space() {
    let script = format!(
        "i=0; while [ $i -lt {SLEEPS} ]; do sleep 1000 & i=$((i+1)); done; \
         echo started $(jobs -p | wc -l); read ack; kill $(jobs -p); wait; echo done"
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forkless"));
    cmd.args(["sh", "-c", &script]).stdin(Stdio::piped()).stdout(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches no parent state.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit { rlim_cur: LIMIT, rlim_max: LIMIT };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("forkless runs");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("a pipe");
    let mut lines = BufReader::new(child.stdout.take().expect("a pipe")).lines();
    let line = lines.next().expect("a line").expect("UTF-8");
    let vm_kib = procfs::status_field(pid, "VmSize:");
    let threads = procfs::status_field(pid, "Threads:");
    stdin.write_all(b"\n").expect("ack");
    let rest: Vec<String> = lines.map(|l| l.expect("UTF-8")).collect();
    let status = child.wait().expect("forkless ends");
    eprintln!("{line}: VmSize {vm_kib} KiB, {threads} threads");
    assert_eq!(line, format!("started {SLEEPS}"), "every fork succeeded");
    assert!(threads as usize > SLEEPS, "the sleeps were alive together: {threads} threads");
    assert!(vm_kib * 1024 < LIMIT, "{vm_kib} KiB");
    assert_eq!(rest, ["done"]);
    assert!(status.success(), "{status}");
}
