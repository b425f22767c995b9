//! zlib's configuration: its own `configure --static` (in our copy of the
//! tree: it writes zconf.h in place) and the Makefile's object lists. zlib
//! is compiled into the programs that use it (toybox's gzip), as guest
//! code: docs/userland.md says why not the host's libz.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::makefile::{defines, make_list};

/// The result of configuring zlib.
#[derive(Clone, Debug)]
pub struct Config {
    pub src_dir: PathBuf,
    /// The library's units: the core (`OBJZ`) and the gz* file functions
    /// (`OBJG`), which toybox's gzip uses.
    pub sources: Vec<PathBuf>,
    /// `-D` definitions from its CFLAGS.
    pub defines: Vec<(String, Option<String>)>,
}

/// Runs `configure --static` in `src_dir` (once) and reads its Makefile.
pub fn configure(src_dir: &Path) -> io::Result<Config> {
    let stamp = src_dir.join(".forkless-configured");
    let host = crate::cross_host();
    let key = format!("--static {}", host.as_deref().unwrap_or(""));
    if fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) {
        let mut cmd = Command::new("sh");
        cmd.arg("./configure").arg("--static").current_dir(src_dir).env("CC", crate::target_cc());
        // zlib's configure takes the target from CHOST, not --host.
        if let Some(h) = &host {
            cmd.env("CHOST", h);
        }
        let out = cmd.stdin(Stdio::null()).output()?;
        if !out.status.success() || !src_dir.join("Makefile").exists() {
            return Err(io::Error::other(format!(
                "zlib configure failed in {}:\n{}{}",
                src_dir.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        fs::write(&stamp, &key)?;
    }
    let makefile = fs::read_to_string(src_dir.join("Makefile"))?;
    let mut sources = Vec::new();
    for list in ["OBJZ", "OBJG"] {
        let objs =
            make_list(&makefile, list).ok_or_else(|| io::Error::other(format!("zlib's Makefile has no {list}")))?;
        sources.extend(objs.iter().map(|o| src_dir.join(o.replace(".o", ".c"))));
    }
    let cflags = make_list(&makefile, "CFLAGS").ok_or_else(|| io::Error::other("zlib's Makefile has no CFLAGS"))?;
    Ok(Config { src_dir: src_dir.to_path_buf(), sources, defines: defines(&cflags) })
}
