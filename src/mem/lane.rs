//! Address ranges for guest stacks that grow on demand (Linux).
//!
//! A task's stack may grow to its RLIMIT_STACK (8 MiB by default), but
//! most use a few pages. Mapping the whole size for every task would cost
//! 8 MiB of address space each: 1,000 tasks would not fit in a 4 GiB
//! RLIMIT_AS, nor in an iOS app's address space. So on Linux a stack maps
//! only its top pages, as a `MAP_GROWSDOWN` mapping the kernel extends on
//! every fault below it (a signal frame or a system call writing there
//! included), with an inaccessible page at the lowest address it may grow
//! to. The room in between must stay free: the kernel gives out new
//! mappings top-down from just below the libraries, and would soon put one
//! right under a stack placed among them. Stacks are therefore placed in a
//! lane far below that, at half the address of the kernel's first choice,
//! which the kernel's own placement reaches only once everything above it
//! is used.
//!
//! The lane hands out slots clear of the zones around multiples of 4 GiB
//! (`placement.rs`), and takes them back when a stack is unmapped.

use parking_lot::Mutex;

use super::placement;

const SPAN: usize = 1 << 32;

struct Lane {
    /// The next address never handed out; 0 before first use.
    next: usize,
    /// Slots given back, by (base, length).
    free: Vec<(usize, usize)>,
}

static LANE: Mutex<Lane> = Mutex::new(Lane { next: 0, free: Vec::new() });

/// Where the lane starts: half the address the kernel picks for a new
/// mapping, on a 4 GiB boundary past its zone.
fn start() -> usize {
    // SAFETY: an anonymous mapping with no fixed address aliases nothing.
    let p = unsafe {
        libc::mmap(std::ptr::null_mut(), 4096, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
    };
    if p == libc::MAP_FAILED {
        return 0;
    }
    // SAFETY: the mapping just made, unused.
    unsafe { libc::munmap(p, 4096) };
    (p as usize / 2) / SPAN * SPAN + placement::ZONE
}

/// A slot of `len` bytes: a range nothing in this process placed and the
/// kernel is not expected to hand out. None when the lane cannot be set
/// up (the caller maps the stack whole instead).
pub fn take(len: usize) -> Option<usize> {
    let mut lane = LANE.lock();
    if let Some(i) = lane.free.iter().position(|s| s.1 == len) {
        return Some(lane.free.swap_remove(i).0);
    }
    if lane.next == 0 {
        lane.next = start();
        if lane.next == 0 {
            return None;
        }
    }
    let mut base = lane.next;
    if placement::near_boundary(base, len) && len <= SPAN - 2 * placement::ZONE {
        base = (base / SPAN + 1) * SPAN + placement::ZONE;
    }
    lane.next = base.checked_add(len)?;
    Some(base)
}

/// Gives a slot back for the next stack of its size.
pub fn give(base: usize, len: usize) {
    LANE.lock().free.push((base, len));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_distinct_and_clear_of_zones() {
        let a = take(9 << 20).unwrap();
        let b = take(9 << 20).unwrap();
        assert!(a + (9 << 20) <= b || b + (9 << 20) <= a);
        for s in [a, b] {
            assert!(!placement::near_boundary(s, 9 << 20));
        }
        give(a, 9 << 20);
        assert_eq!(take(9 << 20), Some(a), "a slot given back is used again");
        give(a, 9 << 20);
        give(b, 9 << 20);
    }
}
