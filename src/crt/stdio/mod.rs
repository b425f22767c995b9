//! Per-task stdio: the task's streams, its stdin/stdout/stderr, and
//! flushing them all (at `exit`, for `fflush(NULL)`).
//!
//! Streams are [`Stream`] blocks in the task's arena, linked in a list the
//! state keeps; a `FILE *` the guest holds is a pointer to one. Every entry
//! point checks the pointer first ([`check`]): a pointer outside the arena,
//! misaligned, or to a closed stream is EBADF, never a crash. The three
//! standard streams are made on first use, on descriptors 0, 1 and 2.

pub mod busy;
pub mod memory;
pub mod open;
pub mod stream;

use std::ffi::c_int;
use std::ptr;

pub use stream::Stream;
use stream::{Backend, F_READ, F_STD, F_WRITE, MAGIC};

use crate::kernel::fd::ops as fdops;
use crate::kernel::signal::deliver::restarting;
use crate::kernel::{Errno, KResult};

/// The task's streams.
#[repr(C)]
pub struct StdioState {
    /// stdin, stdout, stderr (what the guest's `stdin` macro reads; the
    /// guest may assign them).
    pub std: [*mut Stream; 3],
    /// Every open stream, newest first.
    pub head: *mut Stream,
    pub std_made: bool,
    /// Streams that interrupted operations are using.
    pub busy: busy::BusyState,
}

/// The calling task's stdio state, with its standard streams made.
fn state() -> KResult<*mut StdioState> {
    let st = crate::crt::state()?;
    // SAFETY: the block is the calling task's, touched only by its thread.
    let s = unsafe { &raw mut (*st).stdio };
    // SAFETY: as above.
    if !unsafe { (*s).std_made } {
        let flags = [F_READ, F_WRITE, F_WRITE];
        for (fd, f) in flags.into_iter().enumerate() {
            let p = link(s, Stream::new(Backend::Fd(fd as c_int), f | F_STD))?;
            if fd == 2 {
                // SAFETY: just made.
                unsafe { (*p).mode = libc::_IONBF };
            }
            // SAFETY: as above.
            unsafe { (*s).std[fd] = p };
        }
        // SAFETY: as above.
        unsafe { (*s).std_made = true };
    }
    Ok(s)
}

/// Where the guest's `stdin` (0), `stdout` (1) or `stderr` (2) is kept.
pub fn std_location(which: usize) -> KResult<*mut *mut Stream> {
    let s = state()?;
    // SAFETY: `which` < 3 (checked by the caller); the block is live.
    Ok(unsafe { &raw mut (*s).std[which] })
}

/// Stores a new stream in the arena and links it into the task's list.
fn link(s: *mut StdioState, stream: Stream) -> KResult<*mut Stream> {
    let p = crate::crt::alloc(std::mem::size_of::<Stream>())?.cast::<Stream>();
    // SAFETY: a fresh block of the right size; `s` is the live state.
    unsafe {
        p.write(stream);
        (*p).next = (*s).head;
        (*s).head = p;
    }
    Ok(p)
}

/// Registers a new stream of the calling task.
pub fn add(stream: Stream) -> KResult<*mut Stream> {
    link(state()?, stream)
}

/// Unlinks `p` from the task's list and frees it (a standard stream's
/// block stays, marked closed).
///
/// # Safety
/// `p` must be a stream of the calling task that is being closed.
pub unsafe fn remove(p: *mut Stream) {
    let Ok(s) = state() else { return };
    // SAFETY: the list holds live streams of this task.
    unsafe {
        let mut at = &raw mut (*s).head;
        while !(*at).is_null() {
            if *at == p {
                *at = (*p).next;
                break;
            }
            at = &raw mut (**at).next;
        }
        (*p).magic = 0;
        if (*p).flags & F_STD == 0 {
            crate::crt::free(p.cast());
        }
    }
}

/// What a guest `FILE *` names.
pub enum Target {
    Live(&'static mut Stream),
    /// A stream that an interrupted operation is using (`busy.rs`), with
    /// its descriptor (-1 for a memory stream).
    Busy(*mut Stream, c_int),
}

/// The stream a guest `FILE *` names: EBADF unless it points at a live
/// stream of the calling task. The reference is for the duration of one
/// runtime call (the stream lives until the guest closes it).
pub fn target(f: *mut libc::FILE) -> KResult<Target> {
    let p = f.cast::<Stream>();
    if p.is_null() || !p.is_aligned() || !crate::crt::in_arena(p.cast(), std::mem::size_of::<Stream>()) {
        return Err(Errno::EBADF);
    }
    if let Some(fd) = busy::fd_of(p) {
        return Ok(Target::Busy(p, fd));
    }
    // SAFETY: the block lies in the task's arena, aligned; a live stream
    // carries MAGIC (the runtime wrote it; fclose clears it). No other
    // reference to it is live: it is not busy.
    unsafe {
        if ptr::read(&raw const (*p).magic) != MAGIC {
            return Err(Errno::EBADF);
        }
        Ok(Target::Live(&mut *p))
    }
}

/// [`target`] for calls that need the stream itself: one that an
/// interrupted operation is using gives EAGAIN (`busy.rs`).
pub fn check(f: *mut libc::FILE) -> KResult<&'static mut Stream> {
    match target(f)? {
        Target::Live(s) => Ok(s),
        Target::Busy(..) => Err(Errno::EAGAIN),
    }
}

/// Writes `bytes` to the stream `f` names: through the stream, or, if an
/// interrupted operation is using it, straight to its descriptor.
pub fn write(f: *mut libc::FILE, bytes: &[u8]) -> KResult<usize> {
    match target(f)? {
        Target::Live(s) => s.write(bytes),
        Target::Busy(_, fd) if fd >= 0 => {
            let mut rest = bytes;
            while !rest.is_empty() {
                let n = restarting(|task| fdops::write(task, fd, rest))?;
                if n == 0 {
                    return Err(Errno::EIO);
                }
                rest = &rest[n..];
            }
            Ok(bytes.len())
        }
        Target::Busy(..) => Err(Errno::EAGAIN),
    }
}

/// Visits every open stream of the task (while `f` returns true).
fn for_each(mut f: impl FnMut(&mut Stream) -> bool) {
    let Ok(st) = crate::crt::state() else { return };
    // SAFETY: the task's own list of live streams.
    let mut p = unsafe { (*st).stdio.head };
    while !p.is_null() {
        // SAFETY: as above; `next` is read before `f` may change anything.
        let next = unsafe { (*p).next };
        // A stream that an interrupted operation is using is left to it.
        if !busy::is_busy(p) {
            // SAFETY: as above; no other reference to it is live.
            if !f(unsafe { &mut *p }) {
                return;
            }
        }
        p = next;
    }
}

/// fflush(NULL): writes out every stream's pending output. Fails (EOF,
/// errno set) if any stream failed.
pub fn flush_all() -> KResult<()> {
    let mut result = Ok(());
    for_each(|s| {
        if s.wlen > 0 {
            if let Err(e) = s.flush_out() {
                result = Err(e);
            }
        }
        true
    });
    result
}

/// At exit: flushes the task's streams if it ever used stdio.
pub fn flush_at_exit() {
    let has_state = crate::kernel::task::thread::with_image(|img| !img.crt.is_null());
    if has_state {
        let _ = flush_all();
    }
}

/// Before a read that may block on a line-buffered or unbuffered stream
/// (`reader`): a line-buffered stdout is flushed (glibc's rule), so prompts
/// appear.
pub fn flush_line_buffered_stdout(reader: *const Stream) {
    let Ok(s) = state() else { return };
    // SAFETY: the task's state; stdout may have been closed or replaced.
    let out = unsafe { (*s).std[1] };
    if std::ptr::eq(out, reader) {
        return;
    }
    if let Ok(out) = check(out.cast()) {
        if out.mode == libc::_IOLBF && out.wlen > 0 {
            let _ = out.flush_out();
        }
    }
}

/// The descriptors of the task's `popen` streams (a new popen child closes
/// them, as POSIX requires).
pub fn popen_fds() -> Vec<c_int> {
    let mut fds = Vec::new();
    for_each(|s| {
        if s.pid != 0 {
            fds.extend(s.fd());
        }
        true
    });
    fds
}
