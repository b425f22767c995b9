//! A host terminal standing in front of one of the runtime's ptys.
//!
//! When forkless itself runs on a terminal, its first task must have a
//! terminal of the runtime's (tasks never touch a host pty), as a shell
//! under ssh or in a terminal emulator has: the host terminal goes to raw
//! mode, a thread copies what is typed into the pty's master and what the
//! pty shows back out, and the host's window size follows the pty
//! (SIGWINCH). The pty's line discipline then does echo, editing and the
//! keyboard's signals, so job control and Ctrl-C work inside.
//!
//! When forkless's standard input is not the terminal but the host
//! process still has one as its controlling terminal (`forkless sh -i <
//! script` from a terminal, check.pl's interactive tests), the first task
//! gets a pty as its controlling terminal only (`/dev/tty`), and the host
//! terminal is left alone until a task first waits to read the pty: only
//! then does it go to raw mode and pass on what is typed, so typeahead
//! meant for the user's shell is not taken by a program that never reads
//! its terminal.
//!
//! The host terminal's settings are put back on every way out: when the
//! first task ends, when forkless is killed by SIGTERM, SIGINT or SIGQUIT,
//! and on a panic. (SIGKILL leaves no chance; `stty sane` then.) If the
//! host terminal goes away (SIGHUP, or a read that returns 0 or fails),
//! the pty is hung up: the session leader gets SIGHUP, as under a real
//! terminal, and forkless ends when the first task does.

use crate::platform::c as libc;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use super::pty::{End, Pty};
use crate::kernel::wake::Waker;
use crate::kernel::{Errno, KResult};

/// The host terminal's settings before raw mode, for putting back from a
/// signal handler (where only plain statics may be read).
static SAVED: OnceLock<libc::termios> = OnceLock::new();
static SAVED_FD: AtomicI32 = AtomicI32::new(-1);
/// Set once the settings are back (so a second restore does nothing).
static RESTORED: AtomicBool = AtomicBool::new(false);
/// Written by the SIGWINCH and SIGHUP handlers (`w`, `h`), read by the
/// bridge thread.
static EVENTS_WRITE: AtomicI32 = AtomicI32::new(-1);

/// How the host terminal stands to forkless.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// It is forkless's standard input: raw at once, input passed on.
    Stdin,
    /// It is only the controlling terminal: raw, and input passed on, from
    /// the first time a task waits to read the pty.
    Controlling,
}

/// A running bridge.
pub struct Bridge {
    pty: Arc<Pty>,
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// Whether host descriptor `fd` is a terminal.
pub fn host_is_terminal(fd: RawFd) -> bool {
    // SAFETY: isatty takes an integer only.
    unsafe { libc::isatty(fd) == 1 }
}

/// Puts the host terminal's settings back (idempotent, async-signal-safe).
pub fn restore_host() {
    let fd = SAVED_FD.load(Ordering::SeqCst);
    if fd < 0 || RESTORED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(t) = SAVED.get() {
        // SAFETY: tcsetattr with a live termios; async-signal-safe.
        unsafe { libc::tcsetattr(fd, libc::TCSADRAIN, t) };
    }
}

extern "C" fn on_fatal(sig: libc::c_int) {
    restore_host();
    // SAFETY: resetting to the default action and re-raising are
    // async-signal-safe; the process then ends by `sig` as it would have.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

extern "C" fn on_event(sig: libc::c_int) {
    let fd = EVENTS_WRITE.load(Ordering::Relaxed);
    if fd >= 0 {
        let what: &[u8; 1] = if sig == libc::SIGHUP { b"h" } else { b"w" };
        // SAFETY: write of one byte from a static; async-signal-safe. A full
        // pipe has a wake-up waiting already.
        unsafe { libc::write(fd, what.as_ptr().cast(), 1) };
    }
}

fn install(sig: libc::c_int, handler: extern "C" fn(libc::c_int)) {
    // SAFETY: sigaction is plain data; the handler only makes
    // async-signal-safe calls.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

fn host_winsize(fd: RawFd) -> Option<libc::winsize> {
    let mut ws = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one winsize into the live local.
    (unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0).then_some(ws)
}

/// The host's controlling terminal, opened anew, when it has one.
pub fn host_controlling_terminal() -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: a static path; the flags keep it from becoming anything's
    // controlling terminal and from leaking into exec'd programs.
    let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) };
    // SAFETY: a fresh descriptor nobody else owns.
    (fd >= 0).then(|| unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Whether the host process's group is the host terminal's foreground.
pub fn host_in_foreground(fd: RawFd) -> bool {
    // SAFETY: integer arguments only.
    unsafe { libc::tcgetpgrp(fd) == libc::getpgrp() }
}

/// Puts host terminal `fd` into raw mode, keeping its settings for
/// `restore_host` (and making sure every way out restores them).
fn go_raw(fd: RawFd) -> KResult<()> {
    // SAFETY: termios is plain data; all-zero is valid.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `saved` is a live local.
    crate::kernel::host(unsafe { libc::tcgetattr(fd, &mut saved) })?;
    let _ = SAVED.set(saved);
    SAVED_FD.store(fd, Ordering::SeqCst);
    let mut raw = saved;
    // SAFETY: cfmakeraw edits the live local.
    unsafe { libc::cfmakeraw(&mut raw) };
    // SAFETY: `raw` is a live termios.
    crate::kernel::host(unsafe { libc::tcsetattr(fd, libc::TCSADRAIN, &raw) })?;
    Ok(())
}

impl Bridge {
    /// Connects host terminal `input` (and `output`, the same terminal) to
    /// a new pty, raw at once or when first read (`mode`); returns the
    /// bridge, whose pty's slave is unlocked.
    pub fn start(input: RawFd, output: RawFd, mode: Mode) -> KResult<Bridge> {
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGQUIT] {
            install(sig, on_fatal);
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_host();
            previous(info);
        }));
        if mode == Mode::Stdin {
            go_raw(input)?;
        }

        let master = End::new_master()?;
        let pty = master.pty.clone();
        pty.lock().locked = false;
        if let Some(ws) = host_winsize(input) {
            pty.set_winsize(ws);
        }
        let (events_read, events_write) = crate::platform::pipe_cloexec_nonblock()
            .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))?;
        EVENTS_WRITE.store(std::os::fd::IntoRawFd::into_raw_fd(events_write), Ordering::SeqCst);
        install(libc::SIGWINCH, on_event);
        install(libc::SIGHUP, on_event);

        let waker = Arc::new(Waker::new().map_err(|_| Errno::EAGAIN)?);
        let stop = Arc::new(AtomicBool::new(false));
        let (w, s) = (waker.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("tvm-terminal".into())
            .spawn(move || run(master, input, output, mode, events_read, w, s))
            .map_err(|_| Errno::EAGAIN)?;
        Ok(Bridge { pty, stop, waker, thread: Mutex::new(Some(thread)) })
    }

    pub fn pty(&self) -> &Arc<Pty> {
        &self.pty
    }

    /// Shows what the pty still has to show, then puts the host terminal
    /// back.
    pub fn finish(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake();
        if let Some(t) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            let _ = t.join();
        }
        restore_host();
    }
}

/// Writes all of `data` to host descriptor `fd`.
fn write_all(fd: RawFd, mut data: &[u8]) {
    while !data.is_empty() {
        // SAFETY: a live slice of its length.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n > 0 {
            data = &data[n as usize..];
        } else if n < 0 && Errno::last() == Errno::EINTR {
            continue;
        } else {
            return;
        }
    }
}

/// The bridge thread: host input into the master, the master's output to
/// the host, window changes to the pty.
fn run(
    master: End,
    input: RawFd,
    output: RawFd,
    mode: Mode,
    events: std::os::fd::OwnedFd,
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
) {
    use std::os::fd::AsRawFd;
    let pty = master.pty.clone();
    let _reg = pty.queue().register(&waker);
    let mut master = Some(master);
    let mut pending: Vec<u8> = Vec::new();
    let mut input_open = true;
    let mut raw = mode == Mode::Stdin;
    loop {
        if !raw && pty.lock().reader_waiting {
            raw = true;
            input_open = go_raw(input).is_ok();
        }
        let out = pty.output(1 << 16);
        if !out.is_empty() {
            write_all(output, &out);
            continue;
        }
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if !pending.is_empty() {
            let n = pty.input(&pending);
            pending.drain(..n);
        }
        let want_input = raw && input_open && pending.is_empty();
        let mut fds = [
            libc::pollfd { fd: if want_input { input } else { -1 }, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: waker.fd(), events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: events.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: three live pollfds.
        if unsafe { libc::poll(fds.as_mut_ptr(), 3, -1) } < 0 {
            continue;
        }
        if fds[1].revents != 0 {
            waker.clear();
        }
        if fds[2].revents != 0 {
            let mut b = [0u8; 64];
            loop {
                // SAFETY: a live buffer; the pipe is non-blocking.
                let n = unsafe { libc::read(events.as_raw_fd(), b.as_mut_ptr().cast(), b.len()) };
                if n <= 0 {
                    break;
                }
                if b[..n as usize].contains(&b'h') {
                    // The host terminal hung up: so does the pty.
                    input_open = false;
                    master.take();
                }
            }
            if let Some(ws) = host_winsize(input) {
                pty.set_winsize(ws);
            }
        }
        if fds[0].revents != 0 {
            let mut buf = [0u8; 4096];
            // SAFETY: a live buffer of its length.
            let n = unsafe { libc::read(input, buf.as_mut_ptr().cast(), buf.len()) };
            if n > 0 {
                let got = &buf[..n as usize];
                let taken = pty.input(got);
                pending.extend_from_slice(&got[taken..]);
            } else if n == 0 || Errno::last() != Errno::EINTR && Errno::last() != Errno::EAGAIN {
                // The host terminal is gone: hang the pty up.
                input_open = false;
                master.take();
            }
        }
    }
}
