//! alarm(2) and ITIMER_REAL: one timer per task, sending SIGALRM.
//!
//! "Alarms created by alarm() are preserved across execve(2) and are not
//! inherited by children created via fork(2)" (alarm(2)). Timers are kept
//! by pid in one table served by a single runtime thread that sleeps until
//! the earliest deadline (it never polls).

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::send;
use crate::kernel::task::Pid;

#[derive(Clone, Copy, Debug)]
struct Timer {
    deadline: Instant,
    interval: Duration,
}

static TIMERS: Mutex<BTreeMap<Pid, Timer>> = Mutex::new(BTreeMap::new());
static CHANGED: Condvar = Condvar::new();
static THREAD: OnceLock<()> = OnceLock::new();

fn start_thread() {
    THREAD.get_or_init(|| {
        std::thread::Builder::new().name("tvm-timers".into()).spawn(run).expect("the timer thread starts");
    });
}

fn run() {
    let mut timers = TIMERS.lock();
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        for (&pid, t) in timers.iter_mut() {
            if t.deadline <= now {
                due.push(pid);
                if !t.interval.is_zero() {
                    t.deadline = now + t.interval;
                }
            }
        }
        timers.retain(|pid, t| !(due.contains(pid) && t.interval.is_zero()));
        if !due.is_empty() {
            drop(timers);
            for pid in due {
                send::send_to(pid, libc::SIGALRM);
            }
            timers = TIMERS.lock();
            continue;
        }
        match timers.values().map(|t| t.deadline).min() {
            Some(next) => {
                CHANGED.wait_until(&mut timers, next);
            }
            None => CHANGED.wait(&mut timers),
        }
    }
}

/// Sets `pid`'s timer to fire after `value` (none: disarm), then every
/// `interval`; returns the previous (remaining value, interval).
pub fn set(pid: Pid, value: Option<Duration>, interval: Duration) -> (Option<Duration>, Duration) {
    let mut timers = TIMERS.lock();
    let old = timers.get(&pid).map(|t| (t.deadline.saturating_duration_since(Instant::now()), t.interval));
    match value.filter(|v| !v.is_zero()) {
        Some(v) => {
            timers.insert(pid, Timer { deadline: Instant::now() + v, interval });
            drop(timers);
            start_thread();
            CHANGED.notify_all();
        }
        None => {
            timers.remove(&pid);
        }
    }
    old.map_or((None, Duration::ZERO), |(r, i)| (Some(r), i))
}

/// `pid`'s timer: remaining time and interval.
pub fn get(pid: Pid) -> (Option<Duration>, Duration) {
    let timers = TIMERS.lock();
    timers
        .get(&pid)
        .map_or((None, Duration::ZERO), |t| (Some(t.deadline.saturating_duration_since(Instant::now())), t.interval))
}

/// Drops `pid`'s timer (the task ended).
pub fn cancel(pid: Pid) {
    TIMERS.lock().remove(&pid);
}
