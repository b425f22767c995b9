//! <pwd.h> and <grp.h>: database lookups with per-task result buffers and
//! enumeration positions (`crt::pwd`); getusershell's login shells
//! (`crt::shells`).

use crate::platform::c as libc;
use std::ffi::c_char;

use super::stream_call_value;
use crate::crt::pwd::{self, PwdState};
use crate::crt::shells::{self, ShellsState};
use crate::kernel::KResult;

fn lookup<T>(name: &'static str, f: impl FnOnce(&mut PwdState) -> KResult<*mut T>) -> *mut T {
    stream_call_value(name, std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).pwd }, f)
    })
}

fn rewind(f: impl FnOnce(&mut PwdState)) {
    stream_call_value("setpwent", (), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(
            |st| unsafe { &raw mut (*st).pwd },
            |p| {
                f(p);
                Ok(())
            },
        )
    });
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpwnam.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getpwnam(name: *const c_char) -> *mut libc::passwd {
    lookup("getpwnam", |st| {
        // SAFETY: the caller passes a NUL-terminated name.
        pwd::getpwnam(st, unsafe { super::cstr(name) }?)
    })
}

/// getspnam(3) (<shadow.h>): only the host user has an entry, with the
/// password forkless was given (`crt::pwd`).
#[no_mangle]
pub unsafe extern "C" fn tvm_getspnam(name: *const c_char) -> *mut libc::spwd {
    lookup("getspnam", |st| {
        // SAFETY: the caller passes a NUL-terminated name.
        pwd::getspnam(st, unsafe { super::cstr(name) }?)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpwuid.html>
#[no_mangle]
pub extern "C" fn tvm_getpwuid(uid: libc::uid_t) -> *mut libc::passwd {
    lookup("getpwuid", |st| pwd::getpwuid(st, uid))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpwent.html>
#[no_mangle]
pub extern "C" fn tvm_getpwent() -> *mut libc::passwd {
    lookup("getpwent", pwd::getpwent)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setpwent.html>
#[no_mangle]
pub extern "C" fn tvm_setpwent() {
    rewind(|st| st.pw_next = 0);
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/endpwent.html>
#[no_mangle]
pub extern "C" fn tvm_endpwent() {
    rewind(|st| st.pw_next = 0);
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getgrnam.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getgrnam(name: *const c_char) -> *mut libc::group {
    lookup("getgrnam", |st| {
        // SAFETY: the caller passes a NUL-terminated name.
        pwd::getgrnam(st, unsafe { super::cstr(name) }?)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getgrgid.html>
#[no_mangle]
pub extern "C" fn tvm_getgrgid(gid: libc::gid_t) -> *mut libc::group {
    lookup("getgrgid", |st| pwd::getgrgid(st, gid))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getgrent.html>
#[no_mangle]
pub extern "C" fn tvm_getgrent() -> *mut libc::group {
    lookup("getgrent", pwd::getgrent)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setgrent.html>
#[no_mangle]
pub extern "C" fn tvm_setgrent() {
    rewind(|st| st.gr_next = 0);
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/endgrent.html>
#[no_mangle]
pub extern "C" fn tvm_endgrent() {
    rewind(|st| st.gr_next = 0);
}

fn with_shells<R>(name: &'static str, fail: R, f: impl FnOnce(&mut ShellsState) -> KResult<R>) -> R {
    stream_call_value(name, fail, || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).shells }, f)
    })
}

/// getusershell(3): the next login shell, per task (`crt::shells`).
#[no_mangle]
pub extern "C" fn tvm_getusershell() -> *mut c_char {
    with_shells("getusershell", std::ptr::null_mut(), shells::next)
}

/// setusershell(3).
#[no_mangle]
pub extern "C" fn tvm_setusershell() {
    with_shells("setusershell", (), shells::rewind);
}

/// endusershell(3).
#[no_mangle]
pub extern "C" fn tvm_endusershell() {
    with_shells("endusershell", (), |st| {
        shells::end(st);
        Ok(())
    });
}
