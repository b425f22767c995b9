//! The programs built into this library by build.rs: mksh, toybox,
//! dropbear (vendor/manifest.toml) and the first-party `programs/`, with
//! the paths each is installed at. `forkless` registers them at start;
//! an embedding host does with `tvm_register_bundled`.

/// The guest build's tables: `GUEST_TABLES` and `GUEST_PATHS`.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/guest_programs.rs"));
}

/// Registers every bundled program under its paths, then under their
/// merged-/usr twins (docs/fs.md). A path already taken by another
/// program keeps it.
pub fn register_all() {
    super::register_builtins();
    let guests = || {
        generated::GUEST_TABLES.iter().flat_map(|t| t.iter()).flat_map(|g| {
            let paths = generated::GUEST_PATHS.iter().find(|(id, _)| *id == g.id).map_or(&[][..], |(_, p)| p);
            paths.iter().map(move |p| (*p, g))
        })
    };
    super::reserve(2 * guests().count());
    for (path, g) in guests() {
        let _ = super::register_guest(path, g);
    }
    for (path, g) in guests() {
        if let Some(twin) = super::merged_usr_twin(path) {
            let _ = super::register_guest(&twin, g);
        }
    }
}
