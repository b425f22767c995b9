//! An open /proc file: its text, made when the path was looked up (a
//! snapshot, as a single read of a Linux proc file is), read from a
//! position that lseek moves.

use std::ffi::c_int;

use parking_lot::Mutex;

use crate::kernel::dev::{node_stat, DeviceFile};
use crate::kernel::task::Task;
use crate::kernel::waitq::WaitQueue;
use crate::kernel::{Errno, KResult};

#[derive(Debug)]
pub struct TextFile {
    path: String,
    text: Vec<u8>,
    pos: Mutex<usize>,
}

static NEVER: WaitQueue = WaitQueue::new();

impl TextFile {
    pub fn new(path: &str, text: Vec<u8>) -> TextFile {
        TextFile { path: path.to_string(), text, pos: Mutex::new(0) }
    }
}

/// A /proc file's stat: a regular file, read-only, size 0 (Linux's proc
/// files report 0; readers read to end of file).
pub fn stat(path: &str) -> libc::stat {
    let (uid, gid) = crate::kernel::dev::user();
    let mut st = node_stat(libc::S_IFREG, 0o444, 0, 0, uid, gid);
    st.st_rdev = 0;
    st.st_ino =
        path.bytes().fold(0x811c_9dc5u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)) as libc::ino_t;
    st
}

impl DeviceFile for TextFile {
    fn read(&self, _task: &Task, buf: &mut [u8], _nonblock: bool) -> KResult<usize> {
        let mut pos = self.pos.lock();
        let rest = self.text.get(*pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        *pos += n;
        Ok(n)
    }

    fn write(&self, _task: &Task, _buf: &[u8], _nonblock: bool) -> KResult<usize> {
        Err(Errno::EBADF)
    }

    fn poll(&self, events: i16) -> i16 {
        events & (libc::POLLIN | libc::POLLRDNORM)
    }

    fn queue(&self) -> &WaitQueue {
        &NEVER
    }

    fn stat(&self) -> libc::stat {
        stat(&self.path)
    }

    fn seek(&self, off: libc::off_t, whence: c_int) -> KResult<libc::off_t> {
        let mut pos = self.pos.lock();
        let base = match whence {
            libc::SEEK_SET => 0,
            libc::SEEK_CUR => *pos as libc::off_t,
            libc::SEEK_END => self.text.len() as libc::off_t,
            _ => return Err(Errno::EINVAL),
        };
        let new = base.checked_add(off).filter(|n| *n >= 0).ok_or(Errno::EINVAL)?;
        *pos = new as usize;
        Ok(new)
    }

    fn path(&self) -> String {
        self.path.clone()
    }
}
