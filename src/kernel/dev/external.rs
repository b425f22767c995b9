//! Devices whose driver is the embedding app's C code (`tvm_register_device`
//! in include/tvm.h), the C system's "userspace device drivers".
//!
//! A driver never blocks inside a callback: a read or write with nothing to
//! do now answers -EAGAIN, and the runtime does the waiting (or returns
//! EAGAIN for a non-blocking description). The driver calls
//! `tvm_device_notify` when it may have become ready; every waiter then
//! asks again. A generation count bumped by each notify means a notify
//! between a callback's -EAGAIN and the wait is not lost. Keeping the
//! blocking on our side is what lets signals interrupt it (EINTR), poll
//! wait on the device next to pipes and sockets, and a driver be written
//! without knowing about tasks.

use std::ffi::{c_int, c_ulong, c_void};
use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use super::{node_stat, Device, DeviceFile};
use crate::abi::tvm::tvm_device_ops_t;
use crate::kernel::block::Deadline;
use crate::kernel::task::Task;
use crate::kernel::waitq::WaitQueue;
use crate::kernel::{Errno, KResult};

/// A C driver's callbacks and context (declared for C in abi/tvm.rs).
pub struct Ops(pub tvm_device_ops_t);

// SAFETY: the header makes thread safety the driver's promise: its
// callbacks may run on any task's thread, at once, with `ctx` shared.
unsafe impl Send for Ops {}
// SAFETY: as for Send.
unsafe impl Sync for Ops {}

impl std::ops::Deref for Ops {
    type Target = tvm_device_ops_t;
    fn deref(&self) -> &tvm_device_ops_t {
        &self.0
    }
}

/// A registered C driver.
struct Driver {
    path: String,
    ops: Ops,
    minor: u32,
    queue: WaitQueue,
    /// Bumped by every `notify`.
    generation: AtomicU64,
}

/// Linux's "misc" character-device major, where small drivers live.
const MISC_MAJOR: u32 = 10;

impl Driver {
    /// The driver's state may have changed: every waiter asks again.
    fn notify(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.queue.wake_all();
    }

    /// Runs `call` until it answers something other than -EAGAIN, waiting
    /// for a notify between tries unless `nonblock`.
    fn retry(&self, task: &Task, nonblock: bool, mut call: impl FnMut() -> isize) -> KResult<usize> {
        loop {
            let seen = self.generation.load(Ordering::SeqCst);
            let r = call();
            if r >= 0 {
                return Ok(r as usize);
            }
            let e = Errno::from_raw(errno_of(r));
            if e != Errno::EAGAIN || nonblock {
                return Err(e);
            }
            self.queue.wait_until(task, Deadline::Never, || self.generation.load(Ordering::SeqCst) != seen)?;
        }
    }

    fn stat(&self) -> libc::stat {
        let perm = if self.ops.mode == 0 { 0o666 } else { self.ops.mode & 0o7777 };
        let (uid, gid) = super::user();
        node_stat(libc::S_IFCHR, perm as libc::mode_t, MISC_MAJOR, self.minor, uid, gid)
    }
}

/// The errno of a driver's negative answer; anything out of range is EIO.
fn errno_of(r: isize) -> c_int {
    c_int::try_from(-r).ok().filter(|e| (1..4096).contains(e)).unwrap_or(libc::EIO)
}

/// The node of a C driver.
struct External(Arc<Driver>);

impl Device for External {
    fn open(&self, _task: &Task, flags: c_int) -> KResult<Box<dyn DeviceFile>> {
        let ops = &self.0.ops;
        let mut file = std::ptr::null_mut();
        if let Some(open) = ops.open {
            // SAFETY: the driver's own callback, with its own context and a
            // place for its per-open state.
            let r = unsafe { open(ops.ctx, flags, &mut file) };
            if r < 0 {
                return Err(Errno::from_raw(errno_of(r as isize)));
            }
        }
        Ok(Box::new(ExternalFile { dev: self.0.clone(), file }))
    }

    fn stat(&self) -> libc::stat {
        self.0.stat()
    }
}

/// Registered C drivers, so that a notify finds its driver by path.
static DRIVERS: parking_lot::RwLock<Vec<Arc<Driver>>> = parking_lot::RwLock::new(Vec::new());

/// Registers a C driver at `path` (rules as `dev::register`).
pub fn register(path: &str, ops: Ops) -> KResult<()> {
    static NEXT_MINOR: AtomicU32 = AtomicU32::new(64);
    let driver = Arc::new(Driver {
        path: path.to_string(),
        ops,
        minor: NEXT_MINOR.fetch_add(1, Ordering::Relaxed),
        queue: WaitQueue::new(),
        generation: AtomicU64::new(0),
    });
    let mut drivers = DRIVERS.write();
    super::register(path, Arc::new(External(driver.clone())))?;
    drivers.push(driver);
    Ok(())
}

/// Wakes the waiters of the C driver at `path` (ENOENT if none is there).
pub fn notify(path: &str) -> KResult<()> {
    let driver = DRIVERS.read().iter().find(|d| d.path == path).cloned().ok_or(Errno::ENOENT)?;
    driver.notify();
    Ok(())
}

/// One open description of a C driver's node.
struct ExternalFile {
    dev: Arc<Driver>,
    /// What the driver's open gave back.
    file: *mut c_void,
}

// SAFETY: `file` is the driver's, which promises thread safety (see Ops).
unsafe impl Send for ExternalFile {}
// SAFETY: as for Send.
unsafe impl Sync for ExternalFile {}

impl fmt::Debug for ExternalFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalFile({})", self.dev.path)
    }
}

impl DeviceFile for ExternalFile {
    fn read(&self, task: &Task, buf: &mut [u8], nonblock: bool) -> KResult<usize> {
        let ops = &self.dev.ops;
        let read = ops.read.ok_or(Errno::EINVAL)?;
        self.dev.retry(task, nonblock, || {
            // SAFETY: the driver's callback with a live buffer of `len` bytes.
            let r = unsafe { read(ops.ctx, self.file, buf.as_mut_ptr().cast(), buf.len()) };
            r.min(buf.len() as isize)
        })
    }

    fn write(&self, task: &Task, buf: &[u8], nonblock: bool) -> KResult<usize> {
        let ops = &self.dev.ops;
        let write = ops.write.ok_or(Errno::EINVAL)?;
        self.dev.retry(task, nonblock, || {
            // SAFETY: the driver's callback with a live buffer of `len` bytes.
            let r = unsafe { write(ops.ctx, self.file, buf.as_ptr().cast(), buf.len()) };
            r.min(buf.len() as isize)
        })
    }

    fn poll(&self, events: i16) -> i16 {
        let ops = &self.dev.ops;
        match ops.poll {
            // SAFETY: the driver's callback.
            Some(poll) => unsafe { poll(ops.ctx, self.file, events) },
            // Linux's answer for a driver without poll: always ready.
            None => events & (libc::POLLIN | libc::POLLOUT | libc::POLLRDNORM | libc::POLLWRNORM),
        }
    }

    fn queue(&self) -> &WaitQueue {
        &self.dev.queue
    }

    unsafe fn ioctl(&self, _task: &Task, req: c_ulong, arg: *mut c_void) -> KResult<c_int> {
        let ops = &self.dev.ops;
        let ioctl = ops.ioctl.ok_or(Errno::ENOTTY)?;
        // SAFETY: the driver's callback with the caller's argument.
        let r = unsafe { ioctl(ops.ctx, self.file, req, arg) };
        if r < 0 {
            Err(Errno::from_raw(errno_of(r as isize)))
        } else {
            Ok(r)
        }
    }

    fn stat(&self) -> libc::stat {
        self.dev.stat()
    }

    fn path(&self) -> String {
        self.dev.path.clone()
    }
}

impl Drop for ExternalFile {
    fn drop(&mut self) {
        let ops = &self.dev.ops;
        if let Some(close) = ops.close {
            // SAFETY: the driver's callback, once per open, last.
            unsafe { close(ops.ctx, self.file) };
        }
    }
}
