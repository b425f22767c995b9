//! Reaching a task that runs pure guest code.
//!
//! Signals are delivered when a task returns from a runtime call. A task in
//! a loop that makes no runtime call is reached through a host signal sent
//! to its thread ([`poke`]): its handler delivers the task's pending signals
//! right there, on the guest stack, as a kernel would on return to user
//! mode. The handler does nothing while the thread is inside the runtime
//! ([`depth`] > 0): the runtime delivers on the way out, and the host signal
//! has already interrupted any blocking host call the thread was in.
//!
//! Guest code may also be inside a host C library function it called
//! directly (`memcpy`, or a `qsort` holding the host allocator's lock). A
//! guest handler run there could deadlock on that lock or find the
//! library's state half-changed, so the handler delivers only when the
//! interrupted instruction is guest text (`programs::guest_text`).
//! Elsewhere it arms the thread's retry timer, which raises the host
//! signal again a millisecond later, until the thread is interrupted in
//! guest code or enters the runtime, which delivers on its way out.
//!
//! A task waiting inside a host read or write of a pipe
//! (`platform::waiting_io`) is in the runtime too: the host signal ends
//! that call with EINTR, and one that arrives just before the call is made
//! moves the thread to the call's bail-out (`arch::waiting_syscall_bail`).
//!
//! The host handler is installed without SA_RESTART (so it interrupts host
//! calls) and with SA_NODEFER (a guest handler may leave with longjmp, which
//! would otherwise leave the host signal blocked).

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};
use std::sync::atomic::{compiler_fence, Ordering};
use std::time::Duration;

use super::deliver;
use crate::kernel::task::{thread, try_current, Task};
use crate::platform;
use crate::programs::guest_text;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The thread's retry timer's handle (`RetryTimer::handle`), None if
    /// it has none. Kept in a plain cell because the signal handler reads it:
    /// a thread-local with a destructor could register that destructor
    /// (and allocate) on first use, inside the handler.
    static RETRY_TIMER: Cell<Option<usize>> = const { Cell::new(None) };
    static RETRY_OWNER: RefCell<Option<RetryTimer>> = const { RefCell::new(None) };
}

/// How long the handler waits before trying again when it interrupted a
/// host library call.
const RETRY_AFTER: Duration = Duration::from_millis(1);

/// The thread's one-shot timer that raises the host signal on it again
/// (`platform::RetryTimer`), cleared from the handler's cell first.
struct RetryTimer(platform::RetryTimer);

impl Drop for RetryTimer {
    fn drop(&mut self) {
        // Cleared before the field's own drop deletes the timer.
        RETRY_TIMER.with(|t| t.set(None));
        let _ = &self.0;
    }
}

/// Gives the calling thread its retry timer, if it has none: called
/// before a thread first runs guest code.
pub fn prepare_thread() {
    RETRY_OWNER.with(|owner| {
        let mut owner = owner.borrow_mut();
        if owner.is_some() {
            return;
        }
        let Some(timer) = platform::RetryTimer::for_this_thread() else { return };
        RETRY_TIMER.with(|t| t.set(Some(timer.handle())));
        *owner = Some(RetryTimer(timer));
    });
}

/// Arms the calling thread's retry timer (async-signal-safe: one system
/// call).
fn retry_later() {
    // (Linux numbers a process's first timer 0: no handle is "none".)
    let Some(id) = RETRY_TIMER.with(|t| t.get()) else { return };
    // SAFETY: `id` is this thread's live timer (cleared before deletion).
    unsafe { platform::RetryTimer::arm(id, RETRY_AFTER) };
}

/// Marks the calling thread as inside the runtime while alive.
pub struct InRuntime(());

// The depth is read by this thread's own signal handler, which the
// compiler knows nothing about: the fences keep the runtime's work from
// being moved out of the span the depth marks (before the increment or
// after the decrement).
impl InRuntime {
    pub fn enter() -> InRuntime {
        DEPTH.with(|d| d.set(d.get() + 1));
        compiler_fence(Ordering::SeqCst);
        InRuntime(())
    }
}

impl Drop for InRuntime {
    fn drop(&mut self) {
        compiler_fence(Ordering::SeqCst);
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Marks the calling thread as running guest code while alive, from inside
/// a runtime call: a signal handler that a runtime call runs before it
/// restarts a blocking step (`deliver::restarting`).
pub struct InGuest(u32);

impl InGuest {
    pub fn enter() -> InGuest {
        compiler_fence(Ordering::SeqCst);
        let saved = DEPTH.with(|d| d.replace(0));
        compiler_fence(Ordering::SeqCst);
        InGuest(saved)
    }
}

impl Drop for InGuest {
    fn drop(&mut self) {
        compiler_fence(Ordering::SeqCst);
        DEPTH.with(|d| d.set(self.0));
        compiler_fence(Ordering::SeqCst);
    }
}

/// How deep in runtime calls the calling thread is (0: guest code).
pub fn depth() -> u32 {
    DEPTH.with(|d| d.get())
}

/// Marks a thread that is setting up an image as inside the runtime: a
/// poke that arrives before guest code runs is left to [`enter_guest`].
pub fn start_image() {
    DEPTH.with(|d| d.set(1));
    compiler_fence(Ordering::SeqCst);
}

/// Called on the guest stack as the thread starts running its task's guest
/// code (a program's entry, a fork child's return): from here pokes are
/// handled, and the signals sent before (while the task had no thread to
/// poke, or while its thread ignored pokes) are delivered now.
pub fn enter_guest() {
    DEPTH.with(|d| d.set(0));
    // Pairs with the fence in `poke`: either the sender saw this thread
    // published and interrupts it, or this load sees its signal.
    std::sync::atomic::fence(Ordering::SeqCst);
    if let Some(task) = try_current().filter(|t| t.sig_hint.load(Ordering::Acquire)) {
        deliver::deliver_keeping_errno(task);
    }
}

/// The host signal used to reach task threads (`platform::host_signal`:
/// a real-time signal on Linux, SIGURG on Darwin).
pub fn host_signal() -> c_int {
    platform::host_signal()
}

/// Installs the host handler (once, at runtime start).
pub fn install() {
    guest_text::init();
    let sig = host_signal();
    // SAFETY: sigaction is plain data; all-zero is a valid start.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = on_host_signal as *const () as usize;
    sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
    // SAFETY: installs a handler for a signal no other code of the process
    // uses. The handler is async-signal-safe: outside guest text it only
    // reads thread-locals and arms a timer (see on_host_signal).
    unsafe {
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// The host handler: delivers the task's pending signals when the thread
/// was running guest code, where it holds no runtime lock and is in no
/// host library call; anywhere else in guest-called host code it tries
/// again later. Inside the runtime it does nothing: the runtime delivers
/// on its way out.
extern "C" fn on_host_signal(_sig: c_int, _info: *mut libc::siginfo_t, ctx: *mut c_void) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `ctx` is this handler's context (installed with SA_SIGINFO).
        let pc = unsafe { crate::arch::interrupted_pc(ctx) };
        if let Some(bail) = crate::arch::waiting_syscall_bail(pc) {
            // SAFETY: the bail-out only sets the result register and
            // returns, as the system call it replaces would have.
            unsafe { crate::arch::set_interrupted_pc(ctx, bail) };
            return;
        }
    }
    if depth() > 0 || !thread::in_image() {
        return;
    }
    let Some(task) = try_current() else { return };
    if !task.sig_hint.load(Ordering::Acquire) {
        return;
    }
    // SAFETY: `ctx` is this handler's context (installed with SA_SIGINFO).
    let pc = unsafe { crate::arch::interrupted_pc(ctx) };
    if !guest_text::contains(pc) {
        retry_later();
        return;
    }
    // A panic must not unwind out of a signal handler into guest code.
    crate::abi::no_unwind("signal delivery", || deliver::deliver_keeping_errno(task));
}

/// Makes sure `task` notices a new signal: wakes it if it waits in the
/// runtime, and, when the signal is `deliverable` and the task is not
/// waiting in a poll that the wake-up ends anyway, interrupts its thread (a
/// blocking host call returns EINTR; guest code gets the signal delivered).
pub fn poke(task: &Task, deliverable: bool) {
    task.wake.wake();
    std::sync::atomic::fence(Ordering::SeqCst);
    if !deliverable || task.polling.load(Ordering::SeqCst) {
        return;
    }
    let thread = task.host_thread.lock();
    if let Some(t) = *thread {
        // SAFETY: the thread is alive: it clears this field (under this
        // lock) before it leaves the image.
        unsafe { libc::pthread_kill(t, host_signal()) };
    }
}
