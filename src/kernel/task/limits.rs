//! Resource limits per task.
//!
//! "A child created via fork(2) inherits its parent's resource limits;
//! resource limits are preserved across execve(2)" (getrlimit(2)). Every
//! task carries its own table. RLIMIT_NOFILE is enforced by the task's
//! descriptor table (EMFILE); the other limits are kept and reported per
//! task (so `ulimit` in a subshell changes only the subshell) but are not
//! enforced by the runtime (see docs/limits.md).

use crate::kernel::{Errno, KResult};

/// Linux's RLIM_NLIMITS (RLIMIT_CPU .. RLIMIT_RTTIME).
const COUNT: usize = 16;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    table: [libc::rlimit; COUNT],
}

fn index(resource: i32) -> KResult<usize> {
    usize::try_from(resource).ok().filter(|&r| r < COUNT).ok_or(Errno::EINVAL)
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
        table[libc::RLIMIT_NOFILE as usize].rlim_cur = nofile_soft as libc::rlim_t;
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
        self.table[i] = new;
        Ok(())
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
