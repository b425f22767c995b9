//! <netdb.h>: `getaddrinfo` results in the task's arena (see
//! `crt::hostobj::addrinfo`). `gai_strerror` returns static strings and is
//! not routed.

use std::ffi::{c_char, c_int};

use super::{deliver_signals, guard};
use crate::crt::hostobj::addrinfo;
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getaddrinfo.html>
///
/// The host's lookup, with its result list copied into the arena.
#[no_mangle]
pub unsafe extern "C" fn tvm_getaddrinfo(
    node: *const c_char,
    service: *const c_char,
    hints: *const libc::addrinfo,
    res: *mut *mut libc::addrinfo,
) -> c_int {
    let rc = guard("getaddrinfo", || {
        if res.is_null() {
            Errno::EFAULT.set();
            return libc::EAI_SYSTEM;
        }
        let mut host: *mut libc::addrinfo = std::ptr::null_mut();
        // SAFETY: the caller's strings and hints; a local out-pointer.
        let rc = unsafe { libc::getaddrinfo(node, service, hints, &mut host) };
        if rc != 0 {
            return rc;
        }
        // SAFETY: `host` is the list getaddrinfo just returned, freed once
        // right after the copy.
        let copy = unsafe { addrinfo::copy_list(host) };
        // SAFETY: as above.
        unsafe { libc::freeaddrinfo(host) };
        match copy {
            // SAFETY: `res` is the caller's non-null out-pointer.
            Ok(list) => unsafe {
                *res = list;
                0
            },
            Err(_) => libc::EAI_MEMORY,
        }
    });
    deliver_signals();
    rc
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/freeaddrinfo.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_freeaddrinfo(res: *mut libc::addrinfo) {
    // SAFETY: a list tvm_getaddrinfo returned to this image (or a copy of
    // it fork relocated).
    guard("freeaddrinfo", || unsafe { addrinfo::free_list(res) });
    deliver_signals();
}
