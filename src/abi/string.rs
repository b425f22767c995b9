//! <string.h>: the calls that allocate, and those with hidden state
//! (`strtok`, `strsignal`), kept per task (`crt::string`).

use std::ffi::{c_char, c_int, CStr};

use super::malloc::tvm_malloc;
use super::stream_call_value;
use crate::kernel::KResult;

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

/// The calling task's <string.h> state.
fn string_state<R>(f: impl FnOnce(&mut crate::crt::string::StringState) -> KResult<R>) -> KResult<R> {
    // SAFETY: a field of the live state block.
    crate::crt::with_part(|st| unsafe { &raw mut (*st).string }, f)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/strtok.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_strtok(s: *mut c_char, delim: *const c_char) -> *mut c_char {
    stream_call_value("strtok", std::ptr::null_mut(), || {
        // SAFETY: the caller passes NUL-terminated strings (s may be null).
        string_state(|st| Ok(unsafe { crate::crt::string::strtok(st, s, delim) }))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/strsignal.html>
#[no_mangle]
pub extern "C" fn tvm_strsignal(sig: c_int) -> *mut c_char {
    stream_call_value("strsignal", std::ptr::null_mut(), || {
        string_state(|st| Ok(crate::crt::string::strsignal(st, sig)))
    })
}
