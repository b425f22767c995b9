//! fork + _exit + waitpid round trip for guest heaps of 64 KiB, 1 MiB,
//! 16 MiB and 64 MiB: benches/c/fork_bench.c run under tvm, against the
//! same program compiled natively and forking for real, in the same run.
//! Prints a table with the ratio tvm/native (lower is better).
//!
//! `cargo bench --bench fork`

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::Command;

use tvm::kernel::boot;
use tvm::programs;

include!(concat!(env!("OUT_DIR"), "/bench_programs.rs"));

/// (heap KiB, rounds): fewer rounds where each is slow.
const CASES: &[(u64, u64)] = &[(64, 2000), (1024, 1000), (16 * 1024, 100), (64 * 1024, 30)];

/// Compiles the benchmark program natively, next to the bench binary.
fn native_binary(exe: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/c/fork_bench.c");
    let out = exe.with_file_name("fork_bench_native");
    let st = Command::new("cc").args(["-O2", "-o"]).arg(&out).arg(&src).status().expect("cc runs");
    assert!(st.success(), "cannot compile {}", src.display());
    out
}

fn ns(cmd: &mut Command) -> f64 {
    let out = cmd.output().expect("benchmark process runs");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("prints nanoseconds")
}

fn main() {
    let exe = std::env::current_exe().expect("bench binary path");
    if let Some(args) = std::env::var_os("TVM_BENCH_ARGS") {
        // Child process: run the guest as the first task.
        let p = BENCH_PROGRAMS.iter().find(|p| p.id == "fork_bench").expect("fork_bench is built");
        let prog = programs::register_guest("/bench/fork_bench", p).expect("register");
        let mut argv = vec![CString::from(c"fork_bench")];
        argv.extend(args.to_string_lossy().split(' ').map(|a| CString::new(a).expect("digits")));
        let status = boot::run_first(prog, argv).expect("runs");
        std::process::exit(boot::exit_code(status));
    }
    let native = native_binary(&exe);
    println!("fork + _exit + waitpid round trip (same C program, same run)");
    println!("{:>9} {:>7} {:>12} {:>12} {:>11}", "heap", "rounds", "tvm", "native", "tvm/native");
    for &(kib, rounds) in CASES {
        let args = format!("{kib} {rounds}");
        let t = ns(Command::new(&exe).env("TVM_BENCH_ARGS", &args));
        let n = ns(Command::new(&native).arg(kib.to_string()).arg(rounds.to_string()));
        let heap = if kib >= 1024 { format!("{} MiB", kib / 1024) } else { format!("{kib} KiB") };
        println!("{heap:>9} {rounds:>7} {:>9.1} us {:>9.1} us {:>11.3}", t / 1000.0, n / 1000.0, t / n);
    }
}
