//! vendor-fetch: obtains the guests' pinned source tarballs into
//! vendor/cache/ through the build's own channels (docs/vendor.md), without
//! building anything. CI's macOS job uses it: there, with no Debian archive,
//! the upstream-URL channel is the one that answers.
//!
//! `vendor-fetch [--sources-only] [NAME...]` (default: every guest). With
//! `--sources-only`, Debian's packaging tarballs are left out (no upstream
//! URL serves them). Exits 1 naming every channel tried when a file cannot
//! be had with its pinned SHA-256.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use guestbuild::vendor::{self, Fetcher, Manifest};

#[derive(Parser)]
#[command(name = "vendor-fetch", about = "Fetch and verify the pinned guest sources into vendor/cache")]
struct Args {
    /// Only the source tarballs, not Debian's packaging tarballs
    #[arg(long)]
    sources_only: bool,
    /// Guests to fetch (default: all in vendor/manifest.toml)
    names: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let vendor_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor");
    let manifest = match Manifest::load(&vendor_dir.join("manifest.toml")) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("vendor-fetch: {e}");
            return ExitCode::FAILURE;
        }
    };
    for name in &args.names {
        if manifest.guest(name).is_none() {
            eprintln!("vendor-fetch: vendor/manifest.toml has no guest {name}");
            return ExitCode::FAILURE;
        }
    }
    let work = std::env::temp_dir().join(format!("forkless-vendor-fetch.{}", std::process::id()));
    let fetcher = Fetcher {
        cache: vendor_dir.join("cache"),
        env_dir: std::env::var_os(vendor::DIR_ENV).map(PathBuf::from),
        work: work.clone(),
    };
    let mut failed = false;
    for guest in manifest.guests.iter().filter(|g| args.names.is_empty() || args.names.contains(&g.name)) {
        match fetcher.obtain_pinned(guest, &guest.source) {
            Ok((path, pin)) => println!("{}: {} {}", guest.name, pin.sha256, path.display()),
            Err(e) => {
                eprintln!("vendor-fetch: {}: {e}", guest.name);
                failed = true;
            }
        }
        let Some(pin) = guest.debian.as_ref().filter(|_| !args.sources_only) else { continue };
        match fetcher.obtain(guest, pin) {
            Ok(path) => println!("{}: {} {}", guest.name, pin.sha256, path.display()),
            Err(e) if pin.optional => eprintln!("vendor-fetch: {}: optional, not fetched: {e}", guest.name),
            Err(e) => {
                eprintln!("vendor-fetch: {}: {e}", guest.name);
                failed = true;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
