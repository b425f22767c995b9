//! RLIMIT_CPU: "When the process reaches the soft limit, it is sent a
//! SIGXCPU signal ... the kernel sends SIGXCPU once per second ... Once
//! the hard limit is reached, the process is sent SIGKILL" (getrlimit(2)).
//!
//! A task's CPU time is that of its finished images plus what its current
//! host thread has used since the image started. Nothing signals when a
//! thread's CPU time passes a mark that a pooled thread could keep from
//! one task to the next, so one runtime thread looks once a second. It
//! runs only while some task has a finite RLIMIT_CPU, and ends when none
//! has.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::send;
use crate::kernel::task::table::{self, ProcState};
use crate::kernel::task::{Pid, Task};

static RUNNING: AtomicBool = AtomicBool::new(false);

/// Makes sure the watcher runs: called when a task's RLIMIT_CPU becomes
/// finite (setrlimit, or a task started with one).
pub fn watch() {
    if RUNNING.swap(true, Ordering::AcqRel) {
        return;
    }
    let started = std::thread::Builder::new().name("tvm-cpu-limit".into()).spawn(run);
    if started.is_err() {
        RUNNING.store(false, Ordering::Release);
    }
}

/// Starts the watcher if `task` has a finite RLIMIT_CPU.
pub fn watch_if_limited(task: &Task) {
    if has_limit(task) {
        watch();
    }
}

/// CPU time `task` has used (all its images).
pub fn used(task: &Task) -> Duration {
    let mut total = task.usage.lock().total();
    let thread = task.host_thread.lock();
    if let Some(t) = *thread {
        // SAFETY: the thread is alive while its handle is published (it
        // clears it under this lock before leaving the image).
        if let Some(now) = unsafe { crate::platform::thread_cpu_time(t) } {
            total += now.saturating_sub(Duration::from_nanos(task.image_cpu_start.load(Ordering::Acquire)));
        }
    }
    total
}

fn run() {
    // The second at which each watched task gets its next SIGXCPU.
    let mut next: BTreeMap<Pid, u64> = BTreeMap::new();
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let watched: Vec<(Arc<Task>, libc::rlimit)> = table::lock()
            .iter()
            .filter(|p| matches!(p.state, ProcState::Running))
            .filter_map(|p| {
                let l = p.task.limits.lock().get(libc::RLIMIT_CPU as i32).ok()?;
                (l.rlim_cur != libc::RLIM_INFINITY).then(|| (p.task.clone(), l))
            })
            .collect();
        if watched.is_empty() {
            RUNNING.store(false, Ordering::Release);
            // A limit set since the list was taken started no second
            // watcher (RUNNING was true): look again.
            if table::lock().iter().any(|p| has_limit(&p.task)) {
                watch();
            }
            return;
        }
        next.retain(|pid, _| watched.iter().any(|(t, _)| t.pid == *pid));
        for (task, limit) in watched {
            let secs = used(&task).as_secs();
            if limit.rlim_max != libc::RLIM_INFINITY && secs >= limit.rlim_max {
                send::send_to(task.pid, libc::SIGKILL);
                continue;
            }
            let due = next.entry(task.pid).or_insert(limit.rlim_cur);
            if secs >= *due {
                send::send_to(task.pid, libc::SIGXCPU);
                *due = secs + 1;
            }
        }
    }
}

fn has_limit(task: &Task) -> bool {
    task.limits.lock().get(libc::RLIMIT_CPU as i32).is_ok_and(|l| l.rlim_cur != libc::RLIM_INFINITY)
}
