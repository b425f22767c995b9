//! The `forkless` command line, from the outside.

use assert_cmd::Command;
use harness::{Forkless, TestDir};
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

/// After PROGRAM, `--help` and `--version` are the program's, as
/// `forkless sh -c 'ls --help'` has them.
#[test]
fn help_and_version_after_the_program_are_the_programs() {
    forkless().args(["ls", "--help"]).assert().success().stdout(predicate::str::contains("usage: ls ["));
    forkless().args(["cat", "--version"]).assert().success().stdout("toybox 0.8.9\n");
    forkless().args(["sh", "-c", "echo $# $1", "x", "--help"]).assert().success().stdout("1 --help\n");
    forkless().args(["nosuchprogram", "--help"]).assert().code(2).stdout("");
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
    // Started by a process that is not a job-control shell: the first task
    // leads nothing, like the host process (outer group and session 3).
    forkless()
        .args(["tvm", "ps"])
        .assert()
        .success()
        .stdout(predicate::str::contains("    1     0     1     1 S    init\n"))
        .stdout(predicate::str::contains("    2     1     3     3 R    tvm ps\n"));
    // Started as a session leader: the first task leads its group and session.
    let mut leader = std::process::Command::new(assert_cmd::cargo::cargo_bin("forkless"));
    leader.args(["tvm", "ps"]);
    // SAFETY: setsid is async-signal-safe; nothing else runs before exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut leader, || {
            nix::unistd::setsid().map(drop).map_err(std::io::Error::from)
        });
    }
    Command::from_std(leader)
        .assert()
        .success()
        .stdout(predicate::str::contains("    2     1     2     2 R    tvm ps\n"));
}

#[test]
fn tvm_ps_shows_task_states() {
    // R for the one running (tvm ps itself), S asleep in a call, T
    // stopped, Z a zombie its parent has not waited for.
    // The zombie's parent execs a program that never waits.
    let script =
        "sleep 30 & s=$!; sleep 31 & t=$!; kill -STOP $t; sh -c '(sleep 0.2; exit 3) & exec sleep 32' & p=$!; \
                  sleep 1; tvm ps | awk -v s=$s -v t=$t -v p=$p '$1 == s || $1 == t || $2 == p { print $5 }'; \
                  kill -KILL $s $t $p";
    forkless().args(["sh", "-c", script]).assert().success().stdout("S\nT\nZ(3)\n");
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
    let tmp = TestDir::new("multicall").unwrap();
    let link = tmp.path().join("tvm");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("forkless"), &link).unwrap();
    // argv[0] stays as given, as for a native program.
    Command::new(&link)
        .arg("ps")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("R    {} ps\n", link.display())));
}

#[test]
fn runs_on_a_terminal_without_hanging() {
    let f = Forkless::new(assert_cmd::cargo::cargo_bin("forkless"));
    let mut p = f.on_pty(&["tvm", "lsof"], 10_000).expect("forkless starts on a pty");
    p.exp_string("    2    0 CHR  r").expect("fd 0 is the terminal");
    p.exp_eof().expect("forkless exits");
}

#[test]
fn sh_runs_mksh_with_its_exit_status() {
    forkless().args(["sh", "-c", "echo $(( 6 * 7 )); (exit 3); echo $?"]).assert().success().stdout("42\n3\n");
    forkless().args(["sh", "-c", "exit 5"]).assert().code(5);
    forkless().args(["sh", "-c", "echo \"$0:$1:$#\"", "name", "a", "b"]).assert().success().stdout("name:a:2\n");
    forkless()
        .args(["mksh", "-c", "echo $KSH_VERSION"])
        .assert()
        .success()
        .stdout(predicate::str::contains("MIRBSD KSH R59"));
}

#[test]
fn sh_options_and_script_sources() {
    // -e stops at the first failure; -x traces to stderr.
    forkless().args(["sh", "-e", "-c", "false; echo not reached"]).assert().code(1).stdout("");
    forkless().args(["sh", "-x", "-c", "echo hi"]).assert().success().stdout("hi\n").stderr("+ echo hi\n");
    // A script on stdin, with positional parameters after -s.
    forkless()
        .args(["sh", "-s", "p1", "p2"])
        .write_stdin("echo \"$1 $2\"\nexit 9\n")
        .assert()
        .code(9)
        .stdout("p1 p2\n");
    // A script file with arguments.
    let tmp = TestDir::new("sh-script").unwrap();
    let script = tmp.path().join("s.sh");
    std::fs::write(&script, "for a; do echo \"<$a>\"; done\nexit $#\n").unwrap();
    forkless().arg("sh").arg(&script).args(["x y", "z"]).assert().code(2).stdout("<x y>\n<z>\n");
}

#[test]
fn sh_killed_by_a_signal_ends_forkless_by_it() {
    use std::os::unix::process::ExitStatusExt;
    // mksh re-raises SIGTERM on itself only as a group leader; otherwise
    // it exits 143, as natively.
    forkless().args(["sh", "-c", "kill -TERM $$"]).assert().code(143);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("forkless"))
        .args(["sh", "-c", "kill -KILL $$"])
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGKILL), "{:?}", out.status);
}

/// Native toybox (same sources) with `args`: its stdout.
fn native_toybox(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("FORKLESS_NATIVE_TOYBOX")).args(args).output().expect("native toybox");
    assert!(out.status.success(), "native toybox {args:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn toybox_applets_run_as_programs_and_from_the_shell() {
    let ls = native_toybox(&["ls", "-a", "/"]);
    forkless().args(["ls", "-a", "/"]).assert().success().stdout(ls.clone());
    forkless().args(["toybox", "ls", "-a", "/"]).assert().success().stdout(ls);
    let ls_la = native_toybox(&["ls", "-la", "/"]);
    let out = forkless().args(["ls", "-la", "/"]).assert().success().get_output().stdout.clone();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), ls_la.lines().count());

    let plain = native_toybox(&["ls", "/"]);
    forkless().args(["sh", "-c", "ls /; echo 1234 | base64"]).assert().success().stdout(format!("{plain}MTIzNAo=\n"));
    forkless()
        .args(["sh", "-c", "seq 1 100000 | sort -rn | head -3"])
        .assert()
        .success()
        .stdout("100000\n99999\n99998\n");
    let entries = native_toybox(&["find", "/", "-maxdepth", "1"]).lines().count();
    forkless().args(["sh", "-c", "find / -maxdepth 1 | wc -l"]).assert().success().stdout(format!("{entries}\n"));
    // PATH search lands on the applet, not on the host's /usr/bin/ls.
    forkless().args(["sh", "-c", "PATH=/usr/bin:/bin; ls -d /"]).assert().success().stdout("/\n");
}

#[test]
fn multicall_follows_symlink_chains_and_keeps_argv0() {
    let tmp = TestDir::new("chain").unwrap();
    let dir = tmp.path();
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("forkless"), dir.join("mksh")).unwrap();
    std::os::unix::fs::symlink("mksh", dir.join("myshell")).unwrap();
    let myshell = dir.join("myshell");
    Command::new(&myshell).args(["-c", "echo $0"]).assert().success().stdout(format!("{}\n", myshell.display()));
    // From inside, exec of the same binary under a program's name runs that
    // program too (check.t re-runs "$__progname").
    Command::new(&myshell)
        .args(["-c", "\"$0\" -c 'echo inner $0'"])
        .assert()
        .success()
        .stdout(format!("inner {}\n", myshell.display()));
}

/// Signals the host process was started with ignored stay ignored in the
/// first task, as across exec: a shell started under `nohup` or in the
/// background of a script cannot trap them, natively or under forkless.
#[test]
fn ignored_signals_are_inherited_like_across_exec() {
    use std::os::unix::process::CommandExt;
    // SIGPIPE too: Rust's start-up ignores it, so the runtime reads how
    // the process was started before that (kernel/signal/at_start.c).
    let script = "trap 'echo got HUP' HUP; kill -HUP $$; trap 'echo got USR1' USR1; kill -USR1 $$; \
                  yes 2>/dev/null | head -1 >/dev/null; echo \"yes: ${PIPESTATUS[0]}\"; echo done";
    let run = |mut cmd: std::process::Command, ignore_pipe: bool| {
        // SAFETY: signal is async-signal-safe; nothing else runs before exec.
        unsafe {
            cmd.pre_exec(move || {
                libc::signal(libc::SIGHUP, libc::SIG_IGN);
                libc::signal(libc::SIGPIPE, if ignore_pipe { libc::SIG_IGN } else { libc::SIG_DFL });
                Ok(())
            });
        }
        let out = cmd.arg("-c").arg(script).output().expect("runs");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    for (ignore_pipe, yes_status) in [(true, 1), (false, 141)] {
        let mut native = std::process::Command::new(env!("FORKLESS_NATIVE_MKSH"));
        native.arg0("sh");
        let want = run(native, ignore_pipe);
        assert_eq!(want, format!("got USR1\nyes: {yes_status}\ndone\n"));
        let mut ours = std::process::Command::new(assert_cmd::cargo::cargo_bin("forkless"));
        ours.arg("sh");
        assert_eq!(run(ours, ignore_pipe), want, "SIGPIPE ignored: {ignore_pipe}");
    }
}

/// SIGTSTP to a background job stops it when the shell's group is linked
/// to its session, and is discarded when the group is orphaned (the shell
/// leads a session of its own here): as native mksh under the same host
/// conditions, decided from the host's process table.
#[test]
fn tstp_to_a_background_job_follows_the_hosts_orphaned_group() {
    use std::os::unix::process::CommandExt;
    let script =
        "sleep 1 & pid=$!; kill -TSTP $pid; sleep 0.3; jobs; kill -CONT $pid 2>/dev/null; wait $pid; echo done";
    let run = |mut cmd: std::process::Command, own_session: bool| {
        if own_session {
            // SAFETY: setsid is async-signal-safe; nothing else runs before exec.
            unsafe {
                cmd.pre_exec(|| nix::unistd::setsid().map(drop).map_err(std::io::Error::from));
            }
        }
        let out = cmd.arg("-c").arg(script).output().expect("runs");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    for own_session in [true, false] {
        let mut native = std::process::Command::new(env!("FORKLESS_NATIVE_MKSH"));
        native.arg0("sh");
        let want = run(native, own_session);
        let mut ours = std::process::Command::new(assert_cmd::cargo::cargo_bin("forkless"));
        ours.arg("sh");
        assert_eq!(run(ours, own_session), want, "own session: {own_session}");
        // Without a session of its own, the group is what the test
        // runner's is: linked or not, forkless must agree with native.
        if own_session {
            assert!(want.contains("Running"), "an orphaned group discards SIGTSTP: {want:?}");
        }
    }
}

/// A host binary on PATH is not a command inside forkless: `command -v`
/// finds nothing, as on a system without it, and running it gives mksh's
/// "can't execute" (126), as for any file without execute permission.
#[test]
fn host_binaries_on_path_are_not_commands() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TestDir::new("host-binary").unwrap();
    let bin = tmp.path().join("hostonly");
    std::fs::write(&bin, b"\x7fELF\x02\x01\x01\0\0\0\0\0").unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/bin:/usr/bin", tmp.path().display());
    forkless()
        .env("PATH", &path)
        .args(["sh", "-c", "command -v hostonly; echo $?; test -x hostonly; echo $?; hostonly; echo $?"])
        .current_dir(tmp.path())
        .assert()
        .success()
        .stdout("1\n1\n126\n");
}

/// A task waiting for an empty pipe waits inside the host's read(2) on that
/// pipe, as a native process does: one system call per wait, not a failed
/// read and a ppoll before the read that moves the data
/// (platform/linux/waiting_io.rs). Looked at from the host's
/// /proc/PID/task/*/syscall while `cat` waits for `sleep`.
#[cfg(target_os = "linux")]
#[test]
fn a_reader_of_an_empty_pipe_waits_in_the_host_read() {
    use std::time::{Duration, Instant};
    let read_nr = if cfg!(target_arch = "x86_64") { 0 } else { 63 };
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("forkless"))
        .args(["sh", "-c", "sleep 3 | cat"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("forkless starts");
    let pid = child.id();
    // Each thread's current system call: "NR ARG0 ..." (or "running").
    let calls = || -> Vec<String> {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
        tasks.flatten().filter_map(|t| std::fs::read_to_string(t.path().join("syscall")).ok()).collect()
    };
    let reads_a_pipe = |line: &str| {
        let mut f = line.split_whitespace();
        let (Some(nr), Some(fd)) = (f.next(), f.next()) else { return false };
        let fd = i64::from_str_radix(fd.trim_start_matches("0x"), 16).unwrap_or(-1);
        nr == read_nr.to_string()
            && std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
                .is_ok_and(|p| p.to_string_lossy().starts_with("pipe:"))
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    let (found, seen) = loop {
        let seen = calls();
        if seen.iter().any(|l| reads_a_pipe(l)) {
            break (true, seen);
        }
        if Instant::now() > deadline {
            break (false, seen);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "no thread of forkless waits in read(2) on a pipe; system calls seen: {seen:?}");
}
