//! Third-party guest sources: the pinned manifest (`vendor/manifest.toml`),
//! fetching through the channels it names, SHA-256 verification, unpacking
//! and patching. Nothing fetched is ever committed; see the manifest's
//! header for the channel order.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The environment variable naming a directory of pre-fetched tarballs.
pub const DIR_ENV: &str = "FORKLESS_VENDOR_DIR";

#[derive(Debug, Deserialize)]
pub struct Manifest {
    #[serde(rename = "guest")]
    pub guests: Vec<Guest>,
}

/// One pinned guest.
#[derive(Clone, Debug, Deserialize)]
pub struct Guest {
    pub name: String,
    pub version: String,
    pub debian_package: String,
    pub debian_version: String,
    pub debian_suite: String,
    #[serde(default)]
    pub upstream_url: Option<String>,
    /// Upstream's own tarball where it is not the file `source` pins (a
    /// Debian repack): the file `upstream_url` serves and its SHA-256. It
    /// stands in for `source` and is accepted only under its own name and
    /// hash: a Debian channel never supplies it, the upstream URL never
    /// supplies `source` then.
    #[serde(default)]
    pub upstream: Option<Pinned>,
    pub source: Pinned,
    #[serde(default)]
    pub debian: Option<Pinned>,
}

/// A file and its SHA-256.
#[derive(Clone, Debug, Deserialize)]
pub struct Pinned {
    pub file: String,
    pub sha256: String,
    /// The build goes on without it (with a warning) when no channel has it.
    #[serde(default)]
    pub optional: bool,
}

impl Manifest {
    pub fn load(path: &Path) -> io::Result<Manifest> {
        let text = fs::read_to_string(path)?;
        toml::from_str(&text).map_err(|e| io::Error::other(format!("{}: {e}", path.display())))
    }

    pub fn guest(&self, name: &str) -> Option<&Guest> {
        self.guests.iter().find(|g| g.name == name)
    }
}

/// Why a file could not be obtained: every channel tried and what it said.
#[derive(Debug)]
pub struct FetchError {
    pub file: String,
    pub tried: Vec<String>,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cannot obtain {} with the pinned SHA-256; channels tried:", self.file)?;
        for t in &self.tried {
            writeln!(f, "  - {t}")?;
        }
        write!(
            f,
            "(put the file in ${DIR_ENV} or vendor/cache/, or run scripts/install-prereqs as root to add the deb-src entries)"
        )
    }
}

impl std::error::Error for FetchError {}

/// The lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    io::copy(&mut f, &mut h)?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks `path` against `pin`: Ok(None) if it matches, Ok(Some(reason))
/// if it exists but does not, Err if it cannot be read.
fn verify(path: &Path, pin: &Pinned) -> io::Result<Option<String>> {
    let got = sha256_file(path)?;
    Ok((got != pin.sha256).then(|| format!("SHA-256 mismatch: got {got}, pinned {}", pin.sha256)))
}

/// Where fetched files are kept and what may be used to get them.
pub struct Fetcher {
    pub cache: PathBuf,
    pub env_dir: Option<PathBuf>,
    /// Scratch space for `apt-get source` and downloads.
    pub work: PathBuf,
}

impl Fetcher {
    /// Returns the verified file in the cache, fetching it if needed.
    pub fn obtain(&self, guest: &Guest, pin: &Pinned) -> Result<PathBuf, FetchError> {
        self.obtain_pinned(guest, pin).map(|(path, _)| path)
    }

    /// Like `obtain`, and also says which pin the file matched: for a
    /// guest's source that is `source`, or `upstream` when only upstream's
    /// own tarball could be had.
    pub fn obtain_pinned<'g>(&self, guest: &'g Guest, pin: &'g Pinned) -> Result<(PathBuf, &'g Pinned), FetchError> {
        let mut tried = Vec::new();
        // Checks `candidate` against `want` and copies it into the cache.
        let accept = |candidate: &Path, want: &Pinned, channel: String, tried: &mut Vec<String>| -> bool {
            let cached = self.cache.join(&want.file);
            match verify(candidate, want) {
                Ok(None) => {
                    if candidate != cached {
                        let tmp = cached.with_extension("part");
                        let ok = fs::create_dir_all(&self.cache).is_ok()
                            && fs::copy(candidate, &tmp).is_ok()
                            && fs::rename(&tmp, &cached).is_ok();
                        if !ok {
                            tried.push(format!("{channel}: verified but cannot be copied to {}", cached.display()));
                            return false;
                        }
                    }
                    true
                }
                Ok(Some(why)) => {
                    tried.push(format!("{channel}: {why}"));
                    false
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    tried.push(format!("{channel}: not there"));
                    false
                }
                Err(e) => {
                    tried.push(format!("{channel}: {e}"));
                    false
                }
            }
        };
        let is_source = pin.file == guest.source.file;
        // Upstream's own tarball, where it differs from the pinned source.
        let alternative = guest.upstream.as_ref().filter(|_| is_source);
        // Local channels first, for the pinned file, then for upstream's.
        for want in std::iter::once(pin).chain(alternative) {
            let name = if alternative.is_some() { format!(" {}", want.file) } else { String::new() };
            match &self.env_dir {
                Some(d) => {
                    let channel = format!("${DIR_ENV} ({}){name}", d.display());
                    if accept(&d.join(&want.file), want, channel, &mut tried) {
                        return Ok((self.cache.join(&want.file), want));
                    }
                }
                None => tried.push(format!("${DIR_ENV}{name}: not set")),
            }
            let cached = self.cache.join(&want.file);
            if accept(&cached, want, format!("cache ({}){name}", self.cache.display()), &mut tried) {
                return Ok((cached, want));
            }
        }
        match self.apt_source(guest) {
            Ok(dir) => {
                let channel = format!("apt-get source {}={}", guest.debian_package, guest.debian_version);
                if accept(&dir.join(&pin.file), pin, channel, &mut tried) {
                    return Ok((self.cache.join(&pin.file), pin));
                }
            }
            Err(e) => tried.push(e),
        }
        // The upstream URL serves upstream's file: `upstream` where pinned,
        // else `source` itself (upstream's tarball under Debian's name).
        let from_url = if is_source { Some(alternative.unwrap_or(pin)) } else { None };
        match (guest.upstream_url.as_deref(), from_url) {
            (Some(url), Some(want)) => match self.download(url) {
                Ok(path) => {
                    if accept(&path, want, format!("upstream {url}"), &mut tried) {
                        return Ok((self.cache.join(&want.file), want));
                    }
                }
                Err(e) => tried.push(e),
            },
            _ => tried.push("upstream: no release URL carries this exact file".to_string()),
        }
        Err(FetchError { file: pin.file.clone(), tried })
    }

    /// Runs `apt-get source --download-only` once per guest (the command
    /// fetches every file of the source package; some may be missing on a
    /// mirror, so its status alone decides nothing).
    fn apt_source(&self, guest: &Guest) -> Result<PathBuf, String> {
        let what = format!("{}={}", guest.debian_package, guest.debian_version);
        // Per version: a changed pin must not find the old version's files.
        let version: String =
            guest.debian_version.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
        let dir = self.work.join(format!("apt-{}-{version}", guest.name));
        if dir.join(".done").exists() {
            return Ok(dir);
        }
        fs::create_dir_all(&dir).map_err(|e| format!("apt-get source {what}: {e}"))?;
        let out = Command::new("apt-get")
            .args(["source", "--download-only", "-qq", &what])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("apt-get source {what}: cannot run apt-get: {e}"))?;
        let _ = fs::write(dir.join(".done"), &out.stderr);
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr);
            let first = msg.lines().find(|l| l.starts_with("E:")).unwrap_or("failed").to_string();
            // Partial success is common (one file gone from the mirror);
            // the caller verifies whatever arrived.
            return if fs::read_dir(&dir).map(|d| d.count() > 1).unwrap_or(false) {
                Ok(dir)
            } else {
                Err(format!("apt-get source {what} (needs a deb-src entry for suite {}): {first}", guest.debian_suite))
            };
        }
        Ok(dir)
    }

    fn download(&self, url: &str) -> Result<PathBuf, String> {
        let name = url.rsplit('/').next().unwrap_or("download");
        let dir = self.work.join("upstream");
        fs::create_dir_all(&dir).map_err(|e| format!("upstream {url}: {e}"))?;
        let path = dir.join(name);
        let out = Command::new("curl")
            .args(["-fsSL", "--connect-timeout", "20", "--max-time", "300", "-o"])
            .arg(&path)
            .arg(url)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("upstream {url}: cannot run curl: {e}"))?;
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr);
            return Err(format!("upstream {url}: {}", msg.trim()));
        }
        Ok(path)
    }
}

/// A guest's source tree, unpacked and patched, and whether Debian's
/// series was applied.
pub struct Prepared {
    pub dir: PathBuf,
    pub debian_patches: Vec<String>,
    pub our_patches: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// Our patch series for `name`: `vendor/patches/NAME/*.patch`, by name.
pub fn our_patches(vendor: &Path, name: &str) -> io::Result<Vec<PathBuf>> {
    let dir = vendor.join("patches").join(name);
    let mut v: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "patch" || e == "diff"))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    v.sort();
    Ok(v)
}

/// Obtains, verifies, unpacks and patches `guest` under `out` (one
/// directory per guest, redone whenever an input changes).
pub fn prepare(vendor: &Path, guest: &Guest, fetcher: &Fetcher, out: &Path) -> io::Result<Prepared> {
    let (source, source_pin) = fetcher.obtain_pinned(guest, &guest.source).map_err(io::Error::other)?;
    let mut warnings = Vec::new();
    let debian = match &guest.debian {
        Some(pin) => match fetcher.obtain(guest, pin) {
            Ok(p) => Some(p),
            Err(e) if pin.optional => {
                warnings.push(format!(
                    "{}: building without {}, which is optional and which no channel serves (Debian's mirror \
                     no longer does), so Debian's patch series is not applied. Channels: {}",
                    guest.name,
                    pin.file,
                    e.tried.join("; ")
                ));
                None
            }
            Err(e) => return Err(io::Error::other(e)),
        },
        None => None,
    };
    let ours = our_patches(vendor, &guest.name)?;

    // A stamp of every input: redo the tree only when one changed.
    let mut stamp = format!("{}\n{}\n", source_pin.sha256, debian.is_some());
    if let Some(d) = &guest.debian {
        stamp.push_str(&d.sha256);
    }
    for p in &ours {
        stamp.push_str(&format!("\n{} {}", p.display(), sha256_file(p)?));
    }
    let dir = out.join(format!("{}-{}", guest.name, guest.version));
    let stamp_file = out.join(format!("{}-{}.stamp", guest.name, guest.version));
    let series_file = out.join(format!("{}-{}.debian-series", guest.name, guest.version));
    if dir.is_dir() && fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) {
        let debian_patches = fs::read_to_string(&series_file).unwrap_or_default().lines().map(String::from).collect();
        // The warnings were given when this tree was made.
        return Ok(Prepared { dir, debian_patches, our_patches: ours, warnings: Vec::new() });
    }
    let _ = fs::remove_file(&stamp_file);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    untar(&source, &dir, 1)?;
    let mut debian_patches = Vec::new();
    if let Some(d) = &debian {
        untar(d, &dir, 0)?;
        let series = dir.join("debian/patches/series");
        if let Ok(text) = fs::read_to_string(&series) {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
                // "name [-pN]"; Debian's 3.0 (quilt) default is -p1.
                let mut parts = line.split_whitespace();
                let name = parts.next().unwrap_or_default();
                let level = parts.next().unwrap_or("-p1");
                apply(&dir, &dir.join("debian/patches").join(name), level)?;
                debian_patches.push(name.to_string());
            }
        }
    }
    for p in &ours {
        apply(&dir, p, "-p1")?;
    }
    fs::write(&series_file, debian_patches.join("\n"))?;
    fs::write(&stamp_file, stamp)?;
    Ok(Prepared { dir, debian_patches, our_patches: ours, warnings })
}

fn untar(tarball: &Path, into: &Path, strip: u32) -> io::Result<()> {
    let mut tar = Command::new("tar");
    tar.arg("-xf").arg(tarball).arg("-C").arg(into).arg(format!("--strip-components={strip}"));
    run(tar)
}

fn apply(dir: &Path, patch: &Path, level: &str) -> io::Result<()> {
    let mut cmd = Command::new("patch");
    cmd.args([level, "--batch", "--forward", "--no-backup-if-mismatch", "-s", "-i"]).arg(patch).current_dir(dir);
    run(cmd).map_err(|e| io::Error::other(format!("patch {} does not apply: {e}", patch.display())))
}

fn run(mut cmd: Command) -> io::Result<()> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| io::Error::other(format!("cannot run {cmd:?}: {e}")))?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> harness::TestDir {
        harness::TestDir::new(&format!("guestbuild-vendor-{tag}")).unwrap()
    }

    #[test]
    fn the_repository_manifest_pins_three_guests() {
        let m = Manifest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor/manifest.toml")).unwrap();
        for name in ["mksh", "dropbear", "toybox"] {
            let g = m.guest(name).unwrap();
            assert_eq!(g.source.sha256.len(), 64, "{name}");
            assert!(g.source.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            if let Some(up) = &g.upstream {
                assert_eq!(up.sha256.len(), 64, "{name} upstream");
                assert!(up.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
                assert_ne!(up.file, g.source.file, "{name}: upstream pins a file of its own");
                let url = g.upstream_url.as_deref().expect("an upstream pin comes with its URL");
                assert!(url.ends_with(&format!("/{}", up.file)), "{name}: {url} serves {}", up.file);
            }
        }
        // toybox's source is Debian's +dfsg repack; upstream's tarball is
        // pinned beside it for machines without Debian's archive.
        assert!(m.guest("toybox").unwrap().upstream.is_some());
    }

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const XYZ: &str = "3608bca1e44ea6c4d268eb6db02260269892c0b42b86bbf1e77a6fa16c3c9282";

    /// A guest whose source is "demo.tar" (contents "abc") and whose
    /// upstream publishes "demo-up.tar" (contents "xyz") at `url`.
    fn repacked(url: Option<String>) -> Guest {
        let mut g = guest("demo.tar", ABC);
        g.upstream_url = url;
        g.upstream = Some(Pinned { file: "demo-up.tar".into(), sha256: XYZ.into(), optional: false });
        g
    }

    #[test]
    fn upstream_file_stands_in_for_the_source_under_its_own_name() {
        let tmp = scratch("upstream-env");
        let d = tmp.path();
        let env = d.join("env");
        fs::create_dir_all(&env).unwrap();
        fs::write(env.join("demo-up.tar"), b"xyz").unwrap();
        let f = Fetcher { cache: d.join("cache"), env_dir: Some(env), work: d.join("work") };
        let g = repacked(None);
        let (path, pin) = f.obtain_pinned(&g, &g.source).unwrap();
        assert_eq!(path, d.join("cache/demo-up.tar"));
        assert_eq!(pin.sha256, XYZ);
        assert_eq!(fs::read(&path).unwrap(), b"xyz");
    }

    #[test]
    fn each_hash_is_accepted_only_for_its_own_file() {
        let tmp = scratch("upstream-swap");
        let d = tmp.path();
        let env = d.join("env");
        fs::create_dir_all(&env).unwrap();
        // Upstream's bytes under the source's name, and the reverse.
        fs::write(env.join("demo.tar"), b"xyz").unwrap();
        fs::write(env.join("demo-up.tar"), b"abc").unwrap();
        let f = Fetcher { cache: d.join("cache"), env_dir: Some(env), work: d.join("work") };
        let g = repacked(None);
        let text = f.obtain_pinned(&g, &g.source).unwrap_err().to_string();
        assert!(text.contains(&format!("got {XYZ}, pinned {ABC}")), "{text}");
        assert!(text.contains(&format!("got {ABC}, pinned {XYZ}")), "{text}");
        assert!(!d.join("cache").exists() || fs::read_dir(d.join("cache")).unwrap().next().is_none());
    }

    #[test]
    fn upstream_url_is_checked_against_the_upstream_pin() {
        let tmp = scratch("upstream-url");
        let d = tmp.path();
        let served = d.join("served");
        fs::create_dir_all(&served).unwrap();
        // curl reads file:// URLs: the download channel without a network.
        let url = format!("file://{}/demo-up.tar", served.display());
        let f = Fetcher { cache: d.join("cache"), env_dir: None, work: d.join("work") };

        // Upstream serves its own tarball: accepted under its own name.
        fs::write(served.join("demo-up.tar"), b"xyz").unwrap();
        let g = repacked(Some(url.clone()));
        let (path, pin) = f.obtain_pinned(&g, &g.source).unwrap();
        assert_eq!((path, pin.sha256.as_str()), (d.join("cache/demo-up.tar"), XYZ));

        // The same URL serving the repack's bytes is refused: the URL
        // channel checks against the upstream pin only.
        fs::remove_dir_all(d.join("cache")).unwrap();
        fs::write(served.join("demo-up.tar"), b"abc").unwrap();
        let text = f.obtain_pinned(&g, &g.source).unwrap_err().to_string();
        assert!(text.contains(&format!("upstream {url}: SHA-256 mismatch: got {ABC}, pinned {XYZ}")), "{text}");
    }

    fn guest(file: &str, sha: &str) -> Guest {
        Guest {
            name: "demo".into(),
            version: "1".into(),
            debian_package: "forkless-no-such-package".into(),
            debian_version: "0".into(),
            debian_suite: "none".into(),
            upstream_url: None,
            upstream: None,
            source: Pinned { file: file.into(), sha256: sha.into(), optional: false },
            debian: None,
        }
    }

    #[test]
    fn env_dir_file_is_verified_and_cached() {
        let tmp = scratch("env");
        let d = tmp.path();
        let env = d.join("env");
        fs::create_dir_all(&env).unwrap();
        fs::write(env.join("demo.tar"), b"abc").unwrap();
        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let f = Fetcher { cache: d.join("cache"), env_dir: Some(env.clone()), work: d.join("work") };
        let g = guest("demo.tar", sha);
        let got = f.obtain(&g, &g.source).unwrap();
        assert_eq!(fs::read(&got).unwrap(), b"abc");
        // The cache now answers alone.
        fs::remove_file(env.join("demo.tar")).unwrap();
        assert!(f.obtain(&g, &g.source).is_ok());
    }

    #[test]
    fn mismatch_names_the_file_and_every_channel() {
        let tmp = scratch("bad");
        let d = tmp.path();
        let env = d.join("env");
        fs::create_dir_all(&env).unwrap();
        fs::write(env.join("demo.tar"), b"not it").unwrap();
        let f = Fetcher { cache: d.join("cache"), env_dir: Some(env), work: d.join("work") };
        let g = guest("demo.tar", &"0".repeat(64));
        let e = f.obtain(&g, &g.source).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("cannot obtain demo.tar"), "{text}");
        assert!(text.contains("SHA-256 mismatch"), "{text}");
        assert!(text.contains("cache ("), "{text}");
        assert!(text.contains("apt-get source forkless-no-such-package=0"), "{text}");
        assert!(text.contains("upstream: no release URL"), "{text}");
        assert!(!d.join("cache/demo.tar").exists());
    }
}
