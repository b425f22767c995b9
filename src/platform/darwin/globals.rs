//! Guest globals per image on Darwin: one block per image, reached through
//! one TSD slot (docs/platforms.md, "Darwin").
//!
//! On Linux the guest build turns every guest global into an
//! initial-exec thread-local, found at a fixed offset from the thread
//! pointer in glibc's static TLS block. Darwin has no such block: its
//! thread-locals are TLV descriptors, resolved by a call that allocates
//! each thread's copy on first use. So on Darwin a program's globals are
//! laid out by the guest build in one block (a [`Template`]: initial bytes,
//! size, alignment), every access becomes `base + offset`, and `base` is
//! read from the calling thread's TSD array at the slot [`slot`] reserves:
//!
//! ```c
//! static inline char *tvm_globals(void) {
//!     uintptr_t tsd;
//!     __asm__("mrs %0, tpidrro_el0" : "=r"(tsd));
//!     return ((char **)(tsd & ~7ul))[tvm_globals_slot];
//! }
//! ```
//!
//! A Darwin `pthread_key_t` is the index of its slot in that array
//! (`pthread_getspecific` reads `tsd[key]`); that is libpthread's
//! implementation, not its API, so [`slot`] checks it once with a value
//! read both ways and refuses the slot (no guests) if they differ.
//!
//! The runtime makes the block when an image starts ([`Block::from_template`]),
//! installs it on the thread that runs the image ([`Block::install`]), and
//! fork copies and relocates it as one range ([`Block::range`]), as it does
//! the arena. Threads of one task would share it.

use std::ffi::c_void;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The TSD slot guest code reads its globals' base from (set once, before
/// any guest runs; `usize::MAX` until then). Guests declare it
/// `extern const unsigned long tvm_globals_slot`.
#[no_mangle]
#[allow(non_upper_case_globals)] // a C name, as guests spell it
pub static tvm_globals_slot: AtomicUsize = AtomicUsize::new(usize::MAX);

/// A program's globals as the guest build lays them out: `init_len` bytes
/// of initial values at `image`, zeros up to `size`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Template {
    pub image: *const u8,
    pub init_len: usize,
    pub size: usize,
    pub align: usize,
}

/// Reserves the globals' TSD slot (once) and checks that guest code can
/// read it directly; `None` when it cannot (no slot, or libpthread stores
/// keys differently from what guests assume).
pub fn slot() -> Option<usize> {
    static SLOT: OnceLock<Option<usize>> = OnceLock::new();
    *SLOT.get_or_init(|| {
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is a live local; no destructor (blocks are owned
        // by their images, not by threads).
        if unsafe { libc::pthread_key_create(&mut key, None) } != 0 {
            return None;
        }
        let probe = 0x5a5a_0000usize as *mut c_void;
        // SAFETY: a key just made; the value is never dereferenced.
        unsafe { libc::pthread_setspecific(key, probe) };
        let direct = read_slot(key as usize);
        // SAFETY: as above.
        unsafe { libc::pthread_setspecific(key, std::ptr::null()) };
        if direct != probe as usize {
            return None;
        }
        tvm_globals_slot.store(key as usize, Ordering::Release);
        Some(key as usize)
    })
}

/// The word in the calling thread's TSD array at `slot`, read as guest
/// code reads it.
fn read_slot(slot: usize) -> usize {
    let tsd = super::thread_pointer() as *const usize;
    // SAFETY: the TSD array has more than `slot` entries (a key's index is
    // below its end); the thread's own array is always mapped.
    unsafe { tsd.add(slot).read_volatile() }
}

/// The calling thread's globals base (0 when no image is installed).
pub fn current_base() -> usize {
    slot().map_or(0, read_slot)
}

/// One image's globals: page-aligned anonymous memory, so fork's
/// relocation sees one exact range and exit frees it whole.
#[derive(Debug)]
pub struct Block {
    base: *mut u8,
    size: usize,
    mapped: usize,
}

// SAFETY: the block is plain memory; the image that owns it decides which
// thread uses it.
unsafe impl Send for Block {}
// SAFETY: as above; `&Block` only reads the base and size.
unsafe impl Sync for Block {}

impl Block {
    /// A zero-filled block of `size` bytes.
    pub fn zeroed(size: usize) -> io::Result<Block> {
        // SAFETY: sysconf has no preconditions.
        let page = (unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).max(4096) as usize;
        let mapped = size.max(1).next_multiple_of(page);
        let flags = libc::MAP_PRIVATE | libc::MAP_ANON;
        // SAFETY: a new mapping at an address the kernel picks.
        let p = unsafe { libc::mmap(std::ptr::null_mut(), mapped, libc::PROT_READ | libc::PROT_WRITE, flags, -1, 0) };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Block { base: p.cast(), size, mapped })
    }

    /// A new image's block: the template's initial values, then zeros.
    ///
    /// # Safety
    /// `t.image` must hold `t.init_len` readable bytes, `t.init_len <=
    /// t.size`.
    pub unsafe fn from_template(t: &Template) -> io::Result<Block> {
        if t.align > 4096 || t.init_len > t.size {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let b = Block::zeroed(t.size)?;
        // SAFETY: per the caller the source is readable; the destination is
        // the new block, at least `t.size` bytes.
        unsafe { std::ptr::copy_nonoverlapping(t.image, b.base, t.init_len) };
        Ok(b)
    }

    /// `(start, len)`: the range fork copies (into a [`Block::zeroed`] of
    /// the same size) and relocates.
    pub fn range(&self) -> (usize, usize) {
        (self.base as usize, self.size)
    }

    /// Makes this block the calling thread's globals (guest code on this
    /// thread now reads and writes it). Fails with ENOSYS when the slot
    /// cannot be used (see [`slot`]).
    pub fn install(&self) -> io::Result<()> {
        let key = slot().ok_or_else(|| io::Error::from_raw_os_error(libc::ENOSYS))?;
        // SAFETY: the key is live for the process; the value is this block,
        // which the image keeps alive while its thread runs it.
        match unsafe { libc::pthread_setspecific(key as libc::pthread_key_t, self.base.cast()) } {
            0 => Ok(()),
            e => Err(io::Error::from_raw_os_error(e)),
        }
    }

    /// Clears the calling thread's globals base (its image is leaving).
    pub fn uninstall() {
        if let Some(key) = slot() {
            // SAFETY: the key is live for the process.
            unsafe { libc::pthread_setspecific(key as libc::pthread_key_t, std::ptr::null()) };
        }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: the block's own mapping, unmapped once.
        unsafe { libc::munmap(self.base.cast(), self.mapped) };
    }
}
