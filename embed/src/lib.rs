//! The runtime as a C static library, `libforkless.a`: the embedding API
//! of `include/tvm.h` and every `tvm_*` entry point the guests call
//! (docs/embedding.md). Built on demand (`cargo build -p forkless-embed`),
//! not by the default build: bundling every crate and guest into one
//! archive costs about 30 s.

pub use tvm;
