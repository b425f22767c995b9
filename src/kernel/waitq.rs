//! Wait queues: how a task waits for an object that has no host
//! descriptor (a virtual terminal, a device), without spinning.
//!
//! A waiter registers its wake-up handle on the object's queue, checks its
//! condition, and sleeps in `block` until the handle fires; whoever changes
//! the object wakes every registered handle. The handle is level-triggered,
//! so a change between the check and the sleep is not lost. A wait on host
//! descriptors and queues at once (poll) registers on each queue and polls
//! the host descriptors; any wake-up makes it check everything again.

use std::sync::Arc;

use parking_lot::Mutex;

use super::block::{self, Deadline, Woke};
use super::task::Task;
use super::wake::Waker;
use super::KResult;

/// Handles to wake when an object changes.
#[derive(Debug, Default)]
pub struct WaitQueue {
    waiters: Mutex<Vec<Arc<Waker>>>,
}

impl WaitQueue {
    pub const fn new() -> WaitQueue {
        WaitQueue { waiters: Mutex::new(Vec::new()) }
    }

    /// Wakes every registered waiter (they re-check their conditions).
    pub fn wake_all(&self) {
        for w in self.waiters.lock().iter() {
            w.wake();
        }
    }

    /// Registers `waker` until the returned guard is dropped.
    pub fn register(&self, waker: &Arc<Waker>) -> Registration<'_> {
        self.waiters.lock().push(waker.clone());
        Registration { queue: self, waker: waker.clone() }
    }

    /// Waits until `ready` holds (checked with the task registered, so no
    /// change is missed), the deadline passes, or a signal interrupts the
    /// wait (EINTR). Returns whether `ready` held.
    pub fn wait_until(&self, task: &Task, deadline: Deadline, mut ready: impl FnMut() -> bool) -> KResult<bool> {
        let _reg = self.register(&task.wake);
        loop {
            if ready() {
                return Ok(true);
            }
            if block::wait_wake(task, deadline)? == Woke::TimedOut {
                return Ok(ready());
            }
        }
    }
}

/// A registration on a queue; dropping it unregisters.
pub struct Registration<'a> {
    queue: &'a WaitQueue,
    waker: Arc<Waker>,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        let mut w = self.queue.waiters.lock();
        if let Some(i) = w.iter().position(|x| Arc::ptr_eq(x, &self.waker)) {
            w.swap_remove(i);
        }
    }
}
