//! Darwin: macOS and iOS on arm64. Compiled only (`cargo check`), never
//! run; docs/platforms.md, "Darwin".

use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use parking_lot::Mutex;

use crate::kernel::signal::SigInfo;

pub mod c;
mod machine;
pub mod tls;

pub use machine::machine_file;

/// The calling thread's thread pointer: TPIDRRO_EL0, which Darwin points
/// at the thread's TSD array (`pthread_getspecific`'s slots). Kernels
/// before iOS 11 / macOS 10.13 kept the CPU number in its low three bits,
/// so they are masked (the array is 8-aligned).
#[cfg(target_arch = "aarch64")]
pub fn thread_pointer() -> usize {
    let tp: usize;
    // SAFETY: reading the read-only thread register has no side effects.
    unsafe { std::arch::asm!("mrs {}, tpidrro_el0", out(reg) tp, options(nostack, nomem, preserves_flags)) };
    tp & !7
}

/// `struct __darwin_arm_thread_state64` (<mach/arm/_structs.h>).
#[repr(C)]
struct ThreadState64 {
    x: [u64; 29],
    fp: u64,
    lr: u64,
    sp: u64,
    pc: u64,
    cpsr: u32,
    pad: u32,
}

/// `struct __darwin_mcontext64` for arm64: the exception state (`far`,
/// `esr`, `exception`), the thread state, then the NEON state (not read).
#[repr(C)]
struct MContext64 {
    far: u64,
    esr: u32,
    exception: u32,
    ss: ThreadState64,
}

/// `struct __darwin_ucontext` (<sys/_types/_ucontext.h>): the machine
/// context is a pointer, at offset 48.
#[repr(C)]
struct UContext {
    onstack: c_int,
    sigmask: u32,
    stack_sp: *mut c_void,
    stack_size: usize,
    stack_flags: c_int,
    link: *mut UContext,
    mcsize: usize,
    mcontext: *mut MContext64,
}

const _: () = assert!(std::mem::offset_of!(UContext, mcontext) == 48);
const _: () = assert!(std::mem::offset_of!(MContext64, ss) == 16);
const _: () = assert!(std::mem::offset_of!(ThreadState64, pc) == 256);

/// The interrupted thread state of a handler's context.
///
/// # Safety
/// `ctx` must be the `ucontext_t` of a signal handler that is running.
unsafe fn thread_state<'a>(ctx: *const c_void) -> &'a ThreadState64 {
    // SAFETY: per the caller; the kernel fills uc_mcontext for every
    // SA_SIGINFO handler.
    unsafe { &(*(*ctx.cast::<UContext>()).mcontext).ss }
}

/// The instruction a signal interrupted (`__ss.__pc`).
///
/// # Safety
/// `ctx` must be the `ucontext_t` of a signal handler that is running.
pub unsafe fn interrupted_pc(ctx: *const c_void) -> usize {
    // SAFETY: per the caller.
    unsafe { thread_state(ctx).pc as usize }
}

/// The stack pointer of the code a signal interrupted (`__ss.__sp`).
///
/// # Safety
/// As for [`interrupted_pc`].
pub unsafe fn interrupted_sp(ctx: *const c_void) -> usize {
    // SAFETY: per the caller.
    unsafe { thread_state(ctx).sp as usize }
}

/// Darwin's `siginfo_t` (<sys/signal.h>): 104 bytes, `si_addr` at 24,
/// `si_value` at 32; no CPU times.
#[repr(C)]
struct DarwinSigInfo {
    signo: c_int,
    errno: c_int,
    code: c_int,
    pid: libc::pid_t,
    uid: libc::uid_t,
    status: c_int,
    addr: *mut c_void,
    value: usize,
    band: std::ffi::c_long,
    pad: [std::ffi::c_ulong; 7],
}

const _: () = assert!(std::mem::size_of::<DarwinSigInfo>() == std::mem::size_of::<libc::siginfo_t>());
const _: () = assert!(std::mem::offset_of!(DarwinSigInfo, addr) == 24);

/// The faulting address of a SIGSEGV/SIGBUS/SIGILL/SIGFPE.
///
/// # Safety
/// `info` must be the live siginfo of a running handler.
pub unsafe fn fault_addr(info: *const libc::siginfo_t) -> usize {
    // SAFETY: per the caller.
    unsafe { (*info).si_addr as usize }
}

/// Writes `info` into a caller's `siginfo_t` in Darwin's layout.
///
/// # Safety
/// `p` must point to a writable `siginfo_t`.
pub unsafe fn write_siginfo(p: *mut libc::siginfo_t, info: &SigInfo) {
    let fault = matches!(info.signo, libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE)
        && info.code != c::SI_USER
        && info.code != c::SI_QUEUE;
    let d = DarwinSigInfo {
        signo: info.signo,
        errno: info.errno,
        code: info.code,
        pid: if fault { 0 } else { info.pid },
        uid: if fault { 0 } else { info.uid },
        status: if info.code == c::SI_QUEUE { 0 } else { info.status },
        addr: if fault { info.fault_addr() as *mut c_void } else { std::ptr::null_mut() },
        value: if info.code == c::SI_QUEUE { info.queued_value() } else { 0 },
        band: 0,
        pad: [0; 7],
    };
    // SAFETY: the caller vouches for a writable siginfo_t, which has
    // DarwinSigInfo's size (checked at compile time).
    unsafe { p.cast::<DarwinSigInfo>().write_unaligned(d) };
}

/// The host signal used to reach task threads. Darwin has no real-time
/// signals; SIGURG is the one a process meets least (its default action
/// is to ignore it, and only a socket given an owner with F_SETOWN raises
/// it, which the runtime never does), the choice Go's runtime made for
/// the same purpose.
pub fn host_signal() -> c_int {
    libc::SIGURG
}

/// A task's wake-up handle: a non-blocking pipe (Darwin has no eventfd).
/// Level-triggered and coalescing: a full pipe is a marked handle.
#[derive(Debug)]
pub struct Waker {
    read: OwnedFd,
    write: OwnedFd,
}

impl Waker {
    pub fn new() -> io::Result<Waker> {
        let mut fds = [0 as c_int; 2];
        // SAFETY: `fds` is a live array of two; flags are set before the
        // descriptors are shared.
        if unsafe { c::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fresh descriptors nobody else owns.
        Ok(unsafe { Waker { read: OwnedFd::from_raw_fd(fds[0]), write: OwnedFd::from_raw_fd(fds[1]) } })
    }

    /// The descriptor to poll for `POLLIN`.
    pub fn fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    /// Marks the handle; any current or future wait on it returns.
    pub fn wake(&self) {
        let one = 1u8;
        // SAFETY: writes one byte from a live local; EAGAIN (a full pipe)
        // means the handle is already marked.
        unsafe { libc::write(self.write.as_raw_fd(), (&one as *const u8).cast(), 1) };
    }

    /// Clears the mark: drains the pipe.
    pub fn clear(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reads into a live local buffer of the given size.
            let n = unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < buf.len() as isize {
                break;
            }
        }
    }
}

/// Host poll with a `Duration` timeout, rounded up to milliseconds (Darwin
/// has no ppoll); returns poll's raw result.
pub fn poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> i32 {
    let ms = match timeout {
        None => -1,
        Some(d) => d.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32,
    };
    // SAFETY: `fds` is a live slice of pollfd.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) }
}

/// The retry timers' kqueue (-1 until the first timer is made).
static RETRY_KQ: AtomicI32 = AtomicI32::new(-1);
/// Live timers: handle -> the thread to signal. The timer thread signals
/// only under this lock, and a timer leaves it before its thread ends.
static RETRY_THREADS: Mutex<Option<HashMap<usize, usize>>> = Mutex::new(None);
static RETRY_NEXT: AtomicUsize = AtomicUsize::new(1);

/// A per-thread one-shot timer that sends the host signal to the thread
/// that made it. Darwin has no `timer_create`, so one runtime thread waits
/// on a kqueue of `EVFILT_TIMER` events, one identifier per timer, and
/// sends the signal with `pthread_kill`; arming is one `kevent` call.
pub struct RetryTimer(usize);

impl RetryTimer {
    /// A timer for the calling thread; `None` if no kqueue could be made.
    pub fn for_this_thread() -> Option<RetryTimer> {
        retry_queue()?;
        let id = RETRY_NEXT.fetch_add(1, Ordering::Relaxed);
        // SAFETY: pthread_self has no preconditions.
        let me = unsafe { libc::pthread_self() } as usize;
        RETRY_THREADS.lock().get_or_insert_with(HashMap::new).insert(id, me);
        Some(RetryTimer(id))
    }

    /// The word the signal handler passes to [`RetryTimer::arm`] (any
    /// value, 0 included: Linux's first timer is 0).
    pub fn handle(&self) -> usize {
        self.0
    }

    /// Fires the timer once, `after` from now. Async-signal-safe: one
    /// `kevent` call.
    ///
    /// # Safety
    /// `handle` must come from a live `RetryTimer`.
    pub unsafe fn arm(handle: usize, after: Duration) {
        let kq = RETRY_KQ.load(Ordering::Acquire);
        let ev =
            timer_event(handle, libc::EV_ADD | libc::EV_ONESHOT, after.as_micros().min(isize::MAX as u128) as isize);
        // SAFETY: one live change record, no event list.
        unsafe { libc::kevent(kq, &ev, 1, std::ptr::null_mut(), 0, std::ptr::null()) };
    }
}

impl Drop for RetryTimer {
    fn drop(&mut self) {
        let mut threads = RETRY_THREADS.lock();
        if let Some(t) = threads.as_mut() {
            t.remove(&self.0);
        }
        let ev = timer_event(self.0, libc::EV_DELETE, 0);
        // SAFETY: one live change record; an unarmed timer gives ENOENT.
        unsafe { libc::kevent(RETRY_KQ.load(Ordering::Acquire), &ev, 1, std::ptr::null_mut(), 0, std::ptr::null()) };
    }
}

fn timer_event(id: usize, flags: u16, micros: isize) -> libc::kevent {
    libc::kevent {
        ident: id,
        filter: libc::EVFILT_TIMER,
        flags,
        fflags: libc::NOTE_USECONDS,
        data: micros,
        udata: std::ptr::null_mut(),
    }
}

/// The retry timers' kqueue, made with its thread on first use.
fn retry_queue() -> Option<c_int> {
    static MADE: OnceLock<Option<c_int>> = OnceLock::new();
    *MADE.get_or_init(|| {
        // SAFETY: kqueue takes no arguments.
        let kq = unsafe { libc::kqueue() };
        if kq < 0 {
            return None;
        }
        // SAFETY: a descriptor this function just made.
        unsafe { libc::fcntl(kq, libc::F_SETFD, libc::FD_CLOEXEC) };
        RETRY_KQ.store(kq, Ordering::Release);
        std::thread::Builder::new().name("tvm-retry".into()).spawn(move || retry_loop(kq)).ok()?;
        Some(kq)
    })
}

fn retry_loop(kq: c_int) {
    let mut events: [libc::kevent; 16] = [timer_event(0, 0, 0); 16];
    loop {
        // SAFETY: `events` is a live array of the given length.
        let n = unsafe {
            libc::kevent(kq, std::ptr::null(), 0, events.as_mut_ptr(), events.len() as c_int, std::ptr::null())
        };
        let threads = RETRY_THREADS.lock();
        for ev in events.iter().take(n.max(0) as usize) {
            let ident = ev.ident;
            if let Some(&t) = threads.as_ref().and_then(|m| m.get(&ident)) {
                // SAFETY: the thread is alive: its timer leaves the map,
                // under this lock, before the thread ends.
                unsafe { libc::pthread_kill(t as libc::pthread_t, host_signal()) };
            }
        }
    }
}

/// Mach's `time_value_t` as a `Duration`.
fn mach_time(t: libc::time_value_t) -> Duration {
    Duration::new(t.seconds.max(0) as u64, (t.microseconds.max(0) as u32) * 1000)
}

/// User and system time of a Mach thread (`thread_info`,
/// THREAD_BASIC_INFO).
fn mach_thread_times(port: libc::mach_port_t) -> Option<(Duration, Duration)> {
    // SAFETY: thread_basic_info is plain data; all-zero is a valid value.
    let mut info: libc::thread_basic_info = unsafe { std::mem::zeroed() };
    let mut count = (std::mem::size_of::<libc::thread_basic_info>() / std::mem::size_of::<c_int>()) as u32;
    // SAFETY: `info` is a live local of `count` integers.
    let kr = unsafe { libc::thread_info(port, libc::THREAD_BASIC_INFO as u32, (&raw mut info).cast(), &mut count) };
    (kr == 0).then(|| (mach_time(info.user_time), mach_time(info.system_time)))
}

/// CPU time used so far by the thread `t` (Darwin has no
/// `pthread_getcpuclockid`: Mach's thread_info).
///
/// # Safety
/// `t` must be a live thread.
pub unsafe fn thread_cpu_time(t: libc::pthread_t) -> Option<Duration> {
    // SAFETY: per the caller, a live thread; its port is borrowed, not
    // owned, so nothing is released.
    let port = unsafe { libc::pthread_mach_thread_np(t) };
    mach_thread_times(port).map(|(u, s)| u + s)
}

/// User and system CPU time used so far by the calling thread.
pub fn this_thread_usage() -> Option<(Duration, Duration)> {
    // SAFETY: pthread_self is live; its port is borrowed.
    mach_thread_times(unsafe { libc::pthread_mach_thread_np(libc::pthread_self()) })
}

/// Gives the pages of `[addr, addr + len)` back to the host so that they
/// read as zero when touched again. Darwin's MADV_DONTNEED does not
/// promise zeros, so fresh anonymous pages are mapped over the range.
///
/// # Safety
/// The range must be page-aligned, read-write private anonymous memory
/// whose contents nobody needs.
pub unsafe fn discard(addr: usize, len: usize) {
    let flags = libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANON;
    // SAFETY: per the caller, the range is ours to replace.
    unsafe { libc::mmap(addr as *mut c_void, len, libc::PROT_READ | libc::PROT_WRITE, flags, -1, 0) };
}

/// Lets the host take the pages of `[addr, addr + len)` back when it
/// needs memory; until it does, they stay in place.
///
/// # Safety
/// The range must be private anonymous memory whose contents nobody needs.
pub unsafe fn lazy_free(addr: usize, len: usize) {
    // SAFETY: per the caller.
    unsafe { libc::madvise(addr as *mut c_void, len, libc::MADV_FREE) };
}

/// Huge pages on request: Darwin has no such advice (its superpages are
/// a mapping flag, not for memory that grows by mprotect).
pub fn huge_pages(_addr: usize, _len: usize) {}

/// Faults in `[addr, addr + len)` for writing by touching each page
/// (Darwin has no MADV_POPULATE_WRITE): one byte per page is read and
/// written back unchanged.
pub fn populate(addr: usize, len: usize) {
    // SAFETY: sysconf has no preconditions.
    let page = (unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).max(4096) as usize;
    let mut p = addr.next_multiple_of(page);
    while p < addr + len {
        // SAFETY: callers pass committed read-write memory they own; the
        // byte is written back with the value it had.
        unsafe {
            let b = std::ptr::read_volatile(p as *const u8);
            std::ptr::write_volatile(p as *mut u8, b);
        }
        p += page;
    }
}

/// Directory records: Darwin's only call for them, `__getdirentries64`,
/// is private to its C library (not for App Store apps), so this fails
/// with ENOSYS: `readdir` of host directories is not ported
/// (docs/platforms.md).
pub fn getdents64(_fd: RawFd, _buf: &mut [u8]) -> i64 {
    // SAFETY: __error returns the calling thread's errno.
    unsafe { *libc::__error() = libc::ENOSYS };
    -1
}

/// The running executable's path (`_NSGetExecutablePath`; no /proc).
pub fn own_exe() -> Option<PathBuf> {
    std::env::current_exe().ok()
}

/// Darwin has no parent-death signal: a test process may outlive a runner
/// that was killed.
pub fn die_with_parent() {}

/// Darwin's `regex_t` (<regex.h>): the internals hang off `re_g`.
#[repr(C)]
struct RegexFields {
    re_magic: c_int,
    re_nsub: usize,
    re_endp: *const std::ffi::c_char,
    re_g: *mut c_void,
}

const _: () = assert!(std::mem::size_of::<RegexFields>() == std::mem::size_of::<libc::regex_t>());

/// The host memory a compiled `regex_t` owns, as one address (`re_g`), 0
/// when it is not compiled.
pub fn regex_key(re: &libc::regex_t) -> usize {
    // SAFETY: RegexFields has regex_t's layout (size checked above).
    unsafe { (*std::ptr::from_ref(re).cast::<RegexFields>()).re_g as usize }
}

/// Clears a `regex_t` as Darwin's regfree leaves it.
pub fn regex_clear(re: &mut libc::regex_t) {
    // SAFETY: as in `regex_key`.
    let f = unsafe { &mut *std::ptr::from_mut(re).cast::<RegexFields>() };
    f.re_magic = 0;
    f.re_g = std::ptr::null_mut();
}

/// A non-blocking, close-on-exec pipe: (read end, write end).
pub fn pipe_cloexec_nonblock() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: `fds` is a live array of two.
    if unsafe { c::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors nobody else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A device number from its major and minor (Darwin: 8 bits of major,
/// 24 of minor).
pub fn makedev(major: u32, minor: u32) -> libc::dev_t {
    ((major & 0xff) << 24 | (minor & 0xff_ffff)) as libc::dev_t
}

/// A directory record's offset for the next read (`d_seekoff`).
pub fn dirent_offset(e: &libc::dirent) -> i64 {
    e.d_seekoff as i64
}

/// An interface's broadcast or destination address (`ifa_dstaddr`).
pub fn ifa_dstaddr(n: &libc::ifaddrs) -> *mut libc::sockaddr {
    n.ifa_dstaddr
}

/// Sets what [`ifa_dstaddr`] reads.
pub fn set_ifa_dstaddr(n: &mut libc::ifaddrs, a: *mut libc::sockaddr) {
    n.ifa_dstaddr = a;
}

/// Darwin's termios has no line discipline field: always 0.
pub fn termios_line(_t: &libc::termios) -> libc::cc_t {
    0
}

/// Darwin's termios has no line discipline field: nothing to set.
pub fn set_termios_line(_t: &mut libc::termios, _line: libc::cc_t) {}

/// Darwin keeps the speeds only in `c_ispeed`/`c_ospeed`: nothing to sync.
pub fn sync_speeds(_t: &mut libc::termios) {}
