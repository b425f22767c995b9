//! Path calls: every one resolves a relative path against the calling
//! task's working directory (or the given directory descriptor) and applies
//! the task's umask where it creates a file.

use crate::platform::c as libc;
use std::ffi::{c_int, CStr, CString};
use std::os::fd::{FromRawFd, OwnedFd};

use super::overlay;
use super::{fd_path, host_path, At};
use crate::kernel::dev;
use crate::kernel::fd::OpenFile;
use crate::kernel::task::Task;
use crate::kernel::{host, Errno, KResult};

fn umask_of(task: &Task) -> libc::mode_t {
    task.fs.lock().umask
}

/// A virtual node under /dev (`kernel::dev`) or /proc (`kernel::proc`)
/// that `path` names.
fn dev_node(task: &Task, dirfd: c_int, path: &CStr) -> Option<(String, dev::Node)> {
    let p = super::virtual_path(task, dirfd, path)?;
    let node =
        if p == "/proc" || p.starts_with("/proc/") { crate::kernel::proc::lookup(task, &p) } else { dev::lookup(&p) };
    node.map(|n| (p, n))
}

/// openat(2): returns the new task descriptor.
pub fn openat(task: &Task, dirfd: c_int, path: &CStr, flags: c_int, mode: libc::mode_t) -> KResult<c_int> {
    let file = open_description(task, dirfd, path, flags, mode)?;
    task.files.lock().install(file, flags & libc::O_CLOEXEC != 0, 0).map_err(|_| Errno::EMFILE)
}

/// The open file description openat(2) makes, not yet a descriptor.
pub fn open_description(
    task: &Task,
    dirfd: c_int,
    path: &CStr,
    flags: c_int,
    mode: libc::mode_t,
) -> KResult<std::sync::Arc<OpenFile>> {
    match dev_node(task, dirfd, path) {
        Some((p, node)) => dev::open(task, &p, node, flags),
        None => {
            let at = At::resolve(task, dirfd, path)?;
            open_file(at.raw(), path, flags, mode, umask_of(task))
        }
    }
}

/// Opens a host file relative to host directory descriptor `at` as a new
/// description, applying `umask` when it creates the file.
pub fn open_file(
    at: c_int,
    path: &CStr,
    flags: c_int,
    mode: libc::mode_t,
    umask: libc::mode_t,
) -> KResult<std::sync::Arc<OpenFile>> {
    let creates = flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE;
    let mode = if creates { mode & !umask & 0o7777 } else { 0 };
    // The host side is always close-on-exec (the runtime never execs) and
    // never becomes a controlling terminal (terminals are the runtime's).
    let host_flags = flags | libc::O_CLOEXEC | libc::O_NOCTTY;
    // SAFETY: `path` is a NUL-terminated string; integer arguments otherwise.
    let fd = host(unsafe { libc::openat(at, path.as_ptr(), host_flags, mode as libc::c_uint) })?;
    // SAFETY: `fd` is a fresh descriptor.
    let own = unsafe { OwnedFd::from_raw_fd(fd) };
    OpenFile::new(own, flags)
}

pub fn mkdirat(task: &Task, dirfd: c_int, path: &CStr, mode: libc::mode_t) -> KResult<()> {
    let at = At::resolve(task, dirfd, path)?;
    let mode = mode & !umask_of(task) & 0o7777;
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::mkdirat(at.raw(), path.as_ptr(), mode) }).map(drop)
}

pub fn mknodat(task: &Task, dirfd: c_int, path: &CStr, mode: libc::mode_t, dev: libc::dev_t) -> KResult<()> {
    let at = At::resolve(task, dirfd, path)?;
    let mode = (mode & libc::S_IFMT) | (mode & !libc::S_IFMT & !umask_of(task) & 0o7777);
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::mknodat(at.raw(), path.as_ptr(), mode, dev) }).map(drop)
}

pub fn unlinkat(task: &Task, dirfd: c_int, path: &CStr, flags: c_int) -> KResult<()> {
    let at = At::resolve(task, dirfd, path)?;
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::unlinkat(at.raw(), path.as_ptr(), flags) }).map(drop)
}

pub fn renameat2(task: &Task, olddirfd: c_int, old: &CStr, newdirfd: c_int, new: &CStr, flags: u32) -> KResult<()> {
    let a = At::resolve(task, olddirfd, old)?;
    let b = At::resolve(task, newdirfd, new)?;
    if flags == 0 {
        // SAFETY: NUL-terminated paths, integer arguments.
        return host(unsafe { libc::renameat(a.raw(), old.as_ptr(), b.raw(), new.as_ptr()) }).map(drop);
    }
    // SAFETY: NUL-terminated paths, integer arguments.
    host(unsafe { libc::renameat2(a.raw(), old.as_ptr(), b.raw(), new.as_ptr(), flags) }).map(drop)
}

pub fn linkat(task: &Task, olddirfd: c_int, old: &CStr, newdirfd: c_int, new: &CStr, flags: c_int) -> KResult<()> {
    let a = if flags & libc::AT_EMPTY_PATH != 0 && old.is_empty() {
        At::dir(task, olddirfd)?
    } else {
        At::resolve(task, olddirfd, old)?
    };
    let b = At::resolve(task, newdirfd, new)?;
    // SAFETY: NUL-terminated paths, integer arguments.
    host(unsafe { libc::linkat(a.raw(), old.as_ptr(), b.raw(), new.as_ptr(), flags) }).map(drop)
}

pub fn symlinkat(task: &Task, target: &CStr, dirfd: c_int, linkpath: &CStr) -> KResult<()> {
    let at = At::resolve(task, dirfd, linkpath)?;
    // SAFETY: NUL-terminated paths, integer arguments.
    host(unsafe { libc::symlinkat(target.as_ptr(), at.raw(), linkpath.as_ptr()) }).map(drop)
}

pub fn readlinkat(task: &Task, dirfd: c_int, path: &CStr, buf: &mut [u8]) -> KResult<usize> {
    if buf.is_empty() {
        return Err(Errno::EINVAL);
    }
    if let Some((_, node)) = dev_node(task, dirfd, path) {
        let target = dev::readlink_node(&node)?;
        let n = target.len().min(buf.len());
        buf[..n].copy_from_slice(&target.as_bytes()[..n]);
        return Ok(n);
    }
    let at = if path.is_empty() { At::dir(task, dirfd)? } else { At::resolve(task, dirfd, path)? };
    // SAFETY: `buf` is a live writable slice.
    host(unsafe { libc::readlinkat(at.raw(), path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) }).map(|n| n as usize)
}

pub fn fchmodat(task: &Task, dirfd: c_int, path: &CStr, mode: libc::mode_t, flags: c_int) -> KResult<()> {
    let at = At::resolve(task, dirfd, path)?;
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::fchmodat(at.raw(), path.as_ptr(), mode, flags) }).map(drop)
}

pub fn fchownat(
    task: &Task,
    dirfd: c_int,
    path: &CStr,
    uid: libc::uid_t,
    gid: libc::gid_t,
    flags: c_int,
) -> KResult<()> {
    let at = if flags & libc::AT_EMPTY_PATH != 0 && path.is_empty() {
        At::dir(task, dirfd)?
    } else {
        At::resolve(task, dirfd, path)?
    };
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::fchownat(at.raw(), path.as_ptr(), uid, gid, flags) }).map(drop)
}

/// fstatat(2). Registered programs that have no host file appear as
/// executable regular files (see `overlay`).
pub fn fstatat(task: &Task, dirfd: c_int, path: &CStr, flags: c_int) -> KResult<libc::stat> {
    if let Some((p, node)) = dev_node(task, dirfd, path) {
        return dev::stat_node(task, &p, &node, flags & libc::AT_SYMLINK_NOFOLLOW == 0);
    }
    let at = if flags & libc::AT_EMPTY_PATH != 0 && path.is_empty() {
        At::dir(task, dirfd)?
    } else {
        At::resolve(task, dirfd, path)?
    };
    // SAFETY: stat is plain data; zero is valid.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: NUL-terminated path and a live out-parameter.
    match host(unsafe { libc::fstatat(at.raw(), path.as_ptr(), &mut st, flags) }) {
        Ok(_) => {
            if st.st_mode & libc::S_IFMT == libc::S_IFREG && st.st_mode & 0o111 != 0 && !runnable(task, dirfd, path) {
                st.st_mode &= !0o111;
            }
            Ok(st)
        }
        Err(e @ (Errno::ENOENT | Errno::ENOTDIR)) => overlay::stat(task, dirfd, path).ok_or(e),
        Err(e) => Err(e),
    }
}

/// Whether the host file at `path` (against `dirfd`) may read as
/// executable: not a host binary, nor a script run by one
/// (`exec::runs_no_host_binary`, docs/fs.md).
fn runnable(task: &Task, dirfd: c_int, path: &CStr) -> bool {
    let Some(p) = super::beside_cwd(task, dirfd, path.to_bytes()).and_then(|p| CString::new(p).ok()) else {
        return true;
    };
    crate::kernel::task::exec::runs_no_host_binary(task, &p)
}

/// faccessat(2), with the same overlay as `fstatat`.
pub fn faccessat(task: &Task, dirfd: c_int, path: &CStr, mode: c_int, flags: c_int) -> KResult<()> {
    if mode & !(libc::R_OK | libc::W_OK | libc::X_OK) != 0 {
        return Err(Errno::EINVAL);
    }
    if let Some((p, node)) = dev_node(task, dirfd, path) {
        let st = dev::stat_node(task, &p, &node, true)?;
        // Everyone may read and write a device node here (the runtime's
        // user owns the terminals); only directories may be searched.
        let dir = st.st_mode & libc::S_IFMT == libc::S_IFDIR;
        return if mode & libc::X_OK != 0 && !dir { Err(Errno::EACCES) } else { Ok(()) };
    }
    let at = At::resolve(task, dirfd, path)?;
    // SAFETY: NUL-terminated path, integer arguments.
    match host(unsafe { libc::faccessat(at.raw(), path.as_ptr(), mode, flags) }) {
        Ok(_) if mode & libc::X_OK != 0 && !runnable(task, dirfd, path) => Err(Errno::EACCES),
        Ok(_) => Ok(()),
        Err(e @ (Errno::ENOENT | Errno::ENOTDIR)) => match overlay::stat(task, dirfd, path) {
            Some(st) => overlay::access(&st, mode),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// utimensat(2); a null path means the descriptor itself (futimens).
///
/// # Safety
/// `times` must be null or point to two timespecs.
pub unsafe fn utimensat(
    task: &Task,
    dirfd: c_int,
    path: Option<&CStr>,
    times: *const libc::timespec,
    flags: c_int,
) -> KResult<()> {
    match path {
        None => {
            let at = At::dir(task, dirfd)?;
            // SAFETY: `times` is the caller's (possibly null) array of two.
            host(unsafe { libc::futimens(at.raw(), times) }).map(drop)
        }
        Some(p) => {
            let at = At::resolve(task, dirfd, p)?;
            // SAFETY: NUL-terminated path; `times` as above.
            host(unsafe { libc::utimensat(at.raw(), p.as_ptr(), times, flags) }).map(drop)
        }
    }
}

/// truncate(2).
pub fn truncate(task: &Task, path: &CStr, len: libc::off_t) -> KResult<()> {
    let (_at, p) = host_path(task, path)?;
    // SAFETY: NUL-terminated path, integer argument.
    host(unsafe { libc::truncate(p.as_ptr(), len) }).map(drop)
}

/// statvfs(3).
pub fn statvfs(task: &Task, path: &CStr) -> KResult<libc::statvfs> {
    let (_at, p) = host_path(task, path)?;
    // SAFETY: statvfs is plain data; zero is valid.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: NUL-terminated path and a live out-parameter.
    host(unsafe { libc::statvfs(p.as_ptr(), &mut st) })?;
    Ok(st)
}

/// statfs(2).
pub fn statfs(task: &Task, path: &CStr) -> KResult<libc::statfs> {
    let (_at, p) = host_path(task, path)?;
    // SAFETY: statfs is plain data; zero is valid.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: NUL-terminated path and a live out-parameter.
    host(unsafe { libc::statfs(p.as_ptr(), &mut st) })?;
    Ok(st)
}

/// realpath(3): the canonical absolute path of an existing file.
pub fn realpath(task: &Task, path: &CStr) -> KResult<Vec<u8>> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let at = At::resolve(task, libc::AT_FDCWD, path)?;
    #[cfg(target_os = "linux")]
    let flags = libc::O_PATH | libc::O_CLOEXEC;
    #[cfg(not(target_os = "linux"))]
    let flags = libc::O_RDONLY | libc::O_CLOEXEC;
    // SAFETY: NUL-terminated path, integer arguments.
    match host(unsafe { libc::openat(at.raw(), path.as_ptr(), flags) }) {
        Ok(fd) => {
            // SAFETY: `fd` is a fresh descriptor, closed when `own` drops.
            let own = unsafe { OwnedFd::from_raw_fd(fd) };
            fd_path(std::os::fd::AsRawFd::as_raw_fd(&own))
        }
        Err(e @ (Errno::ENOENT | Errno::ENOTDIR)) => match overlay::stat(task, libc::AT_FDCWD, path) {
            Some(_) => super::lexical_absolute(task, path.to_bytes()).map(String::into_bytes),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

const TEMP_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Fills the six `X`s before a `suffix`-byte suffix with random characters;
/// EINVAL when the template does not have them.
fn randomize_template(template: &mut [u8], suffix: usize) -> KResult<()> {
    let end = template.len().checked_sub(suffix).ok_or(Errno::EINVAL)?;
    let start = end.checked_sub(6).ok_or(Errno::EINVAL)?;
    if &template[start..end] != b"XXXXXX" {
        return Err(Errno::EINVAL);
    }
    let mut rnd = [0u8; 6];
    // SAFETY: writes at most 6 bytes into `rnd`.
    if unsafe { libc::getrandom(rnd.as_mut_ptr().cast(), rnd.len(), 0) } != 6 {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        rnd = (t as u64 ^ std::process::id() as u64).to_le_bytes()[..6].try_into().unwrap_or_default();
    }
    for (d, r) in template[start..end].iter_mut().zip(rnd) {
        *d = TEMP_CHARS[r as usize % TEMP_CHARS.len()];
    }
    Ok(())
}

/// How many names mkstemp tries before giving up (glibc's TMP_MAX order).
const TEMP_ATTEMPTS: usize = 62 * 62 * 62;

/// Tries random names from `template` (its bytes, no terminator; edited in
/// place) until `create` succeeds or fails with something other than EEXIST.
fn create_unique<T>(template: &mut [u8], suffix: usize, mut create: impl FnMut(&CStr) -> KResult<T>) -> KResult<T> {
    let saved = template.to_vec();
    for _ in 0..TEMP_ATTEMPTS {
        template.copy_from_slice(&saved);
        randomize_template(template, suffix)?;
        let path = std::ffi::CString::new(template.to_vec()).map_err(|_| Errno::EINVAL)?;
        match create(&path) {
            Err(Errno::EEXIST) => continue,
            r => return r,
        }
    }
    template.copy_from_slice(&saved);
    Err(Errno::EEXIST)
}

/// mkostemps(3): creates a unique file from `template` (edited in place).
pub fn mkstemp(task: &Task, template: &mut [u8], suffix: usize, flags: c_int) -> KResult<c_int> {
    let allowed = libc::O_APPEND | libc::O_CLOEXEC | libc::O_SYNC | libc::O_DSYNC | libc::O_NOATIME | libc::O_DIRECT;
    if flags & !allowed != 0 {
        return Err(Errno::EINVAL);
    }
    create_unique(template, suffix, |p| {
        openat(task, libc::AT_FDCWD, p, libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | flags, 0o600)
    })
}

/// mkdtemp(3): creates a unique directory from `template`.
pub fn mkdtemp(task: &Task, template: &mut [u8]) -> KResult<()> {
    create_unique(template, 0, |p| mkdirat(task, libc::AT_FDCWD, p, 0o700))
}
