//! The `forkless` command line, from the outside.

use assert_cmd::Command;
use harness::Forkless;
use predicates::prelude::*;

fn forkless() -> Command {
    Command::cargo_bin("forkless").expect("forkless is built")
}

#[test]
fn help_lists_usage_and_programs() {
    let out = forkless().arg("--help").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).expect("UTF-8 help");
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("forkless_help", text);
    });
}

#[test]
fn version() {
    forkless().arg("--version").assert().success().stdout(format!("forkless {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_program_is_one_line_and_status_2() {
    let assert = forkless().arg("nosuchprogram").assert().code(2).stdout("");
    let err = String::from_utf8(assert.get_output().stderr.clone()).expect("UTF-8");
    assert_eq!(err.lines().count(), 1, "stderr: {err:?}");
    assert!(err.contains("nosuchprogram"));
}

#[test]
fn missing_program_argument_is_status_2() {
    forkless().assert().code(2).stderr(predicate::str::contains("<PROGRAM>"));
}

#[test]
fn runs_a_program_as_the_first_task() {
    forkless()
        .args(["tvm", "ps"])
        .assert()
        .success()
        .stdout(predicate::str::contains("    1     0     1     1 R    init\n"))
        .stdout(predicate::str::contains("    2     1     2     2 R    tvm ps\n"));
}

#[test]
fn program_exit_status_is_the_host_status() {
    forkless().args(["tvm", "bogus"]).assert().code(2).stderr("usage: tvm ps | tvm lsof\n");
    forkless().args(["/usr/bin/tvm", "ps"]).assert().success();
}

#[test]
fn stdin_pipe_is_the_first_task_fd_0() {
    forkless()
        .args(["tvm", "lsof"])
        .write_stdin("x")
        .assert()
        .success()
        .stdout(predicate::str::contains("    2    0 FIFO r"));
}

#[test]
fn multicall_by_program_name() {
    let dir = std::env::temp_dir().join(format!("forkless-multicall-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("tvm");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("forkless"), &link).unwrap();
    Command::new(&link).arg("ps").assert().success().stdout(predicate::str::contains("R    tvm ps\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn runs_on_a_terminal_without_hanging() {
    let f = Forkless::new(assert_cmd::cargo::cargo_bin("forkless"));
    let mut p = f.on_pty(&["tvm", "lsof"], 10_000).expect("forkless starts on a pty");
    p.exp_string("    2    0 CHR  r").expect("fd 0 is the terminal");
    p.exp_eof().expect("forkless exits");
}
