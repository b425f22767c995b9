//! Delivering signals: running handlers and default actions.
//!
//! Delivery happens on the task's own thread: when it returns from a
//! runtime call (`abi::sys`), or from the host signal that interrupted its
//! guest code (`host.rs`). Pending, unblocked signals are taken lowest
//! number first. A handler runs on the guest stack with the signal (unless
//! SA_NODEFER) and its `sa_mask` added to the mask, which is put back when
//! it returns; SA_RESETHAND resets the disposition first. Default actions
//! terminate the task (its parent sees WIFSIGNALED), stop it until SIGCONT,
//! or do nothing.
//!
//! This code must not allocate: it may run inside a host signal handler
//! that interrupted guest code in the middle of a host C library call.

use std::ffi::{c_int, c_void};
use std::mem::MaybeUninit;

use super::host::InRuntime;
use super::{send, Action, Effect, SigInfo, SigSet};
use crate::kernel::block;
use crate::kernel::task::table::{self, Report};
use crate::kernel::task::wait::status;
use crate::kernel::task::{exit, Task};

/// What a round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    /// At least one handler ran.
    pub handled: bool,
    /// A handler without SA_RESTART ran: an interrupted call fails with
    /// EINTR instead of restarting.
    pub no_restart: bool,
}

enum Step {
    Handle(c_int, SigInfo, Action, SigSet),
    Terminate(c_int),
    Stop(c_int),
    Again,
    Done,
}

/// Delivers every pending, unblocked signal of `task` (the calling
/// thread's). Does not return when a signal terminates the task.
pub fn deliver_pending(task: &Task) -> Delivered {
    let mut out = Delivered::default();
    loop {
        let step = {
            let _rt = InRuntime::enter();
            let mut s = task.signals.lock();
            let step = match s.next_deliverable() {
                None => match s.restore_mask.take() {
                    Some(m) => {
                        s.mask = m;
                        Step::Again
                    }
                    None => Step::Done,
                },
                Some(sig) => {
                    let info = s.take(sig).unwrap_or_else(|| SigInfo::kernel(sig));
                    match s.effect(sig) {
                        Effect::Handle => {
                            let action = s.action(sig).unwrap_or(Action::DEFAULT);
                            // The mask to put back after the handler: the one
                            // from before a temporary mask, if any (a
                            // siglongjmp out of the handler skips this, as
                            // on Linux).
                            let old = s.restore_mask.take().unwrap_or(s.mask);
                            let mut m = SigSet(old.0 | action.mask.0);
                            if action.flags & libc::SA_NODEFER == 0 {
                                m.add(sig);
                            }
                            s.mask = m.without_unblockable();
                            if action.flags & libc::SA_RESETHAND as c_int != 0 {
                                s.set_default(sig);
                            }
                            Step::Handle(sig, info, action, old)
                        }
                        Effect::Terminate => Step::Terminate(sig),
                        Effect::Stop => Step::Stop(sig),
                        Effect::Nothing => Step::Again,
                    }
                }
            };
            task.update_signal_hint(&s);
            step
        };
        match step {
            Step::Done => return out,
            Step::Again => {}
            Step::Handle(sig, info, action, old) => {
                // SAFETY: the guest installed this handler for this signal;
                // it runs on the guest stack like a kernel-delivered one.
                unsafe { call_handler(action, sig, &info, old) };
                let _rt = InRuntime::enter();
                let mut s = task.signals.lock();
                s.mask = old;
                task.update_signal_hint(&s);
                out.handled = true;
                if action.flags & libc::SA_RESTART == 0 {
                    out.no_restart = true;
                }
            }
            Step::Terminate(sig) => exit::terminate_with(status::signaled(sig, false)),
            Step::Stop(sig) => stop(task, sig),
        }
    }
}

/// Calls a guest signal handler, with a siginfo and a (minimal) ucontext
/// for SA_SIGINFO handlers.
///
/// # Safety
/// `action.handler` must be a handler function of the matching kind.
unsafe fn call_handler(action: Action, sig: c_int, info: &SigInfo, mask: SigSet) {
    if action.flags & libc::SA_SIGINFO != 0 {
        let mut si = MaybeUninit::<libc::siginfo_t>::uninit();
        // SAFETY: zeroed ucontext is a valid (empty) context; the siginfo is
        // filled before use.
        unsafe {
            let mut uc: libc::ucontext_t = std::mem::zeroed();
            mask.to_c(&mut uc.uc_sigmask);
            info.write_to(si.as_mut_ptr());
            let f: unsafe extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) = std::mem::transmute(action.handler);
            f(sig, si.as_mut_ptr(), (&raw mut uc).cast());
        }
    } else {
        // SAFETY: per the caller.
        unsafe {
            let f: unsafe extern "C" fn(c_int) = std::mem::transmute(action.handler);
            f(sig);
        }
    }
}

/// Stops the calling task (stop signal `sig`) until it is continued or
/// killed; its parent hears of both.
pub fn stop(task: &Task, sig: c_int) {
    let _rt = InRuntime::enter();
    {
        let mut t = table::lock();
        if let Some(p) = t.get_mut(task.pid) {
            p.stopped = true;
            p.report = Some(Report::Stopped(sig));
        }
        send::notify_parent(&mut t, task.pid, status::stopped(sig));
    }
    loop {
        block::wait_plain(task);
        if !table::lock().get(task.pid).is_some_and(|p| p.stopped) {
            return;
        }
    }
}
