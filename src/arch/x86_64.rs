//! x86_64 System V: callee-saved rbx, rbp, r12-r15, the x87 control word
//! and MXCSR's control bits.
//!
//! Frame pushed by `tvm_fork` (and consumed by `tvm_arch_fork_resume`),
//! from its lowest address: MXCSR (4 bytes) and x87 control word (2), padding
//! to 8, r15, r14, r13, r12, rbx, rbp, return address: 64 bytes. The frame is
//! the lowest part of the stack fork copies, so the child gets the parent's
//! callee-saved registers relocated like any other stack word.
//!
//! jmp_buf (glibc's `__jmp_buf`, unmangled here): rbx, rbp, r12, r13, r14,
//! r15, rsp after return, return address.

/// The top of the user address space (x86_64 with 4-level paging: `TASK_SIZE_MAX`).
pub const USER_TOP: usize = 0x7fff_ffff_f000;
/// Bytes `tvm_fork` pushes below its caller's stack pointer.
pub const FORK_FRAME: usize = 64;
/// Offset in the jmp_buf of the saved stack pointer.
pub const JMPBUF_SP: usize = 48;
/// Offsets in glibc's `struct __jmp_buf_tag` of `__mask_was_saved` and
/// `__saved_mask`.
pub const JMPBUF_MASK_SAVED: usize = 64;
pub const JMPBUF_MASK: usize = 72;

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

// tvm_arch_run_on_stack(rdi = stack_top, rsi = entry, rdx = arg, rcx = ctx)
// tvm_arch_exit(rdi = ctx, rsi = code)
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_arch_run_on_stack")),
    concat!(sym!("tvm_arch_run_on_stack"), ":"),
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "stmxcsr dword ptr [rsp]",
    "fnstcw word ptr [rsp + 4]",
    "mov [rcx], rsp",
    "mov rsp, rdi",
    "xor ebp, ebp",
    "mov rdi, rdx",
    "call rsi",
    "ud2",
    "",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_arch_exit")),
    concat!(sym!("tvm_arch_exit"), ":"),
    "mov rsp, [rdi]",
    "mov rax, rsi",
    "ldmxcsr dword ptr [rsp]",
    "fldcw word ptr [rsp + 4]",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
);

// pid_t tvm_fork(void), tvm_vfork(void): push the fork frame, call
// tvm_fork_impl(frame), return its result to the parent.
// tvm_arch_fork_resume(rdi = child frame, rsi = exit ctx): like
// run_on_stack, but enters the child's copy of the parent's stack at the
// frame, calls tvm_fork_child_entry there (signals sent before the child
// ran) and "returns 0 from fork".
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_fork")),
    concat!(".globl ", sym!("tvm_vfork")),
    concat!(sym!("tvm_fork"), ":"),
    concat!(sym!("tvm_vfork"), ":"),
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "stmxcsr dword ptr [rsp]",
    "fnstcw word ptr [rsp + 4]",
    "mov rdi, rsp",
    concat!("call ", sym!("tvm_fork_impl")),
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    "",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_arch_fork_resume")),
    concat!(sym!("tvm_arch_fork_resume"), ":"),
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "stmxcsr dword ptr [rsp]",
    "fnstcw word ptr [rsp + 4]",
    "mov [rsi], rsp",
    "mov rsp, rdi",
    "ldmxcsr dword ptr [rsp]",
    "fldcw word ptr [rsp + 4]",
    // The frame is 16-byte aligned (tvm_fork called tvm_fork_impl there).
    concat!("call ", sym!("tvm_fork_child_entry")),
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "xor eax, eax",
    "ret",
);

// int tvm_setjmp(jmp_buf), int tvm_sigsetjmp(jmp_buf, int savemask),
// void tvm_arch_longjmp(jmp_buf, int val)
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_setjmp")),
    concat!(sym!("tvm_setjmp"), ":"),
    "mov [rdi], rbx",
    "mov [rdi + 8], rbp",
    "mov [rdi + 16], r12",
    "mov [rdi + 24], r13",
    "mov [rdi + 32], r14",
    "mov [rdi + 40], r15",
    "lea rdx, [rsp + 8]",
    "mov [rdi + 48], rdx",
    "mov rdx, [rsp]",
    "mov [rdi + 56], rdx",
    "mov dword ptr [rdi + 64], 0",
    "xor eax, eax",
    "ret",
    "",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_sigsetjmp")),
    concat!(sym!("tvm_sigsetjmp"), ":"),
    "mov [rdi], rbx",
    "mov [rdi + 8], rbp",
    "mov [rdi + 16], r12",
    "mov [rdi + 24], r13",
    "mov [rdi + 32], r14",
    "mov [rdi + 40], r15",
    "lea rdx, [rsp + 8]",
    "mov [rdi + 48], rdx",
    "mov rdx, [rsp]",
    "mov [rdi + 56], rdx",
    concat!("jmp ", sym!("tvm_sigsetjmp_mask")),
    "",
    ".p2align 4",
    concat!(".globl ", sym!("tvm_arch_longjmp")),
    concat!(sym!("tvm_arch_longjmp"), ":"),
    "mov eax, esi",
    "test eax, eax",
    "jnz 2f",
    "inc eax",
    "2:",
    "mov rbx, [rdi]",
    "mov rbp, [rdi + 8]",
    "mov r12, [rdi + 16]",
    "mov r13, [rdi + 24]",
    "mov r14, [rdi + 32]",
    "mov r15, [rdi + 40]",
    "mov rsp, [rdi + 48]",
    "jmp qword ptr [rdi + 56]",
);

// isize tvm_arch_waiting_syscall(rdi = nr, rsi = a0, rdx = a1, rcx = a2,
// r8 = stop flag): a Linux system call that may block, not made when the
// flag is set (result -4096, outside the kernel's -errno range). The host
// signal handler moves a thread it interrupts between the entry and `_end`
// (the system call not yet made) to `_bail`, so a signal sent between the
// flag test and the call cannot be missed; one that arrives during the
// call ends it with EINTR.
#[cfg(target_os = "linux")]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    waiting_syscall_symbols!(),
    "tvm_arch_waiting_syscall:",
    "cmp byte ptr [r8], 0",
    "jne tvm_arch_waiting_syscall_bail",
    "mov rax, rdi",
    "mov rdi, rsi",
    "mov rsi, rdx",
    "mov rdx, rcx",
    "syscall",
    "tvm_arch_waiting_syscall_end:",
    "ret",
    "tvm_arch_waiting_syscall_bail:",
    "mov rax, -4096",
    "ret",
);
