//! <assert.h>: a failed assertion reports on the task's stderr and aborts
//! the task (glibc's own `__assert_fail` would abort the host process).

use std::ffi::{c_char, c_uint, CStr};

fn text<'a>(p: *const c_char) -> &'a [u8] {
    if p.is_null() {
        return b"";
    }
    // SAFETY: the assert macro passes string literals.
    unsafe { CStr::from_ptr(p) }.to_bytes()
}

/// The function glibc's `assert` macro calls: "PROG: FILE:LINE: FUNC:
/// Assertion `EXPR' failed.", then abort.
#[no_mangle]
pub unsafe extern "C" fn tvm___assert_fail(
    expr: *const c_char,
    file: *const c_char,
    line: c_uint,
    func: *const c_char,
) -> ! {
    super::no_unwind("__assert_fail", || {
        let prog = super::errno::tvm_program_short_name_location();
        // SAFETY: the location is null or the task's live program name.
        let prog = if prog.is_null() { b"" as &[u8] } else { text(unsafe { *prog }) };
        let mut msg = Vec::new();
        if !prog.is_empty() {
            msg.extend_from_slice(prog);
            msg.extend_from_slice(b": ");
        }
        msg.extend_from_slice(text(file));
        msg.extend_from_slice(format!(":{line}: ").as_bytes());
        if !func.is_null() {
            msg.extend_from_slice(text(func));
            msg.extend_from_slice(b": ");
        }
        msg.extend_from_slice(b"Assertion `");
        msg.extend_from_slice(text(expr));
        msg.extend_from_slice(b"' failed.\n");
        super::stdio::to_stderr(&msg);
    });
    super::signal::tvm_abort()
}
