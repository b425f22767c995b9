//! /proc/sys/kernel: the kernel's names as sysctl(8) shows them, from
//! uname(2), so that they agree with `uname` and `hostname` inside
//! forkless on any host (toybox's hostname test reads
//! /proc/sys/kernel/hostname).

use crate::kernel::dev::{DirEntry, Node};

/// The files of /proc/sys/kernel.
const KERNEL: &[&str] = &["domainname", "hostname", "osrelease", "ostype", "version"];

/// The node at /proc/sys/`tail` (`None`: /proc/sys itself).
pub fn lookup(path: &str, tail: Option<&str>) -> Node {
    match tail {
        None | Some("kernel") => Node::ProcDir(path.into()),
        Some(t) => match t.strip_prefix("kernel/").filter(|n| KERNEL.contains(n)) {
            Some(name) => Node::Text { path: path.into(), text: format!("{}\n", field(name)).into_bytes() },
            None => Node::Absent,
        },
    }
}

/// The entries of a /proc/sys directory.
pub fn entries(dir: &str) -> Vec<DirEntry> {
    match dir {
        "/proc/sys" => vec![DirEntry { name: "kernel".into(), ino: 0x40, kind: libc::DT_DIR }],
        "/proc/sys/kernel" => KERNEL
            .iter()
            .enumerate()
            .map(|(i, n)| DirEntry { name: (*n).into(), ino: 0x41 + i as u64, kind: libc::DT_REG })
            .collect(),
        _ => Vec::new(),
    }
}

/// One of uname's fields, under its sysctl name.
fn field(name: &str) -> String {
    // SAFETY: utsname is plain data; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a live utsname.
    unsafe { libc::uname(&mut u) };
    // SAFETY: uname NUL-terminates its fields.
    let s = |c: &[libc::c_char]| unsafe { std::ffi::CStr::from_ptr(c.as_ptr()) }.to_string_lossy().into_owned();
    match name {
        "hostname" => s(&u.nodename),
        "osrelease" => s(&u.release),
        "ostype" => s(&u.sysname),
        "version" => s(&u.version),
        #[cfg(target_os = "linux")]
        "domainname" => s(&u.domainname),
        // Linux's answer when no NIS domain is set.
        _ => "(none)".into(),
    }
}
