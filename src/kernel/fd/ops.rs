//! Descriptor-level operations: the calls of <unistd.h>, <fcntl.h>,
//! <sys/uio.h> and <sys/ioctl.h> that take a descriptor number.

use crate::platform::c as libc;
use std::ffi::{c_int, c_ulong, c_void};
use std::sync::Arc;

use super::OpenFile;
use crate::kernel::task::Task;
use crate::kernel::{host, Errno, KResult};

/// Most iovecs one readv/writev accepts (Linux's UIO_MAXIOV).
pub const IOV_MAX: usize = 1024;

/// The description behind `fd` in `task`'s table.
pub fn file(task: &Task, fd: c_int) -> KResult<Arc<OpenFile>> {
    task.files.lock().get(fd)
}

pub fn close(task: &Task, fd: c_int) -> KResult<()> {
    let slot = task.files.lock().remove(fd)?;
    drop(slot);
    Ok(())
}

pub fn dup(task: &Task, fd: c_int) -> KResult<c_int> {
    let mut t = task.files.lock();
    let f = t.get(fd)?;
    t.install(f, false, 0).map_err(|e| if e == Errno::EINVAL { Errno::EMFILE } else { e })
}

/// dup2(2) and dup3(2): `newfd` is closed first if open.
pub fn dup_to(task: &Task, oldfd: c_int, newfd: c_int, cloexec: bool) -> KResult<c_int> {
    let prev = {
        let mut t = task.files.lock();
        let f = t.get(oldfd)?;
        if oldfd == newfd {
            return Ok(newfd);
        }
        t.install_at(newfd, f, cloexec)?
    };
    drop(prev);
    Ok(newfd)
}

pub fn dup3(task: &Task, oldfd: c_int, newfd: c_int, flags: c_int) -> KResult<c_int> {
    if flags & !libc::O_CLOEXEC != 0 || oldfd == newfd {
        return Err(Errno::EINVAL);
    }
    dup_to(task, oldfd, newfd, flags & libc::O_CLOEXEC != 0)
}

/// fcntl(2). `arg` is the raw third argument (an int or a pointer).
///
/// # Safety
/// For commands that take a pointer (the locking ones), `arg` must be a
/// valid `struct flock` pointer.
pub unsafe fn fcntl(task: &Task, fd: c_int, cmd: c_int, arg: c_ulong) -> KResult<c_int> {
    match cmd {
        libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => {
            let mut t = task.files.lock();
            let f = t.get(fd)?;
            let min = c_int::try_from(arg as i64).map_err(|_| Errno::EINVAL)?;
            t.install(f, cmd == libc::F_DUPFD_CLOEXEC, min)
        }
        libc::F_GETFD => {
            let t = task.files.lock();
            Ok(if t.slot(fd)?.cloexec { libc::FD_CLOEXEC } else { 0 })
        }
        libc::F_SETFD => {
            let mut t = task.files.lock();
            t.slot_mut(fd)?.cloexec = arg as c_int & libc::FD_CLOEXEC != 0;
            Ok(0)
        }
        libc::F_GETFL => file(task, fd)?.status_flags(),
        libc::F_SETFL => file(task, fd)?.set_status_flags(arg as c_int).map(|()| 0),
        // SAFETY: per this function's contract, `arg` is a struct flock pointer.
        libc::F_GETLK | libc::F_SETLK | libc::F_SETLKW => unsafe {
            record_lock(task, fd, cmd, arg as *mut libc::flock)
        },
        libc::F_OFD_GETLK | libc::F_OFD_SETLK | libc::F_OFD_SETLKW => {
            let f = file(task, fd)?;
            // SAFETY: the caller passes a struct flock pointer for these commands.
            host(unsafe { libc::fcntl(f.host_fd()?, cmd, arg as *mut libc::flock) })
        }
        libc::F_GETPIPE_SZ | libc::F_SETPIPE_SZ | libc::F_ADD_SEALS | libc::F_GET_SEALS => {
            let f = file(task, fd)?;
            // SAFETY: these commands take an integer argument.
            host(unsafe { libc::fcntl(f.host_fd()?, cmd, arg as c_int) })
        }
        _ => {
            file(task, fd)?;
            Err(Errno::EINVAL)
        }
    }
}

/// POSIX record locks. The host keeps classic locks per host process, so
/// tasks could never conflict with each other; they are mapped onto the
/// host's open-file-description locks, which conflict between descriptions.
/// See docs/files.md.
///
/// # Safety
/// `lk` must be null or a valid `struct flock` pointer.
unsafe fn record_lock(task: &Task, fd: c_int, cmd: c_int, lk: *mut libc::flock) -> KResult<c_int> {
    let f = file(task, fd)?;
    if lk.is_null() {
        return Err(Errno::EFAULT);
    }
    let ofd_cmd = match cmd {
        libc::F_GETLK => libc::F_OFD_GETLK,
        libc::F_SETLK => libc::F_OFD_SETLK,
        _ => libc::F_OFD_SETLKW,
    };
    // SAFETY: `lk` is the caller's non-null struct flock.
    unsafe {
        (*lk).l_pid = 0;
        let r = host(libc::fcntl(f.host_fd()?, ofd_cmd, lk));
        if cmd == libc::F_GETLK && (*lk).l_type != libc::F_UNLCK as libc::c_short {
            (*lk).l_pid = -1;
        }
        r
    }
}

/// Inode attribute requests of <linux/fs.h> (chattr, lsattr): plain data
/// about the file, passed to the host.
const FS_IOC_GETFLAGS: c_ulong = 0x8008_6601;
const FS_IOC_SETFLAGS: c_ulong = 0x4008_6602;
const FS_IOC_GETVERSION: c_ulong = 0x8008_7601;
const FS_IOC_SETVERSION: c_ulong = 0x4008_7602;
const FS_IOC_FSGETXATTR: c_ulong = 0x801c_581f;
const FS_IOC_FSSETXATTR: c_ulong = 0x401c_5820;

/// ioctl(2) for the requests the runtime knows. Terminal requests on host
/// terminals and inode attribute requests on host files go to the host;
/// requests that carry process ids are not passed on (ENOTTY) since host
/// pids mean nothing to tasks.
///
/// # Safety
/// `arg` must be what `req` expects (a pointer to the request's argument).
pub unsafe fn ioctl(task: &Task, fd: c_int, req: c_ulong, arg: *mut c_void) -> KResult<c_int> {
    match req {
        libc::FIOCLEX | libc::FIONCLEX => {
            task.files.lock().slot_mut(fd)?.cloexec = req == libc::FIOCLEX;
            Ok(0)
        }
        libc::FIONBIO => {
            let f = file(task, fd)?;
            if arg.is_null() {
                return Err(Errno::EFAULT);
            }
            // SAFETY: FIONBIO takes a pointer to int, checked non-null.
            f.set_nonblocking(unsafe { *arg.cast::<c_int>() } != 0);
            Ok(0)
        }
        _ if file(task, fd)?.as_device().is_some() => {
            let f = file(task, fd)?;
            let dev = f.as_device().ok_or(Errno::EBADF)?;
            // SAFETY: the request's argument, as the caller passed it.
            unsafe { dev.ioctl(task, req, arg) }
        }
        libc::FIONREAD
        | libc::TCGETS
        | libc::TCSETS
        | libc::TCSETSW
        | libc::TCSETSF
        | libc::TIOCGWINSZ
        | libc::TIOCSWINSZ
        | libc::TCFLSH
        | libc::TCXONC
        | libc::TCSBRK
        | libc::TIOCOUTQ
        | FS_IOC_GETFLAGS
        | FS_IOC_SETFLAGS
        | FS_IOC_GETVERSION
        | FS_IOC_SETVERSION
        | FS_IOC_FSGETXATTR
        | FS_IOC_FSSETXATTR => {
            let f = file(task, fd)?;
            // SAFETY: the request's argument is passed through unchanged; the
            // host checks it like any other ioctl caller's.
            host(unsafe { libc::ioctl(f.host_fd()?, req as _, arg) })
        }
        _ => {
            file(task, fd)?;
            Err(Errno::ENOTTY)
        }
    }
}

/// isatty(3): a terminal of the runtime's, or a host terminal.
pub fn isatty(task: &Task, fd: c_int) -> KResult<bool> {
    let f = file(task, fd)?;
    if let Some(dev) = f.as_device() {
        return if dev.terminal().is_some() { Ok(true) } else { Err(Errno::ENOTTY) };
    }
    // SAFETY: termios is plain data and tcgetattr only writes to it.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is a live local.
    host(unsafe { libc::tcgetattr(f.host_fd()?, &mut t) }).map(|_| true)
}

pub fn read(task: &Task, fd: c_int, buf: &mut [u8]) -> KResult<usize> {
    file(task, fd)?.read(task, buf)
}

/// A write to a pipe or socket without readers also sends the writer
/// SIGPIPE (which by default terminates it), as pipe(7) says.
pub fn sigpipe_on<T>(task: &Task, r: &KResult<T>) {
    if matches!(r, Err(Errno::EPIPE)) {
        crate::kernel::signal::send::send_self(task, libc::SIGPIPE);
    }
}

pub fn write(task: &Task, fd: c_int, buf: &[u8]) -> KResult<usize> {
    let r = file(task, fd)?.write(task, buf);
    sigpipe_on(task, &r);
    r
}

pub fn pread(task: &Task, fd: c_int, buf: &mut [u8], off: libc::off_t) -> KResult<usize> {
    let f = file(task, fd)?;
    let h = f.host_fd_or(Errno::ESPIPE)?;
    // SAFETY: `buf` is a live writable slice.
    f.blocking(task, libc::POLLIN, || {
        host(unsafe { libc::pread(h, buf.as_mut_ptr().cast(), buf.len(), off) }).map(|n| n as usize)
    })
}

pub fn pwrite(task: &Task, fd: c_int, buf: &[u8], off: libc::off_t) -> KResult<usize> {
    let f = file(task, fd)?;
    let h = f.host_fd_or(Errno::ESPIPE)?;
    // SAFETY: `buf` is a live slice.
    f.blocking(task, libc::POLLOUT, || {
        host(unsafe { libc::pwrite(h, buf.as_ptr().cast(), buf.len(), off) }).map(|n| n as usize)
    })
}

fn check_iov(iov: &[libc::iovec]) -> KResult<usize> {
    if iov.len() > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    iov.iter()
        .try_fold(0usize, |acc, v| acc.checked_add(v.iov_len))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or(Errno::EINVAL)
}

pub fn readv(task: &Task, fd: c_int, iov: &[libc::iovec]) -> KResult<usize> {
    let total = check_iov(iov)?;
    let f = file(task, fd)?;
    if f.as_device().is_some() {
        // One read, scattered: a terminal returns one line per read.
        let mut buf = vec![0u8; total];
        let n = f.read(task, &mut buf)?;
        scatter(iov, &buf[..n]);
        return Ok(n);
    }
    f.read_vectored(task, iov)
}

pub fn writev(task: &Task, fd: c_int, iov: &[libc::iovec]) -> KResult<usize> {
    let total = check_iov(iov)?;
    let f = file(task, fd)?;
    if f.as_device().is_some() {
        let r = f.write(task, &gather(iov, total));
        sigpipe_on(task, &r);
        return r;
    }
    let r = f.write_vectored(task, iov, total);
    sigpipe_on(task, &r);
    r
}

/// The bytes the iovecs describe, in order.
fn gather(iov: &[libc::iovec], total: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(total);
    for v in iov.iter().filter(|v| v.iov_len > 0) {
        // SAFETY: each iovec describes a readable buffer of the caller's.
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(v.iov_base.cast::<u8>(), v.iov_len) });
    }
    out
}

/// Copies `data` into the iovecs' buffers, in order.
fn scatter(iov: &[libc::iovec], mut data: &[u8]) {
    for v in iov {
        let n = v.iov_len.min(data.len());
        if n > 0 {
            // SAFETY: each iovec describes a writable buffer of the caller's
            // of at least `n` bytes.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), v.iov_base.cast::<u8>(), n) };
        }
        data = &data[n..];
    }
}

/// The iovecs that remain after the first `skip` bytes.
pub fn skip_iov(iov: &[libc::iovec], mut skip: usize) -> Vec<libc::iovec> {
    let mut out = Vec::with_capacity(iov.len());
    for v in iov {
        if skip >= v.iov_len {
            skip -= v.iov_len;
            continue;
        }
        out.push(libc::iovec {
            // SAFETY: skip < iov_len, so the result stays inside the buffer.
            iov_base: unsafe { v.iov_base.cast::<u8>().add(skip) }.cast(),
            iov_len: v.iov_len - skip,
        });
        skip = 0;
    }
    out
}

pub fn lseek(task: &Task, fd: c_int, off: libc::off_t, whence: c_int) -> KResult<libc::off_t> {
    let f = file(task, fd)?;
    if let Some(dev) = f.as_device() {
        return dev.seek(off, whence);
    }
    // SAFETY: integer arguments only.
    host(unsafe { libc::lseek(f.host_fd()?, off, whence) })
}

/// getdents64(2): directory records into `buf`, 0 at the end.
pub fn getdents(task: &Task, fd: c_int, buf: &mut [u8]) -> KResult<usize> {
    let f = file(task, fd)?;
    if let Some(dev) = f.as_device() {
        return dev.getdents(buf);
    }
    let n = crate::platform::getdents64(f.host_fd()?, buf);
    if n < 0 {
        return Err(Errno::last());
    }
    usize::try_from(n).map_err(|_| Errno::EIO)
}

pub fn fstat(task: &Task, fd: c_int) -> KResult<libc::stat> {
    file(task, fd)?.fstat()
}
