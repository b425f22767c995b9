//! Where guest memory is mapped, so that fork's relocation does not take
//! small integers for pointers.
//!
//! fork moves every word of the copied stack, heap and globals whose value
//! lies in one of the parent's ranges (docs/fork.md). A 64-bit stack slot
//! that held a pointer and then got a 32-bit int stored in its low half
//! keeps the pointer's high half: `0x00007fb0_00000004` for fd 4 after a
//! pointer `0x00007fb0_xxxxxxxx`. If a range of the parent contains that
//! value, the int is "relocated" into garbage (dropbear's accepted socket
//! became fd 0x40000004 in the child, in about one server start of 30).
//! Such a word lies within `ZONE` of a multiple of 4 GiB (small positive
//! ints above it, small negative ones below), so guest stacks and arenas
//! are mapped clear of those zones: a range that touches one is mapped
//! again, just past it.

use crate::platform::c as libc;
use std::io;

/// How far from a 4 GiB boundary a small int's look-alike can be: ints of
/// magnitude below 16 Mi (descriptors, lengths, counts, -1).
pub const ZONE: usize = 16 << 20;
const SPAN: usize = 1 << 32;

/// The first multiple of 4 GiB whose zone reaches above `base`.
fn next_boundary(base: usize) -> usize {
    (base.saturating_sub(ZONE) / SPAN + 1) * SPAN
}

/// Whether `[base, base + len)` comes within ZONE of a multiple of 4 GiB.
pub fn near_boundary(base: usize, len: usize) -> bool {
    base < ZONE || next_boundary(base) < base.saturating_add(len).saturating_add(ZONE)
}

/// mmap(2) of `len` bytes of anonymous memory with `prot` and `flags`,
/// placed clear of the zones above. Where the kernel's first choice touches
/// one, twice the length (plus the zone) is reserved instead: one side of
/// the single boundary inside it has room, and the rest is given back.
/// Mappings longer than a zone-free stretch (nearly 4 GiB) go anywhere.
pub fn map(len: usize, prot: libc::c_int, flags: libc::c_int) -> io::Result<*mut libc::c_void> {
    let plain = |len: usize, prot: libc::c_int, flags: libc::c_int| {
        // SAFETY: an anonymous private mapping with no fixed address cannot
        // alias existing memory.
        let p = unsafe { libc::mmap(std::ptr::null_mut(), len, prot, flags, -1, 0) };
        if p == libc::MAP_FAILED {
            Err(io::Error::last_os_error())
        } else {
            Ok(p)
        }
    };
    let p = plain(len, prot, flags)?;
    if !near_boundary(p as usize, len) || len > SPAN - 2 * ZONE {
        return Ok(p);
    }
    // SAFETY: unmapping the mapping just made, which nobody uses yet.
    unsafe { libc::munmap(p, len) };
    let room = 2 * len + 2 * ZONE;
    let q = plain(room, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE)? as usize;
    let after = next_boundary(q) + ZONE;
    let start = if !near_boundary(q, len) { q } else { after };
    debug_assert!(start + len <= q + room && !near_boundary(start, len));
    // SAFETY: `[start, start + len)` lies inside the reservation just made,
    // which nothing else uses; MAP_FIXED replaces that part of it.
    let p = unsafe { libc::mmap(start as *mut libc::c_void, len, prot, flags | libc::MAP_FIXED, -1, 0) };
    let e = io::Error::last_os_error();
    // SAFETY: the parts of our reservation on either side of `start`.
    unsafe {
        if start > q {
            libc::munmap(q as *mut libc::c_void, start - q);
        }
        if q + room > start + len {
            libc::munmap((start + len) as *mut libc::c_void, q + room - start - len);
        }
    }
    if p == libc::MAP_FAILED {
        // SAFETY: the middle part, still ours.
        unsafe { libc::munmap(start as *mut libc::c_void, len) };
        return Err(e);
    }
    Ok(p)
}

/// Reserves (inaccessible, no memory) every free stretch of 64 KiB or more
/// in the zone that `[base, base + len)` touches, so that mappings the
/// runtime does not place itself (the host C library's thread stacks) go
/// elsewhere from now on. The kernel hands out the free space next to its
/// last mapping first, so without this every thread started after one
/// landed in a zone would land there too.
pub fn fence_zone(base: usize, len: usize) {
    if !near_boundary(base, len) || base < ZONE {
        return;
    }
    let boundary = next_boundary(base);
    let mut chunk = 1 << 20;
    let mut todo = vec![(boundary - ZONE, boundary + ZONE)];
    while chunk >= 64 << 10 {
        let mut failed = Vec::new();
        for (from, to) in todo {
            let mut at = from;
            while at < to {
                if !reserve_exactly(at, chunk) {
                    failed.push((at, at + chunk));
                }
                at += chunk;
            }
        }
        todo = failed;
        chunk /= 16;
    }
}

/// Maps `[at, at + len)` inaccessible if none of it is mapped yet.
fn reserve_exactly(at: usize, len: usize) -> bool {
    map_exactly(at, len, libc::PROT_NONE, 0)
}

/// Maps `[at, at + len)` of anonymous memory with `prot` (and `flags`
/// added) if none of it is mapped yet; false if any of it is, or if the
/// kernel took the address as a hint only (older than
/// MAP_FIXED_NOREPLACE, or Darwin, where the flag is 0).
pub fn map_exactly(at: usize, len: usize, prot: libc::c_int, flags: libc::c_int) -> bool {
    let flags = flags | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED_NOREPLACE;
    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping (and
    // without it the address is a hint, checked below).
    let p = unsafe { libc::mmap(at as *mut libc::c_void, len, prot, flags, -1, 0) };
    if p == libc::MAP_FAILED {
        return false;
    }
    if p as usize != at {
        // SAFETY: the mapping just made, which nobody uses.
        unsafe { libc::munmap(p, len) };
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones() {
        let g = 1usize << 32;
        assert!(near_boundary(5 * g - 4096, 8192));
        assert!(near_boundary(5 * g + 4096, 1 << 20));
        assert!(near_boundary(5 * g - (1 << 30), (1 << 30) - (8 << 20)));
        assert!(!near_boundary(5 * g + ZONE, 1 << 30));
        assert!(!near_boundary(5 * g + (1 << 31), 1 << 20));
        assert!(near_boundary(5 * g + (1 << 31), (1 << 31) - (8 << 20)));
    }

    #[test]
    fn a_fenced_zone_has_no_room_left() {
        // A boundary far from anything this process maps.
        let b = 0x6000usize << 32;
        fence_zone(b - 8192, 4096);
        for at in (b - ZONE..b + ZONE).step_by(64 << 10) {
            assert!(!reserve_exactly(at, 64 << 10), "{at:#x} was still free");
        }
        // SAFETY: the reservations fence_zone made, which nothing uses.
        unsafe { libc::munmap((b - ZONE) as *mut libc::c_void, 2 * ZONE) };
    }

    #[test]
    fn maps_clear_of_zones() {
        for _ in 0..20 {
            let len = 1 << 30;
            let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
            let p = map(len, libc::PROT_NONE, flags).unwrap();
            assert!(!near_boundary(p as usize, len), "{p:?}");
            // SAFETY: our own mapping.
            unsafe { libc::munmap(p, len) };
        }
    }
}
