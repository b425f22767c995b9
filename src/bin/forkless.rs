//! forkless: runs guest programs as tasks of one host process.
//!
//! `forkless PROGRAM [ARGS...]` runs a registered program as the first task
//! and exits with its status. Invoked under another name (a symlink named
//! after a program), it runs that program directly.

use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

use clap::Parser;
use tvm::kernel::boot;
use tvm::programs;

/// The third-party guests compiled by build.rs (vendor/manifest.toml):
/// `GUEST_TABLES` and their install paths, `GUEST_PATHS`.
mod guests {
    include!(concat!(env!("OUT_DIR"), "/guest_programs.rs"));
}

/// Registers the runtime's programs and every guest under its paths.
fn register_all() {
    programs::register_builtins();
    for g in guests::GUEST_TABLES.iter().flat_map(|t| t.iter()) {
        let paths = guests::GUEST_PATHS.iter().find(|(id, _)| *id == g.id).map_or(&[][..], |(_, p)| p);
        for path in paths {
            programs::register_guest(path, g).expect("guest paths are valid and free");
        }
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
    register_all();
    let mut names: Vec<String> =
        programs::all().into_iter().filter_map(|(p, _)| p.rsplit('/').next().map(str::to_string)).collect();
    names.sort();
    names.dedup();
    format!("Programs: {}", names.join(" "))
}

fn run(program: &str, argv0: &[u8], args: &[OsString]) -> ExitCode {
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

fn main() -> ExitCode {
    register_all();
    let mut raw = std::env::args_os();
    let argv0 = raw.next().unwrap_or_default();
    let invoked =
        std::path::Path::new(&argv0).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if invoked != "forkless" && programs::find_command(&invoked).is_some() {
        let args: Vec<OsString> = raw.collect();
        return run(&invoked, invoked.as_bytes(), &args);
    }
    let cli = Cli::parse();
    let name = cli.program.to_string_lossy().into_owned();
    run(&name, cli.program.as_bytes(), &cli.args)
}
