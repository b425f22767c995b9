//! Guards over the guest objects built for this binary.
//!
//! - No writable data that is not thread-local may be left in guest
//!   objects, except what the allow-list names with a reason. Such data
//!   would be shared by every task running the program and not copied by
//!   fork; nor constructors or destructors, which run once for the host
//!   process, not in each task ([`violations`]).
//! - No guest object may call a host C library function that uses host
//!   per-process state or allocates host objects fork would break: every
//!   name the shim renames, and the names of [`NEVER_FROM_GUESTS`]
//!   ([`unrouted_host_calls`]).

use std::collections::BTreeMap;

use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolSection};

/// The guest archives built for this binary (by build.rs).
const ARCHIVES: &str = env!("TVM_GUEST_ARCHIVES");
const ALLOW_LIST: &str = include_str!("../../tests/tvm/guest-globals-allowlist.txt");
const SHIM: &str = include_str!("../../include/tvm_shim.h");

/// Host symbols a guest must never reference besides the ones the shim
/// renames, by reason. A name the shim starts to rename may stay here.
pub const NEVER_FROM_GUESTS: &[(&str, &[&str])] = &[
    (
        "host stdio internals that glibc's macros and inline functions call",
        &[
            "_IO_getc",
            "_IO_putc",
            "__uflow",
            "__overflow",
            "_IO_feof",
            "_IO_ferror",
            "_IO_flockfile",
            "_IO_funlockfile",
            "__getdelim",
            "_IO_2_1_stdin_",
            "_IO_2_1_stdout_",
            "_IO_2_1_stderr_",
        ],
    ),
    (
        "_FORTIFY_SOURCE variants of renamed calls (guests build with -U_FORTIFY_SOURCE)",
        &[
            "__printf_chk",
            "__fprintf_chk",
            "__vprintf_chk",
            "__vfprintf_chk",
            "__dprintf_chk",
            "__vdprintf_chk",
            "__asprintf_chk",
            "__vasprintf_chk",
            "__fgets_chk",
            "__fgets_unlocked_chk",
            "__fread_chk",
            "__fread_unlocked_chk",
            "__read_chk",
            "__pread_chk",
            "__pread64_chk",
            "__readlink_chk",
            "__readlinkat_chk",
            "__getcwd_chk",
            "__realpath_chk",
            "__recv_chk",
            "__recvfrom_chk",
            "__poll_chk",
            "__ppoll_chk",
            "__longjmp_chk",
            "__open_2",
            "__open64_2",
            "__openat_2",
            "__openat64_2",
        ],
    ),
    ("host process creation the shim does not cover", &["_Fork", "clone", "daemon", "forkpty", "wordexp"]),
    (
        "calls that change the whole host process, such as sftp-server's anti-debugging (guestbuild/src/openssh.rs)",
        &["prctl", "ptrace"],
    ),
    (
        "host objects fork would share (not routed: see docs/host-objects.md)",
        &[
            "iconv_open",
            "iconv",
            "iconv_close",
            "re_compile_pattern",
            "re_compile_fastmap",
            "re_search",
            "re_search_2",
            "re_match",
            "re_match_2",
            "re_set_registers",
            "opendir",
            "fdopendir",
            "readdir",
            "readdir64",
            "readdir_r",
            "closedir",
            "rewinddir",
            "seekdir",
            "telldir",
            "glob",
            "globfree",
            "getifaddrs",
            "freeifaddrs",
            "if_nameindex",
            "if_freenameindex",
            "gethostent",
            "getservent",
            "getprotoent",
            "getnetent",
            "newlocale",
            "duplocale",
            "freelocale",
            "fopencookie",
            "open_wmemstream",
            "tempnam",
        ],
    ),
    (
        "host per-process state (static buffers, hidden positions, seeds)",
        &[
            "strtok",
            "rand",
            "srand",
            "random",
            "srandom",
            "initstate",
            "setstate",
            "drand48",
            "erand48",
            "lrand48",
            "nrand48",
            "mrand48",
            "jrand48",
            "srand48",
            "seed48",
            "lcong48",
            "localtime",
            "gmtime",
            "ctime",
            "asctime",
            "getpwnam",
            "getpwuid",
            "getpwent",
            "setpwent",
            "endpwent",
            "getgrnam",
            "getgrgid",
            "getgrent",
            "setgrent",
            "endgrent",
            "gethostbyname",
            "gethostbyname2",
            "gethostbyaddr",
            "getservbyname",
            "getservbyport",
            "getprotobyname",
            "getprotobynumber",
            "setlocale",
            "tmpnam",
            "ttyname",
            "getlogin",
            "ptsname",
        ],
    ),
];

/// Every name include/tvm_shim.h renames to a runtime function or variable
/// (`#define NAME ...tvm_...`, and its function lists).
pub fn shim_renamed() -> Vec<&'static str> {
    let mut names = Vec::new();
    for line in SHIM.lines() {
        let Some(rest) = line.trim_start().strip_prefix("#define ") else { continue };
        let end = rest.find(|c: char| c == '(' || c.is_whitespace()).unwrap_or(rest.len());
        let (name, body) = rest.split_at(end);
        if !name.starts_with("TVM_") && body.contains("tvm_") {
            names.push(name);
        }
    }
    for list in ["#define TVM_SHIM_FUNCTIONS(X)", "#define TVM_SHIM_LFS_FUNCTIONS(X)"] {
        let Some(start) = SHIM.find(list) else { continue };
        let body = &SHIM[start + list.len()..];
        let body = &body[..body.find("\n\n").unwrap_or(body.len())];
        names.extend(body.split("X(").skip(1).filter_map(|item| item.split(')').next()).map(str::trim));
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Every guest object of the archives, by name.
fn for_each_object(mut f: impl FnMut(&str, &object::File)) -> Result<(), String> {
    let mut checked = 0;
    for path in ARCHIVES.split(':') {
        let data = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let archive = ArchiveFile::parse(&*data).map_err(|e| format!("{path}: {e}"))?;
        for member in archive.members() {
            let member = member.map_err(|e| e.to_string())?;
            let name = String::from_utf8_lossy(member.name()).into_owned();
            // Archive members are not aligned; the ELF reader wants them to be.
            let bytes = member.data(&*data).map_err(|e| e.to_string())?.to_vec();
            let obj = object::File::parse(&*bytes).map_err(|e| format!("{name}: {e}"))?;
            checked += 1;
            f(&name, &obj);
        }
    }
    if checked == 0 {
        return Err("no guest objects inspected".into());
    }
    Ok(())
}

/// `symbol reason...` entries of the allow-list.
fn allow_list() -> Result<Vec<(&'static str, &'static str)>, String> {
    let mut out = Vec::new();
    for line in ALLOW_LIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (sym, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if reason.trim().is_empty() {
            return Err(format!("allow-list entry {sym} has no reason"));
        }
        out.push((sym, reason.trim()));
    }
    Ok(out)
}

/// Writable, non-TLS data: .data*, .bss*, common, but not .data.rel.ro*
/// (read-only after relocation) nor .tdata/.tbss.
fn writable_shared(kind: SectionKind, name: &str) -> bool {
    matches!(kind, SectionKind::Data | SectionKind::UninitializedData | SectionKind::Common)
        && !name.starts_with(".data.rel.ro")
}

/// Every writable shared data symbol in the guest objects that the
/// allow-list does not name, as "object: symbol (size)".
pub fn violations() -> Result<Vec<String>, String> {
    let allowed = allow_list()?;
    let mut found = Vec::new();
    for_each_object(|name, obj| {
        for s in obj.symbols() {
            let shared = match s.section() {
                SymbolSection::Section(i) => {
                    obj.section_by_index(i).is_ok_and(|sec| writable_shared(sec.kind(), sec.name().unwrap_or("")))
                }
                SymbolSection::Common => true,
                _ => false,
            };
            let sym = s.name().unwrap_or("?");
            // An emulated thread-local's control block (`mem::emutls`):
            // its size, alignment and initial value are the compiler's
            // constants; the runtime writes only its index, once, and the
            // variable itself lives in each image's arena.
            let emutls_control = sym.starts_with("__emutls_v.");
            if shared && s.size() > 0 && !emutls_control && !allowed.iter().any(|(a, _)| *a == sym) {
                found.push(format!("{name}: {sym} ({} bytes)", s.size()));
            }
        }
        // A constructor or destructor runs once, on the host thread that
        // loads or ends the process, and its writes to per-task globals
        // reach no task (xz's CRC choice did; guestbuild/src/xz.rs).
        for sec in obj.sections() {
            let sname = sec.name().unwrap_or("");
            let run_once = [".init_array", ".fini_array", ".ctors", ".dtors"]
                .iter()
                .any(|p| sname == *p || sname.starts_with(&format!("{p}.")));
            if run_once && sec.size() > 0 {
                found.push(format!("{name}: {sname} (a constructor or destructor: runs once for the host process)"));
            }
        }
    })?;
    Ok(found)
}

/// Every undefined reference in the guest objects to a host symbol that
/// the shim renames or [`NEVER_FROM_GUESTS`] names, as "object: symbol
/// (why)".
pub fn unrouted_host_calls() -> Result<Vec<String>, String> {
    let renamed = shim_renamed();
    // The shim's lists must have been found (a reformatted header would
    // otherwise make this check pass vacuously).
    if renamed.len() < 300 || !renamed.contains(&"fopen") || !renamed.contains(&"regcomp") {
        return Err(format!("parsed only {} renamed names from include/tvm_shim.h", renamed.len()));
    }
    let mut why: BTreeMap<&str, &str> = BTreeMap::new();
    for &(reason, names) in NEVER_FROM_GUESTS {
        for &n in names {
            why.insert(n, reason);
        }
    }
    for n in renamed {
        why.insert(n, "renamed by the shim: the host version bypasses the runtime");
    }
    let mut found = Vec::new();
    for_each_object(|name, obj| {
        for s in obj.symbols().filter(|s| s.is_undefined()) {
            let sym = s.name().unwrap_or("?");
            if let Some(reason) = why.get(sym) {
                found.push(format!("{name}: {sym} ({reason})"));
            }
        }
    })?;
    Ok(found)
}
