//! tvm: a Unix process model inside one host process.
//!
//! Guest C programs (a shell, an SSH server, command-line tools) run as
//! tasks: virtual processes with their own pids, descriptor tables, working
//! directories, environments and signal state, each on a runtime-created
//! thread. README.md gives the picture; docs/ holds the design decisions
//! (docs/fork.md, docs/guest-build.md, docs/signals.md, ...).
//!
//! - `kernel`: tasks, descriptors, the filesystem view, blocking;
//! - `abi`: the C functions guests call, one module per C header;
//! - `arch`: CPU context switching;
//! - `mem`: guest stacks and image memory;
//! - `platform`: what differs between Linux and Darwin;
//! - `programs`: the program registry and built-in programs;
//! - `testkit`: the `test_tvm` runner.

#![deny(unsafe_op_in_unsafe_fn)]
// On Darwin, Linux-only flags are zero (`platform::c`), so masks with them
// are zero and some casts and transmutes written for glibc's types are
// no-ops there; the code is written for both.
#![cfg_attr(target_vendor = "apple", allow(clippy::bad_bit_mask, clippy::unnecessary_cast, clippy::useless_transmute))]

// The guest build's generated tables name this crate `::tvm`.
extern crate self as tvm;

pub mod abi;
pub mod arch;
pub mod crt;
pub mod kernel;
pub mod mem;
pub mod platform;
pub mod programs;
pub mod testkit;
