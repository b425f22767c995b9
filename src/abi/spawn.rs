//! <spawn.h>
//!
//! `posix_spawn_file_actions_t` and `posix_spawnattr_t` are opaque to
//! programs; the runtime keeps its own layout inside them (checked to fit at
//! compile time) and allocates action lists in the image's memory, like any
//! other data the program owns.

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, c_short, CStr};

use super::{cstr, guard, me};
use crate::kernel::signal::SigSet;
use crate::kernel::task::exec::{self, copy_string_array};
use crate::kernel::task::spawn::{self, Attrs, FileAction, SPAWN_FLAGS};
use crate::kernel::task::thread::with_image;
use crate::kernel::{Errno, KResult};
use crate::mem::arena::ALIGN;

const ACTIONS_MAGIC: u32 = 0x7476_6661; // "tvfa"
const ATTRS_MAGIC: u32 = 0x7476_7361; // "tvsa"

const KIND_CLOSE: u32 = 1;
const KIND_DUP2: u32 = 2;
const KIND_OPEN: u32 = 3;
const KIND_CHDIR: u32 = 4;
const KIND_FCHDIR: u32 = 5;

#[repr(C)]
#[derive(Clone, Copy)]
struct RawAction {
    kind: u32,
    fd: c_int,
    newfd: c_int,
    flags: c_int,
    mode: libc::mode_t,
    path: *mut c_char,
}

#[repr(C)]
struct RawActions {
    magic: u32,
    count: u32,
    cap: u32,
    list: *mut RawAction,
}

#[repr(C)]
struct RawAttrs {
    magic: u32,
    flags: c_int,
    pgroup: libc::pid_t,
    policy: c_int,
    sigmask: u64,
    sigdefault: u64,
    priority: c_int,
}

/// Whether the runtime's records fit in the C library's objects, where
/// they are kept: glibc's are large structs; Darwin's are one pointer, so
/// there the objects cannot be made (ENOSYS; docs/platforms.md).
const ACTIONS_FIT: bool = std::mem::size_of::<RawActions>() <= std::mem::size_of::<libc::posix_spawn_file_actions_t>();
const ATTRS_FIT: bool = std::mem::size_of::<RawAttrs>() <= std::mem::size_of::<libc::posix_spawnattr_t>();
const _: () = assert!(cfg!(not(target_os = "linux")) || (ACTIONS_FIT && ATTRS_FIT));

/// Runs `f`, returning its error number (the posix_spawn convention).
fn errno_result(name: &'static str, f: impl FnOnce() -> KResult<()>) -> c_int {
    match guard(name, f) {
        Ok(()) => 0,
        Err(e) => e as c_int,
    }
}

/// # Safety
/// `fa` must be null or point to a posix_spawn_file_actions_t.
unsafe fn actions<'a>(fa: *mut libc::posix_spawn_file_actions_t) -> KResult<&'a mut RawActions> {
    let a = fa.cast::<RawActions>();
    // SAFETY: a non-null pointer to the caller's object, which is large enough.
    match unsafe { a.as_mut() } {
        Some(a) if a.magic == ACTIONS_MAGIC => Ok(a),
        _ => Err(Errno::EINVAL),
    }
}

/// # Safety
/// `at` must be null or point to a posix_spawnattr_t.
unsafe fn attrs<'a>(at: *mut libc::posix_spawnattr_t) -> KResult<&'a mut RawAttrs> {
    let a = at.cast::<RawAttrs>();
    // SAFETY: a non-null pointer to the caller's object, which is large enough.
    match unsafe { a.as_mut() } {
        Some(a) if a.magic == ATTRS_MAGIC => Ok(a),
        _ => Err(Errno::EINVAL),
    }
}

fn check_fd(fd: c_int) -> KResult<()> {
    let limit = me().files.lock().limit();
    if fd < 0 || fd as usize >= limit {
        Err(Errno::EBADF)
    } else {
        Ok(())
    }
}

fn push(a: &mut RawActions, act: RawAction) -> KResult<()> {
    if a.count == a.cap {
        let cap = (a.cap * 2).max(8);
        let bytes = cap as usize * std::mem::size_of::<RawAction>();
        let list = with_image(|img| {
            if a.list.is_null() {
                img.arena.alloc(bytes, ALIGN)
            } else {
                // SAFETY: a non-null list is a live arena allocation of ours.
                unsafe { img.arena.realloc(a.list.cast(), bytes) }
            }
        });
        if list.is_null() {
            return Err(Errno::ENOMEM);
        }
        a.list = list.cast();
        a.cap = cap;
    }
    // SAFETY: count < cap after the growth above.
    unsafe { a.list.add(a.count as usize).write(act) };
    a.count += 1;
    Ok(())
}

fn copy_path(p: &CStr) -> KResult<*mut c_char> {
    let c = with_image(|img| img.arena.alloc_cstr(p));
    if c.is_null() {
        Err(Errno::ENOMEM)
    } else {
        Ok(c)
    }
}

const NO_ACTION: RawAction = RawAction { kind: 0, fd: -1, newfd: -1, flags: 0, mode: 0, path: std::ptr::null_mut() };

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn_file_actions_init.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_init(fa: *mut libc::posix_spawn_file_actions_t) -> c_int {
    errno_result("posix_spawn_file_actions_init", || {
        if fa.is_null() {
            return Err(Errno::EINVAL);
        }
        if !ACTIONS_FIT {
            return Err(Errno::ENOSYS);
        }
        // SAFETY: the caller's object is large enough for RawActions
        // (ACTIONS_FIT).
        unsafe {
            fa.cast::<RawActions>().write(RawActions {
                magic: ACTIONS_MAGIC,
                count: 0,
                cap: 0,
                list: std::ptr::null_mut(),
            })
        };
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn_file_actions_destroy.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_destroy(fa: *mut libc::posix_spawn_file_actions_t) -> c_int {
    errno_result("posix_spawn_file_actions_destroy", || {
        // SAFETY: the caller passes its file actions object.
        let a = unsafe { actions(fa) }?;
        with_image(|img| {
            for i in 0..a.count as usize {
                // SAFETY: i < count, inside the list; paths are live arena
                // allocations (or null for actions without one).
                unsafe {
                    let path = (*a.list.add(i)).path;
                    if !path.is_null() {
                        img.arena.free(path.cast());
                    }
                }
            }
            if !a.list.is_null() {
                // SAFETY: the list is a live arena allocation of ours.
                unsafe { img.arena.free(a.list.cast()) };
            }
        });
        a.magic = 0;
        a.list = std::ptr::null_mut();
        a.count = 0;
        a.cap = 0;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn_file_actions_addclose.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_addclose(
    fa: *mut libc::posix_spawn_file_actions_t,
    fd: c_int,
) -> c_int {
    errno_result("posix_spawn_file_actions_addclose", || {
        // SAFETY: the caller passes its file actions object.
        let a = unsafe { actions(fa) }?;
        check_fd(fd)?;
        push(a, RawAction { kind: KIND_CLOSE, fd, ..NO_ACTION })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn_file_actions_adddup2.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_adddup2(
    fa: *mut libc::posix_spawn_file_actions_t,
    fd: c_int,
    newfd: c_int,
) -> c_int {
    errno_result("posix_spawn_file_actions_adddup2", || {
        // SAFETY: the caller passes its file actions object.
        let a = unsafe { actions(fa) }?;
        check_fd(fd)?;
        check_fd(newfd)?;
        push(a, RawAction { kind: KIND_DUP2, fd, newfd, ..NO_ACTION })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn_file_actions_addopen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_addopen(
    fa: *mut libc::posix_spawn_file_actions_t,
    fd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: libc::mode_t,
) -> c_int {
    errno_result("posix_spawn_file_actions_addopen", || {
        // SAFETY: the caller passes its file actions object and a path.
        let (a, p) = unsafe { (actions(fa)?, cstr(path)?) };
        check_fd(fd)?;
        let path = copy_path(p)?;
        push(a, RawAction { kind: KIND_OPEN, fd, flags, mode, path, ..NO_ACTION })
    })
}

/// posix_spawn_file_actions_addchdir_np(3) (glibc 2.29).
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_addchdir_np(
    fa: *mut libc::posix_spawn_file_actions_t,
    path: *const c_char,
) -> c_int {
    errno_result("posix_spawn_file_actions_addchdir_np", || {
        // SAFETY: the caller passes its file actions object and a path.
        let (a, p) = unsafe { (actions(fa)?, cstr(path)?) };
        let path = copy_path(p)?;
        push(a, RawAction { kind: KIND_CHDIR, path, ..NO_ACTION })
    })
}

/// posix_spawn_file_actions_addfchdir_np(3) (glibc 2.29).
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn_file_actions_addfchdir_np(
    fa: *mut libc::posix_spawn_file_actions_t,
    fd: c_int,
) -> c_int {
    errno_result("posix_spawn_file_actions_addfchdir_np", || {
        // SAFETY: the caller passes its file actions object.
        let a = unsafe { actions(fa) }?;
        check_fd(fd)?;
        push(a, RawAction { kind: KIND_FCHDIR, fd, ..NO_ACTION })
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_init.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_init(at: *mut libc::posix_spawnattr_t) -> c_int {
    errno_result("posix_spawnattr_init", || {
        if at.is_null() {
            return Err(Errno::EINVAL);
        }
        if !ATTRS_FIT {
            return Err(Errno::ENOSYS);
        }
        let raw = RawAttrs {
            magic: ATTRS_MAGIC,
            flags: 0,
            pgroup: 0,
            policy: libc::SCHED_OTHER,
            sigmask: 0,
            sigdefault: 0,
            priority: 0,
        };
        // SAFETY: the caller's object is large enough for RawAttrs
        // (ATTRS_FIT).
        unsafe { at.cast::<RawAttrs>().write(raw) };
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_destroy.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_destroy(at: *mut libc::posix_spawnattr_t) -> c_int {
    errno_result("posix_spawnattr_destroy", || {
        // SAFETY: the caller passes its attributes object.
        unsafe { attrs(at) }?.magic = 0;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setflags.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setflags(at: *mut libc::posix_spawnattr_t, flags: c_short) -> c_int {
    errno_result("posix_spawnattr_setflags", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at) }?;
        let flags = flags as c_int & 0xffff;
        if flags & !SPAWN_FLAGS != 0 {
            return Err(Errno::EINVAL);
        }
        a.flags = flags;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getflags.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getflags(
    at: *const libc::posix_spawnattr_t,
    flags: *mut c_short,
) -> c_int {
    errno_result("posix_spawnattr_getflags", || {
        // SAFETY: the caller passes its attributes object and an out-pointer.
        let a = unsafe { attrs(at.cast_mut()) }?;
        // SAFETY: as above.
        unsafe { super::out(flags, a.flags as c_short) }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setpgroup.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setpgroup(at: *mut libc::posix_spawnattr_t, pgroup: libc::pid_t) -> c_int {
    errno_result("posix_spawnattr_setpgroup", || {
        // SAFETY: the caller passes its attributes object.
        unsafe { attrs(at) }?.pgroup = pgroup;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getpgroup.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getpgroup(
    at: *const libc::posix_spawnattr_t,
    pgroup: *mut libc::pid_t,
) -> c_int {
    errno_result("posix_spawnattr_getpgroup", || {
        // SAFETY: the caller passes its attributes object and an out-pointer.
        let a = unsafe { attrs(at.cast_mut()) }?;
        // SAFETY: as above.
        unsafe { super::out(pgroup, a.pgroup) }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setsigmask.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setsigmask(
    at: *mut libc::posix_spawnattr_t,
    set: *const libc::sigset_t,
) -> c_int {
    errno_result("posix_spawnattr_setsigmask", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at) }?;
        if set.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: non-null sigset from the caller.
        a.sigmask = unsafe { SigSet::from_c(set) }.0;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getsigmask.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getsigmask(
    at: *const libc::posix_spawnattr_t,
    set: *mut libc::sigset_t,
) -> c_int {
    errno_result("posix_spawnattr_getsigmask", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at.cast_mut()) }?;
        if set.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: non-null sigset from the caller.
        unsafe { SigSet(a.sigmask).to_c(set) };
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setsigdefault.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setsigdefault(
    at: *mut libc::posix_spawnattr_t,
    set: *const libc::sigset_t,
) -> c_int {
    errno_result("posix_spawnattr_setsigdefault", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at) }?;
        if set.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: non-null sigset from the caller.
        a.sigdefault = unsafe { SigSet::from_c(set) }.0;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getsigdefault.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getsigdefault(
    at: *const libc::posix_spawnattr_t,
    set: *mut libc::sigset_t,
) -> c_int {
    errno_result("posix_spawnattr_getsigdefault", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at.cast_mut()) }?;
        if set.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: non-null sigset from the caller.
        unsafe { SigSet(a.sigdefault).to_c(set) };
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setschedpolicy.html>
/// Stored and reported back; tasks are host threads and keep the runtime's
/// scheduling (see docs/exec.md).
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setschedpolicy(at: *mut libc::posix_spawnattr_t, policy: c_int) -> c_int {
    errno_result("posix_spawnattr_setschedpolicy", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at) }?;
        if ![libc::SCHED_OTHER, libc::SCHED_FIFO, libc::SCHED_RR, libc::SCHED_BATCH, libc::SCHED_IDLE].contains(&policy)
        {
            return Err(Errno::EINVAL);
        }
        a.policy = policy;
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getschedpolicy.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getschedpolicy(
    at: *const libc::posix_spawnattr_t,
    policy: *mut c_int,
) -> c_int {
    errno_result("posix_spawnattr_getschedpolicy", || {
        // SAFETY: the caller passes its attributes object and an out-pointer.
        let a = unsafe { attrs(at.cast_mut()) }?;
        // SAFETY: as above.
        unsafe { super::out(policy, a.policy) }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_setschedparam.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_setschedparam(
    at: *mut libc::posix_spawnattr_t,
    p: *const libc::sched_param,
) -> c_int {
    errno_result("posix_spawnattr_setschedparam", || {
        // SAFETY: the caller passes its attributes object.
        let a = unsafe { attrs(at) }?;
        if p.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: non-null sched_param from the caller.
        a.priority = unsafe { (*p).sched_priority };
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnattr_getschedparam.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnattr_getschedparam(
    at: *const libc::posix_spawnattr_t,
    p: *mut libc::sched_param,
) -> c_int {
    errno_result("posix_spawnattr_getschedparam", || {
        // SAFETY: the caller passes its attributes object and an out-pointer.
        let a = unsafe { attrs(at.cast_mut()) }?;
        // SAFETY: as above.
        // SAFETY: sched_param is plain data; all-zero is a valid value.
        let mut sp: libc::sched_param = unsafe { std::mem::zeroed() };
        sp.sched_priority = a.priority;
        // SAFETY: as above.
        unsafe { super::out(p, sp) }
    })
}

/// Reads a program's file actions into kernel form.
///
/// # Safety
/// `fa` must be null or an initialized file actions object.
unsafe fn read_actions(fa: *const libc::posix_spawn_file_actions_t) -> KResult<Vec<FileAction>> {
    if fa.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: the caller passes its file actions object.
    let a = unsafe { actions(fa.cast_mut()) }?;
    let mut out = Vec::with_capacity(a.count as usize);
    for i in 0..a.count as usize {
        // SAFETY: i < count, inside the list.
        let r = unsafe { *a.list.add(i) };
        // SAFETY: paths were copied by add* and live in the arena.
        let path = || unsafe { CStr::from_ptr(r.path) }.to_owned();
        out.push(match r.kind {
            KIND_CLOSE => FileAction::Close(r.fd),
            KIND_DUP2 => FileAction::Dup2 { from: r.fd, to: r.newfd },
            KIND_OPEN => FileAction::Open { fd: r.fd, path: path(), flags: r.flags, mode: r.mode },
            KIND_CHDIR => FileAction::Chdir(path()),
            KIND_FCHDIR => FileAction::Fchdir(r.fd),
            _ => return Err(Errno::EINVAL),
        });
    }
    Ok(out)
}

/// # Safety
/// `at` must be null or an initialized attributes object.
unsafe fn read_attrs(at: *const libc::posix_spawnattr_t) -> KResult<Attrs> {
    if at.is_null() {
        return Ok(Attrs::default());
    }
    // SAFETY: the caller passes its attributes object.
    let a = unsafe { attrs(at.cast_mut()) }?;
    Ok(Attrs { flags: a.flags, pgroup: a.pgroup, sigmask: SigSet(a.sigmask), sigdefault: SigSet(a.sigdefault) })
}

/// Common body of posix_spawn and posix_spawnp.
///
/// # Safety
/// All pointers as posix_spawn(3) requires.
#[allow(clippy::too_many_arguments)]
unsafe fn do_spawn(
    name: &'static str,
    pid: *mut libc::pid_t,
    path: *const c_char,
    fa: *const libc::posix_spawn_file_actions_t,
    at: *const libc::posix_spawnattr_t,
    argv: *const *const c_char,
    envp: *const *const c_char,
    search: bool,
) -> c_int {
    errno_result(name, || {
        let task = me();
        // SAFETY: the caller passes a path, NULL-terminated arrays and
        // initialized (or null) action and attribute objects.
        let (p, a, e, actions, attrs) = unsafe {
            (cstr(path)?, copy_string_array(argv), copy_string_array(envp), read_actions(fa)?, read_attrs(at)?)
        };
        let resolved = if search {
            let path_var = with_image(|img| {
                let v = img.env.get(b"PATH");
                // SAFETY: a non-null result points into a live environment string.
                (!v.is_null()).then(|| unsafe { CStr::from_ptr(v) }.to_bytes().to_vec())
            });
            exec::resolve_in_path(task, p, a, path_var.as_deref(), false)?
        } else {
            exec::resolve(task, p, a)?
        };
        let child = spawn::spawn(task, resolved, &actions, &attrs, e)?;
        if !pid.is_null() {
            // SAFETY: the caller passes a writable pid_t.
            unsafe { pid.write(child) };
        }
        Ok(())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawn.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawn(
    pid: *mut libc::pid_t,
    path: *const c_char,
    fa: *const libc::posix_spawn_file_actions_t,
    at: *const libc::posix_spawnattr_t,
    argv: *const *mut c_char,
    envp: *const *mut c_char,
) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { do_spawn("posix_spawn", pid, path, fa, at, argv.cast(), envp.cast(), false) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_spawnp.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_posix_spawnp(
    pid: *mut libc::pid_t,
    file: *const c_char,
    fa: *const libc::posix_spawn_file_actions_t,
    at: *const libc::posix_spawnattr_t,
    argv: *const *mut c_char,
    envp: *const *mut c_char,
) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { do_spawn("posix_spawnp", pid, file, fa, at, argv.cast(), envp.cast(), true) }
}
