//! Terminals: the runtime's own pseudo-terminals, their line discipline,
//! and controlling terminals for sessions. No host pty is ever opened for a
//! guest.

pub mod ldisc;
pub mod termios;
