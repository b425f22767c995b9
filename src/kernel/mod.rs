//! The kernel objects: tasks, file descriptions, the filesystem view, and
//! the plumbing that lets a task block without burning CPU.
//!
//! Everything here returns `KResult<T>`; turning an error into `-1` + errno
//! happens once, at the C boundary in `abi/`.
//!
//! Lock order (outer first): the task table (`task::table`), then a task's
//! own locks (`files`, `fs`, `signals`, `image`), then an open file's locks.
//! No lock is held while a task blocks.

pub mod block;
pub mod boot;
pub mod dev;
pub mod fd;
pub mod fs;
pub mod proc;
pub mod signal;
pub mod task;
pub mod tty;
pub mod waitq;
pub mod wake;

pub use nix::errno::Errno;

/// The result of a kernel operation: a value or the errno Unix would give.
pub type KResult<T> = Result<T, Errno>;

/// Turns a host libc return value into a `KResult`, reading errno on `-1`.
pub fn host<T: nix::errno::ErrnoSentinel + PartialEq<T>>(r: T) -> KResult<T> {
    Errno::result(r)
}
