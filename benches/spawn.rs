//! posix_spawn + waitpid round trip: a task spawning a trivial program
//! under tvm, against this process spawning /bin/true natively, in the same
//! run. Prints a table with the ratio tvm/native (lower is better).
//!
//! `cargo bench --bench spawn [-- ROUNDS]`

use std::ffi::{c_char, c_int, CString};
use std::time::{Duration, Instant};

use tvm::kernel::boot;
use tvm::kernel::task::exec;
use tvm::kernel::task::spawn::{self, Attrs};
use tvm::kernel::task::wait::{self, Options, Which};
use tvm::kernel::task::{current, thread};
use tvm::programs;

const DEFAULT_ROUNDS: usize = 2000;

unsafe extern "C" fn true_main(_: c_int, _: *mut *mut c_char, _: *mut *mut c_char) -> c_int {
    0
}

/// The first task: spawns /bench/true ROUNDS times and reports the mean
/// round trip in nanoseconds as its output.
unsafe extern "C" fn driver_main(argc: c_int, argv: *mut *mut c_char, _: *mut *mut c_char) -> c_int {
    // SAFETY: argv holds argc strings (C main contract); argv[1] is ROUNDS.
    let rounds: usize = if argc > 1 {
        unsafe { std::ffi::CStr::from_ptr(*argv.add(1)) }.to_str().ok().and_then(|s| s.parse().ok()).unwrap_or(1)
    } else {
        1
    };
    let task = current();
    let env = thread::with_image(|img| img.env.to_vec());
    let start = Instant::now();
    for _ in 0..rounds {
        let resolved = exec::resolve(task, c"/bench/true", vec![CString::from(c"true")]).expect("registered");
        let pid = spawn::spawn(task, resolved, &[], &Attrs::default(), env.clone()).expect("spawn");
        let got = wait::wait(task, Which::Pid(pid), Options::default()).expect("wait");
        assert_eq!(got.map(|c| c.status), Some(0));
    }
    let per = start.elapsed().as_nanos() / rounds as u128;
    let line = format!("{per}\n");
    tvm::kernel::fd::ops::write(task, 1, line.as_bytes()).expect("write result");
    0
}

fn native(rounds: usize) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        let st = std::process::Command::new("/bin/true").status().expect("/bin/true runs");
        assert!(st.success());
    }
    start.elapsed() / rounds as u32
}

fn main() {
    let rounds = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(DEFAULT_ROUNDS);
    let exe = std::env::current_exe().expect("bench binary path");
    if std::env::var_os("TVM_BENCH_CHILD").is_some() {
        programs::register("/bench/true", true_main).expect("register");
        let driver = programs::register("/bench/driver", driver_main).expect("register");
        let argv = vec![CString::from(c"driver"), CString::new(rounds.to_string()).expect("digits")];
        let status = boot::run_first(driver, argv).expect("driver runs");
        std::process::exit(boot::exit_code(status));
    }
    // The tvm side runs in a child process so its runtime starts clean.
    let out = std::process::Command::new(exe)
        .env("TVM_BENCH_CHILD", "1")
        .arg(rounds.to_string())
        .output()
        .expect("bench child");
    assert!(out.status.success(), "tvm driver failed: {}", String::from_utf8_lossy(&out.stderr));
    let tvm_ns: u128 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("driver prints ns");
    let native_ns = native(rounds).as_nanos();
    println!("spawn + waitpid round trip, {rounds} rounds");
    println!("{:<10} {:>12}", "", "per round");
    println!("{:<10} {:>9.1} us", "tvm", tvm_ns as f64 / 1000.0);
    println!("{:<10} {:>9.1} us", "native", native_ns as f64 / 1000.0);
    println!("{:<10} {:>12.3}", "tvm/native", tvm_ns as f64 / native_ns as f64);
}
