//! <utmpx.h>'s login records: a database of the runtime's own.
//!
//! glibc's functions read and write the host's /var/run/utmp with one
//! position for the whole process: under forkless, `who` would list the
//! host's logins, forkless's ssh sessions would be written among them (or
//! not at all, without the right to), and every task would share one
//! position. Here the records are the runtime's, in memory: dropbear writes
//! a USER_PROCESS record when a session gets its pty and a DEAD_PROCESS one
//! when the session ends (its loginrec, through pututxline), and `who`,
//! `w` and `uptime` read them. They last as long as the forkless process,
//! as utmp on Linux's tmpfs /run lasts until reboot. Each task has its own
//! position and result buffer, in its arena.
//!
//! Matching follows glibc: getutxid matches the record type for
//! RUN_LVL, BOOT_TIME, NEW_TIME and OLD_TIME and `ut_id` for the process
//! types; getutxline matches `ut_line` among LOGIN_PROCESS and
//! USER_PROCESS records; pututxline replaces the record getutxid finds
//! (searching from the start) or appends.

use parking_lot::Mutex;

use crate::kernel::{Errno, KResult};
use crate::platform::c as libc;

/// Every record, in the order first written.
static RECORDS: Mutex<Vec<libc::utmpx>> = Mutex::new(Vec::new());

#[repr(C)]
pub struct UtmpxState {
    /// Index of the next record getutxent returns.
    next: usize,
    /// The record the last call returned (an arena block), or null.
    result: *mut libc::utmpx,
}

/// Copies `rec` to the task's result buffer and returns it.
fn give(st: &mut UtmpxState, rec: libc::utmpx) -> KResult<*mut libc::utmpx> {
    if st.result.is_null() {
        st.result = crate::crt::alloc(std::mem::size_of::<libc::utmpx>())?.cast();
    }
    // SAFETY: an arena block of a utmpx's size, owned by this task.
    unsafe { st.result.write(rec) };
    Ok(st.result)
}

/// setutxent / endutxent: back to the first record.
pub fn rewind(st: &mut UtmpxState) {
    st.next = 0;
}

/// getutxent: the next record; ESRCH after the last (glibc's errno).
pub fn next(st: &mut UtmpxState) -> KResult<*mut libc::utmpx> {
    let rec = RECORDS.lock().get(st.next).copied().ok_or(Errno::ESRCH)?;
    st.next += 1;
    give(st, rec)
}

fn is_process(t: libc::c_short) -> bool {
    matches!(t, libc::INIT_PROCESS | libc::LOGIN_PROCESS | libc::USER_PROCESS | libc::DEAD_PROCESS)
}

/// The record types that stand for an event, one record each.
fn is_time(t: libc::c_short) -> bool {
    matches!(t, libc::RUN_LVL | libc::BOOT_TIME | libc::NEW_TIME | libc::OLD_TIME)
}

/// Whether `rec` is the record getutxid looks for with `key`.
fn same_id(rec: &libc::utmpx, key: &libc::utmpx) -> bool {
    match key.ut_type {
        t if is_time(t) => rec.ut_type == t,
        t if is_process(t) => is_process(rec.ut_type) && rec.ut_id == key.ut_id,
        _ => false,
    }
}

/// Searches from the task's position; on a match the position moves past
/// it, as glibc's does.
fn find(
    st: &mut UtmpxState,
    key: &libc::utmpx,
    hit: impl Fn(&libc::utmpx, &libc::utmpx) -> bool,
) -> KResult<*mut libc::utmpx> {
    let found = {
        let recs = RECORDS.lock();
        recs.iter().enumerate().skip(st.next).find(|(_, r)| hit(r, key)).map(|(i, r)| (i, *r))
    };
    let Some((i, rec)) = found else {
        st.next = usize::MAX;
        return Err(Errno::ESRCH);
    };
    st.next = i + 1;
    give(st, rec)
}

/// getutxid(3).
pub fn by_id(st: &mut UtmpxState, key: &libc::utmpx) -> KResult<*mut libc::utmpx> {
    if !is_process(key.ut_type) && !is_time(key.ut_type) {
        return Err(Errno::EINVAL);
    }
    find(st, key, same_id)
}

/// getutxline(3).
pub fn by_line(st: &mut UtmpxState, key: &libc::utmpx) -> KResult<*mut libc::utmpx> {
    find(st, key, |r, k| matches!(r.ut_type, libc::LOGIN_PROCESS | libc::USER_PROCESS) && r.ut_line == k.ut_line)
}

/// pututxline(3): replaces the record with `rec`'s identity, or appends.
pub fn put(st: &mut UtmpxState, rec: &libc::utmpx) -> KResult<*mut libc::utmpx> {
    if !is_process(rec.ut_type) && !is_time(rec.ut_type) {
        return Err(Errno::EINVAL);
    }
    {
        let mut recs = RECORDS.lock();
        match recs.iter_mut().find(|r| same_id(r, rec)) {
            Some(r) => *r = *rec,
            None => recs.push(*rec),
        }
    }
    give(st, *rec)
}
