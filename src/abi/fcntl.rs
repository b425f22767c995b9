//! <fcntl.h>. `open`, `openat` and `fcntl` are variadic; their C entry
//! points in variadic.c read the optional argument and call the
//! fixed-argument functions here.

use std::ffi::{c_char, c_int, c_uint, c_ulong};

use super::{cstr, me, sys_restart};
use crate::kernel::fd::ops;
use crate::kernel::fs::ops as fsops;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/openat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_openat_mode(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys_restart("openat", || fsops::openat(me(), dirfd, unsafe { cstr(path) }?, flags, mode as libc::mode_t))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/creat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_creat(path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_openat_mode(libc::AT_FDCWD, path, libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC, mode as c_uint) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fcntl_arg(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: `arg` is the caller's argument for `cmd`, passed on as given.
    sys_restart("fcntl", || unsafe { ops::fcntl(me(), fd, cmd, arg) })
}
