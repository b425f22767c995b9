//! <time.h> and the sleeping calls of <unistd.h>: sleeping is waiting on
//! the task's wake-up handle with a deadline, so a signal ends it. Sleeps
//! are never restarted (Linux returns EINTR even under SA_RESTART).

use crate::platform::c as libc;
use std::ffi::{c_int, c_uint};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{me, sys};
use crate::kernel::block::{self, Deadline, Woke};
use crate::kernel::task::Task;
use crate::kernel::{Errno, KResult};

/// Sleeps for `d`; on a signal, `Err((EINTR, time left))`.
fn sleep_for(task: &Task, d: Duration) -> Result<(), (Errno, Duration)> {
    let deadline = Deadline::after(Some(d));
    loop {
        match block::wait_wake(task, deadline) {
            Ok(Woke::TimedOut) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err((e, deadline.remaining().unwrap_or_default())),
        }
    }
}

fn write_timespec(p: *mut libc::timespec, d: Duration) {
    if !p.is_null() {
        // SAFETY: a non-null out-parameter from the caller.
        unsafe {
            (*p).tv_sec = d.as_secs() as libc::time_t;
            (*p).tv_nsec = d.subsec_nanos() as libc::c_long;
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/nanosleep.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_nanosleep(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int {
    sys("nanosleep", || {
        if req.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null timespec from the caller.
        let d = super::poll::timespec_duration(unsafe { &*req })?;
        sleep_for(me(), d).map(|()| 0).map_err(|(e, left)| {
            write_timespec(rem, left);
            e
        })
    })
}

/// The time until `clock` reaches the absolute time `t`.
fn until(clock: libc::clockid_t, t: Duration) -> KResult<Duration> {
    let now = match clock {
        libc::CLOCK_REALTIME => SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default(),
        libc::CLOCK_MONOTONIC | libc::CLOCK_BOOTTIME => {
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: `ts` is a live local.
            unsafe { libc::clock_gettime(clock, &mut ts) };
            Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
        }
        _ => return Err(Errno::EINVAL),
    };
    Ok(t.saturating_sub(now))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/clock_nanosleep.html>
/// Returns an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_clock_nanosleep(
    clock: libc::clockid_t,
    flags: c_int,
    req: *const libc::timespec,
    rem: *mut libc::timespec,
) -> c_int {
    let r = sys("clock_nanosleep", || {
        if req.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null timespec from the caller.
        let t = super::poll::timespec_duration(unsafe { &*req })?;
        let absolute = flags & libc::TIMER_ABSTIME != 0;
        let d = if absolute { until(clock, t)? } else { until(clock, Duration::MAX).map(|_| t)? };
        sleep_for(me(), d).map(|()| 0).map_err(|(e, left)| {
            if !absolute {
                write_timespec(rem, left);
            }
            e
        })
    });
    if r == 0 {
        0
    } else {
        Errno::last() as c_int
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sleep.html>
/// Returns the seconds left when a signal ended the sleep.
#[no_mangle]
pub extern "C" fn tvm_sleep(secs: c_uint) -> c_uint {
    let mut left = 0;
    sys("sleep", || {
        if let Err((_, rest)) = sleep_for(me(), Duration::from_secs(secs.into())) {
            left = rest.as_secs() as c_uint + (rest.subsec_nanos() > 0) as c_uint;
        }
        Ok(0)
    });
    left
}

/// usleep(3).
#[no_mangle]
pub extern "C" fn tvm_usleep(usec: libc::useconds_t) -> c_int {
    sys("usleep", || sleep_for(me(), Duration::from_micros(usec.into())).map(|()| 0).map_err(|(e, _)| e))
}

/// Seconds for alarm(2)'s answer: rounded to nearest, and never 0 for a
/// pending alarm.
pub fn alarm_seconds(left: Option<Duration>) -> c_uint {
    match left {
        None => 0,
        Some(d) => (d.as_secs() as c_uint + (d.subsec_micros() >= 500_000) as c_uint).max(1),
    }
}

// ---- Broken-down time in per-task buffers (`crt::time`) ----

fn time_state<R>(name: &'static str, f: impl FnOnce(&mut crate::crt::time::TimeState) -> *mut R) -> *mut R {
    super::stream_call_value(name, std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).time }, |t| Ok(f(t)))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/localtime.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_localtime(t: *const libc::time_t) -> *mut libc::tm {
    if t.is_null() {
        Errno::EFAULT.set();
        return std::ptr::null_mut();
    }
    // SAFETY: a non-null time_t from the caller.
    time_state("localtime", |st| unsafe { crate::crt::time::localtime(st, t) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/gmtime.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_gmtime(t: *const libc::time_t) -> *mut libc::tm {
    if t.is_null() {
        Errno::EFAULT.set();
        return std::ptr::null_mut();
    }
    // SAFETY: a non-null time_t from the caller.
    time_state("gmtime", |st| unsafe { crate::crt::time::gmtime(st, t) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/asctime.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_asctime(tm: *const libc::tm) -> *mut std::ffi::c_char {
    if tm.is_null() {
        Errno::EFAULT.set();
        return std::ptr::null_mut();
    }
    // SAFETY: a non-null struct tm from the caller.
    time_state("asctime", |st| unsafe { crate::crt::time::asctime(st, tm) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ctime.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ctime(t: *const libc::time_t) -> *mut std::ffi::c_char {
    if t.is_null() {
        Errno::EFAULT.set();
        return std::ptr::null_mut();
    }
    // SAFETY: a non-null time_t from the caller.
    time_state("ctime", |st| unsafe { crate::crt::time::ctime(st, t) })
}
