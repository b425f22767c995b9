//! The command that runs tests/conformance/run.sh with this build's native
//! references and sources: shared by tests/conformance.rs and
//! benches/macro.rs (included by path).

use std::path::Path;
use std::process::Command;

/// bash running run.sh on `work` (its scratch directory; the suites' own
/// temporary files go to `work/tmp`, their $HOME is `home`), with `extra`
/// settings of run.sh's (e.g. RECHECK).
pub fn command(work: &Path, home: &Path, extra: &[(&str, &str)]) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = Command::new("bash");
    tvm::testkit::default_signals(&mut c)
        .arg(root.join("tests/conformance/run.sh"))
        .env("FORKLESS", env!("CARGO_BIN_EXE_forkless"))
        .env("NATIVE_MKSH", env!("FORKLESS_NATIVE_MKSH"))
        .env("NATIVE_TOYBOX", env!("FORKLESS_NATIVE_TOYBOX"))
        .env("MKSH_SRC", env!("FORKLESS_MKSH_SRC"))
        .env("TOYBOX_SRC", env!("FORKLESS_TOYBOX_SRC"))
        .env("NATIVE_MAWK", env!("FORKLESS_NATIVE_MAWK"))
        .env("MAWK_SRC", env!("FORKLESS_MAWK_SRC"))
        .env("WORK", work)
        .env("TMPDIR", work.join("tmp"))
        .env("HOME", home)
        .envs(extra.iter().copied());
    c
}
