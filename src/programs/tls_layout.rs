//! Where each guest program's globals lie in a thread's static TLS block.
//!
//! Guest globals are thread-locals of the executable, so the C library
//! starts every task thread with the globals of every guest (mksh, toybox
//! and dropbear: about 60 KiB), although a thread only ever runs one
//! program at a time. Knowing each program's part of the block lets a
//! thread give the other parts' pages back (`mem::tls::release`).
//!
//! The guest build links each program into one relocatable object
//! (`ld -r`), so the final link places a program's thread-locals together:
//! one run in `.tdata` and one in `.tbss`, with only alignment padding
//! between them (tests/tls_layout.rs checks this against the binary's
//! symbol table). Their offsets from the thread pointer are fixed at link
//! time, the same in every thread.

use std::sync::Arc;

use parking_lot::Mutex;

use super::Program;
use crate::arch;

/// The widest gap between two globals of one program that is taken for
/// alignment padding.
const MAX_PADDING: isize = 64;

/// Bytes `[lo, hi)` from the thread pointer that hold only globals of one
/// program (and padding between them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// The program's identity: its unit table (multi-call programs that
    /// share one table share their globals).
    pub owner: usize,
    pub lo: isize,
    pub hi: isize,
}

/// The identity `Run::owner` uses for `program`; None for a program whose
/// globals the runtime does not know.
pub fn owner(program: &Program) -> Option<usize> {
    program.units.map(|u| u.as_ptr() as usize)
}

/// The runs of every registered guest program, in block order.
pub fn runs() -> Arc<[Run]> {
    static CACHE: Mutex<(u64, Option<Arc<[Run]>>)> = Mutex::new((0, None));
    let mut cache = CACHE.lock();
    // Every exec and thread start asks: most find the cache current.
    if let (true, Some(runs)) = (cache.0 == super::generation(), &cache.1) {
        return runs.clone();
    }
    let (programs, generation) = super::distinct();
    let runs: Arc<[Run]> = compute(&programs).into();
    *cache = (generation, Some(runs.clone()));
    runs
}

fn compute(programs: &[Arc<Program>]) -> Vec<Run> {
    if cfg!(forkless_emutls) {
        return Vec::new(); // the globals are arena memory (`mem::emutls`)
    }
    let tp = arch::thread_pointer();
    let (start, len) = crate::mem::tls::static_block(tp);
    let mut owners: Vec<usize> = Vec::new();
    let mut runs = Vec::new();
    for p in programs {
        let Some(owner) = owner(p) else { continue };
        if owners.contains(&owner) {
            continue;
        }
        owners.push(owner);
        let mut spans: Vec<(isize, isize)> = p
            .globals()
            .filter(|g| g.size > 0)
            // SAFETY: each getter returns the calling thread's address of
            // its variable and has no other effect.
            .map(|g| (unsafe { (g.addr)() } as usize, g.size))
            .filter(|&(a, size)| a >= start && a + size <= start + len)
            .map(|(a, size)| (a.wrapping_sub(tp) as isize, (a + size).wrapping_sub(tp) as isize))
            .collect();
        spans.sort_unstable_by_key(|s| s.0);
        let mut merged: Vec<(isize, isize)> = Vec::new();
        for (lo, hi) in spans {
            match merged.last_mut() {
                Some(last) if lo <= last.1 + MAX_PADDING => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        runs.extend(merged.into_iter().map(|(lo, hi)| Run { owner, lo, hi }));
    }
    // In block order, as `spans_to_release` walks them.
    runs.sort_unstable_by_key(|r| r.lo);
    runs
}

/// The spans a thread may give back when it keeps only `keep`'s globals
/// (None: keeps none) and holds pages of the programs in `held` (None:
/// of every program): every
/// other program's runs, those of neighbouring programs joined when less
/// than `MAX_PADDING` apart (tests/tls_layout.rs checks that no symbol
/// lies between them), so that a page two such runs share is given back
/// too. Programs lie side by side in the block and its start is not page
/// aligned, so without the joining each boundary between two programs
/// the thread does not run kept a page, about 6 pages a thread with 8
/// guests. Only spans holding a run of `held` are returned: the others'
/// pages are given back already.
pub fn spans_to_release(keep: Option<usize>, held: Option<&[usize]>) -> Vec<(isize, isize)> {
    // (lo, hi, whether it holds a run of `held`)
    let mut spans: Vec<(isize, isize, bool)> = Vec::new();
    let mut joinable = false;
    for r in runs().iter() {
        if Some(r.owner) == keep {
            joinable = false;
            continue;
        }
        let is_held = held.is_none_or(|h| h.contains(&r.owner));
        match spans.last_mut() {
            Some(last) if joinable && r.lo <= last.1 + MAX_PADDING => {
                last.1 = last.1.max(r.hi);
                last.2 |= is_held;
            }
            _ => spans.push((r.lo, r.hi, is_held)),
        }
        joinable = true;
    }
    spans.into_iter().filter(|s| s.2).map(|(lo, hi, _)| (lo, hi)).collect()
}

/// The layout as text, for tests/tls_layout.rs: a line `run NAME LO HI`
/// for each run and `global NAME OFFSET SIZE` for each global in the
/// static block (offsets from the thread pointer, NAME the program's),
/// and `stack_end OFFSET`: where a new thread's stack mapping ends, from
/// its thread pointer, so the test can find the block in any task thread.
pub fn describe() -> String {
    use std::fmt::Write as _;
    let (programs, _) = super::distinct();
    if cfg!(forkless_emutls) {
        return String::new();
    }
    let runs = runs();
    let tp = arch::thread_pointer();
    let (start, len) = crate::mem::tls::static_block(tp);
    let mut out = String::new();
    let mut seen = Vec::new();
    for p in &programs {
        let Some(owner) = owner(p) else { continue };
        if seen.contains(&owner) {
            continue;
        }
        seen.push(owner);
        for r in runs.iter().filter(|r| r.owner == owner) {
            let _ = writeln!(out, "run {} {} {}", p.name, r.lo, r.hi);
        }
        for g in p.globals().filter(|g| g.size > 0) {
            // SAFETY: as in `compute`.
            let a = unsafe { (g.addr)() } as usize;
            if a >= start && a + g.size <= start + len {
                let _ = writeln!(out, "global {} {} {}", p.name, a.wrapping_sub(tp) as isize, g.size);
            }
        }
    }
    #[cfg(target_os = "linux")]
    if let Ok(Some(offset)) = std::thread::spawn(stack_end_from_thread_pointer).join() {
        let _ = writeln!(out, "stack_end {offset}");
    }
    out
}

/// The calling thread's stack mapping's end, from its thread pointer (the
/// same in every thread the C library starts).
#[cfg(target_os = "linux")]
fn stack_end_from_thread_pointer() -> Option<isize> {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    let (mut addr, mut size) = (std::ptr::null_mut(), 0usize);
    // SAFETY: the attribute object is initialized by pthread_getattr_np
    // before it is read, and destroyed once.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let got = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size);
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        if got != 0 {
            return None;
        }
    }
    Some((addr as usize + size).wrapping_sub(arch::thread_pointer()) as isize)
}
