//! poll(2) and select(2) over task descriptors.
//!
//! Host-backed descriptors map to their host descriptors; one host poll
//! waits on all of them plus the task's wake-up handle. Virtual devices
//! answer for themselves: the task registers on each one's wait queue, so
//! a change there wakes the host poll too, and every wake-up re-asks them.
//! A descriptor that is not open reports POLLNVAL in poll and fails select
//! with EBADF.

use std::sync::Arc;

use super::OpenFile;
use crate::kernel::block::{self, Deadline, Woke};
use crate::kernel::task::Task;
use crate::kernel::waitq::Registration;
use crate::kernel::{Errno, KResult};

/// What one poll entry refers to.
enum Target {
    /// Negative fd: ignored, as poll(2) says.
    None,
    Invalid,
    /// Index into the host pollfd array.
    Host(usize),
    Device(Arc<OpenFile>),
}

/// poll(2): fills each entry's `revents`; returns how many have events.
pub fn poll(task: &Task, fds: &mut [libc::pollfd], deadline: Deadline) -> KResult<usize> {
    let mut host: Vec<libc::pollfd> = Vec::with_capacity(fds.len());
    let mut keep: Vec<Arc<OpenFile>> = Vec::with_capacity(fds.len());
    let mut targets = Vec::with_capacity(fds.len());
    {
        let t = task.files.lock();
        for p in fds.iter() {
            if p.fd < 0 {
                targets.push(Target::None);
                continue;
            }
            match t.get(p.fd) {
                Ok(f) if f.as_device().is_some() => targets.push(Target::Device(f)),
                Ok(f) => {
                    let h = f.host_fd()?;
                    targets.push(Target::Host(host.len()));
                    host.push(libc::pollfd { fd: h, events: p.events, revents: 0 });
                    keep.push(f);
                }
                Err(_) => targets.push(Target::Invalid),
            }
        }
    }
    let devices: Vec<&Arc<OpenFile>> =
        targets.iter().filter_map(|t| if let Target::Device(f) = t { Some(f) } else { None }).collect();
    // Registered for the whole call: no change between a check and the
    // sleep is missed.
    let _regs: Vec<Registration<'_>> =
        devices.iter().filter_map(|f| f.as_device()).map(|d| d.queue().register(&task.wake)).collect();
    let ask = |fds: &mut [libc::pollfd], host: &[libc::pollfd]| -> usize {
        let mut n = 0;
        for (p, t) in fds.iter_mut().zip(&targets) {
            p.revents = match t {
                Target::None => 0,
                Target::Invalid => libc::POLLNVAL,
                Target::Host(i) => host[*i].revents,
                Target::Device(f) => f.as_device().map_or(0, |d| d.poll(p.events)),
            };
            if p.revents != 0 {
                n += 1;
            }
        }
        n
    };
    loop {
        let now = ask(fds, &host);
        let wait = if now > 0 { Deadline::after(Some(Default::default())) } else { deadline };
        match block::wait_fds(task, &mut host, wait)? {
            Woke::Nudged if now == 0 => continue,
            _ => {
                drop(keep);
                return Ok(ask(fds, &host));
            }
        }
    }
}

/// The three descriptor sets of select(2), as bit words (an `fd_set`).
pub struct FdSets<'a> {
    pub read: Option<&'a mut [u64]>,
    pub write: Option<&'a mut [u64]>,
    pub except: Option<&'a mut [u64]>,
}

fn bit(set: &Option<&mut [u64]>, fd: usize) -> bool {
    set.as_ref().is_some_and(|s| s[fd / 64] & (1u64 << (fd % 64)) != 0)
}

fn put(set: &mut Option<&mut [u64]>, fd: usize, on: bool) {
    if let Some(s) = set.as_mut() {
        if on {
            s[fd / 64] |= 1u64 << (fd % 64);
        } else {
            s[fd / 64] &= !(1u64 << (fd % 64));
        }
    }
}

const POLLIN_SET: i16 = libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
const POLLOUT_SET: i16 = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;

/// select(2) over descriptors `0..nfds`: rewrites the sets to the ready
/// descriptors and returns how many bits are set in all three.
pub fn select(task: &Task, nfds: usize, sets: &mut FdSets<'_>, deadline: Deadline) -> KResult<usize> {
    let mut pfds = Vec::new();
    let mut which = Vec::new();
    for fd in 0..nfds {
        let (r, w, e) = (bit(&sets.read, fd), bit(&sets.write, fd), bit(&sets.except, fd));
        if !(r || w || e) {
            continue;
        }
        let mut events = 0;
        if r {
            events |= libc::POLLIN;
        }
        if w {
            events |= libc::POLLOUT;
        }
        if e {
            events |= libc::POLLPRI;
        }
        pfds.push(libc::pollfd { fd: fd as i32, events, revents: 0 });
        which.push((r, w, e));
    }
    poll(task, &mut pfds, deadline)?;
    if pfds.iter().any(|p| p.revents & libc::POLLNVAL != 0) {
        return Err(Errno::EBADF);
    }
    let mut n = 0;
    for fd in 0..nfds {
        put(&mut sets.read, fd, false);
        put(&mut sets.write, fd, false);
        put(&mut sets.except, fd, false);
    }
    for (p, (r, w, e)) in pfds.iter().zip(which) {
        let fd = p.fd as usize;
        let rr = r && p.revents & POLLIN_SET != 0;
        let ww = w && p.revents & POLLOUT_SET != 0;
        let ee = e && p.revents & libc::POLLPRI != 0;
        put(&mut sets.read, fd, rr);
        put(&mut sets.write, fd, ww);
        put(&mut sets.except, fd, ee);
        n += rr as usize + ww as usize + ee as usize;
    }
    Ok(n)
}
