//! The terminal ioctls of a pty end (tty_ioctl(4), Linux's tty_io.c,
//! tty_ioctl.c and pty.c).
//!
//! Settings, window size and the controlling-terminal requests act on the
//! slave's terminal from either end, as on Linux; the pty requests (TIOCGPTN,
//! TIOCSPTLCK, TIOCGPTLCK, TIOCGPTPEER) are the master's. A request the
//! terminal does not know is ENOTTY.

use crate::platform::c as libc;
use std::ffi::{c_int, c_ulong, c_void};

use super::ctty;
use super::pty::{End, Side};
use super::termios::KernelTermios;
use crate::kernel::task::Task;
use crate::kernel::{Errno, KResult};

/// The kernel's `struct termios2`: termios with the speeds as numbers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct KernelTermios2 {
    base: KernelTermios,
    c_ispeed: libc::speed_t,
    c_ospeed: libc::speed_t,
}

const TCGETS2: c_ulong = 0x802c_542a;
const TCSETS2: c_ulong = 0x402c_542b;
const TCSETSW2: c_ulong = 0x402c_542c;
const TCSETSF2: c_ulong = 0x402c_542d;
const TIOCGPTPEER: c_ulong = 0x5441;

/// Reads a `T` the caller passed by pointer (EFAULT when null).
///
/// # Safety
/// A non-null `arg` must point to a readable `T`.
unsafe fn get<T: Copy>(arg: *mut c_void) -> KResult<T> {
    if arg.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: per the caller.
    Ok(unsafe { arg.cast::<T>().read_unaligned() })
}

/// Writes `v` where the caller's pointer says (EFAULT when null).
///
/// # Safety
/// A non-null `arg` must point to a writable `T`.
unsafe fn put<T>(arg: *mut c_void, v: T) -> KResult<c_int> {
    if arg.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: per the caller.
    unsafe { arg.cast::<T>().write_unaligned(v) };
    Ok(0)
}

/// Applies new settings to the terminal: `flush` discards queued input
/// (TCSAFLUSH); a background caller of the slave is stopped first
/// (SIGTTOU). Through the master, as on Linux, the settings are the
/// slave's (the master side has no line discipline of its own).
pub fn set_termios(end: &End, task: &Task, t: libc::termios, flush: bool) -> KResult<()> {
    if end.side == Side::Slave {
        ctty::check_change(task, &end.pty)?;
    }
    {
        let mut s = end.pty.lock();
        s.ldisc.set_termios(t);
        if flush {
            s.ldisc.flush_input();
        }
    }
    end.pty.queue().wake_all();
    Ok(())
}

/// The terminal's settings (the slave's, through either end).
pub fn get_termios(end: &End) -> libc::termios {
    end.pty.lock().ldisc.termios
}

/// TCFLSH: which queue is input depends on the side (the master's input
/// is what the slave wrote).
pub fn flush(end: &End, task: &Task, which: c_int) -> KResult<()> {
    if !matches!(which, libc::TCIFLUSH | libc::TCOFLUSH | libc::TCIOFLUSH) {
        return Err(Errno::EINVAL);
    }
    if end.side == Side::Slave {
        ctty::check_change(task, &end.pty)?;
    }
    let (typed, shown) = match end.side {
        Side::Slave => (which != libc::TCOFLUSH, which != libc::TCIFLUSH),
        Side::Master => (which != libc::TCIFLUSH, which != libc::TCOFLUSH),
    };
    {
        let mut s = end.pty.lock();
        if typed {
            s.ldisc.flush_input();
        }
        if shown {
            s.ldisc.out.clear();
        }
    }
    end.pty.queue().wake_all();
    Ok(())
}

/// TCXONC: suspend or restart output (TCOOFF, TCOON); TCIOFF and TCION
/// would send STOP and START to the other side, which a pty has no use for.
pub fn flow(end: &End, task: &Task, action: c_int) -> KResult<()> {
    if end.side == Side::Slave {
        ctty::check_change(task, &end.pty)?;
    }
    match action {
        libc::TCOOFF => end.pty.lock().ldisc.stopped = true,
        libc::TCOON => end.pty.lock().ldisc.stopped = false,
        libc::TCIOFF | libc::TCION => {}
        _ => return Err(Errno::EINVAL),
    }
    end.pty.queue().wake_all();
    Ok(())
}

/// The ioctls of a pty end.
///
/// # Safety
/// `arg` must be what `req` expects (a pointer to its argument, or an
/// integer for TCFLSH, TCXONC, TCSBRK, TIOCSCTTY).
pub unsafe fn ioctl(end: &End, task: &Task, req: c_ulong, arg: *mut c_void) -> KResult<c_int> {
    let pty = &end.pty;
    let slave = end.side == Side::Slave;
    let int_arg = arg as usize as c_int;
    // SAFETY (every get/put below): `arg` is the caller's pointer of the
    // type `req` takes, per this function's contract.
    match req {
        libc::TCGETS => unsafe { put(arg, KernelTermios::from_user(&get_termios(end))) },
        libc::TCSETS | libc::TCSETSW | libc::TCSETSF => {
            let k: KernelTermios = unsafe { get(arg) }?;
            set_termios(end, task, k.to_user(&get_termios(end)), req == libc::TCSETSF).map(|()| 0)
        }
        TCGETS2 => {
            let t = get_termios(end);
            unsafe {
                put(
                    arg,
                    KernelTermios2 { base: KernelTermios::from_user(&t), c_ispeed: t.c_ispeed, c_ospeed: t.c_ospeed },
                )
            }
        }
        TCSETS2 | TCSETSW2 | TCSETSF2 => {
            let k: KernelTermios2 = unsafe { get(arg) }?;
            set_termios(end, task, k.base.to_user(&get_termios(end)), req == TCSETSF2).map(|()| 0)
        }
        libc::TIOCGWINSZ => unsafe { put(arg, pty.lock().winsize) },
        libc::TIOCSWINSZ => {
            let ws: libc::winsize = unsafe { get(arg) }?;
            pty.set_winsize(ws);
            Ok(0)
        }
        libc::FIONREAD => {
            let s = pty.lock();
            let n = if slave { s.ldisc.available() } else { s.ldisc.out.len() };
            drop(s);
            unsafe { put(arg, n as c_int) }
        }
        libc::TIOCOUTQ => {
            let n = if slave { pty.lock().ldisc.out.len() } else { 0 };
            unsafe { put(arg, n as c_int) }
        }
        libc::TCFLSH => flush(end, task, int_arg).map(|()| 0),
        libc::TCXONC => flow(end, task, int_arg).map(|()| 0),
        // Nothing waits in a pty between the two sides: drained already.
        libc::TCSBRK | libc::TCSBRKP => {
            if slave {
                ctty::check_change(task, pty)?;
            }
            Ok(0)
        }
        libc::TIOCSCTTY => ctty::tiocsctty(task, pty, int_arg == 1, true).map(|()| 0),
        libc::TIOCNOTTY if slave => ctty::tiocnotty(task, pty).map(|()| 0),
        libc::TIOCNOTTY => Err(Errno::ENOTTY),
        libc::TIOCGPGRP => {
            let pg = ctty::tcgetpgrp(task, pty, slave)?;
            unsafe { put(arg, pg) }
        }
        libc::TIOCSPGRP => {
            let pg: libc::pid_t = unsafe { get(arg) }?;
            ctty::tcsetpgrp(task, pty, pg).map(|()| 0)
        }
        libc::TIOCGSID => {
            let sid = ctty::tcgetsid(task, pty, slave)?;
            unsafe { put(arg, sid) }
        }
        libc::TIOCGETD => unsafe { put(arg, 0 as c_int) },
        libc::TIOCSETD => {
            let d: c_int = unsafe { get(arg) }?;
            if d == 0 {
                Ok(0)
            } else {
                Err(Errno::EINVAL)
            }
        }
        libc::TIOCEXCL | libc::TIOCNXCL => Ok(0),
        libc::TIOCSTI if slave => {
            let c: u8 = unsafe { get(arg) }?;
            if !ctty::of(task).is_some_and(|c| std::sync::Arc::ptr_eq(&c, pty)) {
                return Err(Errno::EPERM);
            }
            pty.input(&[c]);
            Ok(0)
        }
        libc::TIOCGPTN if !slave => unsafe { put(arg, pty.index as libc::c_uint) },
        libc::TIOCSPTLCK if !slave => {
            let lock: c_int = unsafe { get(arg) }?;
            pty.lock().locked = lock != 0;
            Ok(0)
        }
        libc::TIOCGPTLCK if !slave => unsafe { put(arg, c_int::from(pty.lock().locked)) },
        TIOCGPTPEER if !slave => {
            let flags = int_arg;
            if flags & !(libc::O_ACCMODE | libc::O_NOCTTY | libc::O_CLOEXEC | libc::O_NONBLOCK) != 0 {
                return Err(Errno::EINVAL);
            }
            let peer = pty.open_slave()?;
            if flags & libc::O_NOCTTY == 0 {
                ctty::acquire_on_open(task, pty);
            }
            let file = crate::kernel::fd::OpenFile::device(Box::new(peer), flags);
            task.files.lock().install(file, flags & libc::O_CLOEXEC != 0, 0)
        }
        // Packet mode is not provided; turning it off is fine.
        libc::TIOCPKT if !slave => {
            let on: c_int = unsafe { get(arg) }?;
            if on == 0 {
                Ok(0)
            } else {
                Err(Errno::EINVAL)
            }
        }
        _ => Err(Errno::ENOTTY),
    }
}
