//! <sys/select.h>

use std::ffi::c_int;
use std::time::Duration;

use super::{me, sys};
use crate::kernel::block::Deadline;
use crate::kernel::fd::poll::{self, FdSets};
use crate::kernel::{Errno, KResult};

const FD_SETSIZE: usize = libc::FD_SETSIZE;

/// The bit words of a caller's fd_set covering `nfds` descriptors.
///
/// # Safety
/// `set` must be null or point to an fd_set.
unsafe fn words<'a>(set: *mut libc::fd_set, nfds: usize) -> Option<&'a mut [u64]> {
    // SAFETY: an fd_set is FD_SETSIZE bits; we expose only the words below nfds.
    (!set.is_null()).then(|| unsafe { std::slice::from_raw_parts_mut(set.cast::<u64>(), nfds.div_ceil(64)) })
}

fn check_nfds(nfds: c_int) -> KResult<usize> {
    usize::try_from(nfds).ok().filter(|&n| n <= FD_SETSIZE).ok_or(Errno::EINVAL)
}

fn remaining(deadline: &Deadline) -> Duration {
    deadline.remaining().unwrap_or_default()
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/select.html>
/// As on Linux, the timeout is updated to the time not slept.
#[no_mangle]
pub unsafe extern "C" fn tvm_select(
    nfds: c_int,
    r: *mut libc::fd_set,
    w: *mut libc::fd_set,
    e: *mut libc::fd_set,
    timeout: *mut libc::timeval,
) -> c_int {
    sys("select", || {
        let n = check_nfds(nfds)?;
        let d = if timeout.is_null() {
            None
        } else {
            // SAFETY: non-null timeval from the caller.
            let tv = unsafe { *timeout };
            if tv.tv_sec < 0 || !(0..1_000_000).contains(&tv.tv_usec) {
                return Err(Errno::EINVAL);
            }
            Some(Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000))
        };
        let deadline = Deadline::after(d);
        // SAFETY: each set is null or the caller's fd_set.
        let mut sets = unsafe { FdSets { read: words(r, n), write: words(w, n), except: words(e, n) } };
        let res = poll::select(me(), n, &mut sets, deadline);
        if !timeout.is_null() {
            let left = remaining(&deadline);
            // SAFETY: non-null timeval from the caller.
            unsafe {
                (*timeout).tv_sec = left.as_secs() as libc::time_t;
                (*timeout).tv_usec = left.subsec_micros() as libc::suseconds_t;
            }
        }
        res.map(|n| n as c_int)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pselect.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pselect(
    nfds: c_int,
    r: *mut libc::fd_set,
    w: *mut libc::fd_set,
    e: *mut libc::fd_set,
    timeout: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    sys("pselect", || {
        let n = check_nfds(nfds)?;
        // SAFETY: a non-null timespec from the caller.
        let d = if timeout.is_null() { None } else { Some(super::poll::timespec_duration(unsafe { &*timeout })?) };
        let task = me();
        // SAFETY: each set is null or the caller's fd_set.
        let mut sets = unsafe { FdSets { read: words(r, n), write: words(w, n), except: words(e, n) } };
        if !sigmask.is_null() {
            // SAFETY: a non-null sigmask points to a sigset_t.
            unsafe { super::signal::use_temporary_mask(task, sigmask) };
        }
        poll::select(task, n, &mut sets, Deadline::after(d)).map(|n| n as c_int)
    })
}
