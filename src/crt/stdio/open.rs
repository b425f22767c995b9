//! Opening and closing streams: fopen, fdopen, freopen, fclose, tmpfile,
//! open_memstream, fmemopen.
//!
//! Modes are glibc's: `r`, `w`, `a`, each with `+`, followed by any of `b`
//! (ignored), `x` (O_EXCL), `e` (close-on-exec), `m` and `c` (ignored).
//! Files are created 0666 less the task's umask. `fdopen` with `a` sets
//! O_APPEND on the descriptor, with `e` FD_CLOEXEC, as glibc does;
//! `freopen` keeps the stream's descriptor number.

use std::ffi::{c_char, c_int, CStr};

use super::memory::Memory;
use super::stream::{Backend, Stream, F_APPEND, F_READ, F_STD, F_WRITE, MODE_UNDECIDED};
use crate::kernel::fd::ops as fdops;
use crate::kernel::fs::ops as fsops;
use crate::kernel::task::current;
use crate::kernel::{Errno, KResult};

/// A parsed mode string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    /// The first letter: `r`, `w` or `a`.
    pub kind: u8,
    /// open(2) flags.
    pub oflags: c_int,
    /// Stream flags (F_READ, F_WRITE, F_APPEND).
    pub flags: u32,
}

pub fn parse_mode(mode: &CStr) -> KResult<Mode> {
    let b = mode.to_bytes();
    let kind = *b.first().ok_or(Errno::EINVAL)?;
    let (mut oflags, mut flags) = match kind {
        b'r' => (libc::O_RDONLY, F_READ),
        b'w' => (libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, F_WRITE),
        b'a' => (libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND, F_WRITE | F_APPEND),
        _ => return Err(Errno::EINVAL),
    };
    for &c in &b[1..] {
        match c {
            b'+' => {
                oflags = (oflags & !libc::O_ACCMODE) | libc::O_RDWR;
                flags |= F_READ | F_WRITE;
            }
            b'x' => oflags |= libc::O_EXCL,
            b'e' => oflags |= libc::O_CLOEXEC,
            _ => {}
        }
    }
    Ok(Mode { kind, oflags, flags })
}

/// fopen(3).
pub fn fopen(path: &CStr, mode: &CStr) -> KResult<*mut Stream> {
    let m = parse_mode(mode)?;
    let task = current();
    let fd = fsops::openat(task, libc::AT_FDCWD, path, m.oflags, 0o666)?;
    super::add(Stream::new(Backend::Fd(fd), m.flags)).inspect_err(|_| {
        let _ = fdops::close(task, fd);
    })
}

/// fdopen(3): the mode must fit the descriptor's access mode.
pub fn fdopen(fd: c_int, mode: &CStr) -> KResult<*mut Stream> {
    let m = parse_mode(mode)?;
    let task = current();
    // SAFETY: F_GETFL takes no pointer argument.
    let fl = unsafe { fdops::fcntl(task, fd, libc::F_GETFL, 0) }?;
    let acc = fl & libc::O_ACCMODE;
    let fits_read = m.flags & F_READ == 0 || acc != libc::O_WRONLY;
    let fits_write = m.flags & F_WRITE == 0 || acc != libc::O_RDONLY;
    if !fits_read || !fits_write {
        return Err(Errno::EINVAL);
    }
    if m.flags & F_APPEND != 0 && fl & libc::O_APPEND == 0 {
        // SAFETY: F_SETFL takes an integer argument.
        unsafe { fdops::fcntl(task, fd, libc::F_SETFL, (fl | libc::O_APPEND) as libc::c_ulong) }?;
    }
    if m.oflags & libc::O_CLOEXEC != 0 {
        // SAFETY: F_SETFD takes an integer argument.
        unsafe { fdops::fcntl(task, fd, libc::F_SETFD, libc::FD_CLOEXEC as libc::c_ulong) }?;
    }
    super::add(Stream::new(Backend::Fd(fd), m.flags))
}

/// fclose(3): flushes, closes the descriptor, frees the stream (whatever
/// fails, the stream is gone). The first error is returned.
///
/// # Safety
/// `s` must be a live stream of the calling task; it is dead afterwards.
pub unsafe fn fclose(s: *mut Stream) -> KResult<()> {
    // SAFETY: per the caller.
    let st = unsafe { &mut *s };
    let mut result = st.flush();
    match &mut st.backend {
        Backend::Fd(fd) => {
            let r = fdops::close(current(), *fd);
            if result.is_ok() {
                result = r;
            }
        }
        Backend::Memory(m) => m.close(),
    }
    st.release_buffer();
    // SAFETY: per the caller.
    unsafe { super::remove(s) };
    result
}

/// freopen(3) with a path: the stream's descriptor is replaced by the new
/// file under the same number; with a null path only the mode changes. On
/// failure the stream is closed.
///
/// # Safety
/// `s` must be a live stream of the calling task.
pub unsafe fn freopen(path: Option<&CStr>, mode: &CStr, s: *mut Stream) -> KResult<*mut Stream> {
    let task = current();
    // SAFETY: per the caller.
    let st = unsafe { &mut *s };
    let _ = st.flush();
    let outcome = (|| {
        let m = parse_mode(mode)?;
        let Backend::Fd(old) = st.backend else { return Err(Errno::EBADF) };
        let fd = match path {
            Some(p) => {
                let _ = fdops::close(task, old);
                let fd = fsops::openat(task, libc::AT_FDCWD, p, m.oflags, 0o666)?;
                if fd != old && old >= 0 {
                    let cloexec = m.oflags & libc::O_CLOEXEC != 0;
                    let moved = fdops::dup_to(task, fd, old, cloexec);
                    let _ = fdops::close(task, fd);
                    moved?
                } else {
                    fd
                }
            }
            None => {
                // SAFETY: F_GETFL/F_SETFL take integer arguments.
                let fl = unsafe { fdops::fcntl(task, old, libc::F_GETFL, 0) }?;
                let fl = (fl & !libc::O_APPEND) | (m.oflags & libc::O_APPEND);
                // SAFETY: as above.
                unsafe { fdops::fcntl(task, old, libc::F_SETFL, fl as libc::c_ulong) }?;
                old
            }
        };
        Ok((fd, m))
    })();
    match outcome {
        Ok((fd, m)) => {
            st.release_buffer();
            st.backend = Backend::Fd(fd);
            st.flags = m.flags | (st.flags & F_STD);
            st.mode = MODE_UNDECIDED;
            st.nunget = 0;
            Ok(s)
        }
        Err(e) => {
            st.backend = Backend::Fd(-1);
            st.release_buffer();
            // SAFETY: per the caller; the stream dies here.
            unsafe { super::remove(s) };
            Err(e)
        }
    }
}

/// tmpfile(3): a new file, already unlinked, open "w+". It goes in
/// `$TMPDIR` when that names a directory, else /tmp: glibc always uses
/// /tmp, but an iOS app may write only below the directory its TMPDIR
/// names, and a test's files belong in its own directory (docs/crt.md).
pub fn tmpfile() -> KResult<*mut Stream> {
    let task = current();
    let mut template = crate::crt::tmpnam::temp_dir(None)?;
    template.extend_from_slice(b"/tmpfXXXXXX");
    let len = template.len();
    let fd = fsops::mkstemp(task, &mut template, 0, 0)?;
    template.truncate(len);
    let path = std::ffi::CString::new(template).map_err(|_| Errno::EINVAL)?;
    let _ = fsops::unlinkat(task, libc::AT_FDCWD, &path, 0);
    super::add(Stream::new(Backend::Fd(fd), F_READ | F_WRITE)).inspect_err(|_| {
        let _ = fdops::close(task, fd);
    })
}

/// open_memstream(3).
pub fn open_memstream(bufp: *mut *mut c_char, sizep: *mut usize) -> KResult<*mut Stream> {
    if bufp.is_null() || sizep.is_null() {
        return Err(Errno::EINVAL);
    }
    let m = Memory::dynamic(bufp, sizep)?;
    super::add(Stream::new(Backend::Memory(m), F_WRITE))
}

/// fmemopen(3).
pub fn fmemopen(buf: *mut u8, size: usize, mode: &CStr) -> KResult<*mut Stream> {
    let m = parse_mode(mode)?;
    let mut mem = Memory::fixed(buf, size, m.kind)?;
    let mut s = Stream::new(Backend::Memory(mem), m.flags);
    s.mode = libc::_IONBF;
    super::add(s).inspect_err(|_| mem.close())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_like_glibc() {
        let r = parse_mode(c"r").unwrap();
        assert_eq!((r.oflags, r.flags), (libc::O_RDONLY, F_READ));
        let w = parse_mode(c"wbx").unwrap();
        assert_eq!(w.oflags, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_EXCL);
        let a = parse_mode(c"a+e").unwrap();
        assert_eq!(a.oflags, libc::O_RDWR | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC);
        assert_eq!(a.flags, F_READ | F_WRITE | F_APPEND);
        assert_eq!(parse_mode(c"").unwrap_err(), Errno::EINVAL);
        assert_eq!(parse_mode(c"q").unwrap_err(), Errno::EINVAL);
    }
}
