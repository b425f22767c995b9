//! /proc/PID: one task, from its table entry and its own state (files,
//! working directory, limits, CPU time). Formats are Linux's (proc(5)),
//! field for field, so ps, top, pgrep and friends parse them unchanged.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::kernel::dev::{DirEntry, Node};
use crate::kernel::task::shown::Shown;
use crate::kernel::task::table::{self, ProcState};
use crate::kernel::task::{Pid, Task};

/// The names in /proc/PID, with their types.
const NAMES: &[(&str, u8)] = &[
    ("cmdline", libc::DT_REG),
    ("comm", libc::DT_REG),
    ("cwd", libc::DT_LNK),
    ("environ", libc::DT_REG),
    ("exe", libc::DT_LNK),
    ("fd", libc::DT_DIR),
    ("fdinfo", libc::DT_DIR),
    ("limits", libc::DT_REG),
    ("maps", libc::DT_REG),
    ("stat", libc::DT_REG),
    ("statm", libc::DT_REG),
    ("status", libc::DT_REG),
    ("task", libc::DT_DIR),
];

/// What the table says of one task, copied out under its lock.
struct Entry {
    task: Arc<Task>,
    ppid: Pid,
    pgid: Pid,
    sid: Pid,
    state: char,
    shown: Arc<Shown>,
    started: u64,
    /// tty_nr and the terminal's foreground group (tpgid), if it has one.
    tty: Option<(u64, Pid)>,
    /// CPU time of the children it waited for, in clock ticks.
    children_ticks: u64,
}

fn entry(pid: Pid) -> Option<Entry> {
    let t = table::lock();
    let p = t.get(pid)?;
    let tty = p.ctty.as_ref().map(|pty| {
        let rdev = crate::kernel::tty::pty::slave_node(&pty.index.to_string()).map_or(0, |d| d.stat().st_rdev);
        // dev_t is u64 on Linux, i32 on Darwin.
        #[allow(clippy::unnecessary_cast)]
        let rdev = rdev as u64;
        (rdev, pty.lock().pgrp.unwrap_or(-1))
    });
    let children = match p.state {
        ProcState::Zombie(z) => z.usage,
        ProcState::Running => p.children_usage,
    };
    Some(Entry {
        task: p.task.clone(),
        ppid: p.ppid,
        pgid: p.pgid,
        sid: p.sid,
        state: p.state_letter(),
        shown: p.shown.clone(),
        started: p.started,
        tty,
        children_ticks: ticks(children.total()),
    })
}

fn ticks(d: std::time::Duration) -> u64 {
    d.as_millis() as u64 / 10
}

/// A stable inode number for /proc/PID.
pub fn dir_ino(pid: Pid) -> u64 {
    (pid as u64) << 8 | 1
}

/// The node at /proc/PID/`tail` (`tail` None: the directory itself).
pub fn lookup(_caller: &Task, pid: Pid, tail: Option<&str>) -> Option<Node> {
    let e = entry(pid)?;
    let base = format!("/proc/{pid}");
    let Some(tail) = tail else { return Some(Node::ProcDir(base)) };
    let text = |t: Vec<u8>| Some(Node::Text { path: format!("{base}/{tail}"), text: t });
    match tail {
        "stat" => text(stat(&e).into_bytes()),
        "status" => text(status(&e).into_bytes()),
        "statm" => text(statm(&e).into_bytes()),
        "cmdline" => text(e.shown.argv.clone()),
        "comm" => text(format!("{}\n", e.shown.comm).into_bytes()),
        "environ" => text(e.shown.environ.clone()),
        "limits" => text(limits(&e).into_bytes()),
        "maps" => text(maps(&e).into_bytes()),
        "cwd" => Some(Node::Link(cwd(&e)?)),
        "exe" => Some(Node::Link(e.shown.exe.clone())),
        "fd" | "fdinfo" | "task" => Some(Node::ProcDir(format!("{base}/{tail}"))),
        _ => {
            if let Some(n) = tail.strip_prefix("fd/") {
                let fd = n.parse::<libc::c_int>().ok()?;
                return Some(Node::FdLink { target: fd_name(&e.task, fd)?, fd, owner: Some(pid) });
            }
            if let Some(n) = tail.strip_prefix("fdinfo/") {
                let fd = n.parse::<libc::c_int>().ok()?;
                return text(fdinfo(&e.task, fd)?.into_bytes());
            }
            // One thread per task: task/PID is the task again.
            let (tid, rest) = tail.strip_prefix("task/").map(|r| r.split_once('/').unwrap_or((r, "")))?;
            if tid != pid.to_string() {
                return None;
            }
            if rest.is_empty() {
                return Some(Node::ProcDir(format!("{base}/task/{tid}")));
            }
            lookup(_caller, pid, Some(rest)).map(|n| match n {
                Node::Text { text, .. } => Node::Text { path: format!("{base}/{tail}"), text },
                Node::ProcDir(_) => Node::ProcDir(format!("{base}/{tail}")),
                other => other,
            })
        }
    }
}

/// The entries of a directory under /proc/PID.
pub fn entries(_caller: &Task, dir: &str) -> Vec<DirEntry> {
    let mut parts = dir.trim_start_matches("/proc/").split('/');
    let Some(pid) = parts.next().and_then(|p| p.parse::<Pid>().ok()) else { return Vec::new() };
    let rest: Vec<&str> = parts.collect();
    let Some(e) = entry(pid) else { return Vec::new() };
    let named = |i: usize, (name, kind): &(&str, u8)| DirEntry {
        name: (*name).into(),
        ino: dir_ino(pid) + 2 + i as u64,
        kind: *kind,
    };
    match rest.as_slice() {
        [] => NAMES.iter().enumerate().map(|(i, n)| named(i, n)).collect(),
        ["task"] => vec![DirEntry { name: pid.to_string(), ino: dir_ino(pid), kind: libc::DT_DIR }],
        ["task", _] => NAMES.iter().filter(|n| n.0 != "task").enumerate().map(|(i, n)| named(i, n)).collect(),
        [kind @ ("fd" | "fdinfo")] | ["task", _, kind @ ("fd" | "fdinfo")] => {
            let t = if *kind == "fd" { libc::DT_LNK } else { libc::DT_REG };
            e.task
                .files
                .lock()
                .iter()
                .map(|(fd, _)| DirEntry { name: fd.to_string(), ino: dir_ino(pid) + 64 + fd as u64, kind: t })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// What descriptor `fd` of `task` is, as Linux's /proc/PID/fd links read:
/// a path, `/dev/pts/N`, `pipe:[N]`, `socket:[N]`.
fn fd_name(task: &Task, fd: libc::c_int) -> Option<String> {
    let file = task.files.lock().get(fd).ok()?;
    if let Some(dev) = file.as_device() {
        return Some(dev.path());
    }
    let host = file.host_fd().ok()?;
    crate::kernel::fs::fd_path(host).ok().map(|p| String::from_utf8_lossy(&p).into_owned())
}

/// /proc/PID/fdinfo/N: the position and the open flags (octal), as Linux.
fn fdinfo(task: &Task, fd: libc::c_int) -> Option<String> {
    let slot_cloexec = task.files.lock().iter().find(|(n, _)| *n == fd).map(|(_, s)| s.cloexec)?;
    let file = task.files.lock().get(fd).ok()?;
    let pos = file.host_fd().ok().map_or(0, |h| {
        // SAFETY: lseek on a live host descriptor the description holds.
        unsafe { libc::lseek(h, 0, libc::SEEK_CUR) }.max(0)
    });
    let flags = file.status_flags().unwrap_or(0) | if slot_cloexec { libc::O_CLOEXEC } else { 0 };
    Some(format!("pos:\t{pos}\nflags:\t0{flags:o}\nmnt_id:\t0\nino:\t0\n"))
}

fn cwd(e: &Entry) -> Option<String> {
    crate::kernel::fs::getcwd(&e.task).ok().map(|p| String::from_utf8_lossy(&p).into_owned())
}

/// CPU time of the task itself, in clock ticks: all of it counts as user
/// time (the host gives a thread's total, not the split).
fn own_ticks(e: &Entry) -> u64 {
    if e.state == 'Z' {
        return 0;
    }
    ticks(crate::kernel::signal::cpu_limit::used(&e.task))
}

/// The image's memory: (virtual size in bytes, resident pages). Resident
/// is what the host says of the heap in use and the stack (mincore).
fn memory(e: &Entry) -> (u64, u64) {
    if e.state == 'Z' {
        return (0, 0);
    }
    let (lo, hi) = *e.task.stack_range.lock();
    let heap = e.task.heap_map.lock();
    let reserved: u64 = heap.iter().map(|r| r.2 as u64).sum();
    let resident: u64 = heap.iter().map(|r| resident_pages(r.0, r.0 + r.1)).sum::<u64>() + resident_pages(lo, hi);
    ((hi - lo) as u64 + reserved, resident)
}

/// Pages of `[lo, hi)` (page-aligned, mapped) in memory now.
fn resident_pages(lo: usize, hi: usize) -> u64 {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as usize;
    if hi <= lo || lo % page != 0 {
        return 0;
    }
    let mut vec = vec![0u8; (hi - lo).div_ceil(page)];
    // SAFETY: the range is mapped (the task's own heap or stack, kept while
    // its image lives); `vec` has one byte per page.
    let r = unsafe { libc::mincore(lo as *mut libc::c_void, hi - lo, vec.as_mut_ptr().cast()) };
    if r != 0 {
        return 0;
    }
    vec.iter().filter(|b| *b & 1 != 0).count() as u64
}

/// /proc/PID/maps: the heap's regions (in use, then reserved) and the
/// stack, in Linux's format.
fn maps(e: &Entry) -> String {
    let mut s = String::new();
    if e.state == 'Z' {
        return s;
    }
    let line = |s: &mut String, lo: usize, hi: usize, prot: &str, name: &str| {
        let _ = writeln!(s, "{lo:08x}-{hi:08x} {prot} 00000000 00:00 0                          {name}");
    };
    for &(base, used, reserved) in e.task.heap_map.lock().iter() {
        if used > 0 {
            line(&mut s, base, base + used, "rw-p", "[heap]");
        }
        if reserved > used {
            line(&mut s, base + used, base + reserved, "---p", "[heap]");
        }
    }
    let (lo, hi) = *e.task.stack_range.lock();
    if hi > lo {
        line(&mut s, lo, hi, "rw-p", "[stack]");
    }
    s
}

/// /proc/PID/stat: the 52 fields of Linux's format.
fn stat(e: &Entry) -> String {
    let (tty_nr, tpgid) = e.tty.unwrap_or((0, -1));
    let (vsize, rss) = memory(e);
    let pid = e.task.pid;
    let mut s = format!(
        "{pid} ({}) {} {} {} {} {tty_nr} {tpgid} 4194304 0 0 0 0 {} 0 {} 0 20 0 1 0 {} {vsize} {rss} 18446744073709551615 ",
        e.shown.comm,
        e.state,
        e.ppid,
        e.pgid,
        e.sid,
        own_ticks(e),
        e.children_ticks,
        e.started,
    );
    // startcode..kstkeip, signal..sigcatch (obsolete: 0), wchan, nswap,
    // cnswap, exit_signal, processor, rt_priority, policy, blkio, guest
    // times, data/brk/arg/env ranges, exit_code.
    s.push_str("0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    s
}

/// /proc/PID/statm: sizes in pages.
fn statm(e: &Entry) -> String {
    let (vsize, rss) = memory(e);
    format!("{} {rss} 0 0 0 0 0\n", vsize / 4096)
}

fn status(e: &Entry) -> String {
    let (uid, gid) = crate::kernel::dev::user();
    let state = match e.state {
        'R' => "R (running)",
        'S' => "S (sleeping)",
        'T' => "T (stopped)",
        _ => "Z (zombie)",
    };
    let (vsize, rss) = memory(e);
    let umask = e.task.fs.lock().umask;
    let fds = e.task.files.lock().iter().count();
    let (pending, blocked, ignored, caught) = {
        let s = e.task.signals.lock();
        let (mut ign, mut cgt) = (0u64, 0u64);
        for sig in 1..=crate::kernel::signal::MAX_SIG {
            match s.action(sig) {
                Ok(a) if a.handler == libc::SIG_IGN => ign |= 1 << (sig - 1),
                Ok(a) if a.is_handler() => cgt |= 1 << (sig - 1),
                _ => {}
            }
        }
        (s.pending().0, s.mask.0, ign, cgt)
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "Name:\t{}\nUmask:\t{umask:04o}\nState:\t{state}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{}\n\
         TracerPid:\t0\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{gid}\t{gid}\t{gid}\t{gid}\nFDSize:\t{}\n\
         Groups:\t\nVmPeak:\t{} kB\nVmSize:\t{} kB\nVmLck:\t0 kB\nVmRSS:\t{} kB\nVmSwap:\t0 kB\nThreads:\t1\n\
         SigPnd:\t{:016x}\nShdPnd:\t0000000000000000\nSigBlk:\t{:016x}\nSigIgn:\t{:016x}\nSigCgt:\t{:016x}\n",
        e.shown.comm,
        e.ppid,
        fds.next_power_of_two().max(64),
        vsize / 1024,
        vsize / 1024,
        rss * 4,
        pending,
        blocked,
        ignored,
        caught,
        pid = e.task.pid,
    );
    s
}

/// /proc/PID/limits, in Linux's table.
fn limits(e: &Entry) -> String {
    const ROWS: &[(&str, i32, &str)] = &[
        ("Max cpu time", libc::RLIMIT_CPU as i32, "seconds"),
        ("Max file size", libc::RLIMIT_FSIZE as i32, "bytes"),
        ("Max data size", libc::RLIMIT_DATA as i32, "bytes"),
        ("Max stack size", libc::RLIMIT_STACK as i32, "bytes"),
        ("Max core file size", libc::RLIMIT_CORE as i32, "bytes"),
        ("Max resident set", libc::RLIMIT_RSS as i32, "bytes"),
        ("Max processes", libc::RLIMIT_NPROC as i32, "processes"),
        ("Max open files", libc::RLIMIT_NOFILE as i32, "files"),
        ("Max locked memory", libc::RLIMIT_MEMLOCK as i32, "bytes"),
        ("Max address space", libc::RLIMIT_AS as i32, "bytes"),
    ];
    let shown = |v: libc::rlim_t| if v == libc::RLIM_INFINITY { "unlimited".to_string() } else { v.to_string() };
    let mut s = format!("{:<26}{:<21}{:<21}{:<10}\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    let limits = e.task.limits.lock();
    for (name, res, unit) in ROWS {
        if let Ok(l) = limits.get(*res) {
            let _ = writeln!(s, "{name:<26}{:<21}{:<21}{unit:<10}", shown(l.rlim_cur), shown(l.rlim_max));
        }
    }
    s
}
