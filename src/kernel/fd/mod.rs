//! File descriptors and open file descriptions.
//!
//! "An open file description records the file offset and the file status
//! flags; a file descriptor is a reference to one. dup() and fork() make
//! descriptors that share a description; FD_CLOEXEC belongs to the
//! descriptor" (open(2), fcntl(2)). [`FdTable`] is a task's descriptor table;
//! [`OpenFile`] is a description, shared through `Arc` between tables and
//! slots. Every description wraps one host descriptor.

pub mod file;
pub mod inotify;
pub mod ops;
pub mod pipe;
pub mod poll;
pub mod socket;
pub mod table;

pub use file::{Kind, OpenFile};
pub use table::{FdTable, Slot};
