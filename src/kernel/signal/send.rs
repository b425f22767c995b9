//! Generating signals: kill and friends, and the signals the runtime sends
//! on its own (SIGCHLD, SIGPIPE, SIGALRM, SIGHUP/SIGCONT to orphaned groups).
//!
//! "SIGCONT continues a stopped process even if blocked or ignored; a stop
//! signal discards pending SIGCONT and vice versa; SIGTSTP, SIGTTIN and
//! SIGTTOU with their default action are discarded for a process in an
//! orphaned process group; a signal that would be ignored is discarded"
//! (signal(7), POSIX). Generation marks the signal pending and pokes the
//! target (`host::poke`); delivery happens on the target's own thread.

use std::ffi::c_int;
use std::sync::Arc;

use super::{host, valid, Effect, SigInfo};
use crate::kernel::task::table::{ProcState, Report, TaskTable};
use crate::kernel::task::wait::status;
use crate::kernel::task::{table, Pid, Task, INIT_PID};
use crate::kernel::{Errno, KResult};

fn is_stop_signal(sig: c_int) -> bool {
    matches!(sig, libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU)
}

/// Sends `sig` to `target`, whose table entry `t` holds. A zombie ignores
/// every signal.
pub fn send(t: &mut TaskTable, target: &Arc<Task>, sig: c_int, info: SigInfo) {
    if let Some(deliverable) = post(t, target, sig, info) {
        host::poke(target, deliverable);
    }
}

/// Sends `sig` to every task of `targets`: pending in all of them before
/// any is woken, as the kernel generates a signal for a whole group at
/// once. Woken one by one, the first member of `a | b` could die of
/// SIGINT, and `b` read EOF and exit 0, before its own SIGINT was pending.
fn send_all(t: &mut TaskTable, targets: &[Arc<Task>], sig: c_int, info: SigInfo) {
    let woken: Vec<(&Arc<Task>, bool)> =
        targets.iter().filter_map(|target| post(t, target, sig, info).map(|d| (target, d))).collect();
    for (target, deliverable) in woken {
        host::poke(target, deliverable);
    }
}

/// Makes `sig` pending in `target` (or applies what it does at once:
/// continuing, discarding); whether the task must be poked, and with what.
fn post(t: &mut TaskTable, target: &Arc<Task>, sig: c_int, info: SigInfo) -> Option<bool> {
    let pid = target.pid;
    let p = t.get_mut(pid)?;
    if matches!(p.state, ProcState::Zombie(_)) {
        return None;
    }
    if (sig == libc::SIGCONT || sig == libc::SIGKILL) && p.stopped {
        p.stopped = false;
        if sig == libc::SIGCONT {
            p.report = Some(Report::Continued);
            notify_parent(t, pid, status::CONTINUED);
        }
        target.wake.wake();
    }
    let pgid = t.get(pid).map_or(pid, |p| p.pgid);
    let orphaned = matches!(sig, libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU) && t.group_is_orphaned(pgid);
    let mut s = target.signals.lock();
    if sig == libc::SIGCONT {
        s.continues += 1;
        for stop in [libc::SIGSTOP, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
            s.discard(stop);
        }
    }
    if is_stop_signal(sig) {
        s.discard(libc::SIGCONT);
    }
    if s.ignores(sig) || (orphaned && s.effect(sig) == Effect::Stop) {
        return None;
    }
    s.add_pending(sig, info);
    target.update_signal_hint(&s);
    Some(!s.mask.contains(sig))
}

/// Tells `child`'s parent that the child's state changed (wait status
/// `wstatus`): wakes it for wait, and sends it SIGCHLD unless it asked not
/// to hear of stops and continues (SA_NOCLDSTOP).
pub fn notify_parent(t: &mut TaskTable, child: Pid, wstatus: i32) {
    let Some(ppid) = t.get(child).map(|c| c.ppid) else { return };
    if ppid == INIT_PID {
        return;
    }
    let Some(parent) = t.get(ppid).map(|p| p.task.clone()) else { return };
    let job_control = status::if_stopped(wstatus).is_some() || status::if_continued(wstatus);
    let nocldstop = parent.signals.lock().action(libc::SIGCHLD).is_ok_and(|a| a.flags & libc::SA_NOCLDSTOP != 0);
    if !(job_control && nocldstop) {
        send(t, &parent, libc::SIGCHLD, SigInfo::for_child(child, wstatus));
    }
    parent.wake.wake();
}

/// kill(2): `pid` > 0 one task, 0 the caller's process group, -1 every task
/// but init and the caller, < -1 process group -pid. Signal 0 only checks
/// that a target exists. A zombie exists (and ignores the signal).
pub fn kill(sender: &Task, pid: Pid, sig: c_int, code: c_int) -> KResult<()> {
    kill_with(sender, pid, sig, SigInfo::sent(sig, code, sender.pid))
}

/// sigqueue(3): `sig` with a value, to task `pid` only (SI_QUEUE).
pub fn queue(sender: &Task, pid: Pid, sig: c_int, value: usize) -> KResult<()> {
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    kill_with(sender, pid, sig, SigInfo::queued(sig, sender.pid, value))
}

fn kill_with(sender: &Task, pid: Pid, sig: c_int, info: SigInfo) -> KResult<()> {
    if sig != 0 && !valid(sig) {
        return Err(Errno::EINVAL);
    }
    let mut t = table::lock();
    let me = t.get(sender.pid).ok_or(Errno::ESRCH)?;
    let my_pgid = me.pgid;
    let targets: Vec<Arc<Task>> = match pid {
        p if p > 0 => t.get(p).map(|x| x.task.clone()).into_iter().collect(),
        -1 => t.iter().filter(|x| x.task.pid != INIT_PID && x.task.pid != sender.pid).map(|x| x.task.clone()).collect(),
        p => {
            let g = if p == 0 { my_pgid } else { p.wrapping_neg() };
            t.iter().filter(|x| x.pgid == g).map(|x| x.task.clone()).collect()
        }
    };
    if targets.is_empty() {
        return Err(Errno::ESRCH);
    }
    if sig != 0 {
        send_all(&mut t, &targets, sig, info);
    }
    Ok(())
}

/// Sends a signal the runtime generates to the calling task (SIGPIPE).
pub fn send_self(task: &Task, sig: c_int) {
    let mut t = table::lock();
    if let Some(me) = t.get(task.pid).map(|p| p.task.clone()) {
        send(&mut t, &me, sig, SigInfo::kernel(sig));
    }
}

/// Sends `sig` to task `pid` if it exists (SIGALRM from a timer).
pub fn send_to(pid: Pid, sig: c_int) {
    let mut t = table::lock();
    if let Some(target) = t.get(pid).map(|p| p.task.clone()) {
        send(&mut t, &target, sig, SigInfo::kernel(sig));
    }
}

/// Sends a signal the runtime generates (a terminal's INTR, a hangup) to
/// every member of process group `pgid`.
pub fn send_group(t: &mut TaskTable, pgid: Pid, sig: c_int) {
    let members: Vec<Arc<Task>> = t.iter().filter(|p| p.pgid == pgid).map(|p| p.task.clone()).collect();
    send_all(t, &members, sig, SigInfo::kernel(sig));
}
