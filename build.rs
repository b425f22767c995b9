//! Compiles the runtime's C glue and the C programs of `test_tvm`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use guestbuild::makefile::Configured;
use guestbuild::vendor::{self, Fetcher, Manifest};
use guestbuild::{
    c_files, dropbear, id_from_stem, less, mawk, mksh, ncurses, openssh, toybox, xz, zlib, Build, Program,
};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    // FORKLESS_GUESTS=0 builds the runtime with first-party programs only:
    // no third-party guests, no test or benchmark programs (their tests
    // then have nothing to run).
    println!("cargo:rerun-if-env-changed=FORKLESS_GUESTS");
    let all_guests = std::env::var("FORKLESS_GUESTS").map_or(true, |v| v != "0");
    // How guest globals are per task (docs/memory.md): native thread-locals,
    // or the compiler's emulated ones that `mem::emutls` answers.
    println!("cargo::rustc-check-cfg=cfg(forkless_emutls)");
    match guestbuild::emulated_tls() {
        Ok(true) => {
            let apple = std::env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|v| v == "apple");
            if !apple && !guestbuild::new_cc().is_flag_supported("-femulated-tls").unwrap_or(false) {
                fail(&"FORKLESS_GUEST_TLS=emulated needs a compiler with -femulated-tls: set CC=clang");
            }
            println!("cargo:rustc-cfg=forkless_emutls");
        }
        Ok(false) => {}
        Err(e) => fail(&e),
    }
    if std::env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|v| v == "apple") {
        apple(&out, all_guests);
        return;
    }
    // crypt(3) for tasks (src/crt/crypt.rs) is the host's libcrypt.
    println!("cargo:rustc-link-lib=crypt");

    // The C parts of the ABI: variadic entry points and host-stream glue
    // (runtime code: no shim).
    let glue = [
        root.join("src/abi/variadic.c"),
        root.join("src/abi/stdio_glue.c"),
        root.join("src/abi/pty_glue.c"),
        root.join("src/abi/unistd_glue.c"),
        root.join("src/programs/guest_text.c"),
        root.join("src/kernel/signal/at_start.c"),
    ];
    for g in &glue {
        println!("cargo:rerun-if-changed={}", g.display());
    }
    cc::Build::new().files(&glue).warnings(true).extra_warnings(true).warnings_into_errors(true).compile("tvm_cglue");

    // test_tvm's C programs: tests/tvm/cases (tests) and tests/tvm/helpers.
    let tests = root.join("tests/tvm");
    println!("cargo:rerun-if-changed={}", tests.display());
    let mut programs = Vec::new();
    for (dir, tag) in [("cases", "case"), ("helpers", "helper")].into_iter().filter(|_| all_guests) {
        let d = tests.join(dir);
        println!("cargo:rerun-if-changed={}", d.display());
        for f in c_files(&d).expect("tests/tvm subdirectory is readable") {
            let stem = f.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name").to_string();
            programs.push(Program::new(id_from_stem(&stem), tag, vec![f]));
        }
    }
    println!("cargo:rerun-if-changed={}", tests.join("tvmtest.h").display());
    let shim_table = write_shim_table(&root.join("include/tvm_shim.h"), &out);
    let build = Build::new(root.join("include"), &out).warnings_are_errors(true).include(&tests).guest_root(&tests);
    // Tests build paths with snprintf into fixed buffers on purpose; GCC's
    // guess that a PATH_MAX-sized source might not fit is noise there.
    // (Clang has no such warning and rejects the switch.)
    let gcc_truncation_warning = guestbuild::new_cc().is_flag_supported("-Wformat-truncation").unwrap_or(false);
    let build = if gcc_truncation_warning { build.flag("-Wno-format-truncation") } else { build };
    let mut table = build.compile("tvm_testprogs", "TEST_PROGRAMS", &programs).expect("test programs compile");
    let mut b = build.cc();
    b.file(&shim_table.0).compile("tvm_shimtable");
    let _ = writeln!(
        table,
        "extern \"C\" {{\n    /// Every tvm_ function the shim renames to (linking fails if one is missing).\n    static tvm_shim_table: [*const ::std::ffi::c_void; {}];\n}}",
        shim_table.1
    );
    // The terminal, device and hostile-argument cases also run natively,
    // on the host's ptys, devices and kernel: both must pass (test_tvm's
    // `*_native` tests).
    let mut native_cases =
        String::from("/// Cases also built natively: (name, path).\npub static NATIVE_CASES: &[(&str, &str)] = &[\n");
    for p in programs.iter().filter(|p| {
        p.tag == "case" && (p.id.starts_with("tty_") || p.id.starts_with("dev_") || p.id.starts_with("abi_"))
    }) {
        let exe = out.join("native-cases").join(&p.id);
        guestbuild::build_native(
            &exe,
            &p.sources,
            std::slice::from_ref(&tests),
            &[("_GNU_SOURCE".into(), None)],
            &[],
            &["util".into()],
        )
        .unwrap_or_else(|e| fail(&e));
        let _ = writeln!(native_cases, "    ({:?}, {:?}),", p.id, exe.display().to_string());
    }
    native_cases.push_str("];\n");
    table.push_str(&native_cases);
    std::fs::write(out.join("test_programs.rs"), table).expect("OUT_DIR is writable");

    // The C programs benchmarks run under tvm (and natively).
    let bench_dir = root.join("benches/c");
    println!("cargo:rerun-if-changed={}", bench_dir.display());
    let benches: Vec<Program> = c_files(&bench_dir)
        .expect("benches/c is readable")
        .into_iter()
        .filter(|_| all_guests)
        .map(|f| {
            let stem = f.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name").to_string();
            Program::new(id_from_stem(&stem), "bench", vec![f])
        })
        .collect();
    let bench_build = Build::new(root.join("include"), &out).warnings_are_errors(true).guest_root(&bench_dir);
    let bench_table =
        bench_build.compile("tvm_benchprogs", "BENCH_PROGRAMS", &benches).expect("bench programs compile");
    std::fs::write(out.join("bench_programs.rs"), bench_table).expect("OUT_DIR is writable");

    let guests = build_guests(&root, &out, all_guests);

    // For the guard test, which inspects the guest objects.
    let mut archives = vec![out.join("libtvm_testprogs.a"), out.join("libtvm_benchprogs.a")];
    archives.extend(guests);
    let list: Vec<String> = archives.iter().map(|a| a.display().to_string()).collect();
    println!("cargo:rustc-env=TVM_GUEST_ARCHIVES={}", list.join(":"));
}

/// macOS and iOS (docs/platforms.md, "Darwin"): only the Rust runtime is
/// built, for `cargo check`. The C parts are Linux's today: the glue uses
/// glibc's `fopencookie` and ELF's `__start_` section symbols, and the guest
/// build's globals transform emits ELF thread-locals; compiling them needs
/// Apple's SDK and a port nobody has run. So the guests must be switched off
/// (`FORKLESS_GUESTS=0`), and the program tables are written empty.
fn apple(out: &Path, all_guests: bool) {
    if all_guests {
        fail(&"Apple targets build the runtime only: set FORKLESS_GUESTS=0 (docs/platforms.md, \"Darwin\")");
    }
    no_native_references();
    println!("cargo:rustc-env=TVM_GUEST_ARCHIVES=");
    let rs = "pub static GUEST_TABLES: &[&[::tvm::programs::GuestProgram]] = &[];\n\
              /// Where each guest is installed (none on Apple targets yet).\n\
              pub static GUEST_PATHS: &[(&str, &[&str])] = &[];\n";
    std::fs::write(out.join("guest_programs.rs"), rs).expect("OUT_DIR is writable");
    let empty = "pub static TEST_PROGRAMS: &[::tvm::programs::GuestProgram] = &[];\n\
                 /// Cases also built natively: (name, path).\n\
                 pub static NATIVE_CASES: &[(&str, &str)] = &[];\n";
    std::fs::write(out.join("test_programs.rs"), empty).expect("OUT_DIR is writable");
    std::fs::write(
        out.join("bench_programs.rs"),
        "pub static BENCH_PROGRAMS: &[::tvm::programs::GuestProgram] = &[];\n",
    )
    .expect("OUT_DIR is writable");
}

/// The guests `forkless` registers, written to `guest_programs.rs` as
/// `GUEST_TABLES` and `GUEST_PATHS` (install paths): the third-party ones
/// (vendor/manifest.toml; unless `all` is false) and the first-party
/// programs of `programs/` (`programs`). Returns their libraries.
fn build_guests(root: &Path, out: &Path, all: bool) -> Vec<PathBuf> {
    let mut rs = String::new();
    let mut tables = Vec::new();
    let mut paths: Vec<(String, Vec<String>)> = Vec::new();
    let mut archives = Vec::new();
    if all {
        archives = third_party(root, out, &mut rs, &mut tables, &mut paths);
    } else {
        no_native_references();
    }
    archives.push(first_party(root, out, &mut rs, &mut tables, &mut paths));

    rs += &format!("pub static GUEST_TABLES: &[&[::tvm::programs::GuestProgram]] = &[{}];\n", tables.join(", "));
    rs += "/// Where each guest is installed, as its own build would install it.\n";
    rs += "pub static GUEST_PATHS: &[(&str, &[&str])] = &[\n";
    for (id, ps) in &paths {
        let list: Vec<String> = ps.iter().map(|p| format!("{p:?}")).collect();
        rs += &format!("    ({id:?}, &[{}]),\n", list.join(", "));
    }
    rs += "];\n";
    std::fs::write(out.join("guest_programs.rs"), rs).expect("OUT_DIR is writable");
    archives
}

/// Empty values for the native references and sources the tests name
/// (`env!`), for builds without the guests: what the tests would compare
/// with does not exist there.
fn no_native_references() {
    for name in ["MKSH", "TOYBOX", "DROPBEAR", "MAWK"] {
        println!("cargo:rustc-env=FORKLESS_NATIVE_{name}=");
        println!("cargo:rustc-env=FORKLESS_{name}_SRC=");
    }
}

/// First-party programs (README, "Adding a program"): `programs/NAME.c`,
/// or `programs/NAME/*.c` for one of several files, each registered at
/// `/usr/bin/NAME` (and `/bin/NAME`). `FORKLESS_PROGRAMS_DIR` names another
/// directory (a test builds one that way).
fn first_party(
    root: &Path,
    out: &Path,
    rs: &mut String,
    tables: &mut Vec<String>,
    paths: &mut Vec<(String, Vec<String>)>,
) -> PathBuf {
    println!("cargo:rerun-if-env-changed=FORKLESS_PROGRAMS_DIR");
    let dir = std::env::var_os("FORKLESS_PROGRAMS_DIR").map_or_else(|| root.join("programs"), PathBuf::from);
    println!("cargo:rerun-if-changed={}", dir.display());
    let programs = guestbuild::programs_in(&dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    let taken: std::collections::HashSet<String> =
        paths.iter().flat_map(|(_, ps)| ps.iter()).flat_map(|p| std::iter::once(p.clone()).chain(twin(p))).collect();
    let mut build = Build::new(root.join("include"), out).warnings_are_errors(true);
    for p in &programs {
        let path = format!("/usr/bin/{}", p.id);
        if taken.contains(&path) {
            fail(&format!("{}: a program named {} is already installed at {path}", dir.display(), p.id));
        }
        paths.push((p.id.clone(), vec![path]));
        build = build.guest_root(p.sources[0].parent().expect("a source file has a directory"));
    }
    *rs += &build.compile("tvm_programs", "FIRST_PARTY_PROGRAMS", &programs).unwrap_or_else(|e| fail(&e));
    tables.push("FIRST_PARTY_PROGRAMS".into());
    out.join("libtvm_programs.a")
}

/// `/bin/x` for `/usr/bin/x` and back (the runtime registers both).
fn twin(path: &str) -> Option<String> {
    [("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/")].iter().find_map(|(short, long)| {
        path.strip_prefix(short)
            .map(|n| format!("{long}{n}"))
            .or_else(|| path.strip_prefix(long).map(|n| format!("{short}{n}")))
    })
}

/// The third-party guests (vendor/manifest.toml): fetched, verified,
/// patched, configured by their own scripts, compiled through the guest
/// build (one library and table per guest), and built natively as the
/// reference the tests compare with (`FORKLESS_NATIVE_<NAME>`).
fn third_party(
    root: &Path,
    out: &Path,
    rs: &mut String,
    tables: &mut Vec<String>,
    paths: &mut Vec<(String, Vec<String>)>,
) -> Vec<PathBuf> {
    let vendor_dir = root.join("vendor");
    println!("cargo:rerun-if-changed={}", vendor_dir.join("manifest.toml").display());
    println!("cargo:rerun-if-changed={}", vendor_dir.join("patches").display());
    println!("cargo:rerun-if-env-changed={}", vendor::DIR_ENV);
    install_prereqs(root);
    let manifest = Manifest::load(&vendor_dir.join("manifest.toml")).unwrap_or_else(|e| fail(&e));
    let fetcher = Fetcher {
        cache: vendor_dir.join("cache"),
        env_dir: std::env::var_os(vendor::DIR_ENV).map(PathBuf::from),
        work: out.join("vendor-work"),
    };
    let prepare = |name: &str| {
        let guest = manifest.guest(name).unwrap_or_else(|| fail(&format!("vendor/manifest.toml has no {name}")));
        let tree = vendor::prepare(&vendor_dir, guest, &fetcher, &out.join("vendor")).unwrap_or_else(|e| fail(&e));
        for w in &tree.warnings {
            println!("cargo:warning={}", w.replace('\n', " "));
        }
        tree.dir
    };

    // mksh
    let mksh_dir = prepare("mksh");
    let cfg = mksh::configure(&mksh_dir, &out.join("mksh-build")).unwrap_or_else(|e| fail(&e));
    let mut build = Build::new(root.join("include"), out)
        .guest_root(&mksh_dir)
        .guest_root(&cfg.build_dir)
        .include(&cfg.build_dir)
        .include(&mksh_dir);
    for (k, v) in &cfg.defines {
        build = build.define(k, v.as_deref());
    }
    for f in &cfg.cflags {
        build = build.flag(f);
    }
    let programs = [Program::new("mksh", "guest", cfg.sources.clone())];
    *rs += &build.compile("tvm_guest_mksh", "MKSH_PROGRAMS", &programs).unwrap_or_else(|e| fail(&e));
    tables.push("MKSH_PROGRAMS".into());
    let native = out.join("native/mksh");
    let includes = [cfg.build_dir.clone(), mksh_dir.clone()];
    guestbuild::build_native(&native, &cfg.sources, &includes, &cfg.defines, &cfg.cflags, &[])
        .unwrap_or_else(|e| fail(&e));
    println!("cargo:rustc-env=FORKLESS_NATIVE_MKSH={}", native.display());
    println!("cargo:rustc-env=FORKLESS_MKSH_SRC={}", mksh_dir.display());
    println!("cargo:rustc-env=FORKLESS_MKSH_BUILD={}", cfg.build_dir.display());
    paths.push(("mksh".into(), ["/bin/sh", "/bin/mksh", "/bin/ksh"].map(String::from).to_vec()));

    // toybox, with zlib compiled in (its gzip uses it: docs/userland.md)
    let zlib = zlib::configure(&prepare("zlib")).unwrap_or_else(|e| fail(&e));
    let toybox_dir = prepare("toybox");
    let tcfg = toybox::configure(&toybox_dir).unwrap_or_else(|e| fail(&e));
    let mut build = Build::new(root.join("include"), out)
        .guest_root(&toybox_dir)
        .guest_root(&zlib.src_dir)
        .include(&toybox_dir)
        .include(&zlib.src_dir);
    for f in &tcfg.cflags {
        build = build.flag(f);
    }
    for (k, v) in &zlib.defines {
        build = build.define(k, v.as_deref());
    }
    let mut toybox_sources = tcfg.sources.clone();
    toybox_sources.extend(zlib.sources.iter().cloned());
    let programs = [Program::new("toybox", "guest", toybox_sources.clone())];
    *rs += &build.compile("tvm_guest_toybox", "TOYBOX_PROGRAMS", &programs).unwrap_or_else(|e| fail(&e));
    tables.push("TOYBOX_PROGRAMS".into());
    for l in &tcfg.libs {
        println!("cargo:rustc-link-lib={l}");
    }
    let native = out.join("native/toybox");
    let includes = [toybox_dir.clone(), zlib.src_dir.clone()];
    guestbuild::build_native(&native, &toybox_sources, &includes, &zlib.defines, &tcfg.cflags, &tcfg.libs)
        .unwrap_or_else(|e| fail(&e));
    println!("cargo:rustc-env=FORKLESS_NATIVE_TOYBOX={}", native.display());
    println!("cargo:rustc-env=FORKLESS_TOYBOX_SRC={}", toybox_dir.display());
    paths.push(("toybox".into(), toybox_paths(&native)));

    // dropbear: one multi-call program (its dbmulti.c dispatches on argv[0])
    let dropbear_dir = prepare("dropbear");
    let options = root.join("vendor/config/dropbear-localoptions.h");
    println!("cargo:rerun-if-changed={}", options.display());
    let options = std::fs::read_to_string(&options).unwrap_or_else(|e| fail(&format!("{}: {e}", options.display())));
    let mut dcfg =
        dropbear::configure(&dropbear_dir, &out.join("dropbear-build"), &options).unwrap_or_else(|e| fail(&e));
    // The native reference runs the native sftp-server built below, not
    // whatever the host has at /usr/libexec (tests compare the two).
    let native_sftp = out.join("native").join("sftp-server");
    dcfg.native_defines.push(("SFTPSERVER_PATH".into(), Some(format!("{:?}", native_sftp.display().to_string()))));
    let mut g = Guests { root, out, rs, tables, paths };
    g.configured("dropbear", "dropbearmulti", &dcfg, &[], &DROPBEAR_PATHS);

    // mawk: the awk (docs/userland.md)
    let acfg = mawk::configure(&prepare("mawk"), &out.join("mawk-build")).unwrap_or_else(|e| fail(&e));
    g.configured("mawk", "mawk", &acfg, &[], &["/usr/bin/mawk", "/usr/bin/awk", "/bin/awk"]);

    // less, with ncurses's libtinfo compiled in (docs/userland.md)
    let nc = ncurses::configure(&prepare("ncurses"), &out.join("ncurses-build")).unwrap_or_else(|e| fail(&e));
    let lcfg = less::configure(&prepare("less"), &out.join("less-build"), &nc).unwrap_or_else(|e| fail(&e));
    g.configured("less", "less", &lcfg, &[&nc.tinfo.src_dir, &nc.tinfo.build_dir], &["/usr/bin/less"]);

    // xz, with liblzma compiled in (docs/userland.md). `unxz` is `xz -d`;
    // toybox's xzcat stays.
    let xcfg = xz::configure(&prepare("xz-utils"), &out.join("xz-build")).unwrap_or_else(|e| fail(&e));
    g.configured("xz", "xz", &xcfg, &[], &["/usr/bin/xz", "/usr/bin/unxz"]);

    // sftp-server, OpenSSH's, for dropbear's sftp subsystem (docs/ssh.md):
    // at Debian's path and at the one dropbear runs (SFTPSERVER_PATH).
    let ocfg = openssh::configure(&prepare("openssh"), &out.join("openssh-build")).unwrap_or_else(|e| fail(&e));
    g.configured("openssh", "sftp-server", &ocfg, &[], &["/usr/lib/openssh/sftp-server", "/usr/libexec/sftp-server"]);

    vec![
        out.join("libtvm_guest_mksh.a"),
        out.join("libtvm_guest_toybox.a"),
        out.join("libtvm_guest_dropbear.a"),
        out.join("libtvm_guest_mawk.a"),
        out.join("libtvm_guest_less.a"),
        out.join("libtvm_guest_xz.a"),
        out.join("libtvm_guest_openssh.a"),
    ]
}

/// Where the guests' libraries, tables and install paths accumulate.
struct Guests<'a> {
    root: &'a Path,
    out: &'a Path,
    rs: &'a mut String,
    tables: &'a mut Vec<String>,
    paths: &'a mut Vec<(String, Vec<String>)>,
}

impl Guests<'_> {
    /// A guest configured by its own scripts: its units through the guest
    /// build as program `id` (library `tvm_guest_ID`, table
    /// `ID_PROGRAMS`) registered at `install`, and its native reference
    /// at `native/NATIVE` (`FORKLESS_NATIVE_ID`). `roots` are further
    /// trees of guest code it compiles in.
    fn configured(&mut self, id: &str, native: &str, cfg: &Configured, roots: &[&Path], install: &[&str]) {
        let mut build =
            Build::new(self.root.join("include"), self.out).guest_root(&cfg.src_dir).guest_root(&cfg.build_dir);
        for r in roots {
            build = build.guest_root(r);
        }
        for i in &cfg.includes {
            build = build.include(i);
        }
        for (k, v) in &cfg.defines {
            build = build.define(k, v.as_deref());
        }
        for f in &cfg.cflags {
            build = build.flag(f);
        }
        let upper = id.to_uppercase();
        let table = format!("{upper}_PROGRAMS");
        let programs = [Program::new(id, "guest", cfg.sources.clone())];
        *self.rs += &build.compile(&format!("tvm_guest_{id}"), &table, &programs).unwrap_or_else(|e| fail(&e));
        self.tables.push(table);
        for l in &cfg.libs {
            println!("cargo:rustc-link-lib={l}");
        }
        let native = self.out.join("native").join(native);
        let defines: Vec<_> = cfg.defines.iter().chain(&cfg.native_defines).cloned().collect();
        guestbuild::build_native(&native, &cfg.sources, &cfg.includes, &defines, &cfg.cflags, &cfg.libs)
            .unwrap_or_else(|e| fail(&e));
        println!("cargo:rustc-env=FORKLESS_NATIVE_{upper}={}", native.display());
        println!("cargo:rustc-env=FORKLESS_{upper}_SRC={}", cfg.src_dir.display());
        self.paths.push((id.into(), install.iter().map(|p| p.to_string()).collect()));
    }
}

/// Where Debian installs dropbear's programs (dropbear-bin), plus `ssh`
/// and `scp`, which the multi-call binary also answers to.
const DROPBEAR_PATHS: [&str; 6] = [
    "/usr/sbin/dropbear",
    "/usr/bin/dbclient",
    "/usr/bin/dropbearkey",
    "/usr/lib/dropbear/dropbearconvert",
    "/usr/bin/ssh",
    "/usr/bin/scp",
];

/// Where toybox installs itself and its applets: `toybox --long` of the
/// native build lists them (e.g. `usr/bin/base64`), plus the multiplexer.
fn toybox_paths(native: &Path) -> Vec<String> {
    let out = std::process::Command::new(native).arg("--long").output().unwrap_or_else(|e| fail(&e));
    if !out.status.success() {
        fail(&format!("{} --long failed", native.display()));
    }
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|p| format!("/{}", p.trim_start_matches('/')))
        .filter(|p| p != "/bin/sh")
        .collect();
    v.push("/bin/toybox".into());
    v.sort();
    v.dedup();
    v
}

/// Runs scripts/install-prereqs, which installs what is missing (packages,
/// deb-src entries) when it can; what it cannot do shows up later as a
/// clear fetch or compile error.
fn install_prereqs(root: &Path) {
    let script = root.join("scripts/install-prereqs");
    println!("cargo:rerun-if-changed={}", script.display());
    match std::process::Command::new("bash").arg(&script).output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => println!(
            "cargo:warning=scripts/install-prereqs: {}",
            String::from_utf8_lossy(&o.stderr).trim().replace('\n', " ")
        ),
        Err(e) => println!("cargo:warning=cannot run scripts/install-prereqs: {e}"),
    }
}

/// Stops the build with a message (cargo shows a build script's panic).
fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("{e}");
    panic!("guest build failed: {e}");
}

/// Generates a C array holding the address of every `tvm_` function the shim
/// declares, so a missing runtime function is a link error. Returns the file
/// and the number of entries.
fn write_shim_table(shim: &Path, out: &Path) -> (PathBuf, usize) {
    println!("cargo:rerun-if-changed={}", shim.display());
    let text = std::fs::read_to_string(shim).expect("include/tvm_shim.h is readable");
    let mut names = Vec::new();
    for list in ["#define TVM_SHIM_FUNCTIONS(X)", "#define TVM_SHIM_LFS_FUNCTIONS(X)"] {
        let start = text.find(list).expect("shim defines its function lists");
        let body = &text[start + list.len()..];
        let end = body.find("\n\n").unwrap_or(body.len());
        for item in body[..end].split("X(").skip(1) {
            names.push(item.split(')').next().expect("X(name)").trim().to_string());
        }
    }
    let mut c = String::from("/* generated by build.rs from include/tvm_shim.h */\nvoid *const tvm_shim_table[] = {\n");
    for n in &names {
        let _ = writeln!(c, "    (void *)&tvm_{n},");
    }
    c.push_str("};\n");
    let path = out.join("tvm_shim_table.c");
    std::fs::write(&path, c).expect("OUT_DIR is writable");
    (path, names.len())
}
