//! Sockets: host sockets behind task descriptors.
//!
//! Two things need the runtime's help beyond interruptible blocking:
//! - a relative AF_UNIX path names a file relative to the *task's* working
//!   directory, while the host would resolve it against the host process's;
//!   such addresses are rewritten to absolute paths (bind also applies the
//!   task's umask to the new socket file, since the host umask is 0);
//! - descriptors passed with SCM_RIGHTS are task descriptor numbers on the
//!   way out and host descriptors on the way in; both are translated.

use crate::platform::c as libc;
use std::ffi::{c_int, c_void, CString};
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::Arc;

use super::ops::{file, skip_iov};
use super::OpenFile;
use crate::kernel::fs;
use crate::kernel::task::Task;
use crate::kernel::{block, host, Errno, KResult};

/// How long a blocking connect to a full AF_UNIX backlog waits between tries.
const CONNECT_RETRY: std::time::Duration = std::time::Duration::from_millis(5);

const SUN_PATH_OFFSET: usize = std::mem::offset_of!(libc::sockaddr_un, sun_path);

/// Linux's `SOCK_TYPE_MASK`: the bits of a socket type that name the type.
const SOCK_TYPE_MASK: c_int = 0xf;

/// Splits a socket type into the base type and its NONBLOCK/CLOEXEC flags;
/// any other bit beyond the type is EINVAL, as Linux checks before it
/// looks at the type. The check is the runtime's own, not left to the
/// host: a host that is not Linux, or qemu-user (which drops the unknown
/// bits and passes the rest on, docs/platforms.md), would answer otherwise.
fn socket_flags(ty: c_int) -> KResult<(c_int, bool, bool)> {
    let flags = ty & !SOCK_TYPE_MASK;
    if flags & !(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    Ok((ty & SOCK_TYPE_MASK, flags & libc::SOCK_NONBLOCK != 0, flags & libc::SOCK_CLOEXEC != 0))
}

fn install(task: &Task, fd: OwnedFd, nonblock: bool, cloexec: bool) -> KResult<c_int> {
    let f = OpenFile::new(fd, if nonblock { libc::O_NONBLOCK } else { 0 })?;
    task.files.lock().install(f, cloexec, 0).map_err(|_| Errno::EMFILE)
}

/// socket(2).
pub fn socket(task: &Task, domain: c_int, ty: c_int, proto: c_int) -> KResult<c_int> {
    let (base, nb, ce) = socket_flags(ty)?;
    // SAFETY: integer arguments only.
    let fd = host(unsafe { libc::socket(domain, base | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, proto) })?;
    // SAFETY: `fd` is a fresh descriptor.
    install(task, unsafe { OwnedFd::from_raw_fd(fd) }, nb, ce)
}

/// socketpair(2).
pub fn socketpair(task: &Task, domain: c_int, ty: c_int, proto: c_int) -> KResult<[c_int; 2]> {
    let (base, nb, ce) = socket_flags(ty)?;
    let mut sv = [0 as c_int; 2];
    // SAFETY: `sv` has room for two descriptors.
    host(unsafe { libc::socketpair(domain, base | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, proto, sv.as_mut_ptr()) })?;
    // SAFETY: both descriptors are fresh.
    let (a, b) = unsafe { (OwnedFd::from_raw_fd(sv[0]), OwnedFd::from_raw_fd(sv[1])) };
    let fa = install(task, a, nb, ce)?;
    match install(task, b, nb, ce) {
        Ok(fb) => Ok([fa, fb]),
        Err(e) => {
            let _ = super::ops::close(task, fa);
            Err(e)
        }
    }
}

/// A caller's socket address, rewritten when it is a relative AF_UNIX path.
pub struct Addr {
    ptr: *const libc::sockaddr,
    len: libc::socklen_t,
    rewritten: Option<Box<libc::sockaddr_un>>,
    /// The path of a pathname AF_UNIX address, as the host will see it.
    pub unix_path: Option<CString>,
}

impl Addr {
    /// Reads the address at `ptr` (`len` bytes) for `task`.
    ///
    /// # Safety
    /// `ptr` must be null or point to `len` readable bytes.
    pub unsafe fn new(task: &Task, ptr: *const libc::sockaddr, len: libc::socklen_t) -> KResult<Addr> {
        let mut a = Addr { ptr, len, rewritten: None, unix_path: None };
        if ptr.is_null() || (len as usize) <= SUN_PATH_OFFSET {
            return Ok(a);
        }
        // SAFETY: the caller gave `len` readable bytes at `ptr`, len > 2.
        let family = unsafe { (*ptr).sa_family } as c_int;
        if family != libc::AF_UNIX {
            return Ok(a);
        }
        let max = (len as usize).min(std::mem::size_of::<libc::sockaddr_un>()) - SUN_PATH_OFFSET;
        // SAFETY: `max` bytes of sun_path lie inside the caller's `len` bytes.
        let raw = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>().add(SUN_PATH_OFFSET), max) };
        if raw.first() == Some(&0) {
            return Ok(a); // abstract namespace
        }
        let path = &raw[..raw.iter().position(|&b| b == 0).unwrap_or(raw.len())];
        let full = if path.first() == Some(&b'/') { path.to_vec() } else { fs::absolute_for_host(task, path)? };
        let sun_max = std::mem::size_of::<libc::sockaddr_un>() - SUN_PATH_OFFSET;
        if full.len() >= sun_max {
            return Err(Errno::ENAMETOOLONG);
        }
        if full != path {
            // SAFETY: sockaddr_un is plain data; zero is valid.
            let mut un: Box<libc::sockaddr_un> = Box::new(unsafe { std::mem::zeroed() });
            un.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, s) in un.sun_path.iter_mut().zip(&full) {
                *d = *s as libc::c_char;
            }
            a.len = (SUN_PATH_OFFSET + full.len() + 1) as libc::socklen_t;
            a.ptr = (&*un as *const libc::sockaddr_un).cast();
            a.rewritten = Some(un);
        }
        a.unix_path = CString::new(full).ok();
        Ok(a)
    }

    pub fn ptr(&self) -> *const libc::sockaddr {
        self.ptr
    }

    pub fn len(&self) -> libc::socklen_t {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// bind(2).
///
/// # Safety
/// `addr` must be null or point to `len` readable bytes.
pub unsafe fn bind(task: &Task, fd: c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: per this function's contract.
    let a = unsafe { Addr::new(task, addr, len) }?;
    // SAFETY: the address is the caller's or our rewritten copy, `len` long.
    host(unsafe { libc::bind(f.host_fd_or(Errno::ENOTSOCK)?, a.ptr(), a.len()) })?;
    if let Some(p) = &a.unix_path {
        let mode = 0o777 & !task.fs.lock().umask;
        // SAFETY: `p` is a NUL-terminated path.
        unsafe { libc::chmod(p.as_ptr(), mode) };
    }
    Ok(())
}

/// connect(2); a blocking connect waits for the handshake interruptibly.
///
/// # Safety
/// `addr` must be null or point to `len` readable bytes.
pub unsafe fn connect(task: &Task, fd: c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: per this function's contract.
    let a = unsafe { Addr::new(task, addr, len) }?;
    loop {
        // SAFETY: the address is the caller's or our rewritten copy.
        match host(unsafe { libc::connect(f.host_fd_or(Errno::ENOTSOCK)?, a.ptr(), a.len()) }) {
            Ok(_) => return Ok(()),
            Err(Errno::EINPROGRESS) if !f.is_nonblocking() => {
                f.wait(task, libc::POLLOUT)?;
                let err = getsockopt_int(f.host_fd_or(Errno::ENOTSOCK)?, libc::SOL_SOCKET, libc::SO_ERROR)?;
                return if err == 0 { Ok(()) } else { Err(Errno::from_raw(err)) };
            }
            // An AF_UNIX listener's backlog is full. Its socket polls
            // writable all along, so nothing can be waited on: retry after a
            // short, interruptible pause instead of spinning.
            Err(Errno::EAGAIN) if !f.is_nonblocking() => {
                block::wait_wake(task, block::Deadline::after(Some(CONNECT_RETRY)))?;
            }
            Err(Errno::EINTR) => task.check_interrupt()?,
            Err(e) => return Err(e),
        }
    }
}

fn getsockopt_int(fd: c_int, level: c_int, name: c_int) -> KResult<c_int> {
    let mut v: c_int = 0;
    let mut l = std::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: `v` and `l` are live locals of the sizes given.
    host(unsafe { libc::getsockopt(fd, level, name, (&mut v as *mut c_int).cast(), &mut l) })?;
    Ok(v)
}

pub fn listen(task: &Task, fd: c_int, backlog: c_int) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: integer arguments only.
    host(unsafe { libc::listen(f.host_fd_or(Errno::ENOTSOCK)?, backlog) }).map(drop)
}

/// accept4(2).
///
/// # Safety
/// `addr` and `len` must be null or valid out-parameters as accept(2) says.
pub unsafe fn accept(
    task: &Task,
    fd: c_int,
    addr: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
    flags: c_int,
) -> KResult<c_int> {
    if flags & !(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let f = file(task, fd)?;
    let h = f.host_fd_or(Errno::ENOTSOCK)?;
    let nfd = f.blocking(task, libc::POLLIN, || {
        // SAFETY: addr/len are the caller's (possibly null) out-parameters.
        host(unsafe { libc::accept4(h, addr, len, libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) })
    })?;
    // SAFETY: `nfd` is a fresh descriptor.
    let own = unsafe { OwnedFd::from_raw_fd(nfd) };
    install(task, own, flags & libc::SOCK_NONBLOCK != 0, flags & libc::SOCK_CLOEXEC != 0)
}

/// sendto(2) (send(2) with a null address).
///
/// # Safety
/// `addr` must be null or point to `len` readable bytes.
pub unsafe fn sendto(
    task: &Task,
    fd: c_int,
    buf: &[u8],
    flags: c_int,
    addr: *const libc::sockaddr,
    len: libc::socklen_t,
) -> KResult<usize> {
    let f = file(task, fd)?;
    // SAFETY: per this function's contract.
    let a = unsafe { Addr::new(task, addr, len) }?;
    let h = f.host_fd_or(Errno::ENOTSOCK)?;
    let quiet = flags & libc::MSG_NOSIGNAL != 0;
    let flags = flags | libc::MSG_NOSIGNAL;
    let nonblock_call = flags & libc::MSG_DONTWAIT != 0;
    let r = send_loop(task, &f, buf.len(), nonblock_call, |done| {
        let rest = &buf[done..];
        // SAFETY: `rest` is a live slice; the address is valid for `a.len()`.
        host(unsafe { libc::sendto(h, rest.as_ptr().cast(), rest.len(), flags | libc::MSG_DONTWAIT, a.ptr(), a.len()) })
            .map(|n| n as usize)
    });
    if !quiet {
        super::ops::sigpipe_on(task, &r);
    }
    r
}

fn send_loop(
    task: &Task,
    f: &OpenFile,
    total: usize,
    nonblock_call: bool,
    op: impl FnMut(usize) -> KResult<usize>,
) -> KResult<usize> {
    f.write_all_as(task, total, nonblock_call || f.is_nonblocking(), op)
}

/// recvfrom(2) (recv(2) with null address pointers).
///
/// # Safety
/// `addr` and `len` must be null or valid out-parameters as recvfrom(2) says.
pub unsafe fn recvfrom(
    task: &Task,
    fd: c_int,
    buf: &mut [u8],
    flags: c_int,
    addr: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
) -> KResult<usize> {
    let f = file(task, fd)?;
    let h = f.host_fd_or(Errno::ENOTSOCK)?;
    let waitall = flags & libc::MSG_WAITALL != 0 && flags & libc::MSG_DONTWAIT == 0 && !f.is_nonblocking();
    let call_nb = flags & libc::MSG_DONTWAIT != 0;
    let mut done = 0;
    loop {
        let rest = &mut buf[done..];
        let r = recv_blocking(task, &f, call_nb, || {
            // SAFETY: `rest` is a live writable slice; addr/len are the caller's.
            host(unsafe {
                libc::recvfrom(h, rest.as_mut_ptr().cast(), rest.len(), flags | libc::MSG_DONTWAIT, addr, len)
            })
            .map(|n| n as usize)
        });
        match r {
            Ok(n) => {
                done += n;
                if !waitall || n == 0 || done == buf.len() {
                    return Ok(done);
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => return Ok(done),
        }
    }
}

fn recv_blocking<T>(task: &Task, f: &OpenFile, call_nb: bool, op: impl FnMut() -> KResult<T>) -> KResult<T> {
    f.blocking_as(task, libc::POLLIN, call_nb || f.is_nonblocking(), op)
}

/// Control messages as 8-byte aligned storage.
fn copy_control(ptr: *const c_void, len: usize) -> Vec<u64> {
    let mut v = vec![0u64; len.div_ceil(8)];
    // SAFETY: the caller's control buffer holds `len` readable bytes.
    unsafe { std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), v.as_mut_ptr().cast::<u8>(), len) };
    v
}

/// Calls `each` on every SCM_RIGHTS descriptor slot of a message's control data.
///
/// # Safety
/// `msg`'s control pointer and length must describe a valid cmsg buffer.
unsafe fn for_each_rights(msg: &libc::msghdr, mut each: impl FnMut(*mut c_int)) {
    // SAFETY: the caller guarantees the control buffer is valid.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(c).cast::<c_int>();
                let n = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<c_int>();
                for i in 0..n {
                    each(data.add(i));
                }
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
}

/// sendmsg(2): SCM_RIGHTS task descriptors become host descriptors.
pub fn sendmsg(task: &Task, fd: c_int, msg: &libc::msghdr, flags: c_int) -> KResult<usize> {
    let f = file(task, fd)?;
    let mut m = *msg;
    // SAFETY: the caller's msghdr names `msg_namelen` bytes at `msg_name`.
    let a = unsafe { Addr::new(task, m.msg_name.cast(), m.msg_namelen) }?;
    m.msg_name = a.ptr() as *mut c_void;
    m.msg_namelen = a.len();
    let mut control = Vec::new();
    let mut passed: Vec<Arc<OpenFile>> = Vec::new();
    if !m.msg_control.is_null() && m.msg_controllen > 0 {
        control = copy_control(m.msg_control, m.msg_controllen as _);
        m.msg_control = control.as_mut_ptr().cast();
        let table = task.files.lock();
        let mut bad = None;
        // SAFETY: `m` now points at our copy of the caller's control data.
        unsafe {
            for_each_rights(&m, |slot| match table.get(*slot) {
                // A virtual device has no host descriptor to pass
                // (docs/devices.md).
                Ok(file) => match file.host_fd_or(Errno::EOPNOTSUPP) {
                    Ok(h) => {
                        *slot = h;
                        passed.push(file);
                    }
                    Err(e) => bad = Some(e),
                },
                Err(_) => bad = Some(Errno::EBADF),
            })
        };
        if let Some(e) = bad {
            return Err(e);
        }
    }
    let iov = if m.msg_iov.is_null() {
        &[][..]
    } else {
        // SAFETY: the caller's msghdr describes msg_iovlen iovecs.
        unsafe { std::slice::from_raw_parts(m.msg_iov, m.msg_iovlen as _) }
    };
    let total: usize = iov.iter().map(|v| v.iov_len).sum();
    let h = f.host_fd_or(Errno::ENOTSOCK)?;
    let quiet = flags & libc::MSG_NOSIGNAL != 0;
    let flags = flags | libc::MSG_NOSIGNAL;
    let r = send_loop(task, &f, total, flags & libc::MSG_DONTWAIT != 0, |done| {
        let rest = skip_iov(iov, done);
        let mut mm = m;
        mm.msg_iov = rest.as_ptr() as *mut libc::iovec;
        mm.msg_iovlen = rest.len() as _;
        if done > 0 {
            // Control data travels with the first byte only.
            mm.msg_control = std::ptr::null_mut();
            mm.msg_controllen = 0;
        }
        // SAFETY: `mm` describes live buffers (the caller's and our copies).
        host(unsafe { libc::sendmsg(h, &mm, flags | libc::MSG_DONTWAIT) }).map(|n| n as usize)
    });
    drop(passed);
    drop(control);
    if !quiet {
        super::ops::sigpipe_on(task, &r);
    }
    r
}

/// recvmsg(2): received host descriptors become new task descriptors.
pub fn recvmsg(task: &Task, fd: c_int, msg: &mut libc::msghdr, flags: c_int) -> KResult<usize> {
    let f = file(task, fd)?;
    let h = f.host_fd_or(Errno::ENOTSOCK)?;
    let guest_cloexec = flags & libc::MSG_CMSG_CLOEXEC != 0;
    let host_flags = flags | libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT;
    let n = recv_blocking(task, &f, flags & libc::MSG_DONTWAIT != 0, || {
        // SAFETY: `msg` is the caller's msghdr describing its own buffers.
        host(unsafe { libc::recvmsg(h, msg, host_flags) }).map(|n| n as usize)
    })?;
    if !msg.msg_control.is_null() && msg.msg_controllen > 0 {
        let mut table = task.files.lock();
        let mut truncated = false;
        // SAFETY: the host filled the caller's control buffer.
        unsafe {
            for_each_rights(msg, |slot| {
                let own = OwnedFd::from_raw_fd(*slot);
                let installed = OpenFile::new(own, 0).and_then(|file| table.install(file, guest_cloexec, 0));
                match installed {
                    Ok(v) => *slot = v,
                    Err(_) => {
                        *slot = -1;
                        truncated = true;
                    }
                }
            })
        };
        if truncated {
            msg.msg_flags |= libc::MSG_CTRUNC;
        }
    }
    Ok(n)
}

pub fn shutdown(task: &Task, fd: c_int, how: c_int) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: integer arguments only.
    host(unsafe { libc::shutdown(f.host_fd_or(Errno::ENOTSOCK)?, how) }).map(drop)
}

/// getsockopt(2).
///
/// # Safety
/// `val` and `len` must be valid out-parameters as getsockopt(2) says.
pub unsafe fn getsockopt(
    task: &Task,
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut libc::socklen_t,
) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: val/len are the caller's out-parameters; the host checks them.
    host(unsafe { libc::getsockopt(f.host_fd_or(Errno::ENOTSOCK)?, level, name, val, len) }).map(drop)
}

/// setsockopt(2).
///
/// # Safety
/// `val` must point to `len` readable bytes.
pub unsafe fn setsockopt(
    task: &Task,
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *const c_void,
    len: libc::socklen_t,
) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: val is the caller's buffer of `len` bytes; the host checks it.
    host(unsafe { libc::setsockopt(f.host_fd_or(Errno::ENOTSOCK)?, level, name, val, len) }).map(drop)
}

/// getsockname(2).
///
/// # Safety
/// `addr` and `len` must be valid out-parameters.
pub unsafe fn getsockname(task: &Task, fd: c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: addr/len are the caller's out-parameters.
    host(unsafe { libc::getsockname(f.host_fd_or(Errno::ENOTSOCK)?, addr, len) }).map(drop)
}

/// getpeername(2).
///
/// # Safety
/// `addr` and `len` must be valid out-parameters.
pub unsafe fn getpeername(task: &Task, fd: c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> KResult<()> {
    let f = file(task, fd)?;
    // SAFETY: addr/len are the caller's out-parameters.
    host(unsafe { libc::getpeername(f.host_fd_or(Errno::ENOTSOCK)?, addr, len) }).map(drop)
}
