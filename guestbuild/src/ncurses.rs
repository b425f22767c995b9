//! ncurses's terminfo library (libtinfo: `tgetent`, `tputs`, `tgoto`,
//! `setupterm`, ...), for the guests that drive a terminal through it
//! (less). Its own `configure` writes the headers; its Makefiles generate
//! the tables (capability names, hash tables, key names) with awk scripts
//! and two build-machine programs, and build the native libtinfo.a that a
//! guest's own configure links against when it looks for a terminal
//! library. The guest compiles the same units (the Makefile's
//! `NORMAL_T_OBJS`) into the program that uses them: docs/userland.md says
//! why not the host's libtinfo.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::makefile::{autoconf, defines, make, make_list, Configured};

/// `configure` switches: the terminfo library alone (no curses programs,
/// no C++ or Ada, static only), reading the compiled terminfo entries
/// where Debian keeps them. Narrow characters: the termcap and terminfo
/// functions are the same in ncursesw's libtinfo.
const CONFIGURE_ARGS: &[&str] = &[
    "--with-termlib",
    "--without-shared",
    "--with-normal",
    "--without-debug",
    "--without-profile",
    "--without-cxx",
    "--without-cxx-binding",
    "--without-ada",
    "--without-progs",
    "--without-tests",
    "--without-manpages",
    "--without-gpm",
    "--without-pkg-config",
    "--disable-db-install",
    "--with-terminfo-dirs=/etc/terminfo:/lib/terminfo:/usr/share/terminfo",
    "--with-default-terminfo-dir=/usr/share/terminfo",
];

/// The result of configuring ncurses: libtinfo's units, and where the
/// native library is (`lib_dir`, for other configure scripts' link tests).
#[derive(Clone, Debug)]
pub struct Config {
    pub tinfo: Configured,
    pub lib_dir: PathBuf,
    /// The public headers (`termcap.h`, `curses.h`, `term.h`).
    pub include_dir: PathBuf,
}

/// Runs `configure` (once per build directory) and the Makefiles' steps
/// up to the native libtinfo.a (make redoes nothing that is up to date).
pub fn configure(src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    autoconf("ncurses", src_dir, build_dir, CONFIGURE_ARGS, &crate::target_cc(), "include/ncurses_cfg.h")?;
    make("ncurses", &build_dir.join("include"), &[])?;
    make("ncurses", &build_dir.join("ncurses"), &["../lib/libtinfo.a"])?;
    let makefile = fs::read_to_string(build_dir.join("ncurses/Makefile"))?;
    let objs = make_list(&makefile, "NORMAL_T_OBJS")
        .ok_or_else(|| io::Error::other("ncurses's Makefile has no NORMAL_T_OBJS"))?;
    let sources = objs.iter().map(|o| unit_source(&makefile, o, src_dir, build_dir)).collect::<io::Result<Vec<_>>>()?;
    let cppflags =
        make_list(&makefile, "CPPFLAGS").ok_or_else(|| io::Error::other("ncurses's Makefile has no CPPFLAGS"))?;
    let mut defines = defines(&cppflags);
    // What the Makefile adds for a static library's terminfo units
    // (CFLAGS_NORMAL and each unit's rule).
    defines.push(("NCURSES_STATIC".into(), None));
    defines.push(("USE_TERMLIB".into(), None));
    let (nc_build, nc_src) = (build_dir.join("ncurses"), src_dir.join("ncurses"));
    let includes = vec![nc_build, nc_src, build_dir.join("include"), src_dir.join("include")];
    Ok(Config {
        tinfo: Configured {
            src_dir: src_dir.to_path_buf(),
            build_dir: build_dir.to_path_buf(),
            sources,
            includes,
            defines,
            cflags: Vec::new(),
            libs: Vec::new(),
        },
        lib_dir: build_dir.join("lib"),
        include_dir: build_dir.join("include"),
    })
}

/// The source of object `obj` (`../objects/NAME$o`): the first
/// prerequisite of its rule, `$(tinfo)/NAME.c` (in the source tree) or
/// `./NAME.c` (generated in the build tree).
fn unit_source(makefile: &str, obj: &str, src_dir: &Path, build_dir: &Path) -> io::Result<PathBuf> {
    let missing = || io::Error::other(format!("ncurses's Makefile has no rule for {obj}"));
    let rule =
        makefile.lines().find_map(|l| l.strip_prefix(obj)?.trim_start().strip_prefix(':')).ok_or_else(missing)?;
    let first = rule.split_whitespace().next().ok_or_else(missing)?;
    let subdirs = [
        ("$(base)/", "base"),
        ("$(serial)/", "tty"),
        ("$(tinfo)/", "tinfo"),
        ("$(trace)/", "trace"),
        ("$(wide)/", "widechar"),
    ];
    if let Some(file) = first.strip_prefix("./") {
        return Ok(build_dir.join("ncurses").join(file));
    }
    subdirs
        .iter()
        .find_map(|(var, dir)| first.strip_prefix(var).map(|f| src_dir.join("ncurses").join(dir).join(f)))
        .ok_or_else(|| io::Error::other(format!("ncurses: unknown source {first} for {obj}")))
}
