//! Task termination.
//!
//! "exit() performs the atexit handlers in reverse order of registration,
//! flushes stdio, and terminates the process; _exit() terminates at once"
//! (exit(3), _exit(2)). Termination closes every descriptor, turns the task
//! into a zombie, hands its children to init and wakes its parent.

use std::ffi::c_int;
use std::sync::Arc;

use super::image::AtExit;
use super::thread::{terminate, with_image, Outcome};
use super::wait::status;
use super::{table, Task};
use crate::kernel::fd::FdTable;

/// Most handlers atexit must accept (POSIX's ATEXIT_MAX minimum is 32).
pub const ATEXIT_MAX: usize = 32 * 1024;

/// Registers an atexit/on_exit handler; `false` when the table is full.
pub fn register(handler: AtExit) -> bool {
    with_image(|img| {
        if img.atexit.len() >= ATEXIT_MAX {
            return false;
        }
        img.atexit.push(handler);
        true
    })
}

/// exit(3): runs the handlers (each at most once, including ones registered
/// by other handlers), then terminates the task.
pub fn exit(code: c_int) -> ! {
    while let Some(h) = with_image(|img| img.atexit.pop()) {
        // SAFETY: the guest registered these functions for exactly this call.
        unsafe {
            match h {
                AtExit::Plain(f) => f(),
                AtExit::WithStatus(f, arg) => f(code, arg),
            }
        }
    }
    crate::crt::stdio::flush_at_exit();
    exit_now(code)
}

/// _exit(2): terminates at once with `code & 0377`.
pub fn exit_now(code: c_int) -> ! {
    terminate(Outcome::Exit(status::exited(code)))
}

/// Final step on the task's host thread after its last image ended.
pub fn finish(task: &Arc<Task>, wait_status: i32) {
    crate::kernel::signal::timer::cancel(task.pid);
    let files = std::mem::replace(&mut *task.files.lock(), FdTable::empty());
    drop(files);
    let usage = *task.usage.lock();
    table::lock().exit(task.pid, wait_status, usage);
}

/// Terminates the calling task with a given wait status (a runtime error
/// killing it, for instance) without running atexit handlers.
pub fn terminate_with(wait_status: i32) -> ! {
    terminate(Outcome::Exit(wait_status))
}
