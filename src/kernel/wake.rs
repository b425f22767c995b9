//! A task's wake-up handle.
//!
//! Every blocking wait in the runtime polls the host file descriptors it is
//! interested in *plus* the waiting task's wake-up handle. Anything that may
//! change what a blocked task is waiting for (a child's exit, a signal) marks
//! the handle, the task's poll returns, and the task re-checks its
//! condition. The handle is level-triggered and carries no payload, so a
//! wake-up sent before the task sleeps is never lost, and waiters always
//! re-check their condition after clearing it. Nothing ever spins.

/// A level-triggered, coalescing wake-up flag backed by a host descriptor
/// (an eventfd on Linux, a non-blocking pipe on Darwin: `platform`).
pub use crate::platform::Waker;
