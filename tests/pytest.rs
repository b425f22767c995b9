//! Runs the pytest suite (pytest/) against the forkless binary. The Python
//! packages it needs are installed into a virtual environment under
//! target/ on first use (pinned in pytest/requirements.txt).

use std::path::{Path, PathBuf};
use std::process::Command;

fn venv(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("pytest-venv");
    let python = dir.join("bin/python3");
    let stamp = dir.join("requirements.txt");
    let reqs = std::fs::read_to_string(root.join("pytest/requirements.txt")).expect("requirements file");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(reqs.as_str()) {
        return python;
    }
    let ok = Command::new("python3").args(["-m", "venv"]).arg(&dir).status().expect("python3 runs").success();
    assert!(ok, "python3 -m venv failed (Debian: apt-get install python3-venv)");
    let ok = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(root.join("pytest/requirements.txt"))
        .status()
        .expect("pip runs")
        .success();
    assert!(ok, "pip install of pytest/requirements.txt failed");
    std::fs::write(&stamp, reqs).expect("target dir is writable");
    python
}

#[test]
fn pytest_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = venv(root);
    let tmp = harness::TestDir::new("pytest").expect("a directory for the suite");
    let status = tvm::testkit::default_signals(&mut Command::new(python))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp"])
        .arg(tmp.path().join("basetemp"))
        .arg(root.join("pytest"))
        .env("FORKLESS", env!("CARGO_BIN_EXE_forkless"))
        .env("FORKLESS_NATIVE_DROPBEAR", env!("FORKLESS_NATIVE_DROPBEAR"))
        .env("FORKLESS_NATIVE_MKSH", env!("FORKLESS_NATIVE_MKSH"))
        .env("TMPDIR", tmp.path())
        .status()
        .expect("pytest runs");
    assert!(status.success(), "pytest suite failed");
}
