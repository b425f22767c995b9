//! Memory of idle tasks: `forkless sh` with N-1 `sleep` tasks in the
//! background and one in the foreground, against the native mksh and the
//! native toybox built from the same sources (build.rs), in the same run.
//! Prints forkless's RSS (one process) against the native processes'
//! total RSS and total PSS (PSS divides shared pages among the processes
//! that map them, so it is what the native tree really costs), and the
//! ratio forkless RSS / native PSS (lower is better; at most 1.0 is the
//! target of docs/memory.md).
//!
//! `cargo bench --bench memory`

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use harness::{procfs, TestDir};

/// Task counts measured (the shell included).
const SIZES: &[usize] = &[2, 100];

/// Starts `cmd` (a shell that prints "up" once its background sleeps run,
/// then sleeps), waits for it to settle, and returns (RSS, PSS) summed over
/// the process and its children, and the number of processes.
fn measure(mut cmd: Command) -> (u64, u64, usize) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("the shell starts");
    let mut up = [0u8; 3];
    child.stdout.take().expect("piped").read_exact(&mut up).expect("the shell reports its tasks running");
    std::thread::sleep(Duration::from_secs(1));
    let mut procs = vec![child.id()];
    procs.extend(procfs::children(child.id()));
    let m = procs.iter().map(|&p| procfs::memory(p)).fold(procfs::Memory::default(), |a, b| a + b);
    let _ = Command::new("kill").arg("-9").args(procs.iter().map(u32::to_string)).status();
    let _ = child.wait();
    (m.rss, m.pss, procs.len())
}

fn script(tasks: usize) -> String {
    format!("i=0; while [ $i -lt {} ]; do sleep 1000 & i=$((i+1)); done; echo up; exec sleep 1000", tasks - 1)
}

fn main() {
    let dir = TestDir::new("bench-memory").expect("a directory");
    // The native sleep: toybox under that name, first on PATH.
    std::os::unix::fs::symlink(env!("FORKLESS_NATIVE_TOYBOX"), dir.path().join("sleep")).expect("symlink");
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    println!("idle tasks: a shell and sleeps (same mksh and toybox sources, same run)");
    println!(
        "{:<10} {:>14} {:>14} {:>14} {:>18}",
        "tasks", "forkless RSS", "native RSS", "native PSS", "fk RSS/native PSS"
    );
    for &n in SIZES {
        // The shell execs its last sleep: n tasks in all, as natively.
        let mut fk = Command::new(env!("CARGO_BIN_EXE_forkless"));
        fk.args(["sh", "-c", &script(n)]);
        let (frss, _, _) = measure(fk);
        let mut nat = Command::new(env!("FORKLESS_NATIVE_MKSH"));
        nat.args(["-c", &script(n)]).env("PATH", &path);
        let (nrss, npss, procs) = measure(nat);
        assert_eq!(procs, n, "the native tree has every task");
        println!("{:<10} {:>10} KiB {:>10} KiB {:>10} KiB {:>18.3}", n, frss, nrss, npss, frss as f64 / npss as f64);
    }
}
