//! The task arena: a guest's heap.
//!
//! Every guest allocation (`malloc` and every libc call that hands out
//! memory to `free`) comes from the arena of the task's current image. The
//! arena is one reserved range of address space: the allocator's own state
//! (a TLSF allocator, `rlsf`) sits at its start and the heap grows upwards
//! from there, committing pages as it needs them. So:
//!
//! - fork copies `[base, end)` and relocates the pointers in it, and the
//!   child's allocator is immediately valid (its free lists are pointers
//!   into the same range, relocated like any other);
//! - exit and exec release the whole image with one `munmap`: nothing can
//!   leak past the image;
//! - runtime (Rust) memory never lives here.
//!
//! Alignments above 16 (memalign and friends) are served by over-allocating
//! and keeping a small header in front of the returned block; its marker
//! value can never equal a TLSF block header, so `free` can tell them apart.

use std::alloc::Layout;
use std::ffi::c_void;
use std::io;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::pool;

// FLLEN 59 with 32-byte granularity covers the whole address space, which
// lets rlsf coalesce the pool across growth steps.
type Tlsf = rlsf::Tlsf<'static, u64, u16, 59, 16>;

/// The alignment of every ordinary allocation (glibc's `max_align_t`).
pub const ALIGN: usize = 16;

/// Default address space reserved per arena; `TVM_ARENA_SIZE` overrides it
/// (bytes, or with a K/M/G suffix) for hosts with less address space.
pub const DEFAULT_RESERVE: usize = 1 << 30;

/// Smallest amount the heap grows by.
const MIN_GROWTH: usize = 64 << 10;

/// Where the heap starts: the allocator's state comes first.
const HEAD: usize = std::mem::size_of::<Tlsf>().next_multiple_of(64);

/// Bytes at the start of a free block that the allocator uses (its size,
/// the previous block, and the free-list links).
const FREE_HEADER: usize = 4 * std::mem::size_of::<usize>();

/// Marker in front of over-aligned blocks. Its low bits (0b1100) are never
/// those of a TLSF block size, which is a multiple of 32 plus flag bits 0-3.
const ALIGNED_MARK: usize = 0x7476_6d61_6c69_676c;

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        n if n > 0 => n as usize,
        _ => 4096,
    }
}

/// The reservation size from `TVM_ARENA_SIZE`, or the default.
pub fn configured_reserve() -> usize {
    let Some(v) = std::env::var_os("TVM_ARENA_SIZE") else {
        return DEFAULT_RESERVE;
    };
    let s = v.to_string_lossy();
    let (num, mult) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1 << 10),
        Some('m' | 'M') => (&s[..s.len() - 1], 1 << 20),
        Some('g' | 'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (&s[..], 1),
    };
    num.parse::<usize>().ok().and_then(|n| n.checked_mul(mult)).filter(|&n| n >= 1 << 20).unwrap_or(DEFAULT_RESERVE)
}

/// A guest heap.
#[derive(Debug)]
pub struct Arena {
    base: NonNull<u8>,
    reserve: usize,
    /// Bytes from `base` that are committed and handed to the allocator.
    end: usize,
    /// Bytes from `base` that are readable and writable (>= end; more when
    /// the mapping was reused).
    committed: usize,
    /// The most bytes `end` may reach, shared with the owning task (its
    /// RLIMIT_DATA and RLIMIT_AS, which another task may change); none:
    /// the reservation.
    limit: Option<Arc<AtomicUsize>>,
}

// SAFETY: the arena is plain memory owned by this value; only the owning
// task's thread uses it, but moving the owner between threads is sound.
unsafe impl Send for Arena {}

fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

impl Arena {
    /// Reserves `reserve` bytes of address space and sets up the allocator.
    pub fn new(reserve: usize) -> io::Result<Arena> {
        // A new image's heap starts empty; what it grows into faults in.
        let mut a = Arena::reserve_only(reserve, HEAD + (32 << 10))?;
        a.commit(HEAD)?;
        // SAFETY: the committed start of the arena holds the allocator
        // state; nothing else uses those bytes.
        unsafe { a.tlsf_ptr().write(Tlsf::new()) };
        a.end = HEAD;
        // SAFETY: `a` is freshly set up.
        unsafe { a.grow(MIN_GROWTH) }?;
        Ok(a)
    }

    /// Reserves address space only (a fork child's arena, filled by copy),
    /// reusing a released arena when one is kept. Of a reused arena's
    /// populated pages, those past `need` bytes go back to the host: a new
    /// image would otherwise hold its predecessor's heap size resident.
    fn reserve_only(reserve: usize, need: usize) -> io::Result<Arena> {
        let reserve = round_up(reserve.max(2 * MIN_GROWTH), page_size());
        if let Some(m) = pool::ARENAS.take(reserve) {
            pool::discard(m.base, round_up(need, page_size()).min(m.committed), m.committed);
            return Ok(Arena {
                base: NonNull::new(m.base as *mut u8).expect("pooled arenas are non-null"),
                reserve,
                end: 0,
                committed: m.committed,
                limit: None,
            });
        }
        let p = super::placement::map(
            reserve,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
        )?;
        super::stats::mapped(reserve);
        Ok(Arena {
            base: NonNull::new(p.cast()).expect("mmap returned null"),
            reserve,
            end: 0,
            committed: 0,
            limit: None,
        })
    }

    /// Makes `[0, upto)` readable and writable.
    fn commit(&mut self, upto: usize) -> io::Result<()> {
        let upto = round_up(upto, page_size());
        if upto > self.reserve {
            return Err(io::Error::from_raw_os_error(libc::ENOMEM));
        }
        if upto <= self.committed {
            return Ok(());
        }
        let from = self.committed;
        // SAFETY: the range lies inside our reservation.
        let r = unsafe {
            libc::mprotect(self.base.as_ptr().add(from).cast(), upto - from, libc::PROT_READ | libc::PROT_WRITE)
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        self.committed = upto;
        Ok(())
    }

    fn tlsf_ptr(&self) -> *mut Tlsf {
        self.base.as_ptr().cast()
    }

    /// # Safety
    /// The allocator state must have been initialized (or copied).
    unsafe fn tlsf(&mut self) -> &mut Tlsf {
        // SAFETY: per the caller; `&mut self` makes the access exclusive.
        unsafe { &mut *self.tlsf_ptr() }
    }

    /// Extends the heap by at least `need` bytes.
    ///
    /// # Safety
    /// The allocator state must be initialized.
    unsafe fn grow(&mut self, need: usize) -> io::Result<()> {
        let cap = self.cap();
        if self.end.saturating_add(need) > cap {
            return Err(io::Error::from_raw_os_error(libc::ENOMEM));
        }
        let step = need.saturating_add(64).max(MIN_GROWTH).max(self.end / 4);
        let new_end = round_up(self.end.saturating_add(step), page_size()).min(cap);
        if new_end <= self.end + 64 {
            return Err(io::Error::from_raw_os_error(libc::ENOMEM));
        }
        self.commit(new_end)?;
        // SAFETY: [end, new_end) is committed, inside the arena, unused.
        let start = unsafe { self.base.as_ptr().add(self.end) };
        let block = NonNull::slice_from_raw_parts(NonNull::new(start).expect("non-null"), new_end - self.end);
        let first = self.end == HEAD;
        // SAFETY: the block is ours and outlives the allocator (both live
        // until the arena is unmapped); it directly follows the pool.
        unsafe {
            if first {
                self.tlsf().insert_free_block_ptr(block);
            } else {
                self.tlsf().append_free_block_ptr(block);
            }
        }
        self.end = new_end;
        Ok(())
    }

    /// How far the heap may span: the reservation or the limit.
    fn cap(&self) -> usize {
        self.reserve.min(self.limit.as_ref().map_or(usize::MAX, |l| l.load(Ordering::Relaxed)))
    }

    /// Bounds the heap by `limit` bytes from now on (read at each growth;
    /// a heap already past it keeps what it has).
    pub fn set_limit(&mut self, limit: Arc<AtomicUsize>) {
        self.limit = Some(limit);
    }

    /// Whether `p` points into this arena's heap.
    pub fn contains(&self, p: *const c_void) -> bool {
        let b = self.base.as_ptr() as usize;
        (b..b + self.end).contains(&(p as usize))
    }

    /// The start of the arena and the length in use (what fork copies).
    pub fn used(&self) -> (*mut u8, usize) {
        (self.base.as_ptr(), self.end)
    }

    /// The parts of `[base, base + used)` whose bytes matter, as (offset,
    /// length), ascending and disjoint: the allocator state, every block in
    /// use, the header of every free block and the pool's end marker. The
    /// rest is free payload, whose bytes nothing reads (every block starts
    /// zeroed when it is handed out), so fork need not copy it.
    pub fn live_spans(&self) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = vec![(0, HEAD)];
        let mut push = |off: usize, len: usize| match spans.last_mut() {
            Some(last) if last.0 + last.1 == off => last.1 += len,
            _ => spans.push((off, len)),
        };
        let base = self.base.as_ptr() as usize;
        let pool = NonNull::slice_from_raw_parts(
            NonNull::new(self.base.as_ptr().wrapping_add(HEAD)).expect("non-null"),
            self.end - HEAD,
        );
        // SAFETY: `[HEAD, end)` is the allocator's one pool (growth appends
        // to it), initialized and not changing while `&self` is held.
        for block in unsafe { (*self.tlsf_ptr()).iter_blocks(pool) } {
            let range = block.as_ptr();
            let off = range.as_ptr() as *mut u8 as usize - base;
            let len = if block.is_occupied() { range.len() } else { FREE_HEADER.min(range.len()) };
            push(off, len);
        }
        // The end marker (a permanently used block that iter_blocks skips).
        push(self.end - rlsf::GRANULARITY, rlsf::GRANULARITY);
        spans
    }

    /// Allocates `size` bytes aligned to `align` (a power of two); null when
    /// the reservation is exhausted.
    pub fn alloc(&mut self, size: usize, align: usize) -> *mut c_void {
        if align <= ALIGN {
            return self.alloc_plain(size.max(1));
        }
        // Over-allocate: header (mark, original) + slack for alignment.
        let Some(total) = size.checked_add(align + 2 * std::mem::size_of::<usize>()) else {
            return ptr::null_mut();
        };
        let raw = self.alloc_plain(total);
        if raw.is_null() {
            return raw;
        }
        let aligned = round_up(raw as usize + 2 * std::mem::size_of::<usize>(), align);
        // SAFETY: `aligned - 16 >= raw` and `aligned + size <= raw + total`.
        unsafe {
            let hdr = (aligned as *mut usize).sub(2);
            hdr.write(ALIGNED_MARK);
            hdr.add(1).write(raw as usize);
        }
        aligned as *mut c_void
    }

    fn alloc_plain(&mut self, size: usize) -> *mut c_void {
        let Ok(layout) = Layout::from_size_align(size, ALIGN) else {
            return ptr::null_mut();
        };
        loop {
            // SAFETY: the allocator state is initialized for a live arena.
            if let Some(p) = unsafe { self.tlsf() }.allocate(layout) {
                // A lowered limit also holds for free space the heap kept
                // from before: no block may end past it.
                if self.limit.is_some() && p.as_ptr() as usize - self.base.as_ptr() as usize + size > self.cap() {
                    // SAFETY: just allocated with this layout.
                    unsafe { self.tlsf().deallocate(p, ALIGN) };
                    return ptr::null_mut();
                }
                // Fork relocates every word that looks like a pointer into
                // the parent's memory. A block still holding the allocator's
                // free-list links or a freed object's pointers would, once
                // the guest writes a short string over the start of such a
                // word, leave a word made of text and the high bytes of a
                // pointer, which fork would "relocate", changing the text.
                // Every block therefore starts zeroed (docs/fork.md).
                // SAFETY: a live allocation of at least its usable size.
                unsafe {
                    let n = Tlsf::allocation_usable_size(p.cast());
                    ptr::write_bytes(p.as_ptr(), 0, n);
                }
                return p.as_ptr().cast();
            }
            // SAFETY: as above.
            if unsafe { self.grow(size) }.is_err() {
                return ptr::null_mut();
            }
        }
    }

    /// For an over-aligned block, the block the allocator handed out.
    ///
    /// # Safety
    /// `p` must be a live allocation of this arena.
    unsafe fn underlying(p: *mut c_void) -> (*mut c_void, bool) {
        // SAFETY: every allocation has at least 16 bytes of header (TLSF's
        // or ours) in front of it.
        unsafe {
            let hdr = p.cast::<usize>().sub(2);
            if hdr.read() == ALIGNED_MARK {
                (hdr.add(1).read() as *mut c_void, true)
            } else {
                (p, false)
            }
        }
    }

    /// Frees a live allocation of this arena.
    ///
    /// # Safety
    /// `p` must be a live allocation of this arena (see `contains`).
    pub unsafe fn free(&mut self, p: *mut c_void) {
        // SAFETY: per the caller.
        let (raw, _) = unsafe { Self::underlying(p) };
        // SAFETY: `raw` came from allocate with ALIGN.
        unsafe { self.tlsf().deallocate(NonNull::new_unchecked(raw.cast()), ALIGN) };
    }

    /// Bytes usable at `p` (malloc_usable_size).
    ///
    /// # Safety
    /// `p` must be a live allocation of this arena.
    pub unsafe fn usable_size(&self, p: *mut c_void) -> usize {
        // SAFETY: per the caller.
        let (raw, _) = unsafe { Self::underlying(p) };
        // SAFETY: `raw` is a live TLSF allocation.
        let whole = unsafe { Tlsf::allocation_usable_size(NonNull::new_unchecked(raw.cast())) };
        whole - (p as usize - raw as usize)
    }

    /// Resizes a live allocation of this arena; null (old block intact) when
    /// out of memory.
    ///
    /// # Safety
    /// `p` must be a live allocation of this arena.
    pub unsafe fn realloc(&mut self, p: *mut c_void, size: usize) -> *mut c_void {
        let size = size.max(1);
        // SAFETY: per the caller.
        let (raw, aligned) = unsafe { Self::underlying(p) };
        if !aligned {
            let Ok(layout) = Layout::from_size_align(size, ALIGN) else {
                return ptr::null_mut();
            };
            // SAFETY: `raw` is a live allocation.
            let before = unsafe { Tlsf::allocation_usable_size(NonNull::new_unchecked(raw.cast())) };
            loop {
                // SAFETY: `raw` is a live allocation made with ALIGN.
                if let Some(q) = unsafe { self.tlsf().reallocate(NonNull::new_unchecked(raw.cast()), layout) } {
                    // The grown part starts zeroed, as a fresh block does.
                    // SAFETY: `q` is live with at least `after` bytes.
                    unsafe {
                        let after = Tlsf::allocation_usable_size(q.cast());
                        if after > before {
                            ptr::write_bytes(q.as_ptr().add(before), 0, after - before);
                        }
                    }
                    return q.as_ptr().cast();
                }
                // SAFETY: the allocator state is initialized.
                if unsafe { self.grow(size) }.is_err() {
                    return ptr::null_mut();
                }
            }
        }
        let q = self.alloc_plain(size);
        if !q.is_null() {
            // SAFETY: `p` is live with usable_size bytes; `q` has `size`.
            unsafe {
                let n = self.usable_size(p).min(size);
                ptr::copy_nonoverlapping(p.cast::<u8>(), q.cast::<u8>(), n);
                self.free(p);
            }
        }
        q
    }

    /// A fork child's arena: the same reservation size with `[0, parent
    /// end)` committed, for the caller to fill with a relocated copy of the
    /// parent's live spans (allocator state included).
    pub fn child_of(parent: &Arena, spans: &[(usize, usize)]) -> io::Result<Arena> {
        let mut a = Arena::reserve_only(parent.reserve, parent.end)?;
        let had = a.committed;
        a.commit(parent.end)?;
        // The copy writes every live byte: fault those new pages in at once
        // (free payload pages stay untouched, taking no memory).
        let page = page_size();
        let mut pages: Vec<(usize, usize)> = Vec::new();
        for &(off, len) in spans {
            let (from, to) = ((off / page * page).max(had), round_up(off + len, page));
            match pages.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ if from < to => pages.push((from, to)),
                _ => {}
            }
        }
        for (from, to) in pages {
            pool::populate(a.base.as_ptr() as usize, from, to);
        }
        a.end = parent.end;
        Ok(a)
    }

    /// Copies a C string (with its terminator) into the arena.
    pub fn alloc_cstr(&mut self, s: &std::ffi::CStr) -> *mut std::ffi::c_char {
        let bytes = s.to_bytes_with_nul();
        let p = self.alloc(bytes.len(), ALIGN).cast::<std::ffi::c_char>();
        if !p.is_null() {
            // SAFETY: `p` has room for the bytes; regions are distinct.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr().cast(), p, bytes.len()) };
        }
        p
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        let base = self.base.as_ptr() as usize;
        pool::discard(base, pool::KEEP_BYTES, self.committed);
        let m = pool::Mapping { base, len: self.reserve, committed: self.committed };
        if let Err(m) = pool::ARENAS.give(m) {
            // SAFETY: the reservation is ours; its image has ended.
            unsafe { libc::munmap(m.base as *mut libc::c_void, m.len) };
            super::stats::unmapped(m.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fork relocation misreads a word made of fresh text and a stale
    /// pointer's high bytes (docs/fork.md), so no block may come back with
    /// old contents: not a reused one, not the grown part of a realloc.
    #[test]
    fn reused_blocks_hold_no_stale_pointers_for_fork_to_misread() {
        let mut a = Arena::new(64 << 20).unwrap();
        let p = a.alloc(256, ALIGN).cast::<u8>();
        // SAFETY: 256 live bytes.
        unsafe { p.write_bytes(0xab, 256) };
        // SAFETY: live, freed once.
        unsafe { a.free(p.cast()) };
        let q = a.alloc(256, ALIGN).cast::<u8>();
        assert_eq!(q, p, "the test needs the same block back");
        // SAFETY: 256 live bytes.
        assert!(unsafe { std::slice::from_raw_parts(q, 256) }.iter().all(|&b| b == 0));
        // SAFETY: 256 live bytes; then freed once.
        unsafe {
            q.write_bytes(0xcd, 256);
            a.free(q.cast());
        }
        // A small block at the same place, grown in place over the old data.
        let r = a.alloc(16, ALIGN).cast::<u8>();
        assert_eq!(r, p, "the test needs the same block back");
        // SAFETY: a live allocation of this arena.
        let g = unsafe { a.realloc(r.cast(), 200) }.cast::<u8>();
        assert_eq!(g, r, "grown in place");
        // SAFETY: 200 live bytes.
        assert!(unsafe { std::slice::from_raw_parts(g, 200) }.iter().all(|&b| b == 0));
    }

    /// Fork copies only the live spans: every allocated block, the
    /// allocator's state and free blocks' headers, not free payloads.
    #[test]
    fn live_spans_cover_allocations_and_skip_free_payload() {
        let mut a = Arena::new(64 << 20).unwrap();
        let blocks: Vec<*mut c_void> = (0..3).map(|_| a.alloc(100 << 10, ALIGN)).collect();
        // SAFETY: a live allocation, freed once.
        unsafe { a.free(blocks[1]) };
        let base = a.used().0 as usize;
        let spans = a.live_spans();
        let covered = |p: usize, len: usize| spans.iter().any(|&(o, l)| base + o <= p && p + len <= base + o + l);
        assert!(covered(blocks[0] as usize, 100 << 10) && covered(blocks[2] as usize, 100 << 10));
        assert!(covered(base, std::mem::size_of::<Tlsf>()), "the allocator state");
        assert!(!covered(blocks[1] as usize + 64, 64), "the freed block's payload");
        assert!(spans.windows(2).all(|w| w[0].0 + w[0].1 < w[1].0), "ascending, disjoint, merged: {spans:?}");
        let live: usize = spans.iter().map(|s| s.1).sum();
        let end = a.used().1;
        assert!(live + (100 << 10) <= end && live > 200 << 10, "{live} of {end}");
        assert_eq!(spans.last().map(|s| s.0 + s.1), Some(end), "the pool's end marker");
    }

    #[test]
    fn allocates_frees_reallocs_and_grows() {
        let mut a = Arena::new(64 << 20).unwrap();
        let p = a.alloc(100, ALIGN);
        assert!(!p.is_null() && a.contains(p));
        assert_eq!(p as usize % 16, 0);
        // SAFETY: p is live with >= 100 bytes.
        unsafe {
            ptr::write_bytes(p.cast::<u8>(), 7, 100);
            assert!(a.usable_size(p) >= 100);
            let q = a.realloc(p, 10_000);
            assert_eq!(*q.cast::<u8>().add(99), 7);
            a.free(q);
        }
        // Far more than the initial pool: the heap grows.
        let big = a.alloc(8 << 20, ALIGN);
        assert!(!big.is_null());
        assert!(a.used().1 > 8 << 20);
        // SAFETY: big is live.
        unsafe { a.free(big) };
        // Exhausting the reservation gives null, not a crash.
        assert!(a.alloc(128 << 20, ALIGN).is_null());
    }

    #[test]
    fn over_aligned_blocks() {
        let mut a = Arena::new(16 << 20).unwrap();
        for align in [32usize, 64, 4096] {
            let p = a.alloc(1000, align);
            assert_eq!(p as usize % align, 0);
            // SAFETY: p is live with >= 1000 bytes.
            unsafe {
                assert!(a.usable_size(p) >= 1000);
                ptr::write_bytes(p.cast::<u8>(), 1, 1000);
                let q = a.realloc(p, 5000);
                assert_eq!(*q.cast::<u8>().add(999), 1);
                a.free(q);
            }
        }
    }
}

#[cfg(test)]
mod coalesce_tests {
    use super::*;

    #[test]
    fn growth_steps_form_one_pool() {
        let mut a = Arena::new(256 << 20).unwrap();
        // Fill several growth steps with small blocks, free them all, and
        // ask for one block larger than any single step.
        let blocks: Vec<_> = (0..4000).map(|_| a.alloc(4000, ALIGN)).collect();
        assert!(blocks.iter().all(|p| !p.is_null()));
        let end = a.used().1;
        for p in blocks {
            // SAFETY: each block is live and freed once.
            unsafe { a.free(p) };
        }
        let big = a.alloc(end / 2, ALIGN);
        assert!(!big.is_null());
        assert_eq!(a.used().1, end, "satisfied from the coalesced pool, no growth");
        println!("control block: {} bytes", std::mem::size_of::<Tlsf>());
    }
}
