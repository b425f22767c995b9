//! <stdio.h>: the calls that touch the filesystem or descriptors. The
//! formatted-output entry points (`dprintf`, `vdprintf`) are in variadic.c.

use std::ffi::{c_char, c_int, c_uint};

use super::{cstr, me, sys};
use crate::kernel::fs::ops as fsops;
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_rename(old: *const c_char, new: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_renameat2(libc::AT_FDCWD, old, libc::AT_FDCWD, new, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/renameat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_renameat(olddir: c_int, old: *const c_char, newdir: c_int, new: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_renameat2(olddir, old, newdir, new, 0) }
}

/// renameat2(2) (Linux).
#[no_mangle]
pub unsafe extern "C" fn tvm_renameat2(
    olddir: c_int,
    old: *const c_char,
    newdir: c_int,
    new: *const c_char,
    flags: c_uint,
) -> c_int {
    sys("renameat2", || {
        // SAFETY: the caller passes NUL-terminated paths.
        let (o, n) = unsafe { (cstr(old)?, cstr(new)?) };
        fsops::renameat2(me(), olddir, o, newdir, n, flags).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/remove.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_remove(path: *const c_char) -> c_int {
    sys("remove", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { cstr(path) }?;
        let task = me();
        match fsops::unlinkat(task, libc::AT_FDCWD, p, 0) {
            Err(Errno::EISDIR) => fsops::unlinkat(task, libc::AT_FDCWD, p, libc::AT_REMOVEDIR),
            r => r,
        }
        .map(|()| 0)
    })
}
