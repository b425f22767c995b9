//! `getaddrinfo`'s result list, deep-copied into the arena.
//!
//! The host `getaddrinfo` builds its list with the host allocator. The
//! runtime copies it into the calling image's arena at once and frees the
//! host list, so the guest holds only arena memory: fork copies the list and
//! relocates its pointers (`ai_next`, `ai_addr`, `ai_canonname`), exec drops
//! it with the arena, and each task frees its own copy.
//!
//! Each node is one arena block: the `addrinfo`, then its address
//! (`ai_addrlen` bytes), then its canonical name. [`super::free_list`] frees
//! the blocks; a guest may also `free` a node itself, as with any arena block.

use std::ffi::CStr;
use std::mem::size_of;
use std::ptr;

use crate::crt::alloc;
use crate::kernel::KResult;

impl super::HostList for libc::addrinfo {
    fn next(&mut self) -> &mut *mut Self {
        &mut self.ai_next
    }

    unsafe fn copy_node(&self) -> KResult<*mut Self> {
        // SAFETY: a node of a host getaddrinfo list (the trait's contract).
        unsafe { copy_node(self) }
    }
}

/// One node's copy, with a null `ai_next`.
///
/// # Safety
/// `n.ai_addr` must be null or valid for `n.ai_addrlen` bytes;
/// `n.ai_canonname` null or NUL-terminated.
unsafe fn copy_node(n: &libc::addrinfo) -> KResult<*mut libc::addrinfo> {
    let addrlen = if n.ai_addr.is_null() { 0 } else { n.ai_addrlen as usize };
    let canon = if n.ai_canonname.is_null() {
        None
    } else {
        // SAFETY: NUL-terminated per the caller.
        Some(unsafe { CStr::from_ptr(n.ai_canonname) }.to_bytes_with_nul())
    };
    let head = size_of::<libc::addrinfo>();
    let block = alloc(head + addrlen + canon.map_or(0, <[u8]>::len))?;
    // SAFETY: `block` has room for the node, its address and its name, and
    // is aligned for an addrinfo (arena alignment); the address follows the
    // node at a pointer-aligned offset.
    unsafe {
        let node = block.cast::<libc::addrinfo>();
        let addr = block.add(head);
        let name = addr.add(addrlen);
        if addrlen > 0 {
            ptr::copy_nonoverlapping(n.ai_addr.cast::<u8>(), addr, addrlen);
        }
        if let Some(c) = canon {
            ptr::copy_nonoverlapping(c.as_ptr(), name, c.len());
        }
        node.write(libc::addrinfo {
            ai_flags: n.ai_flags,
            ai_family: n.ai_family,
            ai_socktype: n.ai_socktype,
            ai_protocol: n.ai_protocol,
            ai_addrlen: n.ai_addrlen,
            ai_addr: if addrlen > 0 { addr.cast() } else { ptr::null_mut() },
            ai_canonname: if canon.is_some() { name.cast() } else { ptr::null_mut() },
            ai_next: ptr::null_mut(),
        });
        Ok(node)
    }
}
