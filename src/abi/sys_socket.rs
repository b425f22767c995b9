//! <sys/socket.h>

use std::ffi::{c_int, c_void};

use super::{buf, buf_mut, me, sys, sys_restart};
use crate::kernel::fd::socket;
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html>
#[no_mangle]
pub extern "C" fn tvm_socket(domain: c_int, ty: c_int, proto: c_int) -> c_int {
    sys("socket", || socket::socket(me(), domain, ty, proto))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/socketpair.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_socketpair(domain: c_int, ty: c_int, proto: c_int, sv: *mut c_int) -> c_int {
    sys("socketpair", || {
        if sv.is_null() {
            return Err(Errno::EFAULT);
        }
        let [a, b] = socket::socketpair(me(), domain, ty, proto)?;
        // SAFETY: the caller passes an array of two ints.
        unsafe {
            sv.write(a);
            sv.add(1).write(b);
        }
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/bind.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_bind(fd: c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> c_int {
    // SAFETY: the caller passes `len` bytes of address.
    sys("bind", || unsafe { socket::bind(me(), fd, addr, len) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/listen.html>
#[no_mangle]
pub extern "C" fn tvm_listen(fd: c_int, backlog: c_int) -> c_int {
    sys("listen", || socket::listen(me(), fd, backlog).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_accept(fd: c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> c_int {
    // SAFETY: addr/len are the caller's out-parameters.
    sys_restart("accept", || unsafe { socket::accept(me(), fd, addr, len, 0) })
}

/// accept4(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_accept4(
    fd: c_int,
    addr: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
    flags: c_int,
) -> c_int {
    // SAFETY: addr/len are the caller's out-parameters.
    sys_restart("accept4", || unsafe { socket::accept(me(), fd, addr, len, flags) })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/connect.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_connect(fd: c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> c_int {
    // SAFETY: the caller passes `len` bytes of address.
    sys("connect", || unsafe { socket::connect(me(), fd, addr, len) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/send.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_send(fd: c_int, b: *const c_void, len: usize, flags: c_int) -> isize {
    // SAFETY: forwards the caller's buffer.
    unsafe { tvm_sendto(fd, b, len, flags, std::ptr::null(), 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendto.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sendto(
    fd: c_int,
    b: *const c_void,
    len: usize,
    flags: c_int,
    addr: *const libc::sockaddr,
    alen: libc::socklen_t,
) -> isize {
    sys_restart("sendto", || {
        // SAFETY: the caller passes a buffer of `len` bytes.
        let data = unsafe { buf(b, len) }?;
        // SAFETY: the caller passes `alen` bytes of address (or null).
        unsafe { socket::sendto(me(), fd, data, flags, addr, alen) }.map(|n| n as isize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendmsg.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sendmsg(fd: c_int, msg: *const libc::msghdr, flags: c_int) -> isize {
    sys_restart("sendmsg", || {
        if msg.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null msghdr from the caller.
        socket::sendmsg(me(), fd, unsafe { &*msg }, flags).map(|n| n as isize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/recv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_recv(fd: c_int, b: *mut c_void, len: usize, flags: c_int) -> isize {
    // SAFETY: forwards the caller's buffer.
    unsafe { tvm_recvfrom(fd, b, len, flags, std::ptr::null_mut(), std::ptr::null_mut()) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvfrom.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_recvfrom(
    fd: c_int,
    b: *mut c_void,
    len: usize,
    flags: c_int,
    addr: *mut libc::sockaddr,
    alen: *mut libc::socklen_t,
) -> isize {
    sys_restart("recvfrom", || {
        // SAFETY: the caller passes a buffer of `len` bytes.
        let data = unsafe { buf_mut(b, len) }?;
        // SAFETY: addr/alen are the caller's out-parameters (or null).
        unsafe { socket::recvfrom(me(), fd, data, flags, addr, alen) }.map(|n| n as isize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvmsg.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_recvmsg(fd: c_int, msg: *mut libc::msghdr, flags: c_int) -> isize {
    sys_restart("recvmsg", || {
        if msg.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null msghdr from the caller.
        socket::recvmsg(me(), fd, unsafe { &mut *msg }, flags).map(|n| n as isize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/shutdown.html>
#[no_mangle]
pub extern "C" fn tvm_shutdown(fd: c_int, how: c_int) -> c_int {
    sys("shutdown", || socket::shutdown(me(), fd, how).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut libc::socklen_t,
) -> c_int {
    // SAFETY: val/len are the caller's out-parameters.
    sys("getsockopt", || unsafe { socket::getsockopt(me(), fd, level, name, val, len) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *const c_void,
    len: libc::socklen_t,
) -> c_int {
    // SAFETY: the caller passes `len` bytes at `val`.
    sys("setsockopt", || unsafe { socket::setsockopt(me(), fd, level, name, val, len) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockname.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getsockname(fd: c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> c_int {
    // SAFETY: addr/len are the caller's out-parameters.
    sys("getsockname", || unsafe { socket::getsockname(me(), fd, addr, len) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpeername.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getpeername(fd: c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> c_int {
    // SAFETY: addr/len are the caller's out-parameters.
    sys("getpeername", || unsafe { socket::getpeername(me(), fd, addr, len) }.map(|()| 0))
}
