//! Tests that watch a test process from the outside.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::Runner;

type Check = fn(&Runner) -> Result<(), String>;

pub const TESTS: &[(&str, Check)] = &[
    ("idle_blocked_tasks_use_no_cpu", idle_no_cpu),
    ("exit_status_of_first_task_is_host_status", exit_status),
    ("exit_first_task_ends_host_with_children_alive", first_task_ends_host),
    ("shim_every_renamed_function_links", shim_complete),
    ("fork_guard_no_shared_writable_data_in_guests", guard),
    ("hostobj_guard_no_unrouted_host_calls", hostobj_guard),
    ("stdio_line_buffered_on_tty", stdio_tty),
    ("pgid_first_task_leads_as_the_host_does", first_task_leads_like_host),
];

/// The first task leads a process group and a session exactly when the
/// host process does; otherwise it sits in an outer group and session
/// (reserved ids no task gets) and may call setsid.
fn first_task_leads_like_host(r: &Runner) -> Result<(), String> {
    let ids = |mut cmd: std::process::Command| -> Result<Vec<i64>, String> {
        let out = cmd.stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let v: Vec<i64> = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        if !out.status.success() || v.len() != 4 {
            return Err(format!("print_ids: {:?} {text:?}", out.status));
        }
        Ok(v)
    };
    let lead = ids(r.command("print_ids", &[]))?;
    if lead[2] != lead[0] || lead[3] != lead[0] {
        return Err(format!("host leads its session, but the first task's pid/ppid/pgid/sid are {lead:?}"));
    }
    let inner = ids(r.command_in_callers_session("print_ids", &[]))?;
    if inner[2] == inner[0] || inner[3] == inner[0] || inner[2] != inner[3] || inner[2] <= 1 {
        return Err(format!("host leads nothing, but the first task's pid/ppid/pgid/sid are {inner:?}"));
    }
    Ok(())
}

/// On a terminal stdout is line-buffered: a completed line is written at
/// once, a partial one waits, and is flushed when the program reads from
/// the (line-buffered) terminal. stdio_tty_probe's stdout, stderr and stdin
/// are one pseudo-terminal, whose master shows the order of the writes.
fn stdio_tty(r: &Runner) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, AsRawFd};
    let pty = nix::pty::openpty(None, None).map_err(|e| e.to_string())?;
    let slave = |pty: &nix::pty::OpenptyResult| -> Result<Stdio, String> {
        Ok(Stdio::from(pty.slave.as_fd().try_clone_to_owned().map_err(|e| e.to_string())?))
    };
    let mut child = r
        .command("stdio_tty_probe", &[])
        .stdin(slave(&pty)?)
        .stdout(slave(&pty)?)
        .stderr(slave(&pty)?)
        .spawn()
        .map_err(|e| e.to_string())?;
    drop(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let result = (|| {
        let want = "line\r\nE1\r\nE2\r\npartial";
        let mut seen = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !seen.contains("partial") {
            if Instant::now() > deadline {
                return Err(format!("timed out; the terminal showed {seen:?}"));
            }
            let mut pfd = libc::pollfd { fd: master.as_raw_fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: one live pollfd.
            if unsafe { libc::poll(&mut pfd, 1, 500) } <= 0 {
                continue;
            }
            let mut buf = [0u8; 256];
            let n = master.read(&mut buf).map_err(|e| e.to_string())?;
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        if seen != want {
            return Err(format!("the terminal showed {seen:?}, want {want:?}"));
        }
        master.write_all(b"x\n").map_err(|e| e.to_string())?;
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("stdio_tty_probe: {status}"));
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Guest objects hold no writable data that fork would not copy.
fn guard(_: &Runner) -> Result<(), String> {
    let found = super::guard::violations()?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("writable shared data in guest objects:\n{}", found.join("\n")))
    }
}

/// Guest objects call no host function that the shim renames or that uses
/// host per-process state or host objects fork would break.
fn hostobj_guard(_: &Runner) -> Result<(), String> {
    let found = super::guard::unrouted_host_calls()?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("guest objects call host functions they must not:\n{}", found.join("\n")))
    }
}

static SHIM_NULLS: AtomicUsize = AtomicUsize::new(usize::MAX);
static SHIM_LEN: AtomicUsize = AtomicUsize::new(0);

/// Records what the binary's shim table held (see build.rs).
pub fn set_shim_table(nulls: usize, len: usize) {
    SHIM_NULLS.store(nulls, Ordering::Relaxed);
    SHIM_LEN.store(len, Ordering::Relaxed);
}

/// user + system CPU ticks of a host process.
fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')').ok_or("malformed stat")? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<u64>().ok()).ok_or("malformed stat");
    Ok(ticks(11)? + ticks(12)?)
}

/// A process whose tasks are all blocked (read, poll, select, accept,
/// waitpid) must not use CPU.
fn idle_no_cpu(r: &Runner) -> Result<(), String> {
    let mut child = r
        .command("idle_blocked", &[])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).map_err(|e| e.to_string())?;
    let result = (|| {
        if line.trim() != "ready" {
            return Err(format!("helper did not get ready: {line:?}"));
        }
        // Let start-up work settle, then measure.
        std::thread::sleep(Duration::from_millis(300));
        let before = cpu_ticks(child.id())?;
        std::thread::sleep(Duration::from_secs(3));
        let used = cpu_ticks(child.id())? - before;
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        // 3 s of spinning would be 3 * hz ticks; allow 2% of one CPU.
        if used * 50 > 3 * hz {
            return Err(format!("blocked tasks used {used} CPU ticks in 3 s (hz {hz})"));
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn exit_status(r: &Runner) -> Result<(), String> {
    for (arg, want) in [("0", 0), ("7", 7), ("255", 255), ("300", 44)] {
        let (code, out) = r.run("exit_with", &[arg])?;
        if code != Some(want) {
            return Err(format!("exit_with {arg}: host status {code:?}, want {want}\n{out}"));
        }
    }
    Ok(())
}

/// The host process ends when the first task ends, even with other tasks
/// still blocked.
fn first_task_ends_host(r: &Runner) -> Result<(), String> {
    let t = Instant::now();
    let (code, out) = r.run("exit_leaving_child", &[])?;
    if code != Some(3) {
        return Err(format!("host status {code:?}, want 3\n{out}"));
    }
    if t.elapsed() > Duration::from_secs(30) {
        return Err("host process outlived its first task".into());
    }
    Ok(())
}

fn shim_complete(_: &Runner) -> Result<(), String> {
    let (nulls, len) = (SHIM_NULLS.load(Ordering::Relaxed), SHIM_LEN.load(Ordering::Relaxed));
    if nulls != 0 || len < 150 {
        return Err(format!("shim table: {len} entries, {nulls} null"));
    }
    Ok(())
}
