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

/// The programs' layouts, and where a task thread's stack mapping ends
/// from its thread pointer.
fn layout() -> (HashMap<String, Program>, i64) {
    let out = Command::new(FORKLESS).env("TVM_PRINT_TLS_LAYOUT", "1").output().expect("forkless runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut programs: HashMap<String, Program> = HashMap::new();
    let mut stack_end = None;
    for line in String::from_utf8(out.stdout).expect("text").lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f[0] == "stack_end" {
            stack_end = Some(f[1].parse().unwrap());
            continue;
        }
        let p = programs.entry(f[1].to_string()).or_default();
        match f[0] {
            "run" => p.runs.push((f[2].parse().unwrap(), f[3].parse().unwrap())),
            "global" => {
                p.globals.insert((f[2].parse().unwrap(), f[3].parse().unwrap()));
            }
            other => panic!("unexpected line kind {other}: {line}"),
        }
    }
    (programs, stack_end.expect("a stack_end line"))
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
    let (programs, _) = layout();
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

/// The widest gap between two runs that a thread gives back with them
/// (`programs::tls_layout`'s `MAX_PADDING`).
const MAX_PADDING: i64 = 64;

#[test]
fn nothing_lies_between_runs_given_back_together() {
    let (programs, _) = layout();
    let mut runs: Vec<(i64, i64, &str)> =
        programs.iter().flat_map(|(name, p)| p.runs.iter().map(move |&(lo, hi)| (lo, hi, name.as_str()))).collect();
    runs.sort_unstable();
    let symbols = tls_symbols();
    let mut joined = 0;
    for pair in runs.windows(2) {
        let ((_, end, a), (start, _, b)) = (pair[0], pair[1]);
        assert!(start >= end, "runs of {a} and {b} overlap");
        if start - end > MAX_PADDING {
            continue;
        }
        joined += 1;
        for (off, size, sym) in &symbols {
            assert!(
                *off >= start || off + *size as i64 <= end,
                "{sym} ({size} bytes at {off}) lies between the runs of {a} and {b}, [{end}, {start})"
            );
        }
    }
    assert!(joined > 0, "no two programs' runs are neighbours: {runs:?}");
}

/// Which pages are resident in each task thread's stack mapping of a
/// shell with 20 idle toybox sleeps, as (the mapping's end, one flag per
/// page from its start).
fn task_thread_stacks() -> Vec<(u64, Vec<bool>)> {
    let tls_bytes = tls_symbols().iter().map(|s| s.0).min().unwrap().unsigned_abs();
    // Task threads ask for 256 KiB of host stack plus the static TLS block,
    // which glibc places at the top of the mapping (kernel/task/thread.rs).
    let stack = (256 << 10) + tls_bytes.next_multiple_of(4096);
    let (min, max) = (stack - 4096, stack + 4 * 4096);
    let mut child = Command::new(FORKLESS)
        .args(["sh", "-c", "i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; echo up; sleep 30"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("forkless runs");
    let mut up = [0u8; 3];
    child.stdout.take().unwrap().read_exact(&mut up).expect("the shell started its sleeps");
    std::thread::sleep(Duration::from_millis(500));
    let pid = child.id();
    let maps = fs::read_to_string(format!("/proc/{pid}/maps")).expect("maps");
    let mut pagemap = fs::File::open(format!("/proc/{pid}/pagemap")).expect("pagemap");
    let mut stacks = Vec::new();
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
        // Present (bit 63) and exclusively mapped (bit 56): a page read
        // after it was given back maps the shared zero page, which takes no
        // memory and is present but not exclusive.
        stacks.push((hi, entries.chunks(8).map(|e| e[7] & 0x81 == 0x81).collect()));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(stacks.len() >= 21, "found {} task thread stacks of {min} to {max} bytes", stacks.len());
    stacks
}

#[test]
fn task_threads_keep_only_their_programs_pages() {
    let symbols = tls_symbols();
    let tls_pages = symbols.iter().map(|s| s.0).min().unwrap().unsigned_abs().div_ceil(4096) as usize;
    let mut counts: Vec<usize> =
        task_thread_stacks().iter().map(|(_, pages)| pages.iter().filter(|&&r| r).count()).collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    assert!(
        median * 4 <= tls_pages,
        "a task thread keeps {median} pages resident (all: {counts:?}); the guests' globals alone span {tls_pages}"
    );
}

/// A page that holds only globals of programs a thread does not run is
/// given back, also where two such programs' runs share it.
#[test]
fn no_task_thread_holds_a_page_of_programs_it_does_not_run() {
    let (programs, stack_end) = layout();
    // The shell and toybox (named by its first command) run; the others
    // do not. Their runs joined as the runtime joins them.
    let running = ["sh", "["];
    for name in running {
        assert!(programs.contains_key(name), "no layout for {name}: {:?}", programs.keys().collect::<Vec<_>>());
    }
    let mut runs: Vec<(i64, i64, bool)> = programs
        .iter()
        .flat_map(|(name, p)| p.runs.iter().map(move |&(lo, hi)| (lo, hi, running.contains(&name.as_str()))))
        .collect();
    runs.sort_unstable();
    let mut others: Vec<(i64, i64)> = Vec::new();
    let mut joinable = false;
    for (lo, hi, runs_here) in runs {
        if runs_here {
            joinable = false;
            continue;
        }
        match others.last_mut() {
            Some(last) if joinable && lo <= last.1 + MAX_PADDING => last.1 = hi,
            _ => others.push((lo, hi)),
        }
        joinable = true;
    }
    let foreign_page = |offset: i64| others.iter().any(|&(lo, hi)| lo <= offset && offset + 4096 <= hi);
    let mut foreign_pages = 0;
    for (end, pages) in task_thread_stacks() {
        let tp = end as i64 - stack_end;
        let start = end as i64 - 4096 * pages.len() as i64;
        let held: Vec<i64> = (0..pages.len() as i64)
            .map(|i| start + 4096 * i - tp)
            .filter(|&offset| foreign_page(offset))
            .inspect(|_| foreign_pages += 1)
            .filter(|&offset| pages[((offset + tp - start) / 4096) as usize])
            .collect();
        assert!(held.is_empty(), "a task thread holds pages at {held:?} from its thread pointer, given to {others:?}");
    }
    assert!(foreign_pages >= 21 * 20, "only {foreign_pages} pages of other programs' globals in 21 threads");
}

/// The runtime calls every getter of every guest global once at start to
/// learn the layout: each program's getters lie together (the guest build
/// gives them one section), so that start touches a few pages of code, not
/// one in every unit of every guest (docs/performance.md).
#[test]
fn each_programs_getters_lie_together() {
    let (programs, _) = layout();
    let mut getters: Vec<u64> = readelf(&["-sW"])
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 8 && f[3] == "FUNC" && f[7].starts_with("__tvm_addr_")).then(|| f[1].to_string())
        })
        .map(|a| u64::from_str_radix(&a, 16).expect("hex"))
        .collect();
    getters.sort_unstable();
    assert!(getters.len() > 1000, "the guests' getters: {}", getters.len());
    let clusters = 1 + getters.windows(2).filter(|w| w[1] - w[0] > 4096).count();
    assert!(clusters <= programs.len(), "{clusters} clusters of getters for {} programs", programs.len());
}
