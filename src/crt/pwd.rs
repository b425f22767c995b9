//! <pwd.h> and <grp.h>: the user and group database, with per-task result
//! buffers and enumeration positions.
//!
//! Lookups use the host's reentrant calls (`getpwnam_r`, ...), which go
//! through NSS, into a buffer in the task's arena that grows on ERANGE;
//! as in glibc each function has its own buffer, so a result stays valid
//! until the task's next call of the same function. Enumeration (`getpwent`) keeps
//! a per-task index: each call walks the host's enumeration, which is one
//! per process, from the start under a lock, to the task's next entry.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use parking_lot::Mutex;

use crate::kernel::{Errno, KResult};

/// Serialises the host's one enumeration position.
static ENUMERATION: Mutex<()> = Mutex::new(());

#[repr(C)]
pub struct Buffered<T> {
    entry: T,
    buf: *mut u8,
    len: usize,
}

#[repr(C)]
pub struct PwdState {
    pub pwnam: Buffered<libc::passwd>,
    pub pwuid: Buffered<libc::passwd>,
    pub pwent: Buffered<libc::passwd>,
    pub grnam: Buffered<libc::group>,
    pub grgid: Buffered<libc::group>,
    pub grent: Buffered<libc::group>,
    /// Index of the next getpwent / getgrent entry.
    pub pw_next: usize,
    pub gr_next: usize,
}

/// Runs a host `_r` lookup into `b`, growing its buffer on ERANGE. Returns
/// the entry, null when there is none (errno untouched, as glibc).
pub(crate) fn lookup<T>(
    b: &mut Buffered<T>,
    mut call: impl FnMut(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
) -> KResult<*mut T> {
    if b.buf.is_null() {
        b.buf = crate::crt::alloc(1024)?;
        b.len = 1024;
    }
    loop {
        let mut result: *mut T = ptr::null_mut();
        match call(&mut b.entry, b.buf.cast(), b.len, &mut result) {
            0 => return Ok(result),
            libc::ERANGE if b.len < 1 << 20 => {
                let len = b.len * 4;
                // SAFETY: the buffer is this state's arena block.
                b.buf = unsafe { crate::crt::realloc(b.buf, len) }?;
                b.len = len;
            }
            e => return Err(Errno::from_raw(e)),
        }
    }
}

pub fn getpwnam(st: &mut PwdState, name: &CStr) -> KResult<*mut libc::passwd> {
    let name = name.as_ptr();
    // SAFETY: the host call writes into the buffer of the length given.
    lookup(&mut st.pwnam, |e, b, l, r| unsafe { libc::getpwnam_r(name, e, b, l, r) })
}

pub fn getpwuid(st: &mut PwdState, uid: libc::uid_t) -> KResult<*mut libc::passwd> {
    // SAFETY: as above.
    lookup(&mut st.pwuid, |e, b, l, r| unsafe { libc::getpwuid_r(uid, e, b, l, r) })
}

pub fn getgrnam(st: &mut PwdState, name: &CStr) -> KResult<*mut libc::group> {
    let name = name.as_ptr();
    // SAFETY: as above.
    lookup(&mut st.grnam, |e, b, l, r| unsafe { libc::getgrnam_r(name, e, b, l, r) })
}

pub fn getgrgid(st: &mut PwdState, gid: libc::gid_t) -> KResult<*mut libc::group> {
    // SAFETY: as above.
    lookup(&mut st.grgid, |e, b, l, r| unsafe { libc::getgrgid_r(gid, e, b, l, r) })
}

/// getpwent(3): the task's next entry (null at the end).
pub fn getpwent(st: &mut PwdState) -> KResult<*mut libc::passwd> {
    let index = st.pw_next;
    let _one = ENUMERATION.lock();
    let r = lookup(&mut st.pwent, |e, b, l, r| {
        // Walk from the start each time (again after ERANGE).
        // SAFETY: the host's enumeration, used by one caller at a time.
        unsafe { libc::setpwent() };
        for _ in 0..=index {
            // SAFETY: writes into the buffer of the length given.
            let rc = unsafe { libc::getpwent_r(e, b, l, r) };
            // SAFETY: `r` is our out-parameter.
            if rc != 0 || unsafe { (*r).is_null() } {
                return if rc == libc::ENOENT { 0 } else { rc };
            }
        }
        0
    });
    // SAFETY: as above.
    unsafe { libc::endpwent() };
    if matches!(r, Ok(p) if !p.is_null()) {
        st.pw_next += 1;
    }
    r
}

/// getgrent(3): the task's next entry (null at the end).
pub fn getgrent(st: &mut PwdState) -> KResult<*mut libc::group> {
    let index = st.gr_next;
    let _one = ENUMERATION.lock();
    let r = lookup(&mut st.grent, |e, b, l, r| {
        // Walk from the start each time (again after ERANGE).
        // SAFETY: the host's enumeration, used by one caller at a time.
        unsafe { libc::setgrent() };
        for _ in 0..=index {
            // SAFETY: writes into the buffer of the length given.
            let rc = unsafe { libc::getgrent_r(e, b, l, r) };
            // SAFETY: `r` is our out-parameter.
            if rc != 0 || unsafe { (*r).is_null() } {
                return if rc == libc::ENOENT { 0 } else { rc };
            }
        }
        0
    });
    // SAFETY: as above.
    unsafe { libc::endgrent() };
    if matches!(r, Ok(p) if !p.is_null()) {
        st.gr_next += 1;
    }
    r
}
