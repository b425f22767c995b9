//! <signal.h>: the per-task signal state (dispositions and mask).

use std::ffi::c_int;

use super::{me, sys};
use crate::kernel::signal::{Action, MaskHow, SigSet};
use crate::kernel::task::Task;
use crate::kernel::Errno;

/// Installs `set` as the task's mask for the duration of a call (ppoll,
/// pselect, sigsuspend); returns the mask to restore.
///
/// # Safety
/// `set` must point to a readable sigset_t.
pub unsafe fn swap_mask(task: &Task, set: *const libc::sigset_t) -> SigSet {
    // SAFETY: per the caller.
    let new = unsafe { SigSet::from_c(set) };
    task.signals.lock().change_mask(MaskHow::Set, new)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigaction.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigaction(sig: c_int, act: *const libc::sigaction, old: *mut libc::sigaction) -> c_int {
    sys("sigaction", || {
        let task = me();
        let mut s = task.signals.lock();
        let prev = if act.is_null() {
            s.action(sig)?
        } else {
            // SAFETY: non-null sigaction from the caller.
            let a = unsafe { &*act };
            // SAFETY: sa_mask is a sigset_t inside the caller's struct.
            let mask = unsafe { SigSet::from_c(&a.sa_mask) };
            s.set_action(sig, Action { handler: a.sa_sigaction, flags: a.sa_flags, mask })?
        };
        if !old.is_null() {
            // SAFETY: non-null out-parameter from the caller.
            unsafe {
                std::ptr::write_bytes(old, 0, 1);
                (*old).sa_sigaction = prev.handler;
                (*old).sa_flags = prev.flags;
                prev.mask.to_c(&mut (*old).sa_mask);
            }
        }
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/signal.html>
/// BSD semantics, as glibc: the handler stays installed and interrupted
/// calls restart.
#[no_mangle]
pub extern "C" fn tvm_signal(sig: c_int, handler: libc::sighandler_t) -> libc::sighandler_t {
    let r = super::guard("signal", || {
        let task = me();
        let mut mask = SigSet::EMPTY;
        mask.add(sig);
        task.signals.lock().set_action(sig, Action { handler, flags: libc::SA_RESTART, mask })
    });
    match r {
        Ok(prev) => prev.handler,
        Err(e) => {
            e.set();
            libc::SIG_ERR
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigprocmask.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigprocmask(how: c_int, set: *const libc::sigset_t, old: *mut libc::sigset_t) -> c_int {
    sys("sigprocmask", || {
        let task = me();
        let mut s = task.signals.lock();
        let prev = if set.is_null() {
            s.mask
        } else {
            let how = MaskHow::from_c(how)?;
            // SAFETY: non-null sigset from the caller.
            s.change_mask(how, unsafe { SigSet::from_c(set) })
        };
        if !old.is_null() {
            // SAFETY: non-null out-parameter from the caller.
            unsafe { prev.to_c(old) };
        }
        Ok(0)
    })
}

/// pthread_sigmask(3): a task is single-threaded, so this is its mask.
/// Returns an error number instead of setting errno.
#[no_mangle]
pub unsafe extern "C" fn tvm_pthread_sigmask(
    how: c_int,
    set: *const libc::sigset_t,
    old: *mut libc::sigset_t,
) -> c_int {
    // SAFETY: forwards the caller's arguments.
    match unsafe { tvm_sigprocmask(how, set, old) } {
        0 => 0,
        _ => Errno::last() as c_int,
    }
}
