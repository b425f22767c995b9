//! Whether an address is in guest code (a program the guest build
//! compiled), as opposed to the runtime or the host C library.
//!
//! The host signal handler delivers a task's signals on the spot only when
//! the interrupted instruction is guest code: guest code holds no runtime
//! lock and is inside no host library call (such as a host `malloc` that a
//! guest's `qsort` made), so a guest handler may do anything there.
//! Programs registered without the guest build (`tvm_register_program`)
//! are not in this range; signals reach them at their next runtime call.

use std::ffi::c_char;
use std::sync::OnceLock;

extern "C" {
    fn tvm_guest_text_start() -> *const c_char;
    fn tvm_guest_text_end() -> *const c_char;
}

fn bounds() -> (usize, usize) {
    static BOUNDS: OnceLock<(usize, usize)> = OnceLock::new();
    *BOUNDS.get_or_init(|| {
        // SAFETY: both return link-time constants (null when no guest is
        // linked).
        unsafe { (tvm_guest_text_start() as usize, tvm_guest_text_end() as usize) }
    })
}

/// Computes the bounds, so that [`contains`] never initializes anything
/// inside a signal handler. Called once at runtime start.
pub fn init() {
    bounds();
}

/// Whether `pc` is an instruction of a guest program.
pub fn contains(pc: usize) -> bool {
    let (start, end) = bounds();
    start <= pc && pc < end
}
