//! Virtual devices: character devices the runtime implements itself, found
//! by path under /dev.
//!
//! "A character special file gives access to a device driver; open(2),
//! read(2), write(2), poll(2) and ioctl(2) on it are the driver's" (the
//! Unix model). Here the driver is runtime code (or an embedding app's, see
//! `abi::tvm`), and the node never needs a host file: an iOS app cannot
//! open most of /dev, and a guest must never reach the host's terminals.
//!
//! A [`Device`] is a node: opening it makes a [`DeviceFile`], the state of
//! one open file description, which `fd::OpenFile` wraps. Blocking is the
//! device's own business, through its [`WaitQueue`]: a read with nothing to
//! return waits there unless the description is non-blocking, and poll
//! registers there.
//!
//! The runtime owns /dev's listing (registered nodes and /dev/pts); a path
//! under /dev that names no virtual node goes to the host (Linux's
//! /dev/shm, for one).

pub mod dir;
pub mod external;
pub mod fdlink;
pub mod memory;
pub mod registry;

use std::ffi::{c_int, c_ulong, c_void, CString};
use std::fmt;

use super::task::Task;
use super::waitq::WaitQueue;
use super::{Errno, KResult};

pub use registry::{lookup, register, Node};

/// One open file description of a virtual device.
pub trait DeviceFile: Send + Sync + fmt::Debug {
    /// read(2); waits for data unless `nonblock`.
    fn read(&self, task: &Task, buf: &mut [u8], nonblock: bool) -> KResult<usize>;
    /// write(2); waits for room unless `nonblock`.
    fn write(&self, task: &Task, buf: &[u8], nonblock: bool) -> KResult<usize>;
    /// The subset of `events` ready now, plus POLLHUP/POLLERR as they apply.
    fn poll(&self, events: i16) -> i16;
    /// Woken whenever what `poll` answers may have changed.
    fn queue(&self) -> &WaitQueue;
    /// ioctl(2) for requests the device knows; others are ENOTTY.
    ///
    /// # Safety
    /// `arg` is the caller's argument for `req` (a pointer for most).
    unsafe fn ioctl(&self, task: &Task, req: c_ulong, arg: *mut c_void) -> KResult<c_int> {
        let _ = (task, req, arg);
        Err(Errno::ENOTTY)
    }
    fn stat(&self) -> libc::stat;
    /// lseek(2): most devices cannot (ESPIPE); memory-like ones answer 0.
    fn seek(&self, off: libc::off_t, whence: c_int) -> KResult<libc::off_t> {
        let _ = (off, whence);
        Err(Errno::ESPIPE)
    }
    /// The node's path (ttyname, `tvm lsof`).
    fn path(&self) -> String;
    /// The terminal side this description is, if it is one.
    fn terminal(&self) -> Option<&crate::kernel::tty::pty::End> {
        None
    }
    /// getdents64(2) of a virtual directory: `linux_dirent64` records
    /// into `buf`, 0 at the end; ENOTDIR for anything else.
    fn getdents(&self, buf: &mut [u8]) -> KResult<usize> {
        let _ = buf;
        Err(Errno::ENOTDIR)
    }
}

/// A node: what opening its path gives.
pub trait Device: Send + Sync {
    fn open(&self, task: &Task, flags: c_int) -> KResult<Box<dyn DeviceFile>>;
    fn stat(&self) -> libc::stat;
}

/// One entry of a virtual directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub ino: u64,
    /// DT_CHR, DT_DIR, DT_LNK.
    pub kind: u8,
}

/// A stat for a node of type `ifmt` with permissions `perm`, device
/// number (`major`, `minor`), owned by `uid`/`gid`, made at `since`.
pub fn node_stat(ifmt: libc::mode_t, perm: libc::mode_t, major: u32, minor: u32, uid: u32, gid: u32) -> libc::stat {
    // SAFETY: stat is plain data; all-zero is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    st.st_mode = ifmt | perm;
    st.st_nlink = if ifmt == libc::S_IFDIR { 2 } else { 1 };
    st.st_rdev = crate::platform::makedev(major, minor);
    st.st_dev = DEV_FS;
    st.st_ino = inode(major, minor, ifmt);
    st.st_uid = uid;
    st.st_gid = gid;
    st.st_blksize = 4096;
    let t = boot_time();
    st.st_atime = t;
    st.st_mtime = t;
    st.st_ctime = t;
    st
}

/// The device number of the filesystem virtual nodes live on (devtmpfs's
/// 0:5 on Linux).
pub const DEV_FS: libc::dev_t = 5;

fn inode(major: u32, minor: u32, ifmt: libc::mode_t) -> libc::ino_t {
    (u64::from(major) << 24 | u64::from(minor) << 4 | u64::from(ifmt >> 12)) as libc::ino_t + 1
}

/// When the runtime started: the time virtual nodes carry.
fn boot_time() -> libc::time_t {
    static T: std::sync::OnceLock<libc::time_t> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as libc::time_t)
    })
}

/// The host user every task runs as: owner of the terminals it opens.
pub fn user() -> (u32, u32) {
    // SAFETY: getuid and getgid have no preconditions.
    unsafe { (libc::getuid(), libc::getgid()) }
}

/// Opens the node at `path` (found by `lookup`) with open(2)'s `flags`.
pub fn open(task: &Task, path: &str, node: Node, flags: c_int) -> KResult<std::sync::Arc<crate::kernel::fd::OpenFile>> {
    use crate::kernel::fd::OpenFile;
    if flags & libc::O_CREAT != 0 && flags & libc::O_EXCL != 0 {
        return Err(Errno::EEXIST);
    }
    let dir = |entries: Vec<DirEntry>| -> KResult<std::sync::Arc<OpenFile>> {
        if flags & libc::O_ACCMODE != libc::O_RDONLY {
            return Err(Errno::EISDIR);
        }
        Ok(OpenFile::device(Box::new(dir::VirtualDir::new(path, entries)), flags))
    };
    match node {
        Node::Absent => Err(Errno::ENOENT),
        Node::Dir(d) => dir(registry::entries(d)),
        Node::FdDir => dir(fd_entries(task)),
        Node::ProcDir(d) => dir(crate::kernel::proc::entries(task, &d)),
        Node::Link(target) => {
            let target = CString::new(link_target(&target)).map_err(|_| Errno::ENOENT)?;
            crate::kernel::fs::ops::open_description(task, libc::AT_FDCWD, &target, flags, 0)
        }
        _ if flags & libc::O_DIRECTORY != 0 => Err(Errno::ENOTDIR),
        Node::Device(dev) => Ok(OpenFile::device(dev.open(task, flags)?, flags)),
        Node::FdLink { fd, owner: None, .. } => fdlink::reopen(task, fd, flags),
        Node::FdLink { fd, owner: Some(pid), .. } => {
            let owner = crate::kernel::task::table::lock().get(pid).map(|p| p.task.clone()).ok_or(Errno::ENOENT)?;
            fdlink::reopen(&owner, fd, flags)
        }
        Node::Text { .. } if flags & libc::O_ACCMODE != libc::O_RDONLY => Err(Errno::EACCES),
        Node::Text { path, text } => {
            Ok(OpenFile::device(Box::new(crate::kernel::proc::text::TextFile::new(&path, text)), flags))
        }
    }
}

/// A /proc link's target as an absolute path (relative ones are relative
/// to /proc, where all of them live).
fn link_target(target: &str) -> String {
    if target.starts_with('/') {
        target.to_string()
    } else {
        format!("/proc/{target}")
    }
}

/// /dev/fd's entries: the caller's open descriptors, as links.
fn fd_entries(task: &Task) -> Vec<DirEntry> {
    task.files
        .lock()
        .iter()
        .map(|(fd, _)| DirEntry { name: fd.to_string(), ino: 100 + fd as u64, kind: libc::DT_LNK })
        .collect()
}

/// stat(2) of a node; `follow` is false for lstat (a link is then itself).
pub fn stat_node(task: &Task, path: &str, node: &Node, follow: bool) -> KResult<libc::stat> {
    match node {
        Node::Absent => Err(Errno::ENOENT),
        Node::Device(dev) => Ok(dev.stat()),
        Node::Dir(_) => Ok(dir::stat(path)),
        Node::ProcDir(_) => {
            let mut st = dir::stat(path);
            (st.st_uid, st.st_gid) = user();
            st.st_mode = libc::S_IFDIR | 0o555;
            Ok(st)
        }
        Node::Text { .. } => Ok(crate::kernel::proc::text::stat(path)),
        Node::Link(target) if follow => {
            let target = CString::new(link_target(target)).map_err(|_| Errno::ENOENT)?;
            crate::kernel::fs::ops::fstatat(task, libc::AT_FDCWD, &target, 0)
        }
        Node::FdDir if follow => Ok(dir::stat(path)),
        Node::FdLink { fd, owner: None, .. } if follow => {
            crate::kernel::fd::ops::fstat(task, *fd).map_err(|_| Errno::ENOENT)
        }
        Node::FdLink { fd, owner: Some(pid), .. } if follow => {
            let owner = crate::kernel::task::table::lock().get(*pid).map(|p| p.task.clone()).ok_or(Errno::ENOENT)?;
            crate::kernel::fd::ops::fstat(&owner, *fd).map_err(|_| Errno::ENOENT)
        }
        Node::FdDir | Node::FdLink { .. } | Node::Link(_) => {
            let mut st = node_stat(libc::S_IFLNK, 0o777, 0, 0, 0, 0);
            st.st_rdev = 0;
            st.st_size = readlink_node(node).map_or(0, |t| t.len() as libc::off_t);
            Ok(st)
        }
    }
}

/// readlink(2) of a node: the target of a link, EINVAL for anything else.
pub fn readlink_node(node: &Node) -> KResult<String> {
    match node {
        Node::FdLink { target, .. } | Node::Link(target) => Ok(target.clone()),
        Node::FdDir => Ok("/proc/self/fd".into()),
        Node::Absent => Err(Errno::ENOENT),
        _ => Err(Errno::EINVAL),
    }
}
