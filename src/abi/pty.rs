//! <stdlib.h>'s pseudo-terminal calls, <pty.h> and <utmp.h>'s login_tty:
//! the runtime's own terminals (`kernel::tty`); forkpty is in pty_glue.c,
//! since it forks.

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, CString};

use super::{me, sys};
use crate::kernel::fd::ops as fdops;
use crate::kernel::fs::ops as fsops;
use crate::kernel::task::session;
use crate::kernel::tty::ops;
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_openpt.html>
/// As glibc's: an open of /dev/ptmx with the flags given, unchecked.
#[no_mangle]
pub extern "C" fn tvm_posix_openpt(flags: c_int) -> c_int {
    sys("posix_openpt", || fsops::openat(me(), libc::AT_FDCWD, c"/dev/ptmx", flags, 0))
}

/// getpt(3): posix_openpt(O_RDWR | O_NOCTTY).
#[no_mangle]
pub extern "C" fn tvm_getpt() -> c_int {
    tvm_posix_openpt(libc::O_RDWR | libc::O_NOCTTY)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/grantpt.html>
/// The slave already belongs to the runtime's user, mode 0620.
#[no_mangle]
pub extern "C" fn tvm_grantpt(fd: c_int) -> c_int {
    sys("grantpt", || ops::master(me(), fd, Errno::EINVAL, |_| Ok(0)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlockpt.html>
#[no_mangle]
pub extern "C" fn tvm_unlockpt(fd: c_int) -> c_int {
    sys("unlockpt", || ops::unlockpt(me(), fd).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ptsname.html>
/// (ptsname_r): returns an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_ptsname_r(fd: c_int, buf: *mut c_char, len: usize) -> c_int {
    let r = super::guard("ptsname_r", || {
        let name = ops::ptsname(me(), fd)?;
        if buf.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller's buffer of `len` bytes.
        let out = unsafe { super::buf_mut(buf.cast(), len) }?;
        if name.len() >= out.len() {
            return Err(Errno::ERANGE);
        }
        out[..name.len()].copy_from_slice(name.as_bytes());
        out[name.len()] = 0;
        Ok(())
    });
    super::deliver_signals();
    match r {
        Ok(()) => 0,
        Err(e) => {
            e.set();
            e as c_int
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ptsname.html>:
/// the name in the task's own buffer.
#[no_mangle]
pub extern "C" fn tvm_ptsname(fd: c_int) -> *mut c_char {
    super::stream_call_value("ptsname", std::ptr::null_mut(), || {
        let name = ops::ptsname(me(), fd)?;
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).term }, |t| t.keep_ptsname(&name))
    })
}

/// openpty(3): a new pair, its slave unlocked and opened (without
/// becoming a controlling terminal), with the settings and window size
/// given; the slave's name copied to `name` when not null.
#[no_mangle]
pub unsafe extern "C" fn tvm_openpty(
    amaster: *mut c_int,
    aslave: *mut c_int,
    name: *mut c_char,
    termp: *const libc::termios,
    winp: *const libc::winsize,
) -> c_int {
    sys("openpty", || {
        if amaster.is_null() || aslave.is_null() {
            return Err(Errno::EFAULT);
        }
        let task = me();
        let master = fsops::openat(task, libc::AT_FDCWD, c"/dev/ptmx", libc::O_RDWR | libc::O_NOCTTY, 0)?;
        let opened = (|| {
            ops::unlockpt(task, master)?;
            let path = ops::ptsname(task, master)?;
            let cpath = CString::new(path.clone()).map_err(|_| Errno::EINVAL)?;
            let slave = fsops::openat(task, libc::AT_FDCWD, &cpath, libc::O_RDWR | libc::O_NOCTTY, 0)?;
            let set = (|| {
                if !termp.is_null() {
                    // SAFETY: the caller's non-null termios.
                    ops::tcsetattr(task, slave, libc::TCSAFLUSH, unsafe { &*termp })?;
                }
                if !winp.is_null() {
                    // SAFETY: TIOCSWINSZ reads the caller's winsize.
                    unsafe { fdops::ioctl(task, slave, libc::TIOCSWINSZ, winp.cast_mut().cast()) }?;
                }
                Ok(())
            })();
            if let Err(e) = set {
                let _ = fdops::close(task, slave);
                return Err(e);
            }
            Ok((slave, path))
        })();
        match opened {
            Ok((slave, path)) => {
                // SAFETY: the caller's out-parameters (checked non-null) and
                // name buffer (large enough, as openpty(3) requires).
                unsafe {
                    *amaster = master;
                    *aslave = slave;
                    if !name.is_null() {
                        std::ptr::copy_nonoverlapping(path.as_ptr(), name.cast::<u8>(), path.len());
                        *name.add(path.len()) = 0;
                    }
                }
                Ok(0)
            }
            Err(e) => {
                let _ = fdops::close(task, master);
                Err(e)
            }
        }
    })
}

/// login_tty(3): makes `fd` (a terminal) the controlling terminal of a
/// new session and the caller's standard input, output and error.
#[no_mangle]
pub extern "C" fn tvm_login_tty(fd: c_int) -> c_int {
    sys("login_tty", || {
        let task = me();
        let _ = session::setsid(task);
        // SAFETY: TIOCSCTTY takes an integer argument.
        unsafe { fdops::ioctl(task, fd, libc::TIOCSCTTY, std::ptr::null_mut()) }?;
        for n in 0..3 {
            fdops::dup_to(task, fd, n, false)?;
        }
        if fd > 2 {
            fdops::close(task, fd)?;
        }
        Ok(0)
    })
}
