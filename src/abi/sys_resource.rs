//! <sys/resource.h>: per-task resource limits.

use crate::platform::c as libc;
use std::ffi::c_int;

use super::{me, sys};
use crate::kernel::task::{table, Task};
use crate::kernel::{Errno, KResult};

fn get(task: &Task, resource: c_int) -> KResult<libc::rlimit> {
    task.limits.lock().get(resource)
}

fn set(task: &Task, resource: c_int, new: libc::rlimit) -> KResult<()> {
    let mut l = task.limits.lock();
    l.set(resource, new)?;
    if resource == libc::RLIMIT_NOFILE as c_int {
        task.files.lock().set_limit(l.nofile());
    }
    task.heap_limit.store(l.heap_limit(), std::sync::atomic::Ordering::Relaxed);
    drop(l);
    crate::kernel::signal::cpu_limit::watch_if_limited(task);
    Ok(())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getrlimit.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getrlimit(resource: c_int, rl: *mut libc::rlimit) -> c_int {
    // SAFETY: the caller passes a writable rlimit.
    sys("getrlimit", || unsafe { super::out(rl, get(me(), resource)?) }.map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setrlimit.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setrlimit(resource: c_int, rl: *const libc::rlimit) -> c_int {
    sys("setrlimit", || {
        if rl.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null rlimit from the caller.
        set(me(), resource, unsafe { *rl }).map(|()| 0)
    })
}

/// prlimit(2): get and/or set another task's limit (pid 0: the caller).
#[no_mangle]
pub unsafe extern "C" fn tvm_prlimit(
    pid: libc::pid_t,
    resource: c_int,
    new: *const libc::rlimit,
    old: *mut libc::rlimit,
) -> c_int {
    sys("prlimit", || {
        let target = if pid == 0 || pid == me().pid {
            None
        } else {
            Some(table::lock().get(pid).map(|p| p.task.clone()).ok_or(Errno::ESRCH)?)
        };
        let task: &Task = target.as_deref().unwrap_or(me());
        let prev = get(task, resource)?;
        if !new.is_null() {
            // SAFETY: non-null rlimit from the caller.
            set(task, resource, unsafe { *new })?;
        }
        if !old.is_null() {
            // SAFETY: non-null out-parameter from the caller.
            unsafe { old.write(prev) };
        }
        Ok(0)
    })
}

// Large-file variants: on LP64 glibc `struct rlimit64` is `struct rlimit`.
const _: () = assert!(std::mem::size_of::<libc::rlimit64>() == std::mem::size_of::<libc::rlimit>());

/// getrlimit64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_getrlimit64(resource: c_int, rl: *mut libc::rlimit64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_getrlimit(resource, rl.cast()) }
}

/// setrlimit64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_setrlimit64(resource: c_int, rl: *const libc::rlimit64) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_setrlimit(resource, rl.cast()) }
}

/// prlimit64(2).
#[no_mangle]
pub unsafe extern "C" fn tvm_prlimit64(
    pid: libc::pid_t,
    resource: c_int,
    new: *const libc::rlimit64,
    old: *mut libc::rlimit64,
) -> c_int {
    // SAFETY: identical layouts; forwards the caller's arguments.
    unsafe { tvm_prlimit(pid, resource, new.cast(), old.cast()) }
}
