//! An open file description: a host descriptor, or a virtual device the
//! runtime implements (`kernel::dev`: terminals, /dev/null, ...).
//!
//! Blocking is the runtime's job, not the host's: a description the runtime
//! created (or could reopen privately) has its host descriptor in
//! non-blocking mode, and a blocking read or write that meets `EAGAIN`
//! waits in `block::wait_fds` on the host descriptor *and* the task's
//! wake-up handle, so a signal can end the wait. The guest-visible
//! `O_NONBLOCK` is kept here, per description, as fcntl(2) specifies.
//!
//! On a Linux host whose pipes honour RWF_NOWAIT, the host descriptors of a
//! pipe the runtime makes stay blocking instead (`Io::Waiting`): a blocking
//! call waits in the host read or write itself, which the host signal ends
//! (`platform::waiting_io`), and a non-blocking one passes RWF_NOWAIT. A
//! wait then costs one system call, as in a native process, not a failed
//! call and a `ppoll` before the one that moves the data.
//!
//! Descriptors inherited from the host process (forkless's own stdin,
//! stdout, stderr) share their description with programs outside; setting
//! `O_NONBLOCK` on them would leak into the user's shell. On Linux they are
//! reopened through /proc/self/fd, which yields a private description of the
//! same pipe or terminal; sockets use per-call `MSG_DONTWAIT`; anything else
//! is polled before each call (`Io::Shared`).

use crate::platform::c as libc;
use std::ffi::c_int;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

use crate::kernel::block::{self, Deadline};
use crate::kernel::dev::DeviceFile;
use crate::kernel::fd::ops::skip_iov;
use crate::kernel::task::Task;
use crate::kernel::{host, Errno, KResult};

/// What the host descriptor refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Regular,
    Directory,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Symlink,
    Other,
}

impl Kind {
    pub fn of_mode(mode: libc::mode_t) -> Kind {
        match mode & libc::S_IFMT {
            libc::S_IFREG => Kind::Regular,
            libc::S_IFDIR => Kind::Directory,
            libc::S_IFIFO => Kind::Fifo,
            libc::S_IFSOCK => Kind::Socket,
            libc::S_IFCHR => Kind::CharDevice,
            libc::S_IFBLK => Kind::BlockDevice,
            libc::S_IFLNK => Kind::Symlink,
            _ => Kind::Other,
        }
    }

    /// Whether I/O on it can wait for another party.
    fn may_block(self) -> bool {
        matches!(self, Kind::Fifo | Kind::Socket | Kind::CharDevice | Kind::Other)
    }

    /// Short name for `tvm lsof`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Regular => "REG",
            Kind::Directory => "DIR",
            Kind::Fifo => "FIFO",
            Kind::Socket => "SOCK",
            Kind::CharDevice => "CHR",
            Kind::BlockDevice => "BLK",
            Kind::Symlink => "LNK",
            Kind::Other => "?",
        }
    }
}

/// How the runtime keeps blocking I/O interruptible on this descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Io {
    /// Regular files and the like: never wait for another party.
    Direct,
    /// Host descriptor is non-blocking and private to the runtime.
    Owned,
    /// A socket shared with the host world: every call uses MSG_DONTWAIT.
    SharedSocket,
    /// Shared, blocking host descriptor: poll for readiness before each call.
    Shared,
    /// A pipe (from pipe2) whose host descriptor blocks, private to the
    /// runtime: reads and writes wait in the host call
    /// (`platform::waiting_io`).
    #[cfg(target_os = "linux")]
    Waiting,
}

/// How one host call on a description may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    /// As the host descriptor's own mode says (non-blocking but for
    /// `Io::Shared`, which polls first, and `Io::Direct`).
    Plain,
    /// `Io::Waiting`, a call that must not wait: RWF_NOWAIT.
    #[cfg(target_os = "linux")]
    NoWait,
    /// `Io::Waiting`, a call that waits in the host until a signal for the
    /// task ends it.
    #[cfg(target_os = "linux")]
    Wait,
}

#[cfg(target_os = "linux")]
use crate::platform::waiting_io::{self, Dir};

/// Which way a host transfer goes (`platform::waiting_io::Dir` on Linux).
#[cfg(not(target_os = "linux"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Read,
    Write,
}

/// One host read or write of the buffers `iov` (read(2)/write(2) for one
/// buffer, readv/writev for more), made as `how` says.
fn transfer(task: &Task, fd: RawFd, dir: Dir, iov: &[libc::iovec], how: How) -> KResult<usize> {
    let _ = task; // (read on Linux only)
    match how {
        How::Plain => {
            let (ptr, n) = (iov.as_ptr(), iov.len() as c_int);
            // SAFETY: the iovecs describe the caller's buffers, which the
            // host validates.
            let r = unsafe {
                match (dir, iov) {
                    (Dir::Read, [one]) => libc::read(fd, one.iov_base, one.iov_len),
                    (Dir::Write, [one]) => libc::write(fd, one.iov_base, one.iov_len),
                    (Dir::Read, _) => libc::readv(fd, ptr, n),
                    (Dir::Write, _) => libc::writev(fd, ptr, n),
                }
            };
            host(r).map(|n| n as usize)
        }
        #[cfg(target_os = "linux")]
        How::NoWait => host(waiting_io::nowait(fd, dir, iov)).map(|n| n as usize),
        #[cfg(target_os = "linux")]
        How::Wait => {
            task.waiting_in_host.store(true, Ordering::SeqCst);
            let r = waiting_io::wait(fd, dir, iov, &task.sig_hint);
            task.waiting_in_host.store(false, Ordering::SeqCst);
            match r {
                Some(r) => r.map_err(Errno::from_raw),
                // A signal came first: data or room that is there still
                // moves (a zero-length read returns 0), as on a host; only
                // a call that would wait ends with the signal (EAGAIN here,
                // then the caller's wait sees the signal).
                None => host(waiting_io::nowait(fd, dir, iov)).map(|n| n as usize),
            }
        }
    }
}

/// An open file description.
#[derive(Debug)]
pub struct OpenFile {
    backend: Backend,
    /// The guest's O_NONBLOCK status flag.
    nonblock: AtomicBool,
}

#[derive(Debug)]
enum Backend {
    Host {
        fd: OwnedFd,
        kind: Kind,
        io: Io,
    },
    /// A device description: its own state, and the status flags open(2)
    /// and F_SETFL gave it (the host keeps no description for it).
    Device {
        dev: Box<dyn DeviceFile>,
        flags: AtomicI32,
    },
}

fn fstat_raw(fd: RawFd) -> KResult<libc::stat> {
    // SAFETY: stat is plain data; zero is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a live local.
    host(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

fn set_host_nonblock(fd: RawFd) -> KResult<()> {
    // SAFETY: fcntl on a descriptor we own, integer arguments only.
    let fl = host(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    host(unsafe { libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) })?;
    Ok(())
}

/// How a call on a description with `io` may wait: on `Io::Waiting`, in
/// the host unless the call is non-blocking. (A signal already pending
/// when it waits is `transfer`'s to handle: the call is then not made and
/// goes without waiting.)
fn how(io: Io, nonblock: bool) -> How {
    match io {
        #[cfg(target_os = "linux")]
        Io::Waiting if nonblock => How::NoWait,
        #[cfg(target_os = "linux")]
        Io::Waiting => How::Wait,
        _ => {
            let _ = nonblock; // (read on Linux only)
            How::Plain
        }
    }
}

/// Duplicates a host descriptor above the stdio range, close-on-exec.
fn dup_host(fd: RawFd) -> KResult<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC creates a new descriptor we then own.
    let n = host(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: `n` is a fresh descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(n) })
}

impl OpenFile {
    /// Wraps a host descriptor the runtime just created (open, pipe, socket,
    /// accept). `flags` are the guest's open/socket flags; only O_NONBLOCK is
    /// taken from them.
    pub fn new(fd: OwnedFd, flags: c_int) -> KResult<Arc<OpenFile>> {
        let kind = Kind::of_mode(fstat_raw(fd.as_raw_fd())?.st_mode);
        let io = if kind.may_block() {
            set_host_nonblock(fd.as_raw_fd())?;
            Io::Owned
        } else {
            Io::Direct
        };
        let nonblock = AtomicBool::new(flags & libc::O_NONBLOCK != 0);
        Ok(Arc::new(OpenFile { backend: Backend::Host { fd, kind, io }, nonblock }))
    }

    /// Wraps one end of a pipe the runtime just made (pipe2), in blocking
    /// mode. On a host whose pipes honour RWF_NOWAIT it stays blocking and
    /// calls wait in the host (`Io::Waiting`; named FIFOs do not honour it,
    /// so they go through [`Self::new`]).
    pub fn pipe_end(fd: OwnedFd, flags: c_int) -> KResult<Arc<OpenFile>> {
        #[cfg(target_os = "linux")]
        if waiting_io::pipes_supported() {
            let nonblock = AtomicBool::new(flags & libc::O_NONBLOCK != 0);
            return Ok(Arc::new(OpenFile {
                backend: Backend::Host { fd, kind: Kind::Fifo, io: Io::Waiting },
                nonblock,
            }));
        }
        OpenFile::new(fd, flags)
    }

    /// Wraps a device description opened with `flags`.
    pub fn device(dev: Box<dyn DeviceFile>, flags: c_int) -> Arc<OpenFile> {
        let keep = libc::O_ACCMODE | libc::O_APPEND | libc::O_NOCTTY | libc::O_SYNC | libc::O_DSYNC;
        Arc::new(OpenFile {
            backend: Backend::Device { dev, flags: AtomicI32::new(flags & keep) },
            nonblock: AtomicBool::new(flags & libc::O_NONBLOCK != 0),
        })
    }

    /// The device behind this description, if it is one.
    pub fn as_device(&self) -> Option<&dyn DeviceFile> {
        match &self.backend {
            Backend::Device { dev, .. } => Some(dev.as_ref()),
            Backend::Host { .. } => None,
        }
    }

    /// Wraps a descriptor the host process inherited (its stdio), without
    /// changing the host-side description's flags.
    pub fn adopt(fd: RawFd) -> KResult<Arc<OpenFile>> {
        let st = fstat_raw(fd)?;
        let kind = Kind::of_mode(st.st_mode);
        // SAFETY: F_GETFL on a descriptor the caller says is open.
        let flags = host(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
        let nonblock = AtomicBool::new(flags & libc::O_NONBLOCK != 0);
        let (fd, io) = match kind {
            Kind::Regular | Kind::Directory | Kind::BlockDevice | Kind::Symlink => (dup_host(fd)?, Io::Direct),
            Kind::Socket => (dup_host(fd)?, Io::SharedSocket),
            _ => match reopen_private(fd, flags, &st) {
                Some(own) => (own, Io::Owned),
                None => (dup_host(fd)?, Io::Shared),
            },
        };
        Ok(Arc::new(OpenFile { backend: Backend::Host { fd, kind, io }, nonblock }))
    }

    /// The host descriptor behind a host description; a device has none,
    /// and a host call on it fails with `on_device`.
    pub fn host_fd_or(&self, on_device: Errno) -> KResult<RawFd> {
        match &self.backend {
            Backend::Host { fd, .. } => Ok(fd.as_raw_fd()),
            Backend::Device { .. } => Err(on_device),
        }
    }

    /// [`Self::host_fd_or`] for calls Linux answers with EINVAL on a
    /// character device that does not support them (fsync, ftruncate, ...).
    pub fn host_fd(&self) -> KResult<RawFd> {
        self.host_fd_or(Errno::EINVAL)
    }

    fn io(&self) -> Io {
        match &self.backend {
            Backend::Host { io, .. } => *io,
            Backend::Device { .. } => Io::Direct,
        }
    }

    pub fn kind(&self) -> Kind {
        match &self.backend {
            Backend::Host { kind, .. } => *kind,
            Backend::Device { .. } => Kind::CharDevice,
        }
    }

    pub fn is_nonblocking(&self) -> bool {
        self.nonblock.load(Ordering::Relaxed)
    }

    pub fn set_nonblocking(&self, on: bool) {
        self.nonblock.store(on, Ordering::Relaxed);
    }

    /// Runs `op` until it stops reporting `EAGAIN`, waiting for `events`
    /// between attempts unless the description is non-blocking.
    pub fn blocking<T>(&self, task: &Task, events: i16, op: impl FnMut() -> KResult<T>) -> KResult<T> {
        self.blocking_as(task, events, self.is_nonblocking(), op)
    }

    /// [`Self::blocking`] with the non-blocking choice made by the caller
    /// (MSG_DONTWAIT makes a single call non-blocking).
    pub fn blocking_as<T>(
        &self,
        task: &Task,
        events: i16,
        nonblock: bool,
        mut op: impl FnMut() -> KResult<T>,
    ) -> KResult<T> {
        self.blocking_how(task, events, nonblock, |_| op())
    }

    /// [`Self::blocking_as`] for an `op` that makes its host call as told
    /// (`How`): on `Io::Waiting`, each attempt either waits in the host or
    /// must not wait at all.
    fn blocking_how<T>(
        &self,
        task: &Task,
        events: i16,
        nonblock: bool,
        mut op: impl FnMut(How) -> KResult<T>,
    ) -> KResult<T> {
        let io = self.io();
        loop {
            if io == Io::Shared && block::poll_now(self.host_fd()?, events) == 0 {
                if nonblock {
                    return Err(Errno::EAGAIN);
                }
                self.wait(task, events)?;
                continue;
            }
            match op(how(io, nonblock)) {
                Err(Errno::EAGAIN) if !nonblock && io != Io::Direct => self.wait(task, events)?,
                Err(Errno::EINTR) => task.check_interrupt()?,
                r => return r,
            }
        }
    }

    /// Reads into the buffers `iov` (one read(2) of the host: the first
    /// that finds data, or end-of-file).
    pub fn read_vectored(&self, task: &Task, iov: &[libc::iovec]) -> KResult<usize> {
        let fd = self.host_fd()?;
        self.blocking_how(task, libc::POLLIN, self.is_nonblocking(), |how| transfer(task, fd, Dir::Read, iov, how))
    }

    /// Writes the buffers `iov`, `total` bytes in all, as [`Self::write`].
    pub fn write_vectored(&self, task: &Task, iov: &[libc::iovec], total: usize) -> KResult<usize> {
        let fd = self.host_fd()?;
        self.write_all_how(task, total, self.is_nonblocking(), |done, how| {
            if done == 0 {
                transfer(task, fd, Dir::Write, iov, how)
            } else {
                transfer(task, fd, Dir::Write, &skip_iov(iov, done), how)
            }
        })
    }

    /// Waits until the host descriptor reports `events` (or an error/hang-up).
    pub fn wait(&self, task: &Task, events: i16) -> KResult<()> {
        let mut p = [libc::pollfd { fd: self.host_fd()?, events, revents: 0 }];
        block::wait_fds(task, &mut p, Deadline::Never).map(drop)
    }

    /// The access mode of a device description (the host checks its own).
    fn device_access(&self) -> Option<c_int> {
        match &self.backend {
            Backend::Device { flags, .. } => Some(flags.load(Ordering::Relaxed) & libc::O_ACCMODE),
            Backend::Host { .. } => None,
        }
    }

    pub fn read(&self, task: &Task, buf: &mut [u8]) -> KResult<usize> {
        if let Some(dev) = self.as_device() {
            if self.device_access() == Some(libc::O_WRONLY) {
                return Err(Errno::EBADF);
            }
            return dev.read(task, buf, self.is_nonblocking());
        }
        let fd = self.host_fd()?;
        if self.io() == Io::SharedSocket {
            return self.blocking(task, libc::POLLIN, || {
                // SAFETY: `buf` is a live, writable slice of the given length.
                host(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) })
                    .map(|n| n as usize)
            });
        }
        self.read_vectored(task, &[libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() }])
    }

    /// Writes all of `buf` unless the description is non-blocking, an error
    /// occurs after some progress, or a signal interrupts the wait; returns
    /// what was written, as write(2) does.
    pub fn write(&self, task: &Task, buf: &[u8]) -> KResult<usize> {
        if let Some(dev) = self.as_device() {
            if self.device_access() == Some(libc::O_RDONLY) {
                return Err(Errno::EBADF);
            }
            return dev.write(task, buf, self.is_nonblocking());
        }
        let fd = self.host_fd()?;
        if self.io() == Io::SharedSocket {
            return self.write_all_with(task, buf.len(), |done| {
                let rest = &buf[done..];
                // SAFETY: `rest` is a live slice of the given length.
                host(unsafe { libc::send(fd, rest.as_ptr().cast(), rest.len(), libc::MSG_DONTWAIT) })
                    .map(|n| n as usize)
            });
        }
        // (write only reads through the iovec; the host's type says mut.)
        self.write_vectored(
            task,
            &[libc::iovec { iov_base: buf.as_ptr().cast_mut().cast(), iov_len: buf.len() }],
            buf.len(),
        )
    }

    /// The write loop shared by write, writev and stream sends: `op(done)`
    /// writes from offset `done` of a `total`-byte request.
    pub fn write_all_with(&self, task: &Task, total: usize, op: impl FnMut(usize) -> KResult<usize>) -> KResult<usize> {
        self.write_all_as(task, total, self.is_nonblocking(), op)
    }

    /// [`Self::write_all_with`] with the non-blocking choice made by the caller.
    pub fn write_all_as(
        &self,
        task: &Task,
        total: usize,
        nonblock: bool,
        mut op: impl FnMut(usize) -> KResult<usize>,
    ) -> KResult<usize> {
        self.write_all_how(task, total, nonblock, |done, _| op(done))
    }

    /// [`Self::write_all_as`] for an `op(done, how)` that makes its host
    /// call as told (see [`Self::blocking_how`]).
    fn write_all_how(
        &self,
        task: &Task,
        total: usize,
        nonblock: bool,
        mut op: impl FnMut(usize, How) -> KResult<usize>,
    ) -> KResult<usize> {
        if total == 0 || self.io() == Io::Direct {
            return self.blocking_how(task, libc::POLLOUT, nonblock, |how| op(0, how));
        }
        let mut done = 0;
        while done < total {
            match self.blocking_how(task, libc::POLLOUT, nonblock, |how| op(done, how)) {
                Ok(n) => done += n,
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
            if nonblock {
                break;
            }
        }
        Ok(done)
    }

    pub fn fstat(&self) -> KResult<libc::stat> {
        match &self.backend {
            Backend::Host { fd, .. } => fstat_raw(fd.as_raw_fd()),
            Backend::Device { dev, .. } => Ok(dev.stat()),
        }
    }

    /// F_GETFL: the host's flags (a device's own) with the guest's own
    /// O_NONBLOCK.
    pub fn status_flags(&self) -> KResult<c_int> {
        let fl = match &self.backend {
            // SAFETY: F_GETFL on our own descriptor.
            Backend::Host { fd, .. } => host(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?,
            Backend::Device { flags, .. } => flags.load(Ordering::Relaxed),
        };
        let nb = if self.is_nonblocking() { libc::O_NONBLOCK } else { 0 };
        Ok((fl & !libc::O_NONBLOCK) | nb)
    }

    /// F_SETFL: O_APPEND, O_DIRECT and O_NOATIME go to the host description
    /// (a device keeps O_APPEND); O_NONBLOCK stays with the guest. O_ASYNC
    /// is not passed on: it would aim SIGIO at the host process.
    pub fn set_status_flags(&self, flags: c_int) -> KResult<()> {
        match &self.backend {
            Backend::Host { fd, .. } => {
                let fd = fd.as_raw_fd();
                let to_host = libc::O_APPEND | libc::O_DIRECT | libc::O_NOATIME;
                // SAFETY: F_GETFL on our own descriptor.
                let cur = host(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
                let new = (cur & !to_host) | (flags & to_host);
                if new != cur {
                    // SAFETY: F_SETFL on our own descriptor with an integer argument.
                    host(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
                }
            }
            Backend::Device { flags: f, .. } => {
                let cur = f.load(Ordering::Relaxed);
                f.store((cur & !libc::O_APPEND) | (flags & libc::O_APPEND), Ordering::Relaxed);
            }
        }
        self.set_nonblocking(flags & libc::O_NONBLOCK != 0);
        Ok(())
    }
}

/// Opens a private description of the same pipe or terminal as `fd`
/// (Linux), in non-blocking mode; `None` when that is not possible.
#[cfg(target_os = "linux")]
fn reopen_private(fd: RawFd, flags: c_int, st: &libc::stat) -> Option<OwnedFd> {
    let path = std::ffi::CString::new(format!("/proc/self/fd/{fd}")).ok()?;
    let keep = libc::O_ACCMODE | libc::O_APPEND;
    let oflags = (flags & keep) | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY;
    // SAFETY: `path` is a live NUL-terminated string.
    let n = unsafe { libc::open(path.as_ptr(), oflags) };
    if n < 0 {
        return None;
    }
    // SAFETY: `n` is a fresh descriptor nobody else owns.
    let own = unsafe { OwnedFd::from_raw_fd(n) };
    let same = fstat_raw(n).is_ok_and(|s| s.st_dev == st.st_dev && s.st_ino == st.st_ino && s.st_rdev == st.st_rdev);
    same.then_some(own)
}

#[cfg(not(target_os = "linux"))]
fn reopen_private(_fd: RawFd, _flags: c_int, _st: &libc::stat) -> Option<OwnedFd> {
    None
}
