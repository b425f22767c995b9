//! <sys/stat.h>

use crate::platform::c as libc;
use std::ffi::{c_char, c_int};

use super::{cstr, me, out, sys};
use crate::kernel::fd::ops;
use crate::kernel::fs::{self, ops as fsops};

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/stat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_stat(path: *const c_char, st: *mut libc::stat) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_fstatat(libc::AT_FDCWD, path, st, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/lstat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_lstat(path: *const c_char, st: *mut libc::stat) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_fstatat(libc::AT_FDCWD, path, st, libc::AT_SYMLINK_NOFOLLOW) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatat(dirfd: c_int, path: *const c_char, st: *mut libc::stat, flags: c_int) -> c_int {
    sys("fstatat", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let s = fsops::fstatat(me(), dirfd, unsafe { cstr(path) }?, flags)?;
        // SAFETY: the caller passes a struct stat to fill.
        unsafe { out(st, s) }.map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fstat(fd: c_int, st: *mut libc::stat) -> c_int {
    sys("fstat", || {
        let s = ops::fstat(me(), fd)?;
        // SAFETY: the caller passes a struct stat to fill.
        unsafe { out(st, s) }.map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkdir(path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_mkdirat(libc::AT_FDCWD, path, mode) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdirat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkdirat(dirfd: c_int, path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("mkdirat", || fsops::mkdirat(me(), dirfd, unsafe { cstr(path) }?, mode).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mknod.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mknod(path: *const c_char, mode: libc::mode_t, dev: libc::dev_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_mknodat(libc::AT_FDCWD, path, mode, dev) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mknodat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mknodat(dirfd: c_int, path: *const c_char, mode: libc::mode_t, dev: libc::dev_t) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("mknodat", || fsops::mknodat(me(), dirfd, unsafe { cstr(path) }?, mode, dev).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkfifo.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkfifo(path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_mknodat(libc::AT_FDCWD, path, libc::S_IFIFO | (mode & 0o7777), 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkfifoat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkfifoat(dirfd: c_int, path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_mknodat(dirfd, path, libc::S_IFIFO | (mode & 0o7777), 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/chmod.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_chmod(path: *const c_char, mode: libc::mode_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_fchmodat(libc::AT_FDCWD, path, mode, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fchmodat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fchmodat(dirfd: c_int, path: *const c_char, mode: libc::mode_t, flags: c_int) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("fchmodat", || fsops::fchmodat(me(), dirfd, unsafe { cstr(path) }?, mode, flags).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fchmod.html>
#[no_mangle]
pub extern "C" fn tvm_fchmod(fd: c_int, mode: libc::mode_t) -> c_int {
    sys("fchmod", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer arguments only.
        crate::kernel::host(unsafe { libc::fchmod(f.host_fd()?, mode) })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/umask.html>
#[no_mangle]
pub extern "C" fn tvm_umask(mask: libc::mode_t) -> libc::mode_t {
    super::guard("umask", || fs::umask(me(), mask))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/utimensat.html>
/// A null path means `dirfd` itself (Linux).
#[no_mangle]
pub unsafe extern "C" fn tvm_utimensat(
    dirfd: c_int,
    path: *const c_char,
    times: *const libc::timespec,
    flags: c_int,
) -> c_int {
    sys("utimensat", || {
        // SAFETY: a non-null path is NUL-terminated per the caller.
        let p = if path.is_null() { None } else { Some(unsafe { cstr(path) }?) };
        // SAFETY: `times` is the caller's null or two-timespec array.
        unsafe { fsops::utimensat(me(), dirfd, p, times, flags) }.map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_futimens(fd: c_int, times: *const libc::timespec) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_utimensat(fd, std::ptr::null(), times, 0) }
}

// Large-file variants: on LP64 glibc `struct stat64` is `struct stat`.
const _: () = assert!(std::mem::size_of::<libc::stat64>() == std::mem::size_of::<libc::stat>());

/// stat64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_stat64(path: *const c_char, st: *mut libc::stat64) -> c_int {
    // SAFETY: identical layouts (checked above); forwards the caller's arguments.
    unsafe { tvm_stat(path, st.cast()) }
}

/// lstat64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_lstat64(path: *const c_char, st: *mut libc::stat64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_lstat(path, st.cast()) }
}

/// fstat64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_fstat64(fd: c_int, st: *mut libc::stat64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_fstat(fd, st.cast()) }
}

/// fstatat64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_fstatat64(
    dirfd: c_int,
    path: *const c_char,
    st: *mut libc::stat64,
    flags: c_int,
) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_fstatat(dirfd, path, st.cast(), flags) }
}
