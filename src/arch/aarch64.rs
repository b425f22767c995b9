//! AArch64 AAPCS64: callee-saved x19-x28, fp (x29), lr (x30), d8-d15 and
//! the FPCR.
//!
//! Frame of `tvm_fork` / `tvm_arch_fork_resume` (176 bytes from sp): x19-x28
//! at 0..80, x29/x30 at 80, d8-d15 at 96..160, FPCR at 160.
//!
//! jmp_buf (glibc's 22-word `__jmp_buf`, unmangled here): x19-x28, x29,
//! x30, sp, d8-d15.

/// The top of the user address space (48-bit virtual addresses).
pub const USER_TOP: usize = 1 << 48;
/// Bytes `tvm_fork` keeps below its caller's stack pointer.
pub const FORK_FRAME: usize = 176;
/// Offset in the jmp_buf of the saved stack pointer.
pub const JMPBUF_SP: usize = 96;
/// Offsets in glibc's `struct __jmp_buf_tag` of `__mask_was_saved` and
/// `__saved_mask`.
pub const JMPBUF_MASK_SAVED: usize = 176;
pub const JMPBUF_MASK: usize = 184;

#[cfg(not(target_vendor = "apple"))]
macro_rules! sym {
    ($name:literal) => {
        $name
    };
}
#[cfg(target_vendor = "apple")]
macro_rules! sym {
    ($name:literal) => {
        concat!("_", $name)
    };
}

macro_rules! save_frame {
    () => {
        concat!(
            "sub sp, sp, #176\n",
            "stp x19, x20, [sp, #0]\n",
            "stp x21, x22, [sp, #16]\n",
            "stp x23, x24, [sp, #32]\n",
            "stp x25, x26, [sp, #48]\n",
            "stp x27, x28, [sp, #64]\n",
            "stp x29, x30, [sp, #80]\n",
            "stp d8, d9, [sp, #96]\n",
            "stp d10, d11, [sp, #112]\n",
            "stp d12, d13, [sp, #128]\n",
            "stp d14, d15, [sp, #144]\n",
            "mrs x9, fpcr\n",
            "str x9, [sp, #160]\n",
        )
    };
}

macro_rules! restore_frame {
    () => {
        concat!(
            "ldr x9, [sp, #160]\n",
            "msr fpcr, x9\n",
            "ldp x19, x20, [sp, #0]\n",
            "ldp x21, x22, [sp, #16]\n",
            "ldp x23, x24, [sp, #32]\n",
            "ldp x25, x26, [sp, #48]\n",
            "ldp x27, x28, [sp, #64]\n",
            "ldp x29, x30, [sp, #80]\n",
            "ldp d8, d9, [sp, #96]\n",
            "ldp d10, d11, [sp, #112]\n",
            "ldp d12, d13, [sp, #128]\n",
            "ldp d14, d15, [sp, #144]\n",
            "add sp, sp, #176\n",
        )
    };
}

// tvm_arch_run_on_stack(x0 = stack_top, x1 = entry, x2 = arg, x3 = ctx)
// tvm_arch_exit(x0 = ctx, x1 = code)
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_arch_run_on_stack")),
    concat!(sym!("tvm_arch_run_on_stack"), ":"),
    save_frame!(),
    "mov x9, sp",
    "str x9, [x3]",
    "mov sp, x0",
    "mov x29, #0",
    "mov x30, #0",
    "mov x0, x2",
    "blr x1",
    "brk #0",
    "",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_arch_exit")),
    concat!(sym!("tvm_arch_exit"), ":"),
    "ldr x9, [x0]",
    "mov sp, x9",
    "mov x0, x1",
    restore_frame!(),
    "ret",
);

// pid_t tvm_fork(void), tvm_vfork(void); tvm_arch_fork_resume(x0 = child
// frame, x1 = exit ctx)
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_fork")),
    concat!(".globl ", sym!("tvm_vfork")),
    concat!(sym!("tvm_fork"), ":"),
    concat!(sym!("tvm_vfork"), ":"),
    save_frame!(),
    "mov x0, sp",
    concat!("bl ", sym!("tvm_fork_impl")),
    "ldp x29, x30, [sp, #80]",
    "add sp, sp, #176",
    "ret",
    "",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_arch_fork_resume")),
    concat!(sym!("tvm_arch_fork_resume"), ":"),
    save_frame!(),
    "mov x9, sp",
    "str x9, [x1]",
    "mov sp, x0",
    // Signals sent before the child ran (the frame is 16-byte aligned; the
    // frame reload below restores x30).
    concat!("bl ", sym!("tvm_fork_child_entry")),
    restore_frame!(),
    "mov x0, #0",
    "ret",
);

// int tvm_setjmp(jmp_buf), int tvm_sigsetjmp(jmp_buf, int),
// void tvm_arch_longjmp(jmp_buf, int)
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_setjmp")),
    concat!(sym!("tvm_setjmp"), ":"),
    "stp x19, x20, [x0, #0]",
    "stp x21, x22, [x0, #16]",
    "stp x23, x24, [x0, #32]",
    "stp x25, x26, [x0, #48]",
    "stp x27, x28, [x0, #64]",
    "stp x29, x30, [x0, #80]",
    "mov x9, sp",
    "str x9, [x0, #96]",
    "stp d8, d9, [x0, #104]",
    "stp d10, d11, [x0, #120]",
    "stp d12, d13, [x0, #136]",
    "stp d14, d15, [x0, #152]",
    "str wzr, [x0, #176]",
    "mov x0, #0",
    "ret",
    "",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_sigsetjmp")),
    concat!(sym!("tvm_sigsetjmp"), ":"),
    "stp x19, x20, [x0, #0]",
    "stp x21, x22, [x0, #16]",
    "stp x23, x24, [x0, #32]",
    "stp x25, x26, [x0, #48]",
    "stp x27, x28, [x0, #64]",
    "stp x29, x30, [x0, #80]",
    "mov x9, sp",
    "str x9, [x0, #96]",
    "stp d8, d9, [x0, #104]",
    "stp d10, d11, [x0, #120]",
    "stp d12, d13, [x0, #136]",
    "stp d14, d15, [x0, #152]",
    concat!("b ", sym!("tvm_sigsetjmp_mask")),
    "",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_arch_longjmp")),
    concat!(sym!("tvm_arch_longjmp"), ":"),
    "ldp x19, x20, [x0, #0]",
    "ldp x21, x22, [x0, #16]",
    "ldp x23, x24, [x0, #32]",
    "ldp x25, x26, [x0, #48]",
    "ldp x27, x28, [x0, #64]",
    "ldp x29, x30, [x0, #80]",
    "ldr x9, [x0, #96]",
    "mov sp, x9",
    "ldp d8, d9, [x0, #104]",
    "ldp d10, d11, [x0, #120]",
    "ldp d12, d13, [x0, #136]",
    "ldp d14, d15, [x0, #152]",
    "cmp w1, #0",
    "csinc w0, w1, wzr, ne",
    "br x30",
);

// isize tvm_arch_waiting_syscall(x0 = nr, x1 = a0, x2 = a1, x3 = a2,
// x4 = stop flag): a Linux system call that may block, not made when the
// flag is set (result -4096, outside the kernel's -errno range). The host
// signal handler moves a thread it interrupts between the entry and `_end`
// (the system call not yet made) to `_bail`, so a signal sent between the
// flag test and the call cannot be missed; one that arrives during the
// call ends it with EINTR.
#[cfg(target_os = "linux")]
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    waiting_syscall_symbols!(),
    "tvm_arch_waiting_syscall:",
    "ldrb w9, [x4]",
    "cbnz w9, tvm_arch_waiting_syscall_bail",
    "mov x8, x0",
    "mov x0, x1",
    "mov x1, x2",
    "mov x2, x3",
    "svc #0",
    "tvm_arch_waiting_syscall_end:",
    "ret",
    "tvm_arch_waiting_syscall_bail:",
    "mov x0, #-4096",
    "ret",
);
