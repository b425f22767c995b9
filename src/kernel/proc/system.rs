//! The files of /proc that describe the machine rather than a task:
//! copied from the host's own where the host has them (Linux), made from
//! what the OS offers where it does not (Darwin: sysctl and the Mach host
//! calls, `platform::machine_file`), and the table's own for what counts
//! tasks (loadavg's running and total).

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
        other => crate::platform::machine_file(other).unwrap_or_default().into_bytes(),
    })
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
