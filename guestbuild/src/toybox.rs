//! toybox's configuration: `make defconfig` (toybox's own kconfig), our
//! changes to the applet selection (docs/toybox.md says why for each), then
//! toybox's `scripts/make.sh` with NOBUILD=1, which writes the generated
//! headers (config.h, flags.h, globals.h, newtoys.h, help.h, tags.h) and
//! the list of sources and libraries, without compiling toybox itself.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Applets enabled beyond defconfig: unfinished ("pending") in 0.8.9, but
/// commands a shell user expects, and covered by toybox's own tests.
/// `GZIP` with `TOYBOX_LIBZ`: gzip, gunzip and zcat through zlib (compiled
/// in, as a guest: docs/userland.md); toybox's own deflate only stores.
pub const ENABLE: &[&str] = &[
    "EXPR",
    "TR",
    "DIFF",
    "DD",
    "FOLD",
    "GETOPT",
    "HEXDUMP",
    "HD",
    "XZCAT",
    "STTY",
    "BC",
    "VI",
    "GZIP",
    "TOYBOX_LIBZ",
];

/// Applets defconfig enables that we leave out; docs/toybox.md gives each
/// reason. Applets marked TOYFLAG_NEEDROOT are left out automatically.
pub const DISABLE: &[&str] = &[
    // Kernel and hardware administration.
    "BLKDISCARD",
    "BLKID",
    "BLOCKDEV",
    "DEVMEM",
    "EJECT",
    "FREERAMDISK",
    "FSFREEZE",
    "GPIODETECT",
    "GPIOFIND",
    "GPIOGET",
    "GPIOINFO",
    "GPIOSET",
    "HWCLOCK",
    "I2CDETECT",
    "I2CDUMP",
    "I2CGET",
    "I2CSET",
    "I2CTRANSFER",
    "INSMOD",
    "LOSETUP",
    "MKSWAP",
    "MODINFO",
    "NBD_CLIENT",
    "NBD_SERVER",
    "PARTPROBE",
    "RFKILL",
    "RTCWAKE",
    "SWAPOFF",
    "SWAPON",
    "TUNCTL",
    "VCONFIG",
    "WATCHDOG",
    "LSMOD",
    "LSUSB",
    "ACPI",
    // Whole-system roles a task cannot take.
    "ONEIT",
    "OPENVT",
    "REBOOT",
    "HALT",
    "POWEROFF",
    "SWITCH_ROOT",
    "PIVOT_ROOT",
    "NSENTER",
    "UNSHARE",
    "CHROOT",
    "MOUNT",
    "UMOUNT",
    "LOGIN",
    "SU",
    "PASSWD",
];

/// The result of configuring toybox in its (our copy of the) source tree.
#[derive(Clone, Debug)]
pub struct Config {
    pub src_dir: PathBuf,
    pub sources: Vec<PathBuf>,
    /// `-l` libraries the applets need (toybox's probe, minus the optional
    /// crypto/compression libraries its configuration does not use).
    pub libs: Vec<String>,
    /// Flags toybox's build always uses that change the language.
    pub cflags: Vec<String>,
    /// Applets left out because they refuse to run without root.
    pub needroot: Vec<String>,
}

fn sh(dir: &Path, script: &str) -> io::Result<()> {
    // toybox's scripts probe libraries and preprocess with `$CC`: the
    // target's compiler (a cross build's too); its host tools use HOSTCC.
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("CC", crate::target_cc())
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "toybox: `{script}` failed in {}:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// Sets `CONFIG_<name>` on (`y`) or off in a kconfig file's text.
fn set(config: &str, name: &str, on: bool) -> String {
    let key = format!("CONFIG_{name}");
    let line = if on { format!("{key}=y") } else { format!("# {key} is not set") };
    let mut found = false;
    let mut out: Vec<String> = config
        .lines()
        .map(|l| {
            if l == format!("{key}=y") || l == format!("# {key} is not set") {
                found = true;
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    if !found {
        out.push(line);
    }
    out.join("\n") + "\n"
}

/// Applet config names whose NEWTOY line carries TOYFLAG_NEEDROOT.
fn needroot_applets(src: &Path) -> io::Result<Vec<String>> {
    let mut v = Vec::new();
    for dir in fs::read_dir(src.join("toys"))? {
        let dir = dir?.path();
        if !dir.is_dir() {
            continue;
        }
        for f in fs::read_dir(&dir)? {
            let f = f?.path();
            if f.extension().is_none_or(|e| e != "c") {
                continue;
            }
            // Some applets carry Latin-1 bytes in comments.
            for line in String::from_utf8_lossy(&fs::read(&f)?).lines() {
                let Some(rest) = line.strip_prefix("USE_") else { continue };
                if line.contains("NEEDROOT") {
                    if let Some(name) = rest.split('(').next() {
                        v.push(name.to_string());
                    }
                }
            }
        }
    }
    v.sort();
    v.dedup();
    Ok(v)
}

/// Configures toybox in `src` (a tree of our own, modified in place).
pub fn configure(src: &Path) -> io::Result<Config> {
    let stamp = src.join("generated/.forkless-configured");
    let needroot = needroot_applets(src)?;
    // The stamp holds the selection it was made with: changing ENABLE or
    // DISABLE configures again.
    let selection = format!("enable {ENABLE:?}\ndisable {DISABLE:?}\nneedroot {needroot:?}\n");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(selection.as_str()) {
        sh(src, "make defconfig >/dev/null")?;
        let cfg_path = src.join(".config");
        let mut cfg = fs::read_to_string(&cfg_path)?;
        for name in ENABLE {
            cfg = set(&cfg, name, true);
        }
        for name in DISABLE.iter().map(|s| s.to_string()).chain(needroot.iter().cloned()) {
            cfg = set(&cfg, &name, false);
        }
        fs::write(&cfg_path, cfg)?;
        // kconfig resolves dependencies of what we changed.
        sh(src, "yes '' | kconfig/conf -o Config.in >/dev/null")?;
        sh(src, "NOBUILD=1 scripts/make.sh >/dev/null")?;
        fs::write(&stamp, &selection)?;
    }
    let build = fs::read_to_string(src.join("generated/build.sh"))?;
    let line = build
        .lines()
        .find(|l| l.starts_with("$BUILD "))
        .ok_or_else(|| io::Error::other("toybox generated/build.sh has no $BUILD line"))?;
    let mut sources = Vec::new();
    for word in line.split_whitespace().skip(1) {
        if word == "$LINK" {
            break;
        }
        if word == "lib/*.c" {
            let mut libs: Vec<PathBuf> = fs::read_dir(src.join("lib"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "c"))
                .collect();
            libs.sort();
            sources.extend(libs);
        } else {
            sources.push(src.join(word));
        }
    }
    let probed = fs::read_to_string(src.join("generated/optlibs.dat")).unwrap_or_default();
    let libs = probed
        .split_whitespace()
        .filter_map(|l| l.strip_prefix("-l"))
        .filter(|l| matches!(*l, "util" | "crypt" | "m" | "resolv"))
        .map(str::to_string)
        .collect();
    let cflags = vec!["-funsigned-char".to_string(), "-fno-strict-aliasing".to_string()];
    Ok(Config { src_dir: src.to_path_buf(), sources, libs, cflags, needroot })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_switches_existing_lines_and_appends_missing_ones() {
        let c = "CONFIG_A=y\n# CONFIG_B is not set\n";
        let c = set(c, "A", false);
        let c = set(&c, "B", true);
        let c = set(&c, "C", true);
        assert_eq!(c, "# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_C=y\n");
    }
}
