//! <locale.h>: a locale per task (`crt::locale`).

use std::ffi::{c_char, c_int, CStr};

use super::stream_call_value;

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
