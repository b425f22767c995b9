//! <tvm.h>: the embedding API for C hosts (include/tvm.h is generated from
//! this file by cbindgen; `tests/header.rs` keeps them in step).

use std::ffi::{c_char, c_int, c_short, c_uint, c_ulong, c_void, CStr, CString};

use crate::kernel::dev::external;
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

/// Registers the programs built into the library: the runtime's own, mksh
/// (`/bin/sh`), toybox's commands, dropbear and the first-party programs,
/// at the paths `forkless` has them. A path already registered keeps its
/// program. Returns 0.
#[no_mangle]
pub extern "C" fn tvm_register_bundled() -> c_int {
    super::sys("tvm_register_bundled", || {
        programs::bundled::register_all();
        Ok(0)
    })
}

/// One per-task global of a program the guest build compiled: a function
/// returning its address in the calling thread, its size and its name
/// (the guest build's `struct tvm_global`).
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct tvm_global_t {
    pub addr: Option<unsafe extern "C" fn() -> *mut c_void>,
    pub size: usize,
    pub name: *const c_char,
}

/// One compiled unit of a program the guest build compiled: its globals
/// and the function that initializes them in a new image (may be NULL).
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct tvm_unit_t {
    pub globals: *const tvm_global_t,
    pub count: usize,
    pub init: Option<unsafe extern "C" fn()>,
}

const _: () = assert!(std::mem::size_of::<tvm_global_t>() == std::mem::size_of::<programs::GlobalDesc>());

/// Registers a program compiled by the guest build (`guest-cc`), whose
/// globals each task gets its own copy of, so that it can fork: `main` is
/// its renamed entry point and `units` its `nunits` units (the tables the
/// guest build generates, which must live as long as the process). The
/// guest build's registration function (`tvm_register_NAME`) calls this.
/// Returns 0, or -1 with errno EINVAL (bad path, null `main`, a global
/// without an address function) or EEXIST.
///
/// # Safety
/// `path` must be a NUL-terminated string; `units` must point to `nunits`
/// units whose global tables stay valid and unchanged for good.
#[no_mangle]
pub unsafe extern "C" fn tvm_register_guest(
    path: *const c_char,
    main: tvm_main_t,
    units: *const tvm_unit_t,
    nunits: usize,
) -> c_int {
    super::sys("tvm_register_guest", || {
        let main = main.ok_or(Errno::EINVAL)?;
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { super::cstr(path) }?.to_str().map_err(|_| Errno::EINVAL)?;
        if units.is_null() && nunits > 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller passes `nunits` units.
        let given = if nunits == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(units, nunits) } };
        let mut converted = Vec::with_capacity(given.len());
        for u in given {
            if u.count > 0 && u.globals.is_null() {
                return Err(Errno::EINVAL);
            }
            // SAFETY: per the caller, `count` globals at `globals`.
            let globals =
                if u.count == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(u.globals, u.count) } };
            if globals.iter().any(|g| g.addr.is_none()) {
                return Err(Errno::EINVAL);
            }
            // The layouts are the same (repr(C), checked above), and no
            // address function is null.
            converted.push(programs::GuestUnit { globals: u.globals.cast(), count: u.count, init: u.init });
        }
        let units: &'static [programs::GuestUnit] = Box::leak(converted.into_boxed_slice());
        programs::register_guest_units(p, main, units).map(|_| 0)
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

/// A device driver's callbacks (`tvm_register_device`). Every callback
/// may be NULL, and each may run on any task's thread, several at once:
/// the driver makes them thread-safe. None may block: a read or write that
/// cannot proceed now returns -EAGAIN, and the runtime waits for
/// `tvm_device_notify` (or returns EAGAIN to a non-blocking caller).
/// Errors are returned as negative errno values.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct tvm_device_ops_t {
    /// open(2) of the node with open's `flags`; may store per-open state in
    /// `*file` (NULL otherwise). Returns 0 or -errno. NULL: always opens.
    pub open: Option<unsafe extern "C" fn(ctx: *mut c_void, flags: c_int, file: *mut *mut c_void) -> c_int>,
    /// read(2): bytes stored in `buf` (0 is end of file), or -errno.
    /// NULL: EINVAL.
    pub read: Option<unsafe extern "C" fn(ctx: *mut c_void, file: *mut c_void, buf: *mut c_void, len: usize) -> isize>,
    /// write(2): bytes taken from `buf`, or -errno. NULL: EINVAL.
    pub write:
        Option<unsafe extern "C" fn(ctx: *mut c_void, file: *mut c_void, buf: *const c_void, len: usize) -> isize>,
    /// The subset of poll(2) `events` ready now. NULL: always readable and
    /// writable.
    pub poll: Option<unsafe extern "C" fn(ctx: *mut c_void, file: *mut c_void, events: c_short) -> c_short>,
    /// ioctl(2): a non-negative result or -errno. NULL: ENOTTY.
    pub ioctl:
        Option<unsafe extern "C" fn(ctx: *mut c_void, file: *mut c_void, request: c_ulong, arg: *mut c_void) -> c_int>,
    /// The last close of an open description (of every descriptor that
    /// shares it, across fork and dup).
    pub close: Option<unsafe extern "C" fn(ctx: *mut c_void, file: *mut c_void)>,
    /// Passed to every callback.
    pub ctx: *mut c_void,
    /// The node's permission bits in stat(2); 0 means 0666.
    pub mode: c_uint,
}

/// Registers a character device at `path`, a name directly under /dev
/// (`/dev/NAME`), driven by `*ops` (copied). Tasks open, read, write,
/// poll, ioctl, stat and close it like any device, and it is listed in
/// /dev; no host file is involved. Returns 0, or -1 with errno EINVAL
/// (another path, or a name the runtime keeps: pts, fd, stdin, stdout,
/// stderr), EEXIST (the name is taken, built-in devices included) or
/// EFAULT (`ops` is NULL).
///
/// # Safety
/// `path` must be a NUL-terminated string and `ops` NULL or a valid
/// `tvm_device_ops_t` whose callbacks and `ctx` stay valid for the life of
/// the process.
#[no_mangle]
pub unsafe extern "C" fn tvm_register_device(path: *const c_char, ops: *const tvm_device_ops_t) -> c_int {
    super::sys("tvm_register_device", || {
        boot::init()?;
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { super::cstr(path) }?.to_str().map_err(|_| Errno::EINVAL)?;
        // SAFETY: the caller passes NULL or a valid ops table.
        let o = unsafe { ops.as_ref() }.ok_or(Errno::EFAULT)?;
        let ops = external::Ops(*o);
        external::register(p, ops).map(|()| 0)
    })
}

/// Tells the runtime that the device at `path` may have become readable or
/// writable: tasks waiting in its read, write or poll ask the driver again.
/// Callable from any thread, a driver's own included. Returns 0, or -1
/// with errno ENOENT when no `tvm_register_device` device is at `path`.
///
/// # Safety
/// `path` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tvm_device_notify(path: *const c_char) -> c_int {
    super::sys("tvm_device_notify", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { super::cstr(path) }?.to_str().map_err(|_| Errno::ENOENT)?;
        external::notify(p).map(|()| 0)
    })
}
