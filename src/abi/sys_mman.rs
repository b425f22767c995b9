//! <sys/mman.h>: mmap of a task descriptor maps its host file. Anonymous
//! mappings and the calls that take addresses (munmap, mprotect, msync)
//! are the host's as they are.
//!
//! Limit: a mapping is the host process's, not part of a task's image, so
//! a fork child shares it with its parent, even when MAP_PRIVATE
//! (docs/host-objects.md).

use crate::platform::c as libc;
use std::ffi::{c_int, c_void};

use super::me;
use crate::kernel::fd::ops as fdops;
use crate::kernel::{host, Errno, KResult};

fn map(addr: *mut c_void, len: usize, prot: c_int, flags: c_int, fd: c_int, off: libc::off_t) -> KResult<*mut c_void> {
    let host_fd =
        if flags & libc::MAP_ANONYMOUS != 0 { -1 } else { fdops::file(me(), fd)?.host_fd_or(Errno::ENODEV)? };
    // SAFETY: the caller's arguments for mmap, with the descriptor mapped
    // to the host's; the host checks them as for any caller.
    let p = unsafe { libc::mmap(addr, len, prot, flags, host_fd, off) };
    if p == libc::MAP_FAILED {
        return Err(Errno::last());
    }
    host(0).map(|_| p)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mmap.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mmap(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off_t,
) -> *mut c_void {
    super::stream_call_value("mmap", libc::MAP_FAILED, || map(addr, len, prot, flags, fd, off))
}

/// mmap64: the same on LP64.
#[no_mangle]
pub unsafe extern "C" fn tvm_mmap64(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off64_t,
) -> *mut c_void {
    super::stream_call_value("mmap64", libc::MAP_FAILED, || map(addr, len, prot, flags, fd, off))
}
