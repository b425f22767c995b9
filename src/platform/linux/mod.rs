//! Linux with glibc (x86-64, aarch64): the platform the runtime is built
//! and tested on.

use std::ffi::{c_int, c_void};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::kernel::signal::SigInfo;

pub mod tls;
pub mod waiting_io;

/// The host C library's names, as the runtime spells them: glibc's.
pub mod c {
    pub use libc::*;
}

/// The calling thread's thread pointer: where its static TLS is found.
pub fn thread_pointer() -> usize {
    let tp: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: reads the TCB self-pointer at %fs:0, which glibc maintains for
    // every thread.
    unsafe {
        std::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) tp, options(nostack, readonly, preserves_flags))
    };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: reading the thread-ID register has no side effects.
    unsafe {
        std::arch::asm!("mrs {}, tpidr_el0", out(reg) tp, options(nostack, nomem, preserves_flags))
    };
    tp
}

/// The instruction a signal interrupted, from the context the kernel gave
/// the handler (`ctx`, the handler's third argument under SA_SIGINFO).
///
/// # Safety
/// `ctx` must be the `ucontext_t` of a signal handler that is running.
pub unsafe fn interrupted_pc(ctx: *const c_void) -> usize {
    let uc = ctx.cast::<libc::ucontext_t>();
    #[cfg(target_arch = "x86_64")]
    // SAFETY: per the caller, `uc` is the live context; RIP is one of its
    // general registers.
    let pc = unsafe { (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: per the caller, `uc` is the live context.
    let pc = unsafe { (*uc).uc_mcontext.pc as usize };
    pc
}

/// Makes a signal handler's context resume at `pc`.
///
/// # Safety
/// `ctx` must be the live `ucontext_t` of a running handler.
pub unsafe fn set_interrupted_pc(ctx: *mut c_void, pc: usize) {
    let uc = ctx.cast::<libc::ucontext_t>();
    #[cfg(target_arch = "x86_64")]
    // SAFETY: per the caller; the kernel restores RIP from here.
    unsafe {
        (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] = pc as i64
    };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: per the caller; the kernel restores PC from here.
    unsafe {
        (*uc).uc_mcontext.pc = pc as u64
    };
}

/// The stack pointer of the code a signal interrupted (see
/// [`interrupted_pc`]).
///
/// # Safety
/// As for [`interrupted_pc`].
pub unsafe fn interrupted_sp(ctx: *const c_void) -> usize {
    let uc = ctx.cast::<libc::ucontext_t>();
    #[cfg(target_arch = "x86_64")]
    // SAFETY: per the caller.
    let sp = unsafe { (*uc).uc_mcontext.gregs[libc::REG_RSP as usize] as usize };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: per the caller.
    let sp = unsafe { (*uc).uc_mcontext.sp as usize };
    sp
}

/// The faulting address of a SIGSEGV/SIGBUS/SIGILL/SIGFPE.
///
/// # Safety
/// `info` must be the live siginfo of a running handler.
pub unsafe fn fault_addr(info: *const libc::siginfo_t) -> usize {
    // SAFETY: per the caller.
    unsafe { (*info).si_addr() as usize }
}

/// Writes `info` into a caller's `siginfo_t`, zeroing the rest. `SigInfo`
/// is Linux's layout already.
///
/// # Safety
/// `p` must point to a writable `siginfo_t`.
pub unsafe fn write_siginfo(p: *mut libc::siginfo_t, info: &SigInfo) {
    const _: () = assert!(std::mem::size_of::<SigInfo>() <= std::mem::size_of::<libc::siginfo_t>());
    // SAFETY: the caller vouches for a writable siginfo_t, which is larger
    // than SigInfo (checked at compile time).
    unsafe {
        std::ptr::write_bytes(p, 0, 1);
        p.cast::<SigInfo>().write_unaligned(*info);
    }
}

/// The host signal used to reach task threads (a real-time signal the host
/// C library does not use).
pub fn host_signal() -> c_int {
    static SIG: OnceLock<c_int> = OnceLock::new();
    *SIG.get_or_init(|| libc::SIGRTMIN() + 4)
}

/// A task's wake-up handle: an eventfd, level-triggered and coalescing
/// (`kernel::wake`).
#[derive(Debug)]
pub struct Waker {
    fd: OwnedFd,
}

impl Waker {
    pub fn new() -> io::Result<Waker> {
        // SAFETY: eventfd takes no pointers; a failure is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a fresh descriptor nobody else owns.
        Ok(Waker { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    /// The descriptor to poll for `POLLIN`.
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Marks the handle; any current or future wait on it returns.
    pub fn wake(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live local. A full counter (EAGAIN)
        // means the handle is already marked, which is all we need.
        unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    /// Clears the mark.
    pub fn clear(&self) {
        let mut buf = [0u8; 8];
        // SAFETY: reads into a live local buffer of the given size; one read
        // resets an eventfd's counter.
        unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    }
}

/// Host poll with a `Duration` timeout (nanosecond resolution); returns
/// poll's raw result.
pub fn poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> i32 {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let tsp = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a live slice of pollfd and `tsp` null or a live local.
    unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, std::ptr::null()) }
}

/// A per-thread one-shot timer that sends the host signal to the thread
/// that made it: a POSIX timer with `SIGEV_THREAD_ID`.
pub struct RetryTimer(libc::timer_t);

impl RetryTimer {
    /// A timer for the calling thread; `None` if the host has none to give.
    pub fn for_this_thread() -> Option<RetryTimer> {
        // SAFETY: sigevent is plain data; all-zero is a valid start.
        let mut ev: libc::sigevent = unsafe { std::mem::zeroed() };
        ev.sigev_notify = libc::SIGEV_THREAD_ID;
        ev.sigev_signo = host_signal();
        // SAFETY: gettid has no preconditions.
        ev.sigev_notify_thread_id = unsafe { libc::gettid() };
        let mut id: libc::timer_t = std::ptr::null_mut();
        // SAFETY: `ev` and `id` are live locals; the timer targets this
        // thread, which deletes it before it ends (the owner's drop).
        if unsafe { libc::timer_create(libc::CLOCK_MONOTONIC, &mut ev, &mut id) } != 0 {
            return None;
        }
        Some(RetryTimer(id))
    }

    /// The word the signal handler passes to [`RetryTimer::arm`] (any
    /// value, 0 included: Linux's first timer is 0).
    pub fn handle(&self) -> usize {
        self.0 as usize
    }

    /// Fires the timer once, `after` from now. Async-signal-safe: one
    /// system call.
    ///
    /// # Safety
    /// `handle` must come from a live `RetryTimer`.
    pub unsafe fn arm(handle: usize, after: Duration) {
        let value = libc::timespec { tv_sec: after.as_secs() as libc::time_t, tv_nsec: after.subsec_nanos() as _ };
        let spec = libc::itimerspec { it_interval: libc::timespec { tv_sec: 0, tv_nsec: 0 }, it_value: value };
        // SAFETY: per the caller, a live timer.
        unsafe { libc::timer_settime(handle as libc::timer_t, 0, &spec, std::ptr::null_mut()) };
    }
}

impl Drop for RetryTimer {
    fn drop(&mut self) {
        // SAFETY: the timer is this one's and is deleted once.
        unsafe { libc::timer_delete(self.0) };
    }
}

/// CPU time used so far by the thread `t`.
///
/// # Safety
/// `t` must be a live thread.
pub unsafe fn thread_cpu_time(t: libc::pthread_t) -> Option<Duration> {
    let mut clock: libc::clockid_t = 0;
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: the caller's thread is alive; both out-parameters are live
    // locals.
    let ok = unsafe { libc::pthread_getcpuclockid(t, &mut clock) == 0 && libc::clock_gettime(clock, &mut now) == 0 };
    ok.then(|| Duration::new(now.tv_sec.max(0) as u64, now.tv_nsec.max(0) as u32))
}

/// User and system CPU time used so far by the calling thread.
pub fn this_thread_usage() -> Option<(Duration, Duration)> {
    // SAFETY: rusage is plain data; all-zero is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a live local that getrusage fills in.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) } != 0 {
        return None;
    }
    let d = |tv: libc::timeval| Duration::new(tv.tv_sec.max(0) as u64, (tv.tv_usec.max(0) as u32) * 1000);
    Some((d(ru.ru_utime), d(ru.ru_stime)))
}

/// Gives the pages of `[addr, addr + len)` back to the host; they read as
/// zero when touched again (private anonymous memory under MADV_DONTNEED).
///
/// # Safety
/// The range must be private anonymous memory whose contents nobody needs.
pub unsafe fn discard(addr: usize, len: usize) {
    // SAFETY: per the caller.
    unsafe { libc::madvise(addr as *mut c_void, len, libc::MADV_DONTNEED) };
}

/// Lets the host take the pages of `[addr, addr + len)` back when it
/// needs memory; until it does, they stay in place and writing them costs
/// no fault. Read after being taken, they are zeros.
///
/// # Safety
/// The range must be private anonymous memory whose contents nobody needs.
pub unsafe fn lazy_free(addr: usize, len: usize) {
    // SAFETY: per the caller.
    unsafe { libc::madvise(addr as *mut c_void, len, libc::MADV_FREE) };
}

/// Asks for transparent huge pages in `[addr, addr + len)` (where the
/// system leaves them to madvise); a kernel without them ignores it.
pub fn huge_pages(addr: usize, len: usize) {
    // SAFETY: madvise checks the range; MADV_HUGEPAGE changes no contents.
    unsafe { libc::madvise(addr as *mut c_void, len, libc::MADV_HUGEPAGE) };
}

/// Faults in `[addr, addr + len)` for writing in one call (Linux 5.14+);
/// on older kernels the pages fault in as they are touched.
pub fn populate(addr: usize, len: usize) {
    const MADV_POPULATE_WRITE: c_int = 23;
    // SAFETY: madvise checks the range; failure only means the pages fault
    // in later.
    unsafe { libc::madvise(addr as *mut c_void, len, MADV_POPULATE_WRITE) };
}

/// getdents64(2): directory records of `fd` into `buf`; -1 and errno on
/// failure.
pub fn getdents64(fd: RawFd, buf: &mut [u8]) -> i64 {
    // SAFETY: `buf` is a live writable slice; getdents64 writes at most its
    // length.
    unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) }
}

/// A path naming the running executable's file (even if it was replaced
/// on disk since).
pub fn own_exe() -> Option<PathBuf> {
    Some(PathBuf::from("/proc/self/exe"))
}

/// The host's text for one of /proc's machine files (`meminfo`, `stat`,
/// `cpuinfo`, `version`, `mounts`): the kernel's own.
pub fn machine_file(name: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{name}")).ok()
}

/// Asks the kernel to kill the calling process when its parent ends (the
/// test runner's children). Async-signal-safe.
pub fn die_with_parent() {
    // SAFETY: prctl with an integer argument.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
}

/// glibc's `regex_t` (`struct re_pattern_buffer`), whose fields the `libc`
/// crate keeps private. Only the fields `regfree` touches are used.
#[repr(C)]
#[derive(Clone, Copy)]
struct RegexFields {
    /// The compiled DFA (host memory).
    buffer: *mut c_void,
    allocated: usize,
    used: usize,
    syntax: std::ffi::c_ulong,
    /// Host memory.
    fastmap: *mut std::ffi::c_char,
    /// Host memory (REG_ICASE).
    translate: *mut std::ffi::c_char,
    re_nsub: usize,
    bits: u8,
}

const _: () = assert!(std::mem::size_of::<RegexFields>() == std::mem::size_of::<libc::regex_t>());
const _: () = assert!(std::mem::align_of::<RegexFields>() == std::mem::align_of::<libc::regex_t>());

/// The host memory a compiled `regex_t` owns, as one address (its DFA), 0
/// when it is not compiled: the key fork's reference counts use.
pub fn regex_key(re: &libc::regex_t) -> usize {
    // SAFETY: RegexFields has regex_t's layout (checked above).
    unsafe { (*std::ptr::from_ref(re).cast::<RegexFields>()).buffer as usize }
}

/// Clears a `regex_t` as glibc's regfree leaves it.
pub fn regex_clear(re: &mut libc::regex_t) {
    // SAFETY: as in `regex_key`.
    let f = unsafe { &mut *std::ptr::from_mut(re).cast::<RegexFields>() };
    f.buffer = std::ptr::null_mut();
    f.allocated = 0;
    f.fastmap = std::ptr::null_mut();
    f.translate = std::ptr::null_mut();
}

/// A non-blocking, close-on-exec pipe: (read end, write end).
pub fn pipe_cloexec_nonblock() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: `fds` is a live array of two.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors nobody else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A device number from its major and minor.
pub fn makedev(major: u32, minor: u32) -> libc::dev_t {
    libc::makedev(major, minor)
}

/// A directory record's offset for the next `getdents64` (`d_off`).
pub fn dirent_offset(e: &libc::dirent64) -> i64 {
    e.d_off
}

/// An interface's broadcast or destination address (glibc's `ifa_ifu`).
pub fn ifa_dstaddr(n: &libc::ifaddrs) -> *mut libc::sockaddr {
    n.ifa_ifu
}

/// Sets what [`ifa_dstaddr`] reads.
pub fn set_ifa_dstaddr(n: &mut libc::ifaddrs, a: *mut libc::sockaddr) {
    n.ifa_ifu = a;
}

/// glibc's termios line discipline field.
pub fn termios_line(t: &libc::termios) -> libc::cc_t {
    t.c_line
}

/// Sets what [`termios_line`] reads.
pub fn set_termios_line(t: &mut libc::termios, line: libc::cc_t) {
    t.c_line = line;
}

/// Keeps glibc's speed fields in step with the speed bits of `c_cflag`, as
/// glibc's tcgetattr reports them.
pub fn sync_speeds(t: &mut libc::termios) {
    let speed = t.c_cflag & (libc::CBAUD | libc::CBAUDEX);
    t.c_ispeed = speed;
    t.c_ospeed = speed;
}
