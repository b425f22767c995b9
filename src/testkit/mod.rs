//! `test_tvm`: the runtime's test runner.
//!
//! Most tests are small C programs (tests/tvm/cases) that exit 0 when every
//! check passed; helper programs (tests/tvm/helpers) are what they spawn and
//! exec. A few tests are Rust functions that watch a test process from the
//! outside (CPU use, exit status). Every test runs in its own host process
//! (`test_tvm --run-one NAME`), so a crash fails one test, not the run.
//!
//! Selection follows pytest: `-k NAME` (repeatable) keeps tests whose name
//! contains NAME, case-insensitively.

mod guard;
mod outside;

use crate::platform::c as libc;
use std::ffi::CString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use clap::Parser;
use libtest_mimic::{Arguments, Failed, Trial};
use wait_timeout::ChildExt;

use crate::kernel::boot;
use crate::programs::{self, GuestProgram};

/// Where test programs are registered.
pub const TEST_DIR: &str = "/tvmtest";

/// How long one test process may run.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Parser, Debug)]
#[command(
    name = "test_tvm",
    about = "Run the tvm runtime tests",
    disable_version_flag = true,
    after_help = "Every test runs in its own process. NAME matches case-insensitively as a substring."
)]
struct Cli {
    /// Print the test list and exit
    #[arg(short = 'l', long = "list")]
    list: bool,
    /// Only run tests whose name contains NAME (repeatable)
    #[arg(short = 'k', value_name = "NAME")]
    keyword: Vec<String>,
    /// Show each test's own output
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Debug the one selected test under gdb
    #[arg(short = 'g', long = "gdb")]
    gdb: bool,
    /// Run one program as the first task (internal)
    #[arg(long = "run-one", value_name = "PROGRAM", hide = true)]
    run_one: Option<String>,
    /// Number of tests run at once
    #[arg(long = "test-threads", value_name = "N")]
    test_threads: Option<usize>,
    /// Accepted for cargo test compatibility (output is captured per test)
    #[arg(long = "nocapture", hide = true)]
    nocapture: bool,
    /// Filters from `cargo test FILTER`, like -k; after --run-one, the
    /// program's arguments (after `--`)
    rest: Vec<String>,
}

/// A test: a C program that must exit 0 (under tvm, or built natively and
/// run as a host process), or a Rust check run in the runner.
enum Test {
    Program(&'static str),
    Native(String, &'static str),
    Outside(&'static str, fn(&Runner) -> Result<(), String>),
}

impl Test {
    fn name(&self) -> &str {
        match self {
            Test::Program(n) | Test::Outside(n, _) => n,
            Test::Native(n, _) => n,
        }
    }
}

/// Makes `cmd`'s process start with every signal at its default action and
/// none blocked, whatever the test runner was started with (a runner
/// started in the background of a script has SIGINT and SIGQUIT ignored,
/// under nohup SIGHUP, and ignored dispositions survive exec).
pub fn default_signals(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: signal and sigprocmask are async-signal-safe; nothing else
    // runs in the child between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for sig in 1..libc::SIGRTMIN() {
                if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                    libc::signal(sig, libc::SIG_DFL);
                }
            }
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
            Ok(())
        })
    }
}

/// Makes `cmd`'s process die when the runner does: a runner stopped by
/// `timeout` or Ctrl-C must not leave a test (perhaps one spinning on a
/// bug) running on the machine. The runner thread that starts a test waits
/// for it, so the thread outlives the process it started.
fn die_with_runner(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl and getppid are async-signal-safe; nothing else runs in
    // the child between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let runner = libc::getppid();
            crate::platform::die_with_parent();
            // The runner may have died before the call: then nobody waits.
            if libc::getppid() != runner {
                libc::_exit(1);
            }
            Ok(())
        })
    }
}

/// What a test needs to start test processes.
pub struct Runner {
    exe: PathBuf,
    verbose: bool,
    /// The test's own directory: its processes' TMPDIR and working
    /// directory, made fresh before the test and removed after a pass.
    dir: PathBuf,
}

impl Runner {
    /// A command that runs `program` with `args` as the first task of a
    /// fresh test process.
    /// The test process leads its own session and process group, so its
    /// first task does too (see `boot::run_first`) and a test's signals to
    /// its group stay inside it.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        use std::os::unix::process::CommandExt;
        let mut c = self.command_in_callers_session(program, args);
        // SAFETY: setsid is async-signal-safe; nothing else runs in the
        // child between fork and exec.
        unsafe {
            c.pre_exec(|| nix::unistd::setsid().map(drop).map_err(std::io::Error::from));
        }
        c
    }

    /// As `command`, but the test process stays in the runner's group and
    /// session (leading neither).
    pub fn command_in_callers_session(&self, program: &str, args: &[&str]) -> Command {
        let mut c = Command::new(&self.exe);
        c.arg("--run-one").arg(program).arg("--").args(args).env("TMPDIR", &self.dir).current_dir(&self.dir);
        default_signals(&mut c);
        die_with_runner(&mut c);
        c
    }

    /// Runs a test process to completion (or the timeout); returns its exit
    /// code (None when a signal ended it) and combined output.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<(Option<i32>, String), String> {
        let mut cmd = self.command(program, args);
        cmd.stdin(Stdio::null());
        if self.verbose {
            let status = cmd.status().map_err(|e| format!("cannot start test process: {e}"))?;
            return Ok((status.code(), String::new()));
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start test process: {e}"))?;
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let t_out = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = out.read_to_end(&mut s);
            s
        });
        let t_err = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = err.read_to_end(&mut s);
            s
        });
        let status = match child.wait_timeout(TEST_TIMEOUT).map_err(|e| e.to_string())? {
            Some(s) => s,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {}s", TEST_TIMEOUT.as_secs()));
            }
        };
        let mut text = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
        text.push_str(&String::from_utf8_lossy(&t_err.join().unwrap_or_default()));
        Ok((status.code(), text))
    }
}

fn program_test(runner: &Runner, name: &str) -> Result<(), String> {
    match runner.run(name, &[]) {
        Ok((Some(0), _)) => Ok(()),
        Ok((code, out)) => Err(format!("{}\n{out}", describe(code))),
        Err(e) => Err(e),
    }
}

/// Runs one test in a fresh directory of its own under `root` (its TMPDIR
/// and working directory). A pass removes the directory; a failure keeps
/// it and says where.
fn in_own_dir(
    root: &Path,
    base: &Runner,
    name: &str,
    test: impl FnOnce(&Runner) -> Result<(), String>,
) -> Result<(), Failed> {
    let dir = root.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let runner = Runner { exe: base.exe.clone(), verbose: base.verbose, dir: dir.clone() };
    match test(&runner) {
        Ok(()) => {
            // A pass leaves nothing behind; files a test left that cannot
            // be removed say so.
            std::fs::remove_dir_all(&dir).map_err(|e| format!("passed, but cannot remove {}: {e}", dir.display()))?;
            Ok(())
        }
        Err(e) => Err(format!("{e}\n(the test's files are kept in {})", dir.display()).into()),
    }
}

fn describe(code: Option<i32>) -> String {
    match code {
        Some(c) => format!("exit status {c}"),
        None => "killed by a signal".to_string(),
    }
}

/// Registers every test program under /tvmtest; the small test shell
/// `mini_sh` is also /bin/sh (what popen and system run) until a real shell
/// is registered there.
fn register(programs: &'static [GuestProgram]) {
    for p in programs {
        programs::register_guest(&format!("{TEST_DIR}/{}", p.id), p).expect("test program ids are unique");
        if p.id == "mini_sh" && programs::lookup("/bin/sh").is_none() {
            programs::register_guest("/bin/sh", p).expect("/bin/sh is free");
        }
    }
}

/// `--run-one`: run one program as the first task in this process.
fn run_one(programs: &'static [GuestProgram], name: &str, args: &[String]) -> ExitCode {
    register(programs);
    let Some(program) = programs::lookup(&format!("{TEST_DIR}/{name}")) else {
        eprintln!("test_tvm: no test program named {name}");
        return ExitCode::from(2);
    };
    let mut argv = vec![CString::new(name).expect("program names have no NUL")];
    argv.extend(args.iter().map(|a| CString::new(a.as_str()).expect("arguments have no NUL")));
    match boot::run_first(program, argv) {
        Ok(status) => ExitCode::from(boot::exit_code(status) as u8),
        Err(e) => {
            eprintln!("test_tvm: cannot start {name}: {e}");
            ExitCode::from(2)
        }
    }
}

fn all_tests(programs: &'static [GuestProgram], native: &'static [(&'static str, &'static str)]) -> Vec<Test> {
    let mut tests: Vec<Test> = programs.iter().filter(|p| p.tag == "case").map(|p| Test::Program(p.id)).collect();
    tests.extend(native.iter().map(|(n, path)| Test::Native(format!("{n}_native"), path)));
    tests.extend(outside::TESTS.iter().map(|(n, f)| Test::Outside(n, *f)));
    tests.sort_by(|a, b| a.name().cmp(b.name()));
    tests
}

/// A case built natively, run as a host process in the test's directory,
/// leading its own session like the tvm run (`Runner::command`).
fn native_test(r: &Runner, path: &str) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(path);
    c.env("TMPDIR", &r.dir).current_dir(&r.dir).stdin(Stdio::null());
    default_signals(&mut c);
    // SAFETY: setsid is async-signal-safe; nothing else runs before exec.
    unsafe {
        c.pre_exec(|| nix::unistd::setsid().map(drop).map_err(std::io::Error::from));
    }
    // Output to files, not pipes: a failed case can leave processes of its
    // own sessions behind holding its stdout, and waiting for the end of
    // a pipe would wait for them.
    let (out_path, err_path) = (r.dir.join("native.stdout"), r.dir.join("native.stderr"));
    let file = |p: &std::path::Path| std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()));
    c.stdout(file(&out_path)?).stderr(file(&err_path)?);
    let status = c.status().map_err(|e| format!("cannot run {path}: {e}"))?;
    if status.success() {
        return Ok(());
    }
    let read = |p: &std::path::Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Err(format!("native run: {status:?}\n{}{}", read(&out_path), read(&err_path)))
}

fn selected(name: &str, keywords: &[String]) -> bool {
    let lower = name.to_lowercase();
    keywords.is_empty() || keywords.iter().any(|k| lower.contains(&k.to_lowercase()))
}

/// The entry point of the `test_tvm` binary.
pub fn main(
    programs: &'static [GuestProgram],
    native: &'static [(&'static str, &'static str)],
    shim_table: &[*const std::ffi::c_void],
) -> ExitCode {
    let cli = Cli::parse();
    if let Some(name) = &cli.run_one {
        return run_one(programs, name, &cli.rest);
    }
    outside::set_shim_table(shim_table.iter().filter(|p| p.is_null()).count(), shim_table.len());
    let mut keywords = cli.keyword.clone();
    keywords.extend(cli.rest.iter().cloned());
    let tests: Vec<Test> = all_tests(programs, native).into_iter().filter(|t| selected(t.name(), &keywords)).collect();

    if cli.list {
        for t in &tests {
            println!("{}", t.name());
        }
        return ExitCode::SUCCESS;
    }
    let exe = std::env::current_exe().expect("the running binary has a path");
    if cli.gdb {
        return debug(&exe, &tests);
    }
    // Every test's files live under one fresh directory for the run.
    let root = match tempfile::Builder::new().prefix("test_tvm.").tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("test_tvm: cannot make a directory for the tests under {}: {e}", std::env::temp_dir().display());
            return ExitCode::from(2);
        }
    };
    let runner = std::sync::Arc::new(Runner { exe, verbose: cli.verbose, dir: root.path().to_path_buf() });
    let trials = tests
        .into_iter()
        .map(|t| {
            let (r, root) = (runner.clone(), root.path().to_path_buf());
            match t {
                Test::Program(name) => {
                    Trial::test(name, move || in_own_dir(&root, &r, name, |r| program_test(r, name)))
                }
                Test::Native(name, path) => {
                    let n = name.clone();
                    Trial::test(name, move || in_own_dir(&root, &r, &n, |r| native_test(r, path)))
                }
                Test::Outside(name, f) => Trial::test(name, move || in_own_dir(&root, &r, name, f)),
            }
        })
        .collect();
    let args = Arguments { test_threads: if cli.verbose { Some(1) } else { cli.test_threads }, ..Arguments::default() };
    let conclusion = libtest_mimic::run(&args, trials);
    if conclusion.has_failed() {
        // The failed tests' directories stay for inspection.
        let kept = root.keep();
        eprintln!("test_tvm: files of the failed tests are under {}", kept.display());
    }
    conclusion.exit_code()
}

/// `-g`: re-run the single selected test under gdb.
fn debug(exe: &std::path::Path, tests: &[Test]) -> ExitCode {
    let [test] = tests else {
        eprintln!("test_tvm: -g needs exactly one selected test, {} selected", tests.len());
        return ExitCode::from(2);
    };
    let Test::Program(name) = test else {
        eprintln!("test_tvm: -g debugs C test programs; {} is checked from outside", test.name());
        return ExitCode::from(2);
    };
    let status = Command::new("gdb").arg("-q").arg("--args").arg(exe).arg("--run-one").arg(name).status();
    match status {
        Ok(s) => ExitCode::from(s.code().unwrap_or(1) as u8),
        Err(e) => {
            eprintln!("test_tvm: cannot run gdb: {e}");
            ExitCode::from(2)
        }
    }
}
