//! inotify(7): a host inotify instance as a task descriptor.
//!
//! The instance is a host descriptor like a socket's; reads wait on it
//! (with the task's wake-up handle) as on any descriptor that may block.
//! Watched paths resolve against the task's cwd.

use crate::platform::c as libc;
use std::ffi::{c_int, CStr};
use std::os::fd::{FromRawFd, OwnedFd};

use super::file::OpenFile;
use super::ops::file;
use crate::kernel::task::Task;
use crate::kernel::{fs, host, Errno, KResult};

/// inotify_init1(2).
pub fn init1(task: &Task, flags: c_int) -> KResult<c_int> {
    if flags & !(libc::IN_NONBLOCK | libc::IN_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    // SAFETY: integer arguments only.
    let fd = host(unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) })?;
    // SAFETY: `fd` is a fresh descriptor.
    let f = OpenFile::new(unsafe { OwnedFd::from_raw_fd(fd) }, flags & libc::IN_NONBLOCK)?;
    task.files.lock().install(f, flags & libc::IN_CLOEXEC != 0, 0).map_err(|_| Errno::EMFILE)
}

/// inotify_add_watch(2).
pub fn add_watch(task: &Task, fd: c_int, path: &CStr, mask: u32) -> KResult<c_int> {
    let f = file(task, fd)?;
    let (_at, p) = fs::host_path(task, path)?;
    // SAFETY: a NUL-terminated path; `_at` keeps its directory open.
    host(unsafe { libc::inotify_add_watch(f.host_fd()?, p.as_ptr(), mask) })
}

/// inotify_rm_watch(2).
pub fn rm_watch(task: &Task, fd: c_int, wd: c_int) -> KResult<c_int> {
    let f = file(task, fd)?;
    // SAFETY: integer arguments only.
    host(unsafe { libc::inotify_rm_watch(f.host_fd()?, wd) })
}
