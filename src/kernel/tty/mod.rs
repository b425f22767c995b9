//! Terminals: the runtime's own pseudo-terminals, their line discipline,
//! controlling terminals for sessions and terminal job control. No host
//! pty is ever opened for a guest; `bridge` connects a host terminal to a
//! pty when forkless itself runs on one.

pub mod bridge;
pub mod ctty;
pub mod ioctl;
pub mod ldisc;
pub mod ops;
pub mod pty;
pub mod termios;

/// Registers /dev/ptmx and /dev/tty.
pub fn register_devices() {
    pty::register_devices();
    ctty::register_devices();
}
