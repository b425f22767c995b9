//! A test's own directory (docs/testing.md): every file a test writes goes
//! under it. It is made fresh, removed when the test passes, and kept when
//! it fails, with its path printed so the failure can be looked at.

use std::io;
use std::path::{Path, PathBuf};

/// A fresh directory under `$TMPDIR` for one test.
#[derive(Debug)]
pub struct TestDir {
    dir: Option<tempfile::TempDir>,
}

impl TestDir {
    /// Makes `$TMPDIR/forkless-NAME.XXXXXX`.
    pub fn new(name: &str) -> io::Result<TestDir> {
        let dir = tempfile::Builder::new().prefix(&format!("forkless-{name}.")).tempdir()?;
        Ok(TestDir { dir: Some(dir) })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("a TestDir is kept only when dropped").path()
    }

    /// Keeps the directory (the test failed) and returns a line naming it,
    /// for the failure message.
    pub fn keep(mut self) -> String {
        let path = self.take_kept();
        format!("(the test's files are kept in {})", path.display())
    }

    fn take_kept(&mut self) -> PathBuf {
        self.dir.take().map(tempfile::TempDir::keep).unwrap_or_default()
    }
}

impl Drop for TestDir {
    /// A test that panics (a failed assert) keeps its files too.
    fn drop(&mut self) {
        if std::thread::panicking() && self.dir.is_some() {
            let path = self.take_kept();
            eprintln!("(the test's files are kept in {})", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_after_a_pass_kept_after_a_failure() {
        let d = TestDir::new("testdir-pass").unwrap();
        let p = d.path().to_path_buf();
        std::fs::write(p.join("f"), "x").unwrap();
        drop(d);
        assert!(!p.exists());

        let d = TestDir::new("testdir-fail").unwrap();
        let p = d.path().to_path_buf();
        let note = d.keep();
        assert!(p.is_dir() && note.contains(&p.display().to_string()), "{note}");
        std::fs::remove_dir_all(&p).unwrap();

        let p = std::thread::spawn(|| {
            let d = TestDir::new("testdir-panic").unwrap();
            let p = d.path().to_path_buf();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _d = d;
                panic!("a failed check");
            }))
            .unwrap_err();
            p
        })
        .join()
        .unwrap();
        assert!(p.is_dir(), "kept after a panic");
        std::fs::remove_dir_all(&p).unwrap();
    }
}
