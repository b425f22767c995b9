//! The nodes under /dev, by path (and the kinds of node /proc's are:
//! `kernel::proc`).
//!
//! Registered devices (`/dev/null`, `/dev/tty`, `/dev/ptmx`, an embedding
//! app's own), the live terminals of `/dev/pts`, and the links to a task's
//! own descriptors (`/dev/fd/N`, `/dev/stdin`, ...). Everything here is
//! looked up by normalized absolute path.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use parking_lot::RwLock;

use super::{Device, DirEntry};
use crate::kernel::{Errno, KResult};

/// What a path under /dev is.
#[derive(Clone)]
pub enum Node {
    Device(Arc<dyn Device>),
    /// A virtual directory (`/dev`, `/dev/pts`).
    Dir(&'static str),
    /// A symbolic link to `target` whose use reopens descriptor `fd` of
    /// task `owner` (None: the caller; `/dev/stdin` is
    /// `/proc/self/fd/0`).
    FdLink {
        target: String,
        fd: libc::c_int,
        owner: Option<crate::kernel::task::Pid>,
    },
    /// A directory of /proc, listed by `kernel::proc::entries`.
    ProcDir(String),
    /// A file of /proc, with its text as of the lookup.
    Text {
        path: String,
        text: Vec<u8>,
    },
    /// A symbolic link of /proc (`self`, `PID/cwd`, `PID/exe`); relative
    /// targets are relative to /proc.
    Link(String),
    /// `/dev/fd`, a link to `/proc/self/fd`.
    FdDir,
    /// A path in a directory the runtime owns whole (`/dev/pts/7` with no
    /// such pty): it does not exist, whatever the host has there.
    Absent,
}

static DEVICES: LazyLock<RwLock<BTreeMap<String, Arc<dyn Device>>>> = LazyLock::new(Default::default);

/// Registers `dev` at `path`, a name directly under /dev (EINVAL for any
/// other path, EEXIST when taken).
pub fn register(path: &str, dev: Arc<dyn Device>) -> KResult<()> {
    let name = path.strip_prefix("/dev/").ok_or(Errno::EINVAL)?;
    if name.is_empty() || name.contains('/') || RESERVED.contains(&name) {
        return Err(Errno::EINVAL);
    }
    let mut d = DEVICES.write();
    if d.contains_key(name) {
        return Err(Errno::EEXIST);
    }
    d.insert(name.to_string(), dev);
    Ok(())
}

/// Names under /dev that the runtime itself answers.
const RESERVED: &[&str] = &["pts", "fd", "stdin", "stdout", "stderr"];

/// The node at normalized absolute `path`, if /dev has one there.
pub fn lookup(path: &str) -> Option<Node> {
    if path == "/dev" {
        return Some(Node::Dir("/dev"));
    }
    let rest = path.strip_prefix("/dev/")?;
    match rest {
        "pts" => return Some(Node::Dir("/dev/pts")),
        "fd" => return Some(Node::FdDir),
        "stdin" | "stdout" | "stderr" => {
            let fd = ["stdin", "stdout", "stderr"].iter().position(|n| *n == rest).unwrap_or(0) as libc::c_int;
            return Some(Node::FdLink { target: format!("/proc/self/fd/{fd}"), fd, owner: None });
        }
        _ => {}
    }
    if let Some(n) = rest.strip_prefix("fd/") {
        let fd = n.parse::<libc::c_int>().ok().filter(|_| n.bytes().all(|b| b.is_ascii_digit()))?;
        return Some(Node::FdLink { target: format!("/proc/self/fd/{fd}"), fd, owner: None });
    }
    if let Some(n) = rest.strip_prefix("pts/") {
        return Some(crate::kernel::tty::pty::slave_node(n).map_or(Node::Absent, Node::Device));
    }
    DEVICES.read().get(rest).cloned().map(Node::Device)
}

/// The entries of virtual directory `dir`.
pub fn entries(dir: &str) -> Vec<DirEntry> {
    let mut v = Vec::new();
    match dir {
        "/dev" => {
            for (name, dev) in DEVICES.read().iter() {
                v.push(DirEntry { name: name.clone(), ino: dev.stat().st_ino, kind: libc::DT_CHR });
            }
            v.push(DirEntry { name: "pts".into(), ino: 2, kind: libc::DT_DIR });
            for (i, name) in ["fd", "stdin", "stdout", "stderr"].iter().enumerate() {
                v.push(DirEntry { name: (*name).into(), ino: 10 + i as u64, kind: libc::DT_LNK });
            }
        }
        "/dev/pts" => v.extend(crate::kernel::tty::pty::entries()),
        _ => {}
    }
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}
