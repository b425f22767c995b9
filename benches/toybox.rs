//! toybox under forkless against the same toybox built natively (build.rs),
//! both driven by mksh (forkless's own, and the native one), in the same
//! run:
//! - pipe throughput: `cat FILE | cat | wc -c` over a 200 MiB file
//!   (forkless/native throughput; higher is better, target >= 1.0);
//! - fork + exec: a loop running `true` 1,000 times
//!   (forkless/native time; lower is better, target <= 0.5).
//!
//! `cargo bench --bench toybox`

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const FILE_MIB: usize = 200;
const TRUE_LOOPS: u32 = 1000;
const REPEATS: usize = 5;

/// Best wall time of REPEATS runs (the least disturbed one); every run must
/// print `expect`.
fn best(expect: &str, mut cmd: impl FnMut() -> Command) -> Duration {
    (0..REPEATS)
        .map(|_| {
            let mut c = cmd();
            let t = Instant::now();
            let out = c.output().expect("shell runs");
            let d = t.elapsed();
            assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expect, "{c:?}");
            d
        })
        .min()
        .expect("REPEATS > 0")
}

fn main() {
    let forkless = env!("CARGO_BIN_EXE_forkless");
    let native_sh = env!("FORKLESS_NATIVE_MKSH");
    let native_toybox = env!("FORKLESS_NATIVE_TOYBOX");
    let dir = std::env::temp_dir().join(format!("forkless-bench-toybox-{}", std::process::id()));
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("scratch directory");
    for applet in ["cat", "wc", "true"] {
        std::os::unix::fs::symlink(native_toybox, bin.join(applet)).expect("applet link");
    }
    let file = dir.join("data");
    let mut f = std::fs::File::create(&file).expect("data file");
    let chunk: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    for _ in 0..FILE_MIB {
        f.write_all(&chunk).expect("data written");
    }
    drop(f);
    let bytes = (FILE_MIB << 20).to_string();

    let under_forkless = |script: String| {
        move || {
            let mut c = Command::new(forkless);
            c.args(["sh", "-c", &script]);
            c
        }
    };
    let native = |script: String, bin: &Path| {
        let path = format!("{}:/usr/bin:/bin", bin.display());
        move || {
            let mut c = Command::new(native_sh);
            c.args(["-c", &script]).env("PATH", &path);
            c
        }
    };

    println!("toybox 0.8.9 under forkless vs native toybox + native mksh, best of {REPEATS}, same run");
    let pipe = format!("cat {} | cat | wc -c", file.display());
    let f = best(&bytes, under_forkless(pipe.clone()));
    let n = best(&bytes, native(pipe, &bin));
    let mib_s = |d: Duration| FILE_MIB as f64 / d.as_secs_f64();
    println!(
        "{:<34} {:>9.0} MiB/s {:>9.0} MiB/s   throughput forkless/native {:.2}",
        "cat | cat | wc -c (200 MiB)",
        mib_s(f),
        mib_s(n),
        mib_s(f) / mib_s(n)
    );

    let script = |t: &str| format!("i=0; while [ $i -lt {TRUE_LOOPS} ]; do {t}; i=$((i+1)); done; echo $i");
    let f = best(&TRUE_LOOPS.to_string(), under_forkless(script("/bin/true")));
    let n = best(&TRUE_LOOPS.to_string(), native(script(&bin.join("true").display().to_string()), &bin));
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(TRUE_LOOPS);
    println!(
        "{:<34} {:>9.1} us    {:>9.1} us      time forkless/native {:.3}",
        "fork+exec of true (x1000)",
        per(f),
        per(n),
        per(f) / per(n)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
