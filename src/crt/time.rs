//! <time.h>'s result buffers, per task: `localtime` and `gmtime` share one
//! `struct tm`, `asctime` and `ctime` one string, as in glibc (so
//! `ctime(t)` overwrites what `localtime` returned, and the two pointers
//! are equal). The time zone comes from the host process (see docs/crt.md).

use std::ffi::c_char;

extern "C" {
    /// POSIX; not in the libc crate.
    fn tzset();
}

/// glibc's asctime buffer: big enough for any year.
const ASCTIME_LEN: usize = 128;

#[repr(C)]
pub struct TimeState {
    tm: libc::tm,
    text: [u8; ASCTIME_LEN],
}

/// localtime(3): after tzset, like glibc's.
///
/// # Safety
/// `t` must point to a time_t.
pub unsafe fn localtime(st: &mut TimeState, t: *const libc::time_t) -> *mut libc::tm {
    // SAFETY: tzset has no preconditions; `t` per the caller; the result
    // goes to the task's buffer.
    unsafe {
        tzset();
        libc::localtime_r(t, &mut st.tm)
    }
}

/// gmtime(3).
///
/// # Safety
/// `t` must point to a time_t.
pub unsafe fn gmtime(st: &mut TimeState, t: *const libc::time_t) -> *mut libc::tm {
    // SAFETY: per the caller; the result goes to the task's buffer.
    unsafe { libc::gmtime_r(t, &mut st.tm) }
}

/// asctime(3): "Www Mmm dd hh:mm:ss yyyy\n" in the task's buffer; null with
/// EOVERFLOW when the year does not fit glibc's format.
///
/// # Safety
/// `tm` must point to a struct tm.
pub unsafe fn asctime(st: &mut TimeState, tm: *const libc::tm) -> *mut c_char {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    // SAFETY: per the caller.
    let tm = unsafe { &*tm };
    let day = usize::try_from(tm.tm_wday).ok().and_then(|d| DAYS.get(d)).copied().unwrap_or("???");
    let month = usize::try_from(tm.tm_mon).ok().and_then(|m| MONTHS.get(m)).copied().unwrap_or("???");
    let text = format!(
        "{day} {month}{:3} {:02}:{:02}:{:02} {}\n",
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        i64::from(tm.tm_year) + 1900
    );
    let bytes = text.as_bytes();
    if bytes.len() >= ASCTIME_LEN {
        crate::kernel::Errno::EOVERFLOW.set();
        return std::ptr::null_mut();
    }
    st.text[..bytes.len()].copy_from_slice(bytes);
    st.text[bytes.len()] = 0;
    st.text.as_mut_ptr().cast()
}

/// ctime(3): asctime(localtime(t)).
///
/// # Safety
/// `t` must point to a time_t.
pub unsafe fn ctime(st: &mut TimeState, t: *const libc::time_t) -> *mut c_char {
    // SAFETY: per the caller.
    let tm = unsafe { localtime(st, t) };
    if tm.is_null() {
        return std::ptr::null_mut();
    }
    let copy = st.tm;
    // SAFETY: a live struct tm.
    unsafe { asctime(st, &copy) }
}
