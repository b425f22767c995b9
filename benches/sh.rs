//! Shell loops that fork on every iteration, under `forkless sh` and under
//! the same mksh built natively (build.rs), in the same run. Prints time
//! per iteration and the ratio forkless/native (lower is better).
//!
//! `cargo bench --bench sh`

use std::process::Command;
use std::time::{Duration, Instant};

const ITERATIONS: u32 = 2000;
const REPEATS: usize = 5;

/// (name, loop body): each runs ITERATIONS times inside one shell.
const CASES: &[(&str, &str)] = &[("subshell (:)", "(:)"), ("command substitution $(echo)", "x=$(echo $i)")];

/// Best wall time of REPEATS runs of `cmd` (the least disturbed one).
fn best(mut cmd: impl FnMut() -> Command) -> Duration {
    (0..REPEATS)
        .map(|_| {
            let mut c = cmd();
            let t = Instant::now();
            let out = c.output().expect("shell runs");
            let d = t.elapsed();
            assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
            d
        })
        .min()
        .expect("REPEATS > 0")
}

fn main() {
    let forkless = env!("CARGO_BIN_EXE_forkless");
    let native = env!("FORKLESS_NATIVE_MKSH");
    println!("shell loops of {ITERATIONS} forking iterations, best of {REPEATS} (same mksh sources, same run)");
    println!("{:<30} {:>12} {:>12} {:>16}", "loop", "forkless", "native", "forkless/native");
    for (name, body) in CASES {
        let script = format!("i=0; while [ $i -lt {ITERATIONS} ]; do {body}; i=$((i+1)); done");
        let f = best(|| {
            let mut c = Command::new(forkless);
            c.args(["sh", "-c", &script]);
            c
        });
        let n = best(|| {
            let mut c = Command::new(native);
            c.args(["-c", &script]);
            c
        });
        let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(ITERATIONS);
        println!("{name:<30} {:>9.1} us {:>9.1} us {:>16.3}", per(f), per(n), per(f) / per(n));
    }
}
