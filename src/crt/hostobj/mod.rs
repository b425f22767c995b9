//! Objects the host C library allocates for a task.
//!
//! Everything else in `crt` lives in the arena, which fork copies. Some
//! objects come from the host C library instead, allocated with the host
//! allocator, which fork does not copy: after fork the parent and the child
//! would hold the same host pointer and both free it. Each such object gets
//! one of two treatments (docs/host-objects.md):
//! - a deep copy into the arena, when the object is plain data the guest
//!   only reads and frees (`getaddrinfo`'s list: [`addrinfo`], and
//!   `getifaddrs`': [`ifaddrs`]); fork then
//!   copies and relocates it like any guest memory;
//! - a reference count across fork, when only the host C library can use
//!   and free it (a compiled `regex_t`: [`refcount`]; an `iconv_t`, whose
//!   fork copy reopens its own: [`iconv`]).

pub mod addrinfo;
pub mod iconv;
pub mod ifaddrs;
pub mod refcount;

pub use refcount::{on_fork, release_task};

use std::mem::size_of;
use std::ptr;

use crate::crt::{free, in_arena};
use crate::kernel::KResult;

/// A host result list (`addrinfo`, `ifaddrs`) whose nodes are deep-copied
/// into the arena, one arena block per node.
pub trait HostList: Sized {
    /// The node's link to the next one.
    fn next(&mut self) -> &mut *mut Self;

    /// This node's copy in one arena block, with a null link.
    ///
    /// # Safety
    /// `self` must be a node of a list the host C library returned.
    unsafe fn copy_node(&self) -> KResult<*mut Self>;
}

/// Copies the host list `host` into the arena. On failure nothing of the
/// copy is left allocated.
///
/// # Safety
/// `host` must be null or a list the host C library returned.
pub unsafe fn copy_list<T: HostList>(host: *const T) -> KResult<*mut T> {
    let mut head: *mut T = ptr::null_mut();
    let mut tail: *mut *mut T = &raw mut head;
    let mut p = host.cast_mut();
    while !p.is_null() {
        // SAFETY: `p` is a node of the host list (per the caller).
        let node = match unsafe { (*p).copy_node() } {
            Ok(n) => n,
            Err(e) => {
                // SAFETY: `head` is the null-terminated copy so far.
                unsafe { free_list(head) };
                return Err(e);
            }
        };
        // SAFETY: `tail` is the last link of the copy (or `head`); `node`
        // is a complete node; `p` is still a host node.
        unsafe {
            *tail = node;
            tail = (*node).next();
            p = *(*p).next();
        }
    }
    Ok(head)
}

/// Frees a list made by [`copy_list`]. The walk stops at a node that is not
/// in the calling image's arena (not one of ours: a host list, garbage),
/// which is left alone.
///
/// # Safety
/// `list` must be null or a list made by [`copy_list`] in the calling image
/// (nodes a guest freed itself must not be reachable from it).
pub unsafe fn free_list<T: HostList>(list: *mut T) {
    let mut p = list;
    while !p.is_null() && in_arena(p.cast(), size_of::<T>()) {
        // SAFETY: an arena node of the list: read its link, then free it.
        unsafe {
            let next = *(*p).next();
            free(p.cast());
            p = next;
        }
    }
}
