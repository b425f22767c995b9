//! fork(2): a new task whose image is a copy of the caller's.
//!
//! "The child process is created with a single thread; the entire virtual
//! address space of the parent is replicated in the child; the child
//! inherits copies of the parent's set of open file descriptors; the
//! child's set of pending signals is initially empty" (fork(2)).
//!
//! The image is what must be replicated: the guest stack from the fork point
//! up, the arena (the whole heap, allocator state included) and the
//! program's per-task globals. The parent takes an idle task thread, maps a
//! stack and an arena for the child, copies the three kinds of ranges,
//! relocates every word that points into one of them (`mem::reloc`) and the
//! pointers the runtime keeps for the image (environ, atexit arguments,
//! argv), and hands the image to the thread, which resumes at its copy of
//! the frame `tvm_fork` pushed, where fork returns 0. Objects the host C
//! library allocated for the parent (compiled regexes) are not copied: the
//! child takes a reference to each (`crt::hostobj`).
//!
//! The child's globals are found from its thread pointer: guest globals are
//! thread-locals of the executable itself (static TLS, initial-exec model),
//! which sit at the same offset from the thread pointer in every thread.
//! Pointers into the parent thread's whole static TLS block (a cached
//! `&errno`, say) move to the child thread's (`mem::tls`). Where the
//! compiler emulates thread-locals (`mem::emutls`), the globals are arena
//! memory instead, and the arena's copy carries them.

use std::sync::Arc;

use super::image::Image;
use super::table::{self, Proc, ProcState};
use super::thread::{self, with_image, Job};
use super::{Pid, Task, Usage};
use crate::arch;
use crate::kernel::{Errno, KResult};
use crate::mem::reloc::Relocator;
use crate::mem::{self, Arena, GuestStack};

/// Creates a child of `parent`, copying the image whose `tvm_fork` frame
/// starts at `frame`. Returns the child's pid (the child returns 0 from its
/// copy of the frame).
pub fn fork(parent: &Task, frame: usize) -> KResult<Pid> {
    let errno = Errno::last_raw();
    if let Some(name) = with_image(|img| img.program.units.is_none().then(|| img.program.name.clone())) {
        // A child would share every global with its parent: refuse, loudly.
        let msg = format!(
            "forkless: fork: {name} was registered without its globals table, so a child cannot get its own \
             copy of them; build it through the guest build (docs/guest-build.md)\n"
        );
        let _ = crate::kernel::fd::ops::write(parent, 2, msg.as_bytes());
        return Err(Errno::ENOSYS);
    }
    let worker = thread::worker()?;
    let built = with_image(|img| build_child(img, frame, worker.tp));
    let (image, cframe) = match built {
        Ok(b) => b,
        Err(e) => {
            worker.release();
            return Err(e);
        }
    };
    let files = parent.files.lock().clone();
    let fs = parent.fs.lock().clone();
    let signals = parent.signals.lock().for_child();
    let limits = *parent.limits.lock();
    let made = (|| {
        let mut t = table::lock();
        let me = t.get(parent.pid).ok_or(Errno::ESRCH)?;
        let (pgid, sid, shown, ctty) = (me.pgid, me.sid, me.shown.clone(), me.ctty.clone());
        // A signal that reached the parent during the fork (one sent to its
        // whole group, say) must not miss the child: as Linux does, the
        // fork is undone and restarted after delivery (the caller sees
        // EINTR and restarts). Signals are sent under this lock, so a later
        // one finds the child in the table.
        if parent.sig_hint.load(std::sync::atomic::Ordering::Acquire) {
            return Err(Errno::EINTR);
        }
        let pid = t.alloc_child_pid(&limits, sid)?;
        let task = Arc::new(Task::new(pid, files, fs, signals, limits)?);
        t.insert(Proc {
            task: task.clone(),
            ppid: parent.pid,
            pgid,
            sid,
            state: ProcState::Running,
            did_exec: false,
            shown,
            started: super::shown::boot_ticks(),
            children_usage: Usage::default(),
            stopped: false,
            report: None,
            ctty,
        });
        Ok(task)
    })();
    match made {
        Ok(task) => {
            let pid = task.pid;
            // The child shares the parent's host C library objects.
            crate::crt::hostobj::on_fork(parent.pid, pid);
            worker.run(Job::Resume(task, image, cframe, errno));
            Ok(pid)
        }
        Err(e) => {
            worker.release();
            Err(e)
        }
    }
}

/// Builds a child image from `p` (the caller's image, whose `tvm_fork` frame
/// is at `frame`) for the thread whose thread pointer is `child_tp`.
/// Returns the image and the child's copy of the frame.
fn build_child(p: &Image, frame: usize, child_tp: usize) -> KResult<(Image, *mut u8)> {
    let stack = GuestStack::new(p.stack.size()).map_err(|_| Errno::ENOMEM)?;
    let spans = p.arena.live_spans();
    let arena = Arena::child_of(&p.arena, &spans).map_err(|_| Errno::ENOMEM)?;
    let ptop = p.stack.top() as usize;
    let len = ptop - frame;
    let cframe = stack.top() as usize - len;
    // Each parent region (start, bytes used) beside the child's copy.
    type Region = (*mut u8, usize);
    let regions: Vec<(Region, Region)> = p.arena.regions().zip(arena.regions()).collect();
    let tls_delta = child_tp.wrapping_sub(arch::thread_pointer());

    let mut r = Relocator::new();
    r.add(frame, len, cframe);
    for &((pbase, used), (cbase, _)) in &regions {
        r.add(pbase as usize, used, cbase as usize);
    }
    // SAFETY: each getter returns this (the parent's) thread's address.
    let globals: Vec<(usize, usize)> = if cfg!(forkless_emutls) {
        Vec::new() // in the arena
    } else {
        p.program.globals().map(|g| (unsafe { (g.addr)() } as usize, g.size)).collect()
    };
    // Pointers into this thread's static TLS (the guest globals, errno and
    // other host C library thread-locals) move to the child thread's.
    let (tls, tls_len) = mem::tls::static_block(arch::thread_pointer());
    r.add(tls, tls_len, tls.wrapping_add(tls_delta));
    for &(from, size) in &globals {
        if from < tls || from + size > tls + tls_len {
            r.add(from, size, from.wrapping_add(tls_delta));
        }
    }
    // SAFETY: every source is live parent memory (its stack above the frame,
    // the arena's live spans, its globals); every destination is the child's
    // memory of the same size and alignment (its new stack and arena, and
    // its thread's copies of the globals, idle until it receives the image).
    unsafe {
        r.copy(cframe as *mut u8, frame as *const u8, len);
        for &(i, off, len) in &spans {
            let ((pbase, _), (cbase, _)) = regions[i];
            r.copy(cbase.add(off), pbase.add(off), len);
        }
        for &(from, size) in &globals {
            r.copy(from.wrapping_add(tls_delta) as *mut u8, from as *const u8, size);
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
        crt: r.map(p.crt as usize) as *mut std::ffi::c_void,
        globals: r.map(p.globals as usize) as *mut std::ffi::c_void,
    };
    Ok((image, cframe as *mut u8))
}
