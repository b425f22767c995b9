//! x86_64 System V: callee-saved rbx, rbp, r12-r15, the x87 control word
//! and MXCSR's control bits.

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
