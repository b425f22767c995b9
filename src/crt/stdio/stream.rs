//! One stdio stream: the runtime's `FILE`.
//!
//! A stream is a block in the task's arena holding a descriptor (or a
//! memory buffer, see `memory.rs`), a buffer, and the error and end-of-file
//! indicators. The buffering rules are glibc's: a stream is unbuffered,
//! line-buffered or fully buffered; the choice is made at its first I/O
//! unless `setvbuf` made it: stderr is unbuffered, a stream on a terminal
//! line-buffered, any other fully buffered. Reading a line-buffered or
//! unbuffered stream first flushes a line-buffered stdout, so a prompt
//! appears before the program waits for its answer. The end-of-file
//! indicator is sticky (C99): once set, reads return EOF until `clearerr`,
//! a seek or `ungetc`.
//!
//! A stream is either reading (its buffer holds bytes read ahead) or
//! writing (its buffer holds bytes not yet written), never both: switching
//! direction drops what was read ahead (moving the descriptor back over it)
//! or writes out what is pending.
//!
//! Blocking reads and writes go through `deliver::restarting`, so a signal
//! handler runs in the middle of an `fgets` exactly when the kernel would
//! have run it during the underlying `read`, and the read resumes or fails
//! with EINTR as Linux decides. Meanwhile the stream is marked busy, and a
//! handler's calls on it do not touch it (`busy.rs`).

use std::ffi::c_int;
use std::ptr;

use super::memory::Memory;
use crate::kernel::fd::ops as fdops;
use crate::kernel::signal::deliver::restarting;
use crate::kernel::task::{current, Pid};
use crate::kernel::{Errno, KResult};

/// Marks a live stream (cleared when it is closed).
pub const MAGIC: u64 = 0x7476_6d5f_4649_4c45;

/// Bytes `ungetc` can push back.
pub const UNGET_MAX: usize = 8;

/// Default buffer size (glibc uses the file's block size, usually this).
pub const BUF_SIZE: usize = 4096;
/// Buffer size of a stream on a terminal.
pub const TTY_BUF_SIZE: usize = 1024;

pub const F_READ: u32 = 1;
pub const F_WRITE: u32 = 1 << 1;
pub const F_APPEND: u32 = 1 << 2;
pub const F_EOF: u32 = 1 << 3;
pub const F_ERROR: u32 = 1 << 4;
/// The buffer is the guest's (setvbuf): never freed by the runtime.
pub const F_USER_BUF: u32 = 1 << 5;
/// One of stdin, stdout, stderr: its block is never freed, so a use after
/// fclose keeps failing with EBADF instead of reaching a reused block.
pub const F_STD: u32 = 1 << 6;

/// Buffering not chosen yet.
pub const MODE_UNDECIDED: c_int = -1;

/// Where a stream's bytes go.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Fd(c_int),
    Memory(Memory),
}

#[repr(C)]
pub struct Stream {
    pub magic: u64,
    /// The next stream of the task (the list `fflush(NULL)` walks).
    pub next: *mut Stream,
    pub backend: Backend,
    pub flags: u32,
    /// `_IOFBF`, `_IOLBF`, `_IONBF` or `MODE_UNDECIDED`.
    pub mode: c_int,
    pub buf: *mut u8,
    pub cap: usize,
    /// Read-ahead bytes are `buf[rpos..rend]`.
    pub rpos: usize,
    pub rend: usize,
    /// Bytes waiting to be written are `buf[..wlen]`.
    pub wlen: usize,
    /// Pushed-back bytes, the next one to read last.
    pub unget: [u8; UNGET_MAX],
    pub nunget: usize,
    /// The child of a `popen` stream (0 otherwise).
    pub pid: Pid,
}

impl Stream {
    pub fn new(backend: Backend, flags: u32) -> Stream {
        Stream {
            magic: MAGIC,
            next: ptr::null_mut(),
            backend,
            flags,
            mode: MODE_UNDECIDED,
            buf: ptr::null_mut(),
            cap: 0,
            rpos: 0,
            rend: 0,
            wlen: 0,
            unget: [0; UNGET_MAX],
            nunget: 0,
            pid: 0,
        }
    }

    pub fn fd(&self) -> Option<c_int> {
        match self.backend {
            Backend::Fd(fd) => Some(fd),
            Backend::Memory(_) => None,
        }
    }

    fn fail(&mut self, e: Errno) -> Errno {
        self.flags |= F_ERROR;
        e
    }

    /// Bytes read ahead or pushed back that the reader has not taken.
    pub fn unread(&self) -> usize {
        self.rend - self.rpos + self.nunget
    }

    /// Chooses the buffering and allocates the buffer, at first I/O.
    fn setup(&mut self) -> KResult<()> {
        if self.mode == MODE_UNDECIDED {
            self.mode = match self.backend {
                Backend::Memory(_) => libc::_IONBF,
                Backend::Fd(fd) if fdops::isatty(current(), fd).unwrap_or(false) => libc::_IOLBF,
                Backend::Fd(_) => libc::_IOFBF,
            };
        }
        if self.mode != libc::_IONBF && self.buf.is_null() {
            let size = if self.cap != 0 {
                self.cap
            } else if self.mode == libc::_IOLBF {
                TTY_BUF_SIZE
            } else {
                BUF_SIZE
            };
            self.buf = crate::crt::alloc(size)?;
            self.cap = size;
        }
        Ok(())
    }

    /// Drops read-ahead bytes, moving a seekable descriptor back over them
    /// so the next reader (or writer) of the descriptor starts where this
    /// stream's reader is.
    fn drop_read_ahead(&mut self) {
        let unread = self.unread();
        if unread > 0 {
            if let Backend::Fd(fd) = self.backend {
                let _ = fdops::lseek(current(), fd, -(unread as libc::off_t), libc::SEEK_CUR);
            }
        }
        self.rpos = 0;
        self.rend = 0;
        self.nunget = 0;
    }

    /// Writes out pending bytes.
    pub fn flush_out(&mut self) -> KResult<()> {
        if self.wlen == 0 {
            return Ok(());
        }
        // SAFETY: `buf[..wlen]` holds the pending bytes.
        let pending = unsafe { std::slice::from_raw_parts(self.buf, self.wlen) };
        let r = self.raw_write_all(pending);
        self.wlen = 0;
        r.map_err(|e| self.fail(e))
    }

    /// fflush(3) on this stream: pending output written, read-ahead
    /// dropped (the descriptor moved back over it).
    pub fn flush(&mut self) -> KResult<()> {
        self.flush_out()?;
        self.drop_read_ahead();
        if let Backend::Memory(m) = &mut self.backend {
            m.publish();
        }
        Ok(())
    }

    fn raw_write_all(&mut self, mut bytes: &[u8]) -> KResult<()> {
        match &mut self.backend {
            Backend::Memory(m) => m.write(bytes).map(drop),
            Backend::Fd(fd) => {
                let fd = *fd;
                let _waiting = super::busy::waiting(ptr::from_mut(self), fd);
                while !bytes.is_empty() {
                    let n = restarting(|task| fdops::write(task, fd, bytes))?;
                    if n == 0 {
                        return Err(Errno::EIO);
                    }
                    bytes = &bytes[n..];
                }
                Ok(())
            }
        }
    }

    fn raw_read(&mut self, into: &mut [u8]) -> KResult<usize> {
        match &mut self.backend {
            Backend::Memory(m) => m.read(into),
            Backend::Fd(fd) => {
                let fd = *fd;
                let _waiting = super::busy::waiting(ptr::from_mut(self), fd);
                restarting(|task| fdops::read(task, fd, into))
            }
        }
    }

    /// Gets ready to write: checks the mode, drops read-ahead.
    fn begin_write(&mut self) -> KResult<()> {
        if self.flags & F_WRITE == 0 {
            return Err(self.fail(Errno::EBADF));
        }
        self.setup().map_err(|e| self.fail(e))?;
        if self.unread() > 0 {
            self.drop_read_ahead();
        }
        if self.flags & F_APPEND != 0 {
            if let Backend::Memory(m) = &mut self.backend {
                m.seek_end();
            }
        }
        Ok(())
    }

    /// Writes `bytes` through the buffer; returns how many were accepted
    /// (all, unless an error occurred).
    pub fn write(&mut self, bytes: &[u8]) -> KResult<usize> {
        self.begin_write()?;
        if bytes.is_empty() {
            return Ok(0);
        }
        if self.mode == libc::_IONBF {
            return self.raw_write_all(bytes).map(|()| bytes.len()).map_err(|e| self.fail(e));
        }
        if bytes.len() > self.cap - self.wlen {
            self.flush_out()?;
        }
        if bytes.len() >= self.cap {
            self.raw_write_all(bytes).map_err(|e| self.fail(e))?;
        } else {
            // SAFETY: `buf` has room for `cap` bytes and `wlen + len <= cap`.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.add(self.wlen), bytes.len()) };
            self.wlen += bytes.len();
        }
        if self.mode == libc::_IOLBF && bytes.contains(&b'\n') {
            self.flush_out()?;
        }
        Ok(bytes.len())
    }

    /// Gets ready to read: checks the mode, writes out pending output.
    fn begin_read(&mut self) -> KResult<()> {
        if self.flags & F_READ == 0 {
            return Err(self.fail(Errno::EBADF));
        }
        self.setup().map_err(|e| self.fail(e))?;
        self.flush_out()
    }

    /// Refills the buffer; `Ok(false)` at end of file.
    fn fill(&mut self) -> KResult<bool> {
        if self.flags & F_EOF != 0 {
            return Ok(false);
        }
        if self.mode != libc::_IOFBF {
            super::flush_line_buffered_stdout(self);
        }
        let n = if self.mode == libc::_IONBF {
            let mut one = [0u8; 1];
            let n = self.raw_read(&mut one).map_err(|e| self.fail(e))?;
            self.unget[0] = one[0];
            self.nunget = n;
            n
        } else {
            // SAFETY: `buf` has `cap` writable bytes, none of them pending.
            let all = unsafe { std::slice::from_raw_parts_mut(self.buf, self.cap) };
            let n = self.raw_read(all).map_err(|e| self.fail(e))?;
            self.rpos = 0;
            self.rend = n;
            n
        };
        if n == 0 {
            self.flags |= F_EOF;
        }
        Ok(n > 0)
    }

    /// The next byte; `None` at end of file.
    pub fn getc(&mut self) -> KResult<Option<u8>> {
        if self.nunget > 0 {
            self.nunget -= 1;
            return Ok(Some(self.unget[self.nunget]));
        }
        if self.rpos == self.rend {
            self.begin_read()?;
            if !self.fill()? {
                return Ok(None);
            }
            if self.nunget > 0 {
                self.nunget -= 1;
                return Ok(Some(self.unget[self.nunget]));
            }
        }
        // SAFETY: rpos < rend <= cap.
        let b = unsafe { *self.buf.add(self.rpos) };
        self.rpos += 1;
        Ok(Some(b))
    }

    /// Reads up to `into.len()` bytes; fewer only at end of file or on an
    /// error after some bytes were read (the indicator is then set).
    pub fn read(&mut self, into: &mut [u8]) -> KResult<usize> {
        self.begin_read()?;
        let mut got = 0;
        while got < into.len() && self.nunget > 0 {
            self.nunget -= 1;
            into[got] = self.unget[self.nunget];
            got += 1;
        }
        while got < into.len() {
            let avail = self.rend - self.rpos;
            if avail > 0 {
                let n = avail.min(into.len() - got);
                // SAFETY: `buf[rpos..rpos + n]` is read-ahead data.
                unsafe { ptr::copy_nonoverlapping(self.buf.add(self.rpos), into[got..].as_mut_ptr(), n) };
                self.rpos += n;
                got += n;
                continue;
            }
            if self.flags & F_EOF != 0 {
                break;
            }
            let rest = into.len() - got;
            if self.mode == libc::_IONBF || rest >= self.cap {
                // Large reads skip the buffer.
                if self.mode != libc::_IOFBF {
                    super::flush_line_buffered_stdout(self);
                }
                match self.raw_read(&mut into[got..]) {
                    Ok(0) => {
                        self.flags |= F_EOF;
                        break;
                    }
                    Ok(n) => got += n,
                    Err(e) if got > 0 => {
                        self.fail(e);
                        break;
                    }
                    Err(e) => return Err(self.fail(e)),
                }
            } else {
                match self.fill() {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) if got > 0 => break,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(got)
    }

    /// Pushes `b` back; it is the next byte read.
    pub fn ungetc(&mut self, b: u8) -> KResult<()> {
        if self.flags & F_READ == 0 {
            return Err(Errno::EBADF);
        }
        self.flush_out()?;
        if self.nunget == UNGET_MAX {
            return Err(Errno::EAGAIN);
        }
        self.unget[self.nunget] = b;
        self.nunget += 1;
        self.flags &= !F_EOF;
        Ok(())
    }

    /// Reads bytes up to and including `delim`, handing each run to `sink`
    /// (which may fail); returns the number of bytes, 0 at end of file.
    pub fn read_until(&mut self, delim: u8, sink: &mut dyn FnMut(&[u8]) -> KResult<()>) -> KResult<usize> {
        self.begin_read()?;
        let mut total = 0;
        loop {
            if self.nunget > 0 || self.rpos == self.rend {
                match self.getc() {
                    Ok(Some(b)) => {
                        sink(&[b])?;
                        total += 1;
                        if b == delim {
                            return Ok(total);
                        }
                        continue;
                    }
                    Ok(None) => return Ok(total),
                    Err(_) if total > 0 => return Ok(total),
                    Err(e) => return Err(e),
                }
            }
            // SAFETY: `buf[rpos..rend]` is read-ahead data.
            let avail = unsafe { std::slice::from_raw_parts(self.buf.add(self.rpos), self.rend - self.rpos) };
            let (n, done) = match avail.iter().position(|&b| b == delim) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            sink(&avail[..n])?;
            self.rpos += n;
            total += n;
            if done {
                return Ok(total);
            }
        }
    }

    /// The position a reader or writer of this stream is at.
    pub fn tell(&mut self) -> KResult<libc::off_t> {
        let base = match &self.backend {
            Backend::Fd(fd) => fdops::lseek(current(), *fd, 0, libc::SEEK_CUR)?,
            Backend::Memory(m) => m.pos as libc::off_t,
        };
        Ok(base - self.unread() as libc::off_t + self.wlen as libc::off_t)
    }

    /// fseek(3): pending output written, read-ahead and pushed-back bytes
    /// dropped, end-of-file cleared.
    pub fn seek(&mut self, off: libc::off_t, whence: c_int) -> KResult<libc::off_t> {
        if !matches!(whence, libc::SEEK_SET | libc::SEEK_CUR | libc::SEEK_END) {
            return Err(Errno::EINVAL);
        }
        self.flush_out()?;
        let off = if whence == libc::SEEK_CUR { off - self.unread() as libc::off_t } else { off };
        let pos = match &mut self.backend {
            Backend::Fd(fd) => fdops::lseek(current(), *fd, off, whence)?,
            Backend::Memory(m) => m.seek(off, whence)?,
        };
        self.rpos = 0;
        self.rend = 0;
        self.nunget = 0;
        self.flags &= !F_EOF;
        Ok(pos)
    }

    /// setvbuf(3): `buf` (the guest's, may be null) of `size` bytes, or a
    /// buffer of that size allocated at first I/O.
    pub fn set_buffering(&mut self, buf: *mut u8, mode: c_int, size: usize) -> KResult<()> {
        if !matches!(mode, libc::_IOFBF | libc::_IOLBF | libc::_IONBF) {
            return Err(Errno::EINVAL);
        }
        self.flush()?;
        self.release_buffer();
        self.mode = mode;
        if mode != libc::_IONBF {
            if !buf.is_null() && size > 0 {
                self.buf = buf;
                self.cap = size;
                self.flags |= F_USER_BUF;
            } else {
                self.cap = size;
            }
        }
        Ok(())
    }

    /// Frees the runtime's buffer (a guest buffer is only forgotten).
    pub fn release_buffer(&mut self) {
        if self.flags & F_USER_BUF == 0 {
            // SAFETY: a non-guest buffer was allocated by `setup`.
            unsafe { crate::crt::free(self.buf) };
        }
        self.flags &= !F_USER_BUF;
        self.buf = ptr::null_mut();
        self.cap = 0;
        self.rpos = 0;
        self.rend = 0;
        self.wlen = 0;
    }
}
