//! A `forkless sshd` of a test's own, on a loopback port, and the stock
//! OpenSSH client to reach it.
//!
//! Everything lives in the test's directory: the login's home (`--home`),
//! the state directory (host keys) under it, and a client key made with
//! ssh-keygen, authorized through `--authorized-keys`. The client trusts
//! nothing it has seen before (a known-hosts file of the test's own).

use std::fs;
use std::io::{self, Read as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running server; dropping it stops it (SIGTERM, then SIGKILL).
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub home: PathBuf,
    pub key: PathBuf,
    pub log: PathBuf,
    known_hosts: PathBuf,
    pub user: String,
}

/// A loopback port nobody listens on now.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The host user's name (who the server lets in).
pub fn user_name() -> String {
    // SAFETY: getuid has no preconditions; getpwuid's result is copied at
    // once (tests call this before starting threads that use it).
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() {
            return String::new();
        }
        std::ffi::CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned()
    }
}

/// Makes an ed25519 client key at `dir/id_ed25519` (no passphrase).
pub fn client_key(dir: &Path) -> io::Result<PathBuf> {
    let key = dir.join("id_ed25519");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "forkless-test", "-f"])
        .arg(&key)
        .stdin(Stdio::null())
        .status()?;
    if !st.success() {
        return Err(io::Error::other(format!("ssh-keygen failed: {st}")));
    }
    Ok(key)
}

impl Server {
    /// Starts `forkless sshd` with its home in `dir/home` and waits until
    /// it accepts connections. `extra` goes before `--` (e.g. a password
    /// file); `env` is added to its environment.
    pub fn start(forkless: &Path, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> io::Result<Server> {
        let home = dir.join("home");
        fs::create_dir_all(&home)?;
        fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        // The login shell's profile: the prompt the scenarios wait for.
        fs::write(home.join(".profile"), format!("PS1='{}'\nexport TMPDIR=$HOME\n", crate::scenario::PROMPT))?;
        let key = if dir.join("id_ed25519").exists() { dir.join("id_ed25519") } else { client_key(dir)? };
        let port = free_port()?;
        let log = dir.join("sshd.log");
        let mut cmd = Command::new(forkless);
        cmd.arg("sshd")
            .arg("-p")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--home")
            .arg(&home)
            .arg("--state-dir")
            .arg(home.join("state"))
            .arg("--authorized-keys")
            .arg(key.with_extension("pub"))
            .args(extra)
            .current_dir(dir)
            .env_remove("FORKLESS_PASSWORD")
            .stdin(Stdio::null())
            .stdout(fs::File::create(dir.join("sshd.out"))?)
            .stderr(fs::File::create(&log)?);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn()?;
        let mut server = Server {
            child: Some(child),
            port,
            home,
            key,
            log,
            known_hosts: dir.join("known_hosts"),
            user: user_name(),
        };
        server.wait_ready(Duration::from_secs(20))?;
        Ok(server)
    }

    /// Waits until the port answers with an SSH banner.
    fn wait_ready(&mut self, limit: Duration) -> io::Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(child) = self.child.as_mut() {
                if let Some(st) = child.try_wait()? {
                    return Err(io::Error::other(format!("forkless sshd ended early ({st}): {}", self.log_text())));
                }
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut b = [0u8; 4];
                if s.read_exact(&mut b).is_ok() && &b == b"SSH-" {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(io::Error::other(format!("forkless sshd did not answer in {limit:?}: {}", self.log_text())))
    }

    /// The host pid of the forkless process, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// What the server wrote on stderr so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `ssh` to this server with the test's key: options, then `args`
    /// (`-tt` for a terminal, a command for an exec session).
    pub fn ssh(&self, args: &[&str]) -> Command {
        self.ssh_to(self.port, args)
    }

    /// `ssh` with this server's client options to another server on
    /// `port` that accepts the same keys (a native reference).
    pub fn ssh_to(&self, port: u16, args: &[&str]) -> Command {
        let mut c = Command::new("ssh");
        c.args(self.client_options()).args(["-p", &port.to_string(), "-l", &self.user, "127.0.0.1"]).args(args);
        c
    }

    /// The OpenSSH options every client of the test uses.
    pub fn client_options(&self) -> Vec<String> {
        [
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=accept-new",
            "-o",
            &format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-o",
            "LogLevel=ERROR",
            "-o",
            "IdentitiesOnly=yes",
            "-i",
            &self.key.display().to_string(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// Fails if the server still runs a task that an ended session
    /// started, after 5 s of grace: its tasks must be init, the listening
    /// dropbear and this check's own connection (its dropbear, its shell
    /// and `tvm ps`).
    pub fn left_over(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let out = self.ssh(&["tvm ps"]).output().map_err(|e| e.to_string())?;
            let table = String::from_utf8_lossy(&out.stdout).into_owned();
            let rows: Vec<&str> = table.lines().skip(1).collect();
            let extra = rows.iter().any(|r| {
                let cmd = r.split_whitespace().skip(5).collect::<Vec<_>>().join(" ");
                !(cmd == "init"
                    || cmd.starts_with("dropbear")
                    || cmd.starts_with("tvm ps")
                    || cmd.starts_with("sh -c tvm ps"))
            });
            if out.status.success() && !extra && !rows.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("tasks left over:\n{table}{}", String::from_utf8_lossy(&out.stderr)));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server with SIGTERM; its exit status, within `limit`.
    pub fn stop(&mut self, limit: Duration) -> io::Result<ExitStatus> {
        let mut child = self.child.take().ok_or_else(|| io::Error::other("already stopped"))?;
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        let start = Instant::now();
        loop {
            if let Some(st) = child.try_wait()? {
                return Ok(st);
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::other(format!("forkless sshd did not stop within {limit:?}")));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.is_some() {
            let _ = self.stop(Duration::from_secs(5));
        }
    }
}

/// A native dropbear (built from the same tree as forkless's), with a
/// forkless server's host key and keys: the reference benchmarks compare
/// against. Dropping it stops it and removes its keys directory.
pub struct NativeServer {
    child: Child,
    pub port: u16,
    keys: PathBuf,
    /// The login shell its sessions run, in words.
    pub shell: String,
}

/// Copies of /etc/passwd and /etc/shells in `dir` in which `user` has
/// `home` and `mksh` as login shell, and that shell is allowed.
fn user_database(dir: &Path, user: &str, home: &Path, mksh: &str) -> (PathBuf, PathBuf) {
    let passwd: String = fs::read_to_string("/etc/passwd")
        .expect("/etc/passwd")
        .lines()
        .map(|line| {
            let mut f: Vec<&str> = line.split(':').collect();
            let home = home.display().to_string();
            if f.len() == 7 && f[0] == user {
                f[5] = &home;
                f[6] = mksh;
                return f.join(":") + "\n";
            }
            format!("{line}\n")
        })
        .collect();
    let shells = fs::read_to_string("/etc/shells").unwrap_or_default() + mksh + "\n";
    let (p, s) = (dir.join("passwd"), dir.join("shells"));
    fs::write(&p, passwd).expect("a passwd copy");
    fs::write(&s, shells).expect("a shells copy");
    (p, s)
}

/// Whether this process may make a mount namespace and mount in it.
fn can_unshare_mounts() -> bool {
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "mount", "--bind", "/", "/"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl NativeServer {
    /// The process id of the server (a mount namespace's `unshare` where
    /// one is made: dropbear and its sessions are below it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts `dropbear` (a native build) serving `server`'s user, home,
    /// host key and authorized keys, with `mksh` (a native build) as the
    /// login shell where a mount namespace can be made. `keys` is a
    /// directory of its own for the authorized keys: dropbear checks every
    /// directory above that file up to / for world-writable ones (the
    /// system's temporary directory is).
    pub fn start(server: &Server, dir: &Path, dropbear: &Path, mksh: &Path, keys: PathBuf) -> NativeServer {
        let port = free_port().expect("a free port");
        let bin = dir.join("dropbear");
        std::os::unix::fs::symlink(dropbear, &bin).expect("a link named dropbear");
        let state = server.home.join("state");
        fs::create_dir_all(&keys).expect("a keys directory");
        fs::copy(state.join("authorized-keys.d/authorized_keys"), keys.join("authorized_keys")).expect("keys copied");
        let mut args: Vec<String> = ["-F", "-m", "-p", &format!("127.0.0.1:{port}"), "-r"].map(String::from).into();
        args.push(state.join("dropbear_ed25519_host_key").display().to_string());
        args.extend([
            "-D".into(),
            keys.display().to_string(),
            "-P".into(),
            dir.join("native.pid").display().to_string(),
        ]);
        let (mut cmd, shell) = if can_unshare_mounts() {
            let mksh = mksh.display().to_string();
            let (passwd, shells) = user_database(dir, &server.user, &server.home, &mksh);
            let mut c = Command::new("unshare");
            c.args(["--mount", "--propagation", "private", "sh", "-c"])
                .arg(r#"mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shells && shift 2 && exec "$@""#)
                .arg("sh")
                .args([&passwd, &shells, &bin]);
            (c, format!("native mksh ({mksh})"))
        } else {
            (Command::new(&bin), "the host user's login shell (no mount namespace: not root?)".to_string())
        };
        let child = cmd
            .args(&args)
            .stdin(Stdio::null())
            .stderr(fs::File::create(dir.join("native.log")).expect("a log file"))
            .spawn()
            .expect("native dropbear starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "native dropbear did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        NativeServer { child, port, keys, shell }
    }
}

impl Drop for NativeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.keys);
    }
}
