//! less's configuration: its own autoconf `configure` writes defines.h
//! and the Makefile; the Makefile's `OBJ` names the pager's units. Its
//! terminal library is ncurses's libtinfo from the pinned ncurses
//! (`crate::ncurses`): configure links its test programs against the
//! native libtinfo.a, and the guest and the native reference compile
//! libtinfo's units in with less's.

use std::fs;
use std::io;
use std::path::Path;

use crate::makefile::{autoconf, make_list, Configured};
use crate::ncurses;

/// The result of configuring less: its units and ncurses's together.
pub type Config = Configured;

/// Runs `configure` (once per build directory) against `nc`'s native
/// libtinfo and reads the Makefile.
pub fn configure(src_dir: &Path, build_dir: &Path, nc: &ncurses::Config) -> io::Result<Config> {
    let cppflags = format!("CPPFLAGS=-I{}", nc.include_dir.display());
    let ldflags = format!("LDFLAGS=-L{}", nc.lib_dir.display());
    // POSIX regcomp: the runtime routes it (docs/host-objects.md); the
    // default would take PCRE2 when the build machine happens to have it.
    // Only ncurses's own termcap.h: a build machine with ncurses's
    // development package would otherwise have less include its
    // <ncursesw/termcap.h>, declaring libtinfo's variables as a system
    // header's (shared, not per task).
    let args = [
        "--with-regex=posix",
        "--with-editor=vi",
        "ac_cv_header_ncursesw_termcap_h=no",
        "ac_cv_header_ncurses_termcap_h=no",
        cppflags.as_str(),
        ldflags.as_str(),
    ];
    autoconf("less", src_dir, build_dir, &args, &crate::target_cc(), "defines.h")?;
    let makefile = fs::read_to_string(build_dir.join("Makefile"))?;
    let mut objs = make_list(&makefile, "OBJ").ok_or_else(|| io::Error::other("less's Makefile has no OBJ"))?;
    // `OBJ += lesskey_parse.o` unless configured --with-secure, which
    // this build never is (`ifneq (0,1)` in the configured Makefile).
    if makefile.contains("ifneq (0,1)\nOBJ += lesskey_parse.${O}") {
        objs.push("lesskey_parse.${O}".into());
    } else {
        return Err(io::Error::other("less's Makefile: lesskey_parse is not in OBJ as expected"));
    }
    let libs = make_list(&makefile, "LIBS").unwrap_or_default();
    if !libs.iter().any(|l| l == "-ltinfo") {
        return Err(io::Error::other(format!("less's configure chose {libs:?}, not ncurses's -ltinfo")));
    }
    let mut sources: Vec<_> = objs.iter().map(|o| src_dir.join(o.replace(".${O}", ".c"))).collect();
    sources.extend(nc.tinfo.sources.iter().cloned());
    let mut includes = vec![build_dir.to_path_buf(), src_dir.to_path_buf()];
    includes.extend(nc.tinfo.includes.iter().cloned());
    let mut defines = vec![
        ("BINDIR".to_string(), Some("\"/usr/bin\"".to_string())),
        ("SYSDIR".to_string(), Some("\"/etc\"".to_string())),
    ];
    defines.extend(nc.tinfo.defines.iter().cloned());
    Ok(Config { sources, includes, defines, ..Configured::empty(src_dir, build_dir) })
}
