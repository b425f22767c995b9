//! <crypt.h>: crypt(3) with a result buffer per task.
//!
//! The host's crypt() returns a buffer shared by the whole process, which
//! two tasks checking passwords at once (two ssh logins) would overwrite
//! under each other. The host's reentrant crypt_rn does the hashing with
//! scratch space of our own; the result is copied to the task's buffer.

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::kernel::{Errno, KResult};

/// libxcrypt's CRYPT_OUTPUT_SIZE: the longest hash crypt can return.
const OUTPUT: usize = 384;
/// libxcrypt's sizeof(struct crypt_data).
const SCRATCH: usize = 32768;

#[repr(C)]
pub struct CryptState {
    out: [c_char; OUTPUT],
}

extern "C" {
    fn crypt_rn(phrase: *const c_char, setting: *const c_char, data: *mut c_void, size: c_int) -> *mut c_char;
}

/// crypt(3): the hash of `phrase` under `setting`, in the task's buffer;
/// EINVAL (and no hash) for a setting the host cannot use.
pub fn crypt(st: &mut CryptState, phrase: &CStr, setting: &CStr) -> KResult<*mut c_char> {
    let mut scratch = vec![0u8; SCRATCH];
    // SAFETY: NUL-terminated strings and a scratch area of the size given.
    let r = unsafe { crypt_rn(phrase.as_ptr(), setting.as_ptr(), scratch.as_mut_ptr().cast(), SCRATCH as c_int) };
    if r.is_null() {
        return Err(Errno::last());
    }
    // SAFETY: crypt_rn returns a NUL-terminated string inside `scratch`.
    let hash = unsafe { CStr::from_ptr(r) }.to_bytes_with_nul();
    let n = hash.len().min(OUTPUT);
    for (d, s) in st.out.iter_mut().zip(&hash[..n]) {
        *d = *s as c_char;
    }
    st.out[OUTPUT - 1] = 0;
    // The scratch held the passphrase's state: leave nothing behind.
    scratch.iter_mut().for_each(|b| *b = 0);
    std::hint::black_box(&scratch);
    Ok(st.out.as_mut_ptr())
}

extern "C" {
    fn crypt_gensalt_rn(
        prefix: *const c_char,
        count: std::ffi::c_ulong,
        rbytes: *const c_char,
        nrbytes: c_int,
        output: *mut c_char,
        output_size: c_int,
    ) -> *mut c_char;
}

/// A hash of `password` for the user database, with the host libcrypt's
/// preferred method and a fresh salt from the OS random source.
pub fn hash_password(password: &CStr) -> KResult<std::ffi::CString> {
    let mut setting = [0 as c_char; 128];
    // SAFETY: a null prefix and random bytes ask for the default method
    // salted from the OS; the output buffer is of the size given.
    let s = unsafe {
        crypt_gensalt_rn(std::ptr::null(), 0, std::ptr::null(), 0, setting.as_mut_ptr(), setting.len() as c_int)
    };
    if s.is_null() {
        return Err(Errno::last());
    }
    // SAFETY: crypt_gensalt_rn wrote a NUL-terminated setting.
    let setting = unsafe { CStr::from_ptr(s) };
    // SAFETY: plain bytes; all-zero is a valid CryptState.
    let mut st: CryptState = unsafe { std::mem::zeroed() };
    let h = crypt(&mut st, password, setting)?;
    // SAFETY: `crypt` returned a NUL-terminated string in `st`.
    Ok(unsafe { CStr::from_ptr(h) }.to_owned())
}
