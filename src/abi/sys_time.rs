//! <sys/time.h> and <utime.h>: the older timestamp calls (expressed with
//! utimensat) and the interval timer.

use std::ffi::{c_char, c_int};

use super::{cstr, me, sys};
use crate::kernel::fs::ops as fsops;
use crate::kernel::signal::timer;
use crate::kernel::{Errno, KResult};

/// Converts an optional pair of timevals to timespecs (EINVAL when a
/// microsecond field is out of range, as utimes(2) reports).
///
/// # Safety
/// `tv` must be null or point to two timevals.
unsafe fn to_timespecs(tv: *const libc::timeval) -> KResult<Option<[libc::timespec; 2]>> {
    if tv.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller passes two timevals.
    let t = unsafe { [*tv, *tv.add(1)] };
    let mut ts = [libc::timespec { tv_sec: 0, tv_nsec: 0 }; 2];
    for (d, s) in ts.iter_mut().zip(t) {
        if !(0..1_000_000).contains(&s.tv_usec) {
            return Err(Errno::EINVAL);
        }
        d.tv_sec = s.tv_sec;
        d.tv_nsec = s.tv_usec as libc::c_long * 1000;
    }
    Ok(Some(ts))
}

fn utimes_at(
    dirfd: c_int,
    path: Option<&std::ffi::CStr>,
    ts: Option<[libc::timespec; 2]>,
    flags: c_int,
) -> KResult<c_int> {
    let p = ts.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
    // SAFETY: `p` is null or points at the two timespecs in `ts`.
    unsafe { fsops::utimensat(me(), dirfd, path, p, flags) }.map(|()| 0)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/utimes.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_utimes(path: *const c_char, tv: *const libc::timeval) -> c_int {
    // SAFETY: the caller passes a path and null or two timevals.
    sys("utimes", || utimes_at(libc::AT_FDCWD, Some(unsafe { cstr(path) }?), unsafe { to_timespecs(tv) }?, 0))
}

/// lutimes(3): like utimes, for the link itself.
#[no_mangle]
pub unsafe extern "C" fn tvm_lutimes(path: *const c_char, tv: *const libc::timeval) -> c_int {
    sys("lutimes", || {
        // SAFETY: the caller passes a path and null or two timevals.
        let (p, ts) = unsafe { (cstr(path)?, to_timespecs(tv)?) };
        utimes_at(libc::AT_FDCWD, Some(p), ts, libc::AT_SYMLINK_NOFOLLOW)
    })
}

/// futimes(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_futimes(fd: c_int, tv: *const libc::timeval) -> c_int {
    // SAFETY: the caller passes null or two timevals.
    sys("futimes", || utimes_at(fd, None, unsafe { to_timespecs(tv) }?, 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/utime.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_utime(path: *const c_char, times: *const libc::utimbuf) -> c_int {
    sys("utime", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { cstr(path) }?;
        let ts = if times.is_null() {
            None
        } else {
            // SAFETY: non-null utimbuf from the caller.
            let t = unsafe { *times };
            Some([libc::timespec { tv_sec: t.actime, tv_nsec: 0 }, libc::timespec { tv_sec: t.modtime, tv_nsec: 0 }])
        };
        utimes_at(libc::AT_FDCWD, Some(p), ts, 0)
    })
}

fn timeval(d: std::time::Duration) -> libc::timeval {
    libc::timeval { tv_sec: d.as_secs() as libc::time_t, tv_usec: d.subsec_micros() as libc::suseconds_t }
}

fn duration(tv: &libc::timeval) -> KResult<std::time::Duration> {
    if tv.tv_sec < 0 || !(0..1_000_000).contains(&tv.tv_usec) {
        return Err(Errno::EINVAL);
    }
    Ok(std::time::Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setitimer.html>
/// ITIMER_REAL only: the CPU-time timers (VIRTUAL, PROF) are EINVAL (see
/// docs/signals.md).
#[no_mangle]
pub unsafe extern "C" fn tvm_setitimer(which: c_int, new: *const libc::itimerval, old: *mut libc::itimerval) -> c_int {
    sys("setitimer", || {
        if which != libc::ITIMER_REAL {
            return Err(Errno::EINVAL);
        }
        let (value, interval) = if new.is_null() {
            (None, std::time::Duration::ZERO)
        } else {
            // SAFETY: non-null itimerval from the caller.
            let n = unsafe { &*new };
            (Some(duration(&n.it_value)?), duration(&n.it_interval)?)
        };
        let (left, every) = if new.is_null() { timer::get(me().pid) } else { timer::set(me().pid, value, interval) };
        if !old.is_null() {
            // SAFETY: non-null out-parameter from the caller.
            unsafe {
                (*old).it_value = timeval(left.unwrap_or_default());
                (*old).it_interval = timeval(every);
            }
        }
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getitimer.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getitimer(which: c_int, cur: *mut libc::itimerval) -> c_int {
    sys("getitimer", || {
        if which != libc::ITIMER_REAL {
            return Err(Errno::EINVAL);
        }
        let (left, every) = timer::get(me().pid);
        // SAFETY: the caller passes a writable itimerval.
        unsafe {
            super::out(
                cur,
                libc::itimerval { it_value: timeval(left.unwrap_or_default()), it_interval: timeval(every) },
            )
        }
        .map(|()| 0)
    })
}
