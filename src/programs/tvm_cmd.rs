//! `tvm`: the runtime's diagnostics, run as an ordinary task.
//!
//! `tvm ps` lists the task table, `tvm lsof` every task's descriptors.

use std::ffi::{c_char, c_int, CStr};
use std::fmt::Write as _;

use crate::kernel::fd::ops;
use crate::kernel::fs::fd_path;
use crate::kernel::task::table::{self, ProcState};
use crate::kernel::task::{current, wait::status};

const USAGE: &str = "usage: tvm ps | tvm lsof\n";

fn emit(fd: c_int, text: &str) -> bool {
    ops::write(current(), fd, text.as_bytes()).is_ok()
}

fn ps() -> String {
    let mut out = String::from("  PID  PPID  PGID   SID STAT COMMAND\n");
    for p in table::lock().iter() {
        let stat = match p.state {
            ProcState::Running => p.state_letter().to_string(),
            ProcState::Zombie(z) => match status::if_exited(z.status) {
                Some(code) => format!("Z({code})"),
                None => format!("Z(sig{})", status::if_signaled(z.status).unwrap_or(0)),
            },
        };
        let _ = writeln!(out, "{:5} {:5} {:5} {:5} {:4} {}", p.task.pid, p.ppid, p.pgid, p.sid, stat, p.shown.cmdline);
    }
    out
}

fn lsof() -> String {
    let mut out = String::from("  PID   FD TYPE FLAGS  NAME\n");
    let tasks: Vec<_> = table::lock().iter().map(|p| p.task.clone()).collect();
    for t in tasks {
        let files: Vec<_> = t.files.lock().iter().map(|(fd, s)| (fd, s.clone())).collect();
        for (fd, slot) in files {
            let f = &slot.file;
            let name = match f.as_device() {
                Some(dev) => dev.path(),
                None => {
                    f.host_fd().and_then(fd_path).map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default()
                }
            };
            let acc = match f.status_flags().unwrap_or(0) & libc::O_ACCMODE {
                libc::O_RDONLY => "r",
                libc::O_WRONLY => "w",
                _ => "rw",
            };
            let ce = if slot.cloexec { "e" } else { "" };
            let _ = writeln!(out, "{:5} {:4} {:4} {:6} {}", t.pid, fd, f.kind().label(), format!("{acc}{ce}"), name);
        }
    }
    out
}

/// The program's `main`.
///
/// # Safety
/// Called as a C `main` with `argc` valid strings in `argv`.
pub unsafe extern "C" fn main(argc: c_int, argv: *mut *mut c_char, _envp: *mut *mut c_char) -> c_int {
    // SAFETY: argv has argc valid strings per the calling convention.
    let arg = (argc >= 2).then(|| unsafe { CStr::from_ptr(*argv.add(1)) }.to_bytes());
    let text = match arg {
        Some(b"ps") if argc == 2 => ps(),
        Some(b"lsof") if argc == 2 => lsof(),
        _ => {
            emit(2, USAGE);
            return 2;
        }
    };
    if emit(1, &text) {
        0
    } else {
        1
    }
}
