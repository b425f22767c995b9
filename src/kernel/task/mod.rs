//! Tasks: the runtime's processes.
//!
//! A task is what a Unix process is to its program: a pid in a tree of
//! parents and children, a descriptor table, a working directory and umask,
//! signal state, and one running program image. The host sees only a thread:
//! each image runs on its own runtime-created thread (`thread.rs`), and an
//! `execve` replaces that thread with a fresh one so the new program starts
//! with fresh thread-local state.
//!
//! Where things live:
//! - relationships (parent, process group, session, zombie status) are in the
//!   task table (`table.rs`), under its one lock;
//! - resources shared with other code (`files`, `fs`, `signals`) are on the
//!   `Task`, each under its own lock;
//! - the image (argv/env memory, `environ`, atexit handlers, the stack) is
//!   touched only by the task's own thread and lives in that thread's
//!   [`image::Image`].
//!
//! One file per stage of a task's life: `spawn.rs`, `exec.rs`, `exit.rs`,
//! `wait.rs`.

pub mod env;
pub mod exec;
pub mod exit;
pub mod fork;
pub mod image;
pub mod limits;
pub mod outside;
pub mod session;
pub mod settle;
pub mod shown;
pub mod spawn;
pub mod table;
pub mod thread;
pub mod wait;

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use self::limits::Limits;
use super::fd::FdTable;
use super::fs::FsState;
use super::signal::{Effect, SignalState};
use super::wake::Waker;
use super::{Errno, KResult};

pub type Pid = libc::pid_t;

/// The pid of the runtime's init task, which adopts and reaps orphans.
pub const INIT_PID: Pid = 1;

/// A virtual process.
#[derive(Debug)]
pub struct Task {
    pub pid: Pid,
    /// Marked whenever something this task may be waiting for changes;
    /// shared with the wait queues the task waits on (`kernel::waitq`).
    pub wake: Arc<Waker>,
    pub files: Mutex<FdTable>,
    pub fs: Mutex<FsState>,
    pub signals: Mutex<SignalState>,
    pub limits: Mutex<Limits>,
    /// `limits.heap_limit()`, shared with the arena of the task's image,
    /// which checks it as the heap grows.
    pub heap_limit: Arc<AtomicUsize>,
    /// The CPU time (ns) of the task's host thread when its current image
    /// started: the image's own time is the thread's since then
    /// (`signal::cpu_limit`).
    pub image_cpu_start: AtomicU64,
    /// CPU time of the task's finished threads (exec'd images), for wait4.
    pub usage: Mutex<Usage>,
    /// Set when a pending signal may be deliverable (pending & !mask, or a
    /// mask to restore): the cheap test made on every return from the
    /// runtime. Updated under the `signals` lock.
    pub sig_hint: AtomicBool,
    /// The host thread running the task's image, for `signal::host::poke`.
    pub host_thread: Mutex<Option<libc::pthread_t>>,
    /// Set while the task waits in `block::wait_fds`, whose host poll
    /// includes the wake-up handle: a new signal then needs only a wake-up,
    /// not a host signal.
    pub polling: AtomicBool,
    /// Set while the task waits inside a host read or write of a pipe
    /// (`platform::waiting_io`), which the host signal ends: state `S`.
    pub waiting_in_host: AtomicBool,
    /// The current image's heap regions (`mem::arena::Published`) and
    /// stack range, for /proc/PID/maps and the memory sizes ps shows.
    pub heap_map: crate::mem::arena::Published,
    pub stack_range: Mutex<(usize, usize)>,
}

impl Task {
    /// Asleep in a blocking call (`block::wait_fds`) with no wake-up
    /// pending, or in a host read or write that waits: state `S`. A task
    /// whose wake-up has fired is about to run.
    pub fn sleeping(&self) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        self.waiting_in_host.load(SeqCst)
            || (self.polling.load(SeqCst) && crate::kernel::block::poll_now(self.wake.fd(), libc::POLLIN) == 0)
    }
}

/// User and system CPU time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub user: Duration,
    pub system: Duration,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.user += other.user;
        self.system += other.system;
    }

    /// User and system time together.
    pub fn total(self) -> Duration {
        self.user + self.system
    }

    /// The time used since `earlier` (a reading of the same thread).
    pub fn since(self, earlier: Usage) -> Usage {
        Usage { user: self.user.saturating_sub(earlier.user), system: self.system.saturating_sub(earlier.system) }
    }

    /// CPU time used so far by the calling host thread.
    pub fn of_this_thread() -> Usage {
        crate::platform::this_thread_usage().map_or_else(Usage::default, |(user, system)| Usage { user, system })
    }
}

impl Task {
    pub fn new(pid: Pid, files: FdTable, fs: FsState, signals: SignalState, limits: Limits) -> KResult<Task> {
        Ok(Task {
            pid,
            wake: Arc::new(Waker::new().map_err(|_| Errno::EAGAIN)?),
            files: Mutex::new(files),
            fs: Mutex::new(fs),
            signals: Mutex::new(signals),
            heap_limit: Arc::new(AtomicUsize::new(limits.heap_limit())),
            image_cpu_start: AtomicU64::new(0),
            limits: Mutex::new(limits),
            usage: Mutex::new(Usage::default()),
            sig_hint: AtomicBool::new(false),
            host_thread: Mutex::new(None),
            polling: AtomicBool::new(false),
            waiting_in_host: AtomicBool::new(false),
            heap_map: Default::default(),
            stack_range: Mutex::new((0, 0)),
        })
    }

    /// Recomputes `sig_hint` from the locked signal state `s`.
    pub fn update_signal_hint(&self, s: &SignalState) {
        let deliverable = s.pending().0 & !s.mask.0 != 0 || s.restore_mask.is_some();
        self.sig_hint.store(deliverable, Ordering::Release);
    }

    /// Runs `f` on the task's signal state and keeps `sig_hint` in step.
    pub fn with_signals<R>(&self, f: impl FnOnce(&mut SignalState) -> R) -> R {
        let mut s = self.signals.lock();
        let r = f(&mut s);
        self.update_signal_hint(&s);
        r
    }

    /// Called by blocking waits: stops the task here for a pending stop
    /// signal (the wait then goes on, as an interrupted Linux call restarts
    /// transparently), drops pending signals that do nothing, and returns
    /// `Err(EINTR)` when a signal must end the call (one with a handler, or
    /// one that terminates the task: the runtime delivers it on the way out).
    pub fn check_interrupt(&self) -> KResult<()> {
        if !self.sig_hint.load(Ordering::Acquire) {
            return Ok(());
        }
        loop {
            let mut s = self.signals.lock();
            let mut bits = s.pending().0 & !s.mask.0;
            let mut interrupt = false;
            let mut stop = None;
            while bits != 0 {
                let sig = bits.trailing_zeros() as i32 + 1;
                match s.effect(sig) {
                    Effect::Stop => {
                        stop = Some(sig);
                        break;
                    }
                    Effect::Handle | Effect::Terminate => interrupt = true,
                    Effect::Nothing => s.discard(sig),
                }
                bits &= bits - 1;
            }
            if let Some(sig) = stop {
                s.take(sig);
                self.update_signal_hint(&s);
                let continues = s.continues;
                drop(s);
                crate::kernel::signal::deliver::stop(self, sig, continues);
                continue;
            }
            self.update_signal_hint(&s);
            return if interrupt { Err(Errno::EINTR) } else { Ok(()) };
        }
    }
}

thread_local! {
    static CURRENT: Cell<*const Task> = const { Cell::new(std::ptr::null()) };
}

/// The task the calling thread runs, if any.
///
/// The reference is `'static` only in name: it is valid while this thread
/// runs this task's image. It must not be kept across a guest signal
/// handler: the handler may fork, and the child returns into copies of the
/// caller's frames on another thread, where a kept reference is the
/// parent's and dangles once the parent is reaped (`deliver` looks the task
/// up again after each handler).
pub fn try_current() -> Option<&'static Task> {
    let p = CURRENT.with(|c| c.get());
    // SAFETY: CURRENT is set by this thread while it holds an Arc to the
    // task (see thread.rs) and cleared before that Arc is dropped, so the
    // pointer is valid now; the contract above keeps callers from holding
    // it past that.
    unsafe { p.as_ref() }
}

/// The task the calling thread runs. Guest code only ever runs on task
/// threads, so a missing task is a runtime bug.
pub fn current() -> &'static Task {
    try_current().expect("tvm call from a thread that runs no task")
}

pub(crate) fn set_current(t: *const Task) {
    CURRENT.with(|c| c.set(t));
}
