//! /proc inside forkless: the task table as Linux shows processes, read by
//! toybox's process tools unchanged (docs/proc.md).

use std::path::Path;

use harness::{Forkless, TestDir};

fn forkless() -> Forkless {
    Forkless::new(assert_cmd::cargo::cargo_bin("forkless"))
}

/// Runs `script` with `forkless sh -c` in `dir` (`Forkless::sh`).
fn sh(dir: &Path, script: &str) -> String {
    forkless().sh(dir, script)
}

fn dir(name: &str) -> TestDir {
    TestDir::new(name).expect("test dir")
}

#[test]
fn ps_agrees_with_the_task_table() {
    // Six tasks besides init: the shell, a sleeping child, a stopped one,
    // a parent that never waits and its zombie, and ps itself. toybox
    // 0.8.9's ps has no SID column, so the session comes from each task's
    // /proc/PID/stat; pid, ppid, pgid, session and state are compared (not
    // the shell's state: running or waiting, it depends on when each
    // looked, as natively).
    let d = dir("proc-ps");
    let out = sh(
        d.path(),
        "sleep 30 & s=$!; sleep 31 & t=$!; kill -STOP $t; sh -c '(sleep 0.2; exit 3) & exec sleep 32' & p=$!; \
         sleep 1; tvm ps > table; ps -A -o pid=,ppid=,pgid=,stat= > listed; \
         while read pid ppid pgid stat; do read x x x x x sid x < /proc/$pid/stat; echo $pid $ppid $pgid $sid $stat; \
         done < listed > joined; kill -KILL $s $t $p; \
         awk -v me=$$ 'NR > 1 && $NF != \"ps\" { print $1, $2, $3, $4, $1 == me ? \"-\" : substr($5, 1, 1) }' table; \
         echo ---; awk -v me=$$ '{ print $1, $2, $3, $4, $1 == me ? \"-\" : substr($5, 1, 1) }' joined",
    );
    let (table, listed) = out.split_once("---\n").expect("two lists");
    let listed: Vec<&str> = listed.lines().collect();
    let table: Vec<&str> = table.lines().collect();
    assert_eq!(table.len(), 6, "tvm ps:\n{out}");
    for row in &table {
        assert!(listed.contains(row), "ps lacks `{row}`:\n{out}");
    }
    let states: String = table.iter().map(|r| r.rsplit(' ').next().unwrap_or("")).collect();
    for s in ["S", "T", "Z"] {
        assert!(states.contains(s), "no {s} task in {table:?}");
    }
}

#[test]
fn pgrep_pidof_and_kill_find_tasks() {
    let d = dir("proc-pgrep");
    // The shell's own command line must not contain the pattern.
    let out = sh(
        d.path(),
        "n=77; sleep $n & s=$!; sleep 0.3; echo \"$(pgrep -f \"sleep $n\") $s\"; \
         [ \"$(pidof sleep)\" = $s ] && echo pidof; kill $(pidof sleep); wait $s; echo status=$?",
    );
    let mut lines = out.lines();
    let first: Vec<&str> = lines.next().unwrap_or("").split(' ').collect();
    assert_eq!(first.len(), 2, "{out}");
    assert_eq!(first[0], first[1], "pgrep -f found other tasks:\n{out}");
    assert_eq!(lines.collect::<Vec<_>>(), ["pidof", "status=143"]);
}

#[test]
fn fd_lists_exactly_the_shells_descriptors() {
    let d = dir("proc-fd");
    // The runtime's own descriptor table (`tvm lsof`) is the reference.
    // Both look while the shell waits for a simple command: during a
    // pipeline mksh moves its own fd 0 around (a pipe end, then closed
    // while it waits, as natively), so a pipeline would race.
    let out = sh(
        d.path(),
        "exec 7</dev/null 9>out.txt; ls /proc/$$/fd > fds; tvm lsof > lsof; \
         sort -n fds | tr '\\n' ' '; echo; \
         awk -v p=$$ '$1 == p { print $2 }' lsof | sort -n | tr '\\n' ' '; echo; readlink /proc/$$/fd/9",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], lines[1], "/proc/$$/fd against tvm lsof:\n{out}");
    // fd 10 is mksh's own: its copy of the script's input, natively too.
    assert_eq!(lines[0], "0 1 2 7 9 10 ", "{out}");
    assert_eq!(lines[2], format!("{}/out.txt", std::fs::canonicalize(d.path()).expect("dir").display()));
}

#[test]
fn self_cwd_and_stat() {
    let d = dir("proc-self");
    let out = sh(d.path(), "cd /tmp && readlink /proc/self/cwd; cd / && readlink /proc/$$/cwd");
    assert_eq!(out, "/tmp\n/\n");
    // `read` is the shell's own: /proc/self is the shell; cat's parent is
    // the shell.
    let out = sh(d.path(), "read pid comm state ppid rest < /proc/self/stat; echo $pid $comm $state $ppid $$ $PPID; cut -d' ' -f4 /proc/self/stat");
    let f: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(f.len(), 7, "{out}");
    assert_eq!(f[0], f[4], "/proc/self/stat's pid is $$: {out}");
    assert_eq!(f[1], "(sh)");
    assert_eq!(f[2], "R");
    assert_eq!(f[3], f[5], "its ppid is $PPID: {out}");
    assert_eq!(f[6], f[4], "cat's ppid is the shell: {out}");
}

#[test]
fn top_lists_the_tasks() {
    let d = dir("proc-top");
    let out = sh(d.path(), "n=42; sleep $n & top -n 1 -b; kill $!");
    assert!(out.contains("sleep 42"), "{out}");
    assert!(out.contains("top -n 1 -b"), "{out}");
    assert!(out.lines().next().unwrap_or("").starts_with("Tasks:"), "{out}");
}

#[test]
fn no_host_process_shows_through_proc() {
    let d = dir("proc-host");
    let me = std::process::id();
    // The test process is a host process: not there. pid 1 is the tasks'
    // init, not the host's. Every pid listed is a task's (tvm ps knows it;
    // the shell's own glob lists them, so no new task appears meanwhile).
    let out = sh(
        d.path(),
        &format!(
            "ls /proc/{me} 2>/dev/null; echo rc=$?; cat /proc/1/comm; set -- /proc/[0-9]*; tvm ps > t; \
             for p; do awk -v p=${{p#/proc/}} '$1 == p {{ f = 1 }} END {{ if (!f) print \"unknown\", p }}' t; done; \
             echo $#"
        ),
    );
    assert_eq!(out, "rc=1\ninit\n2\n", "{out}");
}

#[test]
fn pmap_environ_comm_and_exe() {
    let d = dir("proc-misc");
    let out = sh(
        d.path(),
        "pmap $$ | awk 'NR == 1 || /\\[/ { print $NF }' | sort -u | tr '\\n' ' '; echo; \
         FOO=bar sleep 5 & s=$!; sleep 0.3; tr '\\0' '\\n' < /proc/$s/environ | grep '^FOO='; \
         cat /proc/$s/comm; readlink /proc/$s/exe; kill $s",
    );
    // pmap: the task's heap and stack ranges, under its name.
    assert_eq!(out, "[heap] [stack] sh \nFOO=bar\nsleep\n/usr/bin/sleep\n", "{out}");
}

#[test]
fn sys_kernel_names_agree_with_uname() {
    let d = dir("proc-sys");
    let out = sh(
        d.path(),
        "[ \"$(cat /proc/sys/kernel/hostname)\" = \"$(hostname)\" ] && echo hostname; \
         [ \"$(cat /proc/sys/kernel/osrelease)\" = \"$(uname -r)\" ] && echo osrelease; \
         [ \"$(cat /proc/sys/kernel/ostype)\" = \"$(uname -s)\" ] && echo ostype; \
         ls /proc/sys/kernel | tr '\\n' ' '; echo; cat /proc/sys/kernel/nothing 2>/dev/null; echo rc=$?",
    );
    assert_eq!(out, "hostname\nosrelease\nostype\ndomainname hostname osrelease ostype version \nrc=1\n", "{out}");
}
