//! Where a host thread's static TLS block lies.
//!
//! Guest code may keep addresses of the host C library's thread-locals in
//! its frames: `errno` is `*__errno_location()`, a function declared
//! `const`, so a compiler may compute the address once before `fork()` and
//! use it in both returns. The child runs on another thread, so fork
//! relocates every pointer into the parent thread's static TLS block to the
//! same offset in the child thread's block (guest globals live there too).
//!
//! The block's size comes from the dynamic loader (glibc's
//! `_dl_get_tls_static_info`, the entry point sanitizers use for the same
//! question); without it a generous fixed bound is used.

use std::ffi::c_void;
use std::sync::OnceLock;

/// Bound used when the loader cannot tell the static TLS size.
const FALLBACK_SIZE: usize = 64 * 1024;
/// Room for the thread control block next to the TLS block (glibc's
/// `struct pthread` is about 2.3 KiB).
const TCB_SPAN: usize = 4096;

fn static_size() -> usize {
    static SIZE: OnceLock<usize> = OnceLock::new();
    *SIZE.get_or_init(|| {
        type GetInfo = unsafe extern "C" fn(*mut usize, *mut usize);
        // SAFETY: dlsym with a NUL-terminated name; a null result is handled.
        let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"_dl_get_tls_static_info".as_ptr()) };
        if f.is_null() {
            return FALLBACK_SIZE;
        }
        let (mut size, mut align) = (0usize, 0usize);
        // SAFETY: glibc's signature: two out-parameters, both live locals.
        unsafe { std::mem::transmute::<*mut c_void, GetInfo>(f)(&mut size, &mut align) };
        if size == 0 {
            FALLBACK_SIZE
        } else {
            size
        }
    })
}

/// The span `[start, start + len)` holding the static TLS block and control
/// block of the thread whose thread pointer is `tp`.
pub fn static_block(tp: usize) -> (usize, usize) {
    let size = static_size();
    if cfg!(target_arch = "x86_64") {
        // Variant II: the block sits below the thread pointer, the control
        // block at and above it.
        (tp - size, size + TCB_SPAN)
    } else {
        // Variant I: the control block (and glibc's struct pthread) below
        // the thread pointer, the block above it.
        (tp - TCB_SPAN, TCB_SPAN + size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_and_thread_locals_are_inside() {
        thread_local! { static X: std::cell::Cell<u64> = const { std::cell::Cell::new(0) }; }
        let tp = crate::arch::thread_pointer();
        let (start, len) = static_block(tp);
        let inside = |a: usize| a >= start && a < start + len;
        // SAFETY: __errno_location has no preconditions.
        assert!(inside(unsafe { libc::__errno_location() } as usize));
        assert!(inside(X.with(|x| x.as_ptr() as usize)));
    }
}
