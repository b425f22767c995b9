//! Directory streams: the runtime's `DIR`.
//!
//! A directory stream is one block in the task's arena: a [`Dir`] header
//! followed by a buffer that the host's `getdents64` fills from the
//! stream's descriptor (a task descriptor, so its offset is that of the open
//! file description, shared with dups and fork children as on Unix). On
//! Linux x86_64 and aarch64 the kernel's `linux_dirent64` records have
//! exactly the layout of glibc's `struct dirent` (and `dirent64`), so
//! `readdir` returns pointers into the buffer, as glibc does.
//!
//! Because the whole stream (position and buffered entries included) lives
//! in the arena, a fork child inherits a copy: its `readdir` continues with
//! the entries the parent had buffered but not yet returned, then reads the
//! shared description from wherever it is then. exec starts a new arena, so
//! a new image has no streams (their descriptors are close-on-exec).
//!
//! The rules are glibc's (2.36): the buffer is the directory's block size,
//! at least 32 KiB and at most 1 MiB; entries with inode 0 are skipped;
//! `ENOENT` from `getdents64` (a removed directory) is the end; `readdir`
//! leaves errno alone at the end; `telldir` is the `d_off` of the entry
//! last returned (0 at the start); `seekdir` moves the descriptor there and
//! drops the buffer; `fdopendir` sets FD_CLOEXEC on the descriptor it takes
//! over. A pointer the guest hands back is checked first ([`check`]): null,
//! misaligned, outside the arena or closed is EBADF, never a crash.

use crate::platform::c as libc;
use std::ffi::{c_int, c_long, CStr};
use std::mem::{offset_of, size_of};

use crate::kernel::fd::ops as fdops;
use crate::kernel::fs::ops as fsops;
use crate::kernel::task::current;
use crate::kernel::{Errno, KResult};

/// Marks a live stream ("tvm_DIR!"; cleared when it is closed).
pub const MAGIC: u64 = 0x7476_6d5f_4449_5221;

/// Smallest and largest buffer (glibc's bounds on the block size).
const MIN_BUF: usize = 32 << 10;
const MAX_BUF: usize = 1 << 20;

/// Where the name starts in a record, and the largest record a `struct
/// dirent` holds (NAME_MAX + 1 bytes of name).
const NAME_AT: usize = offset_of!(libc::dirent64, d_name);
const NAME_MAX: usize = 255;

/// The header of a directory stream; its buffer follows it.
#[repr(C)]
pub struct Dir {
    pub magic: u64,
    /// The task descriptor the stream reads (owned by the stream).
    pub fd: c_int,
    /// The error `readdir_r` reports at the end (glibc's `errcode`): set by
    /// a failed read, cleared by `rewinddir`.
    errcode: c_int,
    /// Bytes of buffer after the header.
    cap: usize,
    /// The buffered records are `buf[pos..size]`.
    pos: usize,
    size: usize,
    /// `d_off` of the entry last returned: what `telldir` reports.
    filepos: c_long,
}

const HEADER: usize = size_of::<Dir>();
const _: () = assert!(HEADER % 8 == 0, "records after the header must be 8-byte aligned");
const _: () = assert!(size_of::<libc::dirent>() == size_of::<libc::dirent64>());
const _: () = assert!(offset_of!(libc::dirent, d_name) == NAME_AT);

/// The buffer size for a directory whose block size is `blksize`.
fn buffer_size(blksize: libc::blksize_t) -> usize {
    usize::try_from(blksize).unwrap_or(0).clamp(MIN_BUF, MAX_BUF)
}

/// Makes a stream on task descriptor `fd` (which it then owns).
fn make(fd: c_int, st: &libc::stat) -> KResult<*mut Dir> {
    let cap = buffer_size(st.st_blksize);
    let p = crate::crt::alloc(HEADER + cap)?.cast::<Dir>();
    // SAFETY: a fresh arena block of HEADER + cap bytes, 16-aligned.
    unsafe { p.write(Dir { magic: MAGIC, fd, errcode: 0, cap, pos: 0, size: 0, filepos: 0 }) };
    Ok(p)
}

/// opendir(3): opens `path` (relative to the task's cwd) as glibc does,
/// with O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC.
pub fn opendir(path: &CStr) -> KResult<*mut Dir> {
    let task = current();
    let flags = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_DIRECTORY | libc::O_CLOEXEC;
    let fd = fsops::openat(task, libc::AT_FDCWD, path, flags, 0)?;
    let made = fdops::fstat(task, fd).and_then(|st| make(fd, &st));
    if made.is_err() {
        let _ = fdops::close(task, fd);
    }
    made
}

/// fdopendir(3): EBADF for a closed `fd`, ENOTDIR unless it is a
/// directory, EINVAL if it is open write-only; then the stream owns `fd`,
/// which becomes close-on-exec (as glibc does).
pub fn fdopendir(fd: c_int) -> KResult<*mut Dir> {
    let task = current();
    let st = fdops::fstat(task, fd)?;
    if st.st_mode & libc::S_IFMT != libc::S_IFDIR {
        return Err(Errno::ENOTDIR);
    }
    if fdops::file(task, fd)?.status_flags()? & libc::O_ACCMODE == libc::O_WRONLY {
        return Err(Errno::EINVAL);
    }
    task.files.lock().slot_mut(fd)?.cloexec = true;
    make(fd, &st)
}

/// The stream a guest `DIR *` names: EBADF unless it points at a live
/// stream of the calling task. The reference is for the duration of one
/// runtime call (the stream lives until the guest closes it).
pub fn check(d: *mut libc::DIR) -> KResult<&'static mut Dir> {
    let p = d.cast::<Dir>();
    if p.is_null() || !p.is_aligned() || !crate::crt::in_arena(p.cast(), HEADER) {
        return Err(Errno::EBADF);
    }
    // SAFETY: the header lies in the task's arena, aligned; a live stream
    // carries MAGIC (the runtime wrote it; closedir clears it), and then its
    // buffer must lie in the arena too.
    unsafe {
        if std::ptr::read(&raw const (*p).magic) != MAGIC {
            return Err(Errno::EBADF);
        }
        let cap = std::ptr::read(&raw const (*p).cap);
        if cap > MAX_BUF || !crate::crt::in_arena(p.cast(), HEADER + cap) {
            return Err(Errno::EBADF);
        }
        Ok(&mut *p)
    }
}

/// closedir(3): frees the stream and closes its descriptor (whose error,
/// EBADF if the guest closed it already, is the result).
///
/// # Safety
/// `d` must be a live stream of the calling task (from [`check`]); it is
/// gone afterwards.
pub unsafe fn close(d: &mut Dir) -> KResult<()> {
    let fd = d.fd;
    d.magic = 0;
    // SAFETY: per the caller, an arena block made by `make`.
    unsafe { crate::crt::free(std::ptr::from_mut(d).cast()) };
    fdops::close(current(), fd)
}

/// The outcome of looking for the next record.
enum Next {
    /// A record at this offset of the buffer.
    At(usize),
    End,
}

impl Dir {
    fn buf(&mut self) -> *mut u8 {
        // SAFETY: the buffer follows the header in the same block.
        unsafe { std::ptr::from_mut(self).cast::<u8>().add(HEADER) }
    }

    /// Refills the buffer with one `getdents64`; false at the end.
    fn fill(&mut self) -> KResult<bool> {
        let (buf, cap) = (self.buf(), self.cap);
        // SAFETY: `buf` has `cap` writable bytes (checked to lie in the
        // arena), not otherwise borrowed while the slice lives.
        let n = fdops::getdents(current(), self.fd, unsafe { std::slice::from_raw_parts_mut(buf, cap) })?;
        self.pos = 0;
        self.size = n.min(cap);
        Ok(n > 0)
    }

    /// The next record with a non-zero inode, read ahead if the buffer is
    /// used up; `filepos` becomes its `d_off`. A record the guest damaged
    /// (through a pointer readdir returned) is EIO, not a wild read.
    fn next(&mut self) -> KResult<Next> {
        loop {
            if self.pos >= self.size && !self.fill()? {
                return Ok(Next::End);
            }
            let at = self.pos;
            if self.size > self.cap || at + NAME_AT + 1 > self.size || at % 8 != 0 {
                self.drop_buffer();
                return Err(Errno::EIO);
            }
            // SAFETY: `at` is an 8-aligned offset with a record header inside
            // the filled part of the buffer.
            let (ino, off, reclen) = unsafe {
                let e = self.buf().add(at).cast::<libc::dirent64>();
                ((*e).d_ino, crate::platform::dirent_offset(&*e), usize::from((*e).d_reclen))
            };
            if reclen <= NAME_AT || at + reclen > self.size {
                self.drop_buffer();
                return Err(Errno::EIO);
            }
            self.pos = at + reclen;
            self.filepos = off as c_long;
            if ino != 0 {
                return Ok(Next::At(at));
            }
        }
    }

    fn drop_buffer(&mut self) {
        self.pos = 0;
        self.size = 0;
    }

    /// readdir(3): the next entry, or null at the end (errno unchanged,
    /// including when the directory was removed: ENOENT is the end).
    pub fn read(&mut self) -> KResult<*mut libc::dirent64> {
        let saved = Errno::last_raw();
        match self.next() {
            Ok(Next::At(at)) => {
                // SAFETY: `at` is a record inside the buffer.
                Ok(unsafe { self.buf().add(at) }.cast())
            }
            Ok(Next::End) => Ok(std::ptr::null_mut()),
            Err(Errno::ENOENT) => {
                Errno::set_raw(saved);
                Ok(std::ptr::null_mut())
            }
            Err(e) => Err(e),
        }
    }

    /// readdir_r(3): copies the next entry to `entry` and sets `*result` to
    /// it, or to null at the end; returns 0 or an error number (glibc's:
    /// an earlier failed read's error is reported again at the end).
    ///
    /// # Safety
    /// `entry` must be valid for writes of a `struct dirent64`.
    pub unsafe fn read_r(&mut self, entry: *mut libc::dirent64, result: *mut *mut libc::dirent64) -> c_int {
        let saved = Errno::last_raw();
        let found = loop {
            match self.next() {
                Ok(Next::At(at)) => {
                    // SAFETY: `at` is a record inside the buffer, with a
                    // NUL-terminated name within its reclen bytes.
                    let (rec, reclen) = unsafe {
                        let rec = self.buf().add(at);
                        (rec, usize::from((*rec.cast::<libc::dirent64>()).d_reclen))
                    };
                    if reclen <= NAME_AT + NAME_MAX + 1 {
                        break Some((rec, reclen));
                    }
                    // A record longer than a struct dirent: fits if its name
                    // does, without the padding.
                    // SAFETY: the name lies within the record.
                    let len = unsafe { libc::strnlen(rec.add(NAME_AT).cast(), reclen - NAME_AT) };
                    if len <= NAME_MAX {
                        break Some((rec, NAME_AT + len + 1));
                    }
                    self.errcode = libc::ENAMETOOLONG;
                }
                Ok(Next::End) => break None,
                Err(Errno::ENOENT) => {
                    Errno::set_raw(saved);
                    break None;
                }
                Err(e) => {
                    self.errcode = e as c_int;
                    break None;
                }
            }
        };
        match found {
            Some((rec, len)) => {
                // SAFETY: `entry` has room for a struct dirent64 (len is at
                // most its size); `result` is the caller's out-parameter.
                unsafe {
                    std::ptr::copy_nonoverlapping(rec, entry.cast::<u8>(), len);
                    (*entry).d_reclen = len as u16;
                    result.write(entry);
                }
                0
            }
            None => {
                // SAFETY: as above.
                unsafe { result.write(std::ptr::null_mut()) };
                self.errcode
            }
        }
    }

    /// telldir(3): where the entry last returned ends.
    pub fn tell(&self) -> c_long {
        self.filepos
    }

    /// seekdir(3): moves the descriptor to `pos` (a telldir value) and
    /// drops the buffer.
    pub fn seek(&mut self, pos: c_long) {
        let _ = fdops::lseek(current(), self.fd, pos as libc::off_t, libc::SEEK_SET);
        self.drop_buffer();
        self.filepos = pos;
    }

    /// rewinddir(3).
    pub fn rewind(&mut self) {
        let _ = fdops::lseek(current(), self.fd, 0, libc::SEEK_SET);
        self.drop_buffer();
        self.filepos = 0;
        self.errcode = 0;
    }
}

/// scandir(3)'s callbacks.
pub type Filter = Option<unsafe extern "C" fn(*const libc::dirent) -> c_int>;
pub type Compare = Option<unsafe extern "C" fn(*mut *const libc::dirent, *mut *const libc::dirent) -> c_int>;

/// scandir(3): reads every entry of the directory at `path` (relative to
/// the task's cwd) through a directory stream, keeps arena copies of those
/// `filter` accepts (each as long as its record, and at least a whole
/// struct dirent), sorts them with `compar`. Returns the array (allocated
/// even when empty) and its length. errno is left as it was on success.
///
/// # Safety
/// `filter` and `compar` must be valid callbacks of scandir(3)'s types.
pub unsafe fn scandir(path: &CStr, filter: Filter, compar: Compare) -> KResult<(*mut *mut libc::dirent, usize)> {
    let saved = Errno::last_raw();
    let dp = opendir(path)?;
    let mut list: *mut *mut libc::dirent = std::ptr::null_mut();
    let (mut n, mut slots) = (0usize, 0usize);
    let result = loop {
        // SAFETY: `dp` is the live stream opened above (the guest never
        // sees it, so the filter cannot close it).
        let ent = match unsafe { (*dp).read() } {
            Ok(e) if e.is_null() => break Ok(()),
            Ok(e) => e.cast::<libc::dirent>(),
            Err(e) => break Err(e),
        };
        if let Some(f) = filter {
            // SAFETY: the guest's callback, given a live entry.
            if unsafe { f(ent) } == 0 {
                continue;
            }
        }
        // SAFETY: a live record of the stream's buffer.
        let reclen = usize::from(unsafe { (*ent).d_reclen });
        let copy = match crate::crt::alloc(reclen.max(size_of::<libc::dirent>())) {
            Ok(p) => p,
            Err(e) => break Err(e),
        };
        if n == slots {
            let more = if slots == 0 { 10 } else { slots * 2 };
            // SAFETY: growing our own arena array (null the first time).
            match unsafe { crate::crt::realloc(list.cast(), more * size_of::<*mut libc::dirent>()) } {
                Ok(p) => (list, slots) = (p.cast(), more),
                Err(e) => {
                    // SAFETY: just allocated.
                    unsafe { crate::crt::free(copy) };
                    break Err(e);
                }
            }
        }
        // SAFETY: `copy` has room for the record (reclen bytes); `list`
        // has a free slot n.
        unsafe {
            std::ptr::copy_nonoverlapping(ent.cast::<u8>(), copy, reclen);
            *list.add(n) = copy.cast();
        }
        n += 1;
    };
    // SAFETY: the stream opened above, closed once.
    let _ = unsafe { close(&mut *dp) };
    if let Err(e) = result {
        for i in 0..n {
            // SAFETY: each entry is an arena allocation made above.
            unsafe { crate::crt::free((*list.add(i)).cast()) };
        }
        // SAFETY: the array is ours (or null).
        unsafe { crate::crt::free(list.cast()) };
        return Err(e);
    }
    if let (Some(c), true) = (compar, n > 1) {
        // SAFETY: sorts our array of n entry pointers with the guest's
        // comparison, which scandir(3) defines on pointers to entries.
        unsafe {
            let cmp: unsafe extern "C" fn(*const libc::c_void, *const libc::c_void) -> c_int = std::mem::transmute(c);
            libc::qsort(list.cast(), n, size_of::<*mut libc::dirent>(), Some(cmp));
        }
    }
    if list.is_null() {
        // An empty result is still an allocated (empty) array.
        list = crate::crt::alloc(size_of::<*mut libc::dirent>())?.cast();
    }
    Errno::set_raw(saved);
    Ok((list, n))
}
