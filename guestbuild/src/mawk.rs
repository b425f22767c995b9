//! mawk's configuration: its own autoconf `configure` writes config.h and
//! the Makefile on this machine; the Makefile's `OBJS` names the units.
//! One unit, `scancode.c`, is generated at build time by mawk's
//! `makescan`, a build-machine program (the scanner's character classes),
//! as its Makefile does. The same configuration builds both the guest and
//! the native reference.

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;

use crate::makefile::{autoconf, defines, make_list, Configured};

/// The result of configuring mawk in a build directory.
pub type Config = Configured;

/// Runs `configure` (once per build directory) and `makescan`, and reads
/// the Makefile.
pub fn configure(src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    autoconf("mawk", src_dir, build_dir, &[], &crate::target_cc(), "config.h")?;
    let makefile = fs::read_to_string(build_dir.join("Makefile"))?;
    let cppflags =
        make_list(&makefile, "CPPFLAGS").ok_or_else(|| io::Error::other("mawk's Makefile has no CPPFLAGS"))?;
    let defines = defines(&cppflags);
    let scancode = build_dir.join("scancode.c");
    if !scancode.exists() {
        generate_scancode(src_dir, build_dir, &defines, &scancode)?;
    }
    let objs = make_list(&makefile, "OBJS").ok_or_else(|| io::Error::other("mawk's Makefile has no OBJS"))?;
    let sources = objs
        .iter()
        .map(|o| o.replace("$o", ".c"))
        .map(|c| if c == "scancode.c" { scancode.clone() } else { src_dir.join(c) })
        .collect();
    let libs = make_list(&makefile, "LIBS")
        .unwrap_or_default()
        .iter()
        .filter_map(|l| l.strip_prefix("-l"))
        .map(str::to_string)
        .collect();
    Ok(Config {
        src_dir: src_dir.to_path_buf(),
        build_dir: build_dir.to_path_buf(),
        sources,
        includes: vec![build_dir.to_path_buf(), src_dir.to_path_buf()],
        defines,
        cflags: Vec::new(),
        libs,
        native_defines: Vec::new(),
    })
}

/// Builds mawk's `makescan` with the build machine's compiler and writes
/// its output, the scanner's table, to `scancode`.
fn generate_scancode(
    src_dir: &Path,
    build_dir: &Path,
    defines: &[(String, Option<String>)],
    scancode: &Path,
) -> io::Result<()> {
    let exe = build_dir.join("makescan");
    let mut cc = Command::new("cc");
    cc.arg("-o").arg(&exe).arg(src_dir.join("makescan.c")).arg("-I").arg(build_dir).arg("-I").arg(src_dir);
    for (k, v) in defines {
        cc.arg(match v {
            Some(v) => format!("-D{k}={v}"),
            None => format!("-D{k}"),
        });
    }
    let out = cc.output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "mawk's makescan does not compile:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let out = Command::new(&exe).current_dir(build_dir).output()?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err(io::Error::other(format!("mawk's makescan failed:\n{}", String::from_utf8_lossy(&out.stderr))));
    }
    let tmp = scancode.with_extension("c.tmp");
    fs::write(&tmp, &out.stdout)?;
    fs::rename(&tmp, scancode)
}
