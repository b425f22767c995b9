//! forkless: runs guest programs as tasks of one host process.
//!
//! `forkless PROGRAM [ARGS...]` runs a registered program as the first task
//! and exits with its status. Invoked under another name (a symlink named
//! after a program, or a chain of symlinks ending in one), it runs that
//! program directly with argv[0] as given.

use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

use clap::Parser;
use tvm::kernel::boot;
use tvm::programs;

mod sshd;

/// Every task runs on a thread of its own, and glibc gives each thread
/// that allocates a malloc arena of its own, up to eight per core, each
/// keeping tens of KiB resident. Guest memory comes from task arenas, not
/// malloc; the runtime's own allocations are small and few, so one shared
/// arena serves them (docs/memory.md).
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc setting; called before any
    // other thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "forkless",
    version,
    about = "Run Unix programs as tasks of one host process: fork, exec, pipes and signals without creating processes",
    after_help = programs_help()
)]
struct Cli {
    /// The program to run, by name (searched in /bin, /usr/bin, ...) or path
    program: OsString,
    /// Arguments passed to the program
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<OsString>,
}

fn programs_help() -> String {
    programs::bundled::register_all();
    // The programs a name finds (`forkless NAME`); those elsewhere, such
    // as /usr/libexec/sftp-server, run by path.
    let mut names: Vec<String> = programs::all()
        .into_iter()
        .filter_map(|(p, _)| {
            p.rsplit_once('/').filter(|(dir, _)| programs::COMMAND_DIRS.contains(dir)).map(|(_, n)| n.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    format!("Programs: {}\n\nThe SSH server: forkless sshd (see forkless sshd --help)", names.join(" "))
}

pub(crate) fn run(program: &str, argv0: &[u8], args: &[OsString]) -> ExitCode {
    let Some((_, prog)) = programs::find_command(program) else {
        eprintln!("forkless: unknown program '{program}' (see forkless --help)");
        return ExitCode::from(2);
    };
    let mut argv = Vec::with_capacity(args.len() + 1);
    for a in std::iter::once(argv0).chain(args.iter().map(|a| a.as_bytes())) {
        match CString::new(a) {
            Ok(c) => argv.push(c),
            Err(_) => {
                eprintln!("forkless: arguments cannot contain NUL bytes");
                return ExitCode::from(2);
            }
        }
    }
    match boot::run_first(prog, argv) {
        Ok(status) => boot::exit_host_like(status),
        Err(e) => {
            eprintln!("forkless: cannot start {program}: {e}");
            ExitCode::from(1)
        }
    }
}

/// The program a multicall name stands for: the last component of
/// `argv0`, else that of each symlink target along its chain (so a link to
/// a link to forkless works, as with toybox).
fn multicall_program(argv0: &std::path::Path) -> Option<String> {
    let mut link = argv0.to_path_buf();
    for _ in 0..40 {
        let name = link.file_name()?.to_string_lossy().into_owned();
        if name == "forkless" {
            return None;
        }
        if programs::find_command(&name).is_some() {
            return Some(name);
        }
        let target = std::fs::read_link(&link).ok()?;
        link = link.parent().map_or(target.clone(), |dir| dir.join(&target));
    }
    None
}

fn main() -> ExitCode {
    one_malloc_arena();
    programs::bundled::register_all();
    #[cfg(debug_assertions)]
    if std::env::var_os("TVM_PRINT_TLS_LAYOUT").is_some() {
        // For tests/tls_layout.rs (test builds only).
        print!("{}", programs::tls_layout::describe());
        return ExitCode::SUCCESS;
    }
    let mut raw = std::env::args_os();
    let argv0 = raw.next().unwrap_or_default();
    if let Some(program) = multicall_program(std::path::Path::new(&argv0)) {
        // The program sees argv[0] as it was given, as a native one would.
        let args: Vec<OsString> = raw.collect();
        return run(&program, argv0.as_bytes(), &args);
    }
    let args: Vec<OsString> = raw.collect();
    if args.first().is_some_and(|a| a == "sshd") {
        return sshd::main(args[1..].to_vec());
    }
    // After PROGRAM every argument is the program's, `--help` and
    // `--version` included: clap sees the command line only when it
    // starts with an option of forkless's own (or is empty).
    if let Some(first) = args.first().filter(|a| !a.as_bytes().starts_with(b"-")) {
        let name = first.to_string_lossy().into_owned();
        return run(&name, first.as_bytes(), &args[1..]);
    }
    let cli = Cli::parse();
    let name = cli.program.to_string_lossy().into_owned();
    run(&name, cli.program.as_bytes(), &cli.args)
}
