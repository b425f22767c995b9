//! fork(2): a new task whose image is a copy of the caller's.
//!
//! "The child process is created with a single thread; the entire virtual
//! address space of the parent is replicated in the child; the child
//! inherits copies of the parent's set of open file descriptors; the
//! child's set of pending signals is initially empty" (fork(2)).
//!
//! The image is what must be replicated: the guest stack from the fork point
//! up, the arena (the whole heap, allocator state included) and the
//! program's per-task globals. A child thread maps a stack and an arena of
//! its own, copies the three kinds of ranges from the parent (which waits in
//! `fork`), relocates every word that points into one of them
//! (`mem::reloc`), relocates the pointers the runtime keeps for the image
//! (environ, atexit arguments, argv), then resumes at its copy of the frame
//! `tvm_fork` pushed, where fork returns 0. The parent gets the child's pid
//! once the copy is complete.

use std::sync::{mpsc, Arc};

use super::image::Image;
use super::table::{self, Proc, ProcState};
use super::thread::{self, with_image, Start};
use super::{Pid, Task, Usage};
use crate::kernel::{Errno, KResult};
use crate::mem::reloc::Relocator;
use crate::mem::{Arena, GuestStack};

/// What a fork child's thread needs from its parent.
pub struct ForkStart {
    /// The parent's image; readable while the parent waits in `fork`.
    parent: *const Image,
    /// Lowest address of the `tvm_fork` frame on the parent's stack.
    frame: usize,
    /// The parent's globals: address and size, in the program's order.
    globals: Vec<(usize, usize)>,
    errno: i32,
    done: mpsc::Sender<KResult<()>>,
}

// SAFETY: the raw pointer refers to the parent's image, which its thread
// keeps alive and untouched while it waits for `done`.
unsafe impl Send for ForkStart {}

impl ForkStart {
    /// The parent's errno at the fork, which the child starts with.
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// Tells the waiting parent whether the child could be built.
    pub fn report(&self, r: KResult<()>) {
        let _ = self.done.send(r);
    }
}

/// Creates a child of `parent`, copying the image whose `tvm_fork` frame
/// starts at `frame`. Returns the child's pid (the child returns 0 from its
/// copy of the frame).
pub fn fork(parent: &Task, frame: usize) -> KResult<Pid> {
    let errno = Errno::last_raw();
    let (image, globals) = with_image(|img| {
        let globals = img
            .program
            .globals()
            // SAFETY: the getter returns this thread's address of the global.
            .map(|g| (unsafe { (g.addr)() } as usize, g.size))
            .collect::<Vec<_>>();
        (img as *const Image, globals)
    });
    let files = parent.files.lock().clone();
    let fs = parent.fs.lock().clone();
    let signals = parent.signals.lock().for_child();
    let limits = *parent.limits.lock();
    let task = {
        let mut t = table::lock();
        let me = t.get(parent.pid).ok_or(Errno::ESRCH)?;
        let (pgid, sid, cmdline) = (me.pgid, me.sid, me.cmdline.clone());
        let pid = t.alloc_pid()?;
        let task = Arc::new(Task::new(pid, files, fs, signals, limits)?);
        t.insert(Proc {
            task: task.clone(),
            ppid: parent.pid,
            pgid,
            sid,
            state: ProcState::Running,
            did_exec: false,
            cmdline,
            children_usage: Usage::default(),
        });
        task
    };
    let pid = task.pid;
    let (done, report) = mpsc::channel();
    let start = ForkStart { parent: image, frame, globals, errno, done };
    let result = match thread::spawn_thread(task, Start::Fork(start)) {
        Ok(()) => report.recv().unwrap_or(Err(Errno::EAGAIN)),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        table::lock().reap(pid);
        return Err(e);
    }
    Ok(pid)
}

/// Builds the child's image from the waiting parent's (runs on the child's
/// thread). Returns the image and the child's copy of the fork frame.
pub(crate) fn build_child(f: &ForkStart) -> KResult<(Image, *mut u8)> {
    // SAFETY: the parent waits in `fork` until `report`, keeping its image
    // alive and unchanged.
    let p = unsafe { &*f.parent };
    let stack = GuestStack::new(p.stack.size()).map_err(|_| Errno::ENOMEM)?;
    let arena = Arena::child_of(&p.arena).map_err(|_| Errno::ENOMEM)?;
    let ptop = p.stack.top() as usize;
    let len = ptop - f.frame;
    let cframe = stack.top() as usize - len;
    let (pbase, used) = p.arena.used();
    let (cbase, _) = arena.used();

    let mut r = Relocator::new();
    r.add(f.frame, len, cframe);
    r.add(pbase as usize, used, cbase as usize);
    // SAFETY: each getter returns this (the child's) thread's address.
    let child_globals: Vec<usize> = p.program.globals().map(|g| unsafe { (g.addr)() } as usize).collect();
    for (&(from, size), &to) in f.globals.iter().zip(&child_globals) {
        r.add(from, size, to);
    }
    // SAFETY: every source is live parent memory (stack above the frame,
    // the arena's used part, the parent's globals) and every destination
    // is the child's memory of the same size and alignment.
    unsafe {
        r.copy(cframe as *mut u8, f.frame as *const u8, len);
        r.copy(cbase, pbase, used);
        for (&(from, size), &to) in f.globals.iter().zip(&child_globals) {
            r.copy(to as *mut u8, from as *const u8, size);
        }
    }
    let image = Image {
        program: p.program.clone(),
        stack,
        arena,
        env: p.env.relocated(&r),
        atexit: p.atexit.iter().map(|a| a.relocated(&r)).collect(),
        argc: p.argc,
        argv: r.map(p.argv as usize) as *mut *mut std::ffi::c_char,
    };
    Ok((image, cframe as *mut u8))
}
