//! getusershell(3): the login shells, per task.
//!
//! glibc keeps the list and its position in process-wide statics, which
//! every task would share: dropbear's sessions checking their user's shell
//! at the same moment corrupted the host heap (seen under the sshd soak as
//! "malloc(): unaligned tcache chunk detected", and as logins refused with
//! "invalid shell"). Each task here has its own list in its arena.
//!
//! The list follows glibc's reading of /etc/shells (each line's shell
//! starts at its first '/' and ends at white space or '#'; comment lines
//! are skipped; without the file, /bin/sh and /bin/csh), keeps only the
//! shells that can run inside forkless, and always has /bin/sh, which is
//! what `crt::pwd` shows as the login shell of a user whose own cannot run.

use std::ffi::{c_char, CString};
use std::ptr;

use crate::kernel::KResult;

#[repr(C)]
pub struct ShellsState {
    /// Null-terminated array of the shells (arena blocks), or null before
    /// the first use and after `endusershell`.
    list: *mut *mut c_char,
    next: usize,
}

/// The shells /etc/shells names, in glibc's reading.
fn listed(text: Option<&[u8]>) -> Vec<Vec<u8>> {
    let Some(text) = text else { return vec![b"/bin/sh".to_vec(), b"/bin/csh".to_vec()] };
    let mut out = Vec::new();
    for line in text.split(|&b| b == b'\n') {
        let Some(start) = line.iter().position(|&b| b == b'/' || b == b'#') else { continue };
        if line[start] == b'#' {
            continue;
        }
        let rest = &line[start..];
        let end = rest.iter().position(|&b| b.is_ascii_whitespace() || b == b'#').unwrap_or(rest.len());
        if end > 1 {
            out.push(rest[..end].to_vec());
        }
    }
    out
}

/// The shells a task sees: those listed that can run, and /bin/sh.
fn runnable(text: Option<&[u8]>) -> Vec<CString> {
    let mut out: Vec<CString> = listed(text)
        .into_iter()
        .filter(|s| std::str::from_utf8(s).is_ok_and(|s| crate::programs::lookup(s).is_some()))
        .filter_map(|s| CString::new(s).ok())
        .collect();
    out.dedup();
    if !out.iter().any(|s| s.as_bytes() == b"/bin/sh") {
        out.insert(0, CString::from(c"/bin/sh"));
    }
    out
}

fn load(st: &mut ShellsState) -> KResult<()> {
    end(st);
    let text = std::fs::read("/etc/shells").ok();
    let shells = runnable(text.as_deref());
    let list = crate::crt::alloc((shells.len() + 1) * std::mem::size_of::<*mut c_char>())?.cast::<*mut c_char>();
    for (i, s) in shells.iter().enumerate() {
        let bytes = s.as_bytes_with_nul();
        let p = crate::crt::alloc(bytes.len())?;
        // SAFETY: fresh blocks of the sizes written; the array has room for
        // every shell and the null after them.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            list.add(i).write(p.cast());
        }
    }
    // SAFETY: as above.
    unsafe { list.add(shells.len()).write(ptr::null_mut()) };
    st.list = list;
    st.next = 0;
    Ok(())
}

/// getusershell: the next shell, null after the last.
pub fn next(st: &mut ShellsState) -> KResult<*mut c_char> {
    if st.list.is_null() {
        load(st)?;
    }
    // SAFETY: the list is null-terminated and `next` never passes the null.
    let p = unsafe { *st.list.add(st.next) };
    if !p.is_null() {
        st.next += 1;
    }
    Ok(p)
}

/// setusershell: back to the first shell (the file is read again).
pub fn rewind(st: &mut ShellsState) -> KResult<()> {
    load(st)
}

/// endusershell: the list is freed.
pub fn end(st: &mut ShellsState) {
    if st.list.is_null() {
        return;
    }
    // SAFETY: the list and its strings are this task's arena blocks.
    unsafe {
        let mut i = 0;
        while !(*st.list.add(i)).is_null() {
            crate::crt::free((*st.list.add(i)).cast());
            i += 1;
        }
        crate::crt::free(st.list.cast());
    }
    st.list = ptr::null_mut();
    st.next = 0;
}

#[cfg(test)]
fn names(text: &[u8]) -> Vec<String> {
    listed(Some(text)).into_iter().map(|s| String::from_utf8(s).unwrap()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_as_glibc_reads_them() {
        let text = b"# comment\n/bin/sh\n  /bin/mksh  # a shell\nbad line\n\n/usr/bin/zsh\textra\n#/bin/no\n/\n";
        assert_eq!(names(text), ["/bin/sh", "/bin/mksh", "/usr/bin/zsh"]);
    }
}
