//! A program on a fresh host pseudo-terminal, driven the way a person at
//! a terminal would drive it: keys in, screen text out, the window
//! resized, the terminal closed.
//!
//! The program leads a new session with the terminal as its controlling
//! terminal, at the terminal's default settings (echo on), as a terminal
//! emulator or sshd starts a shell. Everything the program writes is kept
//! (the transcript); `expect` looks for text or a regular expression in
//! what arrived since the last match.

use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What arrived from the program, and whether it is done writing.
#[derive(Default)]
struct Screen {
    bytes: Vec<u8>,
    closed: bool,
}

/// A program running on a pseudo-terminal.
pub struct Terminal {
    master: Option<OwnedFd>,
    child: Child,
    screen: Arc<(Mutex<Screen>, Condvar)>,
    /// Tells the reader thread to let go of its copy of the master (a
    /// hangup needs every copy closed).
    stop: Arc<std::sync::atomic::AtomicBool>,
    /// Where the next `expect` starts looking.
    cursor: usize,
}

/// What to look for.
#[derive(Clone, Debug)]
pub enum Pattern {
    Text(String),
    Regex(regex::bytes::Regex),
}

impl Terminal {
    /// Starts `cmd` on a new terminal of `cols` x `rows`.
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16) -> io::Result<Terminal> {
        use std::os::unix::process::CommandExt;
        let ws = nix::pty::Winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        let pty = nix::pty::openpty(Some(&ws), None).map_err(io::Error::from)?;
        // The program must not inherit the master, or closing ours would
        // not hang its terminal up.
        // SAFETY: F_SETFD with an integer on a descriptor we own.
        unsafe { libc::fcntl(pty.master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
        let slave = pty.slave;
        let stdio = |fd: &OwnedFd| -> io::Result<Stdio> { Ok(Stdio::from(fd.as_fd().try_clone_to_owned()?)) };
        cmd.stdin(stdio(&slave)?).stdout(stdio(&slave)?).stderr(stdio(&slave)?);
        // SAFETY: setsid and ioctl are async-signal-safe; nothing else runs
        // in the child before exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(slave);
        let screen = Arc::new((Mutex::new(Screen::default()), Condvar::new()));
        let reader = pty.master.try_clone()?;
        let shared = screen.clone();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let mut p = libc::pollfd { fd: reader.as_raw_fd(), events: libc::POLLIN, revents: 0 };
                // SAFETY: one live pollfd.
                let ready = unsafe { libc::poll(&mut p, 1, 50) };
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    let (lock, cv) = &*shared;
                    lock.lock().expect("screen lock").closed = true;
                    cv.notify_all();
                    return;
                }
                if ready == 0 {
                    continue;
                }
                // SAFETY: a live buffer of its length.
                let n = unsafe { libc::read(reader.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
                if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                let (lock, cv) = &*shared;
                let mut s = lock.lock().expect("screen lock");
                if n <= 0 {
                    s.closed = true;
                    cv.notify_all();
                    return;
                }
                s.bytes.extend_from_slice(&buf[..n as usize]);
                cv.notify_all();
            }
        });
        Ok(Terminal { master: Some(pty.master), child, screen, stop, cursor: 0 })
    }

    /// Types `bytes`.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let fd = self.master.as_ref().ok_or_else(|| io::Error::other("the terminal is closed"))?;
        let mut rest = bytes;
        while !rest.is_empty() {
            // SAFETY: a live slice of its length.
            let n = unsafe { libc::write(fd.as_raw_fd(), rest.as_ptr().cast(), rest.len()) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            rest = &rest[n as usize..];
        }
        Ok(())
    }

    /// Waits up to `timeout` for `pattern` in what arrived since the last
    /// match; returns the text up to and including the match.
    pub fn expect(&mut self, pattern: &Pattern, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.screen;
        let mut s = lock.lock().expect("screen lock");
        loop {
            let seen = &s.bytes[self.cursor..];
            let found = match pattern {
                Pattern::Text(t) => find(seen, t.as_bytes()).map(|at| at + t.len()),
                Pattern::Regex(r) => r.find(seen).map(|m| m.end()),
            };
            if let Some(end) = found {
                let text = String::from_utf8_lossy(&seen[..end]).into_owned();
                self.cursor += end;
                return Ok(text);
            }
            let now = Instant::now();
            if s.closed || now >= deadline {
                let why = if s.closed { "the terminal closed" } else { "timed out" };
                return Err(format!(
                    "{why} waiting for {pattern:?}; since the last match it showed {:?}",
                    String::from_utf8_lossy(seen)
                ));
            }
            s = cv.wait_timeout(s, deadline - now).expect("screen lock").0;
        }
    }

    /// Sets the window size (the program gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) -> io::Result<()> {
        let fd = self.master.as_ref().ok_or_else(|| io::Error::other("the terminal is closed"))?;
        let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: TIOCSWINSZ reads one live winsize.
        if unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCSWINSZ, &ws) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Closes the terminal's master side: the program's session is hung up.
    /// (What the program writes after that is not kept.)
    pub fn hang_up(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.master.take();
    }

    /// Waits up to `timeout` for the program to end.
    pub fn wait(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Ok(st);
            }
            if Instant::now() >= deadline {
                return Err(format!("still running after {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits up to `timeout` until the program's side of the terminal is
    /// closed and everything it wrote has been read.
    pub fn drain(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.screen;
        let mut s = lock.lock().expect("screen lock");
        while !s.closed {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            s = cv.wait_timeout(s, deadline - now).expect("screen lock").0;
        }
    }

    /// Everything the program showed so far.
    pub fn transcript(&self) -> Vec<u8> {
        self.screen.0.lock().expect("screen lock").bytes.clone()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}
