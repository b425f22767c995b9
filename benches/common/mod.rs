//! Running one C benchmark program both ways in the same run: as a tvm
//! guest (the first task of a child process of the bench binary) and
//! compiled natively. Each run prints nanoseconds per round on stdout.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::Command;

use tvm::kernel::boot;
use tvm::programs::{self, GuestProgram};

/// Environment variable that makes the bench binary run the guest.
const ARGS_VAR: &str = "TVM_BENCH_ARGS";

/// In the child process (`ARGS_VAR` set): runs program `id` of `programs`
/// as the first task with those arguments and exits with its status.
pub fn run_guest_if_child(programs: &'static [GuestProgram], id: &str) {
    let Some(args) = std::env::var_os(ARGS_VAR) else { return };
    let p = programs.iter().find(|p| p.id == id).expect("the benchmark program is built");
    let prog = programs::register_guest(&format!("/bench/{id}"), p).expect("register");
    let mut argv = vec![CString::new(id).expect("no NUL")];
    argv.extend(args.to_string_lossy().split(' ').map(|a| CString::new(a).expect("no NUL")));
    let status = boot::run_first(prog, argv).expect("runs");
    std::process::exit(boot::exit_code(status));
}

/// Compiles benches/c/`id`.c natively, next to the bench binary.
pub fn native_binary(id: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("bench binary path");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/c/{id}.c"));
    let out = exe.with_file_name(format!("{id}_native"));
    let st = Command::new("cc").args(["-O2", "-o"]).arg(&out).arg(&src).status().expect("cc runs");
    assert!(st.success(), "cannot compile {}", src.display());
    out
}

/// Nanoseconds per round under tvm, with arguments `args`.
pub fn tvm_ns(args: &str) -> f64 {
    let exe = std::env::current_exe().expect("bench binary path");
    ns(Command::new(exe).env(ARGS_VAR, args))
}

/// Nanoseconds per round of the native binary with arguments `args`.
pub fn native_ns(native: &Path, args: &str) -> f64 {
    ns(Command::new(native).args(args.split(' ')))
}

fn ns(cmd: &mut Command) -> f64 {
    let out = cmd.output().expect("benchmark process runs");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("prints nanoseconds")
}
