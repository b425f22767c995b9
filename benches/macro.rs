//! Whole workloads, forkless against native processes in the same run,
//! printed as one table of wall times and their ratio forkless/native
//! (lower is better; at most 1.0 is the target of issue 20):
//!
//! - a configure-like shell script (`benches/macro/configure.sh`: about
//!   200 checks, each a few command substitutions, pipelines, `sed`,
//!   `grep`, `test`), run by mksh with toybox's commands: forkless's, and
//!   the native builds of the same sources; median of ROUNDS runs taken in
//!   turns, and both must print the same;
//! - LOGINS ssh logins one after another (`ssh HOST true`), taken in
//!   turns against `forkless sshd` and the native dropbear built from the
//!   same tree (`harness::sshd::NativeServer`): their total;
//! - the toybox test suite and mksh's check.t as the conformance run
//!   drives them (`tests/conformance/run.sh`, once, no re-checks): the
//!   seconds it reports for each run.
//!
//! `cargo bench --bench macro`; `TVM_MACRO=script,logins,suites` picks
//! some of them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use harness::sshd::{NativeServer, Server};
use harness::TestDir;

#[path = "../tests/conformance/runner.rs"]
mod runner;

const ROUNDS: usize = 5;
const LOGINS: usize = 100;

/// The toybox commands the script runs; natively, links to the native
/// toybox under these names come first on PATH.
const SCRIPT_COMMANDS: &[&str] =
    &["cat", "cksum", "cut", "find", "grep", "head", "mkdir", "sed", "sort", "tr", "uniq", "wc"];

struct Row {
    what: String,
    forkless: f64,
    native: f64,
    note: String,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds one run of the configure-like script takes, and its output.
fn script_run(mut cmd: Command, work: &Path) -> (f64, String) {
    let _ = fs::remove_dir_all(work);
    fs::create_dir_all(work).expect("a work directory");
    let t = Instant::now();
    let out = cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/macro/configure.sh")).arg(work).output();
    let secs = t.elapsed().as_secs_f64();
    let out = out.expect("the shell runs");
    assert!(out.status.success(), "configure.sh failed: {}", String::from_utf8_lossy(&out.stderr));
    (secs, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn script(dir: &Path) -> Row {
    let links = dir.join("native-bin");
    fs::create_dir_all(&links).expect("a directory for links");
    for name in SCRIPT_COMMANDS {
        std::os::unix::fs::symlink(env!("FORKLESS_NATIVE_TOYBOX"), links.join(name)).expect("a link");
    }
    let path = format!("{}:{}", links.display(), std::env::var("PATH").unwrap_or_default());
    let work = dir.join("configure");
    let (mut fk, mut nat) = (Vec::new(), Vec::new());
    let mut outputs = Vec::new();
    for _ in 0..ROUNDS {
        let mut c = Command::new(env!("CARGO_BIN_EXE_forkless"));
        c.arg("sh");
        let (secs, out) = script_run(c, &work);
        fk.push(secs);
        outputs.push(out);
        let mut c = Command::new(env!("FORKLESS_NATIVE_MKSH"));
        c.env("PATH", &path);
        let (secs, out) = script_run(c, &work);
        nat.push(secs);
        outputs.push(out);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "the script's output differs: {outputs:?}");
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::MAX, f64::min);
        let hi = v.iter().copied().fold(f64::MIN, f64::max);
        format!("{lo:.2}-{hi:.2}")
    };
    let note = format!("median of {ROUNDS}; ranges {} / {} s", range(&fk), range(&nat));
    let checks = outputs[0].lines().next().unwrap_or_default().to_string();
    Row { what: format!("configure-like script ({checks})"), forkless: median(fk), native: median(nat), note }
}

fn logins(dir: &Path) -> Row {
    let forkless = PathBuf::from(env!("CARGO_BIN_EXE_forkless"));
    let server = Server::start(&forkless, dir, &[], &[]).expect("forkless sshd starts");
    // Not under the system's temporary directory, whose parent is
    // world-writable (dropbear refuses such a keys file).
    let keys = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-macro-keys.{}", std::process::id()));
    let (dropbear, mksh) = (env!("FORKLESS_NATIVE_DROPBEAR"), env!("FORKLESS_NATIVE_MKSH"));
    let native = NativeServer::start(&server, dir, Path::new(dropbear), Path::new(mksh), keys);
    let (mut fk, mut nat) = (0.0, 0.0);
    for _ in 0..LOGINS {
        for (port, total) in [(server.port, &mut fk), (native.port, &mut nat)] {
            let t = Instant::now();
            let out = server.ssh_to(port, &["true"]).stdin(Stdio::null()).output().expect("ssh runs");
            *total += t.elapsed().as_secs_f64();
            assert!(out.status.success(), "login to port {port}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let note = format!("taken in turns; native sessions run {}", native.shell);
    Row { what: format!("{LOGINS} ssh logins, one after another"), forkless: fk, native: nat, note }
}

/// The seconds tests/conformance/run.sh reports for `run` (e.g.
/// `toybox-forkless`) in its times.txt.
fn reported(times: &str, run: &str) -> f64 {
    times
        .lines()
        .find_map(|l| {
            let mut f = l.split('|').map(str::trim);
            (f.next() == Some(run)).then(|| f.next().and_then(|s| s.parse().ok())).flatten()
        })
        .unwrap_or_else(|| panic!("no time for {run} in:\n{times}"))
}

fn suites(dir: &Path) -> Vec<Row> {
    let work = dir.join("conformance");
    let home = work.join("home");
    fs::create_dir_all(&home).expect("a directory for the run");
    let status = runner::command(&work, &home, &[("RECHECK", "0")])
        .stdout(Stdio::null())
        .status()
        .expect("bash runs tests/conformance/run.sh");
    assert!(status.success(), "tests/conformance/run.sh failed: {status}");
    let times = fs::read_to_string(work.join("times.txt")).expect("run.sh wrote times.txt");
    let note = "one run each, one after the other (tests/conformance/run.sh)".to_string();
    [("toybox test suite", "toybox"), ("mksh check.t", "mksh")]
        .into_iter()
        .map(|(what, run)| Row {
            what: what.to_string(),
            forkless: reported(&times, &format!("{run}-forkless")),
            native: reported(&times, &format!("{run}-native")),
            note: note.clone(),
        })
        .collect()
}

fn main() {
    let picked = std::env::var("TVM_MACRO").unwrap_or_else(|_| "script,logins,suites".into());
    let picked: Vec<&str> = picked.split(',').collect();
    for p in &picked {
        if !["script", "logins", "suites"].contains(p) {
            eprintln!("macro: TVM_MACRO: unknown workload {p:?} (script, logins, suites)");
            std::process::exit(2);
        }
    }
    let dir = TestDir::new("bench-macro").expect("a directory");
    let mut rows = Vec::new();
    if picked.contains(&"script") {
        rows.push(script(dir.path()));
    }
    if picked.contains(&"logins") {
        rows.push(logins(dir.path()));
    }
    if picked.contains(&"suites") {
        rows.extend(suites(dir.path()));
    }
    println!("whole workloads, forkless against native (same sources, same run); wall time, lower is better");
    println!("{:<44} {:>10} {:>10} {:>8}   how", "workload", "forkless", "native", "ratio");
    for r in rows {
        println!(
            "{:<44} {:>8.2} s {:>8.2} s {:>8.3}   {}",
            r.what,
            r.forkless,
            r.native,
            r.forkless / r.native,
            r.note
        );
    }
}
