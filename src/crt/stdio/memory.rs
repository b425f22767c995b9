//! Streams on memory: `open_memstream` and `fmemopen`.
//!
//! "open_memstream: the buffer is dynamically allocated and grows as
//! needed; after fflush or fclose, *ptr and *sizeloc hold the buffer and
//! the smaller of its length and the current position; the buffer ends
//! with a null byte" (open_memstream(3)). "fmemopen opens a stream on the
//! buf of size bytes; 'a' starts at the first null byte; a write that adds
//! bytes stores a null byte after them when there is room"
//! (fmemopen(3)). Memory streams are unbuffered at the stdio level: every
//! write is already a copy.

use std::ffi::{c_char, c_int};
use std::ptr;

use crate::kernel::{Errno, KResult};

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// open_memstream: the guest's `*bufp`/`*sizep`, updated on flush.
    Dynamic { bufp: *mut *mut c_char, sizep: *mut usize },
    /// fmemopen: a fixed buffer; `own` when the runtime allocated it.
    Fixed { own: bool },
}

#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub kind: Kind,
    pub data: *mut u8,
    /// Bytes allocated (dynamic) or the buffer's size (fixed).
    pub cap: usize,
    /// Bytes of content.
    pub len: usize,
    pub pos: usize,
}

impl Memory {
    /// open_memstream(3)'s state (`*bufp` and `*sizep` are first stored
    /// by fflush or fclose, as in glibc).
    pub fn dynamic(bufp: *mut *mut c_char, sizep: *mut usize) -> KResult<Memory> {
        let data = crate::crt::alloc(64)?;
        // SAFETY: a fresh 64-byte block.
        unsafe { *data = 0 };
        Ok(Memory { kind: Kind::Dynamic { bufp, sizep }, data, cap: 64, len: 0, pos: 0 })
    }

    /// fmemopen(3)'s state for `data` of `size` bytes opened with `mode`'s
    /// first letter (`r`, `w` or `a`); a null `data` gets a zeroed buffer.
    /// A size of 0 is allowed, as in glibc (every read is end-of-file).
    pub fn fixed(data: *mut u8, size: usize, mode: u8) -> KResult<Memory> {
        let own = data.is_null();
        let data = if own {
            let p = crate::crt::alloc(size)?;
            // SAFETY: a fresh block of `size` bytes.
            unsafe { ptr::write_bytes(p, 0, size) };
            p
        } else {
            data
        };
        // SAFETY: `data` has `size` bytes (the caller's promise, or ours).
        let content = unsafe { std::slice::from_raw_parts(data, size) };
        let nul = content.iter().position(|&b| b == 0).unwrap_or(size);
        let (len, pos) = match mode {
            b'w' => {
                if size > 0 {
                    // SAFETY: the buffer has at least one byte.
                    unsafe { *data = 0 };
                }
                (0, 0)
            }
            b'a' => (nul, nul),
            _ => (size, 0),
        };
        Ok(Memory { kind: Kind::Fixed { own }, data, cap: size, len, pos })
    }

    /// Stores `*bufp` and `*sizep` (open_memstream).
    pub fn publish(&mut self) {
        if let Kind::Dynamic { bufp, sizep } = self.kind {
            // SAFETY: the guest's out-parameters, valid while the stream is
            // open (open_memstream(3)).
            unsafe {
                *bufp = self.data.cast();
                *sizep = self.len.min(self.pos);
            }
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> KResult<usize> {
        let n = match self.kind {
            Kind::Dynamic { .. } => {
                let end = self.pos + bytes.len();
                if end + 1 > self.cap {
                    let cap = (end + 1).next_power_of_two();
                    // SAFETY: `data` is this stream's arena block.
                    self.data = unsafe { crate::crt::realloc(self.data, cap) }?;
                    self.cap = cap;
                }
                if self.pos > self.len {
                    // SAFETY: `[len, pos)` lies inside the block.
                    unsafe { ptr::write_bytes(self.data.add(self.len), 0, self.pos - self.len) };
                }
                bytes.len()
            }
            Kind::Fixed { .. } => {
                let n = bytes.len().min(self.cap.saturating_sub(self.pos));
                if n == 0 && !bytes.is_empty() {
                    return Err(Errno::ENOSPC);
                }
                n
            }
        };
        // SAFETY: `[pos, pos + n)` lies inside the block (grown or clamped).
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.data.add(self.pos), n) };
        self.pos += n;
        if self.pos > self.len {
            self.len = self.pos;
            if self.len < self.cap {
                // SAFETY: len < cap.
                unsafe { *self.data.add(self.len) = 0 };
            }
        }
        Ok(n)
    }

    pub fn read(&mut self, into: &mut [u8]) -> KResult<usize> {
        if let Kind::Dynamic { .. } = self.kind {
            return Err(Errno::EBADF);
        }
        let n = into.len().min(self.len.saturating_sub(self.pos));
        // SAFETY: `[pos, pos + n)` lies inside the content.
        unsafe { ptr::copy_nonoverlapping(self.data.add(self.pos), into.as_mut_ptr(), n) };
        self.pos += n;
        Ok(n)
    }

    /// Moves the position to the end of the content (append mode).
    pub fn seek_end(&mut self) {
        self.pos = self.len;
    }

    pub fn seek(&mut self, off: libc::off_t, whence: c_int) -> KResult<libc::off_t> {
        let base = match whence {
            libc::SEEK_SET => 0,
            libc::SEEK_CUR => self.pos as libc::off_t,
            _ => self.len as libc::off_t,
        };
        let pos = base.checked_add(off).ok_or(Errno::EOVERFLOW)?;
        let limit = match self.kind {
            Kind::Dynamic { .. } => libc::off_t::MAX,
            Kind::Fixed { .. } => self.cap as libc::off_t,
        };
        if pos < 0 || pos > limit {
            return Err(Errno::EINVAL);
        }
        self.pos = pos as usize;
        Ok(pos)
    }

    /// What fclose leaves behind: open_memstream's buffer goes to the
    /// guest; fmemopen's own buffer is freed.
    pub fn close(&mut self) {
        self.publish();
        if let Kind::Fixed { own: true } = self.kind {
            // SAFETY: the runtime allocated this buffer in `fixed`.
            unsafe { crate::crt::free(self.data) };
        }
    }
}
