//! /proc: the task table as Linux's proc(5) shows processes, made by the
//! runtime from its own tables and never from the host's /proc (a task
//! must not see host processes, and iOS has no /proc).
//!
//! Paths under /proc resolve here (`lookup`) into the virtual nodes of
//! `kernel::dev`: directories listed when opened (`entries`), text files
//! made when looked up (`pid`, `system`), and symbolic links. Every task
//! sees every task, as on Linux for a single user.

pub mod pid;
pub mod sys;
pub mod system;
pub mod text;

use crate::kernel::dev::{DirEntry, Node};
use crate::kernel::task::table;
use crate::kernel::task::Pid;
use crate::kernel::task::Task;

/// The node at normalized absolute `path` (under /proc), as `task` sees
/// it (`self` is the caller).
pub fn lookup(task: &Task, path: &str) -> Option<Node> {
    if path == "/proc" {
        return Some(Node::ProcDir(path.into()));
    }
    let rest = path.strip_prefix("/proc/")?;
    let (first, tail) = rest.split_once('/').map_or((rest, None), |(a, b)| (a, Some(b)));
    let pid = match first {
        "self" => match tail {
            None => return Some(Node::Link(task.pid.to_string())),
            Some(_) => task.pid,
        },
        "thread-self" => match tail {
            None => return Some(Node::Link(format!("{0}/task/{0}", task.pid))),
            Some(_) => return Some(Node::Absent),
        },
        n if n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') => match n.parse::<Pid>() {
            Ok(p) => p,
            Err(_) => return Some(Node::Absent),
        },
        "sys" => return Some(sys::lookup(path, tail)),
        name => {
            return Some(match (tail, system::file(name)) {
                (None, Some(text)) => Node::Text { path: path.into(), text },
                _ => Node::Absent,
            })
        }
    };
    Some(pid::lookup(task, pid, tail).unwrap_or(Node::Absent))
}

/// The entries of /proc directory `dir`, in the order Linux lists them
/// (pids ascending, which top relies on).
pub fn entries(task: &Task, dir: &str) -> Vec<DirEntry> {
    if dir == "/proc" {
        let mut v: Vec<DirEntry> = table::lock()
            .iter()
            .map(|p| DirEntry { name: p.task.pid.to_string(), ino: pid::dir_ino(p.task.pid), kind: libc::DT_DIR })
            .collect();
        v.sort_by_key(|e| e.name.parse::<Pid>().unwrap_or(0));
        for (i, name) in ["self", "thread-self"].iter().enumerate() {
            v.push(DirEntry { name: (*name).into(), ino: 0x10 + i as u64, kind: libc::DT_LNK });
        }
        v.push(DirEntry { name: "sys".into(), ino: 0x12, kind: libc::DT_DIR });
        for (i, name) in system::FILES.iter().enumerate() {
            v.push(DirEntry { name: (*name).into(), ino: 0x20 + i as u64, kind: libc::DT_REG });
        }
        return v;
    }
    if dir.starts_with("/proc/sys") {
        return sys::entries(dir);
    }
    pid::entries(task, dir)
}
