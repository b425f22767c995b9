//! <locale.h>: a locale per task (`crt::locale`).

use std::ffi::{c_char, c_int, CStr};

use super::stream_call_value;
use crate::kernel::{Errno, KResult};

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setlocale.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setlocale(category: c_int, locale: *const c_char) -> *mut c_char {
    stream_call_value("setlocale", std::ptr::null_mut(), || {
        // SAFETY: the caller passes null or a NUL-terminated name.
        let l = unsafe { (!locale.is_null()).then(|| CStr::from_ptr(locale)) };
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).locale }, |s| crate::crt::locale::setlocale(s, category, l))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/localeconv.html>
#[no_mangle]
pub extern "C" fn tvm_localeconv() -> *mut libc::lconv {
    stream_call_value("localeconv", std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).locale }, |s| Ok(crate::crt::locale::localeconv(s)))
    })
}

fn locale_call(
    name: &'static str,
    f: impl FnOnce(&mut crate::crt::locale::LocaleState) -> KResult<usize>,
) -> libc::locale_t {
    stream_call_value(name, std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).locale }, f).map(|h| h as libc::locale_t)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/newlocale.html>
///
/// An interned, never-freed host object (`crt::locale`), safe to share
/// across fork.
#[no_mangle]
pub unsafe extern "C" fn tvm_newlocale(mask: c_int, locale: *const c_char, base: libc::locale_t) -> libc::locale_t {
    locale_call("newlocale", |_| {
        // SAFETY: the caller passes a NUL-terminated name.
        let name = unsafe { super::cstr(locale) }.map_err(|_| Errno::EINVAL)?;
        crate::crt::locale::newlocale(mask, name, base as usize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/uselocale.html>
#[no_mangle]
pub extern "C" fn tvm_uselocale(locale: libc::locale_t) -> libc::locale_t {
    locale_call("uselocale", |st| crate::crt::locale::uselocale(st, locale as usize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/duplocale.html>
#[no_mangle]
pub extern "C" fn tvm_duplocale(locale: libc::locale_t) -> libc::locale_t {
    locale_call("duplocale", |st| crate::crt::locale::duplocale(st, locale as usize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/freelocale.html>
///
/// Objects from `tvm_newlocale` are interned and outlive every task, so
/// there is nothing to free.
#[no_mangle]
pub extern "C" fn tvm_freelocale(_locale: libc::locale_t) {}
