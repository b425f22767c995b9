//! Guests' own autoconf builds: running `configure` out of tree, reading
//! what it wrote (Makefile variable lists, `-D` definitions), and what a
//! guest's configure step gives the build.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs `name`'s autoconf `configure` (in `src_dir`) with `args` in
/// `build_dir`, with `cc` as CC, unless the directory was configured with
/// the same arguments already (a stamp file). A cross build adds
/// `--host`: configure would otherwise try to run the programs it
/// compiles. Fails unless configure succeeds and writes `header` (its
/// configuration header, relative to `build_dir`).
pub fn autoconf(name: &str, src_dir: &Path, build_dir: &Path, args: &[&str], cc: &str, header: &str) -> io::Result<()> {
    let stamp = build_dir.join(".configured");
    let host = crate::cross_host().map(|h| format!("--host={h}"));
    let args: Vec<&str> = args.iter().copied().chain(host.as_deref()).collect();
    let key = args.join(" ");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(key.as_str()) {
        return Ok(());
    }
    let _ = fs::remove_dir_all(build_dir);
    fs::create_dir_all(build_dir)?;
    let out = Command::new(src_dir.join("configure"))
        .args(&args)
        .current_dir(build_dir)
        .env("CC", cc)
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() || !build_dir.join(header).exists() {
        return Err(io::Error::other(format!(
            "{name} configure failed in {}:\n{}",
            build_dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    fs::write(&stamp, &key)
}

/// A guest configured by its own scripts: where it is, its units, and
/// how to compile and link them (the guest and its native reference
/// alike).
#[derive(Clone, Debug)]
pub struct Configured {
    pub src_dir: PathBuf,
    pub build_dir: PathBuf,
    pub sources: Vec<PathBuf>,
    /// Include directories, in the Makefile's order.
    pub includes: Vec<PathBuf>,
    /// `-D` definitions, in order.
    pub defines: Vec<(String, Option<String>)>,
    /// CFLAGS that change meaning (not optimisation or warnings).
    pub cflags: Vec<String>,
    /// Libraries the programs link with.
    pub libs: Vec<String>,
}

/// Runs `make` with `targets` in `dir` (side by side as the build's jobs
/// allow): for the files a guest's Makefile generates before compiling.
pub fn make(name: &str, dir: &Path, targets: &[&str]) -> io::Result<()> {
    let out = Command::new("make")
        .arg(format!("-j{}", crate::jobs::count()))
        .args(targets)
        .current_dir(dir)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{name}: make {} failed in {}:\n{}",
            targets.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// The words of make variable `name` (`NAME=a b \` continued lines).
pub fn make_list(text: &str, name: &str) -> Option<Vec<String>> {
    let mut lines = text.lines();
    let first = lines.by_ref().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == name).then_some(v)
    })?;
    let mut words = Vec::new();
    let mut line = first;
    loop {
        let cont = line.trim_end().ends_with('\\');
        words.extend(line.trim_end().trim_end_matches('\\').split_whitespace().map(str::to_string));
        if !cont {
            break;
        }
        line = lines.next()?;
    }
    Some(words)
}

/// The `-D` definitions among compiler flags, in order: `-DNAME` and
/// `-DNAME=VALUE`.
pub fn defines(words: &[String]) -> Vec<(String, Option<String>)> {
    words
        .iter()
        .filter_map(|w| w.strip_prefix("-D"))
        .map(|d| match d.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (d.to_string(), None),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_defines() {
        let words: Vec<String> = "-I. -O3 -DHAVE_CONFIG_H -D_XOPEN_SOURCE=500".split(' ').map(str::to_string).collect();
        assert_eq!(defines(&words), [("HAVE_CONFIG_H".into(), None), ("_XOPEN_SOURCE".into(), Some("500".into()))]);
    }
}
