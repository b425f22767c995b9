//! <dirent.h>: directory streams (the runtime's own `DIR`, in the task's
//! arena, see `crt::dir`) and `scandir` over them. `alphasort` and
//! `versionsort` are the host's: they keep no state.
//!
//! The large-file names (`readdir64`, `readdir64_r`, `scandir64`) are the
//! same functions: on LP64 targets `struct dirent64` has `struct dirent`'s
//! layout.

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, c_long};

use libc::DIR;

use super::{cstr, stream_call_value as call, sys};
use crate::crt::dir::{self, Compare, Dir, Filter};
use crate::kernel::Errno;

/// scandir64(3)'s callbacks.
type Filter64 = Option<unsafe extern "C" fn(*const libc::dirent64) -> c_int>;
type Compare64 = Option<unsafe extern "C" fn(*mut *const libc::dirent64, *mut *const libc::dirent64) -> c_int>;

fn as_dir(d: *mut Dir) -> *mut DIR {
    d.cast()
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/opendir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_opendir(path: *const c_char) -> *mut DIR {
    // SAFETY: the caller passes a NUL-terminated path.
    call("opendir", std::ptr::null_mut(), || dir::opendir(unsafe { cstr(path)? }).map(as_dir))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fdopendir.html>
#[no_mangle]
pub extern "C" fn tvm_fdopendir(fd: c_int) -> *mut DIR {
    call("fdopendir", std::ptr::null_mut(), || dir::fdopendir(fd).map(as_dir))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html>
/// At the end: null with errno unchanged.
#[no_mangle]
pub unsafe extern "C" fn tvm_readdir(d: *mut DIR) -> *mut libc::dirent {
    call("readdir", std::ptr::null_mut(), || dir::check(d)?.read().map(|e| e.cast()))
}

/// readdir64(3) (LFS): [`tvm_readdir`].
#[no_mangle]
pub unsafe extern "C" fn tvm_readdir64(d: *mut DIR) -> *mut libc::dirent64 {
    call("readdir64", std::ptr::null_mut(), || dir::check(d)?.read())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir_r.html>
/// Returns 0 or an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_readdir_r(d: *mut DIR, entry: *mut libc::dirent, result: *mut *mut libc::dirent) -> c_int {
    // SAFETY: forwards the caller's pointers (same layout).
    unsafe { tvm_readdir64_r(d, entry.cast(), result.cast()) }
}

/// readdir64_r(3) (LFS): [`tvm_readdir_r`].
#[no_mangle]
pub unsafe extern "C" fn tvm_readdir64_r(
    d: *mut DIR,
    entry: *mut libc::dirent64,
    result: *mut *mut libc::dirent64,
) -> c_int {
    call("readdir_r", 0, || {
        let s = match dir::check(d) {
            Ok(s) => s,
            Err(e) => return Ok(e as c_int),
        };
        if entry.is_null() || result.is_null() {
            return Ok(libc::EFAULT);
        }
        // SAFETY: the caller's entry and result pointers, checked non-null.
        Ok(unsafe { s.read_r(entry, result) })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rewinddir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_rewinddir(d: *mut DIR) {
    call("rewinddir", (), || dir::check(d).map(Dir::rewind))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/seekdir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_seekdir(d: *mut DIR, pos: c_long) {
    call("seekdir", (), || dir::check(d).map(|s| s.seek(pos)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/telldir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_telldir(d: *mut DIR) -> c_long {
    sys("telldir", || dir::check(d).map(|s| s.tell()))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/closedir.html>
/// Null is EINVAL (glibc), any other pointer that is not an open stream
/// EBADF.
#[no_mangle]
pub unsafe extern "C" fn tvm_closedir(d: *mut DIR) -> c_int {
    sys("closedir", || {
        if d.is_null() {
            return Err(Errno::EINVAL);
        }
        let s = dir::check(d)?;
        // SAFETY: a live stream of this task, which the guest gives up.
        unsafe { dir::close(s) }.map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dirfd.html>
/// A pointer that is not an open stream is EINVAL, as POSIX says.
#[no_mangle]
pub unsafe extern "C" fn tvm_dirfd(d: *mut DIR) -> c_int {
    sys("dirfd", || dir::check(d).map(|s| s.fd).map_err(|_| Errno::EINVAL))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/scandir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_scandir(
    path: *const c_char,
    namelist: *mut *mut *mut libc::dirent,
    filter: Filter,
    compar: Compare,
) -> c_int {
    sys("scandir", || {
        if namelist.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the caller passes a path and scandir(3) callbacks.
        let (list, n) = unsafe { dir::scandir(cstr(path)?, filter, compar) }?;
        // SAFETY: non-null out-parameter from the caller.
        unsafe { namelist.write(list) };
        c_int::try_from(n).map_err(|_| Errno::EOVERFLOW)
    })
}

/// scandir64(3) (LFS): [`tvm_scandir`].
#[no_mangle]
pub unsafe extern "C" fn tvm_scandir64(
    path: *const c_char,
    namelist: *mut *mut *mut libc::dirent64,
    filter: Filter64,
    compar: Compare64,
) -> c_int {
    // SAFETY: struct dirent64 has struct dirent's layout, so the callbacks
    // and the array have the same types in all but name.
    unsafe {
        tvm_scandir(
            path,
            namelist.cast(),
            std::mem::transmute::<Filter64, Filter>(filter),
            std::mem::transmute::<Compare64, Compare>(compar),
        )
    }
}
