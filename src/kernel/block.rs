//! Blocking without spinning.
//!
//! A task that must wait (for a pipe to fill, a child to exit, a timeout)
//! calls [`wait_fds`]: one host `poll` over the descriptors it cares about
//! and its own wake-up handle. When the handle fires, the task clears it and
//! asks its signal state whether the wait must end with `EINTR`; otherwise it
//! returns to the caller, who re-checks its own condition. A task blocked
//! here costs no CPU.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::task::Task;
use super::{Errno, KResult};

/// When a wait gives up.
#[derive(Clone, Copy, Debug)]
pub enum Deadline {
    Never,
    At(Instant),
}

impl Deadline {
    /// A deadline `d` from now (`None`: never).
    pub fn after(d: Option<Duration>) -> Deadline {
        match d {
            None => Deadline::Never,
            Some(d) => Instant::now().checked_add(d).map_or(Deadline::Never, Deadline::At),
        }
    }

    /// Time left, `None` for no limit.
    pub fn remaining(&self) -> Option<Duration> {
        match self {
            Deadline::Never => None,
            Deadline::At(t) => Some(t.saturating_duration_since(Instant::now())),
        }
    }

    pub fn passed(&self) -> bool {
        matches!(self.remaining(), Some(d) if d.is_zero())
    }
}

/// Outcome of one wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Woke {
    /// At least one of the descriptors has events (see their `revents`).
    Ready(usize),
    /// The task's wake-up handle fired; the caller re-checks its condition.
    Nudged,
    /// The deadline passed.
    TimedOut,
}

/// Waits until one of `fds` reports an event, the task is woken, or the
/// deadline passes. A pending signal that must interrupt the wait turns into
/// `Err(EINTR)`. Allocates nothing for up to 15 descriptors.
pub fn wait_fds(task: &Task, fds: &mut [libc::pollfd], deadline: Deadline) -> KResult<Woke> {
    task.check_interrupt()?;
    const INLINE: usize = 16;
    let mut inline = [libc::pollfd { fd: -1, events: 0, revents: 0 }; INLINE];
    let mut spilled;
    let all: &mut [libc::pollfd] = if fds.len() < INLINE {
        &mut inline[..fds.len() + 1]
    } else {
        spilled = vec![libc::pollfd { fd: -1, events: 0, revents: 0 }; fds.len() + 1];
        &mut spilled[..]
    };
    let n = fds.len();
    all[..n].copy_from_slice(fds);
    all[n] = libc::pollfd { fd: task.wake.fd(), events: libc::POLLIN, revents: 0 };
    loop {
        for p in all.iter_mut() {
            p.revents = 0;
        }
        // SeqCst pairs with `host::poke`: either the poker sees the flag set
        // (and its wake-up is in the poll), or this thread sees the signal
        // hint when it next checks after clearing the flag.
        task.polling.store(true, Ordering::SeqCst);
        let r = host_poll(all, deadline.remaining());
        task.polling.store(false, Ordering::SeqCst);
        if r < 0 {
            let e = Errno::last();
            if e == Errno::EINTR {
                task.check_interrupt()?;
                continue;
            }
            return Err(e);
        }
        let ready = all[..n].iter().filter(|p| p.revents != 0).count();
        for (dst, src) in fds.iter_mut().zip(&all[..n]) {
            dst.revents = src.revents;
        }
        if all[n].revents != 0 {
            task.wake.clear();
            task.check_interrupt()?;
            if ready == 0 {
                return Ok(Woke::Nudged);
            }
        }
        if ready > 0 {
            return Ok(Woke::Ready(ready));
        }
        if deadline.passed() {
            return Ok(Woke::TimedOut);
        }
    }
}

/// Blocks until the task's wake-up handle fires or the deadline passes.
pub fn wait_wake(task: &Task, deadline: Deadline) -> KResult<Woke> {
    wait_fds(task, &mut [], deadline)
}

/// Blocks until the task's wake-up handle fires, without looking at
/// signals (a stopped task waiting for SIGCONT). Allocates nothing.
pub fn wait_plain(task: &Task) {
    let mut p = [libc::pollfd { fd: task.wake.fd(), events: libc::POLLIN, revents: 0 }];
    host_poll(&mut p, None);
    task.wake.clear();
}

/// Host poll with a `Duration` timeout; returns poll's raw result.
fn host_poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> i32 {
    crate::platform::poll(fds, timeout)
}

/// Polls one host descriptor without blocking; returns its revents.
pub fn poll_now(fd: i32, events: i16) -> i16 {
    let mut p = [libc::pollfd { fd, events, revents: 0 }];
    if host_poll(&mut p, Some(Duration::ZERO)) > 0 {
        p[0].revents
    } else {
        0
    }
}
