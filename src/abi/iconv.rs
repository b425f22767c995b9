//! <iconv.h>: conversion descriptors per task (`crt::hostobj::iconv`).

use crate::platform::c as libc;
use std::ffi::{c_char, c_int};

use super::{deliver_signals, me, stream_call_value};
use crate::crt::hostobj::iconv::{self, Handle};

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/iconv_open.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_iconv_open(tocode: *const c_char, fromcode: *const c_char) -> libc::iconv_t {
    stream_call_value("iconv_open", usize::MAX as libc::iconv_t, || {
        // SAFETY: the caller passes NUL-terminated names.
        let (to, from) = unsafe { (super::cstr(tocode)?, super::cstr(fromcode)?) };
        iconv::open(me().pid, to, from).map(|h| h.cast())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/iconv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_iconv(
    cd: libc::iconv_t,
    inbuf: *mut *mut c_char,
    inbytesleft: *mut usize,
    outbuf: *mut *mut c_char,
    outbytesleft: *mut usize,
) -> usize {
    let r = super::guard("iconv", || {
        // SAFETY: what the guest holds as an iconv_t.
        match unsafe { iconv::host_descriptor(me().pid, cd.cast::<Handle>()) } {
            // SAFETY: the caller's buffers, as iconv requires them; the
            // descriptor belongs to this image.
            Ok(host) => unsafe { libc::iconv(host, inbuf, inbytesleft, outbuf, outbytesleft) },
            Err(e) => {
                e.set();
                usize::MAX
            }
        }
    });
    deliver_signals();
    r
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/iconv_close.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_iconv_close(cd: libc::iconv_t) -> c_int {
    // SAFETY: what the guest holds as an iconv_t.
    stream_call_value("iconv_close", -1, || unsafe { iconv::close(me().pid, cd.cast::<Handle>()) }.map(|()| 0))
}
