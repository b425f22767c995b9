//! Controlling terminals and terminal job control.
//!
//! "A session can have a controlling terminal. The session leader
//! acquires one by opening a terminal that is not already some session's
//! (unless O_NOCTTY), or with TIOCSCTTY; its children inherit it. One
//! process group of the session is the terminal's foreground group: it
//! receives the signals the keyboard generates; a background process that
//! reads gets SIGTTIN, one that writes with TOSTOP set, or changes the
//! terminal's settings, gets SIGTTOU; in an orphaned group, or with the
//! signal blocked or ignored, the call fails with EIO instead (a write
//! just proceeds). When the session leader exits, the foreground group
//! gets SIGHUP and the session loses its terminal; when the terminal hangs
//! up, the session leader gets SIGHUP and SIGCONT" (credentials(7),
//! termios(3), tcsetpgrp(3), Linux's tty_io.c and tty_jobctrl.c).
//!
//! Each task's controlling terminal is in its task table entry (`Proc`);
//! the terminal records its session and foreground group.

use std::ffi::c_int;
use std::sync::Arc;

use super::pty::Pty;
use crate::kernel::dev::{node_stat, Device, DeviceFile};
use crate::kernel::signal::send::send_group;
use crate::kernel::task::table::{self, TaskTable};
use crate::kernel::task::{Pid, Task};
use crate::kernel::{Errno, KResult};

/// The calling task's controlling terminal.
pub fn of(task: &Task) -> Option<Arc<Pty>> {
    table::lock().get(task.pid).and_then(|p| p.ctty.clone())
}

fn is(ctty: &Option<Arc<Pty>>, pty: &Pty) -> bool {
    ctty.as_ref().is_some_and(|c| std::ptr::eq(c.as_ref(), pty))
}

/// Whether `sig` is blocked or ignored by `task`.
fn blocked_or_ignored(task: &Task, sig: c_int) -> bool {
    let s = task.signals.lock();
    s.mask.contains(sig) || s.action(sig).is_ok_and(|a| a.handler == libc::SIG_IGN)
}

/// The job-control check for a task using `pty` (tty_check_change): a
/// background member of the terminal's session is sent `sig` and the call
/// is restarted once it may go on (EINTR, restarted by the ABI), unless
/// the signal is blocked or ignored (`ignored` is then the answer) or its
/// group is orphaned (EIO).
fn check_job(task: &Task, pty: &Pty, sig: c_int, ignored: KResult<()>) -> KResult<()> {
    let mut t = table::lock();
    let Some(me) = t.get(task.pid) else { return Ok(()) };
    if !is(&me.ctty, pty) {
        return Ok(());
    }
    let my_pgrp = me.pgid;
    let Some(fg) = pty.lock().pgrp else { return Ok(()) };
    if fg == my_pgrp {
        return Ok(());
    }
    if blocked_or_ignored(task, sig) {
        return ignored;
    }
    if t.group_is_orphaned(my_pgrp) {
        return Err(Errno::EIO);
    }
    send_group(&mut t, my_pgrp, sig);
    Err(Errno::EINTR)
}

/// Before a read of `pty`: SIGTTIN for a background reader.
pub fn check_read(task: &Task, pty: &Pty) -> KResult<()> {
    check_job(task, pty, libc::SIGTTIN, Err(Errno::EIO))
}

/// Before a write to `pty`: SIGTTOU for a background writer under TOSTOP.
pub fn check_write(task: &Task, pty: &Pty) -> KResult<()> {
    if pty.lock().ldisc.termios.c_lflag & libc::TOSTOP == 0 {
        return Ok(());
    }
    check_job(task, pty, libc::SIGTTOU, Ok(()))
}

/// Before changing `pty`'s settings (tcsetattr, tcflush, tcflow,
/// tcsetpgrp, tcsendbreak): SIGTTOU for a background caller.
pub fn check_change(task: &Task, pty: &Pty) -> KResult<()> {
    check_job(task, pty, libc::SIGTTOU, Ok(()))
}

/// A session leader without a controlling terminal that opens `pty`
/// (without O_NOCTTY) acquires it, unless another session has it.
pub fn acquire_on_open(task: &Task, pty: &Arc<Pty>) {
    let mut t = table::lock();
    let Some(me) = t.get(task.pid) else { return };
    if me.sid != task.pid || me.ctty.is_some() {
        return;
    }
    let pgid = me.pgid;
    {
        let mut s = pty.lock();
        if s.session.is_some() || s.hung_up {
            return;
        }
        s.session = Some(task.pid);
        s.pgrp = Some(pgid);
    }
    if let Some(me) = t.get_mut(task.pid) {
        me.ctty = Some(pty.clone());
    }
}

/// Makes `pty` the controlling terminal of `sid`'s leader `leader`, with
/// `pgid` in the foreground (the first task of a terminal session).
pub fn set(t: &mut TaskTable, leader: Pid, pgid: Pid, pty: &Arc<Pty>) {
    {
        let mut s = pty.lock();
        s.session = Some(leader);
        s.pgrp = Some(pgid);
    }
    if let Some(p) = t.get_mut(leader) {
        p.ctty = Some(pty.clone());
    }
}

/// Gives task `pid` (of session `sid`, which it need not lead) `pty` as
/// controlling terminal, with `fg` in the foreground: the first task when
/// the host process's session has a terminal it does not read from.
pub fn attach(t: &mut TaskTable, pid: Pid, sid: Pid, fg: Option<Pid>, pty: &Arc<Pty>) {
    {
        let mut s = pty.lock();
        s.session = Some(sid);
        s.pgrp = fg;
    }
    if let Some(p) = t.get_mut(pid) {
        p.ctty = Some(pty.clone());
    }
}

/// Every member of session `sid` loses `pty` as controlling terminal.
fn clear_session(t: &mut TaskTable, sid: Pid, pty: &Pty) {
    let members: Vec<Pid> = t.iter().filter(|p| p.sid == sid && is(&p.ctty, pty)).map(|p| p.task.pid).collect();
    for pid in members {
        if let Some(p) = t.get_mut(pid) {
            p.ctty = None;
        }
    }
}

/// TIOCSCTTY: `steal` (arg 1) takes the terminal from another session,
/// for a privileged caller.
pub fn tiocsctty(task: &Task, pty: &Arc<Pty>, steal: bool, readable: bool) -> KResult<()> {
    let mut t = table::lock();
    let me = t.get(task.pid).ok_or(Errno::ESRCH)?;
    let (leader, pgid, has_ctty) = (me.sid == task.pid, me.pgid, me.ctty.is_some());
    let current = pty.lock().session;
    if leader && current == Some(task.pid) {
        return Ok(());
    }
    if !leader || has_ctty {
        return Err(Errno::EPERM);
    }
    // SAFETY: geteuid has no preconditions.
    let privileged = unsafe { libc::geteuid() } == 0;
    if let Some(other) = current {
        if !(steal && privileged) {
            return Err(Errno::EPERM);
        }
        clear_session(&mut t, other, pty);
    }
    if !readable && !privileged {
        return Err(Errno::EPERM);
    }
    set(&mut t, task.pid, pgid, pty);
    Ok(())
}

/// TIOCNOTTY: the caller gives up its controlling terminal; a session
/// leader gives it up for the whole session, and its foreground group
/// gets SIGHUP and SIGCONT.
pub fn tiocnotty(task: &Task, pty: &Pty) -> KResult<()> {
    let mut t = table::lock();
    let me = t.get(task.pid).ok_or(Errno::ESRCH)?;
    if !is(&me.ctty, pty) {
        return Err(Errno::ENOTTY);
    }
    if me.sid == task.pid {
        let fg = {
            let mut s = pty.lock();
            s.session = None;
            s.pgrp.take()
        };
        if let Some(pg) = fg {
            send_group(&mut t, pg, libc::SIGHUP);
            send_group(&mut t, pg, libc::SIGCONT);
        }
        clear_session(&mut t, task.pid, pty);
    } else if let Some(me) = t.get_mut(task.pid) {
        me.ctty = None;
    }
    Ok(())
}

/// TIOCGPGRP: the foreground process group (0 when there is none). On the
/// slave only for the caller's controlling terminal.
pub fn tcgetpgrp(task: &Task, pty: &Pty, on_slave: bool) -> KResult<Pid> {
    if on_slave && !is(&table::lock().get(task.pid).and_then(|p| p.ctty.clone()), pty) {
        return Err(Errno::ENOTTY);
    }
    Ok(pty.lock().pgrp.unwrap_or(0))
}

/// TIOCGSID: the session the terminal belongs to.
pub fn tcgetsid(task: &Task, pty: &Pty, on_slave: bool) -> KResult<Pid> {
    if on_slave && !is(&table::lock().get(task.pid).and_then(|p| p.ctty.clone()), pty) {
        return Err(Errno::ENOTTY);
    }
    pty.lock().session.ok_or(Errno::ENOTTY)
}

/// TIOCSPGRP: puts `pgid` in the foreground of the caller's controlling
/// terminal `pty`.
pub fn tcsetpgrp(task: &Task, pty: &Pty, pgid: Pid) -> KResult<()> {
    match check_change(task, pty) {
        Err(Errno::EIO) => return Err(Errno::ENOTTY),
        r => r?,
    }
    let t = table::lock();
    let me = t.get(task.pid).ok_or(Errno::ESRCH)?;
    let sid = me.sid;
    if !is(&me.ctty, pty) || pty.lock().session != Some(sid) {
        return Err(Errno::ENOTTY);
    }
    if pgid < 0 {
        return Err(Errno::EINVAL);
    }
    let group = t.iter().find(|p| p.pgid == pgid).ok_or(Errno::ESRCH)?;
    if group.sid != sid {
        return Err(Errno::EPERM);
    }
    pty.lock().pgrp = Some(pgid);
    Ok(())
}

/// The terminal hung up (its master closed): the session loses it; the
/// session leader gets SIGHUP and SIGCONT.
pub fn hang_up_session(pty: &Pty, sid: Pid) {
    let mut t = table::lock();
    clear_session(&mut t, sid, pty);
    if let Some(leader) = t.get(sid).map(|p| p.task.clone()) {
        for sig in [libc::SIGHUP, libc::SIGCONT] {
            crate::kernel::signal::send::send(&mut t, &leader, sig, crate::kernel::signal::SigInfo::kernel(sig));
        }
    }
}

/// A session leader is exiting: its controlling terminal's foreground
/// group gets SIGHUP, and the session loses the terminal.
pub fn leader_exits(t: &mut TaskTable, leader: Pid) {
    let Some(pty) = t.get(leader).and_then(|p| p.ctty.clone()) else { return };
    let fg = {
        let mut s = pty.lock();
        if s.session != Some(leader) {
            return;
        }
        s.session = None;
        s.pgrp.take()
    };
    if let Some(pg) = fg {
        send_group(t, pg, libc::SIGHUP);
    }
    clear_session(t, leader, &pty);
}

/// /dev/tty: the opener's controlling terminal (ENXIO without one).
struct DevTty;

impl Device for DevTty {
    fn open(&self, task: &Task, _flags: c_int) -> KResult<Box<dyn DeviceFile>> {
        let pty = of(task).ok_or(Errno::ENXIO)?;
        Ok(Box::new(pty.open_slave()?))
    }

    fn stat(&self) -> libc::stat {
        node_stat(libc::S_IFCHR, 0o666, 5, 0, 0, 5)
    }
}

/// Registers /dev/tty.
pub fn register_devices() {
    let _ = crate::kernel::dev::register("/dev/tty", Arc::new(DevTty));
}
