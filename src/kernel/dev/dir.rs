//! The virtual directories /dev, /dev/pts and /dev/fd: opened, they list
//! what is there at that moment, as getdents(2) records (with "." and
//! ".."), and seek back to any position telldir gave.

use std::ffi::c_int;

use parking_lot::Mutex;

use super::{node_stat, DeviceFile, DirEntry};
use crate::kernel::task::Task;
use crate::kernel::waitq::WaitQueue;
use crate::kernel::{Errno, KResult};

#[derive(Debug)]
pub struct VirtualDir {
    path: String,
    entries: Vec<DirEntry>,
    /// Index of the next entry getdents returns.
    pos: Mutex<usize>,
}

static NEVER: WaitQueue = WaitQueue::new();

impl VirtualDir {
    /// The directory at `path` with `entries` (without "." and "..").
    pub fn new(path: &str, entries: Vec<DirEntry>) -> VirtualDir {
        let mut all = vec![
            DirEntry { name: ".".into(), ino: dir_ino(path), kind: libc::DT_DIR },
            DirEntry { name: "..".into(), ino: 1, kind: libc::DT_DIR },
        ];
        all.extend(entries);
        VirtualDir { path: path.to_string(), entries: all, pos: Mutex::new(0) }
    }
}

fn dir_ino(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)) | 1
}

/// A virtual directory's stat.
pub fn stat(path: &str) -> libc::stat {
    let mut st = node_stat(libc::S_IFDIR, 0o755, 0, 0, 0, 0);
    st.st_rdev = 0;
    st.st_ino = dir_ino(path) as libc::ino_t;
    st
}

impl DeviceFile for VirtualDir {
    fn read(&self, _task: &Task, _buf: &mut [u8], _nonblock: bool) -> KResult<usize> {
        Err(Errno::EISDIR)
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
        if whence != libc::SEEK_SET || off < 0 {
            return Err(Errno::EINVAL);
        }
        *self.pos.lock() = off as usize;
        Ok(off)
    }

    fn path(&self) -> String {
        self.path.clone()
    }

    fn getdents(&self, buf: &mut [u8]) -> KResult<usize> {
        let mut pos = self.pos.lock();
        let mut used = 0;
        while let Some(e) = self.entries.get(*pos) {
            let reclen = (19 + e.name.len() + 1).div_ceil(8) * 8;
            if used + reclen > buf.len() {
                if used == 0 {
                    return Err(Errno::EINVAL);
                }
                break;
            }
            let r = &mut buf[used..used + reclen];
            r.fill(0);
            r[0..8].copy_from_slice(&e.ino.to_ne_bytes());
            r[8..16].copy_from_slice(&((*pos + 1) as i64).to_ne_bytes());
            r[16..18].copy_from_slice(&(reclen as u16).to_ne_bytes());
            r[18] = e.kind;
            r[19..19 + e.name.len()].copy_from_slice(e.name.as_bytes());
            used += reclen;
            *pos += 1;
        }
        Ok(used)
    }
}
