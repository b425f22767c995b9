//! Where a host thread's thread-local block lies: the platform's
//! (`platform::tls`; glibc's static TLS on Linux).

pub use crate::platform::tls::*;
