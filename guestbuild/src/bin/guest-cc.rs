//! guest-cc: compiles an embedding app's own C program through the guest
//! build, so that it can run as a forkless task and fork (docs/embedding.md).
//!
//! `guest-cc --forkless-include DIR --out-dir OUT --name NAME SOURCES.c...`
//! writes `OUT/libNAME.a`: the program (its `main` renamed, its globals
//! per task) and `int tvm_register_NAME(const char *path)`, which the host
//! calls after `tvm_init` to register it. Link the archive before the
//! runtime's library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use guestbuild::{id_from_stem, registration_c, Build, Program};

#[derive(Parser)]
#[command(name = "guest-cc", about = "Compile a C program for forkless (per-task globals, registration function)")]
struct Args {
    /// forkless's include directory (tvm_shim.h, tvm.h)
    #[arg(long, value_name = "DIR")]
    forkless_include: PathBuf,
    /// Where the archive and intermediate files go
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// The program's name: libNAME.a and tvm_register_NAME
    #[arg(long)]
    name: String,
    /// Extra include directory (repeatable)
    #[arg(short = 'I', value_name = "DIR")]
    include: Vec<PathBuf>,
    /// Preprocessor definition NAME or NAME=VALUE (repeatable)
    #[arg(short = 'D', value_name = "NAME[=VALUE]")]
    define: Vec<String>,
    /// The program's C sources
    #[arg(required = true)]
    sources: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(register) => {
            println!("{register}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("guest-cc: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    let id = id_from_stem(&args.name);
    if id != args.name || id.is_empty() {
        return Err(format!("--name {}: use letters, digits and _ only", args.name));
    }
    std::fs::create_dir_all(&args.out_dir).map_err(|e| format!("{}: {e}", args.out_dir.display()))?;
    guestbuild::quiet_cargo_directives();
    // cc reads these from cargo in a build script; here the host builds for
    // itself.
    let host = host_triple();
    for (k, v) in [("TARGET", host.as_str()), ("HOST", host.as_str()), ("OPT_LEVEL", "2"), ("DEBUG", "false")] {
        if std::env::var_os(k).is_none() {
            std::env::set_var(k, v);
        }
    }
    let mut build = Build::new(&args.forkless_include, &args.out_dir);
    for d in &args.include {
        build = build.include(d);
    }
    for d in &args.define {
        let (k, v) = d.split_once('=').map_or((d.as_str(), None), |(k, v)| (k, Some(v)));
        build = build.define(k, v);
    }
    let lib = format!("guest_{id}");
    let programs = [Program::new(&id, "embedded", args.sources.clone())];
    let units = build.compile_units(&lib, &programs).map_err(|e| e.to_string())?;
    let table = args.out_dir.join(format!("{id}_register.c"));
    std::fs::write(&table, registration_c(&programs, &units)).map_err(|e| e.to_string())?;
    let object = args.out_dir.join(format!("{id}_register.o"));
    let cc = guestbuild::new_cc().get_compiler();
    let status = cc
        .to_command()
        .arg("-c")
        .arg("-I")
        .arg(&args.forkless_include)
        .arg(&table)
        .arg("-o")
        .arg(&object)
        .status()
        .map_err(|e| format!("{}: {e}", cc.path().display()))?;
    if !status.success() {
        return Err(format!("compiling {} failed", table.display()));
    }
    // libNAME.a: the program's archive plus the registration object.
    let archive = args.out_dir.join(format!("lib{id}.a"));
    std::fs::copy(args.out_dir.join(format!("lib{lib}.a")), &archive).map_err(|e| e.to_string())?;
    let mut ar = guestbuild::new_cc().get_archiver();
    let status = ar.arg("rs").arg(&archive).arg(&object).status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("adding {} to {} failed", object.display(), archive.display()));
    }
    Ok(format!("tvm_register_{id}"))
}

/// The triple this tool was built for (cc wants one).
fn host_triple() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => format!("{arch}-unknown-linux-gnu"),
        "macos" => format!("{arch}-apple-darwin"),
        os => format!("{arch}-unknown-{os}"),
    }
}
