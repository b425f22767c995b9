//! <sys/file.h>

use std::ffi::c_int;

use super::{me, sys_restart};
use crate::kernel::fd::ops;

/// flock(2). Host flock locks belong to open file descriptions, so tasks
/// sharing a description share a lock and other descriptions conflict, as
/// between processes. A blocking request waits inside the host call.
#[no_mangle]
pub extern "C" fn tvm_flock(fd: c_int, op: c_int) -> c_int {
    sys_restart("flock", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer arguments only.
        crate::kernel::host(unsafe { libc::flock(f.host_fd()?, op) })
    })
}
