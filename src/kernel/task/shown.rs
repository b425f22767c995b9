//! What ps(1) and /proc show of the program a task runs: its arguments,
//! environment, executable and command name as they were when it started
//! the program (exec, spawn, the first task). A fork child shows its
//! parent's. Linux reads the arguments from the process's live memory;
//! here they are copied once, so a program that rewrites its argv (a
//! process title) is still shown as started.

use std::ffi::CString;
use std::sync::Arc;

/// The shown program of a task.
#[derive(Debug)]
pub struct Shown {
    /// The arguments joined by spaces (`tvm ps`).
    pub cmdline: String,
    /// Each argument NUL-terminated (`/proc/PID/cmdline`).
    pub argv: Vec<u8>,
    /// Each `NAME=value` NUL-terminated (`/proc/PID/environ`).
    pub environ: Vec<u8>,
    /// Where the program was found (`/proc/PID/exe`).
    pub exe: String,
    /// The command name: the base name of argv[0], at most 15 bytes, as
    /// Linux keeps it (`/proc/PID/comm`, stat's second field).
    pub comm: String,
}

impl Shown {
    pub fn new(exe: &str, argv: &[CString], envp: &[CString]) -> Arc<Shown> {
        let nul_joined = |v: &[CString]| v.iter().flat_map(|a| a.as_bytes_with_nul().iter().copied()).collect();
        let cmdline = argv.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
        let first = argv.first().map(|a| a.as_bytes()).unwrap_or_default();
        let base = first.rsplit(|&b| b == b'/').next().unwrap_or_default();
        let base = if base.is_empty() { exe.rsplit('/').next().unwrap_or_default().as_bytes() } else { base };
        let comm = String::from_utf8_lossy(&base[..base.len().min(15)]).into_owned();
        Arc::new(Shown { cmdline, argv: nul_joined(argv), environ: nul_joined(envp), exe: exe.to_string(), comm })
    }
}

/// Now on the boot clock, in clock ticks (USER_HZ, 100 a second): a
/// task's start time as /proc/PID/stat gives it, on the clock sysinfo(2)'s
/// uptime counts.
pub fn boot_ticks() -> u64 {
    #[cfg(target_os = "linux")]
    let clock = libc::CLOCK_BOOTTIME;
    // Darwin's uptime clock (it stops while asleep; no /proc there reads
    // it against sysinfo).
    #[cfg(not(target_os = "linux"))]
    let clock = libc::CLOCK_MONOTONIC;
    // SAFETY: timespec is plain data; clock_gettime writes it.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: a valid clock id and a live timespec.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 100 + ts.tv_nsec as u64 / 10_000_000
}
