//! <unistd.h>

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, c_void, CString};

use super::{buf, buf_mut, cstr, me, put_string, sys, sys_ptr, sys_restart};
use crate::kernel::fd::{ops, pipe};
use crate::kernel::fs::{self, ops as fsops};
use crate::kernel::task::exec::{self, copy_string_array};
use crate::kernel::task::{exit, session, table, thread};
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/read.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_read(fd: c_int, b: *mut c_void, count: usize) -> isize {
    // SAFETY: the caller passes a buffer of `count` bytes.
    sys_restart("read", || ops::read(me(), fd, unsafe { buf_mut(b, count) }?).map(|n| n as isize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/write.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_write(fd: c_int, b: *const c_void, count: usize) -> isize {
    // SAFETY: the caller passes a buffer of `count` bytes.
    sys_restart("write", || ops::write(me(), fd, unsafe { buf(b, count) }?).map(|n| n as isize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pread.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pread(fd: c_int, b: *mut c_void, count: usize, off: libc::off_t) -> isize {
    // SAFETY: the caller passes a buffer of `count` bytes.
    sys_restart("pread", || ops::pread(me(), fd, unsafe { buf_mut(b, count) }?, off).map(|n| n as isize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pwrite.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pwrite(fd: c_int, b: *const c_void, count: usize, off: libc::off_t) -> isize {
    // SAFETY: the caller passes a buffer of `count` bytes.
    sys_restart("pwrite", || ops::pwrite(me(), fd, unsafe { buf(b, count) }?, off).map(|n| n as isize))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/close.html>
#[no_mangle]
pub extern "C" fn tvm_close(fd: c_int) -> c_int {
    sys("close", || ops::close(me(), fd).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html>
#[no_mangle]
pub extern "C" fn tvm_dup(fd: c_int) -> c_int {
    sys("dup", || ops::dup(me(), fd))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html>
#[no_mangle]
pub extern "C" fn tvm_dup2(oldfd: c_int, newfd: c_int) -> c_int {
    sys("dup2", || ops::dup_to(me(), oldfd, newfd, false))
}

/// dup3(2) (Linux).
#[no_mangle]
pub extern "C" fn tvm_dup3(oldfd: c_int, newfd: c_int, flags: c_int) -> c_int {
    sys("dup3", || ops::dup3(me(), oldfd, newfd, flags))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pipe.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pipe(fds: *mut c_int) -> c_int {
    // SAFETY: forwards the caller's two-int array.
    unsafe { tvm_pipe2(fds, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pipe2.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pipe2(fds: *mut c_int, flags: c_int) -> c_int {
    sys("pipe2", || {
        if fds.is_null() {
            return Err(Errno::EFAULT);
        }
        let [r, w] = pipe::pipe2(me(), flags)?;
        // SAFETY: the caller passes an array of two ints.
        unsafe { fds.write(r) };
        // SAFETY: as above.
        unsafe { fds.add(1).write(w) };
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/lseek.html>
#[no_mangle]
pub extern "C" fn tvm_lseek(fd: c_int, off: libc::off_t, whence: c_int) -> libc::off_t {
    sys("lseek", || ops::lseek(me(), fd, off, whence))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/isatty.html>
#[no_mangle]
pub extern "C" fn tvm_isatty(fd: c_int) -> c_int {
    match super::guard("isatty", || ops::isatty(me(), fd)) {
        Ok(true) => 1,
        Ok(false) => 0,
        Err(e) => {
            // isatty reports ENOTTY for any descriptor that is not a terminal.
            if e == Errno::EBADF { e } else { Errno::ENOTTY }.set();
            0
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/access.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_access(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_faccessat(libc::AT_FDCWD, path, mode, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/faccessat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_faccessat(dirfd: c_int, path: *const c_char, mode: c_int, flags: c_int) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("faccessat", || fsops::faccessat(me(), dirfd, unsafe { cstr(path) }?, mode, flags).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/chdir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_chdir(path: *const c_char) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("chdir", || fs::chdir(me(), unsafe { cstr(path) }?).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fchdir.html>
#[no_mangle]
pub extern "C" fn tvm_fchdir(fd: c_int) -> c_int {
    sys("fchdir", || fs::fchdir(me(), fd).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getcwd.html>
/// With a null buffer the result is allocated (glibc): exactly the needed
/// size when `size` is 0, else `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn tvm_getcwd(b: *mut c_char, size: usize) -> *mut c_char {
    sys_ptr("getcwd", || {
        if !b.is_null() && size == 0 {
            return Err(Errno::EINVAL);
        }
        let path = fs::getcwd(me())?;
        if b.is_null() && size != 0 {
            if path.len() + 1 > size {
                return Err(Errno::ERANGE);
            }
            let p = super::malloc::tvm_malloc(size).cast::<c_char>();
            if p.is_null() {
                return Err(Errno::ENOMEM);
            }
            // SAFETY: `p` has `size` bytes, enough for the path.
            return unsafe { put_string(p, size, &path) };
        }
        // SAFETY: a non-null `b` has `size` bytes per the caller.
        unsafe { put_string(b, size, &path) }
    })
}

/// get_current_dir_name(3) (GNU): the cwd in new memory.
#[no_mangle]
pub unsafe extern "C" fn tvm_get_current_dir_name() -> *mut c_char {
    // SAFETY: a null buffer makes getcwd allocate.
    unsafe { tvm_getcwd(std::ptr::null_mut(), 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpid.html>
#[no_mangle]
pub extern "C" fn tvm_getpid() -> libc::pid_t {
    super::guard("getpid", || me().pid)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getppid.html>
#[no_mangle]
pub extern "C" fn tvm_getppid() -> libc::pid_t {
    super::guard("getppid", || table::lock().get(me().pid).map_or(0, |p| p.ppid))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpgrp.html>
#[no_mangle]
pub extern "C" fn tvm_getpgrp() -> libc::pid_t {
    super::guard("getpgrp", || table::lock().get(me().pid).map_or(0, |p| p.pgid))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpgid.html>
#[no_mangle]
pub extern "C" fn tvm_getpgid(pid: libc::pid_t) -> libc::pid_t {
    sys("getpgid", || {
        let pid = if pid == 0 { me().pid } else { pid };
        table::lock().get(pid).map(|p| p.pgid).ok_or(Errno::ESRCH)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsid.html>
#[no_mangle]
pub extern "C" fn tvm_getsid(pid: libc::pid_t) -> libc::pid_t {
    sys("getsid", || {
        let pid = if pid == 0 { me().pid } else { pid };
        table::lock().get(pid).map(|p| p.sid).ok_or(Errno::ESRCH)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlink.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_unlink(path: *const c_char) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_unlinkat(libc::AT_FDCWD, path, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlinkat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_unlinkat(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("unlinkat", || fsops::unlinkat(me(), dirfd, unsafe { cstr(path) }?, flags).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rmdir.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_rmdir(path: *const c_char) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_unlinkat(libc::AT_FDCWD, path, libc::AT_REMOVEDIR) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/link.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_link(old: *const c_char, new: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_linkat(libc::AT_FDCWD, old, libc::AT_FDCWD, new, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/linkat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_linkat(
    olddir: c_int,
    old: *const c_char,
    newdir: c_int,
    new: *const c_char,
    flags: c_int,
) -> c_int {
    sys("linkat", || {
        // SAFETY: the caller passes NUL-terminated paths.
        let (o, n) = unsafe { (cstr(old)?, cstr(new)?) };
        fsops::linkat(me(), olddir, o, newdir, n, flags).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/symlink.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_symlink(target: *const c_char, link: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_symlinkat(target, libc::AT_FDCWD, link) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/symlinkat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_symlinkat(target: *const c_char, dirfd: c_int, link: *const c_char) -> c_int {
    sys("symlinkat", || {
        // SAFETY: the caller passes NUL-terminated strings.
        let (t, l) = unsafe { (cstr(target)?, cstr(link)?) };
        fsops::symlinkat(me(), t, dirfd, l).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/readlink.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_readlink(path: *const c_char, b: *mut c_char, size: usize) -> isize {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_readlinkat(libc::AT_FDCWD, path, b, size) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/readlinkat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_readlinkat(dirfd: c_int, path: *const c_char, b: *mut c_char, size: usize) -> isize {
    sys("readlinkat", || {
        // SAFETY: the caller passes a path and a buffer of `size` bytes.
        let (p, out) = unsafe { (cstr(path)?, buf_mut(b.cast(), size)?) };
        fsops::readlinkat(me(), dirfd, p, out).map(|n| n as isize)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/chown.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_chown(path: *const c_char, uid: libc::uid_t, gid: libc::gid_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_fchownat(libc::AT_FDCWD, path, uid, gid, 0) }
}

/// lchown(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_lchown(path: *const c_char, uid: libc::uid_t, gid: libc::gid_t) -> c_int {
    // SAFETY: forwards the caller's path.
    unsafe { tvm_fchownat(libc::AT_FDCWD, path, uid, gid, libc::AT_SYMLINK_NOFOLLOW) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fchownat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fchownat(
    dirfd: c_int,
    path: *const c_char,
    uid: libc::uid_t,
    gid: libc::gid_t,
    flags: c_int,
) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("fchownat", || fsops::fchownat(me(), dirfd, unsafe { cstr(path) }?, uid, gid, flags).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fchown.html>
#[no_mangle]
pub extern "C" fn tvm_fchown(fd: c_int, uid: libc::uid_t, gid: libc::gid_t) -> c_int {
    sys("fchown", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer arguments only.
        crate::kernel::host(unsafe { libc::fchown(f.host_fd()?, uid, gid) })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/truncate.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_truncate(path: *const c_char, len: libc::off_t) -> c_int {
    // SAFETY: the caller passes a NUL-terminated path.
    sys("truncate", || fsops::truncate(me(), unsafe { cstr(path) }?, len).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftruncate.html>
#[no_mangle]
pub extern "C" fn tvm_ftruncate(fd: c_int, len: libc::off_t) -> c_int {
    sys("ftruncate", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer arguments only.
        crate::kernel::host(unsafe { libc::ftruncate(f.host_fd()?, len) })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fsync.html>
#[no_mangle]
pub extern "C" fn tvm_fsync(fd: c_int) -> c_int {
    sys("fsync", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer argument only.
        crate::kernel::host(unsafe { libc::fsync(f.host_fd()?) })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fdatasync.html>
#[no_mangle]
pub extern "C" fn tvm_fdatasync(fd: c_int) -> c_int {
    sys("fdatasync", || {
        let f = ops::file(me(), fd)?;
        // SAFETY: integer argument only.
        crate::kernel::host(unsafe { libc::fdatasync(f.host_fd()?) })
    })
}

/// The environment of the calling image, copied (for the exec variants
/// that do not take one).
fn current_env() -> Vec<CString> {
    thread::with_image(|img| img.env.to_vec())
}

/// The calling image's PATH, if set.
fn current_path() -> Option<Vec<u8>> {
    thread::with_image(|img| {
        let p = img.env.get(b"PATH");
        // SAFETY: a non-null result points into a live environment string.
        (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes().to_vec())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/execve.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_execve(
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> c_int {
    sys("execve", || {
        let task = me();
        // SAFETY: the caller passes a path and NULL-terminated arrays.
        let (p, a, e) = unsafe { (cstr(path)?, copy_string_array(argv), copy_string_array(envp)) };
        let resolved = exec::resolve(task, p, a)?;
        exec::execve(task, resolved, e).map(|never| match never {})
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/execv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_execv(path: *const c_char, argv: *const *const c_char) -> c_int {
    sys("execv", || {
        let task = me();
        // SAFETY: the caller passes a path and a NULL-terminated array.
        let (p, a) = unsafe { (cstr(path)?, copy_string_array(argv)) };
        let resolved = exec::resolve(task, p, a)?;
        exec::execve(task, resolved, current_env()).map(|never| match never {})
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/execvp.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_execvp(file: *const c_char, argv: *const *const c_char) -> c_int {
    sys("execvp", || {
        let task = me();
        // SAFETY: the caller passes a name and a NULL-terminated array.
        let (f, a) = unsafe { (cstr(file)?, copy_string_array(argv)) };
        let resolved = exec::resolve_in_path(task, f, a, current_path().as_deref(), true)?;
        exec::execve(task, resolved, current_env()).map(|never| match never {})
    })
}

/// execvpe(3) (GNU): execvp with an explicit environment.
#[no_mangle]
pub unsafe extern "C" fn tvm_execvpe(
    file: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> c_int {
    sys("execvpe", || {
        let task = me();
        // SAFETY: the caller passes a name and NULL-terminated arrays.
        let (f, a, e) = unsafe { (cstr(file)?, copy_string_array(argv), copy_string_array(envp)) };
        let resolved = exec::resolve_in_path(task, f, a, current_path().as_deref(), true)?;
        exec::execve(task, resolved, e).map(|never| match never {})
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/_exit.html>
#[no_mangle]
pub extern "C" fn tvm__exit(status: c_int) -> ! {
    match super::no_unwind("_exit", || -> std::convert::Infallible { exit::exit_now(status) }) {}
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsid.html>
#[no_mangle]
pub extern "C" fn tvm_setsid() -> libc::pid_t {
    sys("setsid", || session::setsid(me()))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setpgid.html>
#[no_mangle]
pub extern "C" fn tvm_setpgid(pid: libc::pid_t, pgid: libc::pid_t) -> c_int {
    sys("setpgid", || session::setpgid(me(), pid, pgid).map(|()| 0))
}

/// setpgrp(2): setpgid(0, 0).
#[no_mangle]
pub extern "C" fn tvm_setpgrp() -> c_int {
    tvm_setpgid(0, 0)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/alarm.html>
#[no_mangle]
pub extern "C" fn tvm_alarm(secs: std::ffi::c_uint) -> std::ffi::c_uint {
    let mut left = 0;
    sys("alarm", || {
        let value = (secs > 0).then(|| std::time::Duration::from_secs(secs.into()));
        let (prev, _) = crate::kernel::signal::timer::set(me().pid, value, std::time::Duration::ZERO);
        left = super::time::alarm_seconds(prev);
        Ok(0)
    });
    left
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ttyname.html>
#[no_mangle]
pub extern "C" fn tvm_ttyname(fd: c_int) -> *mut c_char {
    super::stream_call_value("ttyname", std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).term }, |t| crate::crt::term::ttyname(t, fd))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ttyname_r.html>
/// Returns an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_ttyname_r(fd: c_int, b: *mut c_char, len: usize) -> c_int {
    let r = super::guard("ttyname_r", || {
        // SAFETY: the caller's buffer of `len` bytes.
        let out = unsafe { buf_mut(b.cast(), len) }?;
        crate::crt::term::ttyname_r(fd, out)
    });
    super::deliver_signals();
    r.map_or_else(|e| e as c_int, |()| 0)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getlogin.html>
#[no_mangle]
pub extern "C" fn tvm_getlogin() -> *mut c_char {
    super::stream_call_value("getlogin", std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).term }, crate::crt::term::getlogin)
    })
}
