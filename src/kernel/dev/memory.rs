//! The memory devices: /dev/null, /dev/zero, /dev/full, /dev/random and
//! /dev/urandom, with Linux's device numbers and behaviour ("data written
//! to /dev/null and /dev/zero is discarded; reads from /dev/null return
//! end of file, from /dev/zero and /dev/full zeros; writes to /dev/full
//! fail with ENOSPC" — null(4), full(4); random(4) reads never block once
//! the host's pool is ready).

use crate::platform::c as libc;
use std::ffi::c_int;
use std::sync::Arc;

use super::{node_stat, Device, DeviceFile};
use crate::kernel::task::Task;
use crate::kernel::waitq::WaitQueue;
use crate::kernel::{Errno, KResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    Null,
    Zero,
    Full,
    Random,
    Urandom,
}

impl Memory {
    fn name(self) -> &'static str {
        match self {
            Memory::Null => "null",
            Memory::Zero => "zero",
            Memory::Full => "full",
            Memory::Random => "random",
            Memory::Urandom => "urandom",
        }
    }

    fn minor(self) -> u32 {
        match self {
            Memory::Null => 3,
            Memory::Zero => 5,
            Memory::Full => 7,
            Memory::Random => 8,
            Memory::Urandom => 9,
        }
    }
}

/// These never wait: one queue, never woken, serves them all.
static NEVER: WaitQueue = WaitQueue::new();

impl Device for Memory {
    fn open(&self, _task: &Task, _flags: c_int) -> KResult<Box<dyn DeviceFile>> {
        Ok(Box::new(*self))
    }

    fn stat(&self) -> libc::stat {
        node_stat(libc::S_IFCHR, 0o666, 1, self.minor(), 0, 0)
    }
}

impl DeviceFile for Memory {
    fn read(&self, _task: &Task, buf: &mut [u8], _nonblock: bool) -> KResult<usize> {
        match self {
            Memory::Null => Ok(0),
            Memory::Zero | Memory::Full => {
                buf.fill(0);
                Ok(buf.len())
            }
            Memory::Random | Memory::Urandom => {
                // SAFETY: `buf` is a live writable slice of its length.
                let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
                crate::kernel::host(n).map(|n| n as usize)
            }
        }
    }

    fn write(&self, _task: &Task, buf: &[u8], _nonblock: bool) -> KResult<usize> {
        match self {
            Memory::Full => Err(Errno::ENOSPC),
            _ => Ok(buf.len()),
        }
    }

    fn poll(&self, events: i16) -> i16 {
        events & (libc::POLLIN | libc::POLLOUT | libc::POLLRDNORM | libc::POLLWRNORM)
    }

    fn queue(&self) -> &WaitQueue {
        &NEVER
    }

    fn stat(&self) -> libc::stat {
        Device::stat(self)
    }

    fn seek(&self, _off: libc::off_t, _whence: c_int) -> KResult<libc::off_t> {
        Ok(0)
    }

    fn path(&self) -> String {
        format!("/dev/{}", self.name())
    }
}

/// Registers the memory devices.
pub fn register_all() {
    for m in [Memory::Null, Memory::Zero, Memory::Full, Memory::Random, Memory::Urandom] {
        let _ = super::register(&format!("/dev/{}", m.name()), Arc::new(m));
    }
}
