//! The task table: pids, the parent/child tree, process groups, sessions
//! and zombies.
//!
//! "When a process terminates, its children are adopted by init, and it
//! stays a zombie until its parent waits for it" (wait(2)). The runtime's
//! init (pid 1) has no thread: it reaps whatever it adopts at once, which is
//! what a real init's reaping loop amounts to.
//!
//! All relationships live behind one lock ([`lock`]); it is the outermost
//! lock of the runtime. Nothing blocks while holding it.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::{Condvar, Mutex, MutexGuard};

use super::{Pid, Task, Usage, INIT_PID};
use crate::kernel::signal::{send, SigInfo};
use crate::kernel::{Errno, KResult};

/// Highest pid handed out before wrapping around (Linux's 64-bit default).
const PID_MAX: Pid = 4_194_304;

/// What the table knows about one task.
#[derive(Debug)]
pub struct Proc {
    pub task: Arc<Task>,
    pub ppid: Pid,
    pub pgid: Pid,
    pub sid: Pid,
    pub state: ProcState,
    /// Set once the task has called a successful execve (setpgid's EACCES).
    pub did_exec: bool,
    /// What ps and /proc show of the program it runs.
    pub shown: Arc<super::shown::Shown>,
    /// When it was made (fork, spawn), in clock ticks on the boot clock
    /// (`shown::boot_ticks`).
    pub started: u64,
    /// CPU time of the children this task has waited for (RUSAGE_CHILDREN).
    pub children_usage: Usage,
    /// Stopped by a stop signal, until SIGCONT or SIGKILL.
    pub stopped: bool,
    /// A stop or continue its parent has not collected with wait yet.
    pub report: Option<Report>,
    /// Its controlling terminal (inherited by fork, given up by setsid).
    pub ctty: Option<Arc<crate::kernel::tty::pty::Pty>>,
}

impl Proc {
    /// Its state as ps(1) and /proc show it: `R` running or runnable, `S`
    /// asleep in a call, `T` stopped by a signal, `Z` a zombie.
    pub fn state_letter(&self) -> char {
        match self.state {
            ProcState::Zombie(_) => 'Z',
            ProcState::Running if self.stopped => 'T',
            // init has no thread: it only ever waits (for orphans to reap).
            ProcState::Running if self.task.pid == super::INIT_PID || self.task.sleeping() => 'S',
            ProcState::Running => 'R',
        }
    }
}

/// A job-control state change waiting for the parent's wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Stopped(i32),
    Continued,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    Running,
    Zombie(Zombie),
}

/// A terminated task waiting to be reaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zombie {
    /// The wait status word (see `wait::status`).
    pub status: i32,
    /// The task's own CPU time plus that of the children it waited for.
    pub usage: Usage,
    /// Order of death, so waiters collect zombies oldest first.
    pub seq: u64,
}

#[derive(Debug, Default)]
pub struct TaskTable {
    procs: BTreeMap<Pid, Proc>,
    last_pid: Pid,
    deaths: u64,
    /// The task whose end ends the host process, and its status once known.
    first: Option<Pid>,
    first_status: Option<i32>,
    /// The id standing for the host process's own group and session when
    /// the host process leads neither (see `boot::run_first`): reserved, so
    /// no task gets it as its pid.
    outer: Option<Pid>,
    /// The id standing for the host process's own process group (the
    /// outer group, or the first task's pid when the host leads its group).
    host_group: Option<Pid>,
}

static TABLE: Mutex<TaskTable> = Mutex::new(TaskTable {
    procs: BTreeMap::new(),
    last_pid: INIT_PID,
    deaths: 0,
    first: None,
    first_status: None,
    outer: None,
    host_group: None,
});
static FIRST_EXITED: Condvar = Condvar::new();

/// Locks the task table.
pub fn lock() -> MutexGuard<'static, TaskTable> {
    TABLE.lock()
}

impl TaskTable {
    /// A pid not in use as any task's pid, process group or session.
    pub fn alloc_pid(&mut self) -> KResult<Pid> {
        let mut candidate = self.last_pid;
        for _ in 0..PID_MAX {
            candidate = if candidate >= PID_MAX { INIT_PID + 1 } else { candidate + 1 };
            if !self.pid_in_use(candidate) {
                self.last_pid = candidate;
                return Ok(candidate);
            }
        }
        Err(Errno::EAGAIN)
    }

    /// A pid for a new child, in session `sid`, of a task with `limits`:
    /// EAGAIN at its RLIMIT_NPROC, the runtime's task cap or the session's
    /// share of it (`Limits::may_add_task`).
    pub fn alloc_child_pid(&mut self, limits: &super::limits::Limits, sid: Pid) -> KResult<Pid> {
        let in_session = self.procs.values().filter(|p| p.sid == sid).count();
        // init is the runtime's own task, not another session's: a shell
        // alone may use the whole cap.
        let elsewhere = self.procs.iter().filter(|(&pid, p)| p.sid != sid && pid != INIT_PID).count();
        limits.may_add_task(super::limits::TaskCount { live: self.procs.len(), in_session, elsewhere })?;
        self.alloc_pid()
    }

    fn pid_in_use(&self, pid: Pid) -> bool {
        self.outer == Some(pid)
            || self.procs.contains_key(&pid)
            || self.procs.values().any(|p| p.pgid == pid || p.sid == pid)
    }

    /// Reserves the id of the host's outer group and session (once).
    pub fn reserve_outer(&mut self) -> KResult<Pid> {
        if let Some(o) = self.outer {
            return Ok(o);
        }
        let o = self.alloc_pid()?;
        self.outer = Some(o);
        Ok(o)
    }

    pub fn insert(&mut self, proc: Proc) {
        let pid = proc.task.pid;
        let old = self.procs.insert(pid, proc);
        debug_assert!(old.is_none(), "pid {pid} inserted twice");
    }

    pub fn get(&self, pid: Pid) -> Option<&Proc> {
        self.procs.get(&pid)
    }

    pub fn get_mut(&mut self, pid: Pid) -> Option<&mut Proc> {
        self.procs.get_mut(&pid)
    }

    /// Every task, in pid order.
    pub fn iter(&self) -> impl Iterator<Item = &Proc> {
        self.procs.values()
    }

    /// The children of `ppid`, in pid order.
    pub fn children(&self, ppid: Pid) -> impl Iterator<Item = &Proc> {
        self.procs.values().filter(move |p| p.ppid == ppid)
    }

    /// Removes a zombie, adding its CPU time to its parent's children total.
    pub fn reap(&mut self, pid: Pid) -> Option<Proc> {
        let proc = self.procs.remove(&pid)?;
        if let ProcState::Zombie(z) = proc.state {
            if let Some(parent) = self.procs.get_mut(&proc.ppid) {
                parent.children_usage.add(z.usage);
            }
        }
        Some(proc)
    }

    /// The host process's first task, once started.
    pub fn first_pid(&self) -> Option<Pid> {
        self.first
    }

    /// Whether the host process's first task was started.
    pub fn has_first(&self) -> bool {
        self.first.is_some()
    }

    /// Marks the host process's main task, standing in process group
    /// `host_group` for the host's own.
    pub fn set_first(&mut self, pid: Pid, host_group: Pid) {
        self.first = Some(pid);
        self.host_group = Some(host_group);
    }

    /// Turns a task into a zombie with wait status `status`: its children
    /// go to init, its parent gets SIGCHLD and is woken (or nobody waits and
    /// the task is reaped at once: init's children, and those of a parent
    /// that ignores SIGCHLD or set SA_NOCLDWAIT). A process group that this
    /// exit makes orphaned, with a stopped member, gets SIGHUP then SIGCONT.
    ///
    /// "If the exit of the process causes a process group to become
    /// orphaned, and if any member of the newly-orphaned process group is
    /// stopped, then a SIGHUP signal followed by a SIGCONT signal shall be
    /// sent to each process in the newly-orphaned process group" (_exit(2)).
    /// Only two groups can become orphaned by one exit, as Linux reckons:
    /// the task's own, when its parent was that group's link (another group
    /// of the same session), and each child's, when the task was its link.
    pub fn exit(&mut self, pid: Pid, status: i32, own_usage: Usage) {
        self.deaths += 1;
        let seq = self.deaths;
        let Some(proc) = self.procs.get_mut(&pid) else {
            return;
        };
        let mut usage = own_usage;
        usage.add(proc.children_usage);
        proc.state = ProcState::Zombie(Zombie { status, usage, seq });
        proc.stopped = false;
        proc.report = None;
        let (ppid, pgid, sid) = (proc.ppid, proc.pgid, proc.sid);
        if sid == pid {
            crate::kernel::tty::ctty::leader_exits(self, pid);
        }

        let mut groups: Vec<Pid> = Vec::new();
        // Only a group with a stopped member is hung up, so the link is
        // not asked for otherwise: for the first task it is a scan of the
        // host's /proc (`outside`), a tenth of a short command's start-up.
        if self.has_stopped_member(pgid) && self.links_to(pid, ppid, pgid, sid) {
            groups.push(pgid);
        }
        let orphans: Vec<(Pid, Pid, Pid)> = self.children(pid).map(|c| (c.task.pid, c.pgid, c.sid)).collect();
        for &(child, cpgid, csid) in &orphans {
            if cpgid != pgid && csid == sid {
                groups.push(cpgid);
            }
            self.adopt_by_init(child);
        }
        if self.first == Some(pid) {
            self.first_status = Some(status);
            FIRST_EXITED.notify_all();
        }
        let parent = self.procs.get(&ppid).map(|p| p.task.clone());
        match parent {
            Some(parent) if ppid != INIT_PID => {
                let act = parent.signals.lock().action(libc::SIGCHLD).ok();
                let ignored = act.is_some_and(|a| a.handler == libc::SIG_IGN);
                let no_zombie = ignored || act.is_some_and(|a| a.flags & libc::SA_NOCLDWAIT != 0);
                send::notify_parent(self, pid, status);
                if no_zombie {
                    self.reap(pid);
                }
            }
            _ => {
                self.reap(pid);
            }
        }
        groups.sort_unstable();
        groups.dedup();
        for g in groups {
            self.hang_up_orphaned(g);
        }
    }

    /// Whether task `pid` (in group `pgid` and session `sid`) with parent
    /// `ppid` keeps its group attached to the session: its parent is in
    /// another group of the same session.
    ///
    /// The first task's real parent is outside, the host process's parent.
    /// When forkless runs in a session it does not lead (from a shell), that
    /// parent is in the outer session. While the first task is in a group
    /// of its own making, that parent links it; while it is in the host
    /// process's own group (`host_group`), the group is linked exactly when
    /// the host's is (`outside`). A host process that leads its session has
    /// no such parent.
    fn links_to(&self, pid: Pid, ppid: Pid, pgid: Pid, sid: Pid) -> bool {
        if self.first == Some(pid) {
            return self.outer == Some(sid) && (self.host_group != Some(pgid) || super::outside::host_group_linked());
        }
        ppid != INIT_PID && self.procs.get(&ppid).is_some_and(|parent| parent.pgid != pgid && parent.sid == sid)
    }

    /// Whether no live member of group `pgid` has a parent in another group
    /// of the same session (POSIX's orphaned process group).
    pub fn group_is_orphaned(&self, pgid: Pid) -> bool {
        !self.procs.values().any(|m| {
            m.pgid == pgid && !matches!(m.state, ProcState::Zombie(_)) && self.links_to(m.task.pid, m.ppid, pgid, m.sid)
        })
    }

    /// Whether a member of group `pgid` is stopped.
    fn has_stopped_member(&self, pgid: Pid) -> bool {
        self.procs.values().any(|p| p.pgid == pgid && p.stopped)
    }

    /// SIGHUP then SIGCONT to every member of `pgid` if it is orphaned and
    /// has a stopped member.
    fn hang_up_orphaned(&mut self, pgid: Pid) {
        let live: Vec<Arc<Task>> = self
            .procs
            .values()
            .filter(|p| p.pgid == pgid && !matches!(p.state, ProcState::Zombie(_)))
            .map(|p| p.task.clone())
            .collect();
        if live.is_empty() || !self.has_stopped_member(pgid) || !self.group_is_orphaned(pgid) {
            return;
        }
        for sig in [libc::SIGHUP, libc::SIGCONT] {
            for t in &live {
                send::send(self, t, sig, SigInfo::kernel(sig));
            }
        }
    }

    fn adopt_by_init(&mut self, pid: Pid) {
        let Some(child) = self.procs.get_mut(&pid) else {
            return;
        };
        child.ppid = INIT_PID;
        if matches!(child.state, ProcState::Zombie(_)) {
            self.reap(pid);
        }
    }

    /// Blocks the calling host thread (never a task thread) until the first
    /// task has terminated, and returns its wait status.
    pub fn wait_first(guard: &mut MutexGuard<'static, TaskTable>) -> i32 {
        loop {
            if let Some(s) = guard.first_status {
                return s;
            }
            FIRST_EXITED.wait(guard);
        }
    }
}
