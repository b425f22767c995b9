//! execve: replacing a task's program.
//!
//! "execve() executes the program referred to by pathname. [...] The
//! process ID is unchanged; file descriptors open with FD_CLOEXEC are
//! closed; the dispositions of caught signals are reset to the default"
//! (execve(2)).
//!
//! Programs are the registered ones (see `programs`). A path resolves, in
//! order, to: a registered program; a `#!` script whose interpreter resolves
//! (recursively, as Linux does); or an error chosen the way the kernel would
//! choose it for the host file at that path: ENOENT (nothing there),
//! ENOTDIR (a path component is a file, a registered program included),
//! EACCES (a directory, a non-regular file, no execute permission, or a
//! host binary, which cannot run inside this process and so reads as not
//! executable), ENOEXEC (a text file without `#!`). The runtime's own host executable is the exception: run
//! under a program's name it runs that program (multicall). The `p`
//! variants search PATH for a registered program or script; host binaries
//! are invisible to that search. See docs/exec.md.
//!
//! The new program runs on a new thread (fresh thread-local state); this
//! thread then leaves the old image and frees it.

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::sync::{mpsc, Arc};

use super::shown::Shown;
use super::thread::{self, Outcome, ProgramStart};
use super::{table, Task};
use crate::kernel::fs::{At, PATH_MAX};
use crate::kernel::{host, Errno, KResult};
use crate::programs::{self, Program};

/// Bytes of a file the kernel reads to recognize `#!` (BINPRM_BUF_SIZE).
const SHEBANG_MAX: usize = 256;
/// Interpreter nesting the kernel allows before ELOOP.
const MAX_INTERP_DEPTH: usize = 4;
/// Longest single argument or environment string (MAX_ARG_STRLEN).
const MAX_ARG_STRLEN: usize = 32 * 4096;
/// glibc's default search path when PATH is unset (confstr _CS_PATH).
pub const DEFAULT_PATH: &[u8] = b"/bin:/usr/bin";

/// A resolved exec: the program to run and the argv it receives.
#[derive(Debug)]
pub struct Resolved {
    pub program: Arc<Program>,
    pub argv: Vec<CString>,
    /// Where the program was found (a registered path).
    pub path: String,
}

/// What a non-program host file turned out to be.
enum HostFile {
    Script {
        interp: CString,
        arg: Option<CString>,
    },
    /// A host executable (ELF or Mach-O): it cannot run inside this
    /// process, so it reads as not executable.
    HostBinary,
    /// Not an executable format; `text` when it is a text file without
    /// `#!` (which execvp hands to the shell).
    NoExec {
        text: bool,
    },
}

/// Resolves `path` as execve(2) would.
pub fn resolve(task: &Task, path: &CStr, argv: Vec<CString>) -> KResult<Resolved> {
    resolve_depth(task, path, argv, 0)
}

fn resolve_depth(task: &Task, path: &CStr, argv: Vec<CString>, depth: usize) -> KResult<Resolved> {
    let bytes = path.to_bytes();
    if bytes.is_empty() {
        return Err(Errno::ENOENT);
    }
    if bytes.len() >= PATH_MAX || bytes.split(|&b| b == b'/').any(|c| c.len() > 255) {
        return Err(Errno::ENAMETOOLONG);
    }
    let abs = crate::kernel::fs::lexical_absolute(task, bytes)?;
    if let Some((path, program)) = program_at(task, &abs) {
        return Ok(Resolved { program, argv, path });
    }
    let mut prefix = String::new();
    for comp in abs.split('/').filter(|c| !c.is_empty()).collect::<Vec<_>>().split_last().map_or(&[][..], |(_, r)| r) {
        prefix.push('/');
        prefix.push_str(comp);
        if programs::lookup(&prefix).is_some() {
            return Err(Errno::ENOTDIR);
        }
    }
    if let Some(r) = as_multicall(task, path, &argv)? {
        return Ok(r);
    }
    match inspect_host_file(task, path)? {
        // A host binary reads as not executable inside forkless (X_OK and
        // stat's execute bits say so too: `runs_no_host_binary`).
        HostFile::HostBinary => Err(Errno::EACCES),
        HostFile::NoExec { .. } => Err(Errno::ENOEXEC),
        HostFile::Script { interp, arg } => {
            if depth >= MAX_INTERP_DEPTH {
                return Err(Errno::ELOOP);
            }
            let mut new_argv = vec![interp.clone()];
            new_argv.extend(arg);
            new_argv.push(path.to_owned());
            new_argv.extend(argv.into_iter().skip(1));
            resolve_depth(task, &interp, new_argv, depth + 1)
        }
    }
}

/// Whether the host file at `path` is executable inside forkless as far
/// as the host binaries go: false when it is a host binary (not the
/// runtime's own), or a `#!` script whose interpreter chain ends in one.
/// access(X_OK) and stat's execute bits report this, so that a PATH
/// search passes such a file by, as it passes a file without execute
/// permission, and `command -v perl` agrees with a system without perl
/// (docs/fs.md). Registered programs, text files without `#!` (which
/// shells run themselves) and files that are not there are not its
/// business: true.
pub fn runs_no_host_binary(task: &Task, path: &CStr) -> bool {
    runs_no_host_binary_at(task, path, 0)
}

fn runs_no_host_binary_at(task: &Task, path: &CStr, depth: usize) -> bool {
    let Ok(abs) = crate::kernel::fs::lexical_absolute(task, path.to_bytes()) else { return true };
    if program_at(task, &abs).is_some() {
        return true;
    }
    match inspect_host_file(task, path) {
        Ok(HostFile::HostBinary) => is_own_binary(task, path),
        Ok(HostFile::Script { interp, .. }) => {
            depth >= MAX_INTERP_DEPTH || runs_no_host_binary_at(task, &interp, depth + 1)
        }
        _ => true,
    }
}

/// Links followed from a name to the program it stands for (the kernel's
/// MAXSYMLINKS).
const MAX_LINKS: usize = 40;

/// The program an absolute path stands for: registered at the path itself,
/// or at the end of the host symlinks it names, with the registered path.
/// exec follows links on any Unix: after `ln -s /bin/sleep nap`, `./nap 5`
/// runs sleep (toybox's ps test does this), and a host file the link
/// passes through on the way (the host's own /bin/sleep) does not matter.
pub fn program_at(task: &Task, abs: &str) -> Option<(String, Arc<Program>)> {
    let mut path = abs.to_string();
    for _ in 0..MAX_LINKS {
        if let Some(program) = programs::lookup(&path) {
            return Some((path, program));
        }
        let target = std::fs::read_link(&path).ok()?;
        let target = target.as_os_str().as_bytes();
        let joined = match (target.first(), path.rfind('/')) {
            (Some(b'/'), _) | (_, None) => target.to_vec(),
            (_, Some(i)) => [&path.as_bytes()[..=i], target].concat(),
        };
        path = crate::kernel::fs::lexical_absolute(task, &joined).ok()?;
    }
    None
}

/// The host executable this runtime runs in: its device, inode and size.
fn own_binary() -> Option<(libc::dev_t, libc::ino_t, u64)> {
    static OWN: std::sync::OnceLock<Option<(libc::dev_t, libc::ino_t, u64)>> = std::sync::OnceLock::new();
    *OWN.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        // The file opened, not stat() of the path: the same on Linux, but
        // qemu-user answers stat("/proc/self/exe") with qemu's own binary
        // and only redirects the open to the program it runs
        // (docs/platforms.md).
        let m = std::fs::File::open(crate::platform::own_exe()?).and_then(|f| f.metadata()).ok()?;
        Some((m.dev() as libc::dev_t, m.ino() as libc::ino_t, m.size()))
    })
}

/// Whether the host file at `path` is the runtime's executable: the same
/// file, or a copy of it (`cp forkless sh` runs like the original, as a
/// copied native binary would).
fn is_own_binary(task: &Task, path: &CStr) -> bool {
    let Some((dev, ino, size)) = own_binary() else { return false };
    let Ok(at) = At::resolve(task, libc::AT_FDCWD, path) else { return false };
    // SAFETY: stat is plain data; zero is valid.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: NUL-terminated path and a live out-parameter.
    if unsafe { libc::fstatat(at.raw(), path.as_ptr(), &mut st, 0) } != 0 {
        return false;
    }
    if (st.st_dev, st.st_ino) == (dev, ino) {
        return true;
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFREG || st.st_size as u64 != size {
        return false;
    }
    let Ok((_at, p)) = crate::kernel::fs::host_path(task, path) else { return false };
    let p = std::path::Path::new(std::ffi::OsStr::from_bytes(p.to_bytes()));
    match (
        std::fs::read(p),
        crate::platform::own_exe().map_or_else(|| Err(std::io::ErrorKind::NotFound.into()), std::fs::read),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// exec of the runtime's own host executable (under any name, through any
/// symlink) runs a registered program, as starting `forkless` from the host
/// does: the one named by the path's last component, else by the target of
/// each symlink along the chain (toybox's multicall rule), and for the name
/// `forkless` the one named by argv[1]. `None` when `path` is another file.
fn as_multicall(task: &Task, path: &CStr, argv: &[CString]) -> KResult<Option<Resolved>> {
    if !is_own_binary(task, path) {
        return Ok(None);
    }
    let at = At::resolve(task, libc::AT_FDCWD, path)?;
    let mut link = path.to_bytes().to_vec();
    for _ in 0..MAX_LINKS {
        let base = link.rsplit(|&b| b == b'/').next().unwrap_or(&link);
        let base = String::from_utf8_lossy(base).into_owned();
        if base == "forkless" {
            let name = argv.get(1).ok_or(Errno::ENOEXEC)?;
            let (path, program) = programs::find_command(&name.to_string_lossy()).ok_or(Errno::ENOENT)?;
            return Ok(Some(Resolved { program, argv: argv[1..].to_vec(), path }));
        }
        if let Some((path, program)) = programs::find_command(&base) {
            return Ok(Some(Resolved { program, argv: argv.to_vec(), path }));
        }
        let c = CString::new(link.clone()).map_err(|_| Errno::ENOEXEC)?;
        let mut buf = [0u8; PATH_MAX];
        // SAFETY: NUL-terminated path; `buf` is live for its length.
        let n = unsafe { libc::readlinkat(at.raw(), c.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        let target = &buf[..n as usize];
        link = match link.iter().rposition(|&b| b == b'/') {
            Some(i) if target.first() != Some(&b'/') => [&link[..=i], target].concat(),
            _ => target.to_vec(),
        };
    }
    Err(Errno::ENOEXEC)
}

/// Classifies the host file at `path` the way the kernel's exec would.
fn inspect_host_file(task: &Task, path: &CStr) -> KResult<HostFile> {
    let at = At::resolve(task, libc::AT_FDCWD, path)?;
    // SAFETY: stat is plain data; zero is valid.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: NUL-terminated path and a live out-parameter.
    host(unsafe { libc::fstatat(at.raw(), path.as_ptr(), &mut st, 0) })?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Errno::EACCES);
    }
    // SAFETY: NUL-terminated path, integer arguments.
    host(unsafe { libc::faccessat(at.raw(), path.as_ptr(), libc::X_OK, libc::AT_EACCESS) }).map_err(|e| {
        if e == Errno::ENOENT {
            e
        } else {
            Errno::EACCES
        }
    })?;
    // SAFETY: NUL-terminated path, integer arguments.
    let fd = host(unsafe { libc::openat(at.raw(), path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOCTTY) })?;
    let mut head = [0u8; SHEBANG_MAX];
    // SAFETY: `head` is a live buffer; `fd` is ours and closed right after.
    let n = unsafe {
        let n = libc::read(fd, head.as_mut_ptr().cast(), head.len());
        libc::close(fd);
        n
    };
    let head = &head[..n.max(0) as usize];
    if !head.starts_with(b"#!") {
        let executable = head.starts_with(b"\x7fELF")
            || head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
            || head.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
            || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe]);
        if executable {
            return Ok(HostFile::HostBinary);
        }
        return Ok(HostFile::NoExec { text: !head.contains(&0) });
    }
    parse_shebang(&head[2..])
}

/// Parses the rest of a `#!` line: interpreter, then at most one argument
/// (the remainder of the line, trimmed), as Linux does.
fn parse_shebang(line: &[u8]) -> KResult<HostFile> {
    let Some(end) = line.iter().position(|&b| b == b'\n') else {
        // The line does not fit the kernel's buffer.
        return Err(Errno::ENOEXEC);
    };
    let line = &line[..end];
    let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = line.iter().position(|b| !is_blank(b)).unwrap_or(line.len());
    let line = &line[start..];
    let ilen = line.iter().position(is_blank).unwrap_or(line.len());
    if ilen == 0 {
        return Err(Errno::ENOEXEC);
    }
    let interp = CString::new(&line[..ilen]).map_err(|_| Errno::ENOEXEC)?;
    let rest = &line[ilen..];
    let a = rest.iter().position(|b| !is_blank(b)).unwrap_or(rest.len());
    let z = rest.iter().rposition(|b| !is_blank(b)).map_or(a, |z| z + 1);
    let arg = (a < z).then(|| CString::new(&rest[a..z]).map_err(|_| Errno::ENOEXEC)).transpose()?;
    Ok(HostFile::Script { interp, arg })
}

/// Searches PATH (`path_var`, or the default) for `file`, as execvp(3)
/// does. With `shell_fallback`, a text file without `#!` is run by
/// /bin/sh (execvp's ENOEXEC rule); posix_spawnp has no such rule.
pub fn resolve_in_path(
    task: &Task,
    file: &CStr,
    argv: Vec<CString>,
    path_var: Option<&[u8]>,
    shell_fallback: bool,
) -> KResult<Resolved> {
    let name = file.to_bytes();
    if name.is_empty() {
        return Err(Errno::ENOENT);
    }
    if name.contains(&b'/') {
        return resolve_or_shell(task, file, argv, shell_fallback);
    }
    if name.len() > 255 {
        return Err(Errno::ENAMETOOLONG);
    }
    let mut saw_eacces = false;
    for dir in path_var.unwrap_or(DEFAULT_PATH).split(|&b| b == b':') {
        let mut cand = dir.to_vec();
        if !cand.is_empty() {
            cand.push(b'/');
        }
        cand.extend_from_slice(name);
        let Ok(cand) = CString::new(cand) else { continue };
        match resolve_or_shell(task, &cand, argv.clone(), shell_fallback) {
            Ok(r) => return Ok(r),
            Err(Errno::EACCES) => saw_eacces = true,
            Err(Errno::ENOENT | Errno::ENOTDIR | Errno::ESTALE | Errno::ENODEV | Errno::ETIMEDOUT | Errno::ENOEXEC) => {
            }
            Err(e) => return Err(e),
        }
    }
    Err(if saw_eacces { Errno::EACCES } else { Errno::ENOENT })
}

/// `resolve`, plus execvp's shell fallback for text files without `#!`.
fn resolve_or_shell(task: &Task, path: &CStr, argv: Vec<CString>, shell_fallback: bool) -> KResult<Resolved> {
    match resolve(task, path, argv.clone()) {
        Err(Errno::ENOEXEC)
            if shell_fallback && matches!(inspect_host_file(task, path), Ok(HostFile::NoExec { text: true })) =>
        {
            let mut sh_argv = vec![CString::from(c"/bin/sh"), path.to_owned()];
            sh_argv.extend(argv.into_iter().skip(1));
            resolve(task, c"/bin/sh", sh_argv).map_err(|_| Errno::ENOEXEC)
        }
        r => r,
    }
}

/// Checks argv and environment against the kernel's limits (E2BIG).
pub fn check_arg_size(argv: &[CString], envp: &[CString]) -> KResult<()> {
    // SAFETY: sysconf has no preconditions.
    let arg_max = match unsafe { libc::sysconf(libc::_SC_ARG_MAX) } {
        n if n > 0 => n as usize,
        _ => 2 << 20,
    };
    let mut total = 0usize;
    for s in argv.iter().chain(envp) {
        let len = s.as_bytes_with_nul().len();
        if len > MAX_ARG_STRLEN {
            return Err(Errno::E2BIG);
        }
        total += len + std::mem::size_of::<usize>();
    }
    if total > arg_max {
        return Err(Errno::E2BIG);
    }
    Ok(())
}

/// Copies a NULL-terminated C string array (a null array is empty).
///
/// # Safety
/// `arr` must be null or a NULL-terminated array of C strings.
pub unsafe fn copy_string_array(arr: *const *const libc::c_char) -> Vec<CString> {
    let mut v = Vec::new();
    if arr.is_null() {
        return v;
    }
    let mut i = 0;
    // SAFETY: the caller guarantees a NULL-terminated array of strings.
    unsafe {
        while !(*arr.add(i)).is_null() {
            v.push(CStr::from_ptr(*arr.add(i)).to_owned());
            i += 1;
        }
    }
    v
}

/// Replaces the calling task's image. Returns only on failure; on success
/// the calling thread leaves the old image for good.
pub fn execve(task: &Task, resolved: Resolved, envp: Vec<CString>) -> KResult<std::convert::Infallible> {
    check_arg_size(&resolved.argv, &envp)?;
    let me = table::lock().get(task.pid).map(|p| p.task.clone()).ok_or(Errno::ESRCH)?;
    let shown = Shown::new(&resolved.path, &resolved.argv, &envp);
    let (go, gate) = mpsc::channel();
    thread::spawn_program(me, ProgramStart { program: resolved.program, argv: resolved.argv, envp }, Some(gate))?;

    // Point of no return: nothing below can fail.
    let closed = task.files.lock().take_cloexec();
    drop(closed);
    task.signals.lock().reset_for_exec();
    if let Some(p) = table::lock().get_mut(task.pid) {
        p.did_exec = true;
        p.shown = shown;
    }
    thread::terminate(Outcome::Exec(go))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(s: &[u8]) -> Option<(String, Option<String>)> {
        match parse_shebang(s) {
            Ok(HostFile::Script { interp, arg }) => {
                Some((interp.into_string().unwrap(), arg.map(|a| a.into_string().unwrap())))
            }
            _ => None,
        }
    }

    #[test]
    fn shebang_lines() {
        assert_eq!(script(b"/bin/sh\n"), Some(("/bin/sh".into(), None)));
        assert_eq!(script(b"  /bin/sh  -e  \nrest"), Some(("/bin/sh".into(), Some("-e".into()))));
        assert_eq!(script(b"/usr/bin/env python3 -u\n"), Some(("/usr/bin/env".into(), Some("python3 -u".into()))));
        assert_eq!(script(b"\n"), None);
        assert_eq!(script(b"/bin/sh"), None);
    }

    #[test]
    fn arg_limits() {
        let big = CString::new(vec![b'a'; MAX_ARG_STRLEN]).unwrap();
        assert_eq!(check_arg_size(&[big], &[]), Err(Errno::E2BIG));
        let small = CString::new("x").unwrap();
        assert_eq!(check_arg_size(&[small], &[]), Ok(()));
    }
}
