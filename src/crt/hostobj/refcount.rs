//! Host objects reference-counted across fork.
//!
//! A compiled `regex_t` points to internals (the DFA, the fastmap, the
//! translation table) that the host `regcomp` builds with the host
//! allocator and that only the host `regfree` can free. fork copies the
//! guest's `regex_t` bit for bit, so parent and child hold the same host
//! pointers; each may use them (glibc's `regexec` locks the DFA, so sharing
//! is safe), but the internals may be freed only once the last holder let
//! go.
//!
//! So every such object is registered here, in host memory, keyed by its
//! internal pointer, with a bitwise copy of the handle as `regcomp` left it
//! and the tasks that hold it:
//! - creating it registers it for the calling task ([`add_regex`]);
//! - fork gives the child a reference to everything the parent holds
//!   ([`on_fork`]);
//! - releasing it ([`release_regex`]) drops the caller's reference, and
//!   destroys the object (from the saved copy) when no task holds it any
//!   more;
//! - the end of an image (exit, exec, a killing signal) drops every
//!   reference the task still holds ([`release_task`]).

use crate::platform::c as libc;
use std::collections::BTreeMap;

use parking_lot::Mutex;

use crate::kernel::task::Pid;

/// A host object and how to destroy it.
enum HostObj {
    /// A compiled regex: the guest's `regex_t` as `regcomp` left it.
    Regex(libc::regex_t),
    /// A conversion descriptor from the host `iconv_open`.
    Iconv(usize),
}

impl HostObj {
    /// Frees the object's host memory.
    fn destroy(mut self) {
        match &mut self {
            // SAFETY: the copy holds what the host regcomp produced, and no
            // task holds the object any more, so this is its one regfree.
            HostObj::Regex(re) => unsafe { libc::regfree(re) },
            // SAFETY: a descriptor the host iconv_open returned, closed once.
            HostObj::Iconv(cd) => unsafe {
                libc::iconv_close(*cd as libc::iconv_t);
            },
        }
    }
}

struct Entry {
    obj: HostObj,
    /// How many tasks hold it.
    refs: usize,
}

struct Registry {
    /// Objects by key (their internal host pointer).
    objects: BTreeMap<usize, Entry>,
    /// The keys each task holds.
    held: BTreeMap<Pid, Vec<usize>>,
}

// SAFETY: the entries' raw pointers are host heap memory owned by the
// registry; they are only read or freed under its lock.
unsafe impl Send for Registry {}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { objects: BTreeMap::new(), held: BTreeMap::new() });

impl Registry {
    /// Drops one reference to `key`; returns the object if that was the
    /// last one.
    fn unref(&mut self, key: usize) -> Option<HostObj> {
        let e = self.objects.get_mut(&key)?;
        e.refs -= 1;
        if e.refs == 0 {
            self.objects.remove(&key).map(|e| e.obj)
        } else {
            None
        }
    }
}

/// Registers a regex the calling task `pid` just compiled.
pub fn add_regex(pid: Pid, re: &libc::regex_t) {
    add(pid, regex_key(re), HostObj::Regex(*re));
}

/// Registers a conversion descriptor the calling task `pid` just opened.
pub fn add_iconv(pid: Pid, cd: usize) {
    add(pid, cd, HostObj::Iconv(cd));
}

fn add(pid: Pid, key: usize, obj: HostObj) {
    if key == 0 {
        return;
    }
    let mut r = REGISTRY.lock();
    // A live key cannot be registered already: the host allocator does not
    // hand out an object's address again before it is freed.
    r.objects.insert(key, Entry { obj, refs: 1 });
    r.held.entry(pid).or_default().push(key);
}

/// Drops `pid`'s reference to the regex `re` and frees its internals if
/// it was the last. A `regex_t` the task does not hold (freed twice, never
/// compiled by the runtime) is left alone.
pub fn release_regex(pid: Pid, re: &libc::regex_t) {
    release(pid, regex_key(re));
}

/// Drops `pid`'s reference to the descriptor `cd` (closed when it was the
/// last); one the task does not hold is left alone.
pub fn release_iconv(pid: Pid, cd: usize) {
    release(pid, cd);
}

fn release(pid: Pid, key: usize) {
    if key == 0 {
        return;
    }
    let dead = {
        let mut r = REGISTRY.lock();
        let Some(keys) = r.held.get_mut(&pid) else { return };
        let Some(i) = keys.iter().position(|&k| k == key) else { return };
        keys.swap_remove(i);
        if keys.is_empty() {
            r.held.remove(&pid);
        }
        r.unref(key)
    };
    if let Some(obj) = dead {
        obj.destroy();
    }
}

/// fork: the child `child` holds everything its parent holds.
pub fn on_fork(parent: Pid, child: Pid) {
    let mut r = REGISTRY.lock();
    let Some(keys) = r.held.get(&parent).cloned() else { return };
    for &k in &keys {
        if let Some(e) = r.objects.get_mut(&k) {
            e.refs += 1;
        }
    }
    r.held.insert(child, keys);
}

/// The end of an image of `pid` (exit, exec, a killing signal): drops every
/// reference it still holds, freeing what no other task holds.
pub fn release_task(pid: Pid) {
    let dead: Vec<HostObj> = {
        let mut r = REGISTRY.lock();
        let Some(keys) = r.held.remove(&pid) else { return };
        keys.into_iter().filter_map(|k| r.unref(k)).collect()
    };
    for obj in dead {
        obj.destroy();
    }
}

/// How many host objects are registered, and how many references to them
/// tasks hold in all.
pub fn counts() -> (usize, usize) {
    let r = REGISTRY.lock();
    (r.objects.len(), r.objects.values().map(|e| e.refs).sum())
}

/// The registry key of a regex: the address of its host internals (0
/// when not compiled; `platform::regex_key`).
pub fn regex_key(re: &libc::regex_t) -> usize {
    crate::platform::regex_key(re)
}
