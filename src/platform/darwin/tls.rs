//! The thread block fork relocates, on Darwin.
//!
//! Darwin's thread-locals are TLV descriptors: each variable is reached
//! through a call that allocates the thread's copy on first use, so there
//! is no static block at a fixed offset from the thread pointer. Guest
//! globals therefore are the compiler's emulated thread-locals here, kept
//! in the image's arena (`mem::emutls`, docs/memory.md). What stays per thread
//! and may be pointed to from guest frames is the TSD array the thread
//! pointer names: the C library keeps `errno` there.

/// Slots in a thread's TSD array (libpthread's
/// `_INTERNAL_POSIX_THREAD_KEYS_END`).
const TSD_SLOTS: usize = 768;

/// The span `[start, start + len)` of the TSD array of the thread whose
/// thread pointer is `tp`: pointers into the parent's (its `errno`) move
/// to the child thread's.
pub fn static_block(tp: usize) -> (usize, usize) {
    (tp, TSD_SLOTS * std::mem::size_of::<usize>())
}

/// Bytes of a new thread's stack the C library takes for thread-locals:
/// none (TLVs are allocated apart, the TSD array lives in the thread's
/// control block).
pub fn carved_from_stack() -> usize {
    0
}

/// Gives back the pages of guest globals held as thread-locals. On Darwin
/// guest globals are never thread-locals (`programs::tls_layout` finds no
/// runs), so there is nothing to give back.
///
/// # Safety
/// As on Linux: nothing may rely on the variables in `runs`.
pub unsafe fn release(runs: impl Iterator<Item = (isize, isize)>) {
    debug_assert_eq!(runs.count(), 0, "guest globals are not thread-locals on Darwin");
}

/// Gives thread-local guest globals their initial values. There are none
/// on Darwin (a new image's copies start from their initial values,
/// `mem::emutls::start_image`); true when `runs` is empty.
///
/// # Safety
/// As on Linux: nothing may be using the variables in `runs`.
pub unsafe fn reinitialize(runs: impl Iterator<Item = (isize, isize)>) -> bool {
    runs.count() == 0
}
