//! The compiler's runtime call for emulated thread-locals (not a C header:
//! `-femulated-tls` code calls it for every access to a `__thread`
//! variable). Exported only in builds whose guests use it (`mem::emutls`).

use std::ffi::c_void;

use crate::mem::emutls::{self, Control};

/// The calling image's copy of the variable `control` describes.
///
/// # Safety
/// `control` is a control block the compiler emitted.
#[cfg(forkless_emutls)]
#[no_mangle]
pub unsafe extern "C" fn __emutls_get_address(control: *const Control) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe { emutls::address(&*control) }.cast()
}

/// Keeps the module's imports used where the export is compiled out.
#[cfg(not(forkless_emutls))]
#[allow(dead_code)]
fn unused(_: &Control) -> *mut c_void {
    let _ = emutls::install;
    std::ptr::null_mut()
}
