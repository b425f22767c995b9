//! The host thread that runs one image of a task.
//!
//! Life of a task thread:
//! 1. build the image: either a fresh program (argv and environment
//!    copies; for exec, only once the previous image's thread is gone), or a
//!    copy of a forking parent's image (`fork.rs`);
//! 2. switch to the image's stack: call the program's `main` after its
//!    globals' initializers, or resume the fork child where the parent called
//!    `fork`;
//! 3. leave the guest stack for good through [`terminate`] (exit, `_exit`,
//!    return from `main`, a successful exec), back on the host stack;
//! 4. free the image, then either finish the task (exit) or let the next
//!    image's thread start (exec).
//!
//! A fresh thread per image is what gives an exec'd program fresh globals:
//! guest globals are thread-local.

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::mpsc;
use std::sync::Arc;

use super::fork::{self, ForkStart};
use super::image::{Image, DEFAULT_STACK_SIZE};
use super::{exit, set_current, Task, Usage};
use crate::arch::{self, ExitContext};
use crate::kernel::{Errno, KResult};
use crate::programs::Program;

/// Host stack of a task thread: only runtime code runs on it (the guest has
/// its own stack), so it can be small.
const HOST_STACK_SIZE: usize = 256 << 10;

/// What a new image runs.
#[derive(Debug)]
pub struct ProgramStart {
    pub program: Arc<Program>,
    pub argv: Vec<CString>,
    pub envp: Vec<CString>,
}

/// How a thread's image begins.
pub(crate) enum Start {
    /// A program's `main`; with a gate (exec), only once it opens.
    Program(ProgramStart, Option<mpsc::Receiver<()>>),
    /// A copy of a forking parent.
    Fork(ForkStart),
}

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
}

/// Starts the host thread that runs `start` as an image of `task`.
pub(crate) fn spawn_thread(task: Arc<Task>, start: Start) -> KResult<()> {
    std::thread::Builder::new()
        .name(format!("task-{}", task.pid))
        .stack_size(HOST_STACK_SIZE)
        .spawn(move || thread_main(task, start))
        .map(drop)
        .map_err(|_| Errno::EAGAIN)
}

/// Starts a program image (spawn, first task) or, with a gate, the next
/// image of an exec: the thread waits until the gate opens and quits
/// quietly if it is dropped instead (the exec failed).
pub fn spawn_program(task: Arc<Task>, start: ProgramStart, gate: Option<mpsc::Receiver<()>>) -> KResult<()> {
    spawn_thread(task, Start::Program(start, gate))
}

fn thread_main(task: Arc<Task>, start: Start) {
    if let Start::Program(_, Some(gate)) = &start {
        if gate.recv().is_err() {
            return;
        }
    }
    set_current(Arc::as_ptr(&task));
    let outcome = match start {
        Start::Program(p, _) => match Image::new(p.program, &p.argv, &p.envp, DEFAULT_STACK_SIZE) {
            Ok(image) => run(image, Entry::Main),
            // No memory for a stack: the task dies as the kernel would kill it.
            Err(_) => Outcome::Exit(libc::SIGKILL),
        },
        Start::Fork(f) => match fork::build_child(&f) {
            Ok((image, frame)) => {
                Errno::set_raw(f.errno());
                f.report(Ok(()));
                run(image, Entry::Resume(frame))
            }
            Err(e) => {
                f.report(Err(e));
                set_current(std::ptr::null());
                return;
            }
        },
    };
    task.usage.lock().add(Usage::of_this_thread());
    set_current(std::ptr::null());
    match outcome {
        Outcome::Exit(status) => exit::finish(&task, status),
        Outcome::Exec(next) => {
            // The next image's thread holds its own Arc to the task.
            let _ = next.send(());
        }
    }
}

/// Where guest execution starts on the image's stack.
enum Entry {
    Main,
    /// A fork child's copy of the parent's `tvm_fork` frame.
    Resume(*mut u8),
}

/// Runs one image to its end and returns how it ended.
fn run(image: Image, entry: Entry) -> Outcome {
    let run = Box::into_raw(Box::new(RunState {
        exit_ctx: ExitContext::default(),
        outcome: None,
        image: RefCell::new(image),
    }));
    RUN.with(|r| r.set(run));
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
    // SAFETY: `run` came from Box::into_raw above and nothing else uses it now.
    let mut run = unsafe { Box::from_raw(run) };
    run.outcome.take().unwrap_or(Outcome::Exit(libc::SIGKILL))
}

/// First frame on the guest stack: runs the program's global initializers,
/// calls `main`, then `exit` with its result.
unsafe extern "C" fn guest_entry(arg: *mut c_void) -> ! {
    let run = arg.cast::<RunState>();
    // SAFETY: `arg` is the RunState `run` passed; the borrow ends before
    // guest code runs.
    let (program, argc, argv, envp) = unsafe {
        let image = (*run).image.borrow();
        (image.program.clone(), image.argc, image.argv, image.env.environ)
    };
    // SAFETY: this is a fresh image of `program`, before its main.
    unsafe { program.run_initializers() };
    let main = program.main;
    drop(program);
    // SAFETY: main is a registered program entry with the C main signature.
    let status = unsafe { main(argc, argv, envp) };
    exit::exit(status)
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

/// Gives `f` the calling thread's image. `f` must not call guest code.
pub fn with_image<R>(f: impl FnOnce(&mut Image) -> R) -> R {
    let run = RUN.with(|r| r.get());
    assert!(!run.is_null(), "image access outside a task image");
    // SAFETY: RUN points at this thread's live RunState.
    let cell = unsafe { &(*run).image };
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
