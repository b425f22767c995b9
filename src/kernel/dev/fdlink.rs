//! /dev/fd/N and /dev/stdin, /dev/stdout, /dev/stderr: Linux makes them
//! links to /proc/self/fd/N, and opening one opens anew what descriptor N
//! refers to ("a new open file description, with the flags given",
//! proc(5)): a terminal is opened again, a host file reopened through the
//! host with the new flags, a socket cannot be (ENXIO).

use std::ffi::c_int;
use std::sync::Arc;

use super::registry::{lookup, Node};
use crate::kernel::fd::OpenFile;
use crate::kernel::task::Task;
use crate::kernel::{Errno, KResult};

/// Opens what task descriptor `fd` refers to, with `flags`.
pub fn reopen(task: &Task, fd: c_int, flags: c_int) -> KResult<Arc<OpenFile>> {
    let file = task.files.lock().get(fd).map_err(|_| Errno::ENOENT)?;
    if let Some(dev) = file.as_device() {
        return match lookup(&dev.path()) {
            Some(Node::Device(node)) => Ok(OpenFile::device(node.open(task, flags)?, flags)),
            _ => Err(Errno::ENXIO),
        };
    }
    if file.kind() == crate::kernel::fd::Kind::Socket {
        return Err(Errno::ENXIO);
    }
    reopen_host(file.host_fd()?, flags, &file)
}

#[cfg(target_os = "linux")]
fn reopen_host(host_fd: c_int, flags: c_int, _file: &Arc<OpenFile>) -> KResult<Arc<OpenFile>> {
    let path = std::ffi::CString::new(format!("/proc/self/fd/{host_fd}")).map_err(|_| Errno::EINVAL)?;
    crate::kernel::fs::ops::open_file(libc::AT_FDCWD, &path, flags, 0, 0)
}

/// Without /proc, the same description is the closest there is.
#[cfg(not(target_os = "linux"))]
fn reopen_host(_host_fd: c_int, _flags: c_int, file: &Arc<OpenFile>) -> KResult<Arc<OpenFile>> {
    Ok(file.clone())
}
