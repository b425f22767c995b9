//! A panic inside the runtime ends the task it happened in, reported on
//! stderr, and nothing else: no panic unwinds into C, where it would
//! abort the whole process and every task in it.
//!
//! Test builds make the entry point named in `TVM_FAULT_INJECT` panic
//! (`abi::no_unwind`). Without the guards, the first of these aborted
//! forkless with "panic in a function that cannot unwind", and no status
//! line was printed.

use std::process::Command;

/// Runs `forkless sh -c SCRIPT` with a panic injected in `entry`; returns
/// (stdout, stderr).
fn with_fault(entry: &str, script: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_forkless"))
        .args(["sh", "-c", script])
        .env("TVM_FAULT_INJECT", entry)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("forkless runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_panic_in_exit_ends_only_the_exiting_task() {
    // The subshell's exit panics: it ends with SIGABRT, and its parent
    // goes on to report that.
    let (out, err) = with_fault("exit", "(exit 3); echo \"status $?\"");
    assert_eq!(out, "status 134\n", "stderr: {err}");
    assert!(err.contains("tvm: internal error in exit (task "), "stderr: {err}");
}

#[test]
fn a_panic_in_underscore_exit_ends_only_the_exiting_task() {
    // toybox leaves through _exit; the shell's builtin true does not.
    let (out, err) = with_fault("_exit", "true; echo \"status $?\"; toybox true; echo \"status $?\"");
    assert_eq!(out, "status 0\nstatus 134\n", "stderr: {err}");
    assert!(err.contains("tvm: internal error in _exit (task "), "stderr: {err}");
}
