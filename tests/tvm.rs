//! `cargo test` runs the whole test_tvm set through this target.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let status =
        Command::new(env!("CARGO_BIN_EXE_test_tvm")).args(std::env::args_os().skip(1)).status().expect("test_tvm runs");
    ExitCode::from(status.code().unwrap_or(1) as u8)
}
