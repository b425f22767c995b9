//! <poll.h>

use std::ffi::c_int;
use std::time::Duration;

use super::{me, sys};
use crate::kernel::block::Deadline;
use crate::kernel::fd::poll;
use crate::kernel::{Errno, KResult};

/// The caller's pollfd array (EINVAL beyond the descriptor limit, as Linux).
///
/// # Safety
/// `fds` must point to `n` pollfds when `n > 0`.
unsafe fn pollfds<'a>(fds: *mut libc::pollfd, n: libc::nfds_t) -> KResult<&'a mut [libc::pollfd]> {
    let n = n as usize;
    if n > me().files.lock().limit() {
        return Err(Errno::EINVAL);
    }
    if n == 0 {
        return Ok(&mut []);
    }
    if fds.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the caller passes `n` pollfds.
    Ok(unsafe { std::slice::from_raw_parts_mut(fds, n) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_poll(fds: *mut libc::pollfd, n: libc::nfds_t, timeout_ms: c_int) -> c_int {
    sys("poll", || {
        // SAFETY: the caller passes `n` pollfds.
        let fds = unsafe { pollfds(fds, n) }?;
        let d = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        poll::poll(me(), fds, Deadline::after(d)).map(|n| n as c_int)
    })
}

/// A timespec as a duration (EINVAL when malformed).
pub fn timespec_duration(ts: &libc::timespec) -> KResult<Duration> {
    if ts.tv_sec < 0 || !(0..1_000_000_000).contains(&ts.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// ppoll(2): waits under the given signal mask.
#[no_mangle]
pub unsafe extern "C" fn tvm_ppoll(
    fds: *mut libc::pollfd,
    n: libc::nfds_t,
    timeout: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    sys("ppoll", || {
        // SAFETY: the caller passes `n` pollfds and a null or valid timespec.
        let fds = unsafe { pollfds(fds, n) }?;
        // SAFETY: as above.
        let d = if timeout.is_null() { None } else { Some(timespec_duration(unsafe { &*timeout })?) };
        let task = me();
        if !sigmask.is_null() {
            // SAFETY: a non-null sigmask points to a sigset_t.
            unsafe { super::signal::use_temporary_mask(task, sigmask) };
        }
        poll::poll(task, fds, Deadline::after(d)).map(|n| n as c_int)
    })
}
