//! fork + _exit + waitpid round trip for guest heaps of 64 KiB, 1 MiB,
//! 16 MiB and 64 MiB: benches/c/fork_bench.c run under tvm, against the
//! same program compiled natively and forking for real, in the same run.
//! Prints a table with the ratio tvm/native (lower is better).
//!
//! `cargo bench --bench fork`

mod common;

include!(concat!(env!("OUT_DIR"), "/bench_programs.rs"));

/// (heap KiB, rounds): fewer rounds where each is slow.
const CASES: &[(u64, u64)] = &[(64, 2000), (1024, 1000), (16 * 1024, 100), (64 * 1024, 30)];

fn main() {
    common::run_guest_if_child(BENCH_PROGRAMS, "fork_bench");
    let native = common::native_binary("fork_bench");
    println!("fork + _exit + waitpid round trip (same C program, same run)");
    println!("{:>9} {:>7} {:>12} {:>12} {:>11}", "heap", "rounds", "tvm", "native", "tvm/native");
    for &(kib, rounds) in CASES {
        let args = format!("{kib} {rounds}");
        let t = common::tvm_ns(&args);
        let n = common::native_ns(&native, &args);
        let heap = if kib >= 1024 { format!("{} MiB", kib / 1024) } else { format!("{kib} KiB") };
        println!("{heap:>9} {rounds:>7} {:>9.1} us {:>9.1} us {:>11.3}", t / 1000.0, n / 1000.0, t / n);
    }
}
