//! <dirent.h>: `scandir`, whose results the guest frees.

use std::ffi::{c_char, c_int};
use std::os::fd::AsRawFd;

use super::malloc::{tvm_free, tvm_malloc, tvm_realloc};
use super::{cstr, me, sys};
use crate::kernel::fd::ops;
use crate::kernel::fs::ops as fsops;
use crate::kernel::{host, Errno, KResult};

type Filter = Option<unsafe extern "C" fn(*const libc::dirent) -> c_int>;
type Compare = Option<unsafe extern "C" fn(*mut *const libc::dirent, *mut *const libc::dirent) -> c_int>;

/// Reads every entry of the directory at `path` (relative to the task's
/// cwd), keeps those `filter` accepts as arena copies, sorts them with
/// `compar`. Returns the array and its length.
///
/// # Safety
/// `filter` and `compar` must be valid callbacks of scandir(3)'s types.
unsafe fn scan(path: &std::ffi::CStr, filter: Filter, compar: Compare) -> KResult<(*mut *mut libc::dirent, usize)> {
    let task = me();
    let fd = fsops::openat(task, libc::AT_FDCWD, path, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC, 0)?;
    let file = ops::file(task, fd);
    let _ = ops::close(task, fd);
    let file = file?;
    // A host DIR stream on a private duplicate of the host descriptor.
    let dup = file.host_fd().as_raw_fd();
    // SAFETY: F_DUPFD_CLOEXEC makes a descriptor that fdopendir then owns.
    let hfd = host(unsafe { libc::fcntl(dup, libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: `hfd` is a fresh directory descriptor.
    let dir = unsafe { libc::fdopendir(hfd) };
    if dir.is_null() {
        let e = Errno::last();
        // SAFETY: fdopendir failed, so `hfd` is still ours to close.
        unsafe { libc::close(hfd) };
        return Err(e);
    }
    let mut list: *mut *mut libc::dirent = std::ptr::null_mut();
    let mut n = 0usize;
    let result = loop {
        Errno::clear();
        // SAFETY: `dir` is a live DIR stream.
        let ent = unsafe { libc::readdir(dir) };
        if ent.is_null() {
            let e = Errno::last_raw();
            break if e == 0 { Ok(()) } else { Err(Errno::from_raw(e)) };
        }
        // SAFETY: the filter is the guest's callback, given a live entry.
        if let Some(f) = filter {
            if unsafe { f(ent) } == 0 {
                continue;
            }
        }
        // SAFETY: `ent` is a live entry with a NUL-terminated name.
        let size = unsafe { std::mem::offset_of!(libc::dirent, d_name) + libc::strlen((*ent).d_name.as_ptr()) + 1 }
            .max(std::mem::size_of::<libc::dirent>());
        let copy = tvm_malloc(size).cast::<libc::dirent>();
        // SAFETY: growing our own arena array by one slot.
        let grown = unsafe { tvm_realloc(list.cast(), (n + 1) * std::mem::size_of::<*mut libc::dirent>()) };
        if copy.is_null() || grown.is_null() {
            // SAFETY: frees what was allocated (null is a no-op).
            unsafe { tvm_free(copy.cast()) };
            break Err(Errno::ENOMEM);
        }
        list = grown.cast();
        // SAFETY: `copy` has room for the entry up to its name's terminator
        // (and at least a whole struct dirent); `list` has n + 1 slots.
        unsafe {
            std::ptr::copy_nonoverlapping(
                ent.cast::<u8>(),
                copy.cast::<u8>(),
                size.min(std::mem::size_of::<libc::dirent>()),
            );
            *list.add(n) = copy;
        }
        n += 1;
    };
    // SAFETY: `dir` is live and closed once.
    unsafe { libc::closedir(dir) };
    if let Err(e) = result {
        for i in 0..n {
            // SAFETY: each entry is an arena allocation made above.
            unsafe { tvm_free((*list.add(i)).cast()) };
        }
        // SAFETY: the array is ours.
        unsafe { tvm_free(list.cast()) };
        return Err(e);
    }
    if let (Some(c), true) = (compar, n > 1) {
        // SAFETY: sorts our array of n entry pointers with the guest's
        // comparison, which scandir(3) defines on pointers to entries.
        unsafe {
            let cmp: unsafe extern "C" fn(*const libc::c_void, *const libc::c_void) -> c_int = std::mem::transmute(c);
            libc::qsort(list.cast(), n, std::mem::size_of::<*mut libc::dirent>(), Some(cmp));
        }
    }
    if list.is_null() {
        // An empty result is still an allocated (empty) array.
        list = tvm_malloc(std::mem::size_of::<*mut libc::dirent>()).cast();
    }
    Ok((list, n))
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
        let (list, n) = unsafe { scan(cstr(path)?, filter, compar) }?;
        // SAFETY: non-null out-parameter from the caller.
        unsafe { namelist.write(list) };
        c_int::try_from(n).map_err(|_| Errno::EOVERFLOW)
    })
}
