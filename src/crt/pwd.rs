//! <pwd.h>, <grp.h> and <shadow.h>: the user and group database, with
//! per-task result buffers and enumeration positions.
//!
//! Entries are the host's, as tasks must see them: a login shell that
//! cannot run inside forkless (the host's /bin/bash) is shown as /bin/sh,
//! passwords are always "x" (shadowed), and the shadow database knows only
//! the host user, whose password is the one forkless was given (`forkless
//! sshd`), never the host's: docs/ssh.md.
//!
//! Lookups use the host's reentrant calls (`getpwnam_r`, ...), which go
//! through NSS, into a buffer in the task's arena that grows on ERANGE;
//! as in glibc each function has its own buffer, so a result stays valid
//! until the task's next call of the same function. Enumeration (`getpwent`) keeps
//! a per-task index: each call walks the host's enumeration, which is one
//! per process, from the start under a lock, to the task's next entry.

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;
use std::sync::OnceLock;

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
    pub spnam: Buffered<libc::spwd>,
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

/// The home directory the host user has inside forkless, if not the host's
/// (`forkless sshd --home`); set once, before the first task.
static HOME: OnceLock<CString> = OnceLock::new();
/// The crypt(3) hash of the password that logs the host user in, if any.
static PASSWORD_HASH: OnceLock<CString> = OnceLock::new();

/// Sets the host user's home inside forkless; once (EBUSY after).
pub fn set_home(home: CString) -> KResult<()> {
    HOME.set(home).map_err(|_| Errno::EBUSY)
}

/// Sets the hash of the host user's login password; once (EBUSY after).
pub fn set_password_hash(hash: CString) -> KResult<()> {
    PASSWORD_HASH.set(hash).map_err(|_| Errno::EBUSY)
}

/// An entry as tasks see it (see the module comment); null stays null.
fn present(p: *mut libc::passwd) -> *mut libc::passwd {
    // SAFETY: `p` is null or an entry in this task's result buffer, whose
    // strings live there; the replacements are static strings.
    unsafe {
        let Some(e) = p.as_mut() else { return p };
        let runnable = !e.pw_shell.is_null()
            && CStr::from_ptr(e.pw_shell).to_str().is_ok_and(|s| crate::programs::lookup(s).is_some());
        if !runnable {
            e.pw_shell = c"/bin/sh".as_ptr().cast_mut();
        }
        e.pw_passwd = c"x".as_ptr().cast_mut();
        if e.pw_uid == libc::getuid() {
            if let Some(home) = HOME.get() {
                e.pw_dir = home.as_ptr().cast_mut();
            }
        }
    }
    p
}

pub fn getpwnam(st: &mut PwdState, name: &CStr) -> KResult<*mut libc::passwd> {
    let name = name.as_ptr();
    // SAFETY: the host call writes into the buffer of the length given.
    lookup(&mut st.pwnam, |e, b, l, r| unsafe { libc::getpwnam_r(name, e, b, l, r) }).map(present)
}

pub fn getpwuid(st: &mut PwdState, uid: libc::uid_t) -> KResult<*mut libc::passwd> {
    // SAFETY: as above.
    lookup(&mut st.pwuid, |e, b, l, r| unsafe { libc::getpwuid_r(uid, e, b, l, r) }).map(present)
}

/// getspnam(3): the host user's shadow entry, with the login password
/// forkless was given ("!", locked, when none); no other user has one
/// (null, ENOENT).
pub fn getspnam(st: &mut PwdState, name: &CStr) -> KResult<*mut libc::spwd> {
    // SAFETY: a plain-data struct; zero is valid for every field.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = [0 as c_char; 1024];
    let mut found = ptr::null_mut();
    // SAFETY: the host call writes into the buffer of the length given.
    unsafe { libc::getpwuid_r(libc::getuid(), &mut pw, buf.as_mut_ptr(), buf.len(), &mut found) };
    // SAFETY: on success the name points into `buf`.
    if found.is_null() || unsafe { CStr::from_ptr(pw.pw_name) } != name {
        return Err(Errno::ENOENT);
    }
    let hash: &CStr = PASSWORD_HASH.get().map_or(c"!", |h| h.as_c_str());
    let (name, hash) = (name.to_bytes_with_nul(), hash.to_bytes_with_nul());
    let b = &mut st.spnam;
    let need = name.len() + hash.len();
    if b.len < need {
        // SAFETY: `b.buf` is null or this state's arena block.
        b.buf = unsafe { crate::crt::realloc(b.buf, need) }?;
        b.len = need;
    }
    // SAFETY: the buffer holds `need` bytes; the entry points into it.
    unsafe {
        ptr::copy_nonoverlapping(name.as_ptr(), b.buf, name.len());
        ptr::copy_nonoverlapping(hash.as_ptr(), b.buf.add(name.len()), hash.len());
        b.entry = std::mem::zeroed();
        b.entry.sp_namp = b.buf.cast();
        b.entry.sp_pwdp = b.buf.add(name.len()).cast();
        for f in [&mut b.entry.sp_lstchg, &mut b.entry.sp_min, &mut b.entry.sp_max, &mut b.entry.sp_warn] {
            *f = -1;
        }
        b.entry.sp_inact = -1;
        b.entry.sp_expire = -1;
    }
    Ok(&mut b.entry)
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
    r.map(present)
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
