//! <sys/ioctl.h>. `ioctl` is variadic; variadic.c calls this.

use std::ffi::{c_int, c_ulong, c_void};

use super::{me, sys_restart};
use crate::kernel::fd::ops;

/// ioctl(2) with its argument already read.
#[no_mangle]
pub unsafe extern "C" fn tvm_ioctl_arg(fd: c_int, req: c_ulong, arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the caller's argument for `req`, passed on as given.
    sys_restart("ioctl", || unsafe { ops::ioctl(me(), fd, req, arg) })
}
