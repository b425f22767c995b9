//! Faults: SIGSEGV, SIGBUS, SIGFPE and SIGILL raised by an instruction.
//!
//! A fault in guest code is the task's: it ends as a Unix process would,
//! killed by that signal (its parent's waitpid sees WTERMSIG), and every
//! other task goes on. Guest stacks end in a guard page; the handler runs
//! on an alternate stack of the thread's own, so an overflow is caught
//! like any other fault. A guest's own handlers for these signals are not
//! run: the task ends as with the default action (docs/reliability.md).
//!
//! A fault in the runtime itself (or on a thread that runs no task) may
//! have left a runtime lock held or state half-changed: the process dies
//! at once with the signal, after one line on stderr.

use std::cell::RefCell;
use std::ffi::{c_int, c_void};

use super::host;
use crate::kernel::task::exit;
use crate::kernel::task::thread;
use crate::kernel::task::wait::status;

const FAULTS: [c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL];

/// Bytes of each thread's alternate signal stack.
const ALT_STACK: usize = 64 << 10;

/// Installs the fault handlers (once, at runtime start).
pub fn install() {
    for sig in FAULTS {
        // SAFETY: sigaction is plain data; all-zero is a valid start.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = on_fault as *const () as usize;
        // SA_NODEFER: the task's thread leaves the handler by jumping out
        // of it, and must not keep the signal blocked for its next task.
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
        // SAFETY: installs a handler; the handler only reads thread-locals
        // before it either ends the task or restores the default action.
        unsafe {
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// The calling thread's alternate signal stack, unmapped when it ends.
struct AltStack(*mut c_void);

impl Drop for AltStack {
    fn drop(&mut self) {
        let off = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
        // SAFETY: turns this thread's alternate stack off before its memory
        // goes back; the mapping is ours.
        unsafe {
            libc::sigaltstack(&off, std::ptr::null_mut());
            libc::munmap(self.0, ALT_STACK);
        }
    }
}

thread_local! {
    static ALT: RefCell<Option<AltStack>> = const { RefCell::new(None) };
}

/// Gives the calling thread an alternate signal stack, if it has none:
/// called before a thread first runs guest code.
pub fn prepare_thread() {
    ALT.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_some() {
            return;
        }
        // SAFETY: a fresh private anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                ALT_STACK,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return;
        }
        let st = libc::stack_t { ss_sp: p, ss_flags: 0, ss_size: ALT_STACK };
        // SAFETY: `st` describes the mapping just made, owned by this thread.
        unsafe { libc::sigaltstack(&st, std::ptr::null_mut()) };
        *a = Some(AltStack(p));
    });
}

extern "C" fn on_fault(sig: c_int, _info: *mut libc::siginfo_t, _ctx: *mut c_void) {
    if host::depth() == 0 && thread::in_image() {
        // Guest code faulted: no runtime lock is held on this thread, as
        // for the host signal's deliveries.
        exit::terminate_with(status::signaled(sig, false));
    }
    let msg: &[u8] = match sig {
        libc::SIGSEGV => b"tvm: SIGSEGV in the runtime; forkless stops\n",
        libc::SIGBUS => b"tvm: SIGBUS in the runtime; forkless stops\n",
        libc::SIGFPE => b"tvm: SIGFPE in the runtime; forkless stops\n",
        _ => b"tvm: SIGILL in the runtime; forkless stops\n",
    };
    // SAFETY: write and signal are async-signal-safe; returning re-runs the
    // faulting instruction, which now kills the process with `sig`.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::signal(sig, libc::SIG_DFL);
    }
}
