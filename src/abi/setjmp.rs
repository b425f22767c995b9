//! <setjmp.h> and fork's entry: the register-level parts are assembly
//! (`arch`); these are the Rust halves.
//!
//! Guests use the runtime's own setjmp family: glibc mangles the saved stack
//! and frame pointers, which fork could not relocate; the runtime's jmp_buf
//! holds them plain (in glibc's `struct __jmp_buf_tag` layout).

use std::ffi::{c_int, c_void};

use super::me;
use crate::arch::{self, JMPBUF_MASK, JMPBUF_MASK_SAVED, JMPBUF_SP};
use crate::kernel::signal::{host, MaskHow, SigSet};
use crate::kernel::task::fork;
use crate::kernel::Errno;

/// Called by `tvm_fork`/`tvm_vfork` (arch) with the frame they pushed.
#[no_mangle]
pub unsafe extern "C" fn tvm_fork_impl(frame: *mut u8) -> libc::pid_t {
    // fork fails with EINTR only when a signal arrived during it; it is
    // then run again after the handlers, whatever their SA_RESTART (Linux's
    // ERESTARTNOINTR), and the guest never sees EINTR.
    loop {
        match super::sys_result("fork", || fork::fork(me(), frame as usize)) {
            Err(Errno::EINTR) => continue,
            r => return super::to_c(r),
        }
    }
}

/// Called by `tvm_arch_fork_resume` on the child's stack, just before the
/// child's "return 0 from fork": the child starts running guest code, and
/// a signal sent to it before its thread existed is delivered now.
#[no_mangle]
pub extern "C" fn tvm_fork_child_entry() {
    // Not under `guard`: a handler run here may leave with longjmp, as one
    // run by `deliver_signals` may, and that must not cross Rust frames.
    super::no_unwind("fork", host::enter_guest);
}

/// Second half of `tvm_sigsetjmp`, after the registers are saved: records
/// the signal mask when asked. Returns 0, sigsetjmp's direct return.
#[no_mangle]
pub unsafe extern "C" fn tvm_sigsetjmp_mask(env: *mut c_void, savemask: c_int) -> c_int {
    let env = env.cast::<u8>();
    // SAFETY: `env` is the caller's sigjmp_buf, which has these fields.
    unsafe {
        let flag = env.add(JMPBUF_MASK_SAVED).cast::<c_int>();
        if savemask != 0 {
            *flag = 1;
            let mask = super::guard("sigsetjmp", || me().signals.lock().mask);
            mask.to_c(env.add(JMPBUF_MASK).cast());
        } else {
            *flag = 0;
        }
    }
    0
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/longjmp.html>
/// (and `_longjmp`, `siglongjmp`): restores the signal mask if `sigsetjmp`
/// saved it, then jumps.
#[no_mangle]
pub unsafe extern "C" fn tvm_longjmp(env: *mut c_void, val: c_int) -> ! {
    let p = env.cast::<u8>();
    // SAFETY: `env` is the caller's jmp_buf, which has these fields.
    let saved =
        unsafe { (*p.add(JMPBUF_MASK_SAVED).cast::<c_int>() != 0).then(|| SigSet::from_c(p.add(JMPBUF_MASK).cast())) };
    if let Some(mask) = saved {
        super::guard("siglongjmp", || me().with_signals(|s| s.change_mask(MaskHow::Set, mask)));
    }
    // SAFETY: as above; the saved stack pointer is a plain word.
    let sp = unsafe { p.add(JMPBUF_SP).cast::<usize>().read() };
    // Stream operations in the frames the jump abandons are over.
    super::guard("longjmp", || crate::crt::stdio::busy::abandon_below(sp));
    // SAFETY: the caller passes a context saved by setjmp whose frame is live.
    unsafe { arch::longjmp(env, val) }
}
