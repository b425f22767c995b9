//! Guest stacks.
//!
//! Every task runs its program on a stack the runtime maps itself, so the
//! stack's bounds are known exactly: fork copies from the fork point up to
//! the top, and nothing above the top belongs to the guest. The lowest page
//! is a guard page so an overflow faults instead of running into other
//! memory.

use std::io;
use std::ptr::NonNull;

use super::pool;

/// A mapped stack with a guard page at its low end.
#[derive(Debug)]
pub struct GuestStack {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain memory owned by this value; moving the owner
// between threads does not change who may access it.
unsafe impl Send for GuestStack {}

fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

impl GuestStack {
    /// Maps a stack with `usable` bytes (rounded up to pages) above one guard
    /// page. Pages are only committed when touched.
    pub fn new(usable: usize) -> io::Result<GuestStack> {
        let page = page_size();
        let usable = usable.max(page).div_ceil(page) * page;
        let len = usable + page;
        if let Some(m) = pool::STACKS.take(len) {
            return Ok(GuestStack { base: NonNull::new(m.base as *mut u8).expect("pooled stacks are non-null"), len });
        }
        let p = super::placement::map(
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | map_stack(),
        )?;
        // SAFETY: the first page lies inside the mapping just created.
        if unsafe { libc::mprotect(p, page, libc::PROT_NONE) } != 0 {
            let e = io::Error::last_os_error();
            // SAFETY: unmapping the mapping we created and still own.
            unsafe { libc::munmap(p, len) };
            return Err(e);
        }
        super::stats::mapped(len);
        Ok(GuestStack { base: NonNull::new(p.cast()).expect("mmap returned null"), len })
    }

    /// The highest address of the stack (exclusive), 16-byte aligned.
    pub fn top(&self) -> *mut u8 {
        // SAFETY: base + len is one past the end of our mapping.
        unsafe { self.base.as_ptr().add(self.len) }
    }

    /// Usable bytes (without the guard page).
    pub fn size(&self) -> usize {
        self.len - page_size()
    }

    /// The lowest usable address (just above the guard page).
    pub fn bottom(&self) -> *mut u8 {
        // SAFETY: the guard page is one page long and inside the mapping.
        unsafe { self.base.as_ptr().add(page_size()) }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn map_stack() -> libc::c_int {
    libc::MAP_STACK
}
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn map_stack() -> libc::c_int {
    0
}

impl Drop for GuestStack {
    fn drop(&mut self) {
        // No guest code runs on the stack any more (the owning image is torn
        // down after its thread left it). Keep it for the next image, with
        // only its top pages populated.
        let base = self.base.as_ptr() as usize;
        pool::discard(base, page_size(), self.len.saturating_sub(pool::KEEP_BYTES).max(page_size()));
        let m = pool::Mapping { base, len: self.len, committed: self.len };
        if let Err(m) = pool::STACKS.give(m) {
            // SAFETY: the mapping is ours and unused.
            unsafe { libc::munmap(m.base as *mut libc::c_void, m.len) };
            super::stats::unmapped(m.len);
        }
    }
}
