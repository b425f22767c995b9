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
/// Arena regions too large for [`ARENAS`].
pub static BIG_ARENAS: Twins = Twins::new();
/// Released guest stacks.
pub static STACKS: Pool = Pool::new();

/// Arena regions larger than the pool takes. One of each size is kept
/// whole, pages in place, for as long as another region of that size is
/// live: a task with a big heap that forks again and again hands each child
/// the pages of the child before, where the kernel would otherwise zero a
/// new copy's worth of pages at every fork (docs/performance.md). What is
/// kept never exceeds what live heaps hold, the host may take its pages
/// back whenever it needs memory (MADV_FREE), and it is unmapped with the
/// last live region of its size.
pub struct Twins {
    state: Mutex<TwinState>,
}

struct TwinState {
    /// (length, regions of that length alive).
    live: Vec<(usize, usize)>,
    kept: Vec<Mapping>,
}

impl Twins {
    pub const fn new() -> Twins {
        Twins { state: Mutex::new(TwinState { live: Vec::new(), kept: Vec::new() }) }
    }

    /// A new region of `len` bytes is live.
    pub fn made(&self, len: usize) {
        let mut st = self.state.lock();
        match st.live.iter_mut().find(|e| e.0 == len) {
            Some(e) => e.1 += 1,
            None => st.live.push((len, 1)),
        }
    }

    /// The kept region of `len` bytes, if any; it is live again.
    pub fn take(&self, len: usize) -> Option<Mapping> {
        let mut st = self.state.lock();
        let i = st.kept.iter().position(|m| m.len == len)?;
        let m = st.kept.swap_remove(i);
        if let Some(e) = st.live.iter_mut().find(|e| e.0 == len) {
            e.1 += 1;
        }
        Some(m)
    }

    /// `m` has ended. Returns the mappings to unmap: `m` unless it is
    /// kept, and the kept twin of its size when `m` was the last live one.
    pub fn release(&self, m: Mapping) -> [Option<Mapping>; 2] {
        let mut st = self.state.lock();
        let Some(i) = st.live.iter().position(|e| e.0 == m.len) else {
            return [Some(m), None];
        };
        st.live[i].1 -= 1;
        let kept = st.kept.iter().position(|k| k.len == m.len);
        if st.live[i].1 == 0 {
            st.live.swap_remove(i);
            return [Some(m), kept.map(|k| st.kept.swap_remove(k))];
        }
        if kept.is_some() {
            return [Some(m), None];
        }
        // Kept, but the host may take the pages back under memory pressure
        // (a big heap's copy is a lot to hold for a fork that may not come).
        // SAFETY: the region's image has ended; the next one writes what
        // it reads (fork's copy, or a new image's allocations).
        unsafe { crate::platform::lazy_free(m.base, m.committed) };
        st.kept.push(m);
        [None, None]
    }
}

impl Default for Twins {
    fn default() -> Self {
        Twins::new()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(base: usize, len: usize) -> Mapping {
        Mapping { base, len, committed: len }
    }

    /// A parent's big region stays live while its children come and go:
    /// one child's region is kept for the next, a second one is not, and
    /// the kept one goes with the last live region of its size.
    #[test]
    fn keeps_one_region_per_size_while_a_twin_lives() {
        let t = Twins::new();
        let (parent, a, b) =
            (mapping(0x1000_0000, 8 << 20), mapping(0x2000_0000, 8 << 20), mapping(0x3000_0000, 8 << 20));
        for _ in 0..3 {
            t.made(8 << 20);
        }
        assert!(t.take(16 << 20).is_none(), "no region of that size");
        assert!(matches!(t.release(a), [None, None]), "a child's region is kept while the parent's lives");
        assert!(matches!(t.release(b), [Some(m), None] if m.base == b.base), "one kept per size");
        let again = t.take(8 << 20).expect("the kept region");
        assert_eq!(again.base, a.base);
        assert!(t.take(8 << 20).is_none(), "taken once");
        assert!(matches!(t.release(again), [None, None]));
        let [first, second] = t.release(parent);
        assert_eq!(first.map(|m| m.base), Some(parent.base), "the last live one goes");
        assert_eq!(second.map(|m| m.base), Some(a.base), "and takes the kept one with it");
        assert!(t.take(8 << 20).is_none());
    }
}
