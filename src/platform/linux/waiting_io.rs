//! Reads and writes that block in the host call itself, on a pipe whose
//! host descriptor is left in blocking mode.
//!
//! A task that waits for a pipe otherwise pays a failed non-blocking call
//! and a `ppoll` (with its wake-up handle) before the call that moves the
//! data; a native process pays only the blocking call. Here the blocking
//! call is made through `arch::waiting_syscall`, which a host signal
//! (`kernel::signal::host::poke`) ends with EINTR, race-free, and a call the
//! guest made non-blocking uses `RWF_NOWAIT` on the same blocking
//! descriptor. Only recent kernels honour RWF_NOWAIT on pipes; on a host
//! that does not ([`pipes_supported`]) pipes stay non-blocking.

use std::ffi::c_long;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

/// Which way a transfer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Read,
    Write,
}

/// Whether this host's pipes honour RWF_NOWAIT (an empty blocking pipe
/// answers EAGAIN rather than EOPNOTSUPP); probed once.
pub fn pipes_supported() -> bool {
    static SUPPORTED: OnceLock<bool> = OnceLock::new();
    *SUPPORTED.get_or_init(|| {
        let mut p = [0; 2];
        // SAFETY: `p` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return false;
        }
        let mut byte = 0u8;
        let iov = [libc::iovec { iov_base: (&mut byte as *mut u8).cast(), iov_len: 1 }];
        let r = nowait(p[0], Dir::Read, &iov);
        let eagain = r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EAGAIN);
        // SAFETY: both descriptors are ours and closed once.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
        eagain
    })
}

/// preadv2/pwritev2 with RWF_NOWAIT at the current position; returns the
/// raw result (-1 and errno on failure).
pub fn nowait(fd: i32, dir: Dir, iov: &[libc::iovec]) -> isize {
    let (ptr, n) = (iov.as_ptr(), iov.len() as libc::c_int);
    // SAFETY: the iovecs describe the caller's buffers (the host validates
    // them); offset -1 means the current position.
    unsafe {
        match dir {
            Dir::Read => libc::preadv2(fd, ptr, n, -1, libc::RWF_NOWAIT),
            Dir::Write => libc::pwritev2(fd, ptr, n, -1, libc::RWF_NOWAIT),
        }
    }
}

/// read/write (readv/writev for more than one buffer) that may block until
/// data or room arrives, and that the host signal ends with EINTR. Returns
/// the count or the errno; `None` when `stop` was set or the host signal
/// came before the call was made (the caller then tries without waiting,
/// as a host would find data that is there before it looked at signals).
pub fn wait(fd: i32, dir: Dir, iov: &[libc::iovec], stop: &AtomicBool) -> Option<Result<usize, i32>> {
    let (nr, a1, a2): (c_long, usize, usize) = match (dir, iov) {
        (Dir::Read, [one]) => (libc::SYS_read, one.iov_base as usize, one.iov_len),
        (Dir::Write, [one]) => (libc::SYS_write, one.iov_base as usize, one.iov_len),
        (Dir::Read, _) => (libc::SYS_readv, iov.as_ptr() as usize, iov.len()),
        (Dir::Write, _) => (libc::SYS_writev, iov.as_ptr() as usize, iov.len()),
    };
    // SAFETY: the buffers are the caller's (the host validates them); the
    // call takes a descriptor and two words.
    let r = unsafe { crate::arch::waiting_syscall(nr, fd as usize, a1, a2, stop) };
    match r {
        crate::arch::SYSCALL_NOT_MADE => None,
        r if r < 0 => Some(Err(-r as i32)),
        r => Some(Ok(r as usize)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe() -> [i32; 2] {
        let mut p = [0; 2];
        // SAFETY: `p` has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        p
    }

    fn close(p: [i32; 2]) {
        // SAFETY: the test's own descriptors, closed once.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
    }

    #[test]
    fn a_set_flag_means_the_call_is_not_made() {
        let mut b = [0u8; 4];
        let iov = [libc::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: b.len() }];
        // On a bad descriptor: made, the call fails with EBADF; not made, nothing.
        assert_eq!(wait(-1, Dir::Read, &iov, &AtomicBool::new(false)), Some(Err(libc::EBADF)));
        assert_eq!(wait(-1, Dir::Read, &iov, &AtomicBool::new(true)), None);
        let p = pipe();
        // SAFETY: writes 3 bytes of a static string to our pipe.
        assert_eq!(unsafe { libc::write(p[1], b"abc".as_ptr().cast(), 3) }, 3);
        assert_eq!(wait(p[0], Dir::Read, &iov, &AtomicBool::new(false)), Some(Ok(3)));
        assert_eq!(&b[..3], b"abc");
        let two = [
            libc::iovec { iov_base: b"xy".as_ptr().cast_mut().cast(), iov_len: 2 },
            libc::iovec { iov_base: b"z".as_ptr().cast_mut().cast(), iov_len: 1 },
        ];
        assert_eq!(wait(p[1], Dir::Write, &two, &AtomicBool::new(false)), Some(Ok(3)));
        assert_eq!(wait(p[0], Dir::Read, &iov, &AtomicBool::new(false)), Some(Ok(3)));
        assert_eq!(&b[..3], b"xyz");
        close(p);
    }

    #[test]
    fn nowait_never_waits() {
        if !pipes_supported() {
            return;
        }
        let p = pipe();
        let mut b = [0u8; 1];
        let iov = [libc::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: 1 }];
        assert_eq!(nowait(p[0], Dir::Read, &iov), -1);
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::EAGAIN));
        let empty = [libc::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: 0 }];
        assert_eq!(nowait(p[0], Dir::Read, &empty), 0, "a zero-length read returns 0");
        let chunk = [0u8; 4096];
        let out = [libc::iovec { iov_base: chunk.as_ptr().cast_mut().cast(), iov_len: chunk.len() }];
        let mut filled = 0;
        while nowait(p[1], Dir::Write, &out) > 0 {
            filled += 1;
            assert!(filled < 10_000, "a pipe fills");
        }
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::EAGAIN));
        close(p);
    }
}
