//! `forkless sshd` against the native build of the same dropbear (build.rs
//! builds both from one tree and one configuration), in the same run, with
//! the stock OpenSSH client on loopback. Prints each measure for both and
//! the ratio forkless/native:
//!
//! - login + `echo hi` latency (median of LOGINS logins; lower is better);
//! - `cat` of 100 MiB from the server (throughput; higher is better);
//! - memory of 10 idle interactive sessions: forkless's RSS (one process)
//!   against the native processes' total RSS and total PSS.
//!
//! The native server runs sessions through the host user's login shell
//! (its own user database), forkless through mksh.
//!
//! `cargo bench --bench sshd`

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use harness::sshd::{free_port, Server};
use harness::TestDir;

const LOGINS: usize = 15;
const CAT_BYTES: usize = 100 << 20;
const SESSIONS: usize = 10;

/// The native dropbear, with the forkless server's host key and keys.
struct Native {
    child: Child,
    port: u16,
    keys: PathBuf,
}

impl Native {
    fn start(server: &Server, dir: &Path) -> Native {
        let port = free_port().expect("a free port");
        let bin = dir.join("dropbear");
        std::os::unix::fs::symlink(env!("FORKLESS_NATIVE_DROPBEAR"), &bin).expect("a link named dropbear");
        let state = server.home.join("state");
        // dropbear checks the keys file's directories up to the home (the
        // host user's, for native) or /: none may be world-writable, as the
        // temporary directory's parent is. The target directory's tmp is not.
        let keys = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-sshd-keys.{}", std::process::id()));
        fs::create_dir_all(&keys).expect("a keys directory");
        fs::copy(state.join("authorized-keys.d/authorized_keys"), keys.join("authorized_keys")).expect("keys copied");
        let child = Command::new(&bin)
            .args(["-F", "-m", "-p", &format!("127.0.0.1:{port}"), "-r"])
            .arg(state.join("dropbear_ed25519_host_key"))
            .arg("-D")
            .arg(&keys)
            .arg("-P")
            .arg(dir.join("native.pid"))
            .stdin(Stdio::null())
            .stderr(fs::File::create(dir.join("native.log")).expect("a log file"))
            .spawn()
            .expect("native dropbear starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "native dropbear did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Native { child, port, keys }
    }
}

impl Drop for Native {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.keys);
    }
}

/// `ssh` with the test's options to `port` (the server's, or native's).
fn ssh(server: &Server, port: u16, args: &[&str]) -> Command {
    let mut c = Command::new("ssh");
    c.args(server.client_options()).args(["-p", &port.to_string(), "-l", &server.user, "127.0.0.1"]).args(args);
    c
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn login_latency(server: &Server, port: u16) -> f64 {
    let times = (0..LOGINS)
        .map(|_| {
            let t = Instant::now();
            let out = ssh(server, port, &["echo hi"]).output().expect("ssh runs");
            assert_eq!(out.stdout, b"hi\n", "{}", String::from_utf8_lossy(&out.stderr));
            t.elapsed().as_secs_f64()
        })
        .collect();
    median(times)
}

fn cat_throughput(server: &Server, port: u16) -> f64 {
    let cmd = format!("head -c {CAT_BYTES} /dev/zero");
    let t = Instant::now();
    let out = ssh(server, port, &[&cmd]).output().expect("ssh runs");
    let d = t.elapsed().as_secs_f64();
    assert_eq!(out.stdout.len(), CAT_BYTES);
    CAT_BYTES as f64 / d / 1e6
}

/// Opens SESSIONS idle interactive sessions; they end when dropped.
fn idle_sessions(server: &Server, port: u16) -> Vec<Child> {
    let sessions: Vec<Child> = (0..SESSIONS)
        .map(|_| {
            ssh(server, port, &["-tt"])
                .env("TERM", "xterm")
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("ssh runs")
        })
        .collect();
    std::thread::sleep(Duration::from_secs(3));
    sessions
}

/// (RSS, PSS) in KiB of `pid` (smaps_rollup).
fn rss_pss(pid: u32) -> (u64, u64) {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

/// `pid` and every process under it.
fn tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let stat = fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
            let ppid = stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|n| n.parse().ok());
            if ppid == Some(parent) && !all.contains(&p) {
                all.push(p);
            }
        }
        i += 1;
    }
    all
}

fn end(mut sessions: Vec<Child>) {
    for s in &mut sessions {
        if let Some(mut stdin) = s.stdin.take() {
            let _ = stdin.write_all(b"exit\n");
        }
    }
    for s in &mut sessions {
        let _ = s.wait();
    }
}

fn main() {
    let dir = TestDir::new("bench-sshd").expect("a directory");
    let forkless = PathBuf::from(env!("CARGO_BIN_EXE_forkless"));
    let server = Server::start(&forkless, dir.path(), &[], &[]).expect("forkless sshd starts");
    let native = Native::start(&server, dir.path());
    let pid = server.pid().expect("the server runs");

    println!("forkless sshd against native dropbear 2025.89 (same tree and options), OpenSSH client, loopback");
    println!("{:<40} {:>12} {:>12} {:>10}", "measure", "forkless", "native", "ratio");
    let (f, n) = (login_latency(&server, server.port), login_latency(&server, native.port));
    println!("{:<40} {:>9.1} ms {:>9.1} ms {:>10.3}", "login + echo hi (median)", f * 1e3, n * 1e3, f / n);
    let (f, n) = (cat_throughput(&server, server.port), cat_throughput(&server, native.port));
    println!("{:<40} {:>7.1} MB/s {:>7.1} MB/s {:>10.3}", "cat 100 MiB from the server", f, n, f / n);

    let fs_ = idle_sessions(&server, server.port);
    let (frss, _) = rss_pss(pid);
    end(fs_);
    let ns = idle_sessions(&server, native.port);
    let procs = tree(native.child.id());
    let (nrss, npss) = procs.iter().map(|&p| rss_pss(p)).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    end(ns);
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("RSS, {SESSIONS} idle sessions (RSS)"),
        frss,
        nrss,
        frss as f64 / nrss as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("forkless RSS vs native PSS ({} procs)", procs.len()),
        frss,
        npss,
        frss as f64 / npss as f64
    );
}
