//! Build steps that are redone only when one of their inputs changed.
//!
//! Every step of the guest build (preprocess + transform + compile one
//! unit, compile one native unit, link one program, archive a library)
//! produces files from inputs. A step's *record*, kept next to its
//! outputs, holds a key for everything that is not a file (the command
//! line, the transform's own version, the compiler) and every input file
//! with its size, modification time and SHA-256. The compiler names the
//! files a unit includes (`-MD`), so headers are inputs like the source.
//!
//! A step is up to date when its key is the same, its outputs exist and
//! every input still has its recorded size and time, or, where the time
//! moved (a re-extracted tarball, `touch`), still has its recorded
//! content. This is ccache's "direct mode" idea without a shared store:
//! a one-line change to one C file redoes that unit, its program's link
//! and its library's archive, and nothing else.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A file's size and modification time in nanoseconds.
fn stamp(path: &Path) -> io::Result<(u64, i128)> {
    let m = fs::metadata(path)?;
    let t = m.modified()?;
    let ns = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    };
    Ok((m.len(), ns))
}

/// One input file as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Input {
    size: u64,
    mtime: i128,
    sha256: String,
    path: PathBuf,
}

/// The content hashes computed during one build run, shared by all steps
/// (thousands of units include the same system headers).
#[derive(Default)]
pub struct Hashes {
    known: Mutex<HashMap<PathBuf, Option<String>>>,
}

impl Hashes {
    /// The SHA-256 of `path`'s content, or None if it cannot be read.
    fn of(&self, path: &Path) -> Option<String> {
        if let Some(h) = self.known.lock().expect("hash memo lock").get(path) {
            return h.clone();
        }
        let h = fs::read(path).ok().map(|d| sha256_hex(&d));
        self.known.lock().expect("hash memo lock").insert(path.to_path_buf(), h.clone());
        h
    }

    fn input(&self, path: &Path) -> io::Result<Input> {
        let (size, mtime) = stamp(path)?;
        let sha256 = self.of(path).ok_or_else(|| io::Error::other(format!("cannot read {}", path.display())))?;
        Ok(Input { size, mtime, sha256, path: path.to_path_buf() })
    }

    /// Whether `i` still describes the file at its path.
    fn fresh(&self, i: &Input) -> bool {
        match stamp(&i.path) {
            Ok((size, mtime)) if size == i.size && mtime == i.mtime => true,
            Ok((size, _)) if size == i.size => self.of(&i.path).as_deref() == Some(i.sha256.as_str()),
            _ => false,
        }
    }
}

/// The hashes of this build run, shared by every step.
pub fn shared() -> &'static Hashes {
    static SHARED: std::sync::LazyLock<Hashes> = std::sync::LazyLock::new(Hashes::default);
    &SHARED
}

/// A step's record: its key, what it produced besides files (`note`),
/// and its inputs.
struct Record {
    key: String,
    note: String,
    inputs: Vec<Input>,
}

impl Record {
    fn load(path: &Path) -> Option<Record> {
        let text = fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        let key = lines.next()?.strip_prefix("key ")?.to_string();
        let note = lines.next()?.strip_prefix("note ")?.to_string();
        let mut inputs = Vec::new();
        for l in lines {
            let mut f = l.splitn(4, ' ');
            let size = f.next()?.parse().ok()?;
            let mtime = f.next()?.parse().ok()?;
            let sha256 = f.next()?.to_string();
            let path = PathBuf::from(f.next()?);
            inputs.push(Input { size, mtime, sha256, path });
        }
        Some(Record { key, note, inputs })
    }

    fn save(&self, path: &Path) -> io::Result<()> {
        let mut text = format!("key {}\nnote {}\n", self.key, self.note);
        for i in &self.inputs {
            text.push_str(&format!("{} {} {} {}\n", i.size, i.mtime, i.sha256, i.path.display()));
        }
        let tmp = path.with_extension("rec-new");
        fs::write(&tmp, text)?;
        fs::rename(tmp, path)
    }
}

/// What a step's work returns: the input files it read (beyond the key)
/// and a one-line note kept in the record (e.g. a unit's globals count).
pub struct Done {
    pub inputs: Vec<PathBuf>,
    pub note: String,
}

/// Runs `work` unless the step recorded at `record` is up to date for
/// `key` and `outputs` all exist. Returns the note and whether the work ran.
pub fn step(
    hashes: &Hashes,
    record: &Path,
    key: &str,
    outputs: &[&Path],
    work: impl FnOnce() -> io::Result<Done>,
) -> io::Result<(String, bool)> {
    let key = sha256_hex(key.as_bytes());
    if let Some(r) = Record::load(record) {
        if r.key == key && outputs.iter().all(|o| o.exists()) && r.inputs.iter().all(|i| hashes.fresh(i)) {
            return Ok((r.note, false));
        }
    }
    // A step that fails leaves no record, so it runs again next time.
    let _ = fs::remove_file(record);
    let done = work()?;
    let mut inputs = Vec::with_capacity(done.inputs.len());
    for p in &done.inputs {
        // A file the step read must not change under it unnoticed: its
        // hash is taken now, after the step, and compared next time.
        inputs.push(hashes.input(p)?);
    }
    Record { key, note: done.note.clone(), inputs }.save(record)?;
    Ok((done.note, true))
}

/// The files a make-style dependency file (`cc -MD`) names as
/// prerequisites.
pub fn parse_depfile(text: &str) -> Vec<PathBuf> {
    let joined = text.replace("\\\n", " ");
    let mut out = Vec::new();
    for rule in joined.lines() {
        let Some((_, prereqs)) = rule.split_once(": ") else { continue };
        let mut word = String::new();
        let mut chars = prereqs.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    word.push(' ');
                    chars.next();
                }
                c if c.is_whitespace() => {
                    if !word.is_empty() {
                        out.push(PathBuf::from(std::mem::take(&mut word)));
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            out.push(PathBuf::from(word));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> harness::TestDir {
        harness::TestDir::new(&format!("guestbuild-cache-{tag}")).unwrap()
    }

    #[test]
    fn depfile_prerequisites() {
        let d = "a.o: a.c /usr/include/stdio.h \\\n  b\\ c.h\n/usr/include/stdio.h:\n";
        assert_eq!(parse_depfile(d), vec![PathBuf::from("/usr/include/stdio.h"), "a.c".into(), "b c.h".into()]);
    }

    #[test]
    fn step_reruns_only_when_an_input_changes() {
        let tmp = scratch("step");
        let d = tmp.path();
        let (src, out, rec) = (d.join("in.c"), d.join("out.o"), d.join("out.rec"));
        fs::write(&src, "one").unwrap();
        let hashes = Hashes::default();
        let build = |hashes: &Hashes, key: &str| {
            step(hashes, &rec, key, &[&out], || {
                fs::write(&out, fs::read(&src)?)?;
                Ok(Done { inputs: vec![src.clone()], note: "3 1".into() })
            })
            .unwrap()
        };
        assert_eq!(build(&hashes, "k"), ("3 1".to_string(), true));
        assert!(!build(&Hashes::default(), "k").1, "nothing changed");
        assert!(build(&Hashes::default(), "k2").1, "the key changed");
        // Same content, new time: still up to date.
        let t = fs::File::options().write(true).open(&src).unwrap();
        t.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5)).unwrap();
        assert!(!build(&Hashes::default(), "k2").1, "only the time moved");
        fs::write(&src, "two").unwrap();
        assert!(build(&Hashes::default(), "k2").1, "the content changed");
        fs::remove_file(&out).unwrap();
        assert!(build(&Hashes::default(), "k2").1, "an output is missing");
    }
}
