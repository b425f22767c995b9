//! <netdb.h>'s static-result lookups (`gethostbyname`, `getservbyport`,
//! ...) with per-task result buffers.
//!
//! The host versions return one static buffer per process, which another
//! task's lookup would overwrite. These run the host's reentrant `_r`
//! calls into buffers in the task's arena (`crt::pwd::lookup`), one per
//! function as in glibc, so a result stays valid until the task's next
//! call of the same function, and fork copies it. `h_errno` is the host's
//! thread-local one, which is per task since every task runs on its own
//! thread.

use std::ffi::{c_char, c_int, CStr};

use super::pwd::{lookup, Buffered};
use crate::kernel::KResult;

#[repr(C)]
pub struct NetdbState {
    pub host: Buffered<libc::hostent>,
    pub host2: Buffered<libc::hostent>,
    pub addr: Buffered<libc::hostent>,
    pub servname: Buffered<libc::servent>,
    pub servport: Buffered<libc::servent>,
    pub protoname: Buffered<libc::protoent>,
    pub protonum: Buffered<libc::protoent>,
}

extern "C" {
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyname2_r(
        name: *const c_char,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const libc::c_void,
        addrlen: libc::socklen_t,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        ret: *mut libc::servent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        ret: *mut libc::servent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getprotobyname_r(
        name: *const c_char,
        ret: *mut libc::protoent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::protoent,
    ) -> c_int;
    fn getprotobynumber_r(
        proto: c_int,
        ret: *mut libc::protoent,
        buf: *mut c_char,
        len: usize,
        result: *mut *mut libc::protoent,
    ) -> c_int;
    fn __h_errno_location() -> *mut c_int;
}

/// Runs a host hostent lookup and publishes its `h_errno`.
fn host_lookup(
    b: &mut Buffered<libc::hostent>,
    mut call: impl FnMut(*mut libc::hostent, *mut c_char, usize, *mut *mut libc::hostent, *mut c_int) -> c_int,
) -> KResult<*mut libc::hostent> {
    let mut h: c_int = 0;
    let r = lookup(b, |e, buf, l, r| call(e, buf, l, r, &mut h));
    // SAFETY: the calling thread's h_errno.
    unsafe { *__h_errno_location() = h };
    r
}

fn ptr_or_null(s: Option<&CStr>) -> *const c_char {
    s.map_or(std::ptr::null(), CStr::as_ptr)
}

pub fn gethostbyname(st: &mut NetdbState, name: &CStr) -> KResult<*mut libc::hostent> {
    // SAFETY: the host call writes into the buffer of the length given.
    host_lookup(&mut st.host, |e, b, l, r, h| unsafe { gethostbyname_r(name.as_ptr(), e, b, l, r, h) })
}

pub fn gethostbyname2(st: &mut NetdbState, name: &CStr, af: c_int) -> KResult<*mut libc::hostent> {
    // SAFETY: as above.
    host_lookup(&mut st.host2, |e, b, l, r, h| unsafe { gethostbyname2_r(name.as_ptr(), af, e, b, l, r, h) })
}

pub fn gethostbyaddr(st: &mut NetdbState, addr: &[u8], af: c_int) -> KResult<*mut libc::hostent> {
    let (p, n) = (addr.as_ptr().cast(), addr.len() as libc::socklen_t);
    // SAFETY: as above; `addr` is readable for its length.
    host_lookup(&mut st.addr, |e, b, l, r, h| unsafe { gethostbyaddr_r(p, n, af, e, b, l, r, h) })
}

pub fn getservbyname(st: &mut NetdbState, name: &CStr, proto: Option<&CStr>) -> KResult<*mut libc::servent> {
    let proto = ptr_or_null(proto);
    // SAFETY: as above.
    lookup(&mut st.servname, |e, b, l, r| unsafe { getservbyname_r(name.as_ptr(), proto, e, b, l, r) })
}

pub fn getservbyport(st: &mut NetdbState, port: c_int, proto: Option<&CStr>) -> KResult<*mut libc::servent> {
    let proto = ptr_or_null(proto);
    // SAFETY: as above.
    lookup(&mut st.servport, |e, b, l, r| unsafe { getservbyport_r(port, proto, e, b, l, r) })
}

pub fn getprotobyname(st: &mut NetdbState, name: &CStr) -> KResult<*mut libc::protoent> {
    // SAFETY: as above.
    lookup(&mut st.protoname, |e, b, l, r| unsafe { getprotobyname_r(name.as_ptr(), e, b, l, r) })
}

pub fn getprotobynumber(st: &mut NetdbState, proto: c_int) -> KResult<*mut libc::protoent> {
    // SAFETY: as above.
    lookup(&mut st.protonum, |e, b, l, r| unsafe { getprotobynumber_r(proto, e, b, l, r) })
}
