//! posix_spawn: creating a child task that runs a program.
//!
//! "The child inherits the parent's open file descriptors, except those
//! marked FD_CLOEXEC; the file actions are performed in order before the
//! new program starts; if any fails, posix_spawn returns its error and no
//! child remains" (posix_spawn(3)). The child's table, cwd and signal state
//! are built completely, in the parent's call, before the child exists, so a
//! failure needs no cleanup.

use crate::platform::c as libc;
use std::ffi::{c_int, CString};
use std::sync::Arc;

use super::exec::{check_arg_size, Resolved};
use super::shown::{boot_ticks, Shown};
use super::table::{self, Proc, ProcState};
use super::thread::{self, ProgramStart};
use super::{Pid, Task, Usage};
use crate::kernel::fd::FdTable;
use crate::kernel::fs::ops::open_file;
use crate::kernel::fs::{Dir, FsState};
use crate::kernel::signal::SigSet;
use crate::kernel::{Errno, KResult};

/// One file action, in the order the program added it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAction {
    Close(c_int),
    Dup2 { from: c_int, to: c_int },
    Open { fd: c_int, path: CString, flags: c_int, mode: libc::mode_t },
    Chdir(CString),
    Fchdir(c_int),
}

/// posix_spawnattr_t's contents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    pub flags: c_int,
    pub pgroup: Pid,
    pub sigmask: SigSet,
    pub sigdefault: SigSet,
}

/// POSIX_SPAWN_* flags the runtime honours.
pub const SPAWN_FLAGS: c_int = libc::POSIX_SPAWN_RESETIDS
    | libc::POSIX_SPAWN_SETPGROUP
    | libc::POSIX_SPAWN_SETSIGDEF
    | libc::POSIX_SPAWN_SETSIGMASK
    | libc::POSIX_SPAWN_SETSCHEDPARAM
    | libc::POSIX_SPAWN_SETSCHEDULER
    | libc::POSIX_SPAWN_USEVFORK as c_int
    | libc::POSIX_SPAWN_SETSID as c_int;

/// Runs one file action against the child's table and filesystem state.
fn apply(files: &mut FdTable, fs: &mut FsState, action: &FileAction) -> KResult<()> {
    let at_for = |fs: &FsState, path: &CString| {
        if path.as_bytes().first() == Some(&b'/') {
            libc::AT_FDCWD
        } else {
            fs.cwd.raw()
        }
    };
    match action {
        FileAction::Close(fd) => {
            // Closing a descriptor that is not open is not an error here.
            let _ = files.remove(*fd);
        }
        FileAction::Dup2 { from, to } => {
            let f = files.get(*from)?;
            files.install_at(*to, f, false)?;
        }
        FileAction::Open { fd, path, flags, mode } => {
            let f = open_file(at_for(fs, path), path, *flags, *mode, fs.umask)?;
            files.install_at(*fd, f, false)?;
        }
        FileAction::Chdir(path) => {
            fs.cwd = Arc::new(Dir::open(at_for(fs, path), path)?);
        }
        FileAction::Fchdir(fd) => {
            fs.cwd = Arc::new(Dir::of_file(&*files.get(*fd)?)?);
        }
    }
    Ok(())
}

/// Creates a child of `parent` running `resolved` with environment `envp`.
pub fn spawn(
    parent: &Task,
    resolved: Resolved,
    actions: &[FileAction],
    attrs: &Attrs,
    envp: Vec<CString>,
) -> KResult<Pid> {
    if attrs.flags & !SPAWN_FLAGS != 0 {
        return Err(Errno::EINVAL);
    }
    check_arg_size(&resolved.argv, &envp)?;
    let mut files = parent.files.lock().clone();
    let mut fs = parent.fs.lock().clone();
    let mut signals = parent.signals.lock().for_child();
    let limits = *parent.limits.lock();
    for a in actions {
        apply(&mut files, &mut fs, a)?;
    }
    drop(files.take_cloexec());
    if attrs.flags & libc::POSIX_SPAWN_SETSIGMASK != 0 {
        signals.change_mask(crate::kernel::signal::MaskHow::Set, attrs.sigmask);
    }
    if attrs.flags & libc::POSIX_SPAWN_SETSIGDEF != 0 {
        for sig in 1..=crate::kernel::signal::MAX_SIG {
            if attrs.sigdefault.contains(sig) {
                signals.set_default(sig);
            }
        }
    }
    signals.reset_for_exec();

    let shown = Shown::new(&resolved.path, &resolved.argv, &envp);
    let task = {
        let mut t = table::lock();
        let me = t.get(parent.pid).ok_or(Errno::ESRCH)?;
        let (mut pgid, mut sid, mut ctty) = (me.pgid, me.sid, me.ctty.clone());
        let pid = t.alloc_child_pid(&limits, sid)?;
        if attrs.flags & libc::POSIX_SPAWN_SETSID as c_int != 0 {
            (pgid, sid, ctty) = (pid, pid, None);
        } else if attrs.flags & libc::POSIX_SPAWN_SETPGROUP != 0 {
            if attrs.pgroup < 0 {
                return Err(Errno::EINVAL);
            }
            if attrs.pgroup == 0 {
                pgid = pid;
            } else if t.iter().any(|p| p.pgid == attrs.pgroup && p.sid == sid) {
                pgid = attrs.pgroup;
            } else {
                return Err(Errno::EPERM);
            }
        }
        let task = Arc::new(Task::new(pid, files, fs, signals, limits)?);
        t.insert(Proc {
            task: task.clone(),
            ppid: parent.pid,
            pgid,
            sid,
            state: ProcState::Running,
            did_exec: true,
            shown,
            started: boot_ticks(),
            children_usage: Usage::default(),
            stopped: false,
            report: None,
            ctty,
        });
        task
    };
    let pid = task.pid;
    let start = ProgramStart { program: resolved.program, argv: resolved.argv, envp };
    if let Err(e) = thread::spawn_program(task, start, None) {
        table::lock().reap(pid);
        return Err(e);
    }
    Ok(pid)
}
