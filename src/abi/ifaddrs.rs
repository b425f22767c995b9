//! <ifaddrs.h>: `getifaddrs` results in the task's arena (see
//! `crt::hostobj::ifaddrs`).

use std::ffi::c_int;

use super::{deliver_signals, guard};
use crate::crt::hostobj;
use crate::kernel::Errno;

/// getifaddrs(3): the host's list, copied into the arena.
#[no_mangle]
pub unsafe extern "C" fn tvm_getifaddrs(res: *mut *mut libc::ifaddrs) -> c_int {
    let rc = guard("getifaddrs", || {
        if res.is_null() {
            Errno::EFAULT.set();
            return -1;
        }
        let mut host: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: a local out-pointer.
        if unsafe { libc::getifaddrs(&mut host) } != 0 {
            return -1;
        }
        // SAFETY: the list getifaddrs just returned, freed right after.
        let copy = unsafe { hostobj::copy_list(host) };
        // SAFETY: as above.
        unsafe { libc::freeifaddrs(host) };
        match copy {
            // SAFETY: the caller's non-null out-pointer.
            Ok(list) => unsafe {
                *res = list;
                0
            },
            Err(e) => {
                e.set();
                -1
            }
        }
    });
    deliver_signals();
    rc
}

/// freeifaddrs(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_freeifaddrs(list: *mut libc::ifaddrs) {
    // SAFETY: a list tvm_getifaddrs returned to this image (or fork's copy).
    guard("freeifaddrs", || unsafe { hostobj::free_list(list) });
    deliver_signals();
}
