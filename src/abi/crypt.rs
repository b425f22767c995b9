//! <crypt.h>: crypt(3) with a per-task result buffer (`crt::crypt`).

use std::ffi::c_char;

use super::stream_call_value;

/// crypt(3): null with errno set when `setting` is not one the host's
/// libcrypt can use (libxcrypt's "fail safely" mode, not "*0").
#[no_mangle]
pub unsafe extern "C" fn tvm_crypt(phrase: *const c_char, setting: *const c_char) -> *mut c_char {
    stream_call_value("crypt", std::ptr::null_mut(), || {
        // SAFETY: the caller passes NUL-terminated strings.
        let (phrase, setting) = unsafe { (super::cstr(phrase)?, super::cstr(setting)?) };
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).crypt }, |c| crate::crt::crypt::crypt(c, phrase, setting))
    })
}
