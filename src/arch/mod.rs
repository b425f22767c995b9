//! Per-architecture CPU context switching.
//!
//! A task's guest code runs on a stack the runtime allocated (see
//! `mem::stack`), not on the host thread's own stack. The host thread enters
//! the guest stack through [`run_on_stack`], which saves the host side's
//! callee-saved registers in an [`ExitContext`]. When the guest program ends
//! (`exit`, `_exit`, return from `main`, a successful `execve`), the runtime
//! calls [`exit_to`], which abandons the guest stack and makes `run_on_stack`
//! return on the host stack with a reason code. From Rust's point of view
//! `run_on_stack` is an ordinary function that returns once, so no
//! "returns twice" semantics ever reach the compiler.
//!
//! Frames abandoned by `exit_to` are never unwound. Callers must therefore
//! hold no Rust values with destructors (locks, `Arc`s, buffers) in any frame
//! between the guest stack's entry and the `exit_to` call.

/// The symbols of each architecture's `tvm_arch_waiting_syscall` stub: its
/// entry and the two labels `waiting_syscall_bail` reads, kept out of the
/// dynamic symbol table.
#[cfg(target_os = "linux")]
macro_rules! waiting_syscall_symbols {
    () => {
        concat!(
            ".globl tvm_arch_waiting_syscall\n",
            ".hidden tvm_arch_waiting_syscall\n",
            ".globl tvm_arch_waiting_syscall_end\n",
            ".hidden tvm_arch_waiting_syscall_end\n",
            ".globl tvm_arch_waiting_syscall_bail\n",
            ".hidden tvm_arch_waiting_syscall_bail\n",
        )
    };
}

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
pub use aarch64::{FORK_FRAME, JMPBUF_MASK, JMPBUF_MASK_SAVED, JMPBUF_SP, USER_TOP};
#[cfg(target_arch = "x86_64")]
pub use x86_64::{FORK_FRAME, JMPBUF_MASK, JMPBUF_MASK_SAVED, JMPBUF_SP, USER_TOP};

use std::ffi::c_void;

/// Where `exit_to` returns to: the host-stack pointer saved by `run_on_stack`
/// after it pushed the callee-saved registers.
#[repr(C)]
#[derive(Debug, Default)]
pub struct ExitContext {
    saved_sp: usize,
}

/// Entry point run on the guest stack. It must never return; it ends by
/// calling [`exit_to`] with the context passed to `run_on_stack`.
pub type StackEntry = unsafe extern "C" fn(arg: *mut c_void) -> !;

extern "C" {
    fn tvm_arch_run_on_stack(stack_top: *mut u8, entry: StackEntry, arg: *mut c_void, ctx: *mut ExitContext) -> usize;
    fn tvm_arch_exit(ctx: *const ExitContext, code: usize) -> !;
    fn tvm_arch_fork_resume(frame: *mut u8, ctx: *mut ExitContext) -> usize;
    fn tvm_arch_longjmp(env: *mut std::ffi::c_void, val: std::ffi::c_int) -> !;
}

/// Runs `entry(arg)` on the stack whose highest address is `stack_top`
/// (16-byte aligned) and returns the code later passed to [`exit_to`].
///
/// # Safety
/// `stack_top` must be the top of a writable stack large enough for the
/// guest; `ctx` must stay valid until `exit_to` has been called with it.
pub unsafe fn run_on_stack(stack_top: *mut u8, entry: StackEntry, arg: *mut c_void, ctx: *mut ExitContext) -> usize {
    debug_assert_eq!(stack_top as usize % 16, 0);
    // SAFETY: the caller upholds the stack and context requirements.
    unsafe { tvm_arch_run_on_stack(stack_top, entry, arg, ctx) }
}

/// Abandons the current guest stack and makes the matching `run_on_stack`
/// return `code`.
///
/// # Safety
/// `ctx` must be the context of a `run_on_stack` call that is still active on
/// this thread, and no frame above it may own values needing drop.
pub unsafe fn exit_to(ctx: *const ExitContext, code: usize) -> ! {
    // SAFETY: the caller guarantees `ctx` belongs to an active run_on_stack.
    unsafe { tvm_arch_exit(ctx, code) }
}

/// Enters a fork child: saves the host side like [`run_on_stack`], then
/// switches to `frame` (the child's copy of the frame `tvm_fork` pushed) and
/// returns 0 from fork to the guest. Returns the code later passed to
/// [`exit_to`].
///
/// # Safety
/// `frame` must be a relocated copy of a `tvm_fork` frame on a live stack
/// whose frames above it are valid for this thread; `ctx` as for
/// [`run_on_stack`].
pub unsafe fn fork_resume(frame: *mut u8, ctx: *mut ExitContext) -> usize {
    // SAFETY: per the caller.
    unsafe { tvm_arch_fork_resume(frame, ctx) }
}

/// Jumps to a `setjmp` point with return value `val` (1 if 0).
///
/// # Safety
/// `env` must hold a context saved by `tvm_setjmp`/`tvm_sigsetjmp` whose
/// frame is still live on this thread's stack.
pub unsafe fn longjmp(env: *mut std::ffi::c_void, val: std::ffi::c_int) -> ! {
    // SAFETY: per the caller.
    unsafe { tvm_arch_longjmp(env, val) }
}

/// The calling thread's thread pointer, the base its static thread-local
/// variables are addressed from (glibc x86_64: `%fs:0` holds it; aarch64:
/// `tpidr_el0`). For the executable's own thread-locals, `address - tp` is
/// the same in every thread.
#[inline]
pub fn thread_pointer() -> usize {
    crate::platform::thread_pointer()
}

/// The instruction a signal interrupted, from the context the kernel gave
/// the handler (`ctx`, the handler's third argument under SA_SIGINFO).
///
/// # Safety
/// `ctx` must be the `ucontext_t` of a signal handler that is running.
pub unsafe fn interrupted_pc(ctx: *const c_void) -> usize {
    // SAFETY: per the caller.
    unsafe { crate::platform::interrupted_pc(ctx) }
}

/// The stack pointer of the code a signal interrupted (see
/// [`interrupted_pc`]).
///
/// # Safety
/// As for [`interrupted_pc`].
pub unsafe fn interrupted_sp(ctx: *const c_void) -> usize {
    // SAFETY: per the caller.
    unsafe { crate::platform::interrupted_sp(ctx) }
}

#[cfg(target_os = "linux")]
extern "C" {
    fn tvm_arch_waiting_syscall(nr: std::ffi::c_long, a0: usize, a1: usize, a2: usize, stop: *const u8) -> isize;
    fn tvm_arch_waiting_syscall_end();
    fn tvm_arch_waiting_syscall_bail();
}

/// What [`waiting_syscall`] returns when it did not make the call.
#[cfg(target_os = "linux")]
pub const SYSCALL_NOT_MADE: isize = -4096;

/// Makes the Linux system call `nr(a0, a1, a2)`, which may block, unless
/// `stop` is already set; returns the raw result (`-errno` on failure,
/// [`SYSCALL_NOT_MADE`] when not made). A host signal cuts it short: during
/// the call the host makes it fail with EINTR (the handler is installed
/// without SA_RESTART), and before it the handler moves the thread to the
/// not-made exit ([`waiting_syscall_bail`]).
///
/// # Safety
/// The arguments must be valid for the system call `nr`.
#[cfg(target_os = "linux")]
pub unsafe fn waiting_syscall(
    nr: std::ffi::c_long,
    a0: usize,
    a1: usize,
    a2: usize,
    stop: &std::sync::atomic::AtomicBool,
) -> isize {
    // SAFETY: per the caller; `stop` is a live AtomicBool, one byte that is
    // only read.
    unsafe { tvm_arch_waiting_syscall(nr, a0, a1, a2, stop.as_ptr().cast_const().cast()) }
}

/// Where a thread interrupted at `pc` must resume: the bail-out of
/// [`waiting_syscall`] when `pc` lies before its system call instruction
/// has run, otherwise `None`. Async-signal-safe.
#[cfg(target_os = "linux")]
pub fn waiting_syscall_bail(pc: usize) -> Option<usize> {
    let begin = tvm_arch_waiting_syscall as *const () as usize;
    let end = tvm_arch_waiting_syscall_end as *const () as usize;
    (begin..end).contains(&pc).then_some(tvm_arch_waiting_syscall_bail as *const () as usize)
}

/// Makes a signal handler's context resume at `pc`.
///
/// # Safety
/// `ctx` must be the `ucontext_t` of a signal handler that is running, and
/// `pc` code that can continue the interrupted thread's state.
#[cfg(target_os = "linux")]
pub unsafe fn set_interrupted_pc(ctx: *mut c_void, pc: usize) {
    // SAFETY: per the caller.
    unsafe { crate::platform::set_interrupted_pc(ctx, pc) }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_is_moved_only_before_the_system_call_returns() {
        let begin = tvm_arch_waiting_syscall as *const () as usize;
        let end = tvm_arch_waiting_syscall_end as *const () as usize;
        let bail = tvm_arch_waiting_syscall_bail as *const () as usize;
        // `_end` directly follows the system call instruction: where a call
        // the host signal interrupted returns to, with EINTR.
        #[cfg(target_arch = "x86_64")]
        let call: &[u8] = &[0x0f, 0x05];
        #[cfg(target_arch = "aarch64")]
        let call: &[u8] = &0xd400_0001u32.to_le_bytes();
        // SAFETY: reads the stub's own code bytes, which are mapped.
        let code = unsafe { std::slice::from_raw_parts((end - call.len()) as *const u8, call.len()) };
        assert_eq!(code, call, "the instruction before `_end` is the system call");
        assert_eq!(waiting_syscall_bail(begin), Some(bail));
        assert_eq!(waiting_syscall_bail(end - call.len()), Some(bail), "not made yet");
        assert_eq!(waiting_syscall_bail(end), None, "made: returns as the host says");
        assert_eq!(waiting_syscall_bail(begin - 1), None);
        assert_eq!(waiting_syscall_bail(bail), None);
    }
}
