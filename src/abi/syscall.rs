//! syscall(2) (<unistd.h>): raw system calls by number.
//!
//! A raw call bypasses the C library's names the shim renames, so its
//! descriptors, process ids and relative paths would reach the host as if
//! they were the host's: toybox's `copy_file_range` would copy between
//! whatever host descriptors happen to carry the task's numbers. So the
//! numbers are sorted: those with a task-aware implementation run it,
//! those whose arguments mean the same to the host pass through, and every
//! other number fails with ENOSYS, as a kernel without that call does
//! (toybox then falls back or reports it).

use crate::platform::c as libc;
use std::ffi::c_long;

use super::{me, sys};
use crate::kernel::fd::{file::Kind, ops::file};
use crate::kernel::{host, Errno, KResult};

/// syscall(2) with its six argument words read (`variadic.c`).
///
/// # Safety
/// `args` points to six words; pointer arguments are what `nr` expects.
#[no_mangle]
pub unsafe extern "C" fn tvm_syscall_args(nr: c_long, args: *const c_long) -> c_long {
    sys("syscall", || {
        // SAFETY: six words, per the caller.
        let a = unsafe { std::slice::from_raw_parts(args, 6) };
        match nr {
            libc::SYS_copy_file_range => copy_file_range(a),
            // No descriptor, process id or path among the arguments. The
            // timers are the host process's (docs/host-objects.md).
            libc::SYS_getrandom
            | libc::SYS_sched_get_priority_min
            | libc::SYS_sched_get_priority_max
            | libc::SYS_timer_create
            | libc::SYS_timer_settime
            | libc::SYS_timer_gettime
            | libc::SYS_timer_getoverrun
            | libc::SYS_timer_delete => {
                // SAFETY: the caller's arguments for a call that takes
                // nothing the task and the host see differently.
                host(unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) } as i64).map(|v| v as c_long)
            }
            _ => Err(Errno::ENOSYS),
        }
    })
}

/// copy_file_range(2) between task descriptors: regular files only, as
/// Linux requires (EINVAL otherwise; EBADF for a bad descriptor).
fn copy_file_range(a: &[c_long]) -> KResult<c_long> {
    let task = me();
    let (fin, fout) = (file(task, a[0] as i32)?, file(task, a[2] as i32)?);
    if fin.kind() != Kind::Regular || fout.kind() != Kind::Regular {
        return Err(Errno::EINVAL);
    }
    // SAFETY: host descriptors of live task files; the offset pointers and
    // length are the caller's, as copy_file_range takes them.
    host(unsafe { libc::syscall(libc::SYS_copy_file_range, fin.host_fd()?, a[1], fout.host_fd()?, a[3], a[4], a[5]) }
        as i64)
    .map(|v| v as c_long)
}
