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

/// Gives back every page of the calling thread's static TLS that lies
/// wholly inside one of `runs` (byte ranges as offsets from the thread
/// pointer) and, with `zero_only`, holds nothing but zeros: such a page
/// reads as zeros afterwards and takes no memory until written.
///
/// # Safety
/// Unless `zero_only`, nothing may rely on the values of the variables in
/// `runs` on this thread until they are written again.
pub unsafe fn release(runs: impl Iterator<Item = (isize, isize)>, zero_only: bool) {
    let tp = crate::arch::thread_pointer();
    let page = page_size();
    for (lo, hi) in runs {
        let from = tp.wrapping_add_signed(lo).next_multiple_of(page);
        let to = tp.wrapping_add_signed(hi) / page * page;
        let mut p = from;
        while p < to {
            // Runs of pages to give back in one call.
            let start = p;
            while p < to && (!zero_only || all_zero(p, page)) {
                p += page;
            }
            if p > start {
                // SAFETY: [start, p) lies in this thread's static TLS
                // block, private anonymous memory; per the caller nobody
                // needs its bytes (or they are zeros, which is what the
                // pages read as afterwards).
                unsafe { libc::madvise(start as *mut c_void, p - start, libc::MADV_DONTNEED) };
            }
            if p < to {
                p += page;
            }
        }
    }
}

fn all_zero(addr: usize, len: usize) -> bool {
    // SAFETY: the caller passes a readable page of this thread's TLS block,
    // page-aligned, so aligned for u64.
    let words = unsafe { std::slice::from_raw_parts(addr as *const u64, len / 8) };
    words.iter().all(|&w| w == 0)
}

fn page_size() -> usize {
    static PAGE: OnceLock<usize> = OnceLock::new();
    // SAFETY: sysconf has no preconditions.
    *PAGE.get_or_init(|| match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        n if n > 0 => n as usize,
        _ => 4096,
    })
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
