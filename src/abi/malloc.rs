//! The allocation calls of <stdlib.h> and <malloc.h>: every guest
//! allocation comes from the calling image's arena (see `mem::arena`).
//!
//! A pointer that is not in the arena was allocated by the host C library
//! on the guest's behalf (a libc function that is not routed through the
//! runtime); `free` and `realloc` hand such pointers back to the host
//! allocator, so mixing the two can never corrupt either heap.

use crate::platform::c as libc;
use std::ffi::{c_int, c_void};

use super::guard;
use crate::kernel::task::thread::with_image;
use crate::kernel::Errno;
use crate::mem::arena::ALIGN;

fn alloc(size: usize, align: usize) -> *mut c_void {
    let p = with_image(|img| img.arena.alloc(size, align));
    if p.is_null() {
        Errno::ENOMEM.set();
    }
    p
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        n if n > 0 => n as usize,
        _ => 4096,
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/malloc.html>
#[no_mangle]
pub extern "C" fn tvm_malloc(size: usize) -> *mut c_void {
    guard("malloc", || alloc(size, ALIGN))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/calloc.html>
#[no_mangle]
pub extern "C" fn tvm_calloc(n: usize, size: usize) -> *mut c_void {
    guard("calloc", || {
        let Some(total) = n.checked_mul(size) else {
            Errno::ENOMEM.set();
            return std::ptr::null_mut();
        };
        let p = alloc(total, ALIGN);
        if !p.is_null() {
            // SAFETY: `p` has `total` bytes.
            unsafe { std::ptr::write_bytes(p.cast::<u8>(), 0, total) };
        }
        p
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/free.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    guard("free", || {
        let mine = with_image(|img| {
            if img.arena.contains(p) {
                // SAFETY: `p` is in the arena, so it is one of its allocations
                // (freeing anything else is undefined in C anyway).
                unsafe { img.arena.free(p) };
                true
            } else {
                false
            }
        });
        if !mine {
            // SAFETY: memory the host allocator handed to the guest.
            unsafe { libc::free(p) };
        }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/realloc.html>
/// As in glibc, `realloc(p, 0)` frees `p` and returns null.
#[no_mangle]
pub unsafe extern "C" fn tvm_realloc(p: *mut c_void, size: usize) -> *mut c_void {
    if p.is_null() {
        return tvm_malloc(size);
    }
    if size == 0 {
        // SAFETY: forwards the caller's pointer.
        unsafe { tvm_free(p) };
        return std::ptr::null_mut();
    }
    guard("realloc", || {
        let in_arena = with_image(|img| img.arena.contains(p));
        let q = if in_arena {
            // SAFETY: `p` is a live allocation of this arena.
            with_image(|img| unsafe { img.arena.realloc(p, size) })
        } else {
            // A host allocation moves into the arena.
            let q = alloc(size, ALIGN);
            if !q.is_null() {
                // SAFETY: `p` is a live host allocation of usable_size bytes.
                unsafe {
                    let n = libc::malloc_usable_size(p).min(size);
                    std::ptr::copy_nonoverlapping(p.cast::<u8>(), q.cast::<u8>(), n);
                    libc::free(p);
                }
            }
            q
        };
        if q.is_null() {
            Errno::ENOMEM.set();
        }
        q
    })
}

/// reallocarray(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_reallocarray(p: *mut c_void, n: usize, size: usize) -> *mut c_void {
    match n.checked_mul(size) {
        // SAFETY: forwards the caller's pointer.
        Some(total) => unsafe { tvm_realloc(p, total) },
        None => {
            Errno::ENOMEM.set();
            std::ptr::null_mut()
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_memalign.html>
/// Returns an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> c_int {
    guard("posix_memalign", || {
        if !align.is_power_of_two() || align % std::mem::size_of::<*mut c_void>() != 0 {
            return libc::EINVAL;
        }
        let p = with_image(|img| img.arena.alloc(size, align));
        if p.is_null() {
            return libc::ENOMEM;
        }
        // SAFETY: the caller passes a writable pointer slot.
        unsafe { out.write(p) };
        0
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/aligned_alloc.html>
#[no_mangle]
pub extern "C" fn tvm_aligned_alloc(align: usize, size: usize) -> *mut c_void {
    guard("aligned_alloc", || {
        if !align.is_power_of_two() {
            Errno::EINVAL.set();
            return std::ptr::null_mut();
        }
        alloc(size, align)
    })
}

/// memalign(3): like glibc, an alignment that is not a power of two is
/// rounded up to one.
#[no_mangle]
pub extern "C" fn tvm_memalign(align: usize, size: usize) -> *mut c_void {
    guard("memalign", || alloc(size, align.max(1).next_power_of_two()))
}

/// valloc(3): page-aligned.
#[no_mangle]
pub extern "C" fn tvm_valloc(size: usize) -> *mut c_void {
    guard("valloc", || alloc(size, page_size()))
}

/// pvalloc(3): page-aligned, size rounded up to whole pages.
#[no_mangle]
pub extern "C" fn tvm_pvalloc(size: usize) -> *mut c_void {
    guard("pvalloc", || {
        let page = page_size();
        match size.max(1).checked_next_multiple_of(page) {
            Some(s) => alloc(s, page),
            None => {
                Errno::ENOMEM.set();
                std::ptr::null_mut()
            }
        }
    })
}

/// malloc_usable_size(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_malloc_usable_size(p: *mut c_void) -> usize {
    if p.is_null() {
        return 0;
    }
    guard("malloc_usable_size", || {
        let mine = with_image(|img| {
            // SAFETY: a pointer in the arena is one of its allocations.
            img.arena.contains(p).then(|| unsafe { img.arena.usable_size(p) })
        });
        // SAFETY: otherwise a host allocation.
        mine.unwrap_or_else(|| unsafe { libc::malloc_usable_size(p) })
    })
}
