//! <unistd.h>'s result buffers, per task: `ttyname` and `getlogin`.

use std::ffi::{c_char, c_int};

use crate::kernel::fd::ops as fdops;
use crate::kernel::task::current;
use crate::kernel::{Errno, KResult};

const NAME_LEN: usize = 256;

extern "C" {
    /// POSIX; not in the libc crate.
    fn getlogin_r(buf: *mut c_char, len: usize) -> c_int;
}

#[repr(C)]
pub struct TermState {
    tty: [u8; NAME_LEN],
    login: [u8; NAME_LEN],
    pts: [u8; NAME_LEN],
}

impl TermState {
    /// Keeps `name` in the task's ptsname buffer and returns it.
    pub fn keep_ptsname(&mut self, name: &str) -> KResult<*mut c_char> {
        if name.len() >= NAME_LEN {
            return Err(Errno::ERANGE);
        }
        self.pts[..name.len()].copy_from_slice(name.as_bytes());
        self.pts[name.len()] = 0;
        Ok(self.pts.as_mut_ptr().cast())
    }
}

/// ttyname_r(3) on a task descriptor: a terminal of the runtime's by its
/// /dev/pts path; a host terminal by the host's answer.
pub fn ttyname_r(fd: c_int, buf: &mut [u8]) -> KResult<()> {
    let f = fdops::file(current(), fd)?;
    if !fdops::isatty(current(), fd)? {
        return Err(Errno::ENOTTY);
    }
    if let Some(dev) = f.as_device() {
        let path = dev.path();
        if path.len() >= buf.len() {
            return Err(Errno::ERANGE);
        }
        buf[..path.len()].copy_from_slice(path.as_bytes());
        buf[path.len()] = 0;
        return Ok(());
    }
    // SAFETY: `buf` is a live writable slice of the length given.
    match unsafe { libc::ttyname_r(f.host_fd()?, buf.as_mut_ptr().cast(), buf.len()) } {
        0 => Ok(()),
        e => Err(Errno::from_raw(e)),
    }
}

/// ttyname(3): the name in the task's buffer.
pub fn ttyname(st: &mut TermState, fd: c_int) -> KResult<*mut c_char> {
    ttyname_r(fd, &mut st.tty)?;
    Ok(st.tty.as_mut_ptr().cast())
}

/// getlogin(3): the host's answer (the login user of the process; every
/// task runs as that user), in the task's buffer.
pub fn getlogin(st: &mut TermState) -> KResult<*mut c_char> {
    // SAFETY: a live buffer of the length given.
    match unsafe { getlogin_r(st.login.as_mut_ptr().cast(), NAME_LEN) } {
        0 => Ok(st.login.as_mut_ptr().cast()),
        e => Err(Errno::from_raw(e)),
    }
}
