//! The host C library's names as the runtime spells them (Linux's), on
//! Darwin.
//!
//! Everything in `libc` is here. What glibc has and Darwin lacks is added,
//! in four kinds:
//! - the LFS names (`stat64`, `off64_t`, ...): Darwin's plain types are
//!   64-bit already;
//! - flags Darwin does not define (`SOCK_CLOEXEC`, `O_DIRECT`, ...): no
//!   bits, since no Darwin caller can pass them; where the runtime ORs one
//!   into a host call, Darwin simply does without it (host descriptors are
//!   never inherited across a host exec, which an iOS app cannot do);
//! - requests and codes that exist only on Linux (`TCGETS`, `F_SETPIPE_SZ`,
//!   `SYS_*`, ...): Linux's numbers, which are never valid Darwin requests,
//!   so the arms matching them are unreachable there;
//! - functions: emulated where Darwin has the means (`pipe2`, `accept4`,
//!   `renameat2`, `getrandom`, `malloc_usable_size`), failing with ENOSYS
//!   where it has not (inotify, `syscall`, `getpwent_r`).

#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)] // C's names

pub use ::libc::*;

// The LFS names: Darwin's types are these already.
pub type dirent64 = ::libc::dirent;
pub type stat64 = ::libc::stat;
pub type rlimit64 = ::libc::rlimit;
pub type off64_t = ::libc::off_t;
pub type fpos64_t = ::libc::fpos_t;
pub type statvfs64 = ::libc::statvfs;
pub type statfs64 = ::libc::statfs;

// Flags no Darwin caller can pass.
pub const SOCK_NONBLOCK: c_int = 0;
pub const SOCK_CLOEXEC: c_int = 0;
pub const O_DIRECT: c_int = 0;
pub const O_NOATIME: c_int = 0;
pub const O_TMPFILE: c_int = 0;
pub const IN_NONBLOCK: c_int = 0;
pub const IN_CLOEXEC: c_int = 0;
pub const AT_EMPTY_PATH: c_int = 0;
pub const MSG_CMSG_CLOEXEC: c_int = 0;
pub const __WNOTHREAD: c_int = 0;
pub const __WCLONE: c_int = 0;
pub const __WALL: c_int = 0;
pub const POSIX_SPAWN_USEVFORK: c_int = 0;
pub const POSIX_SPAWN_SETSCHEDULER: c_int = 0;
pub const POSIX_SPAWN_SETSCHEDPARAM: c_int = 0;
pub const IUCLC: tcflag_t = 0;
pub const OLCUC: tcflag_t = 0;
/// Linux's MAP_FIXED_NOREPLACE: none on Darwin, so the address is a hint,
/// and callers check that the mapping landed there (`mem::placement`).
pub const MAP_FIXED_NOREPLACE: c_int = 0;

/// Darwin's ioctl requests are `c_uint`/`c_int` in the `libc` crate; the
/// runtime matches requests as `c_ulong`, as Linux's are.
pub const TIOCSCTTY: c_ulong = ::libc::TIOCSCTTY as c_ulong;
pub const TIOCEXCL: c_ulong = ::libc::TIOCEXCL as c_ulong;
pub const TIOCNXCL: c_ulong = ::libc::TIOCNXCL as c_ulong;

/// <spawn.h>: Darwin's own value (the `libc` crate leaves it out).
pub const POSIX_SPAWN_SETSID: c_int = 0x0400;
/// Expanding tabs: Darwin's OXTABS, within TABDLY as Linux's XTABS is.
pub const XTABS: tcflag_t = ::libc::OXTABS;

// Linux-only requests, commands and codes: Linux's numbers, never a Darwin
// request (Darwin's ioctl requests carry direction bits; its fcntl commands,
// clocks and scheduling policies are small numbers that differ).
pub const TCGETS: c_ulong = 0x5401;
pub const TCSETS: c_ulong = 0x5402;
pub const TCSETSW: c_ulong = 0x5403;
pub const TCSETSF: c_ulong = 0x5404;
pub const TCSBRK: c_ulong = 0x5409;
pub const TCXONC: c_ulong = 0x540A;
pub const TCFLSH: c_ulong = 0x540B;
pub const TIOCGSID: c_ulong = 0x5429;
pub const TCSBRKP: c_ulong = 0x5425;
pub const TIOCGPTN: c_ulong = 0x8004_5430;
pub const TIOCSPTLCK: c_ulong = 0x4004_5431;
pub const TIOCGPTLCK: c_ulong = 0x8004_5439;
pub const F_SETPIPE_SZ: c_int = 1031;
pub const F_GETPIPE_SZ: c_int = 1032;
pub const F_ADD_SEALS: c_int = 1033;
pub const F_GET_SEALS: c_int = 1034;
pub const CLOCK_BOOTTIME: clockid_t = 7;
pub const SCHED_BATCH: c_int = c_int::MIN;
pub const SCHED_IDLE: c_int = c_int::MIN + 1;
/// Above Darwin's AF_MAX: no Darwin address has this family.
pub const AF_PACKET: c_int = 0x7fff_0011;
pub const LC_PAPER: c_int = 0x7fff_0007;
pub const LC_NAME: c_int = 0x7fff_0008;
pub const LC_ADDRESS: c_int = 0x7fff_0009;
pub const LC_TELEPHONE: c_int = 0x7fff_000a;
pub const LC_MEASUREMENT: c_int = 0x7fff_000b;
pub const LC_IDENTIFICATION: c_int = 0x7fff_000c;
/// Linux's syscall numbers, as negative values Darwin never uses.
pub const SYS_copy_file_range: c_long = -326;
pub const SYS_getrandom: c_long = -318;
pub const SYS_sched_get_priority_min: c_long = -147;
pub const SYS_sched_get_priority_max: c_long = -146;
pub const SYS_timer_create: c_long = -222;
pub const SYS_timer_settime: c_long = -223;
pub const SYS_timer_gettime: c_long = -224;
pub const SYS_timer_getoverrun: c_long = -225;
pub const SYS_timer_delete: c_long = -226;
pub const SYS_getdents64: c_long = -217;

/// <sys/signal.h>: Darwin's codes (the `libc` crate leaves them out).
pub const SI_USER: c_int = 0x10001;
pub const SI_QUEUE: c_int = 0x10002;
/// Darwin's raise(3) sends SI_USER; there is no SI_TKILL.
pub const SI_TKILL: c_int = SI_USER;
/// A signal the kernel sends: Darwin gives code 0.
pub const SI_KERNEL: c_int = 0;
/// <time.h>: Darwin's value.
pub const TIMER_ABSTIME: c_int = 1;

/// No real-time signals on Darwin: the first is past the last signal.
pub fn SIGRTMIN() -> c_int {
    32 // NSIG
}

/// glibc's `struct spwd` (<shadow.h>), which the runtime fills for guests
/// itself (`crt::pwd::getspnam`); Darwin has no shadow file.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spwd {
    pub sp_namp: *mut c_char,
    pub sp_pwdp: *mut c_char,
    pub sp_lstchg: c_long,
    pub sp_min: c_long,
    pub sp_max: c_long,
    pub sp_warn: c_long,
    pub sp_inact: c_long,
    pub sp_expire: c_long,
    pub sp_flag: c_ulong,
}

/// Linux's `struct sockaddr_ll`, for the (unreachable) AF_PACKET arm.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_ll {
    pub sll_family: u16,
    pub sll_protocol: u16,
    pub sll_ifindex: c_int,
    pub sll_hatype: u16,
    pub sll_pkttype: u8,
    pub sll_halen: u8,
    pub sll_addr: [u8; 8],
}

/// Sets errno and returns -1.
fn fail(e: c_int) -> c_int {
    // SAFETY: __error returns the calling thread's errno.
    unsafe { *::libc::__error() = e };
    -1
}

/// Sets descriptor and status flags as Linux's `*2`/`*4` calls do.
fn set_flags(fd: c_int, cloexec: bool, nonblock: bool) {
    // SAFETY: fcntl on a descriptor the caller just received.
    unsafe {
        if cloexec {
            ::libc::fcntl(fd, ::libc::F_SETFD, ::libc::FD_CLOEXEC);
        }
        if nonblock {
            ::libc::fcntl(fd, ::libc::F_SETFL, ::libc::fcntl(fd, ::libc::F_GETFL) | ::libc::O_NONBLOCK);
        }
    }
}

/// pipe2(2): pipe, then the flags (not atomic with respect to a host
/// exec, which an app never does).
///
/// # Safety
/// `fds` must point to two writable ints.
pub unsafe fn pipe2(fds: *mut c_int, flags: c_int) -> c_int {
    // SAFETY: per the caller.
    if unsafe { ::libc::pipe(fds) } != 0 {
        return -1;
    }
    for i in 0..2 {
        // SAFETY: pipe filled both.
        set_flags(unsafe { *fds.add(i) }, flags & O_CLOEXEC != 0, flags & O_NONBLOCK != 0);
    }
    0
}

/// accept4(2): accept, then close-on-exec (the `SOCK_*` flags are no bits
/// here; the runtime's host descriptors are always close-on-exec).
///
/// # Safety
/// As for accept(2).
pub unsafe fn accept4(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t, _flags: c_int) -> c_int {
    // SAFETY: per the caller.
    let n = unsafe { ::libc::accept(fd, addr, len) };
    if n >= 0 {
        set_flags(n, true, false);
    }
    n
}

/// renameat2(2) through renameatx_np: RENAME_NOREPLACE is RENAME_EXCL,
/// RENAME_EXCHANGE is RENAME_SWAP; other flags are EINVAL.
///
/// # Safety
/// As for renameat(2).
pub unsafe fn renameat2(olddir: c_int, old: *const c_char, newdir: c_int, new: *const c_char, flags: c_uint) -> c_int {
    const RENAME_NOREPLACE: c_uint = 1;
    const RENAME_EXCHANGE: c_uint = 2;
    if flags & !(RENAME_NOREPLACE | RENAME_EXCHANGE) != 0 {
        return fail(::libc::EINVAL);
    }
    let mut x = 0;
    if flags & RENAME_NOREPLACE != 0 {
        x |= ::libc::RENAME_EXCL;
    }
    if flags & RENAME_EXCHANGE != 0 {
        x |= ::libc::RENAME_SWAP;
    }
    // SAFETY: per the caller.
    unsafe { ::libc::renameatx_np(olddir, old, newdir, new, x) }
}

/// getrandom(2) through getentropy, 256 bytes at a time (its limit).
///
/// # Safety
/// `buf` must hold `len` writable bytes.
pub unsafe fn getrandom(buf: *mut c_void, len: size_t, _flags: c_uint) -> ssize_t {
    let mut done = 0;
    while done < len {
        let n = (len - done).min(256);
        // SAFETY: per the caller, inside the buffer.
        if unsafe { ::libc::getentropy(buf.cast::<u8>().add(done).cast(), n) } != 0 {
            return -1;
        }
        done += n;
    }
    done as ssize_t
}

/// malloc_usable_size(3) is Darwin's malloc_size.
///
/// # Safety
/// `p` must be null or a live block of the host allocator.
pub unsafe fn malloc_usable_size(p: *mut c_void) -> size_t {
    // SAFETY: per the caller.
    unsafe { ::libc::malloc_size(p) }
}

/// The calling thread's errno (glibc's name for Darwin's `__error`).
///
/// # Safety
/// None beyond the call; unsafe as the function it stands for.
pub unsafe fn __errno_location() -> *mut c_int {
    // SAFETY: no preconditions.
    unsafe { ::libc::__error() }
}

/// fdatasync(2): Darwin's fsync, which also writes the metadata.
///
/// # Safety
/// As for fsync(2).
pub unsafe fn fdatasync(fd: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { ::libc::fsync(fd) }
}

/// inotify: none on Darwin (kqueue's EVFILT_VNODE could back it; not done).
///
/// # Safety
/// None: fails at once.
pub unsafe fn inotify_init1(_flags: c_int) -> c_int {
    fail(::libc::ENOSYS)
}

/// See [`inotify_init1`].
///
/// # Safety
/// None: fails without touching `path`.
pub unsafe fn inotify_add_watch(_fd: c_int, _path: *const c_char, _mask: u32) -> c_int {
    fail(::libc::ENOSYS)
}

/// See [`inotify_init1`].
///
/// # Safety
/// None: fails at once.
pub unsafe fn inotify_rm_watch(_fd: c_int, _wd: c_int) -> c_int {
    fail(::libc::ENOSYS)
}

/// syscall(2) by Linux's numbers: Darwin's syscall(2) is deprecated and
/// unavailable to iOS apps, so every raw call is ENOSYS.
///
/// # Safety
/// None: fails without touching its arguments.
pub unsafe fn syscall<A, B, C, D, E, F>(_nr: c_long, _a: A, _b: B, _c: C, _d: D, _e: E, _f: F) -> c_long {
    fail(::libc::ENOSYS) as c_long
}

/// Reentrant passwd enumeration: none on Darwin (getpwent is not
/// reentrant); ENOSYS.
///
/// # Safety
/// None: fails without touching its arguments.
pub unsafe fn getpwent_r(_p: *mut passwd, _b: *mut c_char, _l: size_t, _r: *mut *mut passwd) -> c_int {
    ::libc::ENOSYS
}

/// Reentrant group enumeration: none on Darwin; ENOSYS.
///
/// # Safety
/// None: fails without touching its arguments.
pub unsafe fn getgrent_r(_g: *mut group, _b: *mut c_char, _l: size_t, _r: *mut *mut group) -> c_int {
    ::libc::ENOSYS
}

#[link(name = "iconv")]
extern "C" {
    /// libiconv (Darwin keeps iconv out of libSystem's C library).
    pub fn iconv_open(to: *const c_char, from: *const c_char) -> iconv_t;
    pub fn iconv(
        cd: iconv_t,
        inbuf: *mut *mut c_char,
        inleft: *mut size_t,
        outbuf: *mut *mut c_char,
        outleft: *mut size_t,
    ) -> size_t;
    pub fn iconv_close(cd: iconv_t) -> c_int;
}
