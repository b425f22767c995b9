//! <stdlib.h>: process termination, the environment, path and temporary
//! file functions.

use std::ffi::{c_char, c_int, c_void, CStr};

use super::{cstr, guard, me, put_string, sys, sys_ptr};
use crate::kernel::fs::ops as fsops;
use crate::kernel::task::exit;
use crate::kernel::task::image::AtExit;
use crate::kernel::task::thread::{self, with_image};
use crate::kernel::Errno;

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/exit.html>
#[no_mangle]
pub extern "C" fn tvm_exit(status: c_int) -> ! {
    match super::no_unwind("exit", || -> std::convert::Infallible { exit::exit(status) }) {}
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/_Exit.html>
#[no_mangle]
pub extern "C" fn tvm__Exit(status: c_int) -> ! {
    match super::no_unwind("_Exit", || -> std::convert::Infallible { exit::exit_now(status) }) {}
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/atexit.html>
#[no_mangle]
pub extern "C" fn tvm_atexit(f: Option<unsafe extern "C" fn()>) -> c_int {
    guard("atexit", || match f {
        Some(f) if exit::register(AtExit::Plain(f)) => 0,
        _ => -1,
    })
}

/// on_exit(3) (GNU).
#[no_mangle]
pub extern "C" fn tvm_on_exit(f: Option<unsafe extern "C" fn(c_int, *mut c_void)>, arg: *mut c_void) -> c_int {
    guard("on_exit", || match f {
        Some(f) if exit::register(AtExit::WithStatus(f, arg)) => 0,
        _ => -1,
    })
}

/// Address of the calling image's `environ` variable; the shim defines
/// `environ` as `(*tvm_environ_location())`.
#[no_mangle]
pub extern "C" fn tvm_environ_location() -> *mut *mut *mut c_char {
    guard("environ", thread::environ_location)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getenv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getenv(name: *const c_char) -> *mut c_char {
    guard("getenv", || {
        if name.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: non-null NUL-terminated name from the caller.
        let n = unsafe { CStr::from_ptr(name) }.to_bytes();
        with_image(|img| img.env.get(n))
    })
}

/// secure_getenv(3): tasks never run set-user-ID, so it equals getenv.
#[no_mangle]
pub unsafe extern "C" fn tvm_secure_getenv(name: *const c_char) -> *mut c_char {
    // SAFETY: forwards the caller's name.
    unsafe { tvm_getenv(name) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setenv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setenv(name: *const c_char, value: *const c_char, overwrite: c_int) -> c_int {
    sys("setenv", || {
        if name.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller passes NUL-terminated strings.
        let (n, v) = unsafe { (CStr::from_ptr(name).to_bytes(), cstr(value)?.to_bytes()) };
        with_image(|img| img.env.set(&mut img.arena, n, v, overwrite != 0)).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/unsetenv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_unsetenv(name: *const c_char) -> c_int {
    sys("unsetenv", || {
        if name.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller passes a NUL-terminated name.
        let n = unsafe { CStr::from_ptr(name) }.to_bytes();
        with_image(|img| img.env.unset(n)).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/putenv.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_putenv(string: *mut c_char) -> c_int {
    sys("putenv", || {
        if string.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: putenv's contract: a NUL-terminated string that stays alive.
        with_image(|img| unsafe { img.env.put_string(&mut img.arena, string) }).map(|()| 0)
    })
}

/// clearenv(3).
#[no_mangle]
pub extern "C" fn tvm_clearenv() -> c_int {
    guard("clearenv", || with_image(|img| img.env.clear()));
    0
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/realpath.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    sys_ptr("realpath", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = fsops::realpath(me(), unsafe { cstr(path) }?)?;
        // SAFETY: a non-null `resolved` has PATH_MAX bytes per realpath(3).
        unsafe { put_string(resolved, libc::PATH_MAX as usize, &p) }
    })
}

/// The caller's template as a mutable byte slice (without terminator).
///
/// # Safety
/// `t` must be null or a writable NUL-terminated string.
unsafe fn template<'a>(t: *mut c_char) -> Result<&'a mut [u8], Errno> {
    if t.is_null() {
        return Err(Errno::EINVAL);
    }
    // SAFETY: NUL-terminated and writable per the caller.
    let len = unsafe { CStr::from_ptr(t) }.to_bytes().len();
    // SAFETY: as above; the slice excludes the terminator.
    Ok(unsafe { std::slice::from_raw_parts_mut(t.cast::<u8>(), len) })
}

/// Runs mkostemps on the caller's template; the terminator stays in place.
///
/// # Safety
/// `t` must be null or a writable NUL-terminated string.
unsafe fn mkstemp_common(name: &'static str, t: *mut c_char, suffix: c_int, flags: c_int) -> c_int {
    sys(name, || {
        // SAFETY: per the caller.
        let tpl = unsafe { template(t) }?;
        let suffix = usize::try_from(suffix).map_err(|_| Errno::EINVAL)?;
        fsops::mkstemp(me(), tpl, suffix, flags)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkstemp.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkstemp(t: *mut c_char) -> c_int {
    // SAFETY: forwards the caller's template.
    unsafe { mkstemp_common("mkstemp", t, 0, 0) }
}

/// mkostemp(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_mkostemp(t: *mut c_char, flags: c_int) -> c_int {
    // SAFETY: forwards the caller's template.
    unsafe { mkstemp_common("mkostemp", t, 0, flags) }
}

/// mkstemps(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_mkstemps(t: *mut c_char, suffix: c_int) -> c_int {
    // SAFETY: forwards the caller's template.
    unsafe { mkstemp_common("mkstemps", t, suffix, 0) }
}

/// mkostemps(3).
#[no_mangle]
pub unsafe extern "C" fn tvm_mkostemps(t: *mut c_char, suffix: c_int, flags: c_int) -> c_int {
    // SAFETY: forwards the caller's template.
    unsafe { mkstemp_common("mkostemps", t, suffix, flags) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdtemp.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_mkdtemp(t: *mut c_char) -> *mut c_char {
    sys_ptr("mkdtemp", || {
        // SAFETY: the caller passes a writable NUL-terminated template.
        let tpl = unsafe { template(t) }?;
        fsops::mkdtemp(me(), tpl)?;
        Ok(t)
    })
}

/// canonicalize_file_name(3) (GNU): realpath into new memory.
#[no_mangle]
pub unsafe extern "C" fn tvm_canonicalize_file_name(path: *const c_char) -> *mut c_char {
    // SAFETY: forwards the caller's path; a null buffer makes realpath allocate.
    unsafe { tvm_realpath(path, std::ptr::null_mut()) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/system.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_system(command: *const std::ffi::c_char) -> c_int {
    sys("system", || {
        // SAFETY: the caller passes null or a NUL-terminated command.
        let c = unsafe { (!command.is_null()).then(|| std::ffi::CStr::from_ptr(command)) };
        crate::crt::shell::system(c)
    })
}

// ---- Random numbers, per task (`crt::random`) ----

fn random_state<R>(f: impl FnOnce(&mut crate::crt::random::RandomState) -> R) -> R
where
    R: Default,
{
    // SAFETY: a field of the live state block.
    guard("random", || crate::crt::with_part(|st| unsafe { &raw mut (*st).random }, |r| Ok(f(r))).unwrap_or_default())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rand.html>
#[no_mangle]
pub extern "C" fn tvm_rand() -> c_int {
    random_state(crate::crt::random::random)
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/srand.html>
#[no_mangle]
pub extern "C" fn tvm_srand(seed: std::ffi::c_uint) {
    random_state(|r| crate::crt::random::srandom(r, seed));
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/random.html>
#[no_mangle]
pub extern "C" fn tvm_random() -> std::ffi::c_long {
    random_state(|r| std::ffi::c_long::from(crate::crt::random::random(r)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/srandom.html>
#[no_mangle]
pub extern "C" fn tvm_srandom(seed: std::ffi::c_uint) {
    random_state(|r| crate::crt::random::srandom(r, seed));
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/initstate.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_initstate(seed: std::ffi::c_uint, state: *mut c_char, n: usize) -> *mut c_char {
    // SAFETY: the caller's buffer of `n` bytes, kept alive while in use.
    let r = random_state(|r| unsafe { crate::crt::random::initstate(r, seed, state, n) });
    r.unwrap_or_else(|| {
        Errno::EINVAL.set();
        std::ptr::null_mut()
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setstate.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setstate(state: *mut c_char) -> *mut c_char {
    if state.is_null() {
        Errno::EINVAL.set();
        return std::ptr::null_mut();
    }
    // SAFETY: a buffer initstate filled, per the caller.
    let r = random_state(|r| unsafe { crate::crt::random::setstate(r, state) });
    r.unwrap_or_else(|| {
        Errno::EINVAL.set();
        std::ptr::null_mut()
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/drand48.html>
#[no_mangle]
pub extern "C" fn tvm_drand48() -> f64 {
    random_state(|r| r.drand.double())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/lrand48.html>
#[no_mangle]
pub extern "C" fn tvm_lrand48() -> std::ffi::c_long {
    random_state(|r| r.drand.nonnegative())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/mrand48.html>
#[no_mangle]
pub extern "C" fn tvm_mrand48() -> std::ffi::c_long {
    random_state(|r| r.drand.signed())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/srand48.html>
#[no_mangle]
pub extern "C" fn tvm_srand48(seed: std::ffi::c_long) {
    random_state(|r| r.drand.seed(seed));
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/seed48.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_seed48(v: *mut u16) -> *mut u16 {
    if v.is_null() {
        Errno::EFAULT.set();
        return std::ptr::null_mut();
    }
    // SAFETY: seed48 takes three unsigned shorts.
    let seed = unsafe { [*v, *v.add(1), *v.add(2)] };
    let r = random_state(|r| Some(r.drand.seed48(seed)));
    r.unwrap_or(std::ptr::null_mut())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/lcong48.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_lcong48(p: *mut u16) {
    if p.is_null() {
        return;
    }
    // SAFETY: lcong48 takes seven unsigned shorts.
    let params = unsafe { std::array::from_fn(|i| *p.add(i)) };
    random_state(|r| r.drand.lcong48(params));
}
