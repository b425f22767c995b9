//! Reading what autoconf-style Makefiles and configure scripts wrote:
//! variable lists and `-D` definitions (guests' own build descriptions),
//! and what a guest's configure step gives the build.

use std::path::PathBuf;

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
