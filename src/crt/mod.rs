//! The C library's per-process state, made per task.
//!
//! A C library keeps state for its process: the stdio streams and their
//! buffers, `optind` and friends, `strtok`'s position, the `rand` sequence,
//! the buffers `localtime` and `getpwnam` return. In one host process every
//! such piece of the host C library is shared by all tasks, so the runtime
//! keeps its own, per task, and routes the guest's calls to it (the shim
//! renames them).
//!
//! All of it lives in the image's arena: one [`CrtState`] block, allocated
//! on first use and found from the image. fork copies the arena and moves
//! every pointer in it, so the child inherits the state exactly as a forked
//! process would (unflushed output included); exec starts a new arena, so a
//! new image starts from scratch. Nothing here may hold host heap memory
//! (no `Vec`, `Box`, `String`): the block is copied bit for bit.
//!
//! Objects the host C library allocates for a task are the exception; see
//! [`hostobj`] for how they survive fork.

pub mod crypt;
pub mod dir;
pub mod getopt;
pub mod hostobj;
pub mod locale;
pub mod netdb;
pub mod pwd;
pub mod random;
pub mod shell;
pub mod shells;
pub mod stdio;
pub mod string;
pub mod term;
pub mod time;
pub mod tmpnam;
pub mod utmpx;

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

use crate::kernel::task::thread::with_image;
use crate::kernel::{Errno, KResult};
use crate::mem::arena::ALIGN;

/// Every piece of per-task C library state, one field per module.
#[repr(C)]
pub struct CrtState {
    pub stdio: stdio::StdioState,
    pub getopt: getopt::GetoptState,
    pub string: string::StringState,
    pub random: random::RandomState,
    pub time: time::TimeState,
    pub pwd: pwd::PwdState,
    pub shells: shells::ShellsState,
    pub crypt: crypt::CryptState,
    pub term: term::TermState,
    pub tmpnam: tmpnam::TmpnamState,
    pub locale: locale::LocaleState,
    pub netdb: netdb::NetdbState,
    pub utmpx: utmpx::UtmpxState,
    /// `program_invocation_name`: argv[0] of the image.
    pub program_name: *mut c_char,
    /// `program_invocation_short_name`, `__progname`: its last component.
    pub program_short_name: *mut c_char,
}

impl CrtState {
    /// Initial values, where zero is not the right start.
    fn init(&mut self, argv0: *mut c_char) {
        self.getopt.init();
        let name = if argv0.is_null() { c"".as_ptr().cast_mut() } else { argv0 };
        self.program_name = name;
        // SAFETY: argv[0] is NUL-terminated.
        let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
        let base = bytes.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        // SAFETY: `base` is within the string.
        self.program_short_name = unsafe { name.add(base) };
    }
}

/// The calling image's state, created on first use.
pub fn state() -> KResult<*mut CrtState> {
    with_image(|img| {
        if img.crt.is_null() {
            let p = img.arena.alloc(std::mem::size_of::<CrtState>(), ALIGN).cast::<CrtState>();
            if p.is_null() {
                return Err(Errno::ENOMEM);
            }
            let argv0 = if img.argc > 0 && !img.argv.is_null() {
                // SAFETY: the image's argv has argc entries.
                unsafe { *img.argv }
            } else {
                ptr::null_mut()
            };
            // SAFETY: a fresh block of the right size; all-zero bytes are a
            // valid CrtState (raw pointers and integers), then `init`.
            unsafe {
                ptr::write_bytes(p.cast::<u8>(), 0, std::mem::size_of::<CrtState>());
                (*p).init(argv0);
            }
            img.crt = p.cast();
        }
        Ok(img.crt.cast::<CrtState>())
    })
}

/// Runs `f` on one field of the calling image's state (chosen by
/// `field`), holding no reference to the rest: `f` may use other parts of
/// the state (stderr, for instance), but must not call guest code.
pub fn with_part<P, R>(
    field: impl FnOnce(*mut CrtState) -> *mut P,
    f: impl FnOnce(&mut P) -> KResult<R>,
) -> KResult<R> {
    let st = state()?;
    // SAFETY: a field of the task's live block, touched only by its thread.
    f(unsafe { &mut *field(st) })
}

/// Allocates `size` bytes in the calling image's arena.
pub fn alloc(size: usize) -> KResult<*mut u8> {
    let p = with_image(|img| img.arena.alloc(size, ALIGN)).cast::<u8>();
    if p.is_null() {
        Err(Errno::ENOMEM)
    } else {
        Ok(p)
    }
}

/// Resizes an arena allocation made by [`alloc`] (or null for a new one).
///
/// # Safety
/// `p` must be null or a live allocation of the calling image's arena.
pub unsafe fn realloc(p: *mut u8, size: usize) -> KResult<*mut u8> {
    if p.is_null() {
        return alloc(size);
    }
    // SAFETY: per the caller.
    let q = with_image(|img| unsafe { img.arena.realloc(p.cast(), size) }).cast::<u8>();
    if q.is_null() {
        Err(Errno::ENOMEM)
    } else {
        Ok(q)
    }
}

/// Frees an arena allocation made by [`alloc`] (null is ignored).
///
/// # Safety
/// `p` must be null or a live allocation of the calling image's arena.
pub unsafe fn free(p: *mut u8) {
    if !p.is_null() {
        // SAFETY: per the caller.
        with_image(|img| unsafe { img.arena.free(p.cast()) });
    }
}

/// Whether `[p, p + len)` lies inside the calling image's arena: a pointer
/// the guest hands back (a `FILE *`, a `DIR *`) is checked before use.
pub fn in_arena(p: *const c_void, len: usize) -> bool {
    with_image(|img| img.arena.contains(p) && img.arena.contains((p as usize + len.max(1) - 1) as *const c_void))
}

/// A NUL-terminated copy of `s` in the arena.
pub fn strdup(s: &CStr) -> KResult<*mut c_char> {
    let bytes = s.to_bytes_with_nul();
    let p = alloc(bytes.len())?;
    // SAFETY: `p` has room for the bytes.
    unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
    Ok(p.cast())
}
