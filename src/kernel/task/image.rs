//! A program image: what `execve` replaces.
//!
//! The image owns the stack the program runs on, the runtime-made memory
//! the program sees (its argv and environment copies, strings `setenv`
//! added), the `environ` pointer, and the `atexit` handlers. Only the task's
//! own thread touches an image, so it needs no lock; `with_image` hands it
//! out for short, non-reentrant accesses.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;

use super::env::Environ;
use crate::mem::{GuestStack, ImageHeap};

/// Default size of a guest stack (the usual Linux `ulimit -s`).
pub const DEFAULT_STACK_SIZE: usize = 8 << 20;

/// A function registered with `atexit` or `on_exit`.
#[derive(Clone, Copy, Debug)]
pub enum AtExit {
    Plain(unsafe extern "C" fn()),
    WithStatus(unsafe extern "C" fn(c_int, *mut c_void), *mut c_void),
}

#[derive(Debug)]
pub struct Image {
    pub stack: GuestStack,
    pub heap: ImageHeap,
    pub env: Environ,
    pub atexit: Vec<AtExit>,
    pub argc: c_int,
    pub argv: *mut *mut c_char,
}

impl Image {
    /// Maps a stack and copies `argv` and `envp` into the image's memory.
    pub fn new(argv: &[CString], envp: &[CString], stack_size: usize) -> std::io::Result<Image> {
        let stack = GuestStack::new(stack_size)?;
        let mut heap = ImageHeap::new();
        let argv_arr = copy_strings(&mut heap, argv);
        let env_arr = copy_strings(&mut heap, envp);
        if argv_arr.is_null() || env_arr.is_null() {
            return Err(std::io::Error::from_raw_os_error(libc::ENOMEM));
        }
        Ok(Image {
            stack,
            env: Environ::new(env_arr, envp.len()),
            heap,
            atexit: Vec::new(),
            argc: argv.len() as c_int,
            argv: argv_arr,
        })
    }
}

/// Builds a NULL-terminated array of string copies in `heap`.
fn copy_strings(heap: &mut ImageHeap, strings: &[CString]) -> *mut *mut c_char {
    let arr = heap.alloc((strings.len() + 1) * std::mem::size_of::<*mut c_char>()).cast::<*mut c_char>();
    if arr.is_null() {
        return arr;
    }
    for (i, s) in strings.iter().enumerate() {
        let p = heap.alloc_cstr(s);
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
