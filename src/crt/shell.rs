//! Running a shell command: popen, pclose, system.
//!
//! Both start `/bin/sh -c COMMAND` (whatever program is registered there)
//! as a child task, the way the C library builds them from fork and exec:
//! the runtime's spawn is that fork + exec in one step.
//!
//! "popen: the child's standard output (mode r) or input (mode w) is the
//! pipe; streams from earlier popen calls that remain open in the parent
//! are closed in the child. pclose waits for the child and returns its
//! wait status" (popen(3), pclose(3)). "system: SIGCHLD is blocked, SIGINT
//! and SIGQUIT ignored in the caller while the command runs; a NULL command
//! asks whether a shell is available; if no shell can run, the status is
//! that of a child that did exit(127)" (system(3)).

use std::ffi::{CStr, CString};

use crate::crt::stdio;
use crate::crt::stdio::stream::{Backend, Stream, F_READ, F_WRITE};
use crate::kernel::fd::{ops as fdops, pipe};
use crate::kernel::signal::{deliver, Action, MaskHow, SigSet};
use crate::kernel::task::exec::{self, Resolved};
use crate::kernel::task::spawn::{self, Attrs, FileAction};
use crate::kernel::task::wait::{self, status, Options, Which};
use crate::kernel::task::{current, thread, Pid, Task};
use crate::kernel::{Errno, KResult};

/// The shell every command runs under (`_PATH_BSHELL`).
pub const SHELL: &CStr = c"/bin/sh";

fn shell_command(task: &Task, command: &CStr) -> KResult<Resolved> {
    let argv = vec![CString::from(c"sh"), CString::from(c"-c"), command.to_owned()];
    exec::resolve(task, SHELL, argv)
}

fn environment() -> Vec<CString> {
    thread::with_image(|img| img.env.to_vec())
}

/// popen(3).
pub fn popen(command: &CStr, mode: &CStr) -> KResult<*mut Stream> {
    // glibc's rule: exactly one of r and w, optionally e, nothing else.
    let (mut read, mut write, mut cloexec) = (false, false, false);
    for &c in mode.to_bytes() {
        match c {
            b'r' => read = true,
            b'w' => write = true,
            b'e' => cloexec = true,
            _ => return Err(Errno::EINVAL),
        }
    }
    if read == write {
        return Err(Errno::EINVAL);
    }
    let reading = read;
    let task = current();
    let [r, w] = pipe::pipe2(task, libc::O_CLOEXEC)?;
    let (mine, theirs, target) = if reading { (r, w, 1) } else { (w, r, 0) };
    let outcome = (|| {
        let mut actions: Vec<FileAction> = stdio::popen_fds().into_iter().map(FileAction::Close).collect();
        actions.push(FileAction::Dup2 { from: theirs, to: target });
        let resolved = shell_command(task, command)?;
        let pid = spawn::spawn(task, resolved, &actions, &Attrs::default(), environment())?;
        if !cloexec {
            // SAFETY: F_SETFD takes an integer argument.
            unsafe { fdops::fcntl(task, mine, libc::F_SETFD, 0) }?;
        }
        let mut s = Stream::new(Backend::Fd(mine), if reading { F_READ } else { F_WRITE });
        s.pid = pid;
        stdio::add(s).inspect_err(|_| {
            let _ = reap(pid);
        })
    })();
    let _ = fdops::close(task, theirs);
    if outcome.is_err() {
        let _ = fdops::close(task, mine);
    }
    outcome
}

/// Waits for `pid`, through interruptions (their handlers run, and the
/// wait goes on, as glibc's loop on EINTR does); returns its wait status.
fn reap(pid: Pid) -> KResult<i32> {
    loop {
        // Looked up on each turn: a handler run below may fork.
        match wait::wait(current(), Which::Pid(pid), Options::default()) {
            Ok(Some(c)) => return Ok(c.status),
            Ok(None) => return Err(Errno::ECHILD),
            Err(Errno::EINTR) => {
                deliver::deliver_now();
            }
            Err(e) => return Err(e),
        }
    }
}

/// pclose(3): closes the stream, then waits for its command. A stream that
/// popen did not make is just closed (glibc).
///
/// # Safety
/// `s` must be a live stream of the calling task; it is dead afterwards.
pub unsafe fn pclose(s: *mut Stream) -> KResult<i32> {
    // SAFETY: per the caller.
    let pid = unsafe { (*s).pid };
    // SAFETY: per the caller.
    let closed = unsafe { stdio::open::fclose(s) };
    if pid == 0 {
        return closed.map(|()| 0);
    }
    reap(pid)
}

/// system(3).
pub fn system(command: Option<&CStr>) -> KResult<i32> {
    let task = current();
    let Some(command) = command else {
        return Ok(shell_command(task, c"exit 0").is_ok() as i32);
    };
    // The caller ignores SIGINT and SIGQUIT and blocks SIGCHLD while it
    // waits; the child gets back the caller's mask and, unless the caller
    // ignored them, the default SIGINT and SIGQUIT.
    let mut chld = SigSet::EMPTY;
    chld.add(libc::SIGCHLD);
    let (old_mask, old_int, old_quit) = task.with_signals(|s| {
        let old_mask = s.change_mask(MaskHow::Block, chld);
        let ignore = Action { handler: libc::SIG_IGN, ..Action::DEFAULT };
        let int = s.set_action(libc::SIGINT, ignore).unwrap_or(Action::DEFAULT);
        let quit = s.set_action(libc::SIGQUIT, ignore).unwrap_or(Action::DEFAULT);
        (old_mask, int, quit)
    });
    let mut sigdefault = SigSet::EMPTY;
    for (sig, old) in [(libc::SIGINT, old_int), (libc::SIGQUIT, old_quit)] {
        if old.handler != libc::SIG_IGN {
            sigdefault.add(sig);
        }
    }
    let attrs = Attrs {
        flags: libc::POSIX_SPAWN_SETSIGMASK | libc::POSIX_SPAWN_SETSIGDEF,
        sigmask: old_mask,
        sigdefault,
        ..Attrs::default()
    };
    let started = shell_command(task, command).and_then(|r| spawn::spawn(task, r, &[], &attrs, environment()));
    let result = match started {
        Ok(pid) => reap(pid),
        Err(_) => Ok(status::exited(127)),
    };
    task.with_signals(|s| {
        let _ = s.set_action(libc::SIGINT, old_int);
        let _ = s.set_action(libc::SIGQUIT, old_quit);
        s.change_mask(MaskHow::Set, old_mask);
    });
    result
}
