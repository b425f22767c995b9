//! The task arena: a guest's heap.
//!
//! Every guest allocation (`malloc` and every libc call that hands out
//! memory to `free`) comes from the arena of the task's current image. The
//! arena is one allocator (TLSF, `rlsf`) over a chain of reserved regions
//! of address space: the allocator's own state sits at the start of the
//! first, small region, and when the heap outgrows the last region it
//! grows into a new, larger one, committing pages as it needs them. So:
//!
//! - fork copies each region's `[base, end)` to a region of the same size
//!   and relocates the pointers in it, each region by its own offset, and
//!   the child's allocator is immediately valid (its free lists are
//!   pointers into the same regions, relocated like any other);
//! - exit and exec release the whole image with one `munmap` per region:
//!   nothing can leak past the image;
//! - an idle task holds little address space (an iOS app has a few GiB in
//!   all), while a heap can still grow as far as the task's limits allow;
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

/// Address space reserved for an arena's first region; `TVM_ARENA_SIZE`
/// overrides it (bytes, or with a K/M/G suffix). Later regions are reserved
/// as the heap needs them, so this bounds nothing: it is what an idle task
/// holds of the host's address space (an iOS app has a few GiB in all).
pub const DEFAULT_RESERVE: usize = 1 << 20;

/// The largest region reserved ahead of need; one allocation larger than
/// this gets a region of its own size.
const MAX_REGION: usize = 1 << 30;

/// Regions up to this size go back to the pool of released arenas when an
/// image ends; larger ones are unmapped (the pool must not hold address
/// space a task under RLIMIT_AS could need).
const POOLED_REGION: usize = 4 << 20;

/// Smallest amount the heap grows by.
const MIN_GROWTH: usize = 64 << 10;
/// The first region's first pool, after the allocator's state: what a
/// reused arena keeps populated for a new image, and where the pool's end
/// marker lies, so that an image whose heap stays this small touches no
/// page past it. Most commands stay within it (a toybox `sleep` uses
/// about 12 KiB); a larger heap grows by MIN_GROWTH and more.
const FIRST_POOL: usize = 32 << 10;
/// Regions this large ask for transparent huge pages: a fork child
/// populates its copy of a big heap 2 MiB at a time instead of 4 KiB
/// (docs/performance.md). Smaller ones would hold whole huge pages for a
/// small heap.
const HUGE_REGION: usize = 4 << 20;

/// Where the heap starts in the first region: the allocator's state comes
/// first.
const HEAD: usize = std::mem::size_of::<Tlsf>().next_multiple_of(64);

/// Bytes at the start of a free block that the allocator uses (its size,
/// the previous block, and the free-list links).
const FREE_HEADER: usize = 4 * std::mem::size_of::<usize>();

/// What a pool of `n` bytes needs beyond an allocation of `n`: the block's
/// header, rounding to the granularity, and the pool's end marker.
const POOL_OVERHEAD: usize = 4 * rlsf::GRANULARITY;

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

/// The first region's size from `TVM_ARENA_SIZE`, or the default.
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
    num.parse::<usize>().ok().and_then(|n| n.checked_mul(mult)).filter(|&n| n >= 256 << 10).unwrap_or(DEFAULT_RESERVE)
}

/// One reserved range of address space holding part of the heap.
#[derive(Debug)]
struct Region {
    base: NonNull<u8>,
    reserve: usize,
    /// Bytes from `base` that are committed and handed to the allocator.
    end: usize,
    /// Bytes from `base` that are readable and writable (>= end; more when
    /// the mapping was reused).
    committed: usize,
}

impl Region {
    /// Reserves `reserve` bytes (rounded up to pages) of address space,
    /// reusing a released region of that size when one is kept. Of a
    /// reused region's populated pages, those past `need` bytes go back to
    /// the host: a new image would otherwise hold its predecessor's heap.
    fn reserve(reserve: usize, need: usize) -> io::Result<Region> {
        let reserve = round_up(reserve.max(2 * MIN_GROWTH), page_size());
        let big = reserve > POOLED_REGION;
        let pooled = if big { pool::BIG_ARENAS.take(reserve) } else { pool::ARENAS.take(reserve) };
        if let Some(m) = pooled {
            pool::discard(m.base, round_up(need, page_size()).min(m.committed), m.committed);
            let base = NonNull::new(m.base as *mut u8).expect("pooled arenas are non-null");
            return Ok(Region { base, reserve, end: 0, committed: m.committed });
        }
        let p = super::placement::map(
            reserve,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
        )?;
        super::stats::mapped(reserve);
        if big {
            pool::BIG_ARENAS.made(reserve);
        }
        if reserve >= HUGE_REGION {
            crate::platform::huge_pages(p as usize, reserve);
        }
        Ok(Region { base: NonNull::new(p.cast()).expect("mmap returned null"), reserve, end: 0, committed: 0 })
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

    fn addr(&self) -> usize {
        self.base.as_ptr() as usize
    }

    fn holds(&self, p: usize) -> bool {
        (self.addr()..self.addr() + self.end).contains(&p)
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        let base = self.addr();
        let m = pool::Mapping { base, len: self.reserve, committed: self.committed };
        let unmap = if self.reserve > POOLED_REGION {
            pool::BIG_ARENAS.release(m)
        } else {
            pool::discard(base, pool::KEEP_BYTES, self.committed);
            [pool::ARENAS.give(m).err(), None]
        };
        for m in unmap.into_iter().flatten() {
            // SAFETY: the reservation is ours (or the pool's, kept for a
            // region that has ended too); its image has ended.
            unsafe { libc::munmap(m.base as *mut libc::c_void, m.len) };
            super::stats::unmapped(m.len);
        }
    }
}

/// A guest heap: one allocator over one or more regions. The first region
/// is small; when the heap outgrows the last region, it grows into a new
/// one (each at least as large as all before, up to [`MAX_REGION`]), so a
/// heap can grow as far as the task's limits and the host allow while an
/// idle task holds little address space.
#[derive(Debug)]
pub struct Arena {
    /// The allocator's state is at the start of `regions[0]`.
    regions: Vec<Region>,
    /// The most heap bytes (the regions' `end`s added up) the arena may
    /// hold, shared with the owning task (its RLIMIT_DATA and RLIMIT_AS,
    /// which another task may change); none: unbounded.
    limit: Option<Arc<AtomicUsize>>,
    /// Where the regions are shown to other tasks (`/proc/PID/maps`):
    /// each region's base, bytes in use and bytes reserved, updated as
    /// the heap grows.
    published: Option<Published>,
}

/// A heap's regions as `(base, in use, reserved)`, shared with its task.
pub type Published = Arc<parking_lot::Mutex<Vec<(usize, usize, usize)>>>;

// SAFETY: the arena is plain memory owned by this value; only the owning
// task's thread uses it, but moving the owner between threads is sound.
unsafe impl Send for Arena {}

fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

/// Where the allocator's pool starts in region `i`.
fn pool_start(i: usize) -> usize {
    if i == 0 {
        HEAD
    } else {
        0
    }
}

impl Arena {
    /// Reserves a first region of `reserve` bytes and sets up the allocator.
    pub fn new(reserve: usize) -> io::Result<Arena> {
        // A new image's heap starts empty; what it grows into faults in.
        let first_end = round_up(HEAD + FIRST_POOL, page_size());
        // (A region is at least 2 * MIN_GROWTH.)
        let mut first = Region::reserve(reserve, first_end)?;
        first.commit(first_end)?;
        let mut a = Arena { regions: vec![first], limit: None, published: None };
        // SAFETY: the committed start of the first region holds the
        // allocator state; nothing else uses those bytes.
        unsafe { a.tlsf_ptr().write(Tlsf::new()) };
        a.regions[0].end = HEAD;
        // SAFETY: [HEAD, first_end) is committed and unused.
        unsafe { a.add_to_pool(0, HEAD, first_end, true) };
        Ok(a)
    }

    fn tlsf_ptr(&self) -> *mut Tlsf {
        self.regions[0].base.as_ptr().cast()
    }

    /// # Safety
    /// The allocator state must have been initialized (or copied).
    unsafe fn tlsf(&mut self) -> &mut Tlsf {
        // SAFETY: per the caller; `&mut self` makes the access exclusive.
        unsafe { &mut *self.tlsf_ptr() }
    }

    /// Heap bytes held: every region's `end` added up.
    fn heap_bytes(&self) -> usize {
        self.regions.iter().map(|r| r.end).sum()
    }

    /// The most heap bytes the limit allows.
    fn cap(&self) -> usize {
        self.limit.as_ref().map_or(usize::MAX, |l| l.load(Ordering::Relaxed))
    }

    /// Extends the heap by at least `need` bytes of free space.
    ///
    /// # Safety
    /// The allocator state must be initialized.
    unsafe fn grow(&mut self, need: usize) -> io::Result<()> {
        let enomem = || io::Error::from_raw_os_error(libc::ENOMEM);
        let held = self.heap_bytes();
        let room = self.cap().saturating_sub(held);
        // TLSF searches the free lists from the size class above the
        // request (up to a sixteenth more), so a free block of just `need`
        // bytes would not be found.
        let need = need.checked_add(need / 8 + POOL_OVERHEAD).ok_or_else(enomem)?;
        if need > room {
            return Err(enomem());
        }
        let step = need.max(MIN_GROWTH).max(held / 4).min(room);
        let page = page_size();
        let last = self.regions.len() - 1;
        let r = &self.regions[last];
        if r.end + need <= r.reserve {
            // Grow inside the last region, appending to its pool.
            let new_end = round_up(r.end + step, page).min(r.reserve).min(r.end + room);
            let from = r.end;
            self.regions[last].commit(new_end)?;
            // SAFETY: [from, new_end) of the last region is committed and
            // unused; it directly follows that region's pool.
            unsafe { self.add_to_pool(last, from, new_end, from == pool_start(last)) };
            self.publish();
            return Ok(());
        }
        // A new region, at least as large as all before (so a growing heap
        // needs few), and at least the first region's size.
        let reserved: usize = self.regions.iter().map(|r| r.reserve).sum();
        let size = round_up(need, page).max(reserved.min(MAX_REGION)).max(self.regions[0].reserve);
        let mut region = Region::reserve(size, 0)?;
        let new_end = round_up(step, page).min(region.reserve).min(room).max(need);
        region.commit(new_end)?;
        self.regions.push(region);
        // SAFETY: [0, new_end) of the new region is committed and unused.
        unsafe { self.add_to_pool(last + 1, 0, new_end, true) };
        self.publish();
        Ok(())
    }

    /// Hands `[from, to)` of region `i` to the allocator: a new pool, or
    /// appended to the region's pool, which ends at `from`.
    ///
    /// # Safety
    /// The range must be committed and unused, and (when appending) follow
    /// the region's pool directly.
    unsafe fn add_to_pool(&mut self, i: usize, from: usize, to: usize, new_pool: bool) {
        let r = &self.regions[i];
        // SAFETY: per the caller, inside region `i`.
        let start = unsafe { r.base.as_ptr().add(from) };
        let block = NonNull::slice_from_raw_parts(NonNull::new(start).expect("non-null"), to - from);
        // SAFETY: the block is ours and outlives the allocator (both live
        // until the arena is dropped).
        unsafe {
            if new_pool {
                self.tlsf().insert_free_block_ptr(block);
            } else {
                self.tlsf().append_free_block_ptr(block);
            }
        }
        self.regions[i].end = to;
    }

    /// Shows the regions in `to` from now on, and at each growth.
    pub fn publish_to(&mut self, to: Published) {
        self.published = Some(to);
        self.publish();
    }

    fn publish(&self) {
        if let Some(p) = &self.published {
            *p.lock() = self.regions.iter().map(|r| (r.base.as_ptr() as usize, r.end, r.reserve)).collect();
        }
    }

    /// Bounds the heap by `limit` bytes from now on (read at each growth;
    /// a heap already past it keeps what it has).
    pub fn set_limit(&mut self, limit: Arc<AtomicUsize>) {
        self.limit = Some(limit);
    }

    /// Whether `p` points into this arena's heap.
    pub fn contains(&self, p: *const c_void) -> bool {
        self.regions.iter().any(|r| r.holds(p as usize))
    }

    /// Each region's start and the length in use (what fork copies), in
    /// the order [`Arena::live_spans`] and [`Arena::child_of`] use.
    pub fn regions(&self) -> impl Iterator<Item = (*mut u8, usize)> + '_ {
        self.regions.iter().map(|r| (r.base.as_ptr(), r.end))
    }

    /// Address space the arena holds, in bytes.
    pub fn reserved(&self) -> usize {
        self.regions.iter().map(|r| r.reserve).sum()
    }

    /// The parts of each region's `[base, base + used)` whose bytes matter,
    /// as (region, offset, length), ascending and disjoint within a region:
    /// the allocator state, every block in use, the header of every free
    /// block and each pool's end marker. The rest is free payload, whose
    /// bytes nothing reads (every block starts zeroed when it is handed
    /// out), so fork need not copy it.
    pub fn live_spans(&self) -> Vec<(usize, usize, usize)> {
        let mut spans: Vec<(usize, usize, usize)> = vec![(0, 0, HEAD)];
        let mut push = |i: usize, off: usize, len: usize| match spans.last_mut() {
            Some(last) if last.0 == i && last.1 + last.2 == off => last.2 += len,
            _ => spans.push((i, off, len)),
        };
        for (i, r) in self.regions.iter().enumerate() {
            let base = r.addr();
            let start = pool_start(i);
            let pool = NonNull::slice_from_raw_parts(
                NonNull::new(r.base.as_ptr().wrapping_add(start)).expect("non-null"),
                r.end - start,
            );
            // SAFETY: `[start, end)` is one of the allocator's pools (growth
            // appends to it), initialized and not changing while `&self` is
            // held.
            for block in unsafe { (*self.tlsf_ptr()).iter_blocks(pool) } {
                let range = block.as_ptr();
                let off = range.as_ptr() as *mut u8 as usize - base;
                let len = if block.is_occupied() { range.len() } else { FREE_HEADER.min(range.len()) };
                push(i, off, len);
            }
            // The end marker (a permanently used block that iter_blocks
            // skips).
            push(i, r.end - rlsf::GRANULARITY, rlsf::GRANULARITY);
        }
        spans
    }

    /// Allocates `size` bytes aligned to `align` (a power of two); null when
    /// the heap cannot grow.
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

    /// Heap bytes up to `p` + `size`: the regions before `p`'s, in full,
    /// and `p`'s up to that point.
    fn heap_offset(&self, p: usize, size: usize) -> usize {
        let mut before = 0;
        for r in &self.regions {
            if r.holds(p) {
                return before + (p - r.addr()) + size;
            }
            before += r.end;
        }
        before
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
                if self.limit.is_some() && self.heap_offset(p.as_ptr() as usize, size) > self.cap() {
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

    /// A fork child's arena: regions of the parent's sizes with each
    /// parent region's `[0, end)` committed, for the caller to fill with a
    /// relocated copy of the parent's live spans (allocator state
    /// included).
    pub fn child_of(parent: &Arena, spans: &[(usize, usize, usize)]) -> io::Result<Arena> {
        let page = page_size();
        let mut regions = Vec::with_capacity(parent.regions.len());
        for (i, p) in parent.regions.iter().enumerate() {
            let mut r = Region::reserve(p.reserve, p.end)?;
            let had = r.committed;
            r.commit(p.end)?;
            // The copy writes every live byte: fault those new pages in at
            // once (free payload pages stay untouched, taking no memory).
            let mut pages: Vec<(usize, usize)> = Vec::new();
            for &(_, off, len) in spans.iter().filter(|s| s.0 == i) {
                let (from, to) = ((off / page * page).max(had), round_up(off + len, page));
                match pages.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ if from < to => pages.push((from, to)),
                    _ => {}
                }
            }
            for (from, to) in pages {
                pool::populate(r.addr(), from, to);
            }
            r.end = p.end;
            regions.push(r);
        }
        Ok(Arena { regions, limit: None, published: None })
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

    fn resident_pages(addr: usize, len: usize) -> io::Result<usize> {
        let page = page_size();
        let mut vec = vec![0u8; len.div_ceil(page)];
        // SAFETY: `vec` has one byte per page of the range.
        if unsafe { libc::mincore(addr as *mut c_void, len, vec.as_mut_ptr().cast()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(vec.iter().filter(|&&b| b & 1 != 0).count())
    }

    /// A big heap that forks again and again: the second child gets the
    /// first child's region back with its pages in place (nothing for the
    /// kernel to zero), and nothing is kept once the parent's heap is gone.
    #[test]
    fn a_big_heap_forks_into_the_pages_of_the_child_before() {
        // A size no other test uses: the kept regions are the process's.
        let size = (43 << 20) + (12 << 10);
        let mut parent = Arena::new(DEFAULT_RESERVE).unwrap();
        let p = parent.alloc(size, ALIGN).cast::<u8>();
        assert!(!p.is_null());
        // SAFETY: `size` live bytes.
        unsafe { p.write_bytes(0x5a, size) };
        let spans = parent.live_spans();
        let big = |a: &Arena| a.regions.iter().map(|r| (r.addr(), r.end)).find(|r| r.1 >= size).unwrap();
        let first = Arena::child_of(&parent, &spans).unwrap();
        let (base, end) = big(&first);
        let had = resident_pages(base, end).unwrap();
        assert!(had >= size / page_size(), "the copy's pages: {had}");
        drop(first);
        assert_eq!(resident_pages(base, end).unwrap(), had, "kept, pages and all");
        let second = Arena::child_of(&parent, &spans).unwrap();
        assert_eq!(big(&second).0, base, "the first child's region");
        drop(second);
        drop(parent);
        let gone = resident_pages(base, end).map_err(|e| e.raw_os_error());
        assert_eq!(gone, Err(Some(libc::ENOMEM)), "unmapped with the parent's heap");
    }

    /// Fork copies only the live spans: every allocated block, the
    /// allocator's state and free blocks' headers, not free payloads.
    #[test]
    fn live_spans_cover_allocations_and_skip_free_payload() {
        let mut a = Arena::new(64 << 20).unwrap();
        let blocks: Vec<*mut c_void> = (0..3).map(|_| a.alloc(100 << 10, ALIGN)).collect();
        // SAFETY: a live allocation, freed once.
        unsafe { a.free(blocks[1]) };
        let (base, end) = a.regions().next().map(|(b, e)| (b as usize, e)).unwrap();
        let spans = a.live_spans();
        assert!(spans.iter().all(|s| s.0 == 0), "one region");
        let covered = |p: usize, len: usize| spans.iter().any(|&(_, o, l)| base + o <= p && p + len <= base + o + l);
        assert!(covered(blocks[0] as usize, 100 << 10) && covered(blocks[2] as usize, 100 << 10));
        assert!(covered(base, std::mem::size_of::<Tlsf>()), "the allocator state");
        assert!(!covered(blocks[1] as usize + 64, 64), "the freed block's payload");
        assert!(spans.windows(2).all(|w| w[0].1 + w[0].2 < w[1].1), "ascending, disjoint, merged: {spans:?}");
        let live: usize = spans.iter().map(|s| s.2).sum();
        assert!(live + (100 << 10) <= end && live > 200 << 10, "{live} of {end}");
        assert_eq!(spans.last().map(|s| s.1 + s.2), Some(end), "the pool's end marker");
    }

    /// A heap outgrows its first region into new ones; every block stays
    /// usable, fork's spans cover each region, and the limit still holds.
    #[test]
    fn grows_past_the_first_region() {
        let mut a = Arena::new(256 << 10).unwrap();
        assert_eq!(a.reserved(), 256 << 10);
        let blocks: Vec<*mut u8> = (0..40).map(|_| a.alloc(100 << 10, ALIGN).cast::<u8>()).collect();
        assert!(blocks.iter().all(|p| !p.is_null() && a.contains(p.cast())));
        for (i, &p) in blocks.iter().enumerate() {
            // SAFETY: 100 KiB live at each.
            unsafe { p.write_bytes(i as u8, 100 << 10) };
        }
        let regions: Vec<(usize, usize)> = a.regions().map(|(b, e)| (b as usize, e)).collect();
        assert!(regions.len() > 2, "{regions:?}");
        let spans = a.live_spans();
        for (i, &(b, e)) in regions.iter().enumerate() {
            assert!(spans.iter().any(|s| s.0 == i && s.1 + s.2 == e), "region {i} has its end marker");
            assert!(spans.iter().filter(|s| s.0 == i).all(|s| s.1 + s.2 <= e), "inside region {i}");
            assert!(b != 0);
        }
        for &p in &blocks {
            let (i, (b, _)) =
                regions.iter().enumerate().find(|(_, &(b, e))| (b..b + e).contains(&(p as usize))).unwrap();
            let off = p as usize - b;
            assert!(spans.iter().any(|s| s.0 == i && s.1 <= off && off + (100 << 10) <= s.1 + s.2));
        }
        for (i, &p) in blocks.iter().enumerate() {
            // SAFETY: 100 KiB live at each.
            assert!(unsafe { std::slice::from_raw_parts(p, 100 << 10) }.iter().all(|&b| b == i as u8));
            // SAFETY: live, freed once.
            unsafe { a.free(p.cast()) };
        }
        // Over a limit: null, then room again below it.
        let limit = Arc::new(AtomicUsize::new(a.heap_bytes() + (1 << 20)));
        a.set_limit(limit.clone());
        assert!(a.alloc(64 << 20, ALIGN).is_null());
        limit.store(usize::MAX, Ordering::Relaxed);
        let big = a.alloc(64 << 20, ALIGN);
        assert!(!big.is_null() && a.contains(big));
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
        assert!(a.heap_bytes() > 8 << 20);
        // SAFETY: big is live.
        unsafe { a.free(big) };
        // Past the limit: null, not a crash.
        a.set_limit(Arc::new(AtomicUsize::new(32 << 20)));
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
        let end = a.heap_bytes();
        for p in blocks {
            // SAFETY: each block is live and freed once.
            unsafe { a.free(p) };
        }
        let big = a.alloc(end / 2, ALIGN);
        assert!(!big.is_null());
        assert_eq!(a.heap_bytes(), end, "satisfied from the coalesced pool, no growth");
        println!("control block: {} bytes", std::mem::size_of::<Tlsf>());
    }
}
