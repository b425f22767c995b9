//! <signal.h>: per-task signal state, sending, waiting.

use crate::platform::c as libc;
use std::ffi::c_int;
use std::time::Duration;

use super::{me, sys, sys_restart};
use crate::kernel::block::{self, Deadline};
use crate::kernel::signal::send::{self, kill};
use crate::kernel::signal::{Action, MaskHow, SigSet};
use crate::kernel::task::Task;
use crate::kernel::{Errno, KResult};

/// Runs the calling task under the temporary mask `set` for the rest of
/// the call (ppoll, pselect, sigsuspend): signals it unblocks are delivered
/// on the way out under that mask, and then the old mask comes back (see
/// `SignalState::restore_mask`).
///
/// # Safety
/// `set` must point to a readable sigset_t.
pub unsafe fn use_temporary_mask(task: &Task, set: *const libc::sigset_t) {
    // SAFETY: per the caller.
    let new = unsafe { SigSet::from_c(set) };
    task.with_signals(|s| {
        let old = s.change_mask(MaskHow::Set, new);
        s.restore_mask.get_or_insert(old);
    });
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigaction.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigaction(sig: c_int, act: *const libc::sigaction, old: *mut libc::sigaction) -> c_int {
    sys("sigaction", || {
        let prev = me().with_signals(|s| -> KResult<Action> {
            if act.is_null() {
                return s.action(sig);
            }
            // SAFETY: non-null sigaction from the caller.
            let a = unsafe { &*act };
            // SAFETY: sa_mask is a sigset_t inside the caller's struct.
            let mask = unsafe { SigSet::from_c(&a.sa_mask) };
            s.set_action(sig, Action { handler: a.sa_sigaction, flags: a.sa_flags, mask })
        })?;
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
    let mut result = libc::SIG_ERR;
    sys("signal", || {
        let mut mask = SigSet::EMPTY;
        mask.add(sig);
        let prev = me().with_signals(|s| s.set_action(sig, Action { handler, flags: libc::SA_RESTART, mask }))?;
        result = prev.handler;
        Ok(0)
    });
    result
}

/// siginterrupt(3): whether `sig` interrupts calls (no SA_RESTART).
#[no_mangle]
pub extern "C" fn tvm_siginterrupt(sig: c_int, flag: c_int) -> c_int {
    sys("siginterrupt", || {
        me().with_signals(|s| {
            let mut a = s.action(sig)?;
            if flag != 0 {
                a.flags &= !libc::SA_RESTART;
            } else {
                a.flags |= libc::SA_RESTART;
            }
            s.set_action(sig, a).map(|_| 0)
        })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigprocmask.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigprocmask(how: c_int, set: *const libc::sigset_t, old: *mut libc::sigset_t) -> c_int {
    sys("sigprocmask", || {
        let prev = me().with_signals(|s| -> KResult<SigSet> {
            if set.is_null() {
                return Ok(s.mask);
            }
            let how = MaskHow::from_c(how)?;
            // SAFETY: non-null sigset from the caller.
            Ok(s.change_mask(how, unsafe { SigSet::from_c(set) }))
        })?;
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

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigpending.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigpending(set: *mut libc::sigset_t) -> c_int {
    sys("sigpending", || {
        if set.is_null() {
            return Err(Errno::EFAULT);
        }
        let s = me().signals.lock();
        // SAFETY: non-null out-parameter from the caller.
        unsafe { SigSet(s.pending().0 & s.mask.0).to_c(set) };
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/kill.html>
#[no_mangle]
pub extern "C" fn tvm_kill(pid: libc::pid_t, sig: c_int) -> c_int {
    sys("kill", || kill(me(), pid, sig, libc::SI_USER).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigqueue.html>
#[no_mangle]
pub extern "C" fn tvm_sigqueue(pid: libc::pid_t, sig: c_int, value: libc::sigval) -> c_int {
    sys("sigqueue", || send::queue(me(), pid, sig, value.sival_ptr as usize).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/killpg.html>
#[no_mangle]
pub extern "C" fn tvm_killpg(pgrp: libc::pid_t, sig: c_int) -> c_int {
    sys("killpg", || {
        if pgrp < 0 {
            return Err(Errno::EINVAL);
        }
        kill(me(), -pgrp, sig, libc::SI_USER).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/raise.html>
/// The signal is delivered before raise returns.
#[no_mangle]
pub extern "C" fn tvm_raise(sig: c_int) -> c_int {
    let task = me();
    sys("raise", || kill(task, task.pid, sig, libc::SI_TKILL).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/abort.html>
/// SIGABRT is unblocked and raised; if a handler returns, the disposition
/// is reset and SIGABRT raised again, which terminates the task.
#[no_mangle]
pub extern "C" fn tvm_abort() -> ! {
    let task = me();
    for _ in 0..2 {
        sys("abort", || {
            task.with_signals(|s| {
                let mut set = SigSet::EMPTY;
                set.add(libc::SIGABRT);
                s.change_mask(MaskHow::Unblock, set);
            });
            kill(task, task.pid, libc::SIGABRT, libc::SI_TKILL).map(|()| 0)
        });
        task.with_signals(|s| s.set_default(libc::SIGABRT));
    }
    crate::kernel::task::exit::terminate_with(crate::kernel::task::wait::status::signaled(libc::SIGABRT, false))
}

/// Blocks until a signal must be delivered (pause, sigsuspend).
fn wait_for_signal(task: &Task) -> KResult<c_int> {
    loop {
        block::wait_wake(task, Deadline::Never)?;
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pause.html>
#[no_mangle]
pub extern "C" fn tvm_pause() -> c_int {
    sys("pause", || wait_for_signal(me()))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigsuspend.html>
/// The handler runs under the temporary mask; the old one comes back after.
#[no_mangle]
pub unsafe extern "C" fn tvm_sigsuspend(set: *const libc::sigset_t) -> c_int {
    sys("sigsuspend", || {
        if set.is_null() {
            return Err(Errno::EFAULT);
        }
        let task = me();
        // SAFETY: non-null sigset from the caller.
        unsafe { use_temporary_mask(task, set) };
        wait_for_signal(task)
    })
}

/// Waits until a signal in `set` is pending and takes it (sigwait family);
/// `Ok(None)` on timeout.
fn take_from(task: &Task, set: SigSet, timeout: Option<Duration>) -> KResult<Option<crate::kernel::signal::SigInfo>> {
    let deadline = Deadline::after(timeout);
    loop {
        let got = task.with_signals(|s| s.first_pending_in(set).and_then(|sig| s.take(sig)));
        if got.is_some() {
            return Ok(got);
        }
        if block::wait_wake(task, deadline)? == block::Woke::TimedOut {
            return Ok(None);
        }
    }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigwait.html>
/// Returns an error number.
#[no_mangle]
pub unsafe extern "C" fn tvm_sigwait(set: *const libc::sigset_t, sig: *mut c_int) -> c_int {
    let mut out = 0;
    let r = sys_restart("sigwait", || {
        if set.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: non-null sigset from the caller.
        let info = take_from(me(), unsafe { SigSet::from_c(set) }, None)?.ok_or(Errno::EAGAIN)?;
        out = info.signo;
        Ok(0)
    });
    if r != 0 {
        return Errno::last() as c_int;
    }
    if !sig.is_null() {
        // SAFETY: non-null out-parameter from the caller.
        unsafe { sig.write(out) };
    }
    0
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigtimedwait.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigtimedwait(
    set: *const libc::sigset_t,
    info: *mut libc::siginfo_t,
    timeout: *const libc::timespec,
) -> c_int {
    sys("sigtimedwait", || {
        if set.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: a non-null timespec from the caller.
        let d = if timeout.is_null() { None } else { Some(super::poll::timespec_duration(unsafe { &*timeout })?) };
        // SAFETY: non-null sigset from the caller.
        let got = take_from(me(), unsafe { SigSet::from_c(set) }, d)?.ok_or(Errno::EAGAIN)?;
        if !info.is_null() {
            // SAFETY: non-null out-parameter from the caller.
            unsafe { got.write_to(info) };
        }
        Ok(got.signo)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigwaitinfo.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_sigwaitinfo(set: *const libc::sigset_t, info: *mut libc::siginfo_t) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_sigtimedwait(set, info, std::ptr::null()) }
}
