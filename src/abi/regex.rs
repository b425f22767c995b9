//! <regex.h>: compiled regular expressions, whose host internals fork
//! shares between parent and child (see `crt::hostobj::refcount`).
//!
//! `regcomp` and `regfree` keep the reference counts. `regexec` and
//! `regerror` need no state, but they are routed too: the host versions
//! allocate (and `regexec` takes the DFA's lock), and run from guest code a
//! signal could end the task in the middle, leaving the host allocator's or
//! the DFA's lock held for good. Here they run as runtime code, where
//! signals wait for the call's end.

use std::ffi::{c_char, c_int, c_long};

use super::{deliver_signals, guard, me};
use crate::crt::hostobj::refcount;

/// Runs `f` as runtime code, then delivers pending signals.
fn call<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let r = guard(name, f);
    deliver_signals();
    r
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/regcomp.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_regcomp(preg: *mut libc::regex_t, pattern: *const c_char, cflags: c_int) -> c_int {
    call("regcomp", || {
        if preg.is_null() || pattern.is_null() {
            return libc::REG_BADPAT;
        }
        // SAFETY: a writable regex_t and a NUL-terminated pattern.
        let rc = unsafe { libc::regcomp(preg, pattern, cflags) };
        if rc == 0 {
            // SAFETY: regcomp just initialized `*preg`.
            refcount::add_regex(me().pid, unsafe { &*preg });
        }
        rc
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/regexec.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_regexec(
    preg: *const libc::regex_t,
    string: *const c_char,
    nmatch: usize,
    pmatch: *mut libc::regmatch_t,
    eflags: c_int,
) -> c_int {
    // SAFETY: the caller's arguments, as regexec requires them.
    call("regexec", || unsafe { libc::regexec(preg, string, nmatch, pmatch, eflags) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/regerror.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_regerror(
    errcode: c_int,
    preg: *const libc::regex_t,
    errbuf: *mut c_char,
    errbuf_size: usize,
) -> usize {
    // SAFETY: the caller's arguments, as regerror requires them.
    call("regerror", || unsafe { libc::regerror(errcode, preg, errbuf, errbuf_size) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/regfree.html>
///
/// Drops the calling task's reference; the host internals are freed with
/// the last one. The guest's `regex_t` is cleared as the host's regfree does.
#[no_mangle]
pub unsafe extern "C" fn tvm_regfree(preg: *mut libc::regex_t) {
    if preg.is_null() {
        return;
    }
    call("regfree", || {
        // SAFETY: the caller's regex_t, compiled by regcomp.
        let re = unsafe { &mut *preg };
        refcount::release_regex(me().pid, re);
        crate::platform::regex_clear(re);
    })
}

/// How many references tasks hold to reference-counted host objects, in
/// this host process (a test hook, in no header: tests declare it).
#[no_mangle]
pub extern "C" fn tvm_host_object_refs() -> c_long {
    guard("tvm_host_object_refs", || refcount::counts().1 as c_long)
}
