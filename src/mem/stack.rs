//! Guest stacks.
//!
//! Every task runs its program on a stack the runtime maps itself, so the
//! stack's bounds are known exactly: fork copies from the fork point up to
//! the top, and nothing above the top belongs to the guest. The lowest page
//! is a guard page so an overflow faults instead of running into other
//! memory.
//!
//! On Linux a stack maps only its top pages and grows down on demand, in
//! a slot of the stack lane (`lane.rs`): an idle task then holds a few
//! pages of address space for its stack, not its whole RLIMIT_STACK.
//! Elsewhere (and if the lane cannot be used) the whole stack is mapped,
//! pages committed only when touched.

use std::io;
use std::ptr::NonNull;

use super::pool;

/// Bytes a growing stack maps at first, below its top.
#[cfg(any(target_os = "linux", target_os = "android"))]
const INITIAL: usize = 64 << 10;

/// A mapped stack with a guard page at its low end.
#[derive(Debug)]
pub struct GuestStack {
    /// The guard page's address: the stack's slot starts here.
    base: NonNull<u8>,
    /// The slot's length: the guard page and the usable bytes.
    len: usize,
    /// Whether the stack grows on demand in a lane slot (else the whole
    /// slot is one mapping).
    grows: bool,
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
    /// A stack with `usable` bytes (rounded up to pages) above one guard
    /// page. Pages are only committed when touched.
    pub fn new(usable: usize) -> io::Result<GuestStack> {
        let page = page_size();
        let usable = usable.max(page).div_ceil(page) * page;
        let len = usable + page;
        if let Some(m) = pool::STACKS.take(len) {
            let base = NonNull::new(m.base as *mut u8).expect("pooled stacks are non-null");
            return Ok(GuestStack { base, len, grows: m.committed == 0 });
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if growth_works() {
            if let Some(s) = Self::growing(len) {
                return Ok(s);
            }
        }
        Self::whole(len)
    }

    /// The whole stack as one mapping, its lowest page made inaccessible.
    fn whole(len: usize) -> io::Result<GuestStack> {
        let page = page_size();
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
        Ok(GuestStack { base: NonNull::new(p.cast()).expect("mmap returned null"), len, grows: false })
    }

    /// A stack that maps its top [`INITIAL`] bytes in a lane slot and
    /// grows down on demand to the guard page at the slot's start. None
    /// when no slot could be mapped (the caller maps the stack whole).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn growing(len: usize) -> Option<GuestStack> {
        let page = page_size();
        let initial = INITIAL.min(len - page);
        // A few tries: a slot the kernel did use after all is skipped.
        for _ in 0..4 {
            let base = super::lane::take(len)?;
            let guard = super::placement::map_exactly(base, page, libc::PROT_NONE, 0);
            let top = super::placement::map_exactly(
                base + len - initial,
                initial,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_GROWSDOWN | libc::MAP_STACK,
            );
            match (guard, top) {
                (true, true) => {
                    super::stats::mapped(len);
                    let base = NonNull::new(base as *mut u8).expect("lane slots are non-null");
                    return Some(GuestStack { base, len, grows: true });
                }
                // SAFETY: whichever of the two was mapped is ours, unused.
                (g, t) => unsafe {
                    if g {
                        libc::munmap(base as *mut libc::c_void, page);
                    }
                    if t {
                        libc::munmap((base + len - initial) as *mut libc::c_void, initial);
                    }
                },
            }
        }
        None
    }

    /// The highest address of the stack (exclusive), 16-byte aligned.
    pub fn top(&self) -> *mut u8 {
        // SAFETY: base + len is one past the end of our slot.
        unsafe { self.base.as_ptr().add(self.len) }
    }

    /// Usable bytes (without the guard page).
    pub fn size(&self) -> usize {
        self.len - page_size()
    }

    /// The lowest usable address (just above the guard page).
    pub fn bottom(&self) -> *mut u8 {
        // SAFETY: the guard page is one page long and inside the slot.
        unsafe { self.base.as_ptr().add(page_size()) }
    }

    /// Address space the stack holds now, in bytes.
    pub fn mapped(&self) -> usize {
        if !self.grows {
            return self.len;
        }
        let top = self.top() as usize;
        top - lowest_mapped(self.bottom() as usize, top) + page_size()
    }

    /// Unmaps the stack and gives its slot back.
    fn unmap(&self) {
        let base = self.base.as_ptr() as usize;
        if self.grows {
            let top = self.top() as usize;
            let low = lowest_mapped(self.bottom() as usize, top);
            // SAFETY: the guard page and the stack's one mapping, `[low,
            // top)`, are ours; nothing else in the slot is touched.
            unsafe {
                libc::munmap(base as *mut libc::c_void, page_size());
                libc::munmap(low as *mut libc::c_void, top - low);
            }
            #[cfg(any(target_os = "linux", target_os = "android"))]
            super::lane::give(base, self.len);
        } else {
            // SAFETY: the mapping is ours and unused.
            unsafe { libc::munmap(base as *mut libc::c_void, self.len) };
        }
        super::stats::unmapped(self.len);
    }
}

/// Whether this kernel grows a `MAP_GROWSDOWN` mapping when memory just
/// below it is written, asked once: a pipe's bytes are read into the page
/// under a one-page mapping. Linux does; qemu-user, which checks every
/// guest address against the mappings it made itself, gives EFAULT (and
/// its guests would die of SIGSEGV on the first deep call), so stacks are
/// then mapped whole (docs/platforms.md).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn growth_works() -> bool {
    static WORKS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WORKS.get_or_init(|| {
        let page = page_size();
        let Some(slot) = super::lane::take(2 * page) else { return false };
        let grows = super::placement::map_exactly(
            slot + page,
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_GROWSDOWN | libc::MAP_STACK,
        );
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        let works = grows && unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == 0 && {
            // SAFETY: the pipe is ours; the read's buffer is the last
            // word below the mapping, which the kernel grows or refuses
            // with EFAULT; both descriptors are closed right after.
            let n = unsafe {
                libc::write(fds[1], b"growdown".as_ptr().cast(), 8);
                let n = libc::read(fds[0], (slot + page - 8) as *mut libc::c_void, 8);
                libc::close(fds[0]);
                libc::close(fds[1]);
                n
            };
            n == 8
        };
        if grows {
            let low = lowest_mapped(slot, slot + 2 * page);
            // SAFETY: the probe's mapping, grown or not, in our lane slot.
            unsafe { libc::munmap(low as *mut libc::c_void, slot + 2 * page - low) };
        }
        super::lane::give(slot, 2 * page);
        works
    })
}

/// The lowest page address `a` in `[floor, top)` such that `[a, top)` is
/// all mapped: where a grown stack's mapping now starts. `msync` fails
/// with ENOMEM on a range with a hole, so a binary search finds it.
fn lowest_mapped(floor: usize, top: usize) -> usize {
    let page = page_size();
    let mapped = |a: usize| {
        // SAFETY: msync only checks the range and, with MS_ASYNC, starts
        // no write-back for anonymous memory.
        unsafe { libc::msync(a as *mut libc::c_void, top - a, libc::MS_ASYNC) == 0 }
    };
    let (mut lo, mut hi) = (floor / page, top / page - 1);
    if mapped(lo * page) {
        return lo * page;
    }
    // Invariant: lo's page is not mapped through to the top, hi's is.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mapped(mid * page) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi * page
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
        // only its top pages populated. (A pooled growing stack keeps the
        // address space it grew to; `committed` 0 marks it as growing.)
        // madvise skips the unmapped part of a growing stack's slot (and
        // says ENOMEM, which discard ignores): no need to find where its
        // mapping starts on this path.
        let base = self.base.as_ptr() as usize;
        let from = page_size();
        pool::discard(base, from, self.len.saturating_sub(pool::KEEP_BYTES).max(from));
        let committed = if self.grows { 0 } else { self.len };
        if pool::STACKS.give(pool::Mapping { base, len: self.len, committed }).is_err() {
            self.unmap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new stack holds a few pages of address space, grows as deep as
    /// its size when used (the kernel extends it on each fault), and ends
    /// at its guard page.
    #[test]
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn grows_on_demand_to_its_size() {
        assert!(growth_works(), "Linux grows MAP_GROWSDOWN mappings");
        let s = GuestStack::new(8 << 20).unwrap();
        assert!(s.grows);
        assert!(s.mapped() <= INITIAL + page_size(), "{}", s.mapped());
        let (bottom, top) = (s.bottom() as usize, s.top() as usize);
        // Touch downwards, as a deep recursion does.
        for a in (bottom..top).step_by(4096).rev() {
            // SAFETY: inside the stack; the kernel maps it on the fault.
            unsafe { (a as *mut u8).write_volatile(1) };
        }
        assert_eq!(s.mapped(), 8 << 20 | page_size());
        // SAFETY: the lowest usable byte, now mapped.
        assert_eq!(unsafe { (bottom as *const u8).read_volatile() }, 1);
        // The guard page below stays inaccessible.
        assert!(
            !crate::mem::placement::map_exactly(bottom - page_size(), page_size(), libc::PROT_NONE, 0),
            "the guard page is mapped"
        );
        s.unmap();
        std::mem::forget(s);
        assert!(crate::mem::placement::map_exactly(bottom, 4096, libc::PROT_NONE, 0), "the grown stack was unmapped");
        // SAFETY: the probe page just mapped.
        unsafe { libc::munmap(bottom as *mut libc::c_void, 4096) };
    }

    #[test]
    fn whole_stacks_have_their_size() {
        let s = GuestStack::whole(1 << 20).unwrap();
        assert_eq!(s.size(), (1 << 20) - page_size());
        assert_eq!(s.mapped(), 1 << 20);
        // SAFETY: the top byte of a whole mapping.
        unsafe { s.top().sub(1).write_volatile(1) };
    }
}
