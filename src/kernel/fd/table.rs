//! A task's descriptor table: small integers to shared descriptions.

use std::sync::Arc;

use super::OpenFile;
use crate::kernel::{Errno, KResult};

/// One open descriptor.
#[derive(Clone, Debug)]
pub struct Slot {
    pub file: Arc<OpenFile>,
    /// FD_CLOEXEC: closed by execve (and by posix_spawn's implied exec).
    pub cloexec: bool,
}

#[derive(Clone, Debug, Default)]
pub struct FdTable {
    slots: Vec<Option<Slot>>,
    /// RLIMIT_NOFILE: descriptors are always below this.
    limit: usize,
}

/// Descriptor limit when the host reports none usable.
pub const DEFAULT_LIMIT: usize = 1024;

impl FdTable {
    pub fn new(limit: usize) -> FdTable {
        FdTable { slots: Vec::new(), limit }
    }

    /// A table with no descriptors and no room for any (a finished task).
    pub fn empty() -> FdTable {
        FdTable::new(0)
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Changes the limit (setrlimit). Descriptors already open at or above
    /// it stay open, as on Linux; new ones are allocated below it.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    fn index(&self, fd: i32) -> KResult<usize> {
        usize::try_from(fd).map_err(|_| Errno::EBADF)
    }

    pub fn slot(&self, fd: i32) -> KResult<&Slot> {
        let i = self.index(fd)?;
        self.slots.get(i).and_then(Option::as_ref).ok_or(Errno::EBADF)
    }

    pub fn slot_mut(&mut self, fd: i32) -> KResult<&mut Slot> {
        let i = self.index(fd)?;
        self.slots.get_mut(i).and_then(Option::as_mut).ok_or(Errno::EBADF)
    }

    /// The description behind `fd`.
    pub fn get(&self, fd: i32) -> KResult<Arc<OpenFile>> {
        self.slot(fd).map(|s| s.file.clone())
    }

    /// Installs `file` at the lowest free descriptor >= `min` (EMFILE when
    /// none is below the limit; EINVAL when `min` itself is out of range, as
    /// F_DUPFD reports).
    pub fn install(&mut self, file: Arc<OpenFile>, cloexec: bool, min: i32) -> KResult<i32> {
        let min = usize::try_from(min).map_err(|_| Errno::EINVAL)?;
        if min >= self.limit {
            return Err(Errno::EINVAL);
        }
        let free = (min..self.limit).find(|&i| self.slots.get(i).is_none_or(Option::is_none));
        let i = free.ok_or(Errno::EMFILE)?;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        self.slots[i] = Some(Slot { file, cloexec });
        Ok(i as i32)
    }

    /// Puts `file` at exactly `fd`, returning what was there (dup2 semantics;
    /// EBADF when `fd` is outside the table's range).
    pub fn install_at(&mut self, fd: i32, file: Arc<OpenFile>, cloexec: bool) -> KResult<Option<Slot>> {
        let i = usize::try_from(fd).map_err(|_| Errno::EBADF)?;
        if i >= self.limit {
            return Err(Errno::EBADF);
        }
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        Ok(self.slots[i].replace(Slot { file, cloexec }))
    }

    /// Removes `fd`; the caller drops the slot after releasing the lock.
    pub fn remove(&mut self, fd: i32) -> KResult<Slot> {
        let i = self.index(fd)?;
        let slot = self.slots.get_mut(i).and_then(Option::take).ok_or(Errno::EBADF)?;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(slot)
    }

    /// Removes every FD_CLOEXEC descriptor (exec); returns them for dropping.
    pub fn take_cloexec(&mut self) -> Vec<Slot> {
        let mut out = Vec::new();
        for s in self.slots.iter_mut() {
            if s.as_ref().is_some_and(|s| s.cloexec) {
                out.extend(s.take());
            }
        }
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        out
    }

    /// Open descriptors in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = (i32, &Slot)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| (i as i32, s)))
    }

    pub fn count(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}
