//! Guest memory: the stacks tasks run on and the heap their images own.

pub mod arena;
pub mod emutls;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod lane;
pub mod placement;
pub mod pool;
pub mod reloc;
pub mod stack;
pub mod stats;
pub mod tls;

pub use arena::Arena;
pub use stack::GuestStack;
