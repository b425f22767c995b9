//! The embedding library: `libforkless.a` (the `forkless-embed` package)
//! linked into a C host, examples/embed/host.c, with the host's own
//! program (examples/embed/app.c) compiled by `guest-cc` so that it has
//! per-task globals and can fork, and a device of the host's. The example
//! is built with the system C compiler and run here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The libraries the Rust standard library and the runtime need next to
/// `libforkless.a` (`cargo rustc -p forkless-embed -- --print
/// native-static-libs` on this target).
const NATIVE_LIBS: &[&str] = &["-lutil", "-lm", "-lresolv", "-lcrypt", "-lgcc_s", "-lrt", "-lpthread", "-ldl"];

/// target/debug (or release): where this test binary's deps directory is.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent().and_then(Path::parent).expect("target/PROFILE/deps/TEST").to_path_buf()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_c_host_embeds_the_runtime_with_its_own_forking_program_and_device() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = harness::TestDir::new("embed").expect("a directory");
    // The workspace's libraries, binaries and tests: features then unify
    // as they do for `cargo test` (whose dev-dependencies count), so what
    // it built is reused and only the static library and guest-cc are
    // built anew. Without `--tests`, the runtime's build script ran again
    // in a new directory and rebuilt every guest (5 minutes).
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(root).args(["build", "--workspace", "--lib", "--bins", "--tests", "--quiet"]);
    if profile_dir().ends_with("release") {
        build.arg("--release");
    }
    run(&mut build);
    let lib = profile_dir().join("libforkless.a");
    let guest_cc = profile_dir().join("guest-cc");

    let out_dir = dir.path().join("app");
    let register = run(Command::new(&guest_cc)
        .arg("--forkless-include")
        .arg(root.join("include"))
        .arg("--out-dir")
        .arg(&out_dir)
        .args(["--name", "app"])
        .arg(root.join("examples/embed/app.c")));
    assert_eq!(register.trim(), "tvm_register_app");

    let exe = dir.path().join("embed");
    run(Command::new("cc")
        .args(["-Wall", "-Wextra", "-Werror"])
        .arg(root.join("examples/embed/host.c"))
        .arg("-I")
        .arg(root.join("include"))
        .arg(out_dir.join("libapp.a"))
        .arg(&lib)
        .args(NATIVE_LIBS)
        .arg("-o")
        .arg(&exe));

    let out = run(Command::new(&exe).current_dir(dir.path()));
    assert_eq!(
        out,
        "child: counter 141, word child\nparent: counter 41, word word, child exited 3\n\
         device: hello from the host\napp exited 0\n"
    );
    // The first task's exit status is the host's.
    let status = Command::new(&exe).arg("exit 7").status().expect("the example runs");
    assert_eq!(status.code(), Some(7));
}
