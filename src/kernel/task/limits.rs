//! Resource limits per task.
//!
//! "A child created via fork(2) inherits its parent's resource limits;
//! resource limits are preserved across execve(2)" (getrlimit(2)). Every
//! task carries its own table. RLIMIT_NOFILE is enforced by the task's
//! descriptor table (EMFILE), RLIMIT_NPROC, the runtime's own task cap
//! and a session's share of it by fork and spawn (EAGAIN), RLIMIT_DATA
//! and RLIMIT_AS by the task's heap (ENOMEM), RLIMIT_STACK by a new
//! image's stack, RLIMIT_CPU by `signal::cpu_limit`; the other limits are kept and reported per
//! task (so `ulimit` in a subshell changes only the subshell) but are not
//! enforced by the runtime (see docs/limits.md).

use std::sync::OnceLock;

use crate::kernel::{Errno, KResult};

/// The runtime's cap on live tasks (zombies included) when
/// `TVM_MAX_TASKS` does not set one: far above what a shell session
/// needs, far below what would exhaust the host's threads or memory.
pub const DEFAULT_MAX_TASKS: usize = 1024;

/// The cap on live tasks: `TVM_MAX_TASKS` (a positive number), else
/// [`DEFAULT_MAX_TASKS`]. Read once.
pub fn max_tasks() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::env::var("TVM_MAX_TASKS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or(DEFAULT_MAX_TASKS)
    })
}

/// The most tasks one session may hold while another session has tasks:
/// `TVM_SESSION_MAX_TASKS` (a positive number), else half the task cap.
/// A fork bomb in one ssh session then leaves the other half to the
/// server and the other sessions. Read once.
pub fn session_max_tasks() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::env::var("TVM_SESSION_MAX_TASKS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or(max_tasks() / 2)
    })
}

/// The most descriptors one task may have: an eighth of the host
/// process's descriptor limit (which the runtime raised to its hard limit
/// at start), at least 64. Every task's descriptors share the host's
/// table, so no task may take it whole: RLIMIT_NOFILE's hard limit starts
/// at this ceiling and cannot be raised past it, not even by root (as
/// Linux's `nr_open`). Read once, after the raise.
pub fn task_fd_ceiling() -> usize {
    static CEILING: OnceLock<usize> = OnceLock::new();
    *CEILING.get_or_init(|| {
        let mut rl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: `rl` is a live local.
        let host =
            if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } == 0 && rl.rlim_cur != libc::RLIM_INFINITY {
                usize::try_from(rl.rlim_cur).unwrap_or(1 << 20)
            } else {
                1 << 20
            };
        (host / 8).max(64)
    })
}

/// How many tasks exist, in all and in the session of the task that wants
/// one more.
#[derive(Clone, Copy, Debug)]
pub struct TaskCount {
    pub live: usize,
    pub in_session: usize,
    /// Tasks of other sessions, init not counted.
    pub elsewhere: usize,
}

/// Linux's RLIM_NLIMITS (RLIMIT_CPU .. RLIMIT_RTTIME).
const COUNT: usize = 16;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    table: [libc::rlimit; COUNT],
}

fn index(resource: i32) -> KResult<usize> {
    usize::try_from(resource).ok().filter(|&r| r < COUNT).ok_or(Errno::EINVAL)
}

/// The host's RLIMIT_STACK as the process was started with it, before
/// [`raise_host_stack_limit`].
static HOST_STACK: std::sync::OnceLock<libc::rlimit> = std::sync::OnceLock::new();

/// Raises the host's soft RLIMIT_STACK to its hard limit, keeping the
/// original as the tasks' own. On Linux a guest stack is a mapping the
/// kernel grows on demand (`mem/stack.rs`), and the kernel bounds every
/// such mapping by the process's soft RLIMIT_STACK: a task whose own limit
/// is higher than the host's default must be able to grow to it.
pub fn raise_host_stack_limit() {
    // SAFETY: rlimit is plain data; zero is valid.
    let mut rl: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `rl` is a live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut rl) } != 0 {
        return;
    }
    if HOST_STACK.set(rl).is_ok() && rl.rlim_cur != rl.rlim_max {
        let raised = libc::rlimit { rlim_cur: rl.rlim_max, rlim_max: rl.rlim_max };
        // SAFETY: `raised` is a live local.
        unsafe { libc::setrlimit(libc::RLIMIT_STACK, &raised) };
    }
}

impl Limits {
    /// The host process's limits, with RLIMIT_NOFILE's soft value replaced
    /// by `nofile_soft` (the host's own was raised for the shared table).
    pub fn from_host(nofile_soft: usize) -> Limits {
        let mut table = [libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY }; COUNT];
        for (r, slot) in table.iter_mut().enumerate() {
            // SAFETY: getrlimit writes one rlimit into the slot.
            unsafe { libc::getrlimit(r as _, slot) };
        }
        if let Some(&stack) = HOST_STACK.get() {
            table[libc::RLIMIT_STACK as usize] = stack;
        }
        let ceiling = task_fd_ceiling() as libc::rlim_t;
        let nofile = &mut table[libc::RLIMIT_NOFILE as usize];
        nofile.rlim_max = nofile.rlim_max.min(ceiling);
        nofile.rlim_cur = (nofile_soft as libc::rlim_t).min(nofile.rlim_max);
        Limits { table }
    }

    pub fn get(&self, resource: i32) -> KResult<libc::rlimit> {
        Ok(self.table[index(resource)?])
    }

    /// setrlimit(2): the soft value may not exceed the hard one, and only
    /// a privileged caller may raise a hard limit.
    pub fn set(&mut self, resource: i32, new: libc::rlimit) -> KResult<()> {
        let i = index(resource)?;
        if new.rlim_cur > new.rlim_max {
            return Err(Errno::EINVAL);
        }
        // SAFETY: geteuid has no preconditions.
        if new.rlim_max > self.table[i].rlim_max && unsafe { libc::geteuid() } != 0 {
            return Err(Errno::EPERM);
        }
        if resource == libc::RLIMIT_NOFILE as i32 && new.rlim_max > task_fd_ceiling() as libc::rlim_t {
            return Err(Errno::EPERM);
        }
        self.table[i] = new;
        Ok(())
    }

    /// Whether a task with these limits may make one more task: RLIMIT_NPROC
    /// counts every task (they all belong to the one user that runs
    /// forkless, zombies included, as Linux counts a user's processes),
    /// the runtime's cap holds for all, and a session may hold at most its
    /// share of the cap while another session has tasks
    /// ([`session_max_tasks`]). Unlike Linux, a root host user is not
    /// exempt: the limits are what keep a fork bomb in one session from
    /// taking the others down.
    pub fn may_add_task(&self, n: TaskCount) -> KResult<()> {
        let nproc = self.table[libc::RLIMIT_NPROC as usize].rlim_cur;
        let others = n.elsewhere > 0;
        if n.live >= max_tasks()
            || (nproc != libc::RLIM_INFINITY && n.live as u64 >= nproc)
            || (others && n.in_session >= session_max_tasks())
        {
            return Err(Errno::EAGAIN);
        }
        Ok(())
    }

    /// The most bytes a task's heap may span: its RLIMIT_DATA and
    /// RLIMIT_AS, whichever is lower (the heap is the memory a task
    /// grows; its stack is bounded by RLIMIT_STACK when an image starts).
    pub fn heap_limit(&self) -> usize {
        let soft = |r: usize| match self.table[r].rlim_cur {
            libc::RLIM_INFINITY => usize::MAX,
            n => usize::try_from(n).unwrap_or(usize::MAX),
        };
        soft(libc::RLIMIT_DATA as usize).min(soft(libc::RLIMIT_AS as usize))
    }

    /// The guest stack size of a new image: RLIMIT_STACK, between 256 KiB
    /// (room for the runtime's headroom and a program's first frames) and
    /// 1 GiB; the default when unlimited.
    pub fn stack_size(&self) -> usize {
        match self.table[libc::RLIMIT_STACK as usize].rlim_cur {
            libc::RLIM_INFINITY => super::image::DEFAULT_STACK_SIZE,
            n => usize::try_from(n).unwrap_or(usize::MAX).clamp(256 << 10, 1 << 30),
        }
    }

    /// The descriptor limit as a table size.
    pub fn nofile(&self) -> usize {
        let n = self.table[libc::RLIMIT_NOFILE as usize].rlim_cur;
        if n == libc::RLIM_INFINITY {
            1 << 20
        } else {
            (n as usize).min(1 << 20)
        }
    }
}
