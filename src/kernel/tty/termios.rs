//! Terminal settings: the `termios` a line discipline works by, its
//! defaults, and the kernel's ioctl layout of it.
//!
//! The runtime keeps glibc's `struct termios` (what tcgetattr fills in).
//! `ioctl(TCGETS)` callers get the kernel's shorter layout (19 control
//! characters, no speed fields), as on Linux.

use crate::platform::c as libc;
use libc::{tcflag_t, termios};

/// `_POSIX_VDISABLE`: a control character set to this never matches.
pub const DISABLED: u8 = 0;

/// The settings a new pseudo-terminal's slave starts with (Linux's
/// `tty_std_termios` as the pty driver sets it up): canonical input with
/// echo and signals, CR to NL on input, NL to CR-NL on output, 38400 baud.
pub fn slave_default() -> termios {
    // SAFETY: termios is plain data; all-zero is a valid value.
    let mut t: termios = unsafe { std::mem::zeroed() };
    t.c_iflag = libc::ICRNL | libc::IXON;
    t.c_oflag = libc::OPOST | libc::ONLCR;
    t.c_cflag = libc::B38400 | libc::CS8 | libc::CREAD;
    t.c_lflag = libc::ISIG
        | libc::ICANON
        | libc::ECHO
        | libc::ECHOE
        | libc::ECHOK
        | libc::ECHOCTL
        | libc::ECHOKE
        | libc::IEXTEN;
    t.c_cc = default_cc();
    t.c_ispeed = libc::B38400;
    t.c_ospeed = libc::B38400;
    t
}

/// Linux's INIT_C_CC: ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O
/// ^W ^V.
pub fn default_cc() -> [libc::cc_t; libc::NCCS] {
    let mut cc = [DISABLED; libc::NCCS];
    cc[libc::VINTR] = 0o003;
    cc[libc::VQUIT] = 0o034;
    cc[libc::VERASE] = 0o177;
    cc[libc::VKILL] = 0o025;
    cc[libc::VEOF] = 0o004;
    cc[libc::VTIME] = 0;
    cc[libc::VMIN] = 1;
    cc[libc::VSTART] = 0o021;
    cc[libc::VSTOP] = 0o023;
    cc[libc::VSUSP] = 0o032;
    cc[libc::VREPRINT] = 0o022;
    cc[libc::VDISCARD] = 0o017;
    cc[libc::VWERASE] = 0o027;
    cc[libc::VLNEXT] = 0o026;
    cc
}

/// Keeps glibc's speed fields in step with the speed bits of `c_cflag`, as
/// glibc's tcgetattr reports them.
pub fn sync_speeds(t: &mut termios) {
    crate::platform::sync_speeds(t);
}

/// The kernel's `struct termios` (asm-generic/termbits.h): what
/// `ioctl(TCGETS)` reads and `ioctl(TCSETS*)` writes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelTermios {
    pub c_iflag: tcflag_t,
    pub c_oflag: tcflag_t,
    pub c_cflag: tcflag_t,
    pub c_lflag: tcflag_t,
    pub c_line: libc::cc_t,
    pub c_cc: [libc::cc_t; KERNEL_NCCS],
}

/// Control characters in the kernel's layout.
pub const KERNEL_NCCS: usize = 19;

impl KernelTermios {
    pub fn from_user(t: &termios) -> KernelTermios {
        let mut k = KernelTermios {
            c_iflag: t.c_iflag,
            c_oflag: t.c_oflag,
            c_cflag: t.c_cflag,
            c_lflag: t.c_lflag,
            c_line: crate::platform::termios_line(t),
            c_cc: [0; KERNEL_NCCS],
        };
        k.c_cc.copy_from_slice(&t.c_cc[..KERNEL_NCCS]);
        k
    }

    /// Applies these settings over `t` (control characters past the
    /// kernel's 19 are kept).
    pub fn to_user(self, t: &termios) -> termios {
        let mut u = *t;
        u.c_iflag = self.c_iflag;
        u.c_oflag = self.c_oflag;
        u.c_cflag = self.c_cflag;
        u.c_lflag = self.c_lflag;
        crate::platform::set_termios_line(&mut u, self.c_line);
        u.c_cc[..KERNEL_NCCS].copy_from_slice(&self.c_cc);
        sync_speeds(&mut u);
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_layout_is_linuxs() {
        assert_eq!(std::mem::size_of::<KernelTermios>(), 36);
        let t = slave_default();
        let k = KernelTermios::from_user(&t);
        assert_eq!(k.c_cc[libc::VMIN], 1);
        let back = k.to_user(&t);
        assert_eq!(back.c_lflag, t.c_lflag);
        assert_eq!(back.c_ospeed, libc::B38400);
    }

    /// The defaults are what a fresh host pseudo-terminal's slave has.
    #[test]
    fn defaults_match_a_host_pty() {
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let host = nix::sys::termios::tcgetattr(&pty.slave).expect("tcgetattr");
        let host: termios = host.into();
        let ours = slave_default();
        assert_eq!(ours.c_iflag, host.c_iflag & !libc::IUTF8, "iflag");
        assert_eq!(ours.c_oflag, host.c_oflag, "oflag");
        assert_eq!(ours.c_cflag & !libc::HUPCL, host.c_cflag & !libc::HUPCL, "cflag");
        assert_eq!(ours.c_lflag, host.c_lflag, "lflag");
        assert_eq!(&ours.c_cc[..17], &host.c_cc[..17], "cc");
    }
}
