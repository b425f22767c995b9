//! mksh's configuration: its own `Build.sh -M` does the feature tests on
//! this machine and writes `Makefrag.inc` (sources, CPPFLAGS, CFLAGS); the
//! generated `*.gen` headers come from Build.sh's genopt mode. The same
//! configuration builds both the guest and the native reference shell.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The result of configuring mksh in a build directory.
#[derive(Clone, Debug)]
pub struct Config {
    pub src_dir: PathBuf,
    pub build_dir: PathBuf,
    pub sources: Vec<PathBuf>,
    /// `-D` definitions from CPPFLAGS, in order.
    pub defines: Vec<(String, Option<String>)>,
    /// CFLAGS that change meaning (not optimisation or warnings), e.g. -fwrapv.
    pub cflags: Vec<String>,
}

/// Runs `Build.sh -M` (once per source tree) and the genopt steps, and
/// parses the result.
pub fn configure(src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    let frag = build_dir.join("Makefrag.inc");
    let stamp = build_dir.join(".configured");
    if !stamp.exists() {
        let _ = fs::remove_dir_all(build_dir);
        fs::create_dir_all(build_dir)?;
        let out = Command::new("sh")
            .arg(src_dir.join("Build.sh"))
            .arg("-M")
            .current_dir(build_dir)
            .env("CC", std::env::var("TVM_MKSH_CC").unwrap_or_else(|_| crate::target_cc()))
            // As Debian's build driver (debian/meat) does: history stays in
            // memory rather than in an mmap-shared file.
            .env("HAVE_PERSISTENT_HISTORY", "0")
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() || !frag.exists() {
            return Err(io::Error::other(format!(
                "mksh Build.sh -M failed in {}:\n{}",
                build_dir.display(),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        for opt in ["rlimits", "sh_flags", "ulimits"] {
            let script = format!(
                "srcfile='{}/{opt}.opt'; BUILDSH_RUN_GENOPT=1; . '{}/Build.sh'",
                src_dir.display(),
                src_dir.display()
            );
            let out = Command::new("sh").arg("-c").arg(&script).current_dir(build_dir).output()?;
            if !out.status.success() || !build_dir.join(format!("{opt}.gen")).exists() {
                return Err(io::Error::other(format!(
                    "mksh genopt {opt} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
        }
        fs::write(&stamp, "")?;
    }
    let mut cfg = parse(&fs::read_to_string(&frag)?, src_dir, build_dir)?;
    // Debian's patch series makes sh.h insist on being built through a
    // driver (debian/meat defines this); Build.sh's configuration is the
    // driver here.
    cfg.defines.push(("MKSH_BUILDMEAT".to_string(), None));
    Ok(cfg)
}

/// The value of `NAME=` in Makefrag.inc (tab-separated, one line).
fn var<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')).map(str::trim))
}

fn parse(text: &str, src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    let missing = |n: &str| io::Error::other(format!("Makefrag.inc has no {n}"));
    let sources =
        var(text, "SRCS").ok_or_else(|| missing("SRCS"))?.split_whitespace().map(|s| src_dir.join(s)).collect();
    let mut defines = Vec::new();
    for word in var(text, "CPPFLAGS").ok_or_else(|| missing("CPPFLAGS"))?.split_whitespace() {
        if let Some(d) = word.strip_prefix("-D") {
            match d.split_once('=') {
                Some((k, v)) => defines.push((k.to_string(), Some(v.to_string()))),
                None => defines.push((d.to_string(), None)),
            }
        }
    }
    // Flags that are part of the language mksh is written in; the rest
    // (optimisation, warnings, hardening) are the host build's business.
    let cflags = var(text, "CFLAGS")
        .ok_or_else(|| missing("CFLAGS"))?
        .split_whitespace()
        .filter(|f| matches!(*f, "-fwrapv" | "-fno-strict-aliasing"))
        .map(str::to_string)
        .collect();
    Ok(Config { src_dir: src_dir.to_path_buf(), build_dir: build_dir.to_path_buf(), sources, defines, cflags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_makefrag() {
        let text = "PROG=\t\tmksh\nSRCS=\t\tlalloc.c edit.c\nCPPFLAGS=\t-I. -I'..'  -DMKSH_BUILDSH=1 -D_GNU_SOURCE -Dst_mtimensec=st_mtim.tv_nsec\nCFLAGS=\t\t -O2 -fno-strict-aliasing -Wall -fwrapv \n";
        let c = parse(text, Path::new("/s"), Path::new("/b")).unwrap();
        assert_eq!(c.sources, vec![PathBuf::from("/s/lalloc.c"), PathBuf::from("/s/edit.c")]);
        assert_eq!(c.defines[0], ("MKSH_BUILDSH".to_string(), Some("1".to_string())));
        assert_eq!(c.defines[1], ("_GNU_SOURCE".to_string(), None));
        assert_eq!(c.defines[2], ("st_mtimensec".to_string(), Some("st_mtim.tv_nsec".to_string())));
        assert_eq!(c.cflags, vec!["-fno-strict-aliasing", "-fwrapv"]);
        assert!(parse("PROG=x\n", Path::new("/s"), Path::new("/b")).is_err());
    }
}
