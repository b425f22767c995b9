//! <getopt.h> and the getopt part of <unistd.h>: per-task `getopt` state
//! (see `crt::getopt`).

use std::ffi::{c_char, c_int};

use super::{cstr, stream_call_value};
use crate::crt::getopt::{self, Call, LongOption};

fn run(
    argc: c_int,
    argv: *const *mut c_char,
    optstring: *const c_char,
    longopts: *const LongOption,
    longind: *mut c_int,
    long_only: bool,
) -> c_int {
    stream_call_value("getopt", -1, || {
        // SAFETY: the caller passes a NUL-terminated option string.
        let optstring = unsafe { cstr(optstring) }?.to_bytes();
        // getopt permutes argv although C declares it const (glibc does too).
        let call = Call { argc, argv: argv.cast_mut(), optstring, longopts, longind, long_only };
        getopt::step(&call)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getopt.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getopt(argc: c_int, argv: *const *mut c_char, optstring: *const c_char) -> c_int {
    run(argc, argv, optstring, std::ptr::null(), std::ptr::null_mut(), false)
}

/// getopt_long(3) (GNU).
#[no_mangle]
pub unsafe extern "C" fn tvm_getopt_long(
    argc: c_int,
    argv: *const *mut c_char,
    optstring: *const c_char,
    longopts: *const LongOption,
    longind: *mut c_int,
) -> c_int {
    run(argc, argv, optstring, longopts, longind, false)
}

/// getopt_long_only(3) (GNU).
#[no_mangle]
pub unsafe extern "C" fn tvm_getopt_long_only(
    argc: c_int,
    argv: *const *mut c_char,
    optstring: *const c_char,
    longopts: *const LongOption,
    longind: *mut c_int,
) -> c_int {
    run(argc, argv, optstring, longopts, longind, true)
}

/// The calling task's `optarg`.
#[no_mangle]
pub extern "C" fn tvm_optarg_location() -> *mut *mut c_char {
    // SAFETY: a field of the live state block.
    super::no_unwind("optarg", || getopt::location(|d| unsafe { &raw mut (*d).optarg }))
}

/// The calling task's `optind`.
#[no_mangle]
pub extern "C" fn tvm_optind_location() -> *mut c_int {
    // SAFETY: as above.
    super::no_unwind("optind", || getopt::location(|d| unsafe { &raw mut (*d).optind }))
}

/// The calling task's `opterr`.
#[no_mangle]
pub extern "C" fn tvm_opterr_location() -> *mut c_int {
    // SAFETY: as above.
    super::no_unwind("opterr", || getopt::location(|d| unsafe { &raw mut (*d).opterr }))
}

/// The calling task's `optopt`.
#[no_mangle]
pub extern "C" fn tvm_optopt_location() -> *mut c_int {
    // SAFETY: as above.
    super::no_unwind("optopt", || getopt::location(|d| unsafe { &raw mut (*d).optopt }))
}
