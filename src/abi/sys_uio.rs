//! <sys/uio.h>

use std::ffi::c_int;

use super::{me, sys, sys_restart};
use crate::kernel::fd::ops;
use crate::kernel::{Errno, KResult};

/// The caller's iovec array (EINVAL for a negative count).
///
/// # Safety
/// `iov` must point to `n` iovecs when `n > 0`.
unsafe fn iovecs<'a>(iov: *const libc::iovec, n: c_int) -> KResult<&'a [libc::iovec]> {
    let n = usize::try_from(n).map_err(|_| Errno::EINVAL)?;
    if n == 0 {
        return Ok(&[]);
    }
    if iov.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the caller passes `n` iovecs.
    Ok(unsafe { std::slice::from_raw_parts(iov, n) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/readv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_readv(fd: c_int, iov: *const libc::iovec, n: c_int) -> isize {
    // SAFETY: the caller passes `n` iovecs.
    sys_restart("readv", || ops::readv(me(), fd, unsafe { iovecs(iov, n) }?).map(|n| n as isize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/writev.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_writev(fd: c_int, iov: *const libc::iovec, n: c_int) -> isize {
    // SAFETY: the caller passes `n` iovecs.
    sys_restart("writev", || ops::writev(me(), fd, unsafe { iovecs(iov, n) }?).map(|n| n as isize))
}

/// preadv(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_preadv(fd: c_int, iov: *const libc::iovec, n: c_int, off: libc::off_t) -> isize {
    sys("preadv", || {
        // SAFETY: the caller passes `n` iovecs.
        let v = unsafe { iovecs(iov, n) }?;
        let f = ops::file(me(), fd)?;
        // SAFETY: the iovecs describe the caller's buffers.
        crate::kernel::host(unsafe { libc::preadv(f.host_fd()?, v.as_ptr(), v.len() as c_int, off) })
    })
}

/// pwritev(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_pwritev(fd: c_int, iov: *const libc::iovec, n: c_int, off: libc::off_t) -> isize {
    sys("pwritev", || {
        // SAFETY: the caller passes `n` iovecs.
        let v = unsafe { iovecs(iov, n) }?;
        let f = ops::file(me(), fd)?;
        // SAFETY: the iovecs describe the caller's buffers.
        crate::kernel::host(unsafe { libc::pwritev(f.host_fd()?, v.as_ptr(), v.len() as c_int, off) })
    })
}
