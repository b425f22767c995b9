//! The commands a session needs beyond the shell and the applets' basics:
//! awk, and compression that really compresses (docs/userland.md).

use std::fs;
use std::path::Path;
use std::process::Command;

use harness::{Forkless, TestDir};

fn forkless() -> Forkless {
    Forkless::new(assert_cmd::cargo::cargo_bin("forkless"))
}

/// Runs `script` with `forkless sh -c` in `dir`; its stdout, or a panic
/// with everything it said.
fn sh(dir: &Path, script: &str) -> String {
    let out = forkless().command(&["sh", "-c", script]).current_dir(dir).output().expect("forkless runs");
    assert!(
        out.status.success(),
        "`{script}`: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
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
    // finishes the file a moment later (natively too): wait for a whole
    // gzip file (at most 10 s) before reading it.
    let settled = "n=0; until zcat tree.tgz >/dev/null 2>&1 || [ $n -ge 100 ]; do sleep 0.1; n=$((n+1)); done";
    sh(d, &format!("tar -czf tree.tgz tree && {settled} && mkdir z && tar -xzf tree.tgz -C z"));
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
fn tar_j_extracts_what_host_xz_made() {
    let dir = TestDir::new("tar-j").expect("dir");
    let d = dir.path();
    make_tree(&d.join("tree"));
    let st = Command::new("tar").args(["-cJf", "tree.txz", "tree"]).current_dir(d).status().expect("host tar");
    assert!(st.success());
    sh(d, "mkdir x && tar -xJf tree.txz -C x");
    assert_same_tree(&d.join("tree"), &d.join("x/tree"));
}
