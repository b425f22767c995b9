//! The host thread that runs one image of a task.
//!
//! Life of a task thread:
//! 1. (exec only) wait until the previous image's thread has finished;
//! 2. build the image (stack, argv and environment copies);
//! 3. switch to the image's stack and call the program's `main`;
//! 4. leave the guest stack for good through [`terminate`] (exit, `_exit`,
//!    return from `main`, a successful exec), back on the host stack;
//! 5. free the image, then either finish the task (exit) or let the next
//!    image's thread start (exec).
//!
//! A fresh thread per image is what gives an exec'd program fresh
//! thread-local state.

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::mpsc;
use std::sync::Arc;

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
    main: crate::programs::MainFn,
}

thread_local! {
    static RUN: std::cell::Cell<*mut RunState> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// Starts the host thread that runs `start` as `task`'s image. With a
/// `gate`, the thread waits until the gate is opened (exec) and quits
/// quietly if it is dropped instead (the exec failed).
pub fn spawn_thread(task: Arc<Task>, start: ProgramStart, gate: Option<mpsc::Receiver<()>>) -> KResult<()> {
    std::thread::Builder::new()
        .name(format!("task-{}", task.pid))
        .stack_size(HOST_STACK_SIZE)
        .spawn(move || thread_main(task, start, gate))
        .map(drop)
        .map_err(|_| Errno::EAGAIN)
}

fn thread_main(task: Arc<Task>, start: ProgramStart, gate: Option<mpsc::Receiver<()>>) {
    if let Some(gate) = gate {
        if gate.recv().is_err() {
            return;
        }
    }
    set_current(Arc::as_ptr(&task));
    let outcome = run_image(start);
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

/// Runs one image to its end and returns how it ended.
fn run_image(start: ProgramStart) -> Outcome {
    let image = match Image::new(&start.argv, &start.envp, DEFAULT_STACK_SIZE) {
        Ok(image) => image,
        // No memory for a stack: the task dies as the kernel would kill it.
        Err(_) => return Outcome::Exit(libc::SIGKILL),
    };
    let run = Box::into_raw(Box::new(RunState {
        exit_ctx: ExitContext::default(),
        outcome: None,
        image: RefCell::new(image),
        main: start.program.main,
    }));
    drop(start);
    RUN.with(|r| r.set(run));
    // SAFETY: `run` stays allocated until after run_on_stack returns; the
    // stack top belongs to the image's live mapping; `guest_entry` never
    // returns and ends through `terminate`, which uses `run.exit_ctx`.
    unsafe {
        let top = (*run).image.borrow().stack.top();
        arch::run_on_stack(top, guest_entry, run.cast(), &raw mut (*run).exit_ctx);
    }
    RUN.with(|r| r.set(std::ptr::null_mut()));
    // SAFETY: `run` came from Box::into_raw above and nothing else uses it now.
    let mut run = unsafe { Box::from_raw(run) };
    run.outcome.take().unwrap_or(Outcome::Exit(libc::SIGKILL))
}

/// First frame on the guest stack: calls `main`, then `exit` with its result.
unsafe extern "C" fn guest_entry(arg: *mut c_void) -> ! {
    let run = arg.cast::<RunState>();
    // SAFETY: `arg` is the RunState run_image passed; the borrow ends before
    // guest code runs.
    let (main, argc, argv, envp) = unsafe {
        let image = (*run).image.borrow();
        ((*run).main, image.argc, image.argv, image.env.environ)
    };
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
