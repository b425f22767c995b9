//! tmpnam(3) and tempnam(3): names of files that do not exist yet.
//!
//! glibc's scheme: "/tmp/file" plus six random letters and digits for
//! tmpnam (L_tmpnam bytes at most); tempnam takes the directory from
//! TMPDIR (in the task's environment), else its argument, else P_tmpdir,
//! else /tmp, and a prefix of at most five bytes ("file" by default), and
//! returns memory the guest frees. Existence is checked in the task's view
//! of the filesystem.

use std::ffi::{c_char, CStr};

use crate::kernel::fs::ops as fsops;
use crate::kernel::task::{current, thread::with_image};
use crate::kernel::{Errno, KResult};

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#[repr(C)]
pub struct TmpnamState {
    pub buf: [u8; libc::L_tmpnam as usize],
    counter: u64,
}

fn exists(path: &[u8]) -> bool {
    let Ok(c) = std::ffi::CString::new(path) else { return true };
    !matches!(fsops::fstatat(current(), libc::AT_FDCWD, &c, libc::AT_SYMLINK_NOFOLLOW), Err(Errno::ENOENT))
}

fn is_dir(path: &[u8]) -> bool {
    let Ok(c) = std::ffi::CString::new(path) else { return false };
    fsops::fstatat(current(), libc::AT_FDCWD, &c, 0).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR)
}

/// A fresh name `dir/prefixXXXXXX` that does not exist.
fn unique(dir: &[u8], prefix: &[u8], counter: &mut u64) -> KResult<Vec<u8>> {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    for _ in 0..62u32.pow(3) {
        *counter = counter.wrapping_add(1);
        let mut v = seed ^ (u64::from(current().pid as u32) << 40) ^ counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut name = dir.to_vec();
        if name.last() != Some(&b'/') {
            name.push(b'/');
        }
        name.extend_from_slice(prefix);
        for _ in 0..6 {
            name.push(LETTERS[(v % 62) as usize]);
            v /= 62;
        }
        if !exists(&name) {
            return Ok(name);
        }
    }
    Err(Errno::EEXIST)
}

/// tmpnam(3): into `out`, or the task's buffer when `out` is null.
///
/// # Safety
/// A non-null `out` must have L_tmpnam writable bytes.
pub unsafe fn tmpnam(st: &mut TmpnamState, out: *mut c_char) -> KResult<*mut c_char> {
    let name = unique(b"/tmp", b"file", &mut st.counter)?;
    let dst = if out.is_null() { st.buf.as_mut_ptr().cast::<c_char>() } else { out };
    if name.len() + 1 > libc::L_tmpnam as usize {
        return Err(Errno::ENAMETOOLONG);
    }
    // SAFETY: `dst` has L_tmpnam bytes (ours, or the caller's promise).
    unsafe {
        std::ptr::copy_nonoverlapping(name.as_ptr().cast(), dst, name.len());
        *dst.add(name.len()) = 0;
    }
    Ok(dst)
}

/// The first of `$TMPDIR` (the task's), `dir` and /tmp that names a
/// directory.
pub fn temp_dir(dir: Option<&[u8]>) -> KResult<Vec<u8>> {
    let tmpdir = with_image(|img| {
        let p = img.env.get(b"TMPDIR");
        // SAFETY: environment strings are NUL-terminated.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec())
    });
    let candidates = [tmpdir, dir.map(<[u8]>::to_vec), Some(b"/tmp".to_vec())];
    candidates.into_iter().flatten().find(|d| !d.is_empty() && is_dir(d)).ok_or(Errno::ENOENT)
}

/// tempnam(3): a new name in memory the guest frees.
pub fn tempnam(st: &mut TmpnamState, dir: Option<&CStr>, prefix: Option<&CStr>) -> KResult<*mut c_char> {
    let chosen = temp_dir(dir.map(CStr::to_bytes))?;
    let prefix = prefix.map_or(&b"file"[..], |p| &p.to_bytes()[..p.to_bytes().len().min(5)]);
    let name = unique(&chosen, prefix, &mut st.counter)?;
    let p = crate::crt::alloc(name.len() + 1)?;
    // SAFETY: a fresh block of name.len() + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(name.as_ptr(), p, name.len());
        *p.add(name.len()) = 0;
    }
    Ok(p.cast())
}
