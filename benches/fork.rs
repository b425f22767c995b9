//! fork + _exit + waitpid round trip for guest heaps of 64 KiB, 1 MiB,
//! 16 MiB and 64 MiB: benches/c/fork_bench.c run under tvm, against the
//! same program compiled natively and forking for real, in the same run.
//! Prints a table with the ratio tvm/native (lower is better), and what the
//! runtime's copy alone takes for the heap's bytes between two populated
//! buffers against the native fork: the floor of a fork that copies the
//! heap when it happens (docs/performance.md).
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
    println!(
        "{:>9} {:>7} {:>12} {:>12} {:>11} {:>12} {:>14}",
        "heap", "rounds", "tvm", "native", "tvm/native", "copy", "copy/native"
    );
    for &(kib, rounds) in CASES {
        let args = format!("{kib} {rounds}");
        let t = common::tvm_ns(&args);
        let n = common::native_ns(&native, &args);
        let heap = if kib >= 1024 { format!("{} MiB", kib / 1024) } else { format!("{kib} KiB") };
        let c = copy_ns(kib as usize * 1024);
        println!(
            "{heap:>9} {rounds:>7} {:>9.1} us {:>9.1} us {:>11.3} {:>9.1} us {:>14.3}",
            t / 1000.0,
            n / 1000.0,
            t / n,
            c / 1000.0,
            c / n
        );
    }
}

/// Nanoseconds of the fork's copy (`Relocator::copy`, nothing to relocate)
/// of `len` bytes between two guest heaps whose pages are populated (the
/// memory a fork copies: huge pages where the arena asks for them); the
/// fastest of seven runs, since this is a floor.
fn copy_ns(len: usize) -> f64 {
    let buffer = |byte: u8| {
        let mut heap = tvm::mem::Arena::new(tvm::mem::arena::DEFAULT_RESERVE).expect("a guest heap");
        let p = heap.alloc(len, tvm::mem::arena::ALIGN).cast::<u8>();
        assert!(!p.is_null(), "{len} bytes of guest heap");
        // SAFETY: `len` bytes were just allocated.
        unsafe { p.write_bytes(byte, len) };
        (heap, p)
    };
    let ((_src_heap, src), (_dst_heap, dst)) = (buffer(0x5a), buffer(1));
    let copier = tvm::mem::reloc::Relocator::new();
    (0..7)
        .map(|_| {
            let t0 = std::time::Instant::now();
            // SAFETY: two distinct blocks of `len` bytes, aligned alike.
            unsafe { copier.copy(dst, std::hint::black_box(src), len) };
            std::hint::black_box(dst);
            t0.elapsed().as_nanos() as f64
        })
        .fold(f64::INFINITY, f64::min)
}
