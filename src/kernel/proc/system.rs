//! The files of /proc that describe the machine rather than a task:
//! copied from the host's own where the host has them (Linux), made from
//! what the OS offers where it does not (Darwin: sysctl and sysinfo-like
//! calls), and the table's own for what counts tasks (loadavg's running
//! and total).

use crate::kernel::task::table;

/// The machine files, as /proc lists them.
pub const FILES: &[&str] = &["cpuinfo", "loadavg", "meminfo", "mounts", "stat", "uptime", "version"];

/// The text of /proc/`name`, if it is one of [`FILES`].
pub fn file(name: &str) -> Option<Vec<u8>> {
    if !FILES.contains(&name) {
        return None;
    }
    Some(match name {
        "loadavg" => loadavg().into_bytes(),
        "uptime" => uptime().into_bytes(),
        other => host_file(other).unwrap_or_else(|| made(other)).into_bytes(),
    })
}

/// The host's /proc/`name` (Linux).
#[cfg(target_os = "linux")]
fn host_file(name: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{name}")).ok()
}

#[cfg(not(target_os = "linux"))]
fn host_file(_name: &str) -> Option<String> {
    None
}

/// A stand-in where the host has no /proc: the fields programs read.
fn made(name: &str) -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    match name {
        "cpuinfo" => (0..cpus).map(|i| format!("processor\t: {i}\n\n")).collect(),
        "meminfo" => {
            // SAFETY: sysconf has no preconditions.
            let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
            let kb = (pages.max(0) as u64) * (size.max(0) as u64) / 1024;
            format!("MemTotal:       {kb:>8} kB\nMemFree:               0 kB\nMemAvailable:          0 kB\nBuffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n")
        }
        "stat" => {
            let mut s = String::from("cpu  0 0 0 0 0 0 0 0 0 0\n");
            for i in 0..cpus {
                s.push_str(&format!("cpu{i} 0 0 0 0 0 0 0 0 0 0\n"));
            }
            s.push_str("intr 0\nctxt 0\nbtime 0\nprocesses 0\nprocs_running 1\nprocs_blocked 0\n");
            s
        }
        "mounts" => "/ / apfs rw 0 0\n".into(),
        "version" => {
            // SAFETY: utsname is plain data; uname fills it.
            let mut u: libc::utsname = unsafe { std::mem::zeroed() };
            // SAFETY: a live utsname.
            unsafe { libc::uname(&mut u) };
            // SAFETY: uname NUL-terminates its fields.
            let f = |c: &[libc::c_char]| unsafe { std::ffi::CStr::from_ptr(c.as_ptr()) }.to_string_lossy().into_owned();
            format!("{} version {} {}\n", f(&u.sysname), f(&u.release), f(&u.version))
        }
        _ => String::new(),
    }
}

/// The time since boot and the idle time, from the same clock as the
/// tasks' start times (`shown::boot_ticks`).
fn uptime() -> String {
    let t = crate::kernel::task::shown::boot_ticks();
    format!("{}.{:02} 0.00\n", t / 100, t % 100)
}

/// The host's load averages, with the task table's running and total
/// counts and its last pid.
fn loadavg() -> String {
    let mut avg = [0f64; 3];
    // SAFETY: a live array of three doubles.
    unsafe { libc::getloadavg(avg.as_mut_ptr(), 3) };
    let t = table::lock();
    let total = t.iter().count();
    let running = t.iter().filter(|p| p.state_letter() == 'R').count();
    let last = t.iter().map(|p| p.task.pid).max().unwrap_or(1);
    format!("{:.2} {:.2} {:.2} {running}/{total} {last}\n", avg[0], avg[1], avg[2])
}
