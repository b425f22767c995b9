//! The host threads that run task images.
//!
//! Life of an image on a thread:
//! 1. get the image: build a fresh program's (argv and environment copies;
//!    for exec, only once the previous image's thread is done), or receive a
//!    fork child's, which the forking parent built;
//! 2. switch to the image's stack: call the program's `main` after its
//!    globals' initializers, or resume the fork child where the parent called
//!    `fork`;
//! 3. leave the guest stack for good through [`terminate`] (exit, `_exit`,
//!    return from `main`, a successful exec), back on the host stack;
//! 4. free the image and drop its references to host C library objects
//!    (`crt::hostobj`), then either finish the task (exit) or let the next
//!    image's thread start (exec).
//!
//! Threads whose image ended wait in a small pool and serve the next
//! image: a fork child's globals are all copied from the parent, a new
//! program's are set to their initial values from the executable's TLS
//! image, as a new thread would have them. That keeps thread creation off
//! the paths of fork and exec. A thread holds the pages of one program's
//! globals at a time (docs/memory.md).

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use super::image::Image;
use super::{exit, set_current, Task, Usage};
use crate::arch::{self, ExitContext};
use crate::kernel::signal::host;
use crate::kernel::{Errno, KResult};
use crate::programs::{tls_layout, Program};

/// Host stack of a task thread: only runtime code runs on it (the guest has
/// its own stack), so it can be small.
const HOST_STACK_SIZE: usize = 256 << 10;
/// Idle threads kept for fork children, and how long one waits for work.
const MAX_IDLE: usize = 16;
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a new image runs.
#[derive(Debug)]
pub struct ProgramStart {
    pub program: Arc<Program>,
    pub argv: Vec<CString>,
    pub envp: Vec<CString>,
}

/// Work for a task thread.
pub(crate) enum Job {
    /// A program's `main`; with a gate (exec), only once it opens.
    Program(Arc<Task>, ProgramStart, Option<mpsc::Receiver<()>>),
    /// A fork child: its image, its copy of the fork frame, its errno.
    Resume(Arc<Task>, Image, *mut u8, i32),
}

// SAFETY: the frame pointer refers into the image's own stack, which moves
// to the receiving thread together with the image.
unsafe impl Send for Job {}

/// How an image ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The task terminated with this wait status.
    Exit(i32),
    /// The task exec'd; release the next image's thread once this one is gone.
    Exec(mpsc::Sender<()>),
}

/// Per-thread state of the running image.
struct RunState {
    exit_ctx: ExitContext,
    outcome: Option<Outcome>,
    image: RefCell<Image>,
}

thread_local! {
    static RUN: std::cell::Cell<*mut RunState> = const { std::cell::Cell::new(std::ptr::null_mut()) };
    /// The lowest stack address at which a runtime call may start (the
    /// guest stack's bottom plus `RUNTIME_HEADROOM`); 0 outside an image.
    static STACK_FLOOR: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Guest stack the runtime keeps for its own calls. Runtime code runs on
/// the guest's stack; a guest that recursed to within this much of its
/// guard page gets SIGSEGV when it next calls the runtime, as it would
/// have a little later from the guard page itself, and no runtime code
/// ever overflows the stack (with a runtime lock held, that could not be
/// contained).
pub const RUNTIME_HEADROOM: usize = 128 << 10;

/// The lowest stack address at which a runtime call may start on the
/// calling thread's guest stack (0 outside an image).
pub fn stack_floor() -> usize {
    STACK_FLOOR.with(|f| f.get())
}

/// Whether the calling thread is running a guest whose stack is within
/// [`RUNTIME_HEADROOM`] of its end.
#[inline]
pub fn stack_exhausted() -> bool {
    let here = 0u8;
    let sp = std::ptr::addr_of!(here) as usize;
    STACK_FLOOR.with(|f| sp < f.get())
}

#[derive(Default)]
struct Mailbox {
    job: Mutex<Option<Job>>,
    ready: Condvar,
}

/// An idle task thread, reserved by whoever holds this.
pub(crate) struct Worker {
    /// Its thread pointer (where its thread-locals are).
    pub tp: usize,
    mailbox: Arc<Mailbox>,
}

static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

impl Worker {
    /// Hands the worker its job.
    pub fn run(self, job: Job) {
        *self.mailbox.job.lock() = Some(job);
        self.mailbox.ready.notify_one();
    }

    /// Gives an unused worker back to the pool.
    pub fn release(self) {
        let mut idle = IDLE.lock();
        if idle.len() < MAX_IDLE {
            idle.push(self);
        } else {
            drop(idle);
            // An empty mailbox that is never filled: the thread times out.
        }
    }
}

fn spawn_host_thread(name: String, body: impl FnOnce() + Send + 'static) -> KResult<()> {
    let count = crate::mem::stats::ThreadCount::start();
    let body = move || {
        let _count = count;
        body()
    };
    let slot: Arc<Mutex<Option<Body>>> = Arc::new(Mutex::new(Some(Box::new(body))));
    spawn_placed(name, slot, PLACEMENT_TRIES)
}

type Body = Box<dyn FnOnce() + Send>;

/// How many threads may be set aside before one runs the work regardless.
const PLACEMENT_TRIES: u32 = 8;

/// Starts a thread that runs the body in `slot`, unless its static TLS (the
/// guest globals fork copies and relocates) lies near a 4 GiB boundary,
/// where small ints would be taken for pointers into it
/// (`mem::placement`): such a thread fences the zone off, so that no later
/// thread stack lands in it, hands the body to a new thread and stays
/// parked, keeping its own stack out of the host C library's reuse. About
/// one thread per zone the address space cursor reaches; none ever runs
/// guest code.
fn spawn_placed(name: String, slot: Arc<Mutex<Option<Body>>>, tries: u32) -> KResult<()> {
    let next = name.clone();
    let run = move || {
        let (tls, len) = crate::mem::tls::static_block(arch::thread_pointer());
        if tries > 0 && crate::mem::placement::near_boundary(tls, len) {
            crate::mem::placement::fence_zone(tls, len);
            if spawn_placed(next, slot.clone(), tries - 1).is_ok() {
                release_guest_globals();
                loop {
                    std::thread::park();
                }
            }
        }
        if let Some(body) = slot.lock().take() {
            body();
        }
    };
    std::thread::Builder::new()
        .name(name)
        .stack_size(HOST_STACK_SIZE + crate::mem::tls::carved_from_stack())
        .spawn(run)
        .map(drop)
        .map_err(|_| Errno::EAGAIN)
}

/// An idle task thread: a pooled one, or a new one.
pub(crate) fn worker() -> KResult<Worker> {
    if let Some(w) = IDLE.lock().pop() {
        return Ok(w);
    }
    let mailbox = Arc::new(Mailbox::default());
    let mb = mailbox.clone();
    let (tx, rx) = mpsc::sync_channel(1);
    spawn_host_thread("task".into(), move || {
        // Before anyone learns where this thread's globals are: the fork
        // that reserved it writes the child's into them.
        release_guest_globals();
        if tx.send(arch::thread_pointer()).is_ok() {
            worker_loop(mb);
        }
    })?;
    let tp = rx.recv().map_err(|_| Errno::EAGAIN)?;
    Ok(Worker { tp, mailbox })
}

/// Starts a program image (spawn, first task) or, with a gate, the next
/// image of an exec, on an idle task thread: the thread waits until the
/// gate opens and goes back to the pool if it is dropped instead (the
/// exec failed).
pub fn spawn_program(task: Arc<Task>, start: ProgramStart, gate: Option<mpsc::Receiver<()>>) -> KResult<()> {
    worker()?.run(Job::Program(task, start, gate));
    Ok(())
}

fn worker_loop(mailbox: Arc<Mailbox>) {
    while let Some(job) = wait_for_job(&mailbox) {
        if !run_job(job, &mailbox) {
            return;
        }
    }
}

/// Puts the calling thread back in the pool of idle task threads, unless
/// the pool is full; returns whether it did. Done before the task's end
/// is made known, so that a parent that forks again as soon as it has
/// reaped the child finds this thread idle instead of starting another.
fn rejoin_pool(mailbox: &Arc<Mailbox>) -> bool {
    let me = Worker { tp: arch::thread_pointer(), mailbox: mailbox.clone() };
    let mut idle = IDLE.lock();
    if idle.len() >= MAX_IDLE {
        return false;
    }
    idle.push(me);
    true
}

/// Waits for a job; `None` when the thread idled long enough to end.
fn wait_for_job(mb: &Arc<Mailbox>) -> Option<Job> {
    let mut slot = mb.job.lock();
    loop {
        if let Some(job) = slot.take() {
            return Some(job);
        }
        if mb.ready.wait_for(&mut slot, IDLE_TIMEOUT).timed_out() && slot.is_none() {
            drop(slot);
            let mut idle = IDLE.lock();
            if let Some(i) = idle.iter().position(|w| Arc::ptr_eq(&w.mailbox, mb)) {
                idle.swap_remove(i);
                return None;
            }
            drop(idle);
            // Someone reserved this thread just now: its job is on the way.
            slot = mb.job.lock();
        }
    }
}

/// Runs one job, then rejoins the pool; returns whether it did (else the
/// thread ends).
fn run_job(job: Job, mailbox: &Arc<Mailbox>) -> bool {
    let (task, outcome, used) = match job {
        Job::Program(task, p, gate) => {
            if let Some(gate) = gate {
                if gate.recv().is_err() {
                    return rejoin_pool(mailbox);
                }
            }
            start_program_globals(&p.program);
            let before = Usage::of_this_thread();
            task.image_cpu_start.store(before.total().as_nanos() as u64, Ordering::Release);
            set_current(Arc::as_ptr(&task));
            let stack_size = task.limits.lock().stack_size();
            let ProgramStart { program, argv, envp } = p;
            let image = Image::new(program, &argv, &envp, stack_size);
            // The image has its own copies; these would last as long as it.
            drop((argv, envp));
            let outcome = match image {
                Ok(image) => run(&task, image, Entry::Main),
                // No memory for a stack: the task dies as the kernel would kill it.
                Err(_) => Outcome::Exit(libc::SIGKILL),
            };
            (task, outcome, Usage::of_this_thread().since(before))
        }
        Job::Resume(task, image, frame, errno) => {
            hold_only_globals_of(&image.program);
            let before = Usage::of_this_thread();
            task.image_cpu_start.store(before.total().as_nanos() as u64, Ordering::Release);
            set_current(Arc::as_ptr(&task));
            Errno::set_raw(errno);
            let outcome = run(&task, image, Entry::Resume(frame));
            (task, outcome, Usage::of_this_thread().since(before))
        }
    };
    task.usage.lock().add(used);
    set_current(std::ptr::null());
    let pooled = rejoin_pool(mailbox);
    match outcome {
        Outcome::Exit(status) => exit::finish(&task, status),
        Outcome::Exec(next) => {
            // The next image's thread holds its own Arc to the task.
            let _ = next.send(());
        }
    }
    pooled
}

thread_local! {
    /// The programs (`tls_layout` owners) whose globals' pages this thread
    /// may hold.
    static HELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Gives back the pages of every guest's globals on this thread (a new
/// thread, whose C library wrote the whole block, a parked one, or one
/// that never runs an image).
pub(crate) fn release_guest_globals() {
    let spans = tls_layout::spans_to_release(None, None);
    // SAFETY: this thread runs no image now, and the next image it runs
    // writes its own program's globals first (a fork child's are copied by
    // the parent, a new program's set to their initial values).
    unsafe { crate::mem::tls::release(spans.into_iter()) };
    HELD.with(|h| h.borrow_mut().clear());
}

/// Before an image of `program` runs on this thread: gives back the pages
/// of the other programs' globals that the thread still holds from earlier
/// images. Nothing here reads them again before writing them. Usually
/// there are none (a pooled thread tends to serve the same program), so
/// most forks cost no system call and no page fault here.
fn hold_only_globals_of(program: &Program) {
    let keep = tls_layout::owner(program);
    let others: Vec<usize> = HELD.with(|h| {
        let mut h = h.borrow_mut();
        let others = h.iter().copied().filter(|&o| Some(o) != keep).collect();
        *h = keep.into_iter().collect();
        others
    });
    if others.is_empty() {
        return;
    }
    let spans = tls_layout::spans_to_release(keep, Some(&others));
    // SAFETY: other programs' globals are not used by the image about to
    // run, and are written before any later image of theirs uses them.
    unsafe { crate::mem::tls::release(spans.into_iter()) };
}

/// Gives `program`'s globals on this thread their initial values, as a
/// new thread has them.
fn start_program_globals(program: &Program) {
    hold_only_globals_of(program);
    let Some(owner) = tls_layout::owner(program) else { return };
    let runs = tls_layout::runs();
    // SAFETY: this thread is about to start the program's image: nothing
    // uses its globals yet.
    let known =
        unsafe { crate::mem::tls::reinitialize(runs.iter().filter(|r| r.owner == owner).map(|r| (r.lo, r.hi))) };
    assert!(known, "the executable's TLS segment is known to the loader");
}

/// Where guest execution starts on the image's stack.
enum Entry {
    Main,
    /// A fork child's copy of the parent's `tvm_fork` frame.
    Resume(*mut u8),
}

/// Runs one image of `task` to its end and returns how it ended.
fn run(task: &Task, mut image: Image, entry: Entry) -> Outcome {
    host::start_image();
    image.arena.set_limit(task.heap_limit.clone());
    image.arena.publish_to(task.heap_map.clone());
    *task.stack_range.lock() = (image.stack.bottom() as usize, image.stack.top() as usize);
    crate::kernel::signal::fault::prepare_thread();
    crate::kernel::signal::host::prepare_thread();
    // SAFETY: pthread_self has no preconditions.
    *task.host_thread.lock() = Some(unsafe { libc::pthread_self() });
    crate::crt::locale::adopt(&image);
    let outcome = run_image(image, entry);
    // Whatever ended the image (exit, exec, a signal), its references to
    // host C library objects end with it, before the parent can see a
    // zombie or the next image starts.
    crate::crt::hostobj::release_task(task.pid);
    *task.host_thread.lock() = None;
    outcome
}

fn run_image(image: Image, entry: Entry) -> Outcome {
    let run = Box::into_raw(Box::new(RunState {
        exit_ctx: ExitContext::default(),
        outcome: None,
        image: RefCell::new(image),
    }));
    RUN.with(|r| r.set(run));
    // SAFETY: `run` was just made and nothing else uses it yet.
    crate::mem::emutls::install(unsafe { (*run).image.borrow().globals });
    // SAFETY: as above.
    let floor = unsafe { (*run).image.borrow().stack.bottom() } as usize + RUNTIME_HEADROOM;
    STACK_FLOOR.with(|f| f.set(floor));
    // SAFETY: `run` stays allocated until after the guest leaves its stack;
    // the stack belongs to the image's live mapping; both entries end
    // through `terminate`, which returns here through `run.exit_ctx`.
    unsafe {
        match entry {
            Entry::Main => {
                let top = (*run).image.borrow().stack.top();
                arch::run_on_stack(top, guest_entry, run.cast(), &raw mut (*run).exit_ctx);
            }
            Entry::Resume(frame) => {
                arch::fork_resume(frame, &raw mut (*run).exit_ctx);
            }
        }
    }
    RUN.with(|r| r.set(std::ptr::null_mut()));
    crate::mem::emutls::install(std::ptr::null_mut());
    STACK_FLOOR.with(|f| f.set(0));
    // SAFETY: `run` came from Box::into_raw above and nothing else uses it now.
    let mut run = unsafe { Box::from_raw(run) };
    run.outcome.take().unwrap_or(Outcome::Exit(libc::SIGKILL))
}

/// First frame on the guest stack: runs the program's global initializers,
/// calls `main`, then `exit` with its result.
unsafe extern "C" fn guest_entry(arg: *mut c_void) -> ! {
    let run = arg.cast::<RunState>();
    // No panic may unwind out of this first frame of the guest stack.
    let (program, argc, argv, envp) = crate::abi::no_unwind("program start", || {
        let _rt = host::InRuntime::enter();
        // SAFETY: `arg` is the RunState `run` passed; the borrow ends
        // before guest code runs.
        let image = unsafe { (*run).image.borrow() };
        (image.program.clone(), image.argc, image.argv, image.env.environ)
    });
    crate::abi::no_unwind("program start", host::enter_guest);
    if cfg!(forkless_emutls) {
        // The globals' copies, before the initializers assign them.
        crate::abi::no_unwind("program start", || {
            with_image(|img| {
                img.globals = crate::mem::emutls::start_image(&img.program, &mut img.arena);
                crate::mem::emutls::install(img.globals);
            })
        });
    }
    // SAFETY: this is a fresh image of `program`, before its main.
    unsafe { program.run_initializers() };
    let main = program.main;
    drop(program);
    // SAFETY: main is a registered program entry with the C main signature.
    let status = unsafe { main(argc, argv, envp) };
    match crate::abi::no_unwind("exit", || -> std::convert::Infallible { exit::exit(status) }) {}
}

/// Ends the current image: stores `outcome` and leaves the guest stack.
///
/// Every frame between the guest stack's entry and this call is abandoned
/// without unwinding, so callers must hold no values that need dropping.
pub(crate) fn terminate(outcome: Outcome) -> ! {
    let run = RUN.with(|r| r.get());
    assert!(!run.is_null(), "terminate outside a task image");
    // SAFETY: `run` is the live RunState of this thread's image; the write
    // happens before we leave, and exit_to returns to its run_on_stack.
    unsafe {
        (*run).outcome = Some(outcome);
        arch::exit_to(&raw const (*run).exit_ctx, 1)
    }
}

/// Gives `f` the calling thread's image. `f` must not call guest code
/// that calls back into the runtime.
pub fn with_image<R>(f: impl FnOnce(&mut Image) -> R) -> R {
    let run = RUN.with(|r| r.get());
    assert!(!run.is_null(), "image access outside a task image");
    // SAFETY: RUN points at this thread's live RunState.
    let cell = unsafe { &(*run).image };
    let _rt = host::InRuntime::enter();
    f(&mut cell.borrow_mut())
}

/// Whether the calling thread runs a task image.
pub fn in_image() -> bool {
    RUN.with(|r| !r.get().is_null())
}

/// Address of the image's `environ` variable (stable for the image's life).
pub fn environ_location() -> *mut *mut *mut c_char {
    let run = RUN.with(|r| r.get());
    assert!(!run.is_null(), "environ outside a task image");
    // SAFETY: RUN points at this thread's live RunState; no borrow is held.
    unsafe { &raw mut (*(*run).image.as_ptr()).env.environ }
}
