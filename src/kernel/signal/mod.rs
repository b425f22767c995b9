//! Per-task signal state: dispositions, the blocked mask, the pending set.
//!
//! "A child created via fork(2) inherits a copy of its parent's signal
//! dispositions and mask; its pending set is empty. During an execve(2),
//! the dispositions of handled signals are reset to the default; the
//! dispositions of ignored signals are left unchanged; the mask and pending
//! set are preserved" (signal(7)).

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

#[derive(Clone, Debug)]
pub struct SignalState {
    pub mask: SigSet,
    pub pending: SigSet,
    actions: [Action; MAX_SIG as usize],
}

impl Default for SignalState {
    fn default() -> Self {
        SignalState { mask: SigSet::EMPTY, pending: SigSet::EMPTY, actions: [Action::DEFAULT; MAX_SIG as usize] }
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

impl SignalState {
    pub fn action(&self, sig: c_int) -> KResult<Action> {
        if !(1..=MAX_SIG).contains(&sig) {
            return Err(Errno::EINVAL);
        }
        Ok(self.actions[(sig - 1) as usize])
    }

    /// sigaction(2): installs `new`, returns the previous disposition.
    pub fn set_action(&mut self, sig: c_int, new: Action) -> KResult<Action> {
        let old = self.action(sig)?;
        if sig == libc::SIGKILL || sig == libc::SIGSTOP || reserved(sig) {
            return Err(Errno::EINVAL);
        }
        self.actions[(sig - 1) as usize] = Action { mask: new.mask.without_unblockable(), ..new };
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
        SignalState { pending: SigSet::EMPTY, ..self.clone() }
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
        if (1..=MAX_SIG).contains(&sig) && sig != libc::SIGKILL && sig != libc::SIGSTOP {
            self.actions[(sig - 1) as usize] = Action::DEFAULT;
        }
    }

    /// Whether a pending, unblocked signal must interrupt a blocking call.
    pub fn interrupts(&self) -> bool {
        self.pending.0 & !self.mask.0 != 0
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

/// The SIGCHLD view of Linux's `siginfo_t` (x86_64 and aarch64 layout),
/// for waitid(2) and SA_SIGINFO handlers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ChildInfo {
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

const _: () = assert!(std::mem::size_of::<ChildInfo>() <= std::mem::size_of::<libc::siginfo_t>());

impl ChildInfo {
    /// Writes this record into a caller's `siginfo_t`, zeroing the rest.
    ///
    /// # Safety
    /// `p` must point to a writable `siginfo_t`.
    pub unsafe fn write_to(self, p: *mut libc::siginfo_t) {
        // SAFETY: the caller vouches for a writable siginfo_t, which is
        // larger than ChildInfo (checked at compile time).
        unsafe {
            std::ptr::write_bytes(p, 0, 1);
            p.cast::<ChildInfo>().write_unaligned(self);
        }
    }

    /// The record for a child whose wait status is `status`.
    pub fn for_status(pid: libc::pid_t, status: i32) -> ChildInfo {
        use crate::kernel::task::wait::status as ws;
        let (code, st) = if let Some(c) = ws::if_exited(status) {
            (libc::CLD_EXITED, c)
        } else if let Some(sig) = ws::if_signaled(status) {
            (if status & 0x80 != 0 { libc::CLD_DUMPED } else { libc::CLD_KILLED }, sig)
        } else {
            (libc::CLD_EXITED, 0)
        };
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        ChildInfo { signo: libc::SIGCHLD, code, pid, uid, status: st, ..ChildInfo::default() }
    }
}
