//! include/tvm.h is what cbindgen makes of src/abi/tvm.rs.

use std::path::Path;

#[test]
fn tvm_h_is_generated_from_the_abi() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/abi/tvm.rs"))
        .generate()
        .expect("cbindgen parses src/abi/tvm.rs")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");
    let path = root.join("include/tvm.h");
    if std::env::var_os("UPDATE_TVM_H").is_some() {
        std::fs::write(&path, &generated).expect("include/tvm.h is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "include/tvm.h is stale; run UPDATE_TVM_H=1 cargo test --test header");
}
