//! Process groups and sessions.
//!
//! "setsid() creates a new session if the calling process is not a process
//! group leader; setpgid() sets the process group of the calling process
//! or of a child: EACCES if the child has already performed an execve,
//! EPERM if it would move a session leader, move a process into a group in
//! another session, or change the group of a child in another session;
//! ESRCH if pid is neither the caller nor a child of it" (setsid(2),
//! setpgid(2)).

use super::table;
use super::{Pid, Task};
use crate::kernel::{Errno, KResult};

/// setsid(2): returns the new session id.
pub fn setsid(task: &Task) -> KResult<Pid> {
    let mut t = table::lock();
    if t.iter().any(|p| p.pgid == task.pid) {
        return Err(Errno::EPERM);
    }
    let me = t.get_mut(task.pid).ok_or(Errno::ESRCH)?;
    me.sid = task.pid;
    me.pgid = task.pid;
    // A new session starts without a controlling terminal.
    me.ctty = None;
    Ok(task.pid)
}

/// setpgid(2).
pub fn setpgid(task: &Task, pid: Pid, pgid: Pid) -> KResult<()> {
    let target = if pid == 0 { task.pid } else { pid };
    let pgid = if pgid == 0 { target } else { pgid };
    if pgid < 0 {
        return Err(Errno::EINVAL);
    }
    let mut t = table::lock();
    let me = t.get(task.pid).ok_or(Errno::ESRCH)?;
    let my_sid = me.sid;
    let p = t.get(target).ok_or(Errno::ESRCH)?;
    if target != task.pid {
        if p.ppid != task.pid {
            return Err(Errno::ESRCH);
        }
        if p.sid != my_sid {
            return Err(Errno::EPERM);
        }
        if p.did_exec {
            return Err(Errno::EACCES);
        }
    }
    if p.sid == target {
        return Err(Errno::EPERM);
    }
    if pgid != target && !t.iter().any(|x| x.pgid == pgid && x.sid == my_sid) {
        return Err(Errno::EPERM);
    }
    if let Some(p) = t.get_mut(target) {
        p.pgid = pgid;
    }
    Ok(())
}
