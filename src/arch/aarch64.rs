//! AArch64 AAPCS64: callee-saved x19-x28, fp (x29), lr (x30), d8-d15 and
//! the FPCR.

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

// tvm_arch_run_on_stack(x0 = stack_top, x1 = entry, x2 = arg, x3 = ctx)
// tvm_arch_exit(x0 = ctx, x1 = code)
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    concat!(".globl ", sym!("tvm_arch_run_on_stack")),
    concat!(sym!("tvm_arch_run_on_stack"), ":"),
    "sub sp, sp, #176",
    "stp x19, x20, [sp, #0]",
    "stp x21, x22, [sp, #16]",
    "stp x23, x24, [sp, #32]",
    "stp x25, x26, [sp, #48]",
    "stp x27, x28, [sp, #64]",
    "stp x29, x30, [sp, #80]",
    "stp d8, d9, [sp, #96]",
    "stp d10, d11, [sp, #112]",
    "stp d12, d13, [sp, #128]",
    "stp d14, d15, [sp, #144]",
    "mrs x9, fpcr",
    "str x9, [sp, #160]",
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
    "ldr x9, [sp, #160]",
    "msr fpcr, x9",
    "ldp x19, x20, [sp, #0]",
    "ldp x21, x22, [sp, #16]",
    "ldp x23, x24, [sp, #32]",
    "ldp x25, x26, [sp, #48]",
    "ldp x27, x28, [sp, #64]",
    "ldp x29, x30, [sp, #80]",
    "ldp d8, d9, [sp, #96]",
    "ldp d10, d11, [sp, #112]",
    "ldp d12, d13, [sp, #128]",
    "ldp d14, d15, [sp, #144]",
    "add sp, sp, #176",
    "ret",
);
