//! A task's view of the filesystem: its working directory and umask.
//!
//! The host process has one cwd and one umask; tasks each need their own.
//! The runtime never changes the host's cwd. A task's cwd is a host
//! directory descriptor, and every path call resolves a relative path with
//! the `*at()` form of the host call against that descriptor. The host
//! umask is set to 0 once at start, and the task's umask is applied by the
//! runtime to every call that creates a file (open, mkdir, mknod, bind).
//! See docs/fs.md.

pub mod ops;
pub mod overlay;

use std::ffi::{c_int, CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;

use super::fd::OpenFile;
use super::task::Task;
use super::{host, Errno, KResult};

/// Longest path the host accepts, terminator included.
pub const PATH_MAX: usize = libc::PATH_MAX as usize;

/// A task's working directory and file-creation mask.
#[derive(Clone, Debug)]
pub struct FsState {
    pub cwd: Arc<Dir>,
    pub umask: libc::mode_t,
}

/// A directory held open by descriptor (a task's cwd).
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    /// It is /dev, /proc or below, where relative paths may name virtual
    /// nodes.
    in_dev: bool,
}

impl Dir {
    fn new(fd: OwnedFd) -> Dir {
        let mut d = Dir { fd, in_dev: false };
        d.in_dev = d.path().is_ok_and(|p| under_virtual(&p));
        d
    }
}

/// The trees whose nodes are the runtime's (`kernel::dev`, `kernel::proc`).
const VIRTUAL_ROOTS: [&[u8]; 2] = [b"/dev", b"/proc"];

/// Whether absolute `path` is a virtual root or below one.
fn under_virtual(path: &[u8]) -> bool {
    VIRTUAL_ROOTS.iter().any(|r| path == *r || (path.starts_with(r) && path.get(r.len()) == Some(&b'/')))
}

#[cfg(target_os = "linux")]
const DIR_FLAGS: c_int = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
#[cfg(not(target_os = "linux"))]
const DIR_FLAGS: c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

impl Dir {
    /// Opens `path` (relative to host descriptor `at`) as a working
    /// directory. The trailing "/." makes the host check search permission
    /// on the directory itself, as chdir(2) does.
    pub fn open(at: RawFd, path: &CStr) -> KResult<Dir> {
        let bytes = path.to_bytes();
        if bytes.is_empty() {
            return Err(Errno::ENOENT);
        }
        let mut p = Vec::with_capacity(bytes.len() + 3);
        p.extend_from_slice(bytes);
        p.extend_from_slice(b"/.");
        let p = CString::new(p).map_err(|_| Errno::EINVAL)?;
        // SAFETY: `p` is a live NUL-terminated string.
        let fd = host(unsafe { libc::openat(at, p.as_ptr(), DIR_FLAGS) })?;
        // SAFETY: `fd` is a fresh descriptor.
        Ok(Dir::new(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// The directory an open description refers to (fchdir).
    pub fn of_file(file: &OpenFile) -> KResult<Dir> {
        // SAFETY: "." is a static NUL-terminated string.
        let fd = host(unsafe { libc::openat(file.host_fd_or(Errno::ENOTDIR)?, c".".as_ptr(), DIR_FLAGS) })?;
        // SAFETY: `fd` is a fresh descriptor.
        Ok(Dir::new(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The directory's absolute path, as getcwd(3) reports it: ENOENT once
    /// the directory has been removed.
    pub fn path(&self) -> KResult<Vec<u8>> {
        // SAFETY: stat is plain data; zero is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `st` is a live local.
        host(unsafe { libc::fstat(self.raw(), &mut st) })?;
        if st.st_nlink == 0 {
            return Err(Errno::ENOENT);
        }
        let p = fd_path(self.raw())?;
        if p.first() != Some(&b'/') {
            return Err(Errno::ENOENT);
        }
        Ok(p)
    }
}

/// The path the host kernel knows for an open descriptor.
#[cfg(target_os = "linux")]
pub fn fd_path(fd: RawFd) -> KResult<Vec<u8>> {
    let link = CString::new(format!("/proc/self/fd/{fd}")).map_err(|_| Errno::EINVAL)?;
    let mut buf = vec![0u8; PATH_MAX];
    // SAFETY: `buf` is a live buffer of the given length.
    let n = host(unsafe { libc::readlink(link.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) })? as usize;
    if n >= buf.len() {
        return Err(Errno::ENAMETOOLONG);
    }
    buf.truncate(n);
    Ok(buf)
}

#[cfg(target_vendor = "apple")]
pub fn fd_path(fd: RawFd) -> KResult<Vec<u8>> {
    let mut buf = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: F_GETPATH writes at most PATH_MAX bytes into `buf`.
    host(unsafe { libc::fcntl(fd, libc::F_GETPATH, buf.as_mut_ptr()) })?;
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    buf.truncate(n);
    Ok(buf)
}

/// The calling task's working directory, as a path.
pub fn getcwd(task: &Task) -> KResult<Vec<u8>> {
    let cwd = task.fs.lock().cwd.clone();
    cwd.path()
}

/// chdir(2).
pub fn chdir(task: &Task, path: &CStr) -> KResult<()> {
    let at = At::resolve(task, libc::AT_FDCWD, path)?;
    let dir = Dir::open(at.raw(), path)?;
    let old = std::mem::replace(&mut task.fs.lock().cwd, Arc::new(dir));
    drop(old);
    Ok(())
}

/// fchdir(2).
pub fn fchdir(task: &Task, fd: c_int) -> KResult<()> {
    let file = task.files.lock().get(fd)?;
    let dir = Dir::of_file(&file)?;
    let old = std::mem::replace(&mut task.fs.lock().cwd, Arc::new(dir));
    drop(old);
    Ok(())
}

/// umask(2): sets the mask, returns the previous one.
pub fn umask(task: &Task, mask: libc::mode_t) -> libc::mode_t {
    std::mem::replace(&mut task.fs.lock().umask, mask & 0o777)
}

/// The host directory descriptor a path call resolves against, kept open
/// for the duration of the call.
pub struct At {
    raw: RawFd,
    _keep: Option<AtKeep>,
}

enum AtKeep {
    Dir(#[allow(dead_code)] Arc<Dir>),
    File(#[allow(dead_code)] Arc<OpenFile>),
}

impl At {
    /// Resolves `dirfd` (a task descriptor or AT_FDCWD) for `path`. Absolute
    /// paths ignore `dirfd`, as the kernel does.
    pub fn resolve(task: &Task, dirfd: c_int, path: &CStr) -> KResult<At> {
        if path.to_bytes().first() == Some(&b'/') {
            return Ok(At { raw: libc::AT_FDCWD, _keep: None });
        }
        Self::dir(task, dirfd)
    }

    /// Resolves `dirfd` itself (for AT_EMPTY_PATH and null-path forms).
    pub fn dir(task: &Task, dirfd: c_int) -> KResult<At> {
        if dirfd == libc::AT_FDCWD {
            let cwd = task.fs.lock().cwd.clone();
            Ok(At { raw: cwd.raw(), _keep: Some(AtKeep::Dir(cwd)) })
        } else {
            let f = task.files.lock().get(dirfd)?;
            Ok(At { raw: f.host_fd_or(Errno::ENOTDIR)?, _keep: Some(AtKeep::File(f)) })
        }
    }

    pub fn raw(&self) -> RawFd {
        self.raw
    }
}

/// A path the host resolves exactly as `path` relative to the task's cwd,
/// for host calls that have no `*at()` form. Linux: through /proc/self/fd.
pub fn host_path(task: &Task, path: &CStr) -> KResult<(At, CString)> {
    let at = At::resolve(task, libc::AT_FDCWD, path)?;
    if at.raw() == libc::AT_FDCWD {
        return Ok((at, path.to_owned()));
    }
    let mut p = proc_prefix(&at)?;
    p.push(b'/');
    p.extend_from_slice(path.to_bytes());
    let p = CString::new(p).map_err(|_| Errno::EINVAL)?;
    Ok((at, p))
}

#[cfg(target_os = "linux")]
fn proc_prefix(at: &At) -> KResult<Vec<u8>> {
    Ok(format!("/proc/self/fd/{}", at.raw()).into_bytes())
}

#[cfg(not(target_os = "linux"))]
fn proc_prefix(at: &At) -> KResult<Vec<u8>> {
    fd_path(at.raw())
}

/// `path` (relative to the task's cwd) as an absolute host path, for
/// interfaces that cannot take a descriptor (AF_UNIX socket addresses).
pub fn absolute_for_host(task: &Task, path: &[u8]) -> KResult<Vec<u8>> {
    let mut p = getcwd(task)?;
    if p.last() != Some(&b'/') {
        p.push(b'/');
    }
    p.extend_from_slice(path);
    Ok(p)
}

/// The normalized absolute path `path` (relative to `dirfd`) names when
/// that is /dev, /proc or below, where the runtime's virtual nodes are
/// (`dev`, `proc`); None for any other path, found without a system call
/// in the common case.
pub fn virtual_path(task: &Task, dirfd: c_int, path: &CStr) -> Option<String> {
    let bytes = path.to_bytes();
    let abs = if bytes.first() == Some(&b'/') {
        if !bytes.starts_with(b"/dev") && !bytes.starts_with(b"/proc") {
            return None;
        }
        lexical_absolute(task, bytes).ok()?
    } else if dirfd == libc::AT_FDCWD {
        let cwd = task.fs.lock().cwd.clone();
        if !cwd.in_dev {
            return None;
        }
        let mut p = cwd.path().ok()?;
        p.push(b'/');
        p.extend_from_slice(bytes);
        lexical_absolute(task, &p).ok()?
    } else {
        let file = task.files.lock().get(dirfd).ok()?;
        let mut p = match file.as_device() {
            Some(dev) => dev.path().into_bytes(),
            None => fd_path(file.host_fd().ok()?).ok()?,
        };
        if !under_virtual(&p) {
            return None;
        }
        p.push(b'/');
        p.extend_from_slice(bytes);
        lexical_absolute(task, &p).ok()?
    };
    under_virtual(abs.as_bytes()).then_some(abs)
}

/// `path` as a path that means the same file without `dirfd`: itself when
/// it is absolute or `dirfd` is AT_FDCWD, else the host path of the
/// directory `dirfd` is open on, joined with it. None when `dirfd` is no
/// host directory descriptor.
pub fn beside_cwd(task: &Task, dirfd: c_int, path: &[u8]) -> Option<Vec<u8>> {
    if path.first() == Some(&b'/') || dirfd == libc::AT_FDCWD {
        return Some(path.to_vec());
    }
    let file = task.files.lock().get(dirfd).ok()?;
    let mut dir = fd_path(file.host_fd().ok()?).ok()?;
    dir.push(b'/');
    dir.extend_from_slice(path);
    Some(dir)
}

/// Normalizes `path` lexically against the task's cwd: an absolute path
/// with no ".", ".." or empty components. Used to match program paths.
pub fn lexical_absolute(task: &Task, path: &[u8]) -> KResult<String> {
    let base = if path.first() == Some(&b'/') { Vec::new() } else { getcwd(task)? };
    let mut parts: Vec<&[u8]> = Vec::new();
    for comp in base.split(|&b| b == b'/').chain(path.split(|&b| b == b'/')) {
        match comp {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(&String::from_utf8_lossy(p));
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}
