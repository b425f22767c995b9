//! Signal round trip: kill -> handler -> reply through a pipe, between two
//! tasks under tvm (benches/c/signal_bench.c), against the same program
//! compiled natively between two processes, in the same run. Prints the
//! ratio tvm/native (lower is better).
//!
//! `cargo bench --bench signal [-- ROUNDS]`

mod common;

include!(concat!(env!("OUT_DIR"), "/bench_programs.rs"));

const DEFAULT_ROUNDS: u64 = 20000;

fn main() {
    common::run_guest_if_child(BENCH_PROGRAMS, "signal_bench");
    let rounds = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(DEFAULT_ROUNDS);
    let native = common::native_binary("signal_bench");
    let args = rounds.to_string();
    // Warm up both (thread pools, page cache), then measure.
    common::tvm_ns("100");
    common::native_ns(&native, "100");
    let t = common::tvm_ns(&args);
    let n = common::native_ns(&native, &args);
    println!("signal round trip: kill -> handler -> pipe reply (same C program, same run)");
    println!("{:>7} {:>12} {:>12} {:>11}", "rounds", "tvm", "native", "tvm/native");
    println!("{rounds:>7} {:>9.2} us {:>9.2} us {:>11.3}", t / 1000.0, n / 1000.0, t / n);
}
