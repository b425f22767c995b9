//! <tvm.h>: the embedding API for C hosts (include/tvm.h is generated from
//! this file by cbindgen; `tests/header.rs` keeps them in step).

use std::ffi::{c_char, c_int, CStr, CString};

use crate::kernel::{boot, Errno};
use crate::programs;

/// A program's entry point: a C `main`.
#[allow(non_camel_case_types)]
pub type tvm_main_t =
    Option<unsafe extern "C" fn(argc: c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) -> c_int>;

/// Prepares the runtime in this host process. Called implicitly by
/// `tvm_run`; returns 0, or -1 with errno set.
#[no_mangle]
pub extern "C" fn tvm_init() -> c_int {
    super::sys("tvm_init", || boot::init().map(|()| 0))
}

/// Registers `main` as the program at absolute path `path` (call once per
/// path). Returns 0, or -1 with errno EINVAL (bad path or null `main`) or
/// EEXIST (another program has that path).
///
/// # Safety
/// `path` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tvm_register_program(path: *const c_char, main: tvm_main_t) -> c_int {
    super::sys("tvm_register_program", || {
        let main = main.ok_or(Errno::EINVAL)?;
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { super::cstr(path) }?.to_str().map_err(|_| Errno::EINVAL)?;
        programs::register(p, main).map(|_| 0)
    })
}

/// Runs the program registered at `path` as the first task, with `argv`
/// (`argc` strings), this process's stdio, cwd and environment, and waits
/// for it. Returns its exit status (128 + signal number if a signal ended
/// it), or -1 with errno ENOENT when no program is registered at `path`,
/// or EBUSY when called from a task or a second time.
///
/// # Safety
/// `path` must be a NUL-terminated string and `argv` an array of `argc`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn tvm_run(path: *const c_char, argc: c_int, argv: *const *const c_char) -> c_int {
    super::sys("tvm_run", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { super::cstr(path) }?.to_str().map_err(|_| Errno::ENOENT)?;
        let program = programs::lookup(p).ok_or(Errno::ENOENT)?;
        let n = usize::try_from(argc).map_err(|_| Errno::EINVAL)?;
        let args: Vec<CString> = (0..n)
            // SAFETY: the caller passes `argc` NUL-terminated strings.
            .map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_owned())
            .collect();
        boot::run_first(program, args).map(boot::exit_code)
    })
}

/// What the runtime holds on the host at one moment (`tvm_memory_stats`).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct tvm_memory_stats_t {
    /// Bytes the host allocator has handed out and not taken back: the
    /// runtime's own memory and the host C library's (not guest heaps,
    /// which live in their arenas).
    pub heap_bytes: usize,
    /// Guest stacks and arenas mapped, including those kept for reuse.
    pub mappings: usize,
    /// Their reserved size in bytes.
    pub mapped_bytes: usize,
    /// Host threads that run or wait to run task images.
    pub threads: usize,
    /// Tasks in the task table, zombies included.
    pub tasks: usize,
}

/// Fills `*out` with the runtime's current memory statistics: exact counts,
/// meant for watching an embedded runtime and for finding leaks. Returns 0,
/// or -1 with errno EFAULT when `out` is null.
///
/// # Safety
/// `out` must be null or point to a writable `tvm_memory_stats_t`.
#[no_mangle]
pub unsafe extern "C" fn tvm_memory_stats(out: *mut tvm_memory_stats_t) -> c_int {
    super::sys("tvm_memory_stats", || {
        if out.is_null() {
            return Err(Errno::EFAULT);
        }
        let m = crate::mem::stats::snapshot();
        let tasks = crate::kernel::task::table::lock().iter().count();
        let stats = tvm_memory_stats_t {
            heap_bytes: m.heap_bytes,
            mappings: m.mappings,
            mapped_bytes: m.mapped_bytes,
            threads: m.threads,
            tasks,
        };
        // SAFETY: non-null, and the caller passes a writable struct.
        unsafe { out.write(stats) };
        Ok(0)
    })
}
