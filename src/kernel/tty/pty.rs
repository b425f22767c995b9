//! Pseudo-terminal pairs: /dev/ptmx and /dev/pts/N.
//!
//! "A pseudoterminal is a pair of virtual character devices that provide a
//! bidirectional communication channel. One end is the master, the other
//! the slave. The slave end behaves exactly like a classical terminal ...
//! Data written to the master is presented to the slave as if typed, and
//! data written to the slave can be read from the master. Opening
//! /dev/ptmx gives a master whose slave is /dev/pts/N, locked until
//! unlockpt(3)" (pty(7), ptmx(4)).
//!
//! A [`Pty`] holds the slave's line discipline (its settings, the input
//! typed at it, and the processed output waiting for the master), the
//! window size, which session has it as controlling terminal and which
//! process group is in the foreground. Each open description of either
//! side is an [`End`]. Closing the last master hangs the terminal up: the
//! session leader gets SIGHUP and SIGCONT, the session loses it, slave
//! reads return end-of-file and writes fail with EIO. Closing the last
//! slave makes master reads fail with EIO once the output is drained.
//!
//! Lock order: the task table, then a pty's state. Signals the discipline
//! asks for (INTR, QUIT, SUSP, window changes) are sent after the state
//! lock is released.

use std::collections::BTreeMap;
use std::ffi::c_int;
use std::sync::{Arc, LazyLock, Weak};

use parking_lot::{Mutex, MutexGuard};

use super::ldisc::Ldisc;
use crate::kernel::block::Deadline;
use crate::kernel::dev::{node_stat, user, Device, DeviceFile, DirEntry};
use crate::kernel::task::{Pid, Task};
use crate::kernel::waitq::WaitQueue;
use crate::kernel::{Errno, KResult};

/// Output a slave may have waiting for its master before writes wait
/// (Linux's pty buffer limit).
pub const OUT_MAX: usize = 64 << 10;

/// Highest number of ptys at once (Linux's default kernel.pty.max).
const PTY_MAX: u32 = 4096;

/// Linux's device numbers: ptmx is 5:2, slaves are majors 136-143.
const PTMX_MAJOR: u32 = 5;
const PTMX_MINOR: u32 = 2;
const SLAVE_MAJOR: u32 = 136;
/// The "tty" group that owns terminals.
const TTY_GID: u32 = 5;

/// One pseudo-terminal pair.
#[derive(Debug)]
pub struct Pty {
    pub index: u32,
    state: Mutex<State>,
    queue: WaitQueue,
}

/// What a pty holds, under its lock.
#[derive(Debug)]
pub struct State {
    /// The slave's settings, input queue and output for the master.
    pub ldisc: Ldisc,
    pub winsize: libc::winsize,
    masters: usize,
    slaves: usize,
    /// Every slave description has closed since one was opened: master
    /// reads fail with EIO once the output is drained.
    slave_closed: bool,
    /// Slave opens fail with EIO until unlockpt.
    pub locked: bool,
    /// The master is gone: slave reads see end-of-file, writes EIO.
    pub hung_up: bool,
    /// The session whose controlling terminal this is, and its foreground
    /// process group.
    pub session: Option<Pid>,
    pub pgrp: Option<Pid>,
    /// A task has waited to read the slave (a bridge to a host terminal
    /// starts passing input on then, `bridge::Mode::Controlling`).
    pub reader_waiting: bool,
}

impl State {
    pub fn masters_open(&self) -> bool {
        self.masters > 0
    }
}

/// Which end a description is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Master,
    Slave,
}

static PTYS: LazyLock<Mutex<BTreeMap<u32, Weak<Pty>>>> = LazyLock::new(Default::default);

impl Pty {
    /// A new pair with the lowest free number, its master open once and its
    /// slave locked (posix_openpt).
    pub fn open_pair() -> KResult<Arc<Pty>> {
        let mut table = PTYS.lock();
        table.retain(|_, w| w.strong_count() > 0);
        let index = (0..PTY_MAX).find(|i| !table.contains_key(i)).ok_or(Errno::ENOSPC)?;
        let pty = Arc::new(Pty {
            index,
            state: Mutex::new(State {
                ldisc: Ldisc::default(),
                winsize: libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 },
                masters: 1,
                slaves: 0,
                slave_closed: false,
                locked: true,
                hung_up: false,
                session: None,
                pgrp: None,
                reader_waiting: false,
            }),
            queue: WaitQueue::new(),
        });
        table.insert(index, Arc::downgrade(&pty));
        Ok(pty)
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    pub fn queue(&self) -> &WaitQueue {
        &self.queue
    }

    pub fn slave_path(&self) -> String {
        format!("/dev/pts/{}", self.index)
    }

    /// Opens another slave description (open of /dev/pts/N, TIOCGPTPEER).
    pub fn open_slave(self: &Arc<Self>) -> KResult<End> {
        let mut s = self.lock();
        if s.locked || s.hung_up || s.masters == 0 {
            return Err(Errno::EIO);
        }
        s.slaves += 1;
        s.slave_closed = false;
        Ok(End { pty: self.clone(), side: Side::Slave })
    }

    // ------------------------------------------------------- master side

    /// Feeds typed bytes to the slave without waiting: returns how many
    /// the input queue took. Signals for the foreground group go out.
    pub fn input(&self, bytes: &[u8]) -> usize {
        let (taken, signals, pgrp) = {
            let mut s = self.lock();
            let r = s.ldisc.receive(bytes);
            (r.taken, r.signals, s.pgrp)
        };
        self.queue.wake_all();
        if let Some(pg) = pgrp {
            if !signals.is_empty() {
                let mut t = crate::kernel::task::table::lock();
                for sig in signals {
                    crate::kernel::signal::send::send_group(&mut t, pg, sig);
                }
            }
        }
        taken
    }

    /// Takes up to `max` bytes of the slave's output without waiting.
    pub fn output(&self, max: usize) -> Vec<u8> {
        let out: Vec<u8> = {
            let mut s = self.lock();
            let n = max.min(s.ldisc.out.len());
            s.ldisc.out.drain(..n).collect()
        };
        if !out.is_empty() {
            self.queue.wake_all();
        }
        out
    }

    /// Whether a master read would return at once (data, or EIO).
    pub fn master_readable(&self) -> bool {
        let s = self.lock();
        !s.ldisc.out.is_empty() || s.slave_closed
    }

    /// Sets the window size; a change sends SIGWINCH to the foreground
    /// process group (TIOCSWINSZ from either side).
    pub fn set_winsize(&self, ws: libc::winsize) {
        let pgrp = {
            let mut s = self.lock();
            let same = s.winsize.ws_row == ws.ws_row
                && s.winsize.ws_col == ws.ws_col
                && s.winsize.ws_xpixel == ws.ws_xpixel
                && s.winsize.ws_ypixel == ws.ws_ypixel;
            s.winsize = ws;
            if same {
                None
            } else {
                s.pgrp
            }
        };
        if let Some(pg) = pgrp {
            let mut t = crate::kernel::task::table::lock();
            crate::kernel::signal::send::send_group(&mut t, pg, libc::SIGWINCH);
        }
    }

    /// The master side's close, for the last master: hangs up.
    fn hang_up(&self) {
        let (session, slaves) = {
            let mut s = self.lock();
            s.hung_up = true;
            let session = s.session.take();
            s.pgrp = None;
            (session, s.slaves)
        };
        let _ = slaves;
        self.queue.wake_all();
        if let Some(sid) = session {
            super::ctty::hang_up_session(self, sid);
        }
    }
}

/// An open description of one end of a pty.
#[derive(Debug)]
pub struct End {
    pub pty: Arc<Pty>,
    pub side: Side,
}

impl Drop for End {
    fn drop(&mut self) {
        let last_master = {
            let mut s = self.pty.lock();
            match self.side {
                Side::Master => {
                    s.masters -= 1;
                    s.masters == 0
                }
                Side::Slave => {
                    s.slaves -= 1;
                    if s.slaves == 0 {
                        s.slave_closed = true;
                    }
                    false
                }
            }
        };
        if last_master {
            self.pty.hang_up();
        }
        self.pty.queue.wake_all();
    }
}

impl End {
    /// A new master (open of /dev/ptmx).
    pub fn new_master() -> KResult<End> {
        Ok(End { pty: Pty::open_pair()?, side: Side::Master })
    }

    fn master_read(&self, task: &Task, buf: &mut [u8], nonblock: bool) -> KResult<usize> {
        loop {
            {
                let mut s = self.pty.lock();
                if !s.ldisc.out.is_empty() {
                    let n = buf.len().min(s.ldisc.out.len());
                    for (d, c) in buf.iter_mut().zip(s.ldisc.out.drain(..n)) {
                        *d = c;
                    }
                    drop(s);
                    self.pty.queue.wake_all();
                    return Ok(n);
                }
                if s.slave_closed {
                    return Err(Errno::EIO);
                }
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            self.pty.queue.wait_until(task, Deadline::Never, || self.pty.master_readable())?;
        }
    }

    fn master_write(&self, task: &Task, buf: &[u8], nonblock: bool) -> KResult<usize> {
        let mut done = 0;
        loop {
            done += self.pty.input(&buf[done..]);
            if done == buf.len() {
                return Ok(done);
            }
            if nonblock {
                return if done > 0 { Ok(done) } else { Err(Errno::EAGAIN) };
            }
            let room = || self.pty.lock().ldisc.input_room() > 0;
            if let Err(e) = self.pty.queue.wait_until(task, Deadline::Never, room) {
                return if done > 0 { Ok(done) } else { Err(e) };
            }
        }
    }

    fn slave_read(&self, task: &Task, buf: &mut [u8], nonblock: bool) -> KResult<usize> {
        super::ctty::check_read(task, &self.pty)?;
        if buf.is_empty() {
            return Ok(0);
        }
        let (canon, vmin, vtime) = {
            let s = self.pty.lock();
            let cc = &s.ldisc.termios.c_cc;
            (s.ldisc.canonical(), usize::from(cc[libc::VMIN]), u64::from(cc[libc::VTIME]))
        };
        // n_tty's rules: canonical mode returns a line; otherwise MIN bytes
        // with TIME as the gap allowed between them (MIN > 0), or whatever
        // arrives within TIME (MIN = 0).
        let (minimum, mut deadline, gap) = if canon {
            (1, Deadline::Never, None)
        } else if vmin > 0 {
            (vmin, Deadline::Never, (vtime > 0).then(|| std::time::Duration::from_millis(vtime * 100)))
        } else {
            (1, Deadline::after(Some(std::time::Duration::from_millis(vtime * 100))), None)
        };
        let mut got = 0;
        loop {
            {
                let mut s = self.pty.lock();
                if s.hung_up && !s.ldisc.readable(1) {
                    return Ok(got);
                }
                if s.ldisc.readable(1) {
                    let (n, _) = s.ldisc.read(&mut buf[got..]);
                    drop(s);
                    self.pty.queue.wake_all();
                    got += n;
                    if canon || got >= minimum || got == buf.len() {
                        return Ok(got);
                    }
                    if let Some(g) = gap {
                        deadline = Deadline::after(Some(g));
                    }
                    continue;
                }
            }
            if !canon && vmin == 0 && vtime == 0 {
                return Ok(got);
            }
            if nonblock {
                return if got > 0 { Ok(got) } else { Err(Errno::EAGAIN) };
            }
            self.wants_input();
            let ready = || {
                let s = self.pty.lock();
                s.ldisc.readable(1) || s.hung_up
            };
            match self.pty.queue.wait_until(task, deadline, ready) {
                Ok(true) => {}
                Ok(false) => return Ok(got),
                Err(e) => return if got > 0 { Ok(got) } else { Err(e) },
            }
        }
    }

    fn slave_write(&self, task: &Task, buf: &[u8], nonblock: bool) -> KResult<usize> {
        super::ctty::check_write(task, &self.pty)?;
        let mut done = 0;
        loop {
            {
                let mut s = self.pty.lock();
                if s.hung_up || s.masters == 0 {
                    return if done > 0 { Ok(done) } else { Err(Errno::EIO) };
                }
                let room = OUT_MAX.saturating_sub(s.ldisc.out.len());
                if !s.ldisc.stopped && room > 0 {
                    let n = room.min(buf.len() - done);
                    s.ldisc.write(&buf[done..done + n]);
                    done += n;
                    drop(s);
                    self.pty.queue.wake_all();
                    if done == buf.len() {
                        return Ok(done);
                    }
                    continue;
                }
            }
            if nonblock {
                return if done > 0 { Ok(done) } else { Err(Errno::EAGAIN) };
            }
            let room = || {
                let s = self.pty.lock();
                (!s.ldisc.stopped && s.ldisc.out.len() < OUT_MAX) || s.hung_up || s.masters == 0
            };
            if let Err(e) = self.pty.queue.wait_until(task, Deadline::Never, room) {
                return if done > 0 { Ok(done) } else { Err(e) };
            }
        }
    }
}

impl End {
    /// Notes that a reader waits for input (once: it wakes a bridge).
    fn wants_input(&self) {
        let first = {
            let mut s = self.pty.lock();
            !std::mem::replace(&mut s.reader_waiting, true)
        };
        if first {
            self.pty.queue.wake_all();
        }
    }
}

impl DeviceFile for End {
    fn read(&self, task: &Task, buf: &mut [u8], nonblock: bool) -> KResult<usize> {
        match self.side {
            Side::Master => self.master_read(task, buf, nonblock),
            Side::Slave => self.slave_read(task, buf, nonblock),
        }
    }

    fn write(&self, task: &Task, buf: &[u8], nonblock: bool) -> KResult<usize> {
        match self.side {
            Side::Master => self.master_write(task, buf, nonblock),
            Side::Slave => self.slave_write(task, buf, nonblock),
        }
    }

    fn poll(&self, events: i16) -> i16 {
        let s = self.pty.lock();
        let mut r = 0;
        match self.side {
            Side::Master => {
                if !s.ldisc.out.is_empty() {
                    r |= libc::POLLIN | libc::POLLRDNORM;
                }
                if s.slave_closed {
                    r |= libc::POLLHUP;
                }
                if s.ldisc.input_room() > 0 {
                    r |= libc::POLLOUT | libc::POLLWRNORM;
                }
            }
            Side::Slave => {
                if events & libc::POLLIN != 0 && !s.reader_waiting {
                    drop(s);
                    self.wants_input();
                    return self.poll(events);
                }
                if s.hung_up {
                    return (libc::POLLIN | libc::POLLOUT | libc::POLLRDNORM | libc::POLLWRNORM) & events
                        | libc::POLLERR
                        | libc::POLLHUP;
                }
                let cc = &s.ldisc.termios.c_cc;
                let min = if cc[libc::VTIME] == 0 && cc[libc::VMIN] > 0 { usize::from(cc[libc::VMIN]) } else { 1 };
                if s.ldisc.readable(min) {
                    r |= libc::POLLIN | libc::POLLRDNORM;
                }
                if !s.ldisc.stopped && s.ldisc.out.len() < OUT_MAX {
                    r |= libc::POLLOUT | libc::POLLWRNORM;
                }
            }
        }
        r & (events | libc::POLLHUP | libc::POLLERR)
    }

    fn queue(&self) -> &WaitQueue {
        &self.pty.queue
    }

    unsafe fn ioctl(&self, task: &Task, req: libc::c_ulong, arg: *mut libc::c_void) -> KResult<c_int> {
        // SAFETY: per the caller, `arg` is what `req` expects.
        unsafe { super::ioctl::ioctl(self, task, req, arg) }
    }

    fn stat(&self) -> libc::stat {
        match self.side {
            Side::Master => node_stat(libc::S_IFCHR, 0o666, PTMX_MAJOR, PTMX_MINOR, 0, 0),
            Side::Slave => slave_stat(self.pty.index),
        }
    }

    fn path(&self) -> String {
        match self.side {
            Side::Master => "/dev/ptmx".into(),
            Side::Slave => self.pty.slave_path(),
        }
    }

    fn terminal(&self) -> Option<&End> {
        Some(self)
    }
}

fn slave_stat(index: u32) -> libc::stat {
    let (uid, _) = user();
    node_stat(libc::S_IFCHR, 0o620, SLAVE_MAJOR + index / 256, index % 256, uid, TTY_GID)
}

/// /dev/ptmx: every open makes a new pair.
struct Ptmx;

impl Device for Ptmx {
    fn open(&self, _task: &Task, _flags: c_int) -> KResult<Box<dyn DeviceFile>> {
        Ok(Box::new(End::new_master()?))
    }

    fn stat(&self) -> libc::stat {
        node_stat(libc::S_IFCHR, 0o666, PTMX_MAJOR, PTMX_MINOR, 0, 0)
    }
}

/// /dev/pts/N.
struct SlaveNode(Arc<Pty>);

impl Device for SlaveNode {
    fn open(&self, task: &Task, flags: c_int) -> KResult<Box<dyn DeviceFile>> {
        let end = self.0.open_slave()?;
        if flags & libc::O_NOCTTY == 0 {
            super::ctty::acquire_on_open(task, &self.0);
        }
        Ok(Box::new(end))
    }

    fn stat(&self) -> libc::stat {
        slave_stat(self.0.index)
    }
}

/// The pty numbered by `name` whose master is open.
fn live(name: &str) -> Option<Arc<Pty>> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    let index: u32 = name.parse().ok()?;
    let pty = PTYS.lock().get(&index)?.upgrade()?;
    let open = pty.lock().masters > 0;
    open.then_some(pty)
}

/// The node /dev/pts/`name`, while its master is open.
pub fn slave_node(name: &str) -> Option<Arc<dyn Device>> {
    live(name).map(|p| Arc::new(SlaveNode(p)) as Arc<dyn Device>)
}

/// The live terminals, as /dev/pts lists them.
pub fn entries() -> Vec<DirEntry> {
    let ptys: Vec<Arc<Pty>> = PTYS.lock().values().filter_map(Weak::upgrade).collect();
    ptys.iter()
        .filter(|p| p.lock().masters > 0)
        .map(|p| DirEntry { name: p.index.to_string(), ino: slave_stat(p.index).st_ino, kind: libc::DT_CHR })
        .collect()
}

/// Registers /dev/ptmx (and /dev/tty, see `ctty`).
pub fn register_devices() {
    let _ = crate::kernel::dev::register("/dev/ptmx", Arc::new(Ptmx));
}
