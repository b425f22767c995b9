//! <string.h>: the calls that allocate.

use std::ffi::{c_char, CStr};

use super::malloc::tvm_malloc;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/strdup.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_strdup(s: *const c_char) -> *mut c_char {
    // SAFETY: the caller passes a NUL-terminated string.
    let len = unsafe { CStr::from_ptr(s) }.to_bytes().len();
    // SAFETY: forwards the string and its length.
    unsafe { tvm_strndup(s, len) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/strndup.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_strndup(s: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: strnlen reads at most `n` bytes of the caller's string.
    let len = unsafe { libc::strnlen(s, n) };
    let p = tvm_malloc(len + 1).cast::<c_char>();
    if !p.is_null() {
        // SAFETY: `p` has len + 1 bytes; the source has `len` readable bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(s, p, len);
            *p.add(len) = 0;
        }
    }
    p
}
