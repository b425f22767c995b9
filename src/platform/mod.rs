//! What differs between the host platforms, behind one boundary.
//!
//! Linux (glibc; x86-64 and aarch64) is what the runtime was built on and
//! is tested on. Darwin (macOS and iOS, arm64) is compiled only (`cargo
//! check`), never run: docs/platforms.md, "Darwin", says what each part
//! does there and what is missing.
//!
//! Each platform module provides the same items:
//! - `c`: the host C library's names as the runtime spells them (Linux's);
//!   on Darwin, each Linux-only name maps to Darwin's equivalent, or to a
//!   value no Darwin caller can pass, or to a function that emulates it;
//! - signal frames: [`interrupted_pc`], [`interrupted_sp`], [`fault_addr`],
//!   and [`write_siginfo`] (a `SigInfo` in the platform's `siginfo_t`);
//! - [`thread_pointer`], and `tls` (the span of a thread's block that fork
//!   relocates, and the guest globals' pages: static TLS on Linux; on
//!   Darwin the globals are emulated thread-locals in the arena,
//!   `mem::emutls`);
//! - [`Waker`] (eventfd on Linux, a pipe on Darwin) and [`poll`];
//! - [`RetryTimer`], the per-thread one-shot timer of the host signal;
//! - [`host_signal`], the signal that reaches a task running guest code;
//! - thread CPU time ([`thread_cpu_time`], [`this_thread_usage`]);
//! - memory: [`discard`] (pages that read as zero again), [`populate`];
//! - paths the kernel gives for free on Linux: [`own_exe`], [`fd_path`];
//! - [`machine_file`]: /proc's machine files (the host's on Linux, made
//!   from sysctl and the Mach host calls on Darwin).

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::*;

#[cfg(target_vendor = "apple")]
mod darwin;
#[cfg(target_vendor = "apple")]
pub use darwin::*;

#[cfg(not(any(target_os = "linux", target_vendor = "apple")))]
compile_error!("forkless runs on Linux (glibc) and compiles for Darwin (macOS, iOS); see src/platform/");
