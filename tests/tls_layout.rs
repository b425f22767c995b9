//! Guest globals are thread-locals, and every task thread gives back the
//! pages of the programs it does not run (`programs::tls_layout`). That is
//! only sound if each program's run of globals holds nothing else: these
//! tests hold the runtime's idea of the layout against the binary's symbol
//! table, and check that task threads really keep fewer pages.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::process::{Command, Stdio};
use std::time::Duration;

const FORKLESS: &str = env!("CARGO_BIN_EXE_forkless");

/// A program's runs and the (offset, size) of each of its globals, from
/// `TVM_PRINT_TLS_LAYOUT` (offsets from the thread pointer).
#[derive(Default)]
struct Program {
    runs: Vec<(i64, i64)>,
    globals: HashSet<(i64, u64)>,
}

fn layout() -> HashMap<String, Program> {
    let out = Command::new(FORKLESS).env("TVM_PRINT_TLS_LAYOUT", "1").output().expect("forkless runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut programs: HashMap<String, Program> = HashMap::new();
    for line in String::from_utf8(out.stdout).expect("text").lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let p = programs.entry(f[1].to_string()).or_default();
        match f[0] {
            "run" => p.runs.push((f[2].parse().unwrap(), f[3].parse().unwrap())),
            "global" => {
                p.globals.insert((f[2].parse().unwrap(), f[3].parse().unwrap()));
            }
            other => panic!("unexpected line kind {other}: {line}"),
        }
    }
    programs
}

fn readelf(args: &[&str]) -> String {
    let out = Command::new("readelf").args(args).arg(FORKLESS).output().expect("readelf (binutils) runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("text")
}

/// The executable's thread-local symbols with size, as (offset from the
/// thread pointer, size, name).
fn tls_symbols() -> Vec<(i64, u64, String)> {
    let segment = readelf(&["-lW"]);
    let tls: Vec<&str> = segment
        .lines()
        .find(|l| l.trim_start().starts_with("TLS "))
        .expect("the executable has a TLS segment")
        .split_whitespace()
        .collect();
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex");
    let (memsz, align) = (hex(tls[5]), hex(tls[7]).max(1));
    // Where the executable's block starts relative to the thread pointer:
    // below it on x86-64 (TLS variant II), after the 16-byte control block
    // on aarch64 (variant I).
    let start = if cfg!(target_arch = "x86_64") {
        -(memsz.next_multiple_of(align) as i64)
    } else {
        16u64.next_multiple_of(align) as i64
    };
    readelf(&["-sW"])
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 8 || f[3] != "TLS" {
                return None;
            }
            let size: u64 = f[2].parse().ok()?;
            (size > 0).then(|| (start + hex(f[1]) as i64, size, f[7].to_string()))
        })
        .collect()
}

#[test]
fn each_run_holds_only_its_programs_globals() {
    let programs = layout();
    for name in ["sh", "dropbear"] {
        assert!(programs.contains_key(name), "no layout for {name}: {:?}", programs.keys().collect::<Vec<_>>());
    }
    let symbols = tls_symbols();
    let mut checked = 0;
    for (name, p) in &programs {
        assert!(!p.runs.is_empty() && !p.globals.is_empty(), "{name} has no runs or globals");
        for &(lo, hi) in &p.runs {
            for (off, size, sym) in &symbols {
                if *off < hi && off + *size as i64 > lo {
                    assert!(
                        p.globals.contains(&(*off, *size)),
                        "{sym} ({size} bytes at {off}) lies in {name}'s run [{lo}, {hi}) but is none of its globals"
                    );
                    checked += 1;
                }
            }
        }
    }
    // The runs cover the guests' globals, found in the symbol table.
    let globals: usize = programs.values().map(|p| p.globals.len()).sum();
    assert!(checked >= globals * 9 / 10, "only {checked} symbols of {globals} globals found in runs");
}

/// Resident pages of each anonymous read-write mapping of `min` to `max`
/// bytes.
fn resident_pages(pid: u32, min: u64, max: u64) -> Vec<usize> {
    let maps = fs::read_to_string(format!("/proc/{pid}/maps")).expect("maps");
    let mut pagemap = fs::File::open(format!("/proc/{pid}/pagemap")).expect("pagemap");
    let mut counts = Vec::new();
    for line in maps.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (lo, hi) = f[0].split_once('-').unwrap();
        let (lo, hi) = (u64::from_str_radix(lo, 16).unwrap(), u64::from_str_radix(hi, 16).unwrap());
        let len = hi - lo;
        if len < min || len > max || f[1] != "rw-p" || f.len() > 5 {
            continue;
        }
        let mut entries = vec![0u8; (len / 4096 * 8) as usize];
        pagemap.seek(SeekFrom::Start(lo / 4096 * 8)).unwrap();
        pagemap.read_exact(&mut entries).unwrap();
        counts.push(entries.chunks(8).filter(|e| e[7] & 0x80 != 0).count());
    }
    counts
}

#[test]
fn task_threads_keep_only_their_programs_pages() {
    let symbols = tls_symbols();
    let tls_pages = symbols.iter().map(|s| s.0).min().unwrap().unsigned_abs().div_ceil(4096) as usize;
    // 20 toybox sleeps and their shell: task threads whose static TLS
    // would hold every guest's globals.
    let mut child = Command::new(FORKLESS)
        .args(["sh", "-c", "i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; echo up; sleep 30"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("forkless runs");
    let mut up = [0u8; 3];
    child.stdout.take().unwrap().read_exact(&mut up).expect("the shell started its sleeps");
    std::thread::sleep(Duration::from_millis(500));
    // Task threads have 256 KiB host stacks (kernel/task/thread.rs), with
    // the static TLS block at their top; glibc enlarges the mapping by the
    // block's size when the block is large.
    let stack = 256u64 << 10;
    let mut counts = resident_pages(child.id(), stack, stack + (tls_pages as u64 + 4) * 4096);
    let _ = child.kill();
    let _ = child.wait();
    assert!(counts.len() >= 21, "found {} task thread stacks", counts.len());
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    assert!(
        median * 4 <= tls_pages * 3,
        "a task thread keeps {median} pages resident (all: {counts:?}); the guests' globals alone span {tls_pages}"
    );
}
