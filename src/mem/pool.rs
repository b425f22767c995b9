//! A small cache of released guest memory.
//!
//! Creating an image maps a stack and an arena; a fork child then writes
//! its whole copy of the parent's memory, and every page it touches for the
//! first time costs a page fault (expensive under virtualization). Released
//! mappings are therefore kept, pages populated, for the next image: a
//! fork-exit loop reuses the same few mappings. The cache is bounded in
//! count and in kept bytes per mapping, so memory stays flat.

use parking_lot::Mutex;

/// Mappings kept per kind.
const KEEP: usize = 8;
/// Populated bytes kept per mapping; the rest is given back to the host.
pub const KEEP_BYTES: usize = 4 << 20;

/// A released mapping: its address, its length, and how many bytes from
/// its start are readable and writable.
#[derive(Clone, Copy, Debug)]
pub struct Mapping {
    pub base: usize,
    pub len: usize,
    pub committed: usize,
}

pub struct Pool {
    free: Mutex<Vec<Mapping>>,
}

impl Pool {
    pub const fn new() -> Pool {
        Pool { free: Mutex::new(Vec::new()) }
    }

    /// A released mapping of exactly `len` bytes, if one is kept.
    pub fn take(&self, len: usize) -> Option<Mapping> {
        let mut free = self.free.lock();
        let i = free.iter().position(|m| m.len == len)?;
        Some(free.swap_remove(i))
    }

    /// Keeps `m` for reuse, or returns it when the pool is full.
    pub fn give(&self, m: Mapping) -> Result<(), Mapping> {
        let mut free = self.free.lock();
        if free.len() >= KEEP {
            return Err(m);
        }
        free.push(m);
        Ok(())
    }
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

/// Released arenas.
pub static ARENAS: Pool = Pool::new();
/// Released guest stacks.
pub static STACKS: Pool = Pool::new();

/// Gives the pages of `[from, to)` back to the host (they read as zero
/// when touched again).
pub fn discard(base: usize, from: usize, to: usize) {
    if to > from {
        // SAFETY: the range lies inside a private anonymous mapping the
        // caller owns, whose contents it no longer needs.
        unsafe { crate::platform::discard(base + from, to - from) };
    }
}

/// Faults in `[from, to)` for writing (`platform::populate`).
pub fn populate(base: usize, from: usize, to: usize) {
    if to > from {
        crate::platform::populate(base + from, to - from);
    }
}
