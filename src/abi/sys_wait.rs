//! <sys/wait.h>

use crate::platform::c as libc;
use std::ffi::c_int;

use super::{me, sys_restart};
use crate::kernel::signal::SigInfo;
use crate::kernel::task::wait::{self, caller_pgid, Collected, Options, Which};
use crate::kernel::{Errno, KResult};

const WAITPID_FLAGS: c_int =
    libc::WNOHANG | libc::WUNTRACED | libc::WCONTINUED | libc::__WALL | libc::__WCLONE | libc::__WNOTHREAD;

/// Fills a caller's struct rusage with a child's CPU times.
///
/// # Safety
/// `ru` must be null or point to a writable rusage.
unsafe fn put_rusage(ru: *mut libc::rusage, c: &Collected) {
    if ru.is_null() {
        return;
    }
    let tv = |d: std::time::Duration| libc::timeval {
        tv_sec: d.as_secs() as libc::time_t,
        tv_usec: d.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: the caller passes a writable rusage.
    unsafe {
        std::ptr::write_bytes(ru, 0, 1);
        (*ru).ru_utime = tv(c.usage.user);
        (*ru).ru_stime = tv(c.usage.system);
    }
}

fn waitpid_inner(pid: libc::pid_t, options: c_int) -> KResult<Option<Collected>> {
    if options & !WAITPID_FLAGS != 0 {
        return Err(Errno::EINVAL);
    }
    let task = me();
    let opts = Options {
        nohang: options & libc::WNOHANG != 0,
        stopped: options & libc::WUNTRACED != 0,
        continued: options & libc::WCONTINUED != 0,
        ..Options::default()
    };
    wait::wait(task, Which::from_waitpid(pid, task.pid), opts)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/waitpid.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_waitpid(pid: libc::pid_t, status: *mut c_int, options: c_int) -> libc::pid_t {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_wait4(pid, status, options, std::ptr::null_mut()) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/wait.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_wait(status: *mut c_int) -> libc::pid_t {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_wait4(-1, status, 0, std::ptr::null_mut()) }
}

/// wait3(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_wait3(status: *mut c_int, options: c_int, ru: *mut libc::rusage) -> libc::pid_t {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_wait4(-1, status, options, ru) }
}

/// wait4(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_wait4(
    pid: libc::pid_t,
    status: *mut c_int,
    options: c_int,
    ru: *mut libc::rusage,
) -> libc::pid_t {
    sys_restart("wait4", || match waitpid_inner(pid, options)? {
        None => Ok(0),
        Some(c) => {
            if !status.is_null() {
                // SAFETY: the caller passes a writable int.
                unsafe { status.write(c.status) };
            }
            // SAFETY: the caller passes null or a writable rusage.
            unsafe { put_rusage(ru, &c) };
            Ok(c.pid)
        }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/waitid.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_waitid(
    idtype: libc::idtype_t,
    id: libc::id_t,
    info: *mut libc::siginfo_t,
    options: c_int,
) -> c_int {
    sys_restart("waitid", || {
        let events = libc::WEXITED | libc::WSTOPPED | libc::WCONTINUED;
        let allowed = events | libc::WNOHANG | libc::WNOWAIT | libc::__WALL | libc::__WCLONE | libc::__WNOTHREAD;
        if options & !allowed != 0 || options & events == 0 {
            return Err(Errno::EINVAL);
        }
        let task = me();
        let which = match idtype {
            libc::P_ALL => Which::Any,
            libc::P_PID if id > 0 => Which::Pid(id as libc::pid_t),
            libc::P_PGID if id == 0 => Which::Group(caller_pgid(task.pid)),
            libc::P_PGID => Which::Group(id as libc::pid_t),
            _ => return Err(Errno::EINVAL),
        };
        let opts = Options {
            nohang: options & libc::WNOHANG != 0,
            nowait: options & libc::WNOWAIT != 0,
            exited: options & libc::WEXITED != 0,
            stopped: options & libc::WSTOPPED != 0,
            continued: options & libc::WCONTINUED != 0,
        };
        let got = wait::wait(task, which, opts)?;
        if !info.is_null() {
            let rec = got.map_or(SigInfo::default(), |c| SigInfo::for_child(c.pid, c.status));
            // SAFETY: the caller passes a writable siginfo_t.
            unsafe { rec.write_to(info) };
        }
        Ok(0)
    })
}
