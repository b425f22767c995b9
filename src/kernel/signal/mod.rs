//! Per-task signal state: dispositions, the blocked mask, the pending set.
//!
//! "A child created via fork(2) inherits a copy of its parent's signal
//! dispositions and mask; its pending set is empty. During an execve(2),
//! the dispositions of handled signals are reset to the default; the
//! dispositions of ignored signals are left unchanged; the mask and pending
//! set are preserved" (signal(7)).

pub mod cpu_limit;
pub mod deliver;
pub mod fault;
pub mod host;
pub mod send;
pub mod timer;

use crate::platform::c as libc;
use std::ffi::c_int;

use crate::kernel::{Errno, KResult};

/// Highest signal number (Linux: 64, real-time signals included).
pub const MAX_SIG: c_int = 64;

/// A set of signals 1..=64, bit `sig - 1` as in the kernel's sigset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);

    fn bit(sig: c_int) -> u64 {
        1u64 << (sig - 1)
    }

    pub fn contains(self, sig: c_int) -> bool {
        (1..=MAX_SIG).contains(&sig) && self.0 & Self::bit(sig) != 0
    }

    pub fn add(&mut self, sig: c_int) {
        if (1..=MAX_SIG).contains(&sig) {
            self.0 |= Self::bit(sig);
        }
    }

    pub fn remove(&mut self, sig: c_int) {
        if (1..=MAX_SIG).contains(&sig) {
            self.0 &= !Self::bit(sig);
        }
    }

    /// Reads the first 64 bits of a C `sigset_t` (glibc's layout).
    ///
    /// # Safety
    /// `set` must point to a readable `sigset_t`.
    pub unsafe fn from_c(set: *const libc::sigset_t) -> SigSet {
        // SAFETY: a sigset_t is at least 8 bytes; the caller vouches for it.
        SigSet(unsafe { set.cast::<u64>().read_unaligned() })
    }

    /// Writes this set into a C `sigset_t`, clearing the rest of it.
    ///
    /// # Safety
    /// `set` must point to a writable `sigset_t`.
    pub unsafe fn to_c(self, set: *mut libc::sigset_t) {
        // SAFETY: the caller vouches for a writable sigset_t.
        unsafe {
            std::ptr::write_bytes(set, 0, 1);
            set.cast::<u64>().write_unaligned(self.0);
        }
    }

    /// SIGKILL and SIGSTOP can never be blocked.
    pub fn without_unblockable(self) -> SigSet {
        let mut s = self;
        s.remove(libc::SIGKILL);
        s.remove(libc::SIGSTOP);
        s
    }
}

/// One signal's disposition, as `struct sigaction` carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// SIG_DFL (0), SIG_IGN (1) or the handler's address.
    pub handler: usize,
    pub flags: c_int,
    pub mask: SigSet,
}

impl Action {
    pub const DEFAULT: Action = Action { handler: libc::SIG_DFL, flags: 0, mask: SigSet::EMPTY };

    pub fn is_handler(&self) -> bool {
        self.handler != libc::SIG_DFL && self.handler != libc::SIG_IGN
    }
}

/// What a signal does when its disposition is SIG_DFL (signal(7)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultAction {
    Terminate,
    /// Terminate "and dump core" (the runtime writes no core file).
    Core,
    Ignore,
    Stop,
    Continue,
}

/// The default action of `sig`.
pub fn default_action(sig: c_int) -> DefaultAction {
    match sig {
        libc::SIGQUIT
        | libc::SIGILL
        | libc::SIGTRAP
        | libc::SIGABRT
        | libc::SIGBUS
        | libc::SIGFPE
        | libc::SIGSEGV
        | libc::SIGXCPU
        | libc::SIGXFSZ
        | libc::SIGSYS => DefaultAction::Core,
        libc::SIGCHLD | libc::SIGURG | libc::SIGWINCH => DefaultAction::Ignore,
        libc::SIGCONT => DefaultAction::Continue,
        libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU => DefaultAction::Stop,
        _ => DefaultAction::Terminate,
    }
}

/// First real-time signal (glibc's SIGRTMIN: 32 and 33 are its own).
pub const RT_MIN: c_int = 34;
/// Signals below RT_MIN: each has one slot for a pending instance's
/// information in every task.
const STANDARD_SIGNALS: usize = RT_MIN as usize - 1;
/// Most real-time signal instances queued per task.
const RT_QUEUE_MAX: usize = 1024;

/// What delivering a signal now would do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Run the handler.
    Handle,
    /// Terminate the task.
    Terminate,
    /// Stop the task.
    Stop,
    /// Nothing (ignored, or only the continue that generation did).
    Nothing,
}

#[derive(Clone, Debug)]
pub struct SignalState {
    pub mask: SigSet,
    pending: SigSet,
    /// For each pending standard signal, the information of its instance
    /// (real-time signals queue theirs in `rt_queue`).
    info: [SigInfo; STANDARD_SIGNALS],
    /// Pending real-time instances, in order of generation.
    rt_queue: std::collections::VecDeque<SigInfo>,
    actions: [Action; MAX_SIG as usize],
    /// The mask to put back once pending signals have been delivered: set
    /// by calls that wait under a temporary mask (sigsuspend, ppoll, pselect).
    pub restore_mask: Option<SigSet>,
    /// SIGCONTs generated so far: a stop taken before one of them must not
    /// happen (`deliver::stop`).
    pub continues: u64,
}

impl Default for SignalState {
    fn default() -> Self {
        SignalState {
            mask: SigSet::EMPTY,
            pending: SigSet::EMPTY,
            info: [SigInfo::default(); STANDARD_SIGNALS],
            rt_queue: std::collections::VecDeque::new(),
            actions: [Action::DEFAULT; MAX_SIG as usize],
            restore_mask: None,
            continues: 0,
        }
    }
}

/// How sigprocmask changes the mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskHow {
    Block,
    Unblock,
    Set,
}

impl MaskHow {
    pub fn from_c(how: c_int) -> KResult<MaskHow> {
        match how {
            libc::SIG_BLOCK => Ok(MaskHow::Block),
            libc::SIG_UNBLOCK => Ok(MaskHow::Unblock),
            libc::SIG_SETMASK => Ok(MaskHow::Set),
            _ => Err(Errno::EINVAL),
        }
    }
}

/// Signals glibc reserves for its thread implementation (sigaction(2)
/// refuses them with EINVAL).
fn reserved(sig: c_int) -> bool {
    sig == 32 || sig == 33
}

/// Whether `sig` is a valid signal number (for kill and friends).
pub fn valid(sig: c_int) -> bool {
    (1..=MAX_SIG).contains(&sig)
}

impl SignalState {
    /// What a program exec'd by the host process would start with: the
    /// signals the host ignores stay ignored, the host's mask stays (signal(7)
    /// on execve). Read before the runtime changes the host's own (it ignores
    /// SIGPIPE), see `boot::init`.
    pub fn inherited(ignored: SigSet, mask: SigSet) -> SignalState {
        let mut s = SignalState::default();
        for sig in 1..=MAX_SIG {
            if ignored.contains(sig) && valid(sig) && sig != libc::SIGKILL && sig != libc::SIGSTOP {
                let _ = s.set_action(sig, Action { handler: libc::SIG_IGN, flags: 0, mask: SigSet::EMPTY });
            }
        }
        s.mask = mask.without_unblockable();
        s
    }

    pub fn action(&self, sig: c_int) -> KResult<Action> {
        if !valid(sig) {
            return Err(Errno::EINVAL);
        }
        Ok(self.actions[(sig - 1) as usize])
    }

    /// sigaction(2): installs `new`, returns the previous disposition.
    /// "Setting a signal's action to SIG_IGN for a pending signal causes
    /// the pending signal to be discarded" (POSIX), likewise SIG_DFL for a
    /// signal whose default is to ignore it.
    pub fn set_action(&mut self, sig: c_int, new: Action) -> KResult<Action> {
        let old = self.action(sig)?;
        if sig == libc::SIGKILL || sig == libc::SIGSTOP || reserved(sig) {
            return Err(Errno::EINVAL);
        }
        self.actions[(sig - 1) as usize] = Action { mask: new.mask.without_unblockable(), ..new };
        if self.ignores(sig) {
            self.discard(sig);
        }
        Ok(old)
    }

    /// sigprocmask(2): returns the previous mask.
    pub fn change_mask(&mut self, how: MaskHow, set: SigSet) -> SigSet {
        let old = self.mask;
        self.mask = match how {
            MaskHow::Block => SigSet(old.0 | set.0),
            MaskHow::Unblock => SigSet(old.0 & !set.0),
            MaskHow::Set => set,
        }
        .without_unblockable();
        old
    }

    /// The state a forked or spawned child starts with.
    pub fn for_child(&self) -> SignalState {
        SignalState {
            pending: SigSet::EMPTY,
            rt_queue: std::collections::VecDeque::new(),
            restore_mask: None,
            ..self.clone()
        }
    }

    /// Caught signals go back to their default action (execve).
    pub fn reset_for_exec(&mut self) {
        for a in self.actions.iter_mut() {
            if a.is_handler() {
                *a = Action::DEFAULT;
            }
        }
    }

    /// Resets one signal to SIG_DFL (posix_spawn's POSIX_SPAWN_SETSIGDEF).
    pub fn set_default(&mut self, sig: c_int) {
        if valid(sig) && sig != libc::SIGKILL && sig != libc::SIGSTOP {
            self.actions[(sig - 1) as usize] = Action::DEFAULT;
        }
    }

    /// Whether a signal, if it arrived now, would be thrown away: ignored
    /// by disposition or by default action, and not blocked (a blocked
    /// signal stays pending: the disposition may change before it is
    /// unblocked).
    pub fn ignores(&self, sig: c_int) -> bool {
        if self.mask.contains(sig) || sig == libc::SIGKILL || sig == libc::SIGSTOP {
            return false;
        }
        let a = self.actions[(sig - 1) as usize];
        a.handler == libc::SIG_IGN
            || (a.handler == libc::SIG_DFL
                && matches!(default_action(sig), DefaultAction::Ignore | DefaultAction::Continue))
    }

    pub fn pending(&self) -> SigSet {
        self.pending
    }

    /// Makes `sig` pending with `info` (standard signals do not queue: a
    /// second instance merges with the first).
    pub fn add_pending(&mut self, sig: c_int, info: SigInfo) {
        if sig >= RT_MIN {
            if self.rt_queue.len() < RT_QUEUE_MAX {
                self.rt_queue.push_back(info);
                self.pending.add(sig);
            }
        } else if !self.pending.contains(sig) {
            self.info[(sig - 1) as usize] = info;
            self.pending.add(sig);
        }
    }

    /// Takes one pending instance of `sig`.
    pub fn take(&mut self, sig: c_int) -> Option<SigInfo> {
        if !self.pending.contains(sig) {
            return None;
        }
        if sig >= RT_MIN {
            let i = self.rt_queue.iter().position(|x| x.signo == sig)?;
            let info = self.rt_queue.remove(i);
            if !self.rt_queue.iter().any(|x| x.signo == sig) {
                self.pending.remove(sig);
            }
            info
        } else {
            self.pending.remove(sig);
            Some(self.info[(sig - 1) as usize])
        }
    }

    /// Drops every pending instance of `sig`.
    pub fn discard(&mut self, sig: c_int) {
        while self.take(sig).is_some() {}
    }

    /// The lowest pending signal in `within`.
    pub fn first_pending_in(&self, within: SigSet) -> Option<c_int> {
        let bits = self.pending.0 & within.0;
        (bits != 0).then(|| bits.trailing_zeros() as c_int + 1)
    }

    /// The lowest pending signal that is not blocked.
    pub fn next_deliverable(&self) -> Option<c_int> {
        self.first_pending_in(SigSet(!self.mask.0))
    }

    /// What delivering `sig` would do now.
    pub fn effect(&self, sig: c_int) -> Effect {
        let a = self.actions[(sig - 1) as usize];
        if sig == libc::SIGKILL {
            return Effect::Terminate;
        }
        if sig == libc::SIGSTOP {
            return Effect::Stop;
        }
        match a.handler {
            libc::SIG_IGN => Effect::Nothing,
            libc::SIG_DFL => match default_action(sig) {
                DefaultAction::Terminate | DefaultAction::Core => Effect::Terminate,
                DefaultAction::Stop => Effect::Stop,
                DefaultAction::Ignore | DefaultAction::Continue => Effect::Nothing,
            },
            _ => Effect::Handle,
        }
    }

    /// Whether a pending, unblocked signal must end a blocking call (it
    /// has a handler or terminates the task).
    pub fn interrupts(&self) -> bool {
        let mut bits = self.pending.0 & !self.mask.0;
        while bits != 0 {
            let sig = bits.trailing_zeros() as c_int + 1;
            if matches!(self.effect(sig), Effect::Handle | Effect::Terminate) {
                return true;
            }
            bits &= bits - 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_resets_handlers_but_keeps_ignored_and_mask() {
        let mut s = SignalState::default();
        s.set_action(libc::SIGINT, Action { handler: 0x1234, flags: 0, mask: SigSet::EMPTY }).unwrap();
        s.set_action(libc::SIGQUIT, Action { handler: libc::SIG_IGN, flags: 0, mask: SigSet::EMPTY }).unwrap();
        let mut m = SigSet::EMPTY;
        m.add(libc::SIGUSR1);
        m.add(libc::SIGKILL);
        s.change_mask(MaskHow::Set, m);
        assert!(!s.mask.contains(libc::SIGKILL));
        s.reset_for_exec();
        assert_eq!(s.action(libc::SIGINT).unwrap(), Action::DEFAULT);
        assert_eq!(s.action(libc::SIGQUIT).unwrap().handler, libc::SIG_IGN);
        assert!(s.mask.contains(libc::SIGUSR1));
        assert_eq!(s.set_action(libc::SIGKILL, Action::DEFAULT), Err(Errno::EINVAL));
        assert_eq!(s.action(0), Err(Errno::EINVAL));
        assert_eq!(s.action(65), Err(Errno::EINVAL));
    }
}

/// A signal's information, in the layout of Linux's `siginfo_t` for the
/// fields the runtime fills (x86_64 and aarch64): signal, code, sender pid
/// and uid, and for SIGCHLD the child's status and CPU times.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigInfo {
    pub signo: c_int,
    pub errno: c_int,
    pub code: c_int,
    _pad: c_int,
    pub pid: libc::pid_t,
    pub uid: libc::uid_t,
    pub status: c_int,
    _pad2: c_int,
    pub utime: libc::clock_t,
    pub stime: libc::clock_t,
}

fn uid() -> libc::uid_t {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() }
}

impl SigInfo {
    /// Writes this record into a caller's `siginfo_t` in the platform's
    /// layout (`platform::write_siginfo`), zeroing the rest.
    ///
    /// # Safety
    /// `p` must point to a writable `siginfo_t`.
    pub unsafe fn write_to(self, p: *mut libc::siginfo_t) {
        // SAFETY: per the caller.
        unsafe { crate::platform::write_siginfo(p, &self) }
    }

    /// The faulting address of a record made by [`SigInfo::fault`].
    pub fn fault_addr(&self) -> usize {
        (self.pid as u32 as usize) | ((self.uid as usize) << 32)
    }

    /// The value of a record made by [`SigInfo::queued`].
    pub fn queued_value(&self) -> usize {
        (self.status as u32 as usize) | ((self._pad2 as u32 as usize) << 32)
    }

    /// A signal sent by task `pid` (kill: SI_USER; raise: SI_TKILL).
    pub fn sent(sig: c_int, code: c_int, pid: libc::pid_t) -> SigInfo {
        SigInfo { signo: sig, code, pid, uid: uid(), ..SigInfo::default() }
    }

    /// A signal sent with sigqueue(3) and its value (SI_QUEUE); the value
    /// union takes the place of the child status fields.
    pub fn queued(sig: c_int, pid: libc::pid_t, value: usize) -> SigInfo {
        let v = value as u64;
        SigInfo {
            signo: sig,
            code: libc::SI_QUEUE,
            pid,
            uid: uid(),
            status: v as u32 as c_int,
            _pad2: (v >> 32) as u32 as c_int,
            ..SigInfo::default()
        }
    }

    /// A fault raised by an instruction (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    /// SIGTRAP):
    /// its `si_code` and the faulting address, `si_addr`, which Linux's
    /// union puts where `si_pid` and `si_uid` are.
    pub fn fault(sig: c_int, code: c_int, addr: usize) -> SigInfo {
        SigInfo { signo: sig, code, pid: addr as u32 as libc::pid_t, uid: (addr >> 32) as u32, ..SigInfo::default() }
    }

    /// A signal the runtime itself generates (SIGALRM, SIGPIPE, SIGHUP of an
    /// orphaned group): SI_KERNEL.
    pub fn kernel(sig: c_int) -> SigInfo {
        SigInfo { signo: sig, code: libc::SI_KERNEL, ..SigInfo::default() }
    }

    /// The SIGCHLD record for a child whose wait status is `status`
    /// (exit, signal, stop or continue).
    pub fn for_child(pid: libc::pid_t, status: i32) -> SigInfo {
        use crate::kernel::task::wait::status as ws;
        let (code, st) = if let Some(c) = ws::if_exited(status) {
            (libc::CLD_EXITED, c)
        } else if let Some(sig) = ws::if_signaled(status) {
            (if status & 0x80 != 0 { libc::CLD_DUMPED } else { libc::CLD_KILLED }, sig)
        } else if let Some(sig) = ws::if_stopped(status) {
            (libc::CLD_STOPPED, sig)
        } else if ws::if_continued(status) {
            (libc::CLD_CONTINUED, libc::SIGCONT)
        } else {
            (libc::CLD_EXITED, 0)
        };
        SigInfo { signo: libc::SIGCHLD, code, pid, uid: uid(), status: st, ..SigInfo::default() }
    }
}
