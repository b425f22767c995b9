//! Guard: no writable data that is not thread-local is left in guest
//! objects, except what the allow-list names with a reason. Such data would
//! be shared by every task running the program and survive fork un-copied.

use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolSection};

/// `symbol reason...` lines of tests/guest-globals-allowlist.txt.
fn allow_list() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guest-globals-allowlist.txt");
    std::fs::read_to_string(path)
        .expect("allow-list exists")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (sym, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (sym.to_string(), reason.trim().to_string())
        })
        .collect()
}

/// Writable, non-TLS data sections: .data*, .bss*, but not .data.rel.ro*
/// (read-only after relocation) nor .tdata/.tbss.
fn writable_shared(kind: SectionKind, name: &str) -> bool {
    matches!(kind, SectionKind::Data | SectionKind::UninitializedData | SectionKind::Common)
        && !name.starts_with(".data.rel.ro")
}

#[test]
fn guest_objects_have_no_shared_writable_data() {
    let allowed = allow_list();
    for (sym, reason) in &allowed {
        assert!(!reason.is_empty(), "allow-list entry {sym} has no reason");
    }
    let mut found = Vec::new();
    let mut checked = 0;
    for archive_path in env!("TVM_GUEST_ARCHIVES").split(':') {
        let data = std::fs::read(archive_path).expect("guest archive exists");
        let archive = ArchiveFile::parse(&*data).expect("an ar archive");
        for member in archive.members() {
            let member = member.expect("archive member");
            let name = String::from_utf8_lossy(member.name()).into_owned();
            // Archive members are not aligned; the ELF reader wants them to be.
            let bytes = member.data(&*data).expect("member data").to_vec();
            let obj = object::File::parse(&*bytes).expect("an object file");
            checked += 1;
            for s in obj.symbols() {
                let section_ok = match s.section() {
                    SymbolSection::Section(i) => {
                        let sec = obj.section_by_index(i).expect("section");
                        writable_shared(sec.kind(), sec.name().unwrap_or(""))
                    }
                    SymbolSection::Common => true,
                    _ => false,
                };
                if section_ok && s.size() > 0 {
                    let sym = s.name().unwrap_or("?").to_string();
                    if !allowed.iter().any(|(a, _)| *a == sym) {
                        found.push(format!("{name}: {sym} ({} bytes)", s.size()));
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no guest objects inspected");
    assert!(found.is_empty(), "writable shared data in guest objects:\n{}", found.join("\n"));
}
