//! The compiler's runtime call for emulated thread-locals (not a C header:
//! `-femulated-tls` code calls it for every access to a `__thread`
//! variable). Exported only in builds whose guests use it (`mem::emutls`).

/// The calling image's copy of the variable `control` describes.
///
/// # Safety
/// `control` is a control block the compiler emitted.
#[cfg(forkless_emutls)]
#[no_mangle]
pub unsafe extern "C" fn __emutls_get_address(control: *const crate::mem::emutls::Control) -> *mut std::ffi::c_void {
    // SAFETY: per the caller.
    unsafe { crate::mem::emutls::address(&*control) }.cast()
}
