//! A program image: what `execve` replaces.
//!
//! The image owns the stack the program runs on, its heap (the arena: every
//! guest allocation, including its argv and environment copies), the
//! `environ` pointer, and the `atexit` handlers. Only the task's own thread
//! touches an image, so it needs no lock; `with_image` hands it out for
//! short, non-reentrant accesses.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;
use std::sync::Arc;

use super::env::Environ;
use crate::mem::arena::{self, Arena, ALIGN};
use crate::mem::GuestStack;
use crate::programs::Program;

/// Default size of a guest stack (the usual Linux `ulimit -s`).
pub const DEFAULT_STACK_SIZE: usize = 8 << 20;

/// A function registered with `atexit` or `on_exit`.
#[derive(Clone, Copy, Debug)]
pub enum AtExit {
    Plain(unsafe extern "C" fn()),
    WithStatus(unsafe extern "C" fn(c_int, *mut c_void), *mut c_void),
}

impl AtExit {
    /// The same handler with its argument pointer moved for a fork child.
    pub fn relocated(self, r: &crate::mem::reloc::Relocator) -> AtExit {
        match self {
            AtExit::WithStatus(f, arg) => AtExit::WithStatus(f, r.map(arg as usize) as *mut c_void),
            plain => plain,
        }
    }
}

#[derive(Debug)]
pub struct Image {
    pub program: Arc<Program>,
    pub stack: GuestStack,
    pub arena: Arena,
    pub env: Environ,
    pub atexit: Vec<AtExit>,
    pub argc: c_int,
    pub argv: *mut *mut c_char,
    /// The C library state block in the arena (`crt`), made on first use.
    pub crt: *mut c_void,
    /// With emulated thread-locals, the table of the program's globals in
    /// the arena (`mem::emutls`); null otherwise, and until `main` is near.
    pub globals: *mut c_void,
}

impl Image {
    /// Maps a stack and copies `argv` and `envp` into the image's memory.
    pub fn new(program: Arc<Program>, argv: &[CString], envp: &[CString], stack_size: usize) -> std::io::Result<Image> {
        let stack = GuestStack::new(stack_size)?;
        let mut arena = Arena::new(arena::configured_reserve())?;
        let argv_arr = copy_strings(&mut arena, argv);
        let env_arr = copy_strings(&mut arena, envp);
        if argv_arr.is_null() || env_arr.is_null() {
            return Err(std::io::Error::from_raw_os_error(libc::ENOMEM));
        }
        Ok(Image {
            program,
            stack,
            env: Environ::new(env_arr, envp.len()),
            arena,
            atexit: Vec::new(),
            argc: argv.len() as c_int,
            argv: argv_arr,
            crt: ptr::null_mut(),
            globals: ptr::null_mut(),
        })
    }
}

/// Builds a NULL-terminated array of string copies in `arena`.
fn copy_strings(arena: &mut Arena, strings: &[CString]) -> *mut *mut c_char {
    let arr = arena.alloc((strings.len() + 1) * std::mem::size_of::<*mut c_char>(), ALIGN).cast::<*mut c_char>();
    if arr.is_null() {
        return arr;
    }
    for (i, s) in strings.iter().enumerate() {
        let p = arena.alloc_cstr(s);
        if p.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `arr` has room for strings.len() + 1 pointers.
        unsafe { *arr.add(i) = p };
    }
    // SAFETY: as above; the last slot is the terminator.
    unsafe { *arr.add(strings.len()) = ptr::null_mut() };
    arr
}
