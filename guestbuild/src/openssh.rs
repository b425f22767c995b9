//! OpenSSH portable's sftp-server: its own `configure` writes config.h;
//! the units are sftp-server's (the Makefile's `SFTPSERVER_OBJS`) and the
//! members of libssh.a and libopenbsd-compat.a that its link takes. Those
//! were read from the linker's map (`-Wl,-Map`) of a native
//! `make sftp-server` of 9.2p1 configured as below; a member missing from
//! the list fails the guest's link, naming the symbol.

use std::fs;
use std::io;
use std::path::Path;

use crate::makefile::{autoconf, undefine, Configured};

/// `configure` switches: no OpenSSL (sftp-server does no cryptography),
/// no zlib, and none of the system services sshd would use.
const CONFIGURE_ARGS: &[&str] = &[
    "--without-openssl",
    "--without-zlib",
    "--without-pam",
    "--without-selinux",
    "--without-kerberos5",
    "--without-libedit",
    "--without-security-key-builtin",
];

/// sftp-server's own units.
const SERVER_UNITS: &[&str] = &["sftp-common.c", "sftp-server.c", "sftp-server-main.c"];

/// The members of libssh.a its link takes.
const LIBSSH_UNITS: &[&str] = &[
    "addr.c",
    "addrmatch.c",
    "atomicio.c",
    "fatal.c",
    "log.c",
    "match.c",
    "misc.c",
    "platform-misc.c",
    "platform-pledge.c",
    "platform-tracing.c",
    "sftp-realpath.c",
    "sshbuf-getput-basic.c",
    "sshbuf-misc.c",
    "sshbuf.c",
    "ssherr.c",
    "xmalloc.c",
];

/// The members of libopenbsd-compat.a its link takes.
const COMPAT_UNITS: &[&str] = &[
    "base64.c",
    "bsd-closefrom.c",
    "bsd-misc.c",
    "fmt_scaled.c",
    "freezero.c",
    "getopt_long.c",
    "port-net.c",
    "pwcache.c",
    "recallocarray.c",
    "strlcat.c",
    "strlcpy.c",
    "strmode.c",
    "strtonum.c",
    "timingsafe_bcmp.c",
    "vis.c",
];

/// The result of configuring OpenSSH in a build directory.
pub type Config = Configured;

/// Runs `configure` (once per build directory) and lists the units.
pub fn configure(src_dir: &Path, build_dir: &Path) -> io::Result<Config> {
    configure_is_current(src_dir)?;
    autoconf("openssh", src_dir, build_dir, CONFIGURE_ARGS, &crate::target_cc(), "config.h")?;
    no_process_wide_calls(&build_dir.join("config.h"))?;
    let mut config = Config::empty(src_dir, build_dir);
    let compat = src_dir.join("openbsd-compat");
    config.sources.extend(SERVER_UNITS.iter().chain(LIBSSH_UNITS).map(|u| src_dir.join(u)));
    config.sources.extend(COMPAT_UNITS.iter().map(|u| compat.join(u)));
    if let Some(missing) = config.sources.iter().find(|s| !s.exists()) {
        return Err(io::Error::other(format!("openssh: no {}", missing.display())));
    }
    config.includes = vec![build_dir.to_path_buf(), src_dir.to_path_buf(), compat];
    // The Makefile's CPPFLAGS, less the paths sftp-server does not use
    // (pathnames.h has the same defaults).
    config.defines = ["_XOPEN_SOURCE=600", "_BSD_SOURCE", "_DEFAULT_SOURCE", "_GNU_SOURCE", "HAVE_CONFIG_H"]
        .iter()
        .map(|d| match d.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (d.to_string(), None),
        })
        .collect();
    config.cflags = vec!["-fno-strict-aliasing".into()];
    Ok(config)
}

/// Debian's patches change configure.ac (GSSAPI key exchange, TCP
/// wrappers, systemd readiness: all sshd's) and Debian regenerates
/// `configure` with autoreconf; OpenSSH's configure refuses to run when
/// configure.ac is the newer file. The released `configure` is the right
/// one for sftp-server, which none of those changes touch, so it is
/// marked current rather than regenerated (no autoconf needed).
fn configure_is_current(src_dir: &Path) -> io::Result<()> {
    let configure = src_dir.join("configure");
    let ac = fs::metadata(src_dir.join("configure.ac"))?.modified()?;
    if fs::metadata(&configure)?.modified()? <= ac {
        fs::File::options().write(true).open(&configure)?.set_modified(ac + std::time::Duration::from_secs(1))?;
    }
    Ok(())
}

/// Takes out of config.h what makes sftp-server's start act on the whole
/// host process (configure has no switch for either). Its
/// `platform_disable_tracing` keeps debuggers out: on Linux with
/// `prctl(PR_SET_DUMPABLE, 0)` (`HAVE_PRCTL`), which would make forkless
/// itself undumpable; on Darwin with `ptrace(PT_DENY_ATTACH)`, which
/// would detach any debugger from forkless for good and is compiled in
/// whenever `<sys/ptrace.h>` is included (`HAVE_SYS_PTRACE_H`; no other
/// unit of ours includes it). Without them, those calls are left out.
fn no_process_wide_calls(config_h: &Path) -> io::Result<()> {
    for name in ["HAVE_PRCTL", "HAVE_SYS_PTRACE_H"] {
        undefine(config_h, name, "guestbuild/src/openssh.rs")?;
    }
    Ok(())
}
