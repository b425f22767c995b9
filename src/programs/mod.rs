//! The program registry and the runtime's built-in programs.
//!
//! A program is a C-style `main` registered under one or more absolute
//! paths (`/bin/sh`, `/bin/ksh`, ...). `execve` and `posix_spawn` look paths
//! up here; a path that is not registered is not runnable (see
//! `kernel::task::exec`).

pub mod bundled;
pub mod guest_text;
pub mod tls_layout;
pub mod tvm_cmd;

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void};
use std::sync::{Arc, LazyLock};
use std::time::SystemTime;

use parking_lot::RwLock;

use crate::kernel::{Errno, KResult};

/// The C `main` signature every program has.
pub type MainFn = unsafe extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char) -> c_int;

/// A function that runs before `main` in every new image of a program
/// (the runtime initializers of its globals).
pub type InitFn = unsafe extern "C" fn();

/// One per-task global of a guest program: the guest build makes every
/// writable global thread-local and describes it here (see `guestbuild`),
/// so fork can copy it to the child.
#[repr(C)]
#[derive(Debug)]
pub struct GlobalDesc {
    /// Returns the variable's address in the calling thread.
    pub addr: unsafe extern "C" fn() -> *mut c_void,
    pub size: usize,
    /// "file:name", for diagnostics.
    pub name: *const c_char,
}

// SAFETY: descriptors are immutable data generated at build time.
unsafe impl Sync for GlobalDesc {}

/// One compiled unit of a guest program: its globals and initializer
/// (laid out as the embedding API's `tvm_unit_t`).
#[derive(Debug)]
#[repr(C)]
pub struct GuestUnit {
    pub globals: *const GlobalDesc,
    pub count: usize,
    pub init: Option<InitFn>,
}

// SAFETY: units describe immutable data generated at build time.
unsafe impl Sync for GuestUnit {}

impl GuestUnit {
    pub fn globals(&self) -> &'static [GlobalDesc] {
        if self.count == 0 {
            return &[];
        }
        // SAFETY: the generated table has `count` descriptors and lives for
        // the whole program.
        unsafe { std::slice::from_raw_parts(self.globals, self.count) }
    }
}

/// A registered program.
#[derive(Debug)]
pub struct Program {
    /// Basename of the first path it was registered under.
    pub name: String,
    pub main: MainFn,
    /// Its compiled units, with their globals; None when it was registered
    /// as a bare `main` (`register`, `tvm_register_program`), whose globals
    /// the runtime does not know, so it cannot fork (docs/guest-build.md).
    pub units: Option<&'static [GuestUnit]>,
}

impl Program {
    /// Every per-task global of the program.
    pub fn globals(&self) -> impl Iterator<Item = &'static GlobalDesc> {
        self.units.unwrap_or_default().iter().flat_map(GuestUnit::globals)
    }

    /// Runs the runtime initializers of the program's globals.
    ///
    /// # Safety
    /// Must run on the thread of a fresh image of this program, before main.
    pub unsafe fn run_initializers(&self) {
        for init in self.units.unwrap_or_default().iter().filter_map(|u| u.init) {
            // SAFETY: per the caller; generated code that assigns globals.
            unsafe { init() };
        }
    }
}

/// The registry's maps hash with foldhash: `forkless` registers about a
/// thousand paths at every start, where SipHash cost more than the maps.
type Map<K> = HashMap<K, Arc<Program>, foldhash::fast::RandomState>;

#[derive(Default)]
struct Registry {
    by_path: Map<String>,
    by_main: Map<usize>,
    since: Option<SystemTime>,
    /// Bumped whenever a new program appears (see `tls_layout`).
    generation: u64,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(Default::default);

fn valid_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() > 1
        && !path.ends_with('/')
        && path[1..].split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Registers a bare `main` under `path` (absolute and normalized, else
/// EINVAL). Registering the same program again is harmless; a different
/// program at a taken path is EEXIST. Its globals are unknown, so its
/// fork() fails (ENOSYS, with a message on stderr) instead of letting a
/// child share them; a C program that forks goes through the guest build
/// and `register_guest`.
pub fn register(path: &str, main: MainFn) -> KResult<Arc<Program>> {
    register_units(path, main, None)
}

/// Makes room for `paths` more registrations at once.
pub fn reserve(paths: usize) {
    REGISTRY.write().by_path.reserve(paths);
}

/// Registers a compiled guest program (see `GuestProgram`) under `path`.
pub fn register_guest(path: &str, p: &'static GuestProgram) -> KResult<Arc<Program>> {
    register_units(path, p.main, Some(p.units))
}

/// Registers a guest program from its parts (the embedding API's
/// `tvm_register_guest`).
pub fn register_guest_units(path: &str, main: MainFn, units: &'static [GuestUnit]) -> KResult<Arc<Program>> {
    register_units(path, main, Some(units))
}

fn register_units(path: &str, main: MainFn, units: Option<&'static [GuestUnit]>) -> KResult<Arc<Program>> {
    if !valid_path(path) {
        return Err(Errno::EINVAL);
    }
    let mut r = REGISTRY.write();
    let key = main as usize;
    if let Some(existing) = r.by_path.get(path) {
        return if existing.main as usize == key { Ok(existing.clone()) } else { Err(Errno::EEXIST) };
    }
    let base = path.rsplit('/').next().unwrap_or(path);
    if !r.by_main.contains_key(&key) {
        r.generation += 1;
    }
    let prog =
        r.by_main.entry(key).or_insert_with(|| Arc::new(Program { name: base.to_string(), main, units })).clone();
    r.by_path.insert(path.to_string(), prog.clone());
    r.since.get_or_insert_with(SystemTime::now);
    Ok(prog)
}

/// The other name of `path` in a merged-/usr layout (/bin/ls and
/// /usr/bin/ls, /sbin/ip and /usr/sbin/ip are one file there).
///
/// Programs are registered at both, so a PATH search finds a program
/// whichever of the two directories comes first, and a host executable at
/// the twin (which a task could not run) never shadows it.
pub fn merged_usr_twin(path: &str) -> Option<String> {
    for (short, long) in [("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/")] {
        if let Some(name) = path.strip_prefix(short) {
            return Some(format!("{long}{name}"));
        }
        if let Some(name) = path.strip_prefix(long) {
            return Some(format!("{short}{name}"));
        }
    }
    None
}

/// The program at an absolute, normalized path.
pub fn lookup(path: &str) -> Option<Arc<Program>> {
    REGISTRY.read().by_path.get(path).cloned()
}

/// Every registered path with its program, sorted by path.
pub fn all() -> Vec<(String, Arc<Program>)> {
    let mut v: Vec<_> = REGISTRY.read().by_path.iter().map(|(p, prog)| (p.clone(), prog.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Every distinct program, and the registry's generation (which changes
/// whenever a program is added).
pub fn distinct() -> (Vec<Arc<Program>>, u64) {
    let r = REGISTRY.read();
    (r.by_main.values().cloned().collect(), r.generation)
}

/// The registry's generation alone (see [`distinct`]).
pub fn generation() -> u64 {
    REGISTRY.read().generation
}

/// When the first program was registered (the mtime programs appear with).
pub fn registered_at() -> SystemTime {
    REGISTRY.read().since.unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Directories searched, in order, when a command is named without a path.
pub const COMMAND_DIRS: &[&str] = &["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"];

/// Finds a command for the `forkless NAME` multicall: a path is looked up
/// as is; a bare name in the usual directories.
pub fn find_command(name: &str) -> Option<(String, Arc<Program>)> {
    if name.contains('/') {
        return lookup(name).map(|p| (name.to_string(), p));
    }
    COMMAND_DIRS.iter().find_map(|d| {
        let path = format!("{d}/{name}");
        lookup(&path).map(|p| (path, p))
    })
}

/// Registers the runtime's own programs.
pub fn register_builtins() {
    for path in ["/bin/tvm", "/usr/bin/tvm"] {
        register(path, tvm_cmd::main).expect("builtin program paths are valid and free");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn a(_: c_int, _: *mut *mut c_char, _: *mut *mut c_char) -> c_int {
        1
    }
    unsafe extern "C" fn b(_: c_int, _: *mut *mut c_char, _: *mut *mut c_char) -> c_int {
        2
    }

    #[test]
    fn merged_usr_twins() {
        assert_eq!(merged_usr_twin("/bin/ls").as_deref(), Some("/usr/bin/ls"));
        assert_eq!(merged_usr_twin("/usr/sbin/ip").as_deref(), Some("/sbin/ip"));
        assert_eq!(merged_usr_twin("/usr/local/bin/x"), None);
        assert_eq!(merged_usr_twin("/binx/y"), None);
    }

    #[test]
    fn register_and_lookup() {
        assert_eq!(register("relative", a).unwrap_err(), Errno::EINVAL);
        assert_eq!(register("/x/../y", a).unwrap_err(), Errno::EINVAL);
        assert_eq!(register("/x/", a).unwrap_err(), Errno::EINVAL);
        let p = register("/unit/reg/a", a).unwrap();
        let q = register("/unit/reg/alias", a).unwrap();
        assert!(Arc::ptr_eq(&p, &q));
        assert_eq!(p.name, "a");
        assert_eq!(register("/unit/reg/a", b).unwrap_err(), Errno::EEXIST);
        assert!(lookup("/unit/reg/a").is_some());
        assert!(lookup("/unit/reg/b").is_none());
    }
}

/// A guest program compiled by the guest build (see the `guestbuild`
/// crate): its id, a tag from the build, and its renamed `main`.
#[derive(Clone, Copy, Debug)]
pub struct GuestProgram {
    pub id: &'static str,
    pub tag: &'static str,
    pub main: MainFn,
    pub units: &'static [GuestUnit],
}
