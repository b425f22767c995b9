//! test_tvm's own command line: listing, selection, the gdb guard.

use assert_cmd::Command;
use predicates::prelude::*;

fn test_tvm() -> Command {
    Command::cargo_bin("test_tvm").expect("test_tvm is built")
}

fn listed(args: &[&str]) -> Vec<String> {
    let out = test_tvm().args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8").lines().map(str::to_string).collect()
}

#[test]
fn lists_at_least_forty_tests() {
    let all = listed(&["-l"]);
    assert!(all.len() >= 40, "{} tests", all.len());
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "names are unique");
}

#[test]
fn k_selects_case_insensitive_substrings_and_repeats() {
    let pipes = listed(&["-l", "-k", "PIPES"]);
    assert!(!pipes.is_empty());
    assert!(pipes.iter().all(|t| t.contains("pipes")), "{pipes:?}");
    assert_eq!(listed(&["-l", "-k=pipes"]), pipes);
    let both = listed(&["-l", "-k", "pipes", "-k", "wait_"]);
    assert!(both.len() > pipes.len());
    assert!(both.iter().all(|t| t.contains("pipes") || t.contains("wait_")));
    assert!(listed(&["-l", "-k", "no-such-test"]).is_empty());
}

#[test]
fn k_runs_only_the_selected_tests() {
    test_tvm()
        .args(["-k", "pipes_basic"])
        .assert()
        .success()
        .stdout(predicate::str::contains("test pipes_basic"))
        .stdout(predicate::str::contains("1 passed"));
}

#[test]
fn gdb_needs_exactly_one_test() {
    test_tvm()
        .args(["-g", "-k", "pipes_basic", "-k", "wait_nohang"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-g needs exactly one selected test, 2 selected"));
    test_tvm().args(["-g", "-k", "no-such-test"]).assert().code(2);
}

#[test]
fn a_failing_program_fails_its_test() {
    // exit_with is a helper, not a test; run it directly as a test process.
    test_tvm().args(["--run-one", "exit_with", "--", "5"]).assert().code(5);
    test_tvm().args(["--run-one", "no_such_program"]).assert().code(2);
}

#[test]
fn help_describes_the_flags() {
    test_tvm()
        .arg("-h")
        .assert()
        .success()
        .stdout(predicate::str::contains("-l, --list"))
        .stdout(predicate::str::contains("-k <NAME>"))
        .stdout(predicate::str::contains("-v, --verbose"))
        .stdout(predicate::str::contains("-g, --gdb"));
}

#[test]
fn the_task_cap_comes_from_the_environment() {
    // limits_task_cap reads the same variable and expects fork to fail at
    // exactly that many live tasks.
    test_tvm()
        .args(["-k", "limits_task_cap"])
        .env("TVM_MAX_TASKS", "16")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 passed"));
}

#[test]
fn a_sessions_share_of_the_task_cap_follows_the_cap() {
    // limits_session_share reads the same variable and expects a new
    // session's fork loop to stop at half of it.
    test_tvm()
        .args(["-k", "limits_session_share"])
        .env("TVM_MAX_TASKS", "40")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 passed"));
}
