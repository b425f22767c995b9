//! The <termios.h> and <pty.h> calls on task descriptors.
//!
//! A descriptor of one of the runtime's terminals goes to its pty; a host
//! terminal (forkless's own stdio when no pty stands in for it) gets the
//! host's call for settings, and ENOTTY for anything that carries process
//! ids, which mean nothing to the host; anything else is ENOTTY.

use std::ffi::c_int;
use std::os::fd::RawFd;

use super::ctty;
use super::ioctl;
use super::pty::{End, Side};
use crate::kernel::fd::{ops as fdops, OpenFile};
use crate::kernel::task::{Pid, Task};
use crate::kernel::{host, Errno, KResult};

/// What a descriptor is, for the terminal calls.
enum Term<'a> {
    Ours(&'a End),
    Host(RawFd),
}

/// Runs `f` on `fd`'s terminal (ENOTTY when it is none).
fn with_term<R>(task: &Task, fd: c_int, f: impl FnOnce(Term<'_>) -> KResult<R>) -> KResult<R> {
    let file: std::sync::Arc<OpenFile> = fdops::file(task, fd)?;
    if let Some(dev) = file.as_device() {
        return f(Term::Ours(dev.terminal().ok_or(Errno::ENOTTY)?));
    }
    if !fdops::isatty(task, fd)? {
        return Err(Errno::ENOTTY);
    }
    f(Term::Host(file.host_fd()?))
}

/// tcgetattr(3).
pub fn tcgetattr(task: &Task, fd: c_int) -> KResult<libc::termios> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => Ok(ioctl::get_termios(end)),
        Term::Host(h) => {
            // SAFETY: termios is plain data; all-zero is valid.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: `t` is a live local.
            host(unsafe { libc::tcgetattr(h, &mut t) })?;
            Ok(t)
        }
    })
}

/// tcsetattr(3): TCSANOW, TCSADRAIN (nothing waits in a pty), TCSAFLUSH.
pub fn tcsetattr(task: &Task, fd: c_int, action: c_int, t: &libc::termios) -> KResult<()> {
    if !matches!(action, libc::TCSANOW | libc::TCSADRAIN | libc::TCSAFLUSH) {
        return Err(Errno::EINVAL);
    }
    with_term(task, fd, |term| match term {
        Term::Ours(end) => ioctl::set_termios(end, task, *t, action == libc::TCSAFLUSH),
        // SAFETY: `t` is the caller's live termios.
        Term::Host(h) => host(unsafe { libc::tcsetattr(h, action, t) }).map(drop),
    })
}

/// tcflush(3).
pub fn tcflush(task: &Task, fd: c_int, which: c_int) -> KResult<()> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => ioctl::flush(end, task, which),
        // SAFETY: integer arguments only.
        Term::Host(h) => host(unsafe { libc::tcflush(h, which) }).map(drop),
    })
}

/// tcdrain(3): a pty's output is with the master already.
pub fn tcdrain(task: &Task, fd: c_int) -> KResult<()> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => {
            if end.side == Side::Slave {
                ctty::check_change(task, &end.pty)?;
            }
            Ok(())
        }
        // SAFETY: integer argument only.
        Term::Host(h) => host(unsafe { libc::tcdrain(h) }).map(drop),
    })
}

/// tcflow(3).
pub fn tcflow(task: &Task, fd: c_int, action: c_int) -> KResult<()> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => ioctl::flow(end, task, action),
        // SAFETY: integer arguments only.
        Term::Host(h) => host(unsafe { libc::tcflow(h, action) }).map(drop),
    })
}

/// tcsendbreak(3): a pty has no line to send a break on.
pub fn tcsendbreak(task: &Task, fd: c_int) -> KResult<()> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => {
            if end.side == Side::Slave {
                ctty::check_change(task, &end.pty)?;
            }
            Ok(())
        }
        Term::Host(_) => Ok(()),
    })
}

/// The runtime's terminal behind `fd` (ENOTTY for anything else, a host
/// terminal included: its process ids are the host's).
fn ours<R>(task: &Task, fd: c_int, f: impl FnOnce(&End) -> KResult<R>) -> KResult<R> {
    with_term(task, fd, |t| match t {
        Term::Ours(end) => f(end),
        Term::Host(_) => Err(Errno::ENOTTY),
    })
}

/// tcgetpgrp(3).
pub fn tcgetpgrp(task: &Task, fd: c_int) -> KResult<Pid> {
    ours(task, fd, |end| ctty::tcgetpgrp(task, &end.pty, end.side == Side::Slave))
}

/// tcsetpgrp(3).
pub fn tcsetpgrp(task: &Task, fd: c_int, pgid: Pid) -> KResult<()> {
    ours(task, fd, |end| ctty::tcsetpgrp(task, &end.pty, pgid))
}

/// tcgetsid(3).
pub fn tcgetsid(task: &Task, fd: c_int) -> KResult<Pid> {
    ours(task, fd, |end| ctty::tcgetsid(task, &end.pty, end.side == Side::Slave))
}

/// The master end behind `fd`: EINVAL for anything else (grantpt and
/// unlockpt's error), or `other` as the caller says.
pub fn master<R>(task: &Task, fd: c_int, other: Errno, f: impl FnOnce(&End) -> KResult<R>) -> KResult<R> {
    let file = fdops::file(task, fd)?;
    match file.as_device().and_then(|d| d.terminal()) {
        Some(end) if end.side == Side::Master => f(end),
        _ => Err(other),
    }
}

/// unlockpt(3).
pub fn unlockpt(task: &Task, fd: c_int) -> KResult<()> {
    master(task, fd, Errno::EINVAL, |end| {
        end.pty.lock().locked = false;
        Ok(())
    })
}

/// ptsname_r(3)'s name for master `fd`.
pub fn ptsname(task: &Task, fd: c_int) -> KResult<String> {
    master(task, fd, Errno::ENOTTY, |end| Ok(end.pty.slave_path()))
}
