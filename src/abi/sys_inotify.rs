//! <sys/inotify.h> (`kernel::fd::inotify`).

use std::ffi::{c_char, c_int};

use super::{cstr, me, sys};
use crate::kernel::fd::inotify;

/// inotify_init(2).
#[no_mangle]
pub extern "C" fn tvm_inotify_init() -> c_int {
    sys("inotify_init", || inotify::init1(me(), 0))
}

/// inotify_init1(2).
#[no_mangle]
pub extern "C" fn tvm_inotify_init1(flags: c_int) -> c_int {
    sys("inotify_init1", || inotify::init1(me(), flags))
}

/// inotify_add_watch(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_inotify_add_watch(fd: c_int, path: *const c_char, mask: u32) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("inotify_add_watch", || inotify::add_watch(me(), fd, unsafe { cstr(path) }?, mask))
}

/// inotify_rm_watch(2).
#[no_mangle]
pub extern "C" fn tvm_inotify_rm_watch(fd: c_int, wd: c_int) -> c_int {
    sys("inotify_rm_watch", || inotify::rm_watch(me(), fd, wd))
}
