//! `forkless sshd` against the native build of the same dropbear (build.rs
//! builds both from one tree and one configuration), in the same run, with
//! the stock OpenSSH client on loopback. Prints each measure for both and
//! the ratio forkless/native:
//!
//! - login + `echo hi` latency (median of LOGINS logins, taken in turns
//!   with native; lower is better);
//! - `cat` of 100 MiB from the server, first byte to last (throughput;
//!   higher is better);
//! - OpenSSH `scp` (SFTP: the server runs sftp-server) of 100 MiB up and
//!   down, the whole command (throughput; higher is better);
//! - memory of 10 idle interactive sessions: forkless's RSS (one process)
//!   against the native processes' total RSS and total PSS, and PSS split
//!   into anonymous memory (heaps, stacks, globals) and file pages (code
//!   and libraries, which RSS counts whole and PSS divides among the
//!   processes sharing them; docs/memory.md).
//!
//! Both serve the same user with the same home (and so the same profile)
//! and the same mksh: forkless its guest mksh, native the native build of
//! it. dropbear takes the login shell from the user database and accepts
//! only shells listed in /etc/shells, so native runs in a mount namespace
//! of its own where copies of /etc/passwd and /etc/shells say so. Where no
//! mount namespace can be made (not root), native falls back to the host
//! user's own shell and home, and the output says so.
//!
//! `cargo bench --bench sshd`

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use harness::scenario::PROMPT;
use harness::sshd::{NativeServer, Server};
use harness::{procfs, TestDir};

const LOGINS: usize = 31;
const CATS: usize = 5;
const CAT_BYTES: usize = 100 << 20;
const SESSIONS: usize = 10;
const COPIES: usize = 5;
const COPY_BYTES: usize = 100 << 20;

fn native(server: &Server, dir: &Path) -> NativeServer {
    // Not under the system's temporary directory, whose parent is
    // world-writable: the target directory's tmp.
    let keys = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-sshd-keys.{}", std::process::id()));
    let (dropbear, mksh) = (env!("FORKLESS_NATIVE_DROPBEAR"), env!("FORKLESS_NATIVE_MKSH"));
    NativeServer::start(server, dir, Path::new(dropbear), Path::new(mksh), keys)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One login running `echo hi`: seconds from connect to exit.
fn login(server: &Server, port: u16) -> f64 {
    let t = Instant::now();
    let out = server.ssh_to(port, &["echo hi"]).output().expect("ssh runs");
    assert_eq!(out.stdout, b"hi\n", "{}", String::from_utf8_lossy(&out.stderr));
    t.elapsed().as_secs_f64()
}

/// Throughput in MB/s of one `head -c CAT_BYTES /dev/zero` through ssh,
/// from its first byte to its last (the login is measured on its own).
/// `toybox` is the program's path on that server: both run toybox's head.
fn cat_throughput(server: &Server, port: u16, toybox: &str) -> f64 {
    let cmd = format!("{toybox} head -c {CAT_BYTES} /dev/zero");
    let mut child = server.ssh_to(port, &[&cmd]).stdout(Stdio::piped()).spawn().expect("ssh runs");
    let mut out = child.stdout.take().expect("a pipe");
    let mut buf = vec![0u8; 1 << 16];
    let mut n = out.read(&mut buf).expect("the first bytes");
    let t = Instant::now();
    let mut total = n;
    while n > 0 {
        n = out.read(&mut buf).expect("reading");
        total += n;
    }
    let d = t.elapsed().as_secs_f64();
    assert!(child.wait().expect("ssh ends").success());
    assert_eq!(total, CAT_BYTES);
    CAT_BYTES as f64 / d / 1e6
}

/// Throughput in MB/s of one OpenSSH `scp` (SFTP, no -O) of COPY_BYTES
/// to the server (`up`) or from it, the whole command: its login, about
/// 2% of it, included. The file is in `dir` and, on the server, in the
/// home both servers share.
fn scp_throughput(server: &Server, port: u16, dir: &Path, up: bool) -> f64 {
    let local = dir.join("copy.bin");
    let remote = format!("{}@127.0.0.1:{}", server.user, server.home.join("copy.bin").display());
    let (from, to) = if up { (local.display().to_string(), remote) } else { (remote, local.display().to_string()) };
    let t = Instant::now();
    let out = Command::new("scp")
        .args(server.client_options())
        .args(["-P", &port.to_string(), &from, &to])
        .output()
        .expect("scp runs");
    let d = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copied = if up { server.home.join("copy.bin") } else { local };
    assert_eq!(fs::metadata(copied).expect("the copy").len(), COPY_BYTES as u64);
    COPY_BYTES as f64 / d / 1e6
}

/// One table row of MB/s: forkless's and native's medians, their ratio
/// and ranges.
fn throughput_row(what: &str, f: (f64, f64, f64), n: (f64, f64, f64)) {
    println!(
        "{what:<40} {:>7.1} MB/s {:>7.1} MB/s {:>10.3}   (ranges {:.0}-{:.0} / {:.0}-{:.0} MB/s)",
        f.0,
        n.0,
        f.0 / n.0,
        f.1,
        f.2,
        n.1,
        n.2
    );
}

/// Medians of `f` for forkless and for native, taken in turns (so that a
/// change in the machine's load falls on both), with their ranges.
fn alternating(rounds: usize, mut f: impl FnMut(bool) -> f64) -> [(f64, f64, f64); 2] {
    let (mut fk, mut nat) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        fk.push(f(true));
        nat.push(f(false));
    }
    let stats = |v: Vec<f64>| {
        let (lo, hi) = (v.iter().copied().fold(f64::MAX, f64::min), v.iter().copied().fold(f64::MIN, f64::max));
        (median(v), lo, hi)
    };
    [stats(fk), stats(nat)]
}

/// Opens SESSIONS idle interactive sessions, one after another, each up
/// (its prompt seen) before the next: dropbear drops connections beyond 5
/// unauthenticated ones from one address. They end when dropped.
fn idle_sessions(server: &Server, port: u16) -> Vec<Child> {
    (0..SESSIONS)
        .map(|i| {
            let mut s = server
                .ssh_to(port, &["-tt"])
                .env("TERM", "xterm")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("ssh runs");
            let mut out = s.stdout.take().expect("a pipe");
            let (tx, rx) = mpsc::channel();
            // Reads the session's output to its end, saying once when the
            // prompt came (the reader keeps draining, so the pty never
            // blocks on output nobody reads).
            std::thread::spawn(move || {
                let (mut seen, mut buf, mut said) = (Vec::new(), [0u8; 4096], false);
                while let Ok(n @ 1..) = out.read(&mut buf) {
                    seen.extend_from_slice(&buf[..n]);
                    if !said && seen.windows(PROMPT.len()).any(|w| w == PROMPT.as_bytes()) {
                        said = tx.send(()).is_ok();
                    }
                }
            });
            rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("session {i} never showed its prompt"));
            s
        })
        .collect()
}

/// `pid` and every process under it.
fn tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let kids = procfs::children(all[i]);
        all.extend(kids.into_iter().filter(|k| !all.contains(k)).collect::<Vec<_>>());
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
    let native = native(&server, dir.path());
    let pid = server.pid().expect("the server runs");

    println!("forkless sshd against native dropbear 2025.89 (same tree and options), OpenSSH client, loopback");
    println!("native sessions run {}", native.shell);
    println!("{:<40} {:>12} {:>12} {:>10}", "measure", "forkless", "native", "ratio");
    let [f, n] = alternating(LOGINS, |fk| login(&server, if fk { server.port } else { native.port }));
    println!(
        "{:<40} {:>9.1} ms {:>9.1} ms {:>10.3}   (ranges {:.1}-{:.1} / {:.1}-{:.1} ms)",
        format!("login + echo hi (median of {LOGINS})"),
        f.0 * 1e3,
        n.0 * 1e3,
        f.0 / n.0,
        f.1 * 1e3,
        f.2 * 1e3,
        n.1 * 1e3,
        n.2 * 1e3
    );
    let [f, n] = alternating(CATS, |fk| {
        if fk {
            cat_throughput(&server, server.port, "toybox")
        } else {
            cat_throughput(&server, native.port, env!("FORKLESS_NATIVE_TOYBOX"))
        }
    });
    throughput_row(&format!("cat 100 MiB from the server (median of {CATS})"), f, n);

    let data: Vec<u8> = (0..COPY_BYTES).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for up in [true, false] {
        fs::write(dir.path().join("copy.bin"), &data).expect("a file to copy");
        let [f, n] = alternating(COPIES, |fk| {
            scp_throughput(&server, if fk { server.port } else { native.port }, dir.path(), up)
        });
        let what = if up { "up" } else { "down" };
        throughput_row(&format!("scp (SFTP) 100 MiB {what} (median of {COPIES})"), f, n);
    }
    let _ = fs::remove_file(server.home.join("copy.bin"));

    let fs_ = idle_sessions(&server, server.port);
    std::thread::sleep(Duration::from_secs(1));
    let fm = procfs::memory(pid);
    let (frss, fpss) = (fm.rss, fm.pss);
    end(fs_);
    let ns = idle_sessions(&server, native.port);
    std::thread::sleep(Duration::from_secs(1));
    let procs = tree(native.pid());
    let nm = procs.iter().map(|&p| procfs::memory(p)).fold(procfs::Memory::default(), |a, b| a + b);
    let (nrss, npss) = (nm.rss, nm.pss);
    end(ns);
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("{SESSIONS} idle sessions, RSS"),
        frss,
        nrss,
        frss as f64 / nrss as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("{SESSIONS} idle sessions, PSS"),
        fpss,
        npss,
        fpss as f64 / npss as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("{SESSIONS} idle sessions, anonymous PSS"),
        fm.pss_anon,
        nm.pss_anon,
        fm.pss_anon as f64 / nm.pss_anon as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("{SESSIONS} idle sessions, file-backed PSS"),
        fm.pss - fm.pss_anon,
        nm.pss - nm.pss_anon,
        (fm.pss - fm.pss_anon) as f64 / (nm.pss - nm.pss_anon) as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("forkless file-backed RSS vs native PSS"),
        fm.rss - fm.anon,
        npss,
        (fm.rss - fm.anon) as f64 / npss as f64
    );
    println!(
        "{:<40} {:>9} KiB {:>9} KiB {:>10.3}",
        format!("forkless RSS vs native PSS ({} procs)", procs.len()),
        frss,
        npss,
        frss as f64 / npss as f64
    );
}
