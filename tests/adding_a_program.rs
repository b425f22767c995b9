//! README, "Adding a program", done as a new developer would: a new C
//! program with globals that forks, dropped into a programs directory,
//! built, and run as `forkless NAME` and from `forkless sh`.
//!
//! The build is a real `cargo build` of this workspace, with
//! `FORKLESS_PROGRAMS_DIR` pointing at the test's own programs directory
//! and `FORKLESS_GUESTS=0` (first-party programs only), into a target
//! directory of its own under target/ that later runs reuse.

use std::path::Path;
use std::process::Command;

use harness::TestDir;

/// A program with a global, an initialized static and heap memory, which a
/// fork child changes: the parent must still see its own values.
const PROGRAM: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int counter = 1;
static const char *greeting = "hello";

int main(int argc, char **argv)
{
    char *word = strdup(argc > 1 ? argv[1] : "world");
    pid_t pid = fork();
    if (pid == 0) {
        counter += 41;
        greeting = "changed";
        word[0] = 'W';
        printf("child: %s %s %d\n", greeting, word, counter);
        return 0;
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent: %s %s %d, child exited %d\n", greeting, word, counter, WEXITSTATUS(status));
    return counter;
}
"#;

#[test]
fn a_new_program_with_globals_and_fork_runs_as_forkless_name() {
    let tmp = TestDir::new("adding-a-program").unwrap();
    let programs = tmp.path().join("programs");
    std::fs::create_dir_all(&programs).unwrap();
    std::fs::write(programs.join("greet.c"), PROGRAM).unwrap();

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adding-a-program-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--bin", "forkless"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env("FORKLESS_PROGRAMS_DIR", &programs)
        .env("FORKLESS_GUESTS", "0")
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo build failed:\n{}", String::from_utf8_lossy(&out.stderr));

    let forkless = target.join("debug/forkless");
    let run = Command::new(&forkless).args(["greet", "there"]).output().expect("forkless runs");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "child: changed Where 42\nparent: hello there 1, child exited 0\n",
        "stderr: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(run.status.code(), Some(1));
    let help = Command::new(&forkless).arg("--help").output().expect("forkless runs");
    assert!(String::from_utf8_lossy(&help.stdout).contains(" greet"), "--help lists the program");
}
