//! <sys/statvfs.h> and <sys/statfs.h>

use crate::platform::c as libc;
use std::ffi::{c_char, c_int};

use super::{cstr, me, out, sys};
use crate::kernel::fd::ops;
use crate::kernel::fs::ops as fsops;
use crate::kernel::host;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/statvfs.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_statvfs(path: *const c_char, st: *mut libc::statvfs) -> c_int {
    sys("statvfs", || {
        // SAFETY: the caller passes a path and a struct to fill.
        let s = fsops::statvfs(me(), unsafe { cstr(path) }?)?;
        // SAFETY: as above.
        unsafe { out(st, s) }.map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatvfs.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatvfs(fd: c_int, st: *mut libc::statvfs) -> c_int {
    sys("fstatvfs", || {
        let f = ops::file(me(), fd)?;
        if st.is_null() {
            return Err(crate::kernel::Errno::EFAULT);
        }
        // SAFETY: `st` is the caller's non-null struct.
        host(unsafe { libc::fstatvfs(f.host_fd()?, st) })
    })
}

/// statfs(2) (Linux).
#[no_mangle]
pub unsafe extern "C" fn tvm_statfs(path: *const c_char, st: *mut libc::statfs) -> c_int {
    sys("statfs", || {
        // SAFETY: the caller passes a path and a struct to fill.
        let s = fsops::statfs(me(), unsafe { cstr(path) }?)?;
        // SAFETY: as above.
        unsafe { out(st, s) }.map(|()| 0)
    })
}

/// fstatfs(2) (Linux).
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatfs(fd: c_int, st: *mut libc::statfs) -> c_int {
    sys("fstatfs", || {
        let f = ops::file(me(), fd)?;
        if st.is_null() {
            return Err(crate::kernel::Errno::EFAULT);
        }
        // SAFETY: `st` is the caller's non-null struct.
        host(unsafe { libc::fstatfs(f.host_fd()?, st) })
    })
}

// Large-file variants: on LP64 glibc the 64 structs are the plain ones.
const _: () = assert!(std::mem::size_of::<libc::statvfs64>() == std::mem::size_of::<libc::statvfs>());
const _: () = assert!(std::mem::size_of::<libc::statfs64>() == std::mem::size_of::<libc::statfs>());

/// statvfs64(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_statvfs64(path: *const c_char, st: *mut libc::statvfs64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_statvfs(path, st.cast()) }
}

/// fstatvfs64(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatvfs64(fd: c_int, st: *mut libc::statvfs64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_fstatvfs(fd, st.cast()) }
}

/// statfs64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_statfs64(path: *const c_char, st: *mut libc::statfs64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_statfs(path, st.cast()) }
}

/// fstatfs64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatfs64(fd: c_int, st: *mut libc::statfs64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_fstatfs(fd, st.cast()) }
}
