//! Starting the runtime inside a host process and running the first task.
//!
//! Host-wide settings made once: SIGPIPE is ignored (a write to a closed pipe
//! must fail with EPIPE for one task, not kill the host); the host umask is
//! set to 0 (tasks apply their own, see `fs`); the host descriptor limit is
//! raised to its hard maximum, since every task's descriptors live in the
//! one host table, while each task keeps the original soft limit.

use crate::platform::c as libc;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::sync::{Arc, OnceLock};

use super::fd::{FdTable, OpenFile};
use super::fs::{Dir, FsState};
use super::signal::{SigInfo, SigSet, SignalState};
use super::task::limits::Limits;
use super::task::shown::{boot_ticks, Shown};
use super::task::table::{self, Proc, ProcState, TaskTable};
use super::task::thread::{self, ProgramStart};
use super::task::wait::status;
use super::task::{Task, Usage, INIT_PID};
use super::tty::bridge;
use super::{Errno, KResult};
use crate::programs::{self, Program};

/// What the host process looked like before the runtime changed it.
#[derive(Debug)]
struct HostState {
    umask: libc::mode_t,
    fd_limit: usize,
    /// Signals the host process was started with ignored, and its blocked
    /// mask: what the first task inherits, as an exec'd program would.
    ignored: SigSet,
    mask: SigSet,
}

extern "C" {
    /// Set before main by `signal/at_start.c`: Rust's start-up ignores
    /// SIGPIPE, hiding how the process was started.
    static tvm_sigpipe_ignored_at_start: libc::c_int;
}

/// The host's ignored signals and blocked mask, as inherited across exec.
fn host_signals() -> (SigSet, SigSet) {
    let mut ignored = SigSet::EMPTY;
    for sig in (1..libc::SIGRTMIN()).filter(|&s| s != libc::SIGPIPE) {
        // SAFETY: sigaction is plain data; all-zero is a valid value.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: a null new action only reads the disposition into `old`.
        let ok = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } == 0;
        if ok && old.sa_sigaction == libc::SIG_IGN {
            ignored.add(sig);
        }
    }
    // SAFETY: written once by a constructor before main, only read since.
    if unsafe { tvm_sigpipe_ignored_at_start } != 0 {
        ignored.add(libc::SIGPIPE);
    }
    // SAFETY: sigset_t is plain data; all-zero is a valid value.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: a null new set only reads the calling thread's mask.
    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut set) };
    // SAFETY: `set` is a live sigset_t.
    (ignored, unsafe { SigSet::from_c(&set) })
}

static HOST: OnceLock<HostState> = OnceLock::new();

/// Prepares the host process and creates init. Idempotent.
pub fn init() -> KResult<()> {
    if HOST.get().is_some() {
        return Ok(());
    }
    let mut err = None;
    HOST.get_or_init(|| {
        let (ignored, mask) = host_signals();
        // SAFETY: setting a signal to SIG_IGN has no memory preconditions.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        // SAFETY: umask has no preconditions.
        let umask = unsafe { libc::umask(0) };
        crate::kernel::signal::host::install();
        crate::kernel::signal::fault::install();
        let fd_limit = raise_fd_limit();
        crate::kernel::task::limits::raise_host_stack_limit();
        programs::register_builtins();
        super::dev::memory::register_all();
        super::tty::register_devices();
        if let Err(e) = create_init() {
            err = Some(e);
        }
        HostState { umask, fd_limit, ignored, mask }
    });
    err.map_or(Ok(()), Err)
}

/// Raises the host's soft RLIMIT_NOFILE to the hard limit; returns the
/// original soft limit (each task's own limit).
fn raise_fd_limit() -> usize {
    // SAFETY: rlimit is plain data; zero is valid.
    let mut rl: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `rl` is a live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } != 0 {
        return super::fd::table::DEFAULT_LIMIT;
    }
    let soft = rl.rlim_cur;
    let raised = libc::rlimit { rlim_cur: rl.rlim_max, rlim_max: rl.rlim_max };
    // SAFETY: `raised` is a live local.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) };
    if soft == libc::RLIM_INFINITY {
        super::fd::table::DEFAULT_LIMIT
    } else {
        (soft as usize).clamp(64, 1 << 20)
    }
}

fn root_dir() -> KResult<Arc<Dir>> {
    Ok(Arc::new(Dir::open(libc::AT_FDCWD, c"/")?))
}

fn create_init() -> KResult<()> {
    let fs = FsState { cwd: root_dir()?, umask: 0o022 };
    let init = Arc::new(Task::new(INIT_PID, FdTable::empty(), fs, SignalState::default(), Limits::from_host(0))?);
    table::lock().insert(Proc {
        task: init,
        ppid: 0,
        pgid: INIT_PID,
        sid: INIT_PID,
        state: ProcState::Running,
        did_exec: true,
        shown: Shown::new("/sbin/init", &[c"init".to_owned()], &[]),
        started: boot_ticks(),
        children_usage: Usage::default(),
        stopped: false,
        report: None,
        ctty: None,
    });
    Ok(())
}

/// The host process's environment as `NAME=value` strings.
fn host_environment() -> Vec<CString> {
    std::env::vars_os()
        .filter_map(|(k, v)| {
            let mut s = k.as_bytes().to_vec();
            s.push(b'=');
            s.extend_from_slice(v.as_bytes());
            CString::new(s).ok()
        })
        .collect()
}

/// Runs `program` with `argv` as the first task, with the host process's
/// stdio, working directory, umask and environment, and waits for it to
/// end. Returns its wait status.
///
/// EBUSY when called from a task, or when a first task already ran: the
/// host process has one first task.
pub fn run_first(program: Arc<Program>, argv: Vec<CString>) -> KResult<i32> {
    if super::task::try_current().is_some() {
        return Err(Errno::EBUSY);
    }
    init()?;
    // This thread only waits for the tasks: the C library gave it a copy
    // of every guest's globals (over 256 KiB), which it never uses.
    thread::release_guest_globals();
    let host = HOST.get().ok_or(Errno::EAGAIN)?;
    // On a host terminal, the first task gets one of the runtime's own,
    // bridged to it (`tty::bridge`): as its standard input, output and
    // error when those are the terminal, else only as its controlling
    // terminal.
    let detached = DETACHED.load(std::sync::atomic::Ordering::Relaxed);
    let host_tty = if detached || bridge::host_is_terminal(0) { None } else { bridge::host_controlling_terminal() };
    let bridge = match &host_tty {
        None if detached => None,
        None if bridge::host_is_terminal(0) => Some(bridge::Bridge::start(0, 1, bridge::Mode::Stdin)?),
        None => None,
        Some(fd) => {
            use std::os::fd::AsRawFd;
            Some(bridge::Bridge::start(fd.as_raw_fd(), fd.as_raw_fd(), bridge::Mode::Controlling)?)
        }
    };
    let leads_terminal = bridge.is_some() && host_tty.is_none();
    let limits = Limits::from_host(host.fd_limit);
    let mut files = FdTable::new(limits.nofile());
    let slave = match &bridge {
        Some(b) if leads_terminal => Some(OpenFile::device(Box::new(b.pty().open_slave()?), libc::O_RDWR)),
        _ => None,
    };
    for fd in 0..3 {
        let file = match &slave {
            Some(s) if same_terminal(fd, 0) => Ok(s.clone()),
            _ => OpenFile::adopt(fd),
        };
        if let Ok(f) = file {
            files.install_at(fd, f, false)?;
        }
    }
    let cwd = match Dir::open(libc::AT_FDCWD, c".") {
        Ok(d) => Arc::new(d),
        Err(_) => root_dir()?,
    };
    let fs = FsState { cwd, umask: host.umask };
    let envp = host_environment();
    let exe = argv
        .first()
        .and_then(|a| crate::programs::find_command(&a.to_string_lossy()))
        .map_or_else(|| format!("/usr/bin/{}", program.name), |(path, _)| path);
    let shown = Shown::new(&exe, &argv, &envp);
    let task = {
        let mut t = table::lock();
        if t.has_first() {
            return Err(Errno::EBUSY);
        }
        let pid = t.alloc_pid()?;
        // The first task stands for the host process: it leads a process
        // group or a session only if the host process does (a program
        // started from a script does not; one started as a job of an
        // interactive shell leads its group). What the host process does
        // not lead is an outer group/session with a reserved id.
        // SAFETY: getpid, getpgrp and getsid(0) have no preconditions.
        let (host_pid, host_pgrp, host_sid) = unsafe { (libc::getpid(), libc::getpgrp(), libc::getsid(0)) };
        // On a bridged terminal it leads a session of its own, as a login
        // shell does.
        let leads = leads_terminal;
        let outer =
            if leads || (host_pgrp == host_pid && host_sid == host_pid) { None } else { Some(t.reserve_outer()?) };
        let pgid = if leads || host_pgrp == host_pid { pid } else { outer.unwrap_or(pid) };
        let sid = if leads || host_sid == host_pid { pid } else { outer.unwrap_or(pid) };
        let signals = if detached { SignalState::default() } else { SignalState::inherited(host.ignored, host.mask) };
        let task = Arc::new(Task::new(pid, files, fs, signals, limits)?);
        crate::kernel::signal::cpu_limit::watch_if_limited(&task);
        t.insert(Proc {
            task: task.clone(),
            ppid: INIT_PID,
            pgid,
            sid,
            state: ProcState::Running,
            did_exec: true,
            shown,
            started: boot_ticks(),
            children_usage: Usage::default(),
            stopped: false,
            report: None,
            ctty: None,
        });
        t.set_first(pid, pgid);
        match (&bridge, &host_tty) {
            (Some(b), None) => crate::kernel::tty::ctty::set(&mut t, pid, pid, b.pty()),
            (Some(b), Some(fd)) => {
                // The host's session's terminal: the first task's session
                // has it, in the foreground exactly when the host is.
                use std::os::fd::AsRawFd;
                let fg = bridge::host_in_foreground(fd.as_raw_fd()).then_some(pgid);
                crate::kernel::tty::ctty::attach(&mut t, pid, sid, fg, b.pty());
            }
            _ => {}
        }
        task
    };
    thread::spawn_program(task, ProgramStart { program, argv, envp }, None)?;
    let status = {
        let mut t = table::lock();
        TaskTable::wait_first(&mut t)
    };
    // Orphans still finishing their work (tar's gzip) get to finish.
    super::task::settle::settle_orphans(super::task::settle::GRACE);
    if let Some(b) = bridge {
        b.finish();
    }
    drop(host_tty);
    Ok(status)
}

/// Set by `detach_from_caller`.
static DETACHED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The first task gets nothing of the caller's terminal or job-control
/// state, as a server should: no host terminal (neither on its standard
/// descriptors nor as its controlling terminal: the terminal stays as it
/// is, and its Ctrl-C is the host process's SIGINT), and every signal at
/// its default action with none blocked, whatever forkless was started with
/// (under nohup SIGHUP is ignored, in the background of a script SIGINT and
/// SIGQUIT; ignored signals survive exec, and sessions would inherit them:
/// a hangup or a Ctrl-C in a session would do nothing). Call before
/// `run_first`.
pub fn detach_from_caller() {
    DETACHED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Stops a service from outside its tasks (a host SIGTERM to `forkless
/// sshd`), first half: SIGHUP to every task but init and the first, as a
/// hung-up session's processes get; SIGKILL to those still there after
/// `grace`. Returns how many tasks were hung up and how many of them had
/// to be killed. Then [`terminate_first`] ends the first task.
pub fn stop_service(grace: std::time::Duration) -> (usize, usize) {
    use crate::kernel::signal::send::send;
    let others = |t: &TaskTable| -> Vec<Arc<Task>> {
        let first = t.first_pid();
        t.iter()
            .filter(|p| p.task.pid != INIT_PID && Some(p.task.pid) != first && !matches!(p.state, ProcState::Zombie(_)))
            .map(|p| p.task.clone())
            .collect()
    };
    let signal_all = |sig: libc::c_int| {
        let mut t = table::lock();
        let tasks = others(&t);
        for task in &tasks {
            send(&mut t, task, sig, SigInfo::kernel(sig));
        }
        tasks.len()
    };
    let wait_gone = |limit: std::time::Duration| {
        let start = std::time::Instant::now();
        while start.elapsed() < limit && !others(&table::lock()).is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    let hung_up = signal_all(libc::SIGHUP);
    wait_gone(grace);
    let killed = signal_all(libc::SIGKILL);
    wait_gone(grace);
    (hung_up, killed)
}

/// The second half of stopping a service: SIGTERM to the first task.
pub fn terminate_first() {
    use crate::kernel::signal::send::send;
    // The first task gets SIGTERM, again each second while it lives, and
    // SIGKILL after five: a server whose handler only sets a flag that it
    // checks after its next select (dropbear) misses a signal that lands
    // between that check and the select, and would wait there for good.
    for round in 0..=5 {
        {
            let mut t = table::lock();
            let Some(first) = t.first_pid().and_then(|pid| t.get(pid)) else { break };
            if matches!(first.state, ProcState::Zombie(_)) {
                break;
            }
            let task = first.task.clone();
            let sig = if round < 5 { libc::SIGTERM } else { libc::SIGKILL };
            match round {
                1 => eprintln!("forkless: task {} did not end on SIGTERM; sending it again", task.pid),
                5 => eprintln!("forkless: task {} did not end on SIGTERM; killing it", task.pid),
                _ => {}
            }
            send(&mut t, &task, sig, SigInfo::kernel(sig));
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// Whether host descriptors `a` and `b` are the same terminal.
fn same_terminal(a: libc::c_int, b: libc::c_int) -> bool {
    let rdev = |fd| {
        // SAFETY: stat is plain data; fstat fills the live local.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        (bridge::host_is_terminal(fd) && unsafe { libc::fstat(fd, &mut st) } == 0).then_some(st.st_rdev)
    };
    rdev(a).is_some() && rdev(a) == rdev(b)
}

/// Ends the host process the way the first task ended: with its exit code,
/// or killed by the same signal (default action, so a parent shell sees
/// exactly what it would see of the native program). Falls back to
/// 128 + signal if the signal does not end the process.
pub fn exit_host_like(wait_status: i32) -> ! {
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    if let Some(sig) = status::if_signaled(wait_status) {
        // SAFETY: resetting a disposition and unblocking have no memory
        // preconditions; raise then ends the process or returns.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(sig);
        }
    }
    std::process::exit(exit_code(wait_status))
}

/// The host exit code for a task's wait status, as a shell reports it.
pub fn exit_code(wait_status: i32) -> i32 {
    if let Some(code) = status::if_exited(wait_status) {
        code
    } else if let Some(sig) = status::if_signaled(wait_status) {
        128 + sig
    } else {
        1
    }
}
