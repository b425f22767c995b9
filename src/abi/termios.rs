//! <termios.h>: terminal settings and foreground process groups on task
//! descriptors (`kernel::tty::ops`).

use std::ffi::c_int;

use super::{me, sys, sys_restart};
use crate::kernel::tty::ops;
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcgetattr.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_tcgetattr(fd: c_int, t: *mut libc::termios) -> c_int {
    sys("tcgetattr", || {
        let got = ops::tcgetattr(me(), fd)?;
        if t.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the caller's non-null termios.
        unsafe { t.write(got) };
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcsetattr.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_tcsetattr(fd: c_int, action: c_int, t: *const libc::termios) -> c_int {
    sys_restart("tcsetattr", || {
        if t.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the caller's non-null termios.
        ops::tcsetattr(me(), fd, action, unsafe { &*t }).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcflush.html>
#[no_mangle]
pub extern "C" fn tvm_tcflush(fd: c_int, which: c_int) -> c_int {
    sys_restart("tcflush", || ops::tcflush(me(), fd, which).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcdrain.html>
#[no_mangle]
pub extern "C" fn tvm_tcdrain(fd: c_int) -> c_int {
    sys_restart("tcdrain", || ops::tcdrain(me(), fd).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcflow.html>
#[no_mangle]
pub extern "C" fn tvm_tcflow(fd: c_int, action: c_int) -> c_int {
    sys_restart("tcflow", || ops::tcflow(me(), fd, action).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcsendbreak.html>
#[no_mangle]
pub extern "C" fn tvm_tcsendbreak(fd: c_int, _duration: c_int) -> c_int {
    sys_restart("tcsendbreak", || ops::tcsendbreak(me(), fd).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcgetpgrp.html>
#[no_mangle]
pub extern "C" fn tvm_tcgetpgrp(fd: c_int) -> libc::pid_t {
    sys("tcgetpgrp", || ops::tcgetpgrp(me(), fd))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcsetpgrp.html>
#[no_mangle]
pub extern "C" fn tvm_tcsetpgrp(fd: c_int, pgid: libc::pid_t) -> c_int {
    sys_restart("tcsetpgrp", || ops::tcsetpgrp(me(), fd, pgid).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tcgetsid.html>
#[no_mangle]
pub extern "C" fn tvm_tcgetsid(fd: c_int) -> libc::pid_t {
    sys("tcgetsid", || ops::tcgetsid(me(), fd))
}
