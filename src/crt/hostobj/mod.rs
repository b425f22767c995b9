//! Objects the host C library allocates for a task.
//!
//! Everything else in `crt` lives in the arena, which fork copies. Some
//! objects come from the host C library instead, allocated with the host
//! allocator, which fork does not copy: after fork the parent and the child
//! would hold the same host pointer and both free it. Each such object gets
//! one of two treatments (docs/host-objects.md):
//! - a deep copy into the arena, when the object is plain data the guest
//!   only reads and frees (`getaddrinfo`'s list: [`addrinfo`], and
//!   `getifaddrs`': [`ifaddrs`]); fork then
//!   copies and relocates it like any guest memory;
//! - a reference count across fork, when only the host C library can use
//!   and free it (a compiled `regex_t`: [`refcount`]; an `iconv_t`, whose
//!   fork copy reopens its own: [`iconv`]).

pub mod addrinfo;
pub mod iconv;
pub mod ifaddrs;
pub mod refcount;

pub use refcount::{on_fork, release_task};
