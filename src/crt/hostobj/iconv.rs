//! `iconv_t`: a conversion descriptor per task.
//!
//! The host descriptor carries the conversion's shift state, which two
//! tasks must not share (their conversions would interleave, from two
//! threads at once). So the guest gets an arena handle naming the
//! encodings and holding the host descriptor of the image that opened it;
//! the descriptor is registered in [`super::refcount`], whose fork
//! bookkeeping and end-of-image release free it exactly once. A fork
//! child's copy of the handle still names its parent's descriptor: its
//! first use opens a fresh one from the names (the child starts in the
//! initial shift state) and drops its reference to the parent's.

use crate::platform::c as libc;
use std::ffi::CStr;
use std::mem::size_of;

use super::refcount;
use crate::crt::{alloc, free, in_arena};
use crate::kernel::task::Pid;
use crate::kernel::{Errno, KResult};

const NAME_MAX: usize = 64;
/// Marks a live handle ("tvmiconv").
const MAGIC: u64 = 0x7476_6d69_636f_6e76;

#[repr(C)]
pub struct Handle {
    magic: u64,
    /// The image that opened `host` (a fork child's copy has its parent's).
    owner: Pid,
    host: usize,
    to: [u8; NAME_MAX],
    from: [u8; NAME_MAX],
}

fn name(s: &CStr) -> KResult<[u8; NAME_MAX]> {
    let b = s.to_bytes_with_nul();
    if b.len() > NAME_MAX {
        return Err(Errno::EINVAL);
    }
    let mut out = [0; NAME_MAX];
    out[..b.len()].copy_from_slice(b);
    Ok(out)
}

fn host_open(to: &[u8; NAME_MAX], from: &[u8; NAME_MAX]) -> KResult<usize> {
    // SAFETY: both names are NUL-terminated arrays.
    let cd = unsafe { libc::iconv_open(to.as_ptr().cast(), from.as_ptr().cast()) };
    if cd as isize == -1 {
        return Err(Errno::last());
    }
    Ok(cd as usize)
}

/// iconv_open(3) for the task `pid`.
pub fn open(pid: Pid, to: &CStr, from: &CStr) -> KResult<*mut Handle> {
    let (to, from) = (name(to)?, name(from)?);
    let host = host_open(&to, &from)?;
    let block = match alloc(size_of::<Handle>()) {
        Ok(b) => b.cast::<Handle>(),
        Err(e) => {
            // SAFETY: the descriptor just opened, not yet registered.
            unsafe { libc::iconv_close(host as libc::iconv_t) };
            return Err(e);
        }
    };
    refcount::add_iconv(pid, host);
    // SAFETY: a fresh arena block sized and aligned for a Handle.
    unsafe { block.write(Handle { magic: MAGIC, owner: pid, host, to, from }) };
    Ok(block)
}

/// The live handle `cd` of the calling image, else EBADF.
///
/// # Safety
/// The caller passes what the guest gave as an `iconv_t`.
unsafe fn handle<'a>(cd: *mut Handle) -> KResult<&'a mut Handle> {
    if cd.is_null() || !in_arena(cd.cast(), size_of::<Handle>()) || (cd as usize) % 8 != 0 {
        return Err(Errno::EBADF);
    }
    // SAFETY: an aligned arena range of a Handle's size.
    let h = unsafe { &mut *cd };
    if h.magic != MAGIC {
        return Err(Errno::EBADF);
    }
    Ok(h)
}

/// The host descriptor of `cd` for the task `pid`, opening its own when
/// the handle came through fork.
///
/// # Safety
/// As [`handle`].
pub unsafe fn host_descriptor(pid: Pid, cd: *mut Handle) -> KResult<libc::iconv_t> {
    // SAFETY: per the caller.
    let h = unsafe { handle(cd) }?;
    if h.owner != pid {
        let fresh = host_open(&h.to, &h.from)?;
        refcount::add_iconv(pid, fresh);
        refcount::release_iconv(pid, h.host);
        h.host = fresh;
        h.owner = pid;
    }
    Ok(h.host as libc::iconv_t)
}

/// iconv_close(3).
///
/// # Safety
/// As [`handle`].
pub unsafe fn close(pid: Pid, cd: *mut Handle) -> KResult<()> {
    // SAFETY: per the caller.
    let h = unsafe { handle(cd) }?;
    refcount::release_iconv(pid, h.host);
    h.magic = 0;
    // SAFETY: the handle's own arena block.
    unsafe { free(cd.cast()) };
    Ok(())
}
