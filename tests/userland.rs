//! The commands a session needs beyond the shell and the applets' basics:
//! awk, and compression that really compresses, gzip and xz
//! (docs/userland.md).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use harness::{Forkless, TestDir};

fn forkless() -> Forkless {
    Forkless::new(assert_cmd::cargo::cargo_bin("forkless"))
}

/// Runs `script` with `forkless sh -c` in `dir` (`Forkless::sh`).
fn sh(dir: &Path, script: &str) -> String {
    forkless().sh(dir, script)
}

/// A tree of 10 MiB and more: 4 MiB that does not compress, text that
/// does, many small files, an empty one, odd names, nested directories.
fn make_tree(root: &Path) -> u64 {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    };
    fs::create_dir_all(root.join("a/b/c")).expect("mkdir");
    fs::create_dir_all(root.join("text")).expect("mkdir");
    fs::write(root.join("a/b/c/noise.bin"), noise(4 << 20)).expect("write");
    let text: String = (0..400_000u64).map(|i| format!("line {i} of the text, {}\n", i * 7919 % 1000)).collect();
    fs::write(root.join("text/lines.txt"), text).expect("write");
    for i in 0..60 {
        fs::write(root.join(format!("a/small {i}.dat")), noise(1000 + i * 37)).expect("write");
    }
    fs::write(root.join("a/b/empty"), b"").expect("write");
    fs::write(root.join("text/-dash and 'quote'"), b"odd name\n").expect("write");
    let mut total = 0;
    for e in walk(root) {
        total += fs::metadata(e).expect("stat").len();
    }
    total
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).expect("readdir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file under `a` is in `b` with the same bytes, and nothing else.
fn assert_same_tree(a: &Path, b: &Path) {
    let (fa, fb) = (walk(a), walk(b));
    let rel = |root: &Path, v: &[std::path::PathBuf]| -> Vec<std::path::PathBuf> {
        v.iter().map(|p| p.strip_prefix(root).expect("under root").to_path_buf()).collect()
    };
    assert_eq!(rel(a, &fa), rel(b, &fb), "file lists differ");
    for (x, y) in fa.iter().zip(&fb) {
        assert!(fs::read(x).expect("read") == fs::read(y).expect("read"), "{} differs", y.display());
    }
}

#[test]
fn awk_prints_the_second_field() {
    let dir = TestDir::new("awk").expect("dir");
    assert_eq!(sh(dir.path(), "echo a b | awk '{print $2}'"), "b\n");
    assert_eq!(sh(dir.path(), "command -v awk"), "/usr/bin/awk\n");
}

#[test]
fn gzip_and_tar_z_round_trip_a_10_mib_tree() {
    let dir = TestDir::new("gzip-tar").expect("dir");
    let d = dir.path();
    let bytes = make_tree(&d.join("tree"));
    assert!(bytes > 10 << 20, "the tree has {bytes} bytes");
    // toybox's `tar c -z` exits without waiting for its gzip, which
    // finishes the file a moment later (natively too). A bare `forkless
    // tar` lets that orphan finish before the process ends (docs/exec.md),
    // so the archive is whole when forkless returns.
    let tar = forkless().command(&["tar", "-czf", "tree.tgz", "tree"]).current_dir(d).status().expect("forkless tar");
    assert!(tar.success());
    sh(d, "mkdir z && tar -xzf tree.tgz -C z");
    assert_same_tree(&d.join("tree"), &d.join("z/tree"));
    sh(d, "tar -cf - tree | gzip -9 > tree2.tgz && mkdir i && tar -I gzip -xf tree2.tgz -C i");
    assert_same_tree(&d.join("tree"), &d.join("i/tree"));
    // Real compression: the text shrinks to well under half.
    sh(d, "gzip -k tree/text/lines.txt && gunzip -c tree/text/lines.txt.gz > lines.back");
    let text = fs::metadata(d.join("tree/text/lines.txt")).expect("stat").len();
    let packed = fs::metadata(d.join("tree/text/lines.txt.gz")).expect("stat").len();
    assert!(packed * 3 < text, "gzip made {text} bytes into {packed}");
    assert!(fs::read(d.join("lines.back")).expect("read") == fs::read(d.join("tree/text/lines.txt")).expect("read"));
    // What forkless's gzip writes, the host's gunzip reads (a gzip file,
    // not a private format), and the other way round.
    let host = Command::new("gzip").arg("-dc").arg(d.join("tree/text/lines.txt.gz")).output().expect("host gzip");
    assert!(host.status.success() && host.stdout == fs::read(d.join("lines.back")).expect("read"));
    let st = Command::new("gzip").args(["-9", "-k", "-S", ".hostgz"]).arg(d.join("lines.back")).status();
    assert!(st.expect("host gzip").success());
    assert_eq!(sh(d, "zcat < lines.back.hostgz | cmp - lines.back && echo same"), "same\n");
}

#[test]
fn xz_and_tar_j_round_trip_a_10_mib_tree() {
    let dir = TestDir::new("xz-tar").expect("dir");
    let d = dir.path();
    make_tree(&d.join("tree"));
    // As for gzip: tar's xz finishes the file after tar exits, before
    // forkless does.
    let tar = forkless().command(&["tar", "-cJf", "tree.txz", "tree"]).current_dir(d).status().expect("forkless tar");
    assert!(tar.success());
    sh(d, "mkdir x && tar -xJf tree.txz -C x");
    assert_same_tree(&d.join("tree"), &d.join("x/tree"));
    // xz and xz -d on a file: the .xz replaces the file and back.
    sh(d, "cp tree/text/lines.txt l.txt && xz -1 l.txt && test ! -e l.txt && xz -d l.txt.xz && test ! -e l.txt.xz");
    assert!(fs::read(d.join("l.txt")).expect("read") == fs::read(d.join("tree/text/lines.txt")).expect("read"));
    sh(d, "unxz -c tree.txz > tree.tar && xz -k -1 tree/text/lines.txt");
    let text = fs::metadata(d.join("tree/text/lines.txt")).expect("stat").len();
    let packed = fs::metadata(d.join("tree/text/lines.txt.xz")).expect("stat").len();
    assert!(packed * 5 < text, "xz made {text} bytes into {packed}");
    // The host's xz reads what forkless's wrote, and the other way round.
    let host = Command::new("xz").arg("-dc").arg(d.join("tree.txz")).output().expect("host xz");
    assert!(host.status.success() && host.stdout == fs::read(d.join("tree.tar")).expect("read"));
    let st = Command::new("tar").args(["-cJf", "host.txz", "tree"]).current_dir(d).status().expect("host tar");
    assert!(st.success());
    sh(d, "mkdir h && xz -dc host.txz | tar -xf - -C h");
    assert_same_tree(&d.join("tree"), &d.join("h/tree"));
}

#[test]
fn xz_errors_are_native_xz_errors() {
    let dir = TestDir::new("xz-errors").expect("dir");
    let d = dir.path();
    fs::write(d.join("bad.xz"), b"not xz at all\n").expect("write");
    fs::write(d.join("plain"), b"text\n").expect("write");
    for args in [&["-d", "bad.xz"][..], &["-d", "missing.xz"], &["-d", "plain"], &["--bogus"], &["-t", "bad.xz"]] {
        let ours = forkless().command(&[&["xz"][..], args].concat()).current_dir(d).output().expect("forkless runs");
        let native = Command::new(env!("FORKLESS_NATIVE_XZ")).arg0("xz").args(args).current_dir(d).output();
        let native = native.expect("native xz runs");
        assert_eq!(ours.status.code(), native.status.code(), "xz {args:?}: status");
        assert_eq!(String::from_utf8_lossy(&ours.stderr), String::from_utf8_lossy(&native.stderr), "xz {args:?}");
        assert!(!ours.status.success(), "xz {args:?} succeeded");
    }
    assert_eq!(fs::read(d.join("bad.xz")).expect("still there"), b"not xz at all\n");
}

#[test]
fn idle_orphans_do_not_hold_forkless() {
    // The end of the process waits for orphans that are working (tar's
    // gzip, above), up to 10 s, but not for one that sleeps.
    let dir = TestDir::new("idle-orphan").expect("dir");
    let start = std::time::Instant::now();
    assert_eq!(sh(dir.path(), "sleep 100 & echo started"), "started\n");
    let took = start.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "forkless took {took:?} with a sleeping orphan");
}
