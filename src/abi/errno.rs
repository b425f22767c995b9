//! <errno.h>'s GNU program names: `program_invocation_name` and
//! `program_invocation_short_name` (also BSD's `__progname`), per task.

use std::ffi::c_char;

use crate::crt;

fn location(field: impl FnOnce(*mut crt::CrtState) -> *mut *mut c_char) -> *mut *mut c_char {
    super::guard("program name", || crt::state().map_or(std::ptr::null_mut(), field))
}

/// The calling task's `program_invocation_name` (its argv[0]).
#[no_mangle]
pub extern "C" fn tvm_program_name_location() -> *mut *mut c_char {
    // SAFETY: a field of the live state block.
    location(|st| unsafe { &raw mut (*st).program_name })
}

/// The calling task's `program_invocation_short_name` and `__progname`.
#[no_mangle]
pub extern "C" fn tvm_program_short_name_location() -> *mut *mut c_char {
    // SAFETY: a field of the live state block.
    location(|st| unsafe { &raw mut (*st).program_short_name })
}
