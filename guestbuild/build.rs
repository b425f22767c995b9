//! Gives the globals transform a version: a hash of its own source, so the
//! guest build's cache (src/cache.rs) redoes every unit when the transform
//! changes, and only then.

use std::hash::{DefaultHasher, Hash, Hasher};

fn main() {
    let file = "src/globals.rs";
    println!("cargo:rerun-if-changed={file}");
    let text = std::fs::read(file).expect("the transform's source is readable");
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    println!("cargo:rustc-env=GUESTBUILD_TRANSFORM_VERSION={:016x}", h.finish());
}
