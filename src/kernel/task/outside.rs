//! The world outside forkless: whether the host process's own process
//! group is linked to its session from outside.
//!
//! A process group is orphaned when no member has a parent in another
//! group of the same session (POSIX). The first task stands in the host
//! process's group, whose other members and their parents are host
//! processes the runtime cannot see as tasks. Started by an interactive
//! shell, the group is linked (the shell is the parent, in its own group);
//! started from a script whose own shell has gone, or by a daemon, it may
//! be orphaned, and then the kernel discards SIGTSTP, SIGTTIN and SIGTTOU
//! for it, as forkless must for the tasks in it. The answer can change as
//! host processes come and go, so it is asked each time it matters (a stop
//! signal, an exit that may orphan a group), by reading the host's /proc.

/// Whether some member of the host process's group has a parent in
/// another group of the host process's session.
#[cfg(target_os = "linux")]
pub fn host_group_linked() -> bool {
    // SAFETY: getpgrp and getsid(0) have no preconditions.
    let (pgrp, sid) = unsafe { (libc::getpgrp(), libc::getsid(0)) };
    // Started from an interactive shell, forkless's own parent links the
    // group: one file read instead of a scan of every process.
    // SAFETY: getppid has no preconditions.
    if stat(unsafe { libc::getppid() }).is_some_and(|parent| parent.pgrp != pgrp && parent.session == sid) {
        return true;
    }
    let Ok(dir) = std::fs::read_dir("/proc") else { return true };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Some(me) = stat(pid) else { continue };
        if me.pgrp != pgrp {
            continue;
        }
        if stat(me.ppid).is_some_and(|parent| parent.pgrp != pgrp && parent.session == sid) {
            return true;
        }
    }
    false
}

/// Without a /proc to ask, the group is taken to be linked, as it is
/// when started from a shell.
#[cfg(not(target_os = "linux"))]
pub fn host_group_linked() -> bool {
    true
}

#[cfg(target_os = "linux")]
struct Stat {
    ppid: i32,
    pgrp: i32,
    session: i32,
}

/// Fields 4-6 of /proc/PID/stat, after the parenthesized command name.
#[cfg(target_os = "linux")]
fn stat(pid: i32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let mut f = rest.split_whitespace().skip(1).map(|x| x.parse::<i32>().ok());
    Some(Stat { ppid: f.next()??, pgrp: f.next()??, session: f.next()?? })
}

#[cfg(test)]
mod tests {
    /// This test process's group: cargo's harness leaves it in the group of
    /// whatever started cargo; the answer must match a direct reading.
    #[test]
    fn reads_its_own_group() {
        // The call must not fail or hang; its value depends on the caller.
        let _ = super::host_group_linked();
        let me = super::stat(std::process::id() as i32).expect("own stat");
        // SAFETY: getpgrp has no preconditions.
        assert_eq!(me.pgrp, unsafe { libc::getpgrp() });
    }
}
