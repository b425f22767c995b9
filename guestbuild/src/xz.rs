//! xz-utils's configuration: its own autoconf `configure` writes config.h
//! and the automake Makefiles; the `xz` program's units are its
//! `xz_SOURCES` (src/xz) and liblzma's `liblzma_la_SOURCES`
//! (src/liblzma), as configure's choices resolved them, compiled into one
//! program (liblzma is reentrant and has no global state, so nothing is
//! lost by linking it into each program that uses it, as zlib is).

use std::fs;
use std::io;
use std::path::Path;

use crate::makefile::{autoconf, defines, undefine, Configured, Vars};

/// `configure` switches: the `xz` tool and its library, single-threaded
/// (xz's `-T` threads would be host threads the runtime does not give a
/// guest), C only (no x86 assembler units), no translations, no sandbox
/// (Capsicum/pledge exist on neither target), and none of the other
/// programs or scripts.
const CONFIGURE_ARGS: &[&str] = &[
    "--prefix=/usr",
    "--disable-shared",
    "--enable-threads=no",
    "--disable-assembler",
    "--disable-nls",
    "--enable-sandbox=no",
    "--disable-xzdec",
    "--disable-lzmadec",
    "--disable-lzmainfo",
    "--disable-lzma-links",
    "--disable-scripts",
    "--disable-doc",
];

/// The result of configuring xz-utils in a build directory.
pub type Config = Configured;

/// Runs `configure` (once per build directory) and reads the two
/// Makefiles.
pub fn configure(src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    autoconf("xz-utils", src_dir, build_dir, CONFIGURE_ARGS, &crate::target_cc(), "config.h")?;
    no_constructors(&build_dir.join("config.h"))?;
    let mut config = Config::empty(src_dir, build_dir);
    // liblzma first: its -D (TUKLIB_SYMBOL_PREFIX) renames the tuklib
    // functions both use, definitions and calls alike, so one copy of each
    // serves both.
    for (dir, target) in [("src/liblzma", "liblzma_la"), ("src/xz", "xz")] {
        add_target(&mut config, &build_dir.join(dir), target)?;
    }
    Ok(config)
}

/// Takes `HAVE_FUNC_ATTRIBUTE_CONSTRUCTOR` out of config.h (configure
/// has no switch for it). With it, liblzma picks its CRC functions in an
/// `__attribute__((constructor))`, which runs once when the host process
/// starts and sets that thread's copy of a per-task global; every task
/// would call a null pointer. Without it, liblzma picks them on first use,
/// in the task.
fn no_constructors(config_h: &Path) -> io::Result<()> {
    undefine(config_h, "HAVE_FUNC_ATTRIBUTE_CONSTRUCTOR", "guestbuild/src/xz.rs")
}

/// Adds the units, include directories and definitions with which
/// automake's rules compile `target` of the Makefile in `dir`.
fn add_target(config: &mut Config, dir: &Path, target: &str) -> io::Result<()> {
    let vars = Vars::parse(&fs::read_to_string(dir.join("Makefile"))?);
    let srcdir = dir.join(vars.words("srcdir").concat());
    let sources = vars.words(&format!("{target}_SOURCES"));
    if sources.is_empty() {
        return Err(io::Error::other(format!("xz-utils: {}/Makefile has no {target}_SOURCES", dir.display())));
    }
    for s in sources.iter().filter(|s| s.ends_with(".c")) {
        // automake's VPATH: the build directory, then the source directory.
        let found = [dir.join(s), srcdir.join(s)].into_iter().find(|p| p.exists());
        let path = found.ok_or_else(|| io::Error::other(format!("xz-utils: {s} of {target} not found")))?;
        let path = fs::canonicalize(path)?;
        if !config.sources.contains(&path) {
            config.sources.push(path);
        }
    }
    // What automake's compile rule passes: DEFS, DEFAULT_INCLUDES, the
    // target's CPPFLAGS.
    let mut flags = vars.words("DEFS");
    flags.extend(vars.words("DEFAULT_INCLUDES"));
    flags.extend(vars.words(&format!("{target}_CPPFLAGS")));
    for f in &flags {
        if let Some(i) = f.strip_prefix("-I") {
            let inc = fs::canonicalize(dir.join(i))?;
            if !config.includes.contains(&inc) {
                config.includes.push(inc);
            }
        }
    }
    for (k, v) in defines(&flags) {
        // Values as the shell would pass them (`-DLOCALEDIR=\"...\"`).
        let v = v.map(|v| v.replace("\\\"", "\""));
        if !config.defines.iter().any(|(name, _)| *name == k) {
            config.defines.push((k, v));
        }
    }
    Ok(())
}
