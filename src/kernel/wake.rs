//! A task's wake-up handle.
//!
//! Every blocking wait in the runtime polls the host file descriptors it is
//! interested in *plus* the waiting task's wake-up handle. Anything that may
//! change what a blocked task is waiting for (a child's exit, a signal) marks
//! the handle, the task's poll returns, and the task re-checks its
//! condition. The handle is level-triggered and carries no payload, so a
//! wake-up sent before the task sleeps is never lost, and waiters always
//! re-check their condition after clearing it. Nothing ever spins.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// A level-triggered, coalescing wake-up flag backed by a host descriptor
/// (an eventfd on Linux, a non-blocking pipe elsewhere).
#[derive(Debug)]
pub struct Waker {
    read: OwnedFd,
    #[cfg(not(target_os = "linux"))]
    write: OwnedFd,
}

impl Waker {
    #[cfg(target_os = "linux")]
    pub fn new() -> io::Result<Waker> {
        use std::os::fd::FromRawFd;
        // SAFETY: eventfd takes no pointers; a failure is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a fresh descriptor nobody else owns.
        Ok(Waker { read: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn new() -> io::Result<Waker> {
        use nix::fcntl::OFlag;
        let (read, write) = nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)?;
        Ok(Waker { read, write })
    }

    /// The descriptor to poll for `POLLIN`.
    pub fn fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    /// Marks the handle; any current or future wait on it returns.
    pub fn wake(&self) {
        #[cfg(target_os = "linux")]
        let fd = self.read.as_raw_fd();
        #[cfg(not(target_os = "linux"))]
        let fd = self.write.as_raw_fd();
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live local. A full counter or pipe
        // (EAGAIN) means the handle is already marked, which is all we need.
        unsafe { libc::write(fd, (&one as *const u64).cast(), 8) };
    }

    /// Clears the mark. Callers re-check their condition afterwards.
    pub fn clear(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reads into a live local buffer of the given size.
            let n = unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < buf.len() as isize {
                break;
            }
        }
    }
}
