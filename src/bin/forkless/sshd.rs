//! `forkless sshd`: dropbear as the SSH server, with forkless's security
//! model (docs/ssh.md): the host user who runs forkless is the only login,
//! with the keys of an authorized_keys file, a password given through the
//! environment or a file, or else a one-time password printed at start.
//! Host keys are made on first start in the state directory and reused.
//!
//! The setup that needs no task (options, the state directory, the
//! password, whether the port is free) happens here; the first task is a
//! short shell script that makes the missing host keys with dropbearkey,
//! prints their fingerprints and execs dropbear in the foreground.

use std::ffi::{CString, OsString};
use std::fs;
use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

/// The port dropbear listens on unless told otherwise.
const DEFAULT_PORT: u16 = 2222;

#[derive(Parser, Debug)]
#[command(
    name = "forkless sshd",
    about = "Run dropbear as the SSH server: log in to a shell of forkless tasks",
    after_help = "Logins are the host user who runs forkless. Authorized keys come from --authorized-keys or \
                  STATE_DIR/authorized_keys; a password from $FORKLESS_PASSWORD or --password-file. With \
                  neither, a one-time password is printed at start."
)]
struct Options {
    /// Listen on [ADDR:]PORT (repeatable; default: port 2222 on every address)
    #[arg(short = 'p', long = "port", value_name = "[ADDR:]PORT", value_parser = parse_listen)]
    listen: Vec<Listen>,
    /// Host keys and authorized_keys [default: $XDG_STATE_HOME/forkless or ~/.local/state/forkless]
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Public keys that may log in (read at start)
    #[arg(long, value_name = "FILE")]
    authorized_keys: Option<PathBuf>,
    /// The login password: the file's first line
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// The login's home directory [default: the host user's]
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Also make and offer an ECDSA (NIST P-256) host key
    #[arg(long)]
    ecdsa: bool,
    /// Also make and offer an RSA host key
    #[arg(long)]
    rsa: bool,
    /// Refuse port forwarding, local (ssh -L) and remote (ssh -R)
    #[arg(long)]
    no_port_forwarding: bool,
    /// Let remote forwards (ssh -R) listen on every address the client
    /// asks for, not loopback only (OpenSSH's GatewayPorts)
    #[arg(long, conflicts_with = "no_port_forwarding")]
    gateway_ports: bool,
    /// Allow agent forwarding (ssh -A); off because any program of the
    /// host user could use the forwarded agent's keys (docs/ssh.md)
    #[arg(long)]
    agent_forwarding: bool,
    /// Options for dropbear itself, after `--`
    #[arg(last = true, value_name = "DROPBEAR-OPTIONS")]
    dropbear: Vec<OsString>,
}

/// One `-p` value: an address (every address when None) and a port.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Listen {
    addr: Option<IpAddr>,
    port: u16,
}

impl Listen {
    /// dropbear's `-p` form.
    fn arg(&self) -> String {
        match self.addr {
            None => self.port.to_string(),
            Some(IpAddr::V4(a)) => format!("{a}:{}", self.port),
            Some(IpAddr::V6(a)) => format!("[{a}]:{}", self.port),
        }
    }
}

fn parse_listen(s: &str) -> Result<Listen, String> {
    let port = |p: &str| match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("'{p}' is not a port number (1-65535)")),
    };
    match s.rsplit_once(':') {
        None => Ok(Listen { addr: None, port: port(s)? }),
        Some((a, p)) => {
            let a = a.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(a);
            let addr = a.parse::<IpAddr>().map_err(|_| format!("'{a}' is not an IP address"))?;
            Ok(Listen { addr: Some(addr), port: port(p)? })
        }
    }
}

/// A failure before dropbear starts: the message and the exit status.
struct Fail(String, u8);

fn usage(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), 2)
}

/// Runs `forkless sshd ARGS...` (args after the word `sshd`).
pub fn main(args: Vec<OsString>) -> ExitCode {
    let opts = match Options::try_parse_from(std::iter::once(OsString::from("forkless sshd")).chain(args)) {
        Ok(o) => o,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap's first line, without its usage block.
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("bad arguments").trim_start_matches("error: ");
            eprintln!("forkless sshd: {line} (see forkless sshd --help)");
            return ExitCode::from(2);
        }
    };
    match prepare(opts) {
        Ok(argv) => {
            stdin_from_null();
            tvm::kernel::boot::detach_from_caller();
            stop_on_host_signals();
            super::run("/bin/sh", b"sh", &argv)
        }
        Err(Fail(msg, code)) => {
            eprintln!("forkless sshd: {msg}");
            ExitCode::from(code)
        }
    }
}

/// Everything but starting the server; returns the first task's arguments.
fn prepare(opts: Options) -> Result<Vec<OsString>, Fail> {
    let user = host_user().map_err(|e| Fail(format!("cannot find the host user: {e}"), 1))?;
    let state = match &opts.state_dir {
        Some(d) => d.clone(),
        None => default_state_dir(&user.home).ok_or_else(|| usage("no state directory: set HOME or --state-dir"))?,
    };
    make_private_dir(&state).map_err(|e| Fail(format!("state directory {}: {e}", state.display()), 1))?;
    let state = fs::canonicalize(&state).map_err(|e| Fail(format!("{}: {e}", state.display()), 1))?;

    if let Some(home) = &opts.home {
        let home = fs::canonicalize(home)
            .ok()
            .filter(|h| h.is_dir())
            .ok_or_else(|| usage(format!("--home {}: not a directory", home.display())))?;
        tvm::crt::pwd::set_home(cstring(&home)).map_err(|e| Fail(e.to_string(), 1))?;
    }

    // Authorized keys: dropbear reads DIR/authorized_keys (-D DIR).
    let keys_dir = match &opts.authorized_keys {
        None => state.clone(),
        Some(file) => {
            let text = fs::read(file).map_err(|e| usage(format!("--authorized-keys {}: {e}", file.display())))?;
            let dir = state.join("authorized-keys.d");
            make_private_dir(&dir).map_err(|e| Fail(format!("{}: {e}", dir.display()), 1))?;
            write_private(&dir.join("authorized_keys"), &text)
                .map_err(|e| Fail(format!("{}: {e}", dir.display()), 1))?;
            dir
        }
    };
    let has_keys = fs::read_to_string(keys_dir.join("authorized_keys"))
        .is_ok_and(|t| t.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')));

    let listen =
        if opts.listen.is_empty() { vec![Listen { addr: None, port: DEFAULT_PORT }] } else { opts.listen.clone() };
    for l in &listen {
        check_free(l)?;
    }
    let password = password(&opts)?;
    let mut dropbear_args: Vec<OsString> = Vec::new();
    for l in &listen {
        dropbear_args.push("-p".into());
        dropbear_args.push(l.arg().into());
    }
    match (password, has_keys) {
        (Some(p), _) => set_password(&p)?,
        (None, true) => dropbear_args.push("-s".into()),
        (None, false) => {
            let otp = one_time_password().map_err(|e| Fail(format!("cannot read the OS random source: {e}"), 1))?;
            set_password(&otp)?;
            eprintln!(
                "forkless sshd: no password or authorized key is set up; one-time password for {}: {otp}",
                user.name
            );
            eprintln!("forkless sshd: (valid until forkless exits; see forkless sshd --help to set your own)");
        }
    }

    // Ed25519 only unless asked: ssh-audit fails NIST-curve host keys, and
    // every current client speaks Ed25519 (docs/ssh.md).
    let mut types = vec!["ed25519"];
    if opts.ecdsa {
        types.push("ecdsa");
    }
    if opts.rsa {
        types.push("rsa");
    }
    for t in &types {
        dropbear_args.push("-r".into());
        dropbear_args.push(state.join(format!("dropbear_{t}_host_key")).into());
    }
    dropbear_args.extend(["-D".into(), keys_dir.into_os_string()]);
    dropbear_args.extend(["-P".into(), state.join("dropbear.pid").into_os_string()]);
    // Forwarding (docs/ssh.md): -j and -k refuse local and remote TCP
    // forwarding, -a lets remote forwards bind beyond loopback, -f (our
    // patch) allows agent forwarding.
    if opts.no_port_forwarding {
        dropbear_args.extend(["-j".into(), "-k".into()]);
    }
    if opts.gateway_ports {
        dropbear_args.push("-a".into());
    }
    if opts.agent_forwarding {
        dropbear_args.push("-f".into());
    }
    // The host's message of the day is not this system's.
    dropbear_args.push("-m".into());
    dropbear_args.push("-F".into());
    dropbear_args.extend(opts.dropbear);

    let ports: Vec<String> = listen.iter().map(Listen::arg).collect();
    let example = listen.first().map_or(DEFAULT_PORT, |l| l.port);
    eprintln!("forkless sshd: listening on {}; log in with: ssh -p {example} {}@HOST", ports.join(", "), user.name);

    let mut argv: Vec<OsString> = vec!["-c".into(), START.into(), "forkless-sshd".into()];
    argv.push(state.into_os_string());
    argv.push(types.join(" ").into());
    argv.extend(dropbear_args);
    Ok(argv)
}

/// The first task: makes the missing host keys, prints the fingerprints,
/// then becomes dropbear. `$1` is the state directory, `$2` the key types.
const START: &str = r#"dir=$1 types=$2; shift 2
for t in $types; do
  k=$dir/dropbear_${t}_host_key
  if [ ! -f "$k" ]; then
    size=; [ "$t" = rsa ] && size="-s 3072"
    dropbearkey -t "$t" $size -f "$k" >/dev/null 2>&1 || { echo "forkless sshd: cannot make the $t host key $k" >&2; exit 1; }
    echo "forkless sshd: made the $t host key $k" >&2
  fi
  chmod 600 "$k" || exit 1
  fp=$(dropbearkey -y -f "$k" | sed -n 's/^Fingerprint: //p')
  echo "forkless sshd: $t host key $fp" >&2
done
exec dropbear "$@"
"#;

/// A server reads nothing from its terminal: /dev/null is its standard
/// input, and the first task gets no host terminal at all
/// (`detach_from_caller`, which also starts it with default signal
/// actions), so the terminal stays as it is and its
/// Ctrl-C is a host SIGINT that stops the server in order.
fn stdin_from_null() {
    // SAFETY: open and dup2 of our own descriptors; fd 0 is replaced whole.
    unsafe {
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd > 0 {
            libc::dup2(fd, 0);
            libc::close(fd);
        }
    }
}

/// Written by the host SIGTERM/SIGINT handler, read by the stopper thread.
static STOP_PIPE: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// SIGTERM or SIGINT to forkless stops the server as an init system would:
/// every session is hung up and dropbear is asked to end (it stops
/// listening and exits 0). A second such signal ends forkless at once.
fn stop_on_host_signals() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    STOP_PIPE.store(fds[1], std::sync::atomic::Ordering::SeqCst);
    extern "C" fn on_stop(sig: libc::c_int) {
        let fd = STOP_PIPE.swap(-1, std::sync::atomic::Ordering::SeqCst);
        if fd < 0 {
            // The second one: what the signal would have done.
            // SAFETY: async-signal-safe calls only.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
            }
            return;
        }
        // SAFETY: write(2) is async-signal-safe; the byte says "stop".
        unsafe { libc::write(fd, b"s".as_ptr().cast(), 1) };
    }
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: a handler that only makes async-signal-safe calls.
        unsafe { libc::signal(sig, on_stop as *const () as libc::sighandler_t) };
    }
    let read_end = fds[0];
    std::thread::spawn(move || {
        let mut b = [0u8; 1];
        // SAFETY: reads into a live one-byte buffer.
        if unsafe { libc::read(read_end, b.as_mut_ptr().cast(), 1) } == 1 {
            // Sessions get a second to end on their own.
            let (hung_up, killed) = tvm::kernel::boot::stop_service(std::time::Duration::from_secs(1));
            eprintln!("forkless sshd: stopping: hung up {hung_up} session tasks ({killed} killed after 1 s)");
            tvm::kernel::boot::terminate_first();
        }
    });
}

struct HostUser {
    name: String,
    home: PathBuf,
}

fn host_user() -> io::Result<HostUser> {
    // SAFETY: getuid has no preconditions; getpwuid's result is read at
    // once, before any other thread of this process could call it.
    unsafe {
        let uid = libc::getuid();
        let pw = libc::getpwuid(uid);
        if pw.is_null() {
            return Err(io::Error::other(format!("uid {uid} has no user database entry")));
        }
        let name = std::ffi::CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned();
        let home = PathBuf::from(std::ffi::OsStr::from_bytes(std::ffi::CStr::from_ptr((*pw).pw_dir).to_bytes()));
        Ok(HostUser { name, home })
    }
}

/// `$XDG_STATE_HOME/forkless`, else `~/.local/state/forkless`.
fn default_state_dir(home: &Path) -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
        return Some(x.join("forkless"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute()).unwrap_or(home.into());
    (!home.as_os_str().is_empty()).then(|| home.join(".local/state/forkless"))
}

/// Creates `dir` (and its parents) and makes it 0700.
fn make_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.set_permissions(fs::Permissions::from_mode(0o600))?;
    f.write_all(data)
}

/// The password from `$FORKLESS_PASSWORD` or `--password-file` (never argv).
fn password(opts: &Options) -> Result<Option<String>, Fail> {
    let env = std::env::var("FORKLESS_PASSWORD").ok().filter(|p| !p.is_empty());
    // No task inherits it (the first task's environment is this process's).
    // SAFETY: single-threaded here: no runtime thread has started yet.
    unsafe { std::env::remove_var("FORKLESS_PASSWORD") };
    let file = match &opts.password_file {
        None => None,
        Some(f) => {
            let text = fs::read_to_string(f).map_err(|e| usage(format!("--password-file {}: {e}", f.display())))?;
            let line = text.lines().next().unwrap_or("").to_string();
            if line.is_empty() {
                return Err(usage(format!("--password-file {}: the first line is empty", f.display())));
            }
            Some(line)
        }
    };
    match (env, file) {
        (Some(_), Some(_)) => Err(usage("both FORKLESS_PASSWORD and --password-file are set; use one")),
        (e, f) => Ok(e.or(f)),
    }
}

fn set_password(password: &str) -> Result<(), Fail> {
    let p = CString::new(password).map_err(|_| usage("the password contains a NUL byte"))?;
    let hash = tvm::crt::crypt::hash_password(&p).map_err(|e| Fail(format!("cannot hash the password: {e}"), 1))?;
    tvm::crt::pwd::set_password_hash(hash).map_err(|e| Fail(e.to_string(), 1))
}

/// 24 characters from the OS random source, none easily misread.
fn one_time_password() -> io::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut out = String::new();
    while out.len() < 24 {
        let mut b = [0u8; 32];
        // SAFETY: `b` is a writable buffer of its length.
        if unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) } != b.len() as isize {
            return Err(io::Error::last_os_error());
        }
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        out.extend(b.iter().filter(|&&x| (x as usize) < limit).map(|&x| ALPHABET[x as usize % ALPHABET.len()] as char));
    }
    out.truncate(24);
    Ok(out)
}

/// Fails (status 1) when the address and port cannot be listened on.
fn check_free(l: &Listen) -> Result<(), Fail> {
    let addrs: Vec<SocketAddr> = match l.addr {
        Some(a) => vec![SocketAddr::new(a, l.port)],
        None => vec![SocketAddr::new(IpAddr::from([0, 0, 0, 0]), l.port)],
    };
    for a in addrs {
        if let Err(e) = TcpListener::bind(a) {
            let what =
                if e.kind() == io::ErrorKind::AddrInUse { "address already in use".to_string() } else { e.to_string() };
            return Err(Fail(format!("cannot listen on {}: {what}", l.arg()), 1));
        }
    }
    Ok(())
}

fn cstring(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen("2222"), Ok(Listen { addr: None, port: 2222 }));
        assert_eq!(parse_listen("127.0.0.1:22").map(|l| l.arg()), Ok("127.0.0.1:22".into()));
        assert_eq!(parse_listen("[::1]:22").map(|l| l.arg()), Ok("[::1]:22".into()));
        assert!(parse_listen("0").is_err());
        assert!(parse_listen("70000").is_err());
        assert!(parse_listen("host:22").is_err());
        assert!(parse_listen("").is_err());
    }

    #[test]
    fn one_time_passwords_differ() {
        let (a, b) = (one_time_password().unwrap(), one_time_password().unwrap());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
    }
}
