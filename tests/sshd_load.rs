//! `forkless sshd` under load and abuse, on loopback, with the stock
//! OpenSSH client: many logins in a row leave the process as they found
//! it; 50 log in at once; sessions overlap; clients that vanish mid-transfer, mid-handshake
//! or under a running `yes` leave no task behind; a session whose shell
//! segfaults takes no other session with it; a client that connects and
//! says nothing blocks nobody; and the idle server uses no CPU.
//!
//! Every loop is bounded in count and time. The C system forkless started
//! from failed each of these (docs/reliability.md).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use harness::procfs;
use harness::sshd::Server;
use harness::TestDir;

/// The tests of this file run one at a time: the fork bomb and the 50
/// concurrent logins load the machine, and the others time the next
/// login (within 1 s).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn server(dir: &TestDir) -> Server {
    Server::start(&PathBuf::from(env!("CARGO_BIN_EXE_forkless")), dir.path(), &[], &[]).expect("forkless sshd starts")
}

/// Host descriptors, threads and resident KiB of the server process.
fn footprint(pid: u32) -> (usize, usize, u64) {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).expect("/proc/PID/fd").count();
    (fds, procfs::status_field(pid, "Threads:") as usize, procfs::status_field(pid, "VmRSS:"))
}

/// The footprint once the last session's teardown is over (the client
/// returns before the server has closed that session's descriptors):
/// unchanged descriptors and threads over 300 ms, waiting at most 5 s.
fn settled_footprint(pid: u32) -> (usize, usize, u64) {
    let mut last = footprint(pid);
    for _ in 0..16 {
        std::thread::sleep(Duration::from_millis(300));
        let now = footprint(pid);
        if (now.0, now.1) == (last.0, last.1) {
            return now;
        }
        last = now;
    }
    last
}

fn login(s: &Server) {
    let out = s.ssh(&["echo hi"]).output().expect("ssh runs");
    assert_eq!(out.stdout, b"hi\n", "a login failed: {}\n{}", String::from_utf8_lossy(&out.stderr), s.log_text());
}

/// A login right after an abuse works within a second.
fn prompt_login(s: &Server) {
    let t = Instant::now();
    login(s);
    assert!(t.elapsed() < Duration::from_secs(1), "the next login took {:?}", t.elapsed());
}

#[test]
fn five_hundred_logins_in_a_row_leave_the_process_as_they_found_it() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-logins").expect("a directory");
    let s = server(&dir);
    let pid = s.pid().expect("running");
    for _ in 0..50 {
        login(&s);
    }
    let warm = settled_footprint(pid);
    for _ in 50..500 {
        login(&s);
    }
    let after = settled_footprint(pid);
    eprintln!("after 50 logins (fds, threads, RSS KiB): {warm:?}; after 500: {after:?}");
    assert!(after.0 <= warm.0 + 2, "descriptors grew from {} to {}", warm.0, after.0);
    assert!(after.1 <= warm.1 + 4, "threads grew from {} to {}", warm.1, after.1);
    assert!(after.2 <= warm.2 + 2048, "RSS grew from {} to {} KiB", warm.2, after.2);
    s.left_over().unwrap();
}

#[test]
fn twenty_overlapping_sessions_all_finish() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-overlap").expect("a directory");
    let s = server(&dir);
    // Each is logged in (it printed "started") before the next connects,
    // so that all 20 overlap for the whole of their `sleep`.
    let sessions: Vec<(Child, BufReader<std::process::ChildStdout>)> = (0..20)
        .map(|i| {
            let mut c = s.ssh(&["echo started; sleep 5; echo ok"]).stdout(Stdio::piped()).spawn().expect("ssh runs");
            let mut out = BufReader::new(c.stdout.take().expect("a pipe"));
            let mut line = String::new();
            out.read_line(&mut line).expect("a line");
            assert_eq!(line, "started\n", "session {i}");
            (c, out)
        })
        .collect();
    for (i, (mut c, mut out)) in sessions.into_iter().enumerate() {
        let mut rest = String::new();
        out.read_to_string(&mut rest).expect("the rest");
        assert_eq!(rest, "ok\n", "session {i}");
        assert!(c.wait().expect("ssh ends").success(), "session {i}");
    }
    s.left_over().unwrap();
}

#[test]
fn fifty_concurrent_logins_all_succeed() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-concurrent").expect("a directory");
    let s = server(&dir);
    // All 50 connect at once: 50 key exchanges and logins in flight.
    let clients: Vec<Child> = (0..50)
        .map(|i| {
            s.ssh(&[&format!("echo login {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("ssh runs")
        })
        .collect();
    for (i, c) in clients.into_iter().enumerate() {
        let out = c.wait_with_output().expect("ssh ends");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("login {i}\n"),
            "login {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    prompt_login(&s);
    s.left_over().unwrap();
}

#[test]
fn clients_that_vanish_leave_nothing_behind() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-vanish").expect("a directory");
    let s = server(&dir);

    // Mid-transfer: killed after the first MiB of 100.
    let mut c = s.ssh(&["head -c 104857600 /dev/zero"]).stdout(Stdio::piped()).spawn().expect("ssh runs");
    let mut out = c.stdout.take().expect("a pipe");
    let mut buf = vec![0u8; 1 << 20];
    out.read_exact(&mut buf).expect("the first MiB");
    c.kill().expect("kill");
    c.wait().expect("reaped");
    drop(out);
    s.left_over().unwrap();
    prompt_login(&s);

    // Mid-handshake: a banner, half a key exchange packet, then gone.
    for _ in 0..5 {
        let mut t = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
        t.write_all(b"SSH-2.0-vanishing\r\n\x00\x00\x01").expect("write");
        let mut b = [0u8; 16];
        let _ = t.read(&mut b);
    }
    s.left_over().unwrap();
    prompt_login(&s);

    // A terminal session running a foreground `yes`.
    let mut c = s.ssh(&["-tt", "yes"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("ssh runs");
    let mut out = c.stdout.take().expect("a pipe");
    out.read_exact(&mut buf[..4096]).expect("some y");
    c.kill().expect("kill");
    c.wait().expect("reaped");
    drop(out);
    s.left_over().unwrap();
    prompt_login(&s);
}

#[test]
fn a_silent_client_blocks_nobody_and_an_idle_server_sleeps() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-silent").expect("a directory");
    let s = server(&dir);
    let pid = s.pid().expect("running");
    let silent = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    for _ in 0..3 {
        prompt_login(&s);
    }
    drop(silent);
    s.left_over().unwrap();

    // Idle: no thread spins. A few ticks at most over two seconds.
    std::thread::sleep(Duration::from_millis(500));
    let before = procfs::cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = procfs::cpu_seconds(pid) - before;
    assert!(used <= 0.02, "the idle server used {used:.2} s of CPU in 2 s");
}

#[test]
fn a_neighbours_segfault_leaves_the_other_sessions_running() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-segfault").expect("a directory");
    let s = server(&dir);
    let mut a = s.ssh(&["echo started; sleep 3; echo ok"]).stdout(Stdio::piped()).spawn().expect("ssh runs");
    let mut out = BufReader::new(a.stdout.take().expect("a pipe"));
    let mut line = String::new();
    out.read_line(&mut line).expect("a line");
    assert_eq!(line, "started\n");
    // A shell function recursing without end: the shell overflows its
    // stack and dies of SIGSEGV, a real fault in guest code.
    let b = s.ssh(&["sh -c 'f() { f; }; f'; echo \"status $?\""]).output().expect("ssh runs");
    assert_eq!(String::from_utf8_lossy(&b.stdout), "status 139\n", "{}", String::from_utf8_lossy(&b.stderr));
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("the rest");
    assert_eq!(rest, "ok\n");
    assert!(a.wait().expect("ssh ends").success());
    prompt_login(&s);
    s.left_over().unwrap();
}

#[test]
fn a_neighbours_fork_bomb_leaves_the_server_serving() {
    let _serial = one_at_a_time();
    let dir = TestDir::new("sshd-load-bomb").expect("a directory");
    let s = server(&dir);
    let mut a = s.ssh(&["echo started; sleep 4; echo ok"]).stdout(Stdio::piped()).spawn().expect("ssh runs");
    let mut out = BufReader::new(a.stdout.take().expect("a pipe"));
    let mut line = String::new();
    out.read_line(&mut line).expect("a line");
    assert_eq!(line, "started\n");

    // The classic bomb, in a subshell of a session whose shell then
    // becomes a `sleep` (which needs no fork). Without job control every
    // task of it stays in the shell's process group, whose id it prints
    // first (from `tvm ps`, the runtime's task list).
    let mut bomb = s
        .ssh(&["tvm ps | while read pid ppid pgid rest; do [ $pid = $$ ] && echo $pgid; done; \
                (b() { b | b & }; b); exec sleep 60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh runs");
    let mut bomb_out = BufReader::new(bomb.stdout.take().expect("a pipe"));
    let mut pgid = String::new();
    bomb_out.read_line(&mut pgid).expect("the bomb's group");
    let pgid: u32 = pgid.trim().parse().expect("a pid");
    // Let it fill its session's share of the task cap.
    std::thread::sleep(Duration::from_secs(2));

    // The other session goes on, and new logins work and run commands.
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("the rest");
    assert_eq!(rest, "ok\n");
    assert!(a.wait().expect("ssh ends").success());
    for _ in 0..3 {
        let o = s.ssh(&["echo $(echo sub) | cat"]).output().expect("ssh runs");
        assert_eq!(String::from_utf8_lossy(&o.stdout), "sub\n", "{}", String::from_utf8_lossy(&o.stderr));
    }

    // The bomb's group is killed from another session, all of it at once:
    // a task forking while the signal arrives gets it, and so does its
    // child.
    let k = s.ssh(&[&format!("kill -9 -- -{pgid}; echo $?")]).output().expect("ssh runs");
    assert_eq!(String::from_utf8_lossy(&k.stdout), "0\n", "{}", String::from_utf8_lossy(&k.stderr));
    let t = Instant::now();
    let mut rest = String::new();
    bomb_out.read_to_string(&mut rest).expect("the bomb's session ends");
    bomb.wait().expect("ssh ends");
    assert!(t.elapsed() < Duration::from_secs(10), "the bomb's session took {:?} to end", t.elapsed());
    s.left_over().unwrap();
    prompt_login(&s);
}

/// The soak (opt-in: `cargo test --test sshd_load -- --ignored soak`,
/// `SOAK_SECS` long, 600 by default): four clients at once for the whole
/// time, an interactive terminal session, exec sessions running
/// pipelines, `scp` of 1 MiB up and down, and 10 MiB streams; every
/// minute a row of logins, bytes moved, errors and the server's RSS,
/// descriptors and threads. Fails on any error or if RSS more than
/// doubles from the first minute.
#[test]
#[ignore = "takes 10 minutes; run on purpose"]
fn soak() {
    let _serial = one_at_a_time();
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;

    let secs: u64 = std::env::var("SOAK_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(600);
    let dir = TestDir::new("sshd-soak").expect("a directory");
    let s = Arc::new(server(&dir));
    let pid = s.pid().expect("running");
    let payload: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("up.bin"), &payload).expect("payload");

    let (logins, bytes, errors) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for kind in 0..4 {
        let (s, logins, bytes, errors, stop) = (s.clone(), logins.clone(), bytes.clone(), errors.clone(), stop.clone());
        let dir = dir.path().to_path_buf();
        let payload = payload.clone();
        workers.push(std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let ok = match kind {
                    0 => {
                        let mut c = s.ssh(&["-tt"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("ssh");
                        let script = format!("echo soak {n} | tr a-z A-Z\nls / >/dev/null && echo listed\nexit\n");
                        // Input stays open until the shell has exited: an
                        // end of input would hang the terminal up first.
                        let mut input = c.stdin.take().expect("stdin");
                        input.write_all(script.as_bytes()).expect("write");
                        let mut out = Vec::new();
                        c.stdout.take().expect("stdout").read_to_end(&mut out).expect("read");
                        drop(input);
                        c.wait().expect("ssh ends");
                        let text = String::from_utf8_lossy(&out);
                        let ok = text.contains(&format!("SOAK {n}")) && text.contains("listed");
                        if !ok {
                            eprintln!("soak: the terminal said {text:?}");
                        }
                        ok
                    }
                    1 => {
                        let out =
                            s.ssh(&["seq 1 2000 | sort -rn | head -n 1; echo $(( 6 * 7 ))"]).output().expect("ssh");
                        out.stdout == b"2000\n42\n"
                    }
                    2 => {
                        let remote = format!("soak-{n}.bin");
                        let port = s.port.to_string();
                        let scp = |from: &str, to: &str| {
                            Command::new("scp")
                                .args(s.client_options())
                                .args(["-O", "-q", "-P", &port, from, to])
                                .status()
                                .is_ok_and(|st| st.success())
                        };
                        let target =
                            format!("{}@127.0.0.1:{}", harness::sshd::user_name(), dir.join(&remote).display());
                        let back = dir.join(format!("down-{n}.bin"));
                        let ok = scp(&dir.join("up.bin").display().to_string(), &target)
                            && scp(&target, &back.display().to_string())
                            && std::fs::read(&back).is_ok_and(|b| b == payload);
                        let _ = std::fs::remove_file(dir.join(&remote));
                        let _ = std::fs::remove_file(&back);
                        if ok {
                            bytes.fetch_add(2 << 20, Ordering::Relaxed);
                        }
                        ok
                    }
                    _ => {
                        let out = s.ssh(&["head -c 10485760 /dev/zero"]).output().expect("ssh");
                        bytes.fetch_add(out.stdout.len() as u64, Ordering::Relaxed);
                        let ok = out.stdout.len() == 10 << 20;
                        if !ok {
                            eprintln!(
                                "soak: stream of {} bytes: {}",
                                out.stdout.len(),
                                String::from_utf8_lossy(&out.stderr)
                            );
                        }
                        ok
                    }
                };
                logins.fetch_add(if kind == 2 { 2 } else { 1 }, Ordering::Relaxed);
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!("soak: a {} round failed", ["terminal", "exec", "scp", "stream"][kind]);
                }
            }
        }));
    }

    let start = Instant::now();
    let mut rows = Vec::new();
    let mut minute = 0;
    while start.elapsed() < Duration::from_secs(secs) {
        let left = Duration::from_secs(secs).saturating_sub(start.elapsed());
        std::thread::sleep(left.min(Duration::from_secs(60)));
        minute += 1;
        let (fds, threads, rss) = footprint(pid);
        rows.push((
            minute,
            logins.load(Ordering::Relaxed),
            bytes.load(Ordering::Relaxed),
            errors.load(Ordering::Relaxed),
            rss,
            fds,
            threads,
        ));
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("a worker");
    }
    eprintln!("| minute | logins | MiB moved | errors | RSS KiB | fds | threads |");
    eprintln!("|---|---|---|---|---|---|---|");
    for (m, l, b, e, rss, fds, t) in &rows {
        eprintln!("| {m} | {l} | {} | {e} | {rss} | {fds} | {t} |", b >> 20);
    }
    let (_, _, _, errs, first_rss, ..) = rows[0];
    let (_, _, _, _, last_rss, ..) = *rows.last().expect("a row");
    assert_eq!(errors.load(Ordering::Relaxed), 0, "errors in the soak (first minute: {errs})");
    assert!(last_rss <= first_rss * 2, "RSS grew from {first_rss} to {last_rss} KiB");
    s.left_over().unwrap();
}
