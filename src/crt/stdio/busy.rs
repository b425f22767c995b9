//! Streams in the middle of a blocking read or write, as seen by the signal
//! handlers that run during it.
//!
//! A blocking step of a stream (`fgets` waiting on a pipe) runs the task's
//! signal handlers when a signal interrupts it, the way a kernel does
//! during the `read` under glibc's `fgets`. The stream operation is then
//! still in progress, with its buffer and positions in flux; a handler
//! that used the same `FILE` would find them half-changed, and one that
//! closed it would free them under the operation. stdio is not
//! async-signal-safe, but a program that does it must not corrupt
//! memory or lose output. So while the step waits, the stream is listed
//! here, and a handler's call on it is served without touching it:
//!
//! - writes (`fwrite`, `fputs`, `printf`, ...) go straight to the
//!   descriptor, unbuffered, so nothing is lost;
//! - `fclose` is deferred: it returns 0 and the stream is closed when the
//!   interrupted operation has returned (`close_deferred`);
//! - `fflush` has nothing it may write and returns 0; `fileno` answers;
//! - anything else (reads, seeks, `setvbuf`, ...) fails with EAGAIN.
//!
//! A handler may also leave with `siglongjmp`, abandoning the operation:
//! each entry records an address in the operation's frame, and `longjmp`
//! drops the entries below the stack pointer it returns to
//! ([`abandon_below`]).

use std::ffi::c_int;
use std::ptr;

use super::Stream;

/// How many stream operations may wait at once, nested in handlers.
const MAX_BUSY: usize = 8;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Busy {
    stream: *mut Stream,
    fd: c_int,
    /// An address in the operation's frame.
    frame: usize,
}

/// The task's waiting stream operations and deferred closes (part of
/// `StdioState`; all-zero is empty).
#[repr(C)]
pub struct BusyState {
    busy: [Busy; MAX_BUSY],
    nbusy: usize,
    closing: [*mut Stream; MAX_BUSY],
    nclosing: usize,
}

/// The task's state, if it has used stdio (never creates it: `longjmp`
/// calls this too).
fn state() -> Option<*mut BusyState> {
    let crt = crate::kernel::task::thread::with_image(|img| img.crt).cast::<crate::crt::CrtState>();
    // SAFETY: the block is the calling task's, touched only by its thread.
    (!crt.is_null()).then(|| unsafe { &raw mut (*crt).stdio.busy })
}

/// An address in the caller's frame.
#[inline(never)]
fn frame_here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&raw const marker) as usize
}

/// Drops the entries of operations whose frames a `longjmp` to stack
/// pointer `sp` abandons (the stack grows down: they lie below it).
pub fn abandon_below(sp: usize) {
    let Some(b) = state() else { return };
    // SAFETY: the task's own state; no other reference to it is live.
    let b = unsafe { &mut *b };
    while b.nbusy > 0 && b.busy[b.nbusy - 1].frame < sp {
        b.nbusy -= 1;
    }
}

/// Marks `stream` as waiting in a blocking step until the guard drops.
/// The guard must live in the frame of the step (its address is recorded).
pub struct Waiting(bool);

pub fn waiting(stream: *mut Stream, fd: c_int) -> Waiting {
    let Some(b) = state() else { return Waiting(false) };
    // SAFETY: the task's own state; no other reference to it is live.
    let b = unsafe { &mut *b };
    if b.nbusy == MAX_BUSY {
        return Waiting(false);
    }
    b.busy[b.nbusy] = Busy { stream, fd, frame: frame_here() };
    b.nbusy += 1;
    Waiting(true)
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.0 {
            return;
        }
        let Some(b) = state() else { return };
        // SAFETY: as in `waiting`.
        let b = unsafe { &mut *b };
        b.nbusy = b.nbusy.saturating_sub(1);
    }
}

/// The descriptor of `stream` if an interrupted operation is using it.
pub fn fd_of(stream: *const Stream) -> Option<c_int> {
    let b = state()?;
    // SAFETY: as in `waiting`.
    let b = unsafe { &*b };
    b.busy[..b.nbusy].iter().find(|e| ptr::eq(e.stream, stream)).map(|e| e.fd)
}

/// Whether `stream` is in use by an interrupted operation.
pub fn is_busy(stream: *const Stream) -> bool {
    fd_of(stream).is_some()
}

/// Records that `stream` is to be closed once its operation returns.
/// False if too many closes wait already (the caller then fails).
pub fn defer_close(stream: *mut Stream) -> bool {
    let Some(b) = state() else { return false };
    // SAFETY: as in `waiting`.
    let b = unsafe { &mut *b };
    if b.closing[..b.nclosing].contains(&stream) {
        return true;
    }
    if b.nclosing == MAX_BUSY {
        return false;
    }
    b.closing[b.nclosing] = stream;
    b.nclosing += 1;
    true
}

/// Closes the deferred streams whose operations have returned. Called
/// after every stream call, when no reference to a stream is held.
pub fn close_deferred() {
    loop {
        let Some(b) = state() else { return };
        let next = {
            // SAFETY: as in `waiting`; the borrow ends before fclose runs.
            let b = unsafe { &mut *b };
            if b.nclosing == 0 {
                return;
            }
            let Some(i) = (0..b.nclosing).find(|&i| !b.busy[..b.nbusy].iter().any(|e| e.stream == b.closing[i])) else {
                return;
            };
            let s = b.closing[i];
            b.closing[i] = b.closing[b.nclosing - 1];
            b.nclosing -= 1;
            s
        };
        if super::check(next.cast()).is_ok() {
            // SAFETY: a live stream of this task that the guest closed.
            let _ = unsafe { super::open::fclose(next) };
        }
    }
}
