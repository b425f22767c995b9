//! Memory that the runtime allocates on behalf of a program image.
//!
//! The argv and environment copies a program starts with, the strings
//! `setenv` adds, and similar runtime-made guest data belong to the image:
//! the guest reads them through plain C pointers, and they all go away when
//! the image ends (exit or exec). `ImageHeap` records every such allocation
//! and releases what is left when it is dropped, so an image never leaks.
//!
//! Memory whose ownership passes to the guest (the result of `getcwd(NULL,
//! 0)`, say) is not recorded here: the guest frees it with `free`.

use std::collections::HashSet;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;

/// The allocations an image owns.
#[derive(Debug, Default)]
pub struct ImageHeap {
    live: HashSet<usize>,
}

impl ImageHeap {
    pub fn new() -> ImageHeap {
        ImageHeap::default()
    }

    /// Allocates `size` bytes; null when the host is out of memory.
    pub fn alloc(&mut self, size: usize) -> *mut c_void {
        // SAFETY: malloc has no preconditions; a null result is handled.
        let p = unsafe { libc::malloc(size.max(1)) };
        if !p.is_null() {
            self.live.insert(p as usize);
        }
        p
    }

    /// Resizes an allocation made by this heap (or allocates when `p` is
    /// null). On failure the old block is left untouched and null returned.
    /// Safe: `p` is checked against the heap's own allocations first.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn realloc(&mut self, p: *mut c_void, size: usize) -> *mut c_void {
        if p.is_null() {
            return self.alloc(size);
        }
        assert!(self.live.contains(&(p as usize)), "realloc of memory the image heap does not own");
        // SAFETY: `p` is a live allocation of this heap (checked above).
        let q = unsafe { libc::realloc(p, size.max(1)) };
        if !q.is_null() {
            self.live.remove(&(p as usize));
            self.live.insert(q as usize);
        }
        q
    }

    /// Copies a C string (with its terminator) into the heap.
    pub fn alloc_cstr(&mut self, s: &CStr) -> *mut c_char {
        let bytes = s.to_bytes_with_nul();
        let p = self.alloc(bytes.len()).cast::<c_char>();
        if !p.is_null() {
            // SAFETY: `p` has room for `bytes.len()` bytes; regions are distinct.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr().cast(), p, bytes.len()) };
        }
        p
    }

    /// Whether `p` is an allocation this heap made and still owns.
    pub fn owns(&self, p: *const c_void) -> bool {
        self.live.contains(&(p as usize))
    }

    /// Frees an allocation of this heap; pointers it does not own are ignored.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn free(&mut self, p: *mut c_void) {
        if self.live.remove(&(p as usize)) {
            // SAFETY: `p` was allocated by this heap and is freed once.
            unsafe { libc::free(p) };
        }
    }

    /// Number of live allocations (diagnostics and tests).
    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

impl Drop for ImageHeap {
    fn drop(&mut self) {
        for p in self.live.drain() {
            // SAFETY: every recorded pointer is a live malloc block we own.
            unsafe { libc::free(p as *mut c_void) };
        }
    }
}

/// Allocates memory that the guest will own and release with `free`.
pub fn guest_malloc(size: usize) -> *mut c_void {
    // SAFETY: malloc has no preconditions.
    unsafe { libc::malloc(size.max(1)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frees_everything_on_drop_and_tracks_realloc() {
        let mut h = ImageHeap::new();
        let a = h.alloc(10);
        let b = h.alloc_cstr(c"hello");
        assert_eq!(h.len(), 2);
        let a2 = h.realloc(a, 4096);
        assert!(h.owns(a2));
        assert_eq!(h.len(), 2);
        // SAFETY: b is a NUL-terminated copy made above.
        assert_eq!(unsafe { CStr::from_ptr(b) }, c"hello");
        h.free(b.cast());
        assert_eq!(h.len(), 1);
        h.free(b.cast()); // not owned any more: ignored
        assert_eq!(h.len(), 1);
    }
}
