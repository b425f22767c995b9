//! `getifaddrs`' list, deep-copied into the arena like `getaddrinfo`'s
//! (see [`super::addrinfo`]).
//!
//! Each node is one arena block: the `ifaddrs`, its three addresses
//! (address, netmask, broadcast or destination; each sized by its family),
//! its statistics (`ifa_data`, a `struct rtnl_link_stats` on AF_PACKET
//! entries), then its name.

use crate::platform::c as libc;
use std::ffi::CStr;
use std::mem::size_of;
use std::ptr;

use crate::crt::alloc;
use crate::kernel::KResult;

/// glibc's `ifa_data` on AF_PACKET entries: `struct rtnl_link_stats`,
/// 24 32-bit counters.
const LINK_STATS: usize = 24 * 4;

/// How many bytes of a host sockaddr to copy: its family's structure.
///
/// # Safety
/// `sa` must be null or point to a sockaddr.
unsafe fn sockaddr_len(sa: *const libc::sockaddr) -> usize {
    if sa.is_null() {
        return 0;
    }
    // SAFETY: per the caller.
    match libc::c_int::from(unsafe { (*sa).sa_family }) {
        libc::AF_INET => size_of::<libc::sockaddr_in>(),
        libc::AF_INET6 => size_of::<libc::sockaddr_in6>(),
        libc::AF_PACKET => size_of::<libc::sockaddr_ll>(),
        _ => size_of::<libc::sockaddr>(),
    }
}

/// Rounds up to pointer alignment.
fn aligned(n: usize) -> usize {
    n.next_multiple_of(size_of::<usize>())
}

impl super::HostList for libc::ifaddrs {
    fn next(&mut self) -> &mut *mut Self {
        &mut self.ifa_next
    }

    unsafe fn copy_node(&self) -> KResult<*mut Self> {
        // SAFETY: a node of a host getifaddrs list (the trait's contract).
        unsafe { copy_node(self) }
    }
}

/// # Safety
/// `n`'s pointers must be null or valid as the host `getifaddrs` made them.
unsafe fn copy_node(n: &libc::ifaddrs) -> KResult<*mut libc::ifaddrs> {
    let addrs = [n.ifa_addr, n.ifa_netmask, crate::platform::ifa_dstaddr(n)];
    // SAFETY: per the caller.
    let lens = addrs.map(|a| unsafe { sockaddr_len(a) });
    // SAFETY: as above.
    let is_packet = !n.ifa_addr.is_null() && libc::c_int::from(unsafe { (*n.ifa_addr).sa_family }) == libc::AF_PACKET;
    let data_len = if is_packet && !n.ifa_data.is_null() { LINK_STATS } else { 0 };
    let name = if n.ifa_name.is_null() {
        None
    } else {
        // SAFETY: NUL-terminated per the caller.
        Some(unsafe { CStr::from_ptr(n.ifa_name) }.to_bytes_with_nul())
    };
    let mut size = aligned(size_of::<libc::ifaddrs>());
    let offsets = lens.map(|l| {
        let at = size;
        size += aligned(l);
        at
    });
    let data_at = size;
    size += aligned(data_len);
    let name_at = size;
    size += name.map_or(0, <[u8]>::len);
    let block = alloc(size)?;
    // SAFETY: `block` has room for every part at its offset, each
    // pointer-aligned; sources are valid for the lengths computed above.
    unsafe {
        let mut copied = [ptr::null_mut::<libc::sockaddr>(); 3];
        for i in 0..3 {
            if lens[i] > 0 {
                ptr::copy_nonoverlapping(addrs[i].cast::<u8>(), block.add(offsets[i]), lens[i]);
                copied[i] = block.add(offsets[i]).cast();
            }
        }
        if data_len > 0 {
            ptr::copy_nonoverlapping(n.ifa_data.cast::<u8>(), block.add(data_at), data_len);
        }
        if let Some(s) = name {
            ptr::copy_nonoverlapping(s.as_ptr(), block.add(name_at), s.len());
        }
        let node = block.cast::<libc::ifaddrs>();
        let mut copy: libc::ifaddrs = std::mem::zeroed();
        copy.ifa_name = if name.is_some() { block.add(name_at).cast() } else { ptr::null_mut() };
        copy.ifa_flags = n.ifa_flags;
        copy.ifa_addr = copied[0];
        copy.ifa_netmask = copied[1];
        crate::platform::set_ifa_dstaddr(&mut copy, copied[2]);
        copy.ifa_data = if data_len > 0 { block.add(data_at).cast() } else { ptr::null_mut() };
        node.write(copy);
        Ok(node)
    }
}
