//! dropbear's configuration: its own autoconf `configure` writes config.h
//! and the Makefile on this machine; our `localoptions.h` (written next to
//! config.h, as dropbear's INSTALL.md asks) chooses the features. The
//! sources are the Makefile's object lists for a multi-call build of every
//! program (what `make MULTI=1 PROGRAMS="..."` compiles), plus the bundled
//! libtomcrypt and libtommath objects from their own Makefiles. The same
//! configuration builds both the guest and the native reference.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::makefile::{autoconf, make_list, Configured};

/// The programs of the multi-call binary, dispatched on argv[0] by
/// dropbear's own dbmulti.c (`dbclient` also answers to `ssh`).
pub const PROGRAMS: &[&str] = &["dropbear", "dbclient", "dropbearkey", "dropbearconvert", "scp"];

/// `configure` switches: the bundled crypto libraries (no system copy is
/// assumed), and nothing that needs host services a task does not have
/// (PAM, syslog, the login record files). Login records go through
/// pututxline only, which the runtime serves from its own database
/// (`crt::utmpx`), so that `who` and `w` inside forkless list the ssh
/// sessions; login() would write the host's utmp itself.
const CONFIGURE_ARGS: &[&str] = &[
    "--enable-bundled-libtom",
    "--disable-zlib",
    "--disable-pam",
    "--disable-syslog",
    "--disable-lastlog",
    "--disable-utmp",
    "--disable-wtmp",
    "--disable-wtmpx",
    "--disable-loginfunc",
    "--disable-pututline",
    "--disable-harden",
];

/// The result of configuring dropbear in a build directory.
pub type Config = Configured;

/// Runs `configure` (once per build directory), writes `localoptions`
/// as localoptions.h, and reads the source lists.
pub fn configure(src_dir: &Path, build_dir: &Path, localoptions: &str) -> io::Result<Config> {
    let cc = std::env::var("TVM_DROPBEAR_CC").unwrap_or_else(|_| crate::target_cc());
    autoconf("dropbear", src_dir, build_dir, CONFIGURE_ARGS, &cc, "config.h")?;
    if !build_dir.join("default_options_guard.h").exists() {
        // A header the Makefile generates before compiling anything.
        let out = Command::new("make").arg("default_options_guard.h").current_dir(build_dir).output()?;
        if !out.status.success() {
            return Err(io::Error::other(format!(
                "dropbear's make default_options_guard.h failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    }
    let opts = build_dir.join("localoptions.h");
    if fs::read_to_string(&opts).ok().as_deref() != Some(localoptions) {
        fs::write(&opts, localoptions)?;
    }

    let makefile = fs::read_to_string(build_dir.join("Makefile"))?;
    let src = src_dir.join("src");
    let mut sources = vec![src.join("dbmulti.c")];
    for list in ["_COMMONOBJS", "_CLISVROBJS", "_SVROBJS", "_CLIOBJS", "_KEYOBJS", "_CONVERTOBJS", "_SCPOBJS"] {
        let objs = make_list(&makefile, list).ok_or_else(|| io::Error::other(format!("Makefile has no {list}")))?;
        sources.extend(objs.iter().map(|o| src.join(o.replace(".o", ".c"))));
    }
    for lib in ["libtomcrypt", "libtommath"] {
        let text = fs::read_to_string(src_dir.join(lib).join("Makefile.in"))?;
        let objs =
            make_list(&text, "OBJECTS").ok_or_else(|| io::Error::other(format!("{lib}/Makefile.in has no OBJECTS")))?;
        // An object with no source of its own name is a second compile of
        // another file under other defines (libtomcrypt's encrypt-only
        // aes_enc.o), which nothing in dropbear uses.
        for o in objs {
            let source = src_dir.join(lib).join(o.replace(".o", ".c"));
            if !source.exists() {
                continue;
            }
            sources.push(if lib == "libtomcrypt" {
                // libtomcrypt's own units see its internal declarations
                // (its Makefile's -DLTC_SOURCE); dropbear's must not.
                defining(&build_dir.join("ltc-units").join(&o), &source, "LTC_SOURCE")?
            } else {
                source
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    sources.retain(|s| seen.insert(s.clone()));

    let mut defines: Vec<(String, Option<String>)> =
        ["DROPBEAR_SERVER", "DROPBEAR_CLIENT", "DROPBEAR_MULTI", "LOCALOPTIONS_H_EXISTS"]
            .iter()
            .map(|d| (d.to_string(), None))
            .collect();
    defines.extend(PROGRAMS.iter().map(|p| (format!("DBMULTI_{p}"), None)));
    if src.join("distrooptions.h").exists() {
        defines.push(("DISTROOPTIONS_H_EXISTS".into(), None));
    }
    let includes =
        vec![build_dir.to_path_buf(), src, src_dir.join("libtomcrypt/src/headers"), src_dir.join("libtommath")];
    let cflags = var(&makefile, "CFLAGS+")
        .unwrap_or_default()
        .split_whitespace()
        .filter(|f| matches!(*f, "-fwrapv" | "-fno-strict-overflow" | "-fno-strict-aliasing"))
        .map(str::to_string)
        .collect();
    let libs = var(&makefile, "LIBS+")
        .unwrap_or_default()
        .split_whitespace()
        .chain(["-lcrypt"])
        .filter_map(|l| l.strip_prefix("-l"))
        .map(str::to_string)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(Config {
        src_dir: src_dir.to_path_buf(),
        build_dir: build_dir.to_path_buf(),
        sources,
        includes,
        defines,
        cflags,
        libs,
        // The native reference writes no login records: its pututxline is
        // the host's, and tests must not change the host's utmp.
        native_defines: vec![("DISABLE_UTMPX".into(), None)],
    })
}

/// A unit at `unit` (a `.o` path, made `.c`) that defines `name`, then
/// compiles `source`: a per-file define, for the guest and the native build
/// alike. Written only when it changes, so the build caches hold.
fn defining(unit: &Path, source: &Path, name: &str) -> io::Result<PathBuf> {
    let unit = unit.with_extension("c");
    let text = format!("#define {name}\n#include \"{}\"\n", source.display());
    if fs::read_to_string(&unit).ok().as_deref() != Some(text.as_str()) {
        fs::create_dir_all(unit.parent().expect("a unit path has a directory"))?;
        fs::write(&unit, text)?;
    }
    Ok(unit)
}

/// The value of a one-line `NAME=value` (or `NAME+=value` as `NAME+`).
fn var<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')).map(str::trim))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_make_lists() {
        let text = "X=1\n_COMMONOBJS=dbutil.o buffer.o \\\n\t\tdss.o \\\n\t\tbignum.o\nCOMMONOBJS = $(x)\nCFLAGS+=-Os -fno-strict-overflow\n";
        assert_eq!(make_list(text, "_COMMONOBJS").unwrap(), ["dbutil.o", "buffer.o", "dss.o", "bignum.o"]);
        assert_eq!(make_list(text, "X").unwrap(), ["1"]);
        assert!(make_list(text, "NONE").is_none());
        assert_eq!(var(text, "CFLAGS+"), Some("-Os -fno-strict-overflow"));
    }
}
