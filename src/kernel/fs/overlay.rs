//! Registered programs seen as files.
//!
//! A program registered at /bin/ls is runnable whether or not the host has a
//! file there (on iOS it never does). Shells look a command up with stat(2)
//! or access(2) before they exec it, so a registered path the host does not
//! have appears to those calls as a root-owned 0755 regular file.

use std::ffi::{c_int, CStr};
use std::time::UNIX_EPOCH;

use crate::kernel::task::Task;
use crate::kernel::{Errno, KResult};
use crate::programs;

/// The stat of `path` (resolved against `dirfd`) when it names a registered
/// program; `None` otherwise.
pub fn stat(task: &Task, dirfd: c_int, path: &CStr) -> Option<libc::stat> {
    let bytes = path.to_bytes();
    let abs = super::lexical_absolute(task, &super::beside_cwd(task, dirfd, bytes)?).ok()?;
    // A link to a program is one too, whether the host has the file the
    // link names or not (on iOS it never does).
    crate::kernel::task::exec::program_at(task, &abs)?;
    // SAFETY: stat is plain data; zero is valid.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    st.st_mode = libc::S_IFREG | 0o755;
    st.st_nlink = 1;
    st.st_blksize = 4096;
    st.st_ino = inode_of(&abs);
    let t = programs::registered_at().duration_since(UNIX_EPOCH).unwrap_or_default();
    st.st_mtime = t.as_secs() as libc::time_t;
    st.st_ctime = st.st_mtime;
    st.st_atime = st.st_mtime;
    Some(st)
}

/// access(2) on a program file: everyone may read and execute, only root
/// may write.
pub fn access(st: &libc::stat, mode: c_int) -> KResult<()> {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if mode & libc::W_OK != 0 && euid != 0 && euid != st.st_uid {
        return Err(Errno::EACCES);
    }
    Ok(())
}

/// A stable, non-zero inode number for a program path (FNV-1a).
fn inode_of(path: &str) -> libc::ino_t {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h | 1) as libc::ino_t
}
