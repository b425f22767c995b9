//! Guests' own autoconf builds: running `configure` out of tree, reading
//! what it wrote (Makefile variable lists, `-D` definitions), and what a
//! guest's configure step gives the build.

use std::collections::HashMap;
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

/// Takes `#define NAME 1` out of a configured header, for what configure
/// has no switch for and a guest must not use; the line becomes a comment
/// naming `by`, the module that says why.
pub fn undefine(header: &Path, name: &str, by: &str) -> io::Result<()> {
    let text = fs::read_to_string(header)?;
    let define = format!("#define {name} 1");
    if text.contains(&define) {
        fs::write(header, text.replace(&define, &format!("/* {name}: not for guests ({by}) */")))?;
    }
    Ok(())
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
    /// `-D` definitions for the native reference build only: what must not
    /// touch the host when the native program runs in tests (dropbear's
    /// login records).
    pub native_defines: Vec<(String, Option<String>)>,
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

/// The variables of a configured Makefile, automake's included: `NAME =
/// v`, `NAME := v` and `NAME += v` definitions in order (configure turns
/// a disabled `if` block's lines into comments, which define nothing).
pub struct Vars(HashMap<String, String>);

impl Vars {
    pub fn parse(text: &str) -> Vars {
        let mut vars: HashMap<String, String> = HashMap::new();
        let mut logical = String::new();
        for line in text.lines() {
            logical.push_str(line.trim_end());
            if logical.ends_with('\\') {
                logical.pop();
                logical.push(' ');
                continue;
            }
            let l = std::mem::take(&mut logical);
            if l.starts_with('#') || l.starts_with('\t') {
                continue;
            }
            let Some((lhs, value)) = l.split_once('=') else { continue };
            let (name, append) = match lhs.trim_end().strip_suffix('+') {
                Some(n) => (n.trim(), true),
                None => (lhs.trim_end().trim_end_matches(':').trim(), false),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let value = value.trim();
            match vars.get_mut(name) {
                Some(v) if append => {
                    v.push(' ');
                    v.push_str(value);
                }
                _ => {
                    vars.insert(name.to_string(), value.to_string());
                }
            }
        }
        Vars(vars)
    }

    /// The words of variable `name`, with `$(X)` and `${X}` expanded (an
    /// undefined variable is empty, as in make).
    pub fn words(&self, name: &str) -> Vec<String> {
        self.expand(&format!("$({name})"), 0).split_whitespace().map(str::to_string).collect()
    }

    fn expand(&self, text: &str, depth: usize) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let close = match after.chars().next() {
                Some('(') => ')',
                Some('{') => '}',
                Some('$') => {
                    out.push('$');
                    rest = &after[1..];
                    continue;
                }
                _ => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            };
            let Some(end) = after.find(close) else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = &after[1..end];
            if depth < 32 {
                if let Some(v) = self.0.get(name) {
                    out.push_str(&self.expand(v, depth + 1));
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl Configured {
    /// A configured guest with no units, flags or libraries yet.
    pub fn empty(src_dir: &Path, build_dir: &Path) -> Configured {
        Configured {
            src_dir: src_dir.to_path_buf(),
            build_dir: build_dir.to_path_buf(),
            sources: Vec::new(),
            includes: Vec::new(),
            defines: Vec::new(),
            cflags: Vec::new(),
            libs: Vec::new(),
            native_defines: Vec::new(),
        }
    }
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
    fn expands_automake_variables() {
        let mk = "top = ../..\nx_SOURCES = a.c $(am__append_1) \\\n\tb.c ${am__append_2}\n#am__append_1 = off.c\nam__append_1 = on.c\n\
                  am__append_2 = $(top)/c.c\nx_SOURCES += d.c\nrule: dep\n\t$(CC) -o x\n";
        let v = Vars::parse(mk);
        assert_eq!(v.words("x_SOURCES"), ["a.c", "on.c", "b.c", "../../c.c", "d.c"]);
        assert!(v.words("undefined").is_empty());
    }

    #[test]
    fn reads_defines() {
        let words: Vec<String> = "-I. -O3 -DHAVE_CONFIG_H -D_XOPEN_SOURCE=500".split(' ').map(str::to_string).collect();
        assert_eq!(defines(&words), [("HAVE_CONFIG_H".into(), None), ("_XOPEN_SOURCE".into(), Some("500".into()))]);
    }
}
