//! <utmpx.h>: the login records, from the runtime's own database
//! (`crt::utmpx`), with a position and result buffer per task.

use crate::platform::c as libc;

use super::stream_call_value;
use crate::crt::utmpx::{self, UtmpxState};
use crate::kernel::{Errno, KResult};

fn with<R>(name: &'static str, fail: R, f: impl FnOnce(&mut UtmpxState) -> KResult<R>) -> R {
    stream_call_value(name, fail, || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).utmpx }, f)
    })
}

/// The record a caller passes, copied.
///
/// # Safety
/// `ut` must be null or point to a readable utmpx.
unsafe fn key(ut: *const libc::utmpx) -> KResult<libc::utmpx> {
    if ut.is_null() {
        return Err(Errno::EINVAL);
    }
    // SAFETY: per the caller.
    Ok(unsafe { ut.read_unaligned() })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setutxent.html>
#[no_mangle]
pub extern "C" fn tvm_setutxent() {
    with("setutxent", (), |st| {
        utmpx::rewind(st);
        Ok(())
    });
}

/// endutxent(3): the database stays open in memory; the position resets.
#[no_mangle]
pub extern "C" fn tvm_endutxent() {
    with("endutxent", (), |st| {
        utmpx::rewind(st);
        Ok(())
    });
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getutxent.html>
#[no_mangle]
pub extern "C" fn tvm_getutxent() -> *mut libc::utmpx {
    with("getutxent", std::ptr::null_mut(), utmpx::next)
}

/// getutxid(3).
///
/// # Safety
/// `ut` must point to a readable utmpx.
#[no_mangle]
pub unsafe extern "C" fn tvm_getutxid(ut: *const libc::utmpx) -> *mut libc::utmpx {
    // SAFETY: per the caller.
    with("getutxid", std::ptr::null_mut(), |st| utmpx::by_id(st, &unsafe { key(ut) }?))
}

/// getutxline(3).
///
/// # Safety
/// `ut` must point to a readable utmpx.
#[no_mangle]
pub unsafe extern "C" fn tvm_getutxline(ut: *const libc::utmpx) -> *mut libc::utmpx {
    // SAFETY: per the caller.
    with("getutxline", std::ptr::null_mut(), |st| utmpx::by_line(st, &unsafe { key(ut) }?))
}

/// pututxline(3).
///
/// # Safety
/// `ut` must point to a readable utmpx.
#[no_mangle]
pub unsafe extern "C" fn tvm_pututxline(ut: *const libc::utmpx) -> *mut libc::utmpx {
    // SAFETY: per the caller.
    with("pututxline", std::ptr::null_mut(), |st| utmpx::put(st, &unsafe { key(ut) }?))
}
