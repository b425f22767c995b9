//! <netdb.h>: `getaddrinfo` results in the task's arena (see
//! `crt::hostobj::addrinfo`); the static-result lookups with per-task
//! buffers (`crt::netdb`). `gai_strerror` and `hstrerror` return static
//! strings and are not routed.

use std::ffi::{c_char, c_int};

use super::{deliver_signals, guard, stream_call_value};
use crate::crt::hostobj;
use crate::crt::netdb::{self, NetdbState};
use crate::kernel::Errno;
use crate::kernel::KResult;

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
        let copy = unsafe { hostobj::copy_list(host) };
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
    guard("freeaddrinfo", || unsafe { hostobj::free_list(res) });
    deliver_signals();
}

fn lookup<T>(name: &'static str, f: impl FnOnce(&mut NetdbState) -> KResult<*mut T>) -> *mut T {
    stream_call_value(name, std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).netdb }, f)
    })
}

/// An optional protocol name.
///
/// # Safety
/// `p` is null or NUL-terminated.
unsafe fn opt<'a>(p: *const c_char) -> Option<&'a std::ffi::CStr> {
    // SAFETY: per the caller.
    (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) })
}

/// <https://pubs.opengroup.org/onlinepubs/009695399/functions/gethostbyname.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_gethostbyname(name: *const c_char) -> *mut libc::hostent {
    // SAFETY: the caller passes a NUL-terminated name.
    lookup("gethostbyname", |st| netdb::gethostbyname(st, unsafe { super::cstr(name) }?))
}

/// gethostbyname2(3), the GNU variant with an address family.
#[no_mangle]
pub unsafe extern "C" fn tvm_gethostbyname2(name: *const c_char, af: c_int) -> *mut libc::hostent {
    // SAFETY: as above.
    lookup("gethostbyname2", |st| netdb::gethostbyname2(st, unsafe { super::cstr(name) }?, af))
}

/// <https://pubs.opengroup.org/onlinepubs/009695399/functions/gethostbyaddr.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_gethostbyaddr(
    addr: *const std::ffi::c_void,
    len: libc::socklen_t,
    af: c_int,
) -> *mut libc::hostent {
    lookup("gethostbyaddr", |st| {
        // SAFETY: the caller's address of `len` bytes.
        let a = unsafe { super::buf(addr, len as usize) }?;
        netdb::gethostbyaddr(st, a, af)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyname.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getservbyname(name: *const c_char, proto: *const c_char) -> *mut libc::servent {
    // SAFETY: NUL-terminated names (the protocol may be null).
    lookup("getservbyname", |st| netdb::getservbyname(st, unsafe { super::cstr(name) }?, unsafe { opt(proto) }))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyport.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getservbyport(port: c_int, proto: *const c_char) -> *mut libc::servent {
    // SAFETY: as above.
    lookup("getservbyport", |st| netdb::getservbyport(st, port, unsafe { opt(proto) }))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobyname.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getprotobyname(name: *const c_char) -> *mut libc::protoent {
    // SAFETY: as above.
    lookup("getprotobyname", |st| netdb::getprotobyname(st, unsafe { super::cstr(name) }?))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobynumber.html>
#[no_mangle]
pub extern "C" fn tvm_getprotobynumber(proto: c_int) -> *mut libc::protoent {
    lookup("getprotobynumber", |st| netdb::getprotobynumber(st, proto))
}
