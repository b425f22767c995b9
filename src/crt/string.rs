//! <string.h>'s hidden state: `strtok`'s position and `strsignal`'s
//! buffer, per task.

use std::ffi::{c_char, c_int, CStr};

/// Room for the longest signal description (glibc's "Real-time signal 30"
/// and "Unknown signal 1234567890" fit).
const SIGNAL_TEXT: usize = 64;

#[repr(C)]
pub struct StringState {
    /// Where `strtok` goes on (inside the guest's string).
    pub strtok_next: *mut c_char,
    pub signal_text: [u8; SIGNAL_TEXT],
}

/// strtok(3): strtok_r with the task's saved position.
///
/// # Safety
/// As strtok: `s` (or the saved position) and `delim` are NUL-terminated.
pub unsafe fn strtok(st: &mut StringState, s: *mut c_char, delim: *const c_char) -> *mut c_char {
    // SAFETY: per the caller; strtok_r keeps its position in our slot.
    unsafe { libc::strtok_r(s, delim, &mut st.strtok_next) }
}

/// strsignal(3): the description, copied into the task's buffer.
pub fn strsignal(st: &mut StringState, sig: c_int) -> *mut c_char {
    // SAFETY: strsignal returns a NUL-terminated string (its own buffer or
    // a constant), read at once.
    let text = unsafe { CStr::from_ptr(libc::strsignal(sig)) }.to_bytes();
    let n = text.len().min(SIGNAL_TEXT - 1);
    st.signal_text[..n].copy_from_slice(&text[..n]);
    st.signal_text[n] = 0;
    st.signal_text.as_mut_ptr().cast()
}
