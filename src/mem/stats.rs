//! What the runtime holds on the host, counted where it is taken and given
//! back: guest mappings (stacks and arenas, including those the pool keeps
//! for reuse), task threads, and the host allocator's bytes in use.
//!
//! These are exact counts, not samples of resident memory, so a leak shows
//! up as a steady climb that no amount of page-cache or scheduling noise
//! can fake or hide (`tests/tvm/cases/fork_many_no_leak.c`).

use std::sync::atomic::{AtomicUsize, Ordering};

static MAPPINGS: AtomicUsize = AtomicUsize::new(0);
static MAPPED_BYTES: AtomicUsize = AtomicUsize::new(0);
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// A guest mapping of `len` bytes was made.
pub fn mapped(len: usize) {
    MAPPINGS.fetch_add(1, Ordering::Relaxed);
    MAPPED_BYTES.fetch_add(len, Ordering::Relaxed);
}

/// A guest mapping of `len` bytes was given back to the host.
pub fn unmapped(len: usize) {
    MAPPINGS.fetch_sub(1, Ordering::Relaxed);
    MAPPED_BYTES.fetch_sub(len, Ordering::Relaxed);
}

/// Counts a task thread for as long as it lives.
pub struct ThreadCount(());

impl ThreadCount {
    pub fn start() -> ThreadCount {
        THREADS.fetch_add(1, Ordering::Relaxed);
        ThreadCount(())
    }
}

impl Drop for ThreadCount {
    fn drop(&mut self) {
        THREADS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub heap_bytes: usize,
    pub mappings: usize,
    pub mapped_bytes: usize,
    pub threads: usize,
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        heap_bytes: heap_in_use(),
        mappings: MAPPINGS.load(Ordering::Relaxed),
        mapped_bytes: MAPPED_BYTES.load(Ordering::Relaxed),
        threads: THREADS.load(Ordering::Relaxed),
    }
}

/// Bytes the host allocator has handed out and not taken back, over all
/// its arenas: the runtime's own (Rust) memory and the host C library's.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let m = unsafe { libc::mallinfo2() };
    m.uordblks + m.hblkhd
}

#[cfg(target_vendor = "apple")]
fn heap_in_use() -> usize {
    let mut s = libc::malloc_statistics_t { blocks_in_use: 0, size_in_use: 0, max_size_in_use: 0, size_allocated: 0 };
    // SAFETY: a null zone asks for the sum over every zone; `s` is writable.
    unsafe { libc::malloc_zone_statistics(std::ptr::null_mut(), &mut s) };
    s.size_in_use
}
