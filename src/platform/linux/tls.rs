//! Where a host thread's static TLS block lies.
//!
//! Guest code may keep addresses of the host C library's thread-locals in
//! its frames: `errno` is `*__errno_location()`, a function declared
//! `const`, so a compiler may compute the address once before `fork()` and
//! use it in both returns. The child runs on another thread, so fork
//! relocates every pointer into the parent thread's static TLS block to the
//! same offset in the child thread's block (guest globals live there too).
//!
//! The block's size comes from the dynamic loader (glibc's
//! `_dl_get_tls_static_info`, the entry point sanitizers use for the same
//! question); without it a generous fixed bound is used.

use std::ffi::c_void;
use std::sync::OnceLock;

/// Bound used when the loader cannot tell the static TLS size.
const FALLBACK_SIZE: usize = 64 * 1024;
/// Room for the thread control block next to the TLS block (glibc's
/// `struct pthread` is about 2.3 KiB).
const TCB_SPAN: usize = 4096;

fn static_size() -> usize {
    static SIZE: OnceLock<usize> = OnceLock::new();
    *SIZE.get_or_init(|| {
        type GetInfo = unsafe extern "C" fn(*mut usize, *mut usize);
        // SAFETY: dlsym with a NUL-terminated name; a null result is handled.
        let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"_dl_get_tls_static_info".as_ptr()) };
        if f.is_null() {
            return FALLBACK_SIZE;
        }
        let (mut size, mut align) = (0usize, 0usize);
        // SAFETY: glibc's signature: two out-parameters, both live locals.
        unsafe { std::mem::transmute::<*mut c_void, GetInfo>(f)(&mut size, &mut align) };
        if size == 0 {
            FALLBACK_SIZE
        } else {
            size
        }
    })
}

/// Bytes of a new thread's stack mapping the C library takes for the
/// static TLS block: glibc places the block at the top of the stack, so a
/// thread asked for N bytes of stack has N less this for its frames (Rust
/// asks for the larger of N and glibc's minimum, not their sum). With the
/// guests' globals in the block (over 256 KiB) a task thread had about
/// 20 KiB of stack left. Whole pages, so that the block ends where it
/// does in any thread started with a page-multiple stack size: glibc puts
/// the thread pointer at the end of the size asked for, and the mapping
/// is rounded up past it.
pub fn carved_from_stack() -> usize {
    static_size().next_multiple_of(page_size())
}

/// The span `[start, start + len)` holding the static TLS block and control
/// block of the thread whose thread pointer is `tp`.
pub fn static_block(tp: usize) -> (usize, usize) {
    let size = static_size();
    if cfg!(target_arch = "x86_64") {
        // Variant II: the block sits below the thread pointer, the control
        // block at and above it.
        (tp - size, size + TCB_SPAN)
    } else {
        // Variant I: the control block (and glibc's struct pthread) below
        // the thread pointer, the block above it.
        (tp - TCB_SPAN, TCB_SPAN + size)
    }
}

/// Gives back every page of the calling thread's static TLS that lies
/// wholly inside one of `runs` (byte ranges as offsets from the thread
/// pointer): such a page reads as zeros afterwards and takes no memory
/// until written.
///
/// # Safety
/// Nothing may rely on the values of the variables in `runs` on this
/// thread until they are written again.
pub unsafe fn release(runs: impl Iterator<Item = (isize, isize)>) {
    let tp = crate::arch::thread_pointer();
    for (lo, hi) in runs {
        let (from, to) = page_interior(tp.wrapping_add_signed(lo), tp.wrapping_add_signed(hi));
        if to > from {
            // SAFETY: [from, to) lies in this thread's static TLS block,
            // private anonymous memory; per the caller nobody needs its
            // bytes, and they read as zeros afterwards.
            unsafe { super::discard(from, to - from) };
        }
    }
}

/// The whole pages inside `[from, to)`.
fn page_interior(from: usize, to: usize) -> (usize, usize) {
    let page = page_size();
    (from.next_multiple_of(page), to / page * page)
}

/// The executable's TLS segment: its initialization image in memory (the
/// `.tdata` bytes), their length, the whole segment's length (`.tbss`
/// follows, zero) and its alignment.
#[derive(Clone, Copy, Debug)]
struct Segment {
    image: usize,
    filesz: usize,
    memsz: usize,
    align: usize,
}

fn executable_segment() -> Option<Segment> {
    static SEGMENT: OnceLock<Option<Segment>> = OnceLock::new();
    *SEGMENT.get_or_init(|| {
        unsafe extern "C" fn first(info: *mut libc::dl_phdr_info, _: libc::size_t, out: *mut c_void) -> libc::c_int {
            // SAFETY: the loader passes a valid info for the executable
            // first; `out` is the Option below.
            let (info, out) = unsafe { (&*info, &mut *out.cast::<Option<Segment>>()) };
            for i in 0..usize::from(info.dlpi_phnum) {
                // SAFETY: dlpi_phdr has dlpi_phnum entries.
                let ph = unsafe { &*info.dlpi_phdr.add(i) };
                if ph.p_type == libc::PT_TLS {
                    *out = Some(Segment {
                        image: info.dlpi_addr as usize + ph.p_vaddr as usize,
                        filesz: ph.p_filesz as usize,
                        memsz: ph.p_memsz as usize,
                        align: (ph.p_align as usize).max(1),
                    });
                }
            }
            1 // the executable only
        }
        let mut found: Option<Segment> = None;
        // SAFETY: the callback only reads the loader's data and writes `found`.
        unsafe { libc::dl_iterate_phdr(Some(first), (&raw mut found).cast()) };
        found
    })
}

/// Gives the variables in `runs` (offsets from the thread pointer, all in
/// the executable's TLS segment) of the calling thread their initial
/// values, as the C library gives a new thread: the initialized part
/// copied from the executable's image, the rest zeroed (whole pages given
/// back, which read as zeros). Returns false, changing nothing, when the
/// segment is unknown.
///
/// # Safety
/// Nothing may be using the variables in `runs`.
pub unsafe fn reinitialize(runs: impl Iterator<Item = (isize, isize)>) -> bool {
    let Some(seg) = executable_segment() else { return false };
    // Where the segment starts relative to the thread pointer: right below
    // it on x86-64 (variant II), after the 16-byte control block on
    // aarch64 (variant I).
    let start = if cfg!(target_arch = "x86_64") {
        -(seg.memsz.next_multiple_of(seg.align) as isize)
    } else {
        16usize.next_multiple_of(seg.align) as isize
    };
    let tp = crate::arch::thread_pointer();
    for (lo, hi) in runs {
        let (so, eo) = ((lo - start) as usize, (hi - start) as usize);
        if lo < start || eo > seg.memsz {
            continue;
        }
        let init_end = eo.min(seg.filesz);
        if so < init_end {
            // SAFETY: both ranges lie in live memory (the loader's image,
            // this thread's block) and do not overlap; per the caller
            // nothing uses the destination.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    (seg.image + so) as *const u8,
                    tp.wrapping_add_signed(lo) as *mut u8,
                    init_end - so,
                )
            };
        }
        let zero_from = tp.wrapping_add_signed(start) + so.max(seg.filesz);
        let zero_to = tp.wrapping_add_signed(hi);
        if zero_from < zero_to {
            let (from, to) = page_interior(zero_from, zero_to);
            // SAFETY: this thread's block, unused per the caller: the edges
            // are written, the whole pages between given back.
            unsafe {
                if to > from {
                    zero(zero_from, from);
                    super::discard(from, to - from);
                    zero(to, zero_to);
                } else {
                    zero(zero_from, zero_to);
                }
            }
        }
    }
    true
}

/// Zeroes `[from, to)` unless it reads as zeros already: an edge page
/// that was given back (a new thread's, or one released with another
/// program's globals) stays unpopulated, since reading it maps no memory.
///
/// # Safety
/// The range must be writable memory nothing else uses.
unsafe fn zero(from: usize, to: usize) {
    // SAFETY: per the caller, the range is readable and writable.
    let bytes = unsafe { std::slice::from_raw_parts_mut(from as *mut u8, to - from) };
    if bytes.iter().any(|&b| b != 0) {
        bytes.fill(0);
    }
}

fn page_size() -> usize {
    static PAGE: OnceLock<usize> = OnceLock::new();
    // SAFETY: sysconf has no preconditions.
    *PAGE.get_or_init(|| match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        n if n > 0 => n as usize,
        _ => 4096,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_and_thread_locals_are_inside() {
        thread_local! { static X: std::cell::Cell<u64> = const { std::cell::Cell::new(0) }; }
        let tp = crate::arch::thread_pointer();
        let (start, len) = static_block(tp);
        let inside = |a: usize| a >= start && a < start + len;
        // SAFETY: __errno_location has no preconditions.
        assert!(inside(unsafe { libc::__errno_location() } as usize));
        assert!(inside(X.with(|x| x.as_ptr() as usize)));
    }
}
