//! What Linux's /proc says of a host process (the forkless process under
//! test): its CPU time and its status fields.

use std::fs;

/// CPU seconds (user + system) process `pid` has used.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    let fields: Vec<&str> = stat.rsplit(')').next().expect("fields").split_whitespace().collect();
    // utime and stime are fields 14 and 15 (1-based), 12 and 13 after the
    // command's closing parenthesis.
    let ticks: u64 = fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    // SAFETY: sysconf has no preconditions.
    ticks as f64 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// A number field of /proc/PID/status (`"VmRSS:"`, `"Threads:"`).
pub fn status_field(pid: u32, name: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
}

/// Memory of process `pid` in KiB, from /proc/PID/smaps_rollup: zeros for
/// a process that is gone.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss: u64,
    pub pss: u64,
    /// Anonymous pages resident, and their proportional share.
    pub anon: u64,
    pub pss_anon: u64,
}

impl std::ops::Add for Memory {
    type Output = Memory;
    fn add(self, o: Memory) -> Memory {
        Memory {
            rss: self.rss + o.rss,
            pss: self.pss + o.pss,
            anon: self.anon + o.anon,
            pss_anon: self.pss_anon + o.pss_anon,
        }
    }
}

pub fn memory(pid: u32) -> Memory {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Memory { rss: field("Rss:"), pss: field("Pss:"), anon: field("Anonymous:"), pss_anon: field("Pss_Anon:") }
}

/// The processes whose parent is `pid`.
pub fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let stat = fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
        let ppid: Option<u32> =
            stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|n| n.parse().ok());
        if ppid == Some(pid) {
            out.push(p);
        }
    }
    out
}
