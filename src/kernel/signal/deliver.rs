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
//! Several signals deliverable at once nest as on Linux: the kernel sets up
//! a frame for the lowest, then for the next one the new mask lets through
//! on top of it, and so on; the last frame set up runs first. So with
//! SIGHUP and SIGCONT pending, SIGCONT's handler runs, then SIGHUP's. Only
//! the first signal decides whether an interrupted call restarts (its frame
//! is the one set up against the call's return).
//!
//! This code must not allocate: it may run inside a host signal handler
//! that interrupted guest code in the middle of a host C library call.

use std::ffi::{c_int, c_void};
use std::mem::MaybeUninit;

use super::host::{InGuest, InRuntime};
use super::{send, Action, Effect, SigInfo, SigSet};
use crate::kernel::block;
use crate::kernel::task::table::{self, Report};
use crate::kernel::task::wait::status;
use crate::kernel::task::{exit, try_current, Task};
use crate::kernel::{Errno, KResult};

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
    /// A stop signal, and the SIGCONT count when it was taken.
    Stop(c_int, u64),
    Again,
    Done,
}

/// Delivers every pending, unblocked signal of `task` (the calling
/// thread's). Does not return when a signal terminates the task.
///
/// After a guest handler returns, the task is looked up again rather than
/// kept: a handler may fork, and the child returns from it into a copy of
/// these frames, where a kept `&Task` is the parent's (whose mask it would
/// restore and whose pending signals it would take).
pub fn deliver_pending(task: &Task) -> Delivered {
    let mut out = Delivered::default();
    deliver_nested(task, &mut out);
    out
}

fn deliver_nested(task: &Task, out: &mut Delivered) {
    let mut task = task;
    loop {
        match next_step(task) {
            Step::Done => return,
            Step::Again => {}
            Step::Handle(sig, info, action, old) => {
                if !out.handled {
                    out.handled = true;
                    out.no_restart = action.flags & libc::SA_RESTART == 0;
                }
                // Frames for the signals this handler's mask lets through
                // go on top of its own and run first.
                deliver_nested(task, out);
                // SAFETY: the guest installed this handler for this signal;
                // it runs on the guest stack like a kernel-delivered one.
                unsafe { call_handler(action, sig, &info, old) };
                let _rt = InRuntime::enter();
                let Some(now) = try_current() else { return };
                task = now;
                let mut s = task.signals.lock();
                s.mask = old;
                task.update_signal_hint(&s);
            }
            Step::Terminate(sig) => exit::terminate_with(status::signaled(sig, false)),
            Step::Stop(sig, continues) => stop(task, sig, continues),
        }
    }
}

/// Takes the next deliverable signal and, for a handler, switches to the
/// mask it runs under.
fn next_step(task: &Task) -> Step {
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
                    let (action, old) = begin_handler(&mut s, sig);
                    Step::Handle(sig, info, action, old)
                }
                Effect::Terminate => Step::Terminate(sig),
                Effect::Stop => Step::Stop(sig, s.continues),
                Effect::Nothing => Step::Again,
            }
        }
    };
    task.update_signal_hint(&s);
    step
}

/// Switches `s` to the mask a handler of `sig` runs under (and resets the
/// disposition under SA_RESETHAND); returns the action and the mask to put
/// back after the handler: the one from before a temporary mask, if any (a
/// siglongjmp out of the handler skips this, as on Linux).
fn begin_handler(s: &mut super::SignalState, sig: c_int) -> (Action, SigSet) {
    let action = s.action(sig).unwrap_or(Action::DEFAULT);
    let old = s.restore_mask.take().unwrap_or(s.mask);
    let mut m = SigSet(old.0 | action.mask.0);
    if action.flags & libc::SA_NODEFER == 0 {
        m.add(sig);
    }
    s.mask = m.without_unblockable();
    if action.flags & libc::SA_RESETHAND as c_int != 0 {
        s.set_default(sig);
    }
    (action, old)
}

/// Runs the calling task's handler for a fault it raised (SIGSEGV and the
/// like, `info` describing it), as Linux's forced delivery does: a handler
/// runs even before other pending signals; a fault signal that is blocked
/// or ignored, or has no handler, ends the task instead (false: the caller
/// terminates it). Runs on the guest stack, as guest code.
pub fn handle_fault(task: &Task, sig: c_int, info: SigInfo) -> bool {
    let (action, old) = {
        let _rt = InRuntime::enter();
        let mut s = task.signals.lock();
        if s.mask.contains(sig) || s.effect(sig) != Effect::Handle {
            return false;
        }
        let started = begin_handler(&mut s, sig);
        task.update_signal_hint(&s);
        started
    };
    // SAFETY: the guest installed this handler for this signal.
    unsafe { call_handler(action, sig, &info, old) };
    let _rt = InRuntime::enter();
    if let Some(now) = try_current() {
        let mut s = now.signals.lock();
        s.mask = old;
        now.update_signal_hint(&s);
    }
    true
}

/// Delivers the calling task's pending signals from inside a runtime call
/// (its handlers run as guest code), keeping errno.
pub fn deliver_now() -> Delivered {
    let Some(task) = try_current() else { return Delivered::default() };
    let _guest = InGuest::enter();
    deliver_keeping_errno(task)
}

/// [`deliver_pending`], with errno as it was before the handlers ran (a
/// handler's calls must not show through to the code it interrupted).
pub fn deliver_keeping_errno(task: &Task) -> Delivered {
    let saved = Errno::last_raw();
    let d = deliver_pending(task);
    Errno::set_raw(saved);
    d
}

/// Runs `op`, one blocking step of a larger runtime call (a read under
/// `fgets`), the way a kernel runs a system call under a C library
/// function: when a signal interrupts it, the handlers run right away and
/// the step is tried again unless the first had no SA_RESTART, in which
/// case the step fails with EINTR (and the caller keeps what it has done).
/// errno is preserved across the handlers. `op` gets the calling task,
/// looked up again after handlers (which may fork: see `deliver_pending`).
pub fn restarting<T>(mut op: impl FnMut(&Task) -> KResult<T>) -> KResult<T> {
    loop {
        let task = crate::kernel::task::current();
        match op(task) {
            Err(Errno::EINTR) => {
                let d = deliver_now();
                if d.handled && d.no_restart {
                    return Err(Errno::EINTR);
                }
            }
            r => return r,
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

/// Stops the calling task (stop signal `sig`, taken when `continues`
/// SIGCONTs had been generated) until it is continued or killed; its
/// parent hears of both. A SIGCONT generated after the stop signal was
/// taken, before the task could stop, cancels the stop: as on Linux, where
/// SIGCONT clears a stop that is pending in the target.
pub fn stop(task: &Task, sig: c_int, continues: u64) {
    let _rt = InRuntime::enter();
    {
        let mut t = table::lock();
        // The table lock orders this against `send`, which holds it while it
        // counts a SIGCONT and checks whether the task is stopped.
        if task.signals.lock().continues != continues {
            return;
        }
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
