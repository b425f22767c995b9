//! Faults: SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGTRAP raised by an
//! instruction. SIGTRAP is a breakpoint instruction (`int3`, aarch64's
//! `brk`, which is also what gcc's `__builtin_trap` emits there); it ends
//! the task like the others.
//!
//! A fault in guest code is the task's: it ends as a Unix process would,
//! killed by that signal (its parent's waitpid sees WTERMSIG), and every
//! other task goes on. Guest stacks end in a guard page; the handler runs
//! on an alternate stack of the thread's own, so an overflow is caught
//! like any other fault. A guest's own handler for the signal runs on the
//! guest stack below the faulting frame; returning from it re-runs the
//! faulting instruction, as on Linux. Without a handler (or with the signal
//! blocked or ignored, or no stack left) the task ends as with the default
//! action (docs/reliability.md).
//!
//! A fault in the runtime itself (or on a thread that runs no task) may
//! have left a runtime lock held or state half-changed: the process dies
//! at once with the signal, after one line on stderr.

use std::cell::RefCell;
use std::ffi::{c_int, c_void};

use super::{deliver, host, SigInfo};
use crate::arch::{self, ExitContext};
use crate::kernel::task::exit;
use crate::kernel::task::thread;
use crate::kernel::task::wait::status;

const FAULTS: [c_int; 5] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL, libc::SIGTRAP];

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

/// What the guest handler of a fault needs, passed to [`fault_entry`].
struct FaultCall {
    sig: c_int,
    info: SigInfo,
    /// Where [`fault_entry`] returns to, on the alternate stack.
    back: ExitContext,
}

/// Bytes left untouched below the interrupted stack pointer before the
/// handler's frames: x86_64's red zone (128) and some slack.
const BELOW_SP: usize = 256;

extern "C" fn on_fault(sig: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    if host::depth() == 0 && thread::in_image() {
        // Guest code faulted: no runtime lock is held on this thread, as
        // for the host signal's deliveries. The guest's handler, if it has
        // one, runs on the guest stack below the faulting frame, unless
        // that stack is all but used up (an overflow): then, as on Linux
        // without an alternate stack, the task dies of the signal.
        // SAFETY: the kernel passes this handler's live context and info.
        let (sp, code, addr) =
            unsafe { (arch::interrupted_sp(ctx), (*info).si_code, crate::platform::fault_addr(info)) };
        let floor = thread::stack_floor();
        if floor != 0 && sp > floor + BELOW_SP {
            let mut call = FaultCall { sig, info: SigInfo::fault(sig, code, addr), back: ExitContext::default() };
            let top = ((sp - BELOW_SP) & !15) as *mut u8;
            let call_ptr = &raw mut call;
            // SAFETY: `top` lies inside the live guest stack, below every
            // frame in use; `call` outlives the call, which comes back
            // through `call.back` (or leaves for good: an exit or a
            // longjmp out of the handler, which abandon these frames, as
            // the task's end already does).
            let handled = unsafe { arch::run_on_stack(top, fault_entry, call_ptr.cast(), &raw mut (*call_ptr).back) };
            if handled != 0 {
                // Returning re-runs the faulting instruction, as on Linux:
                // the handler has made it work or it faults again.
                return;
            }
        }
        exit::terminate_with(status::signaled(sig, false));
    }
    let msg: &[u8] = match sig {
        libc::SIGSEGV => b"tvm: SIGSEGV in the runtime; forkless stops\n",
        libc::SIGBUS => b"tvm: SIGBUS in the runtime; forkless stops\n",
        libc::SIGFPE => b"tvm: SIGFPE in the runtime; forkless stops\n",
        libc::SIGTRAP => b"tvm: SIGTRAP in the runtime; forkless stops\n",
        _ => b"tvm: SIGILL in the runtime; forkless stops\n",
    };
    // SAFETY: write and signal are async-signal-safe; returning re-runs the
    // faulting instruction, which now kills the process with `sig`.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::signal(sig, libc::SIG_DFL);
    }
}

/// First frame of a fault handler's run on the guest stack.
///
/// # Safety
/// `arg` is the [`FaultCall`] of `on_fault`, live until this returns
/// through its `back` context.
unsafe extern "C" fn fault_entry(arg: *mut c_void) -> ! {
    let call = arg.cast::<FaultCall>();
    // SAFETY: per the caller.
    let (sig, info) = unsafe { ((*call).sig, (*call).info) };
    let handled = crate::abi::no_unwind("fault", || {
        crate::kernel::task::try_current().is_some_and(|task| deliver::handle_fault(task, sig, info))
    });
    // SAFETY: `back` belongs to the run_on_stack call in on_fault, which is
    // still active below us on the alternate stack.
    unsafe { arch::exit_to(&raw const (*call).back, usize::from(handled)) }
}
