//! The line discipline against a host pseudo-terminal: each case sets the
//! same flags on both, types the same bytes, and compares what the
//! terminal shows (echo) and what successive reads return. Linux's n_tty
//! is what decides.

use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::*;

/// A change to the default settings.
#[derive(Clone, Copy)]
enum Set {
    L(libc::tcflag_t, bool),
    I(libc::tcflag_t, bool),
    O(libc::tcflag_t, bool),
    Cc(usize, u8),
}

fn settings(changes: &[Set]) -> termios {
    let mut t = slave_default();
    for c in changes {
        match *c {
            Set::L(f, on) => t.c_lflag = if on { t.c_lflag | f } else { t.c_lflag & !f },
            Set::I(f, on) => t.c_iflag = if on { t.c_iflag | f } else { t.c_iflag & !f },
            Set::O(f, on) => t.c_oflag = if on { t.c_oflag | f } else { t.c_oflag & !f },
            Set::Cc(i, v) => t.c_cc[i] = v,
        }
    }
    t
}

/// Reads everything `fd` has until it stays quiet for a while.
fn drain(fd: &OwnedFd) -> Vec<u8> {
    let mut out = Vec::new();
    let mut quiet_since = Instant::now();
    while quiet_since.elapsed() < Duration::from_millis(150) {
        let mut p = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one live pollfd.
        if unsafe { libc::poll(&mut p, 1, 20) } <= 0 {
            continue;
        }
        let mut buf = [0u8; 4096];
        // SAFETY: a live buffer of its length.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        out.extend_from_slice(&buf[..n as usize]);
        quiet_since = Instant::now();
    }
    out
}

/// Successive non-blocking reads of `size` bytes until none is ready.
fn reads(slave: &OwnedFd, size: usize) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    loop {
        let mut buf = vec![0u8; size];
        // SAFETY: a live buffer of its length.
        let n = unsafe { libc::read(slave.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            return v;
        }
        buf.truncate(n as usize);
        let eof = n == 0;
        v.push(buf);
        if eof && v.len() > 8 {
            return v;
        }
    }
}

/// What the host terminal shows and reads for `input` under `changes`.
fn host(changes: &[Set], input: &[u8], read_size: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let t = settings(changes);
    // SAFETY: the slave is open; `t` is a live termios.
    assert_eq!(unsafe { libc::tcsetattr(pty.slave.as_raw_fd(), libc::TCSANOW, &t) }, 0);
    // SAFETY: fcntl with integer arguments on a descriptor we own.
    unsafe { libc::fcntl(pty.slave.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    // SAFETY: a live buffer of its length.
    let n = unsafe { libc::write(pty.master.as_raw_fd(), input.as_ptr().cast(), input.len()) };
    assert_eq!(n, input.len() as isize);
    let shown = drain(&pty.master);
    (shown, reads(&pty.slave, read_size))
}

/// What this discipline shows and reads for the same.
fn ours(changes: &[Set], input: &[u8], read_size: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut l = Ldisc::new(settings(changes));
    let r = l.receive(input);
    assert_eq!(r.taken, input.len());
    let shown: Vec<u8> = l.out.drain(..).collect();
    let mut v = Vec::new();
    while l.readable(1) {
        let mut buf = vec![0u8; read_size];
        let (n, _) = l.read(&mut buf);
        buf.truncate(n);
        v.push(buf);
    }
    (shown, v)
}

fn same(name: &str, changes: &[Set], input: &[u8]) {
    for size in [64, 2] {
        let want = host(changes, input, size);
        let got = ours(changes, input, size);
        assert_eq!(
            got,
            want,
            "{name} (reads of {size}): ours shows {:?} reads {:?}; the host shows {:?} reads {:?}",
            String::from_utf8_lossy(&got.0),
            got.1,
            String::from_utf8_lossy(&want.0),
            want.1
        );
    }
}

use Set::*;

#[test]
fn canonical_lines_and_editing() {
    same("line", &[], b"hello\r");
    same("two lines", &[], b"one\rtwo\r");
    same("erase", &[], b"abc\x7f\x7fd\r");
    same("erase past start", &[], b"a\x7f\x7f\x7fb\r");
    same("kill", &[], b"abc def\x15xyz\r");
    same("werase", &[], b"foo bar  \x17baz\r");
    same("werase punctuation", &[], b"a.b-c\x17\x17x\r");
    same("tab erase", &[], b"a\tb\x7f\x7f\x7fc\r");
    same("tab erase after tab", &[], b"ab\tcd\tx\x7f\x7f\x7f\r");
    same("control echo and erase", &[], b"a\x01b\x7f\x7f\r");
    same("eof", &[], b"abc\x04\x04");
    same("eof mid line", &[], b"ab\x04cd\r");
    same("lnext", &[], b"\x16\x03x\x16\x7f\r");
    same("reprint", &[], b"abc\x12d\r");
    same("partial line unread", &[], b"abc");
}

#[test]
fn echo_flags() {
    same("-echo", &[L(libc::ECHO, false)], b"secret\r");
    same("-echo echonl", &[L(libc::ECHO, false), L(libc::ECHONL, true)], b"ab\r");
    same("echoprt", &[L(libc::ECHOPRT, true)], b"abc\x7f\x7fx\r");
    same("echoprt kill", &[L(libc::ECHOPRT, true), L(libc::ECHOKE, false)], b"abc\x15d\r");
    same("-echoe", &[L(libc::ECHOE, false)], b"abc\x7fd\r");
    same("-echoctl", &[L(libc::ECHOCTL, false)], b"a\x01\x7fb\r");
    same("-echoke", &[L(libc::ECHOKE, false)], b"abc\x15d\r");
    same("-echok -echoke", &[L(libc::ECHOKE, false), L(libc::ECHOK, false)], b"abc\x15d\r");
    same("-iexten", &[L(libc::IEXTEN, false)], b"ab \x17\x16x\r");
}

#[test]
fn input_flags() {
    same("-icrnl", &[I(libc::ICRNL, false)], b"ab\rcd\n");
    same("igncr", &[I(libc::IGNCR, true)], b"ab\rcd\n");
    same("inlcr", &[I(libc::INLCR, true)], b"ab\ncd\r");
    same("istrip", &[I(libc::ISTRIP, true)], b"\xe1b\r");
    same("ixon", &[], b"a\x13b\x11c\r");
    same("-ixon", &[I(libc::IXON, false)], b"a\x13b\r");
    same("iutf8 erase", &[I(libc::IUTF8, true)], "é€x\x7f\x7f\r".as_bytes());
    same("eol", &[Cc(libc::VEOL, b';')], b"ab;cd\r");
    same("isig flushes", &[], b"abc\x03xy\r");
    same("noflsh", &[L(libc::NOFLSH, true)], b"abc\x03xy\r");
    same("-isig", &[L(libc::ISIG, false)], b"a\x03\x1a\r");
}

#[test]
fn non_canonical() {
    same("raw-ish", &[L(libc::ICANON, false)], b"abc\x7f\r");
    same("raw no echo", &[L(libc::ICANON | libc::ECHO, false)], b"abc\r\n");
    same("raw ctl newline", &[L(libc::ICANON, false)], b"a\nb\x01");
    same("-opost echo", &[O(libc::OPOST, false)], b"ab\r");
}

/// What a program writes, as the terminal shows it.
fn shown_for_write(changes: &[Set], data: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let t = settings(changes);
    // SAFETY: the slave is open; `t` is a live termios.
    assert_eq!(unsafe { libc::tcsetattr(pty.slave.as_raw_fd(), libc::TCSANOW, &t) }, 0);
    // SAFETY: a live buffer of its length.
    let n = unsafe { libc::write(pty.slave.as_raw_fd(), data.as_ptr().cast(), data.len()) };
    assert_eq!(n, data.len() as isize);
    let host = drain(&pty.master);
    let mut l = Ldisc::new(t);
    l.write(data);
    (l.out.drain(..).collect(), host)
}

#[test]
fn output_processing() {
    for (name, changes, data) in [
        ("onlcr", &[][..], &b"x\ny\n"[..]),
        ("-onlcr", &[O(libc::ONLCR, false)][..], &b"x\ny"[..]),
        ("ocrnl", &[O(libc::OCRNL, true)][..], &b"a\rb"[..]),
        ("onocr", &[O(libc::ONOCR, true)][..], &b"\rab\rc"[..]),
        ("xtabs", &[O(libc::XTABS, true)][..], &b"a\tbc\t\td"[..]),
        ("olcuc", &[O(libc::OLCUC, true)][..], &b"abc\n"[..]),
        ("-opost", &[O(libc::OPOST, false)][..], &b"a\nb"[..]),
    ] {
        let (ours, host) = shown_for_write(changes, data);
        assert_eq!(ours, host, "{name}");
    }
}

#[test]
fn switching_canonical_mode_keeps_queued_input() {
    let mut l = Ldisc::default();
    l.receive(b"part");
    assert!(!l.readable(1));
    let mut t = l.termios;
    t.c_lflag &= !libc::ICANON;
    l.set_termios(t);
    assert_eq!(l.available(), 4);
    t.c_lflag |= libc::ICANON;
    l.set_termios(t);
    let mut buf = [0u8; 16];
    assert_eq!(l.read(&mut buf), (4, true));
}

#[test]
fn a_full_line_still_takes_its_end() {
    let mut l = Ldisc::new(settings(&[L(libc::ECHO, false)]));
    let long = vec![b'x'; INPUT_MAX + 10];
    assert_eq!(l.receive(&long).taken, long.len());
    l.receive(b"\r");
    let mut buf = vec![0u8; 8192];
    let (n, ended) = l.read(&mut buf);
    assert!(ended && n == INPUT_MAX && buf[n - 1] == b'\n', "{n}");
}
