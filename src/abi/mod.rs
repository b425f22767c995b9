//! The C ABI: one module per C header, each function a thin adapter.
//!
//! An adapter converts its arguments, calls the kernel, and turns the
//! kernel's `KResult` into the C convention once, here: `-1` (or null) with
//! errno set. Every adapter runs inside [`sys`] (or [`sys_restart`],
//! [`sys_ptr`]), which
//! - keeps a Rust panic from crossing into C: a panic is a runtime bug, and
//!   it ends the calling task with SIGABRT instead of unwinding into guest
//!   code;
//! - delivers the task's pending signals on the way out, as a kernel does on
//!   return to user mode; a call interrupted by a signal fails with EINTR,
//!   or, for the calls Linux restarts under SA_RESTART ([`sys_restart`]), is
//!   run again after the handlers if they all had SA_RESTART.
//!
//! Guests reach these functions under their `tvm_` names through the shim
//! header (include/tvm_shim.h); variadic entry points (open, fcntl, ioctl,
//! execl, dprintf) live in `variadic.c`, which calls the fixed-argument
//! functions here.
//!
//! Safety: every `unsafe extern "C"` function here has the contract of the C
//! function it implements: pointer arguments are valid as its POSIX page
//! requires. That is stated once, here, instead of on each function.
#![allow(clippy::missing_safety_doc)]

pub mod assert;
pub mod crypt;
pub mod dirent;
pub mod emutls;
pub mod errno;
pub mod fcntl;
pub mod getopt;
pub mod iconv;
pub mod ifaddrs;
pub mod locale;
pub mod malloc;
pub mod netdb;
pub mod poll;
pub mod pty;
pub mod pwd;
pub mod regex;
pub mod setjmp;
pub mod signal;
pub mod spawn;
pub mod stdio;
pub mod stdlib;
pub mod string;
pub mod sys_file;
pub mod sys_inotify;
pub mod sys_ioctl;
pub mod sys_mman;
pub mod sys_resource;
pub mod sys_select;
pub mod sys_socket;
pub mod sys_stat;
pub mod sys_statvfs;
pub mod sys_time;
pub mod sys_uio;
pub mod sys_wait;
pub mod syscall;
pub mod termios;
pub mod time;
pub mod tvm;
pub mod unistd;
pub mod utmpx;

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::kernel::signal::deliver::{self, Delivered};
use crate::kernel::signal::host::InRuntime;
use crate::kernel::task::{exit, thread, wait::status};
use crate::kernel::{Errno, KResult};

/// Largest byte count one read or write transfers (Linux's MAX_RW_COUNT).
pub const MAX_RW: usize = 0x7fff_f000;

/// Runs an adapter body, turning `Err(e)` into `-1` with errno `e`; an
/// interrupted call fails with EINTR.
pub fn sys<T: From<i8>>(name: &'static str, f: impl FnOnce() -> KResult<T>) -> T {
    to_c(sys_result(name, f))
}

/// [`sys`] before the conversion to C: the result, with signals delivered
/// and errno kept on success.
pub fn sys_result<T>(name: &'static str, f: impl FnOnce() -> KResult<T>) -> KResult<T> {
    let errno = SavedErrno::now();
    let r = guard_only(name, f);
    deliver_signals();
    errno.kept_on_success(r)
}

/// The caller's errno, put back when a call succeeds: host calls the
/// runtime makes on its way to success (a non-blocking read answering
/// EAGAIN before the wait, a probe that fails) must not show through, as
/// no Linux system call changes errno when it succeeds.
struct SavedErrno(c_int);

impl SavedErrno {
    fn now() -> SavedErrno {
        // SAFETY: the calling thread's errno.
        SavedErrno(unsafe { *libc::__errno_location() })
    }

    fn kept_on_success<T>(self, r: KResult<T>) -> KResult<T> {
        if r.is_ok() {
            // SAFETY: as above.
            unsafe { *libc::__errno_location() = self.0 };
        }
        r
    }
}

/// Like [`sys`], for the calls Linux restarts under SA_RESTART (read,
/// write, wait, accept, ...): after the handlers of the interrupting
/// signals ran, the call runs again unless one of them lacked SA_RESTART.
pub fn sys_restart<T: From<i8>>(name: &'static str, mut f: impl FnMut() -> KResult<T>) -> T {
    loop {
        let errno = SavedErrno::now();
        let r = errno.kept_on_success(guard_only(name, &mut f));
        let d = deliver_signals();
        if matches!(r, Err(Errno::EINTR)) && !d.no_restart {
            continue;
        }
        return to_c(r);
    }
}

/// Like [`sys`] for calls that report failure with their own value `fail`
/// (EOF, null, 0) instead of -1; errno is set from the error.
pub fn stream_call_value<T>(name: &'static str, fail: T, f: impl FnOnce() -> KResult<T>) -> T {
    let errno = SavedErrno::now();
    let r = errno.kept_on_success(guard_only(name, || {
        let r = f();
        // The call's stream references have ended: closes that a signal
        // handler asked for during it can run now.
        crate::crt::stdio::busy::close_deferred();
        r
    }));
    deliver_signals();
    match r {
        Ok(v) => v,
        Err(e) => {
            e.set();
            fail
        }
    }
}

pub fn to_c<T: From<i8>>(r: KResult<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            e.set();
            T::from(-1)
        }
    }
}

/// Like [`sys`] for functions that return a pointer (null on error).
pub fn sys_ptr<T>(name: &'static str, f: impl FnOnce() -> KResult<*mut T>) -> *mut T {
    let errno = SavedErrno::now();
    let r = errno.kept_on_success(guard_only(name, f));
    deliver_signals();
    match r {
        Ok(p) => p,
        Err(e) => {
            e.set();
            std::ptr::null_mut()
        }
    }
}

/// Delivers the calling task's pending signals (if it runs an image),
/// keeping errno as the call left it.
pub fn deliver_signals() -> Delivered {
    let Some(task) = crate::kernel::task::try_current() else { return Delivered::default() };
    if !task.sig_hint.load(std::sync::atomic::Ordering::Acquire) || !thread::in_image() {
        return Delivered::default();
    }
    no_unwind("signal delivery", || deliver::deliver_keeping_errno(task))
}

/// Runs `f` as runtime code (signals wait for its end, then are
/// delivered, as a kernel delivers between any two instructions); a panic
/// ends the calling task (SIGABRT) rather than unwinding into C.
///
/// For entry points that are not system calls (malloc, getenv, getpid,
/// ...): a guest loop that makes only such calls must still be reached by
/// a signal whose host poke arrived while it was inside one of them.
pub fn guard<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let r = guard_only(name, f);
    if crate::kernel::signal::host::depth() == 0 {
        deliver_signals();
    }
    r
}

/// [`guard`] without the delivery: the system-call adapters deliver
/// themselves, because EINTR and SA_RESTART depend on what was delivered.
fn guard_only<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let rt = InRuntime::enter();
    let r = no_unwind(name, f);
    drop(rt);
    r
}

/// Runs `f` with its panics caught and reported (the task ends with
/// SIGABRT), without marking the thread as inside the runtime: for entry
/// points that run guest code themselves (exit's atexit handlers, signal
/// handlers) or that must stay cheap (the getopt variables). No Rust panic
/// may unwind into C: an `extern "C"` function would abort the whole
/// process, every task with it.
pub fn no_unwind<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    if thread::stack_exhausted() {
        // The guest's stack is all but used up: it overflows here rather
        // than inside runtime code (`thread::RUNTIME_HEADROOM`).
        exit::terminate_with(status::signaled(libc::SIGSEGV, false))
    }
    match catch_unwind(AssertUnwindSafe(|| {
        fault_injection::check(name);
        f()
    })) {
        Ok(r) => r,
        Err(_) => internal_error(name),
    }
}

/// Test builds only: `TVM_FAULT_INJECT=NAME` in the host environment makes
/// the entry point NAME panic, so tests can show that a panic ends one task
/// and nothing else (tests/panics.rs).
mod fault_injection {
    #[cfg(debug_assertions)]
    pub fn check(name: &str) {
        static NAME: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        if NAME.get_or_init(|| std::env::var("TVM_FAULT_INJECT").ok()).as_deref() == Some(name) {
            panic!("fault injected in {name} (TVM_FAULT_INJECT)");
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn check(_name: &str) {}
}

#[cold]
fn internal_error(name: &'static str) -> ! {
    let pid = crate::kernel::task::try_current().map_or(0, |t| t.pid);
    eprintln!("tvm: internal error in {name} (task {pid}); the task is terminated");
    if thread::in_image() {
        exit::terminate_with(status::signaled(libc::SIGABRT, false))
    }
    std::process::abort()
}

/// A C string argument; null is EFAULT.
///
/// # Safety
/// `p` must be null or point to a NUL-terminated string that outlives `'a`.
pub unsafe fn cstr<'a>(p: *const c_char) -> KResult<&'a CStr> {
    if p.is_null() {
        Err(Errno::EFAULT)
    } else {
        // SAFETY: non-null and NUL-terminated per the caller.
        Ok(unsafe { CStr::from_ptr(p) })
    }
}

/// A caller's output buffer; null with a non-zero length is EFAULT. The
/// length is clamped to what one Linux read or write transfers.
///
/// # Safety
/// `p` must be valid for writes of `len` bytes (or `len` must be 0).
pub unsafe fn buf_mut<'a>(p: *mut c_void, len: usize) -> KResult<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    user_range(p as usize, len)?;
    // SAFETY: the caller vouches for `len` writable bytes at `p`.
    Ok(unsafe { std::slice::from_raw_parts_mut(p.cast(), len.min(MAX_RW)) })
}

/// EFAULT unless `[p, p + len)` could be user memory, as Linux's
/// `access_ok` checks a system call's buffer before anything else: not
/// null, not wrapping, below the top of the user address space. (Linux
/// checks the whole length, then moves at most `MAX_RW`.)
fn user_range(p: usize, len: usize) -> KResult<()> {
    match p.checked_add(len) {
        Some(end) if p != 0 && end <= crate::arch::USER_TOP => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// A caller's input buffer; see [`buf_mut`].
///
/// # Safety
/// `p` must be valid for reads of `len` bytes (or `len` must be 0).
pub unsafe fn buf<'a>(p: *const c_void, len: usize) -> KResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    user_range(p as usize, len)?;
    // SAFETY: the caller vouches for `len` readable bytes at `p`.
    Ok(unsafe { std::slice::from_raw_parts(p.cast(), len.min(MAX_RW)) })
}

/// Writes `v` through an out-pointer; null is EFAULT.
///
/// # Safety
/// `p` must be null or valid for a write of `T`.
pub unsafe fn out<T>(p: *mut T, v: T) -> KResult<()> {
    if p.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: non-null and writable per the caller.
    unsafe { p.write(v) };
    Ok(())
}

/// Copies `bytes` plus a terminator into a caller's buffer of `size` bytes
/// (ERANGE when it does not fit), or into new guest-owned memory when `buf`
/// is null (getcwd/realpath style). Returns the string's address.
///
/// # Safety
/// A non-null `buf` must be valid for `size` bytes of writes.
pub unsafe fn put_string(buf: *mut c_char, size: usize, bytes: &[u8]) -> KResult<*mut c_char> {
    let dst = if buf.is_null() {
        let p = malloc::tvm_malloc(bytes.len() + 1).cast::<c_char>();
        if p.is_null() {
            return Err(Errno::ENOMEM);
        }
        p
    } else {
        if bytes.len() + 1 > size {
            return Err(Errno::ERANGE);
        }
        buf
    };
    // SAFETY: `dst` has room for bytes.len() + 1 bytes (checked or allocated).
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr().cast(), dst, bytes.len());
        *dst.add(bytes.len()) = 0;
    }
    Ok(dst)
}

/// The calling task.
pub fn me() -> &'static crate::kernel::task::Task {
    crate::kernel::task::current()
}
