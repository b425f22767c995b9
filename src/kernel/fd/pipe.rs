//! Pipes: a pair of host pipe ends, each its own description.
//!
//! "Data written to the write end can be read from the read end; a read
//! from a pipe whose write ends are all closed sees end-of-file; a write to
//! a pipe with no reader fails with EPIPE" (pipe(7)). The host pipe gives
//! exactly that; the runtime adds interruptible blocking (see `file.rs`).

use crate::platform::c as libc;
use std::ffi::c_int;
use std::os::fd::{FromRawFd, OwnedFd};

use super::OpenFile;
use crate::kernel::task::Task;
use crate::kernel::{host, Errno, KResult};

/// pipe2(2): returns the read and write descriptors.
pub fn pipe2(task: &Task, flags: c_int) -> KResult<[c_int; 2]> {
    let allowed = libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_DIRECT;
    if flags & !allowed != 0 {
        return Err(Errno::EINVAL);
    }
    let mut raw = [0 as c_int; 2];
    // Blocking on the host: `OpenFile::pipe_end` makes each end non-blocking
    // where the runtime must wait in a poll instead.
    let host_flags = libc::O_CLOEXEC | (flags & libc::O_DIRECT);
    // SAFETY: `raw` has room for the two descriptors pipe2 writes.
    host(unsafe { libc::pipe2(raw.as_mut_ptr(), host_flags) })?;
    // SAFETY: both descriptors are fresh and ours.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(raw[0]), OwnedFd::from_raw_fd(raw[1])) };
    let nb = flags & libc::O_NONBLOCK;
    let rf = OpenFile::pipe_end(r, libc::O_RDONLY | nb)?;
    let wf = OpenFile::pipe_end(w, libc::O_WRONLY | nb)?;
    let cloexec = flags & libc::O_CLOEXEC != 0;
    let mut t = task.files.lock();
    let rfd = t.install(rf, cloexec, 0).map_err(|_| Errno::EMFILE)?;
    match t.install(wf, cloexec, 0) {
        Ok(wfd) => Ok([rfd, wfd]),
        Err(_) => {
            let _ = t.remove(rfd);
            Err(Errno::EMFILE)
        }
    }
}
