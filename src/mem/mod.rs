//! Guest memory: the stacks tasks run on and the heap their images own.

pub mod image_heap;
pub mod stack;

pub use image_heap::ImageHeap;
pub use stack::GuestStack;
