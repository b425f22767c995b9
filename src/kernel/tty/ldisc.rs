//! The line discipline: what a terminal does between the bytes typed at it
//! and the bytes a program reads, and between what a program writes and
//! what the terminal shows.
//!
//! "In canonical mode input is made available line by line ... line
//! editing is enabled (ERASE, KILL, and, with IEXTEN, WERASE, REPRINT and
//! LNEXT); ISIG makes INTR, QUIT and SUSP generate SIGINT, SIGQUIT and
//! SIGTSTP ... ECHO echoes input characters; ECHOCTL echoes control
//! characters as ^X; ECHOE lets ERASE erase the preceding character on the
//! screen; OPOST enables output processing, ONLCR maps NL to CR-NL"
//! (termios(3)).
//!
//! Linux's n_tty is the reference for every byte: the order of echo and
//! output, tab erasure by columns, ^X echoes, the `/` that closes an
//! ECHOPRT erasure. `tests` compare this discipline with a host
//! pseudo-terminal fed the same input under the same flags.
//!
//! Input that has arrived waits in one queue: the part before `canon_end`
//! is complete lines (readable in canonical mode); the rest is the line
//! still being edited. A line ends at a byte flagged as a line end; EOF
//! ends a line with a flagged byte that is never delivered, so EOF at the
//! start of a line reads as end-of-file. Echoes and program output go
//! through the same output processing into `out`, what the terminal's
//! master side reads.

use crate::platform::c as libc;
use std::collections::VecDeque;

use libc::termios;

use super::termios::{slave_default, DISABLED};

/// Bytes a line may hold (Linux's N_TTY_BUF_SIZE, less one).
pub const INPUT_MAX: usize = 4095;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    Plain,
    /// The last byte of a line (newline, EOL, EOL2, or a pushed line).
    LineEnd,
    /// An EOF character: ends the line and is not delivered.
    Eof,
}

/// What receiving input asks of the terminal around the discipline.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Bytes of the input taken (the rest did not fit).
    pub taken: usize,
    /// Signals for the foreground process group, in order.
    pub signals: Vec<libc::c_int>,
}

/// One terminal's line discipline and settings.
#[derive(Debug)]
pub struct Ldisc {
    pub termios: termios,
    input: VecDeque<(u8, Flag)>,
    /// Bytes at the front of `input` that form complete lines.
    canon_end: usize,
    /// The next byte is taken literally (LNEXT).
    lnext: bool,
    /// Inside an ECHOPRT erasure (between `\` and `/`).
    erasing: bool,
    /// The output column, for tabs and erasure.
    column: usize,
    /// The column where the current line's first echoed byte went.
    canon_column: usize,
    /// Output stopped by STOP (IXON) until START.
    pub stopped: bool,
    /// What the terminal shows: echoes and processed output.
    pub out: VecDeque<u8>,
    /// Where this batch of input's echoes start in `out`: a signal
    /// character discards the echoes of its own batch, as n_tty clears
    /// its echo buffer (output already shown stays shown).
    batch_start: usize,
}

/// Character classes as the kernel's ctype has them (Latin-1 letters are
/// alphanumeric; bytes 128-159 are nothing).
fn is_cntrl(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric() || (c >= 0xc0 && c != 0xd7 && c != 0xf7)
}

impl Default for Ldisc {
    fn default() -> Self {
        Ldisc::new(slave_default())
    }
}

impl Ldisc {
    pub fn new(termios: termios) -> Ldisc {
        Ldisc {
            termios,
            input: VecDeque::new(),
            canon_end: 0,
            lnext: false,
            erasing: false,
            column: 0,
            canon_column: 0,
            stopped: false,
            out: VecDeque::new(),
            batch_start: 0,
        }
    }

    fn i(&self, f: libc::tcflag_t) -> bool {
        self.termios.c_iflag & f != 0
    }
    fn o(&self, f: libc::tcflag_t) -> bool {
        self.termios.c_oflag & f != 0
    }
    fn l(&self, f: libc::tcflag_t) -> bool {
        self.termios.c_lflag & f != 0
    }
    /// Whether `c` is control character `idx` (a disabled one never is).
    fn is(&self, c: u8, idx: usize) -> bool {
        let cc = self.termios.c_cc[idx];
        cc != DISABLED && c == cc
    }
    pub fn canonical(&self) -> bool {
        self.l(libc::ICANON)
    }

    /// Changes the settings, as tcsetattr does: switching canonical mode
    /// on or off re-divides what is queued (n_tty: off makes everything
    /// readable; on makes what is queued one readable line).
    pub fn set_termios(&mut self, mut t: termios) {
        super::termios::sync_speeds(&mut t);
        let was = self.canonical();
        self.termios = t;
        if was != self.canonical() {
            self.erasing = false;
            self.lnext = false;
            if self.canonical() && !self.input.is_empty() {
                let last = self.input.len() - 1;
                if self.input[last].1 == Flag::Plain {
                    self.input[last].1 = Flag::LineEnd;
                }
            }
            self.canon_end = if self.canonical() { self.input.len() } else { 0 };
        }
        if !self.i(libc::IXON) && self.stopped {
            self.stopped = false;
        }
    }

    /// Discards queued input (tcflush TCIFLUSH, ISIG).
    pub fn flush_input(&mut self) {
        self.input.clear();
        self.canon_end = 0;
        self.lnext = false;
        self.erasing = false;
    }

    /// Whether a read would find something: a complete line in canonical
    /// mode, at least `min` bytes otherwise.
    pub fn readable(&self, min: usize) -> bool {
        if self.canonical() {
            self.canon_end > 0
        } else {
            self.input.len() >= min.max(1)
        }
    }

    /// Bytes a read could return now (FIONREAD): in canonical mode those of
    /// complete lines, EOF markers not counted.
    pub fn available(&self) -> usize {
        if self.canonical() {
            self.input.iter().take(self.canon_end).filter(|(_, f)| *f != Flag::Eof).count()
        } else {
            self.input.len()
        }
    }

    /// Room for more input.
    pub fn input_room(&self) -> usize {
        INPUT_MAX.saturating_sub(self.input.len())
    }

    /// Takes up to `buf.len()` bytes for a reader: in canonical mode at
    /// most one line (its EOF marker is not copied; a line that is only
    /// an EOF marker reads as 0 bytes). Returns the count copied and
    /// whether a line ended (canonical mode).
    pub fn read(&mut self, buf: &mut [u8]) -> (usize, bool) {
        if buf.is_empty() {
            return (0, false);
        }
        if !self.canonical() {
            let n = buf.len().min(self.input.len());
            for (d, (c, _)) in buf.iter_mut().zip(self.input.drain(..n)) {
                *d = c;
            }
            return (n, false);
        }
        let avail = buf.len().min(self.canon_end);
        let end = self.input.iter().take(avail).position(|(_, f)| *f != Flag::Plain);
        let (take, copy) = match end {
            Some(e) if self.input[e].1 == Flag::Eof => (e + 1, e),
            Some(e) => (e + 1, e + 1),
            None => (avail, avail),
        };
        for (d, (c, _)) in buf.iter_mut().zip(self.input.iter().take(copy)) {
            *d = *c;
        }
        // A line cut short by the reader's buffer, whose next byte is its
        // EOF marker, ends here: n_tty looks one byte past the buffer.
        let take =
            if end.is_none() && self.input.get(take).is_some_and(|(_, f)| *f == Flag::Eof) { take + 1 } else { take };
        self.input.drain(..take);
        self.canon_end -= take;
        (copy, end.is_some() || take > copy)
    }

    // ---------------------------------------------------------- output side

    /// One byte through output processing (OPOST and its flags) into
    /// `out`, keeping the column.
    fn out_char(&mut self, c: u8) {
        if !self.o(libc::OPOST) {
            self.out.push_back(c);
            return;
        }
        let mut c = c;
        match c {
            b'\n' => {
                if self.o(libc::ONLRET) {
                    self.column = 0;
                }
                if self.o(libc::ONLCR) {
                    self.column = 0;
                    self.canon_column = 0;
                    self.out.extend(b"\r\n");
                    return;
                }
                self.canon_column = self.column;
            }
            b'\r' => {
                if self.o(libc::ONOCR) && self.column == 0 {
                    return;
                }
                if self.o(libc::OCRNL) {
                    c = b'\n';
                    if self.o(libc::ONLRET) {
                        self.column = 0;
                        self.canon_column = 0;
                    }
                } else {
                    self.column = 0;
                    self.canon_column = 0;
                }
            }
            b'\t' => {
                let spaces = 8 - (self.column & 7);
                self.column += spaces;
                if self.termios.c_oflag & libc::TABDLY == libc::XTABS {
                    self.out.extend(std::iter::repeat_n(b' ', spaces));
                    return;
                }
            }
            8 => self.column = self.column.saturating_sub(1),
            _ => {
                if !is_cntrl(c) {
                    if self.o(libc::OLCUC) {
                        c = c.to_ascii_uppercase();
                    }
                    if !self.continuation(c) {
                        self.column += 1;
                    }
                }
            }
        }
        self.out.push_back(c);
    }

    fn continuation(&self, c: u8) -> bool {
        self.i(libc::IUTF8) && c & 0xc0 == 0x80
    }

    /// What a program writes, processed for the terminal.
    pub fn write(&mut self, buf: &[u8]) {
        for &c in buf {
            self.out_char(c);
        }
    }

    /// Echoes `c` as typed: a control character as `^X` under ECHOCTL.
    fn echo(&mut self, c: u8) {
        if self.l(libc::ECHOCTL) && is_cntrl(c) && c != b'\t' {
            self.out.extend([b'^', c ^ 0o100]);
            self.column += 2;
        } else {
            self.out_char(c);
        }
    }

    /// Echoes the first byte of a line: its column is where the line
    /// starts, for tab erasure.
    fn echo_first_or_not(&mut self, c: u8) {
        if self.canon_end == self.input.len() {
            self.canon_column = self.column;
        }
        self.echo(c);
    }

    fn finish_erasing(&mut self) {
        if self.erasing {
            self.out_char(b'/');
            self.erasing = false;
        }
    }

    // ----------------------------------------------------------- input side

    /// Feeds what was typed: line editing, signals, echo. Takes as much as
    /// there is room for; the rest waits for a reader. A canonical line
    /// that fills the queue alone goes on taking input, each byte in place
    /// of the last (n_tty's overflow), so ERASE and the line's end still
    /// work.
    pub fn receive(&mut self, bytes: &[u8]) -> Received {
        let mut r = Received::default();
        self.batch_start = self.out.len();
        for &c in bytes {
            if self.input.len() >= INPUT_MAX {
                if !(self.canonical() && self.canon_end == 0) {
                    break;
                }
                self.input.pop_back();
            }
            r.taken += 1;
            self.receive_char(c, &mut r.signals);
        }
        r
    }

    /// Whether `c` needs more than queueing and echo (n_tty's char map).
    fn special(&self, c: u8) -> bool {
        let t = &self.termios;
        let canon = t.c_lflag & libc::ICANON != 0;
        let iexten = t.c_lflag & libc::IEXTEN != 0;
        (c == b'\r' && self.i(libc::IGNCR | libc::ICRNL))
            || (c == b'\n' && (self.i(libc::INLCR) || canon))
            || (canon
                && (self.is(c, libc::VERASE)
                    || self.is(c, libc::VKILL)
                    || self.is(c, libc::VEOF)
                    || self.is(c, libc::VEOL)))
            || (canon
                && iexten
                && (self.is(c, libc::VWERASE)
                    || self.is(c, libc::VLNEXT)
                    || self.is(c, libc::VEOL2)
                    || (self.l(libc::ECHO) && self.is(c, libc::VREPRINT))))
            || (self.i(libc::IXON) && (self.is(c, libc::VSTART) || self.is(c, libc::VSTOP)))
            || (self.l(libc::ISIG) && (self.is(c, libc::VINTR) || self.is(c, libc::VQUIT) || self.is(c, libc::VSUSP)))
    }

    fn receive_char(&mut self, c: u8, signals: &mut Vec<libc::c_int>) {
        let mut c = c;
        if self.i(libc::ISTRIP) {
            c &= 0x7f;
        }
        if self.i(libc::IUCLC) && self.l(libc::IEXTEN) {
            c = c.to_ascii_lowercase();
        }
        if self.lnext {
            self.lnext = false;
            self.plain(c);
            return;
        }
        if self.special(c) {
            self.special_char(c, signals);
        } else {
            self.plain(c);
        }
    }

    /// A byte with no special meaning: echoed and queued.
    fn plain(&mut self, c: u8) {
        self.restart_on_any();
        if self.l(libc::ECHO) {
            self.finish_erasing();
            self.echo_first_or_not(c);
        }
        self.queue(c, Flag::Plain);
    }

    fn queue(&mut self, c: u8, flag: Flag) {
        self.input.push_back((c, flag));
    }

    /// IXANY: any input restarts stopped output.
    fn restart_on_any(&mut self) {
        if self.stopped && self.i(libc::IXON) && self.i(libc::IXANY) {
            self.stopped = false;
        }
    }

    fn special_char(&mut self, c: u8, signals: &mut Vec<libc::c_int>) {
        if self.i(libc::IXON) {
            if self.is(c, libc::VSTART) {
                self.stopped = false;
                return;
            }
            if self.is(c, libc::VSTOP) {
                self.stopped = true;
                return;
            }
        }
        if self.l(libc::ISIG) {
            for (idx, sig) in [(libc::VINTR, libc::SIGINT), (libc::VQUIT, libc::SIGQUIT), (libc::VSUSP, libc::SIGTSTP)]
            {
                if self.is(c, idx) {
                    signals.push(sig);
                    if !self.l(libc::NOFLSH) {
                        self.out.truncate(self.batch_start.min(self.out.len()));
                        self.flush_input();
                    }
                    if self.i(libc::IXON) {
                        self.stopped = false;
                    }
                    if self.l(libc::ECHO) {
                        self.echo(c);
                    }
                    return;
                }
            }
        }
        self.restart_on_any();
        let mut c = c;
        if c == b'\r' {
            if self.i(libc::IGNCR) {
                return;
            }
            if self.i(libc::ICRNL) {
                c = b'\n';
            }
        } else if c == b'\n' && self.i(libc::INLCR) {
            c = b'\r';
        }
        if self.canonical() {
            let iexten = self.l(libc::IEXTEN);
            if self.is(c, libc::VERASE) || self.is(c, libc::VKILL) || (iexten && self.is(c, libc::VWERASE)) {
                self.erase(c);
                return;
            }
            if iexten && self.is(c, libc::VLNEXT) {
                self.lnext = true;
                if self.l(libc::ECHO) {
                    self.finish_erasing();
                    if self.l(libc::ECHOCTL) {
                        self.out_char(b'^');
                        self.out_char(8);
                    }
                }
                return;
            }
            if iexten && self.l(libc::ECHO) && self.is(c, libc::VREPRINT) {
                self.finish_erasing();
                self.echo(c);
                self.out_char(b'\n');
                let line: Vec<u8> = self.input.iter().skip(self.canon_end).map(|(b, _)| *b).collect();
                for b in line {
                    self.echo(b);
                }
                return;
            }
            if c == b'\n' {
                if self.l(libc::ECHO) || self.l(libc::ECHONL) {
                    self.out_char(b'\n');
                }
                self.end_line(c, Flag::LineEnd);
                return;
            }
            if self.is(c, libc::VEOF) {
                self.end_line(DISABLED, Flag::Eof);
                return;
            }
            if self.is(c, libc::VEOL) || (iexten && self.is(c, libc::VEOL2)) {
                if self.l(libc::ECHO) {
                    self.echo_first_or_not(c);
                }
                self.end_line(c, Flag::LineEnd);
                return;
            }
        }
        if self.l(libc::ECHO) {
            self.finish_erasing();
            if c == b'\n' {
                self.out_char(b'\n');
            } else {
                self.echo_first_or_not(c);
            }
        }
        self.queue(c, Flag::Plain);
    }

    fn end_line(&mut self, c: u8, flag: Flag) {
        self.queue(c, flag);
        self.canon_end = self.input.len();
    }

    /// ERASE, WERASE and KILL on the line being edited.
    fn erase(&mut self, c: u8) {
        if self.input.len() == self.canon_end {
            return;
        }
        #[derive(PartialEq)]
        enum Kind {
            Erase,
            Werase,
            Kill,
        }
        let kind = if self.is(c, libc::VERASE) {
            Kind::Erase
        } else if self.is(c, libc::VWERASE) {
            Kind::Werase
        } else {
            if !self.l(libc::ECHO) {
                self.input.truncate(self.canon_end);
                return;
            }
            if !self.l(libc::ECHOK) || !self.l(libc::ECHOKE) || !self.l(libc::ECHOE) {
                self.input.truncate(self.canon_end);
                self.finish_erasing();
                self.echo(c);
                if self.l(libc::ECHOK) {
                    self.out_char(b'\n');
                }
                return;
            }
            Kind::Kill
        };
        let mut seen_alnums = 0;
        while self.input.len() > self.canon_end {
            // One character, however many bytes (IUTF8).
            let mut head = self.input.len();
            let mut ch;
            loop {
                head -= 1;
                ch = self.input[head].0;
                if !(self.continuation(ch) && head > self.canon_end) {
                    break;
                }
            }
            if self.continuation(ch) {
                break;
            }
            if kind == Kind::Werase {
                if is_alnum(ch) || ch == b'_' {
                    seen_alnums += 1;
                } else if seen_alnums > 0 {
                    break;
                }
            }
            let bytes: Vec<u8> = self.input.drain(head..).map(|(b, _)| b).collect();
            if self.l(libc::ECHO) {
                self.echo_erasure(kind == Kind::Erase, ch, &bytes, c);
            }
            if kind == Kind::Erase {
                break;
            }
        }
        if self.input.len() == self.canon_end && self.l(libc::ECHO) {
            self.finish_erasing();
        }
    }

    /// Shows that `ch` (its `bytes`) was erased.
    fn echo_erasure(&mut self, single: bool, ch: u8, bytes: &[u8], erase_char: u8) {
        if self.l(libc::ECHOPRT) {
            if !self.erasing {
                self.out_char(b'\\');
                self.erasing = true;
            }
            self.echo(ch);
            for &b in &bytes[1..] {
                self.out.push_back(b);
                self.column = self.column.saturating_sub(1);
            }
        } else if single && !self.l(libc::ECHOE) {
            self.echo(erase_char);
        } else if ch == b'\t' {
            self.erase_tab();
        } else {
            let cntrl = is_cntrl(ch);
            let ctl = self.l(libc::ECHOCTL);
            let times = usize::from(cntrl && ctl) + usize::from(!cntrl || ctl);
            for _ in 0..times {
                for b in [8, b' ', 8] {
                    self.out_char(b);
                }
            }
        }
    }

    /// Backs over an erased tab: as many columns as it took, counted from
    /// the previous tab or from where the line started.
    fn erase_tab(&mut self) {
        let mut cols = 0usize;
        let mut after_tab = false;
        for &(b, _) in self.input.iter().skip(self.canon_end).rev() {
            if b == b'\t' {
                after_tab = true;
                break;
            } else if is_cntrl(b) {
                if self.l(libc::ECHOCTL) {
                    cols += 2;
                }
            } else if !self.continuation(b) {
                cols += 1;
            }
        }
        if !after_tab {
            cols += self.canon_column;
        }
        let n = (8 - (cols & 7)).min(self.column);
        self.column -= n;
        self.out.extend(std::iter::repeat_n(8u8, n));
    }
}

#[cfg(test)]
mod tests;
