//! Waiting for children.
//!
//! "waitpid() suspends the calling process until a child specified by pid
//! has changed state" (wait(2)). pid > 0 names one child, -1 any child, 0
//! any child in the caller's process group, < -1 any child in group -pid.
//! A caller with no matching child gets ECHILD; WNOHANG turns the wait into
//! a poll. The waiting task sleeps on its wake-up handle, which a child's
//! termination marks.

use super::table::{self, ProcState, Report};
use super::{Pid, Task, Usage};
use crate::kernel::block::{self, Deadline};
use crate::kernel::{Errno, KResult};

/// Wait status words, as the W* macros of <sys/wait.h> decode them.
pub mod status {
    /// Normal termination with `code & 0377`.
    pub fn exited(code: i32) -> i32 {
        (code & 0xff) << 8
    }

    /// Termination by signal `sig`.
    pub fn signaled(sig: i32, core: bool) -> i32 {
        (sig & 0x7f) | if core { 0x80 } else { 0 }
    }

    pub fn if_exited(s: i32) -> Option<i32> {
        (s & 0x7f == 0).then_some((s >> 8) & 0xff)
    }

    pub fn if_signaled(s: i32) -> Option<i32> {
        let sig = s & 0x7f;
        (sig != 0 && sig != 0x7f).then_some(sig)
    }

    /// Stopped by signal `sig`.
    pub fn stopped(sig: i32) -> i32 {
        ((sig & 0xff) << 8) | 0x7f
    }

    /// Continued by SIGCONT.
    pub const CONTINUED: i32 = 0xffff;

    pub fn if_stopped(s: i32) -> Option<i32> {
        (s & 0xff == 0x7f).then_some((s >> 8) & 0xff)
    }

    pub fn if_continued(s: i32) -> bool {
        s == CONTINUED
    }
}

/// Which children a wait is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Pid(Pid),
    Group(Pid),
    Any,
}

impl Which {
    /// Decodes waitpid's pid argument for `caller`.
    pub fn from_waitpid(pid: Pid, caller: Pid) -> Which {
        match pid {
            -1 => Which::Any,
            0 => Which::Group(caller_pgid(caller)),
            p if p < 0 => Which::Group(p.wrapping_neg()),
            p => Which::Pid(p),
        }
    }
}

/// The process group of `pid` right now.
pub fn caller_pgid(pid: Pid) -> Pid {
    table::lock().get(pid).map_or(pid, |p| p.pgid)
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub nohang: bool,
    /// Leave the child waitable (waitid's WNOWAIT).
    pub nowait: bool,
    /// Report terminated children (waitid without WEXITED does not).
    pub exited: bool,
    /// Report stopped children (WUNTRACED, WSTOPPED).
    pub stopped: bool,
    /// Report continued children (WCONTINUED).
    pub continued: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { nohang: false, nowait: false, exited: true, stopped: false, continued: false }
    }
}

/// A child whose state change was collected.
#[derive(Clone, Copy, Debug)]
pub struct Collected {
    pub pid: Pid,
    pub status: i32,
    pub usage: Usage,
}

/// Waits for a child of `task` matching `which` to terminate.
/// `Ok(None)` only with `nohang` when matching children are all running.
pub fn wait(task: &Task, which: Which, opts: Options) -> KResult<Option<Collected>> {
    loop {
        task.wake.clear();
        {
            let mut t = table::lock();
            let mut any = false;
            let mut oldest: Option<(u64, Pid)> = None;
            let mut changed: Option<(Pid, Report)> = None;
            for child in t.children(task.pid) {
                let matches = match which {
                    Which::Pid(p) => child.task.pid == p,
                    Which::Group(g) => child.pgid == g,
                    Which::Any => true,
                };
                if !matches {
                    continue;
                }
                any = true;
                if let (true, ProcState::Zombie(z)) = (opts.exited, child.state) {
                    if oldest.is_none_or(|(seq, _)| z.seq < seq) {
                        oldest = Some((z.seq, child.task.pid));
                    }
                }
                match child.report {
                    Some(r @ Report::Stopped(_)) if opts.stopped && changed.is_none() => {
                        changed = Some((child.task.pid, r))
                    }
                    Some(r @ Report::Continued) if opts.continued && changed.is_none() => {
                        changed = Some((child.task.pid, r))
                    }
                    _ => {}
                }
            }
            if !any {
                return Err(Errno::ECHILD);
            }
            if let (None, Some((pid, r))) = (oldest, changed) {
                if !opts.nowait {
                    if let Some(p) = t.get_mut(pid) {
                        p.report = None;
                    }
                }
                let status = match r {
                    Report::Stopped(sig) => status::stopped(sig),
                    Report::Continued => status::CONTINUED,
                };
                return Ok(Some(Collected { pid, status, usage: Usage::default() }));
            }
            if let Some((_, pid)) = oldest {
                let Some(ProcState::Zombie(z)) = t.get(pid).map(|p| p.state) else {
                    unreachable!("zombie vanished under the table lock");
                };
                if !opts.nowait {
                    t.reap(pid);
                }
                return Ok(Some(Collected { pid, status: z.status, usage: z.usage }));
            }
            if opts.nohang {
                return Ok(None);
            }
        }
        block::wait_wake(task, Deadline::Never)?;
    }
}
