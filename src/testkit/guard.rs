//! Guard: no writable data that is not thread-local may be left in guest
//! objects, except what the allow-list names with a reason. Such data would
//! be shared by every task running the program and not copied by fork.

use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolSection};

/// The guest archives built for this binary (by build.rs).
const ARCHIVES: &str = env!("TVM_GUEST_ARCHIVES");
const ALLOW_LIST: &str = include_str!("../../tests/tvm/guest-globals-allowlist.txt");

/// `symbol reason...` entries of the allow-list.
fn allow_list() -> Result<Vec<(&'static str, &'static str)>, String> {
    let mut out = Vec::new();
    for line in ALLOW_LIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (sym, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if reason.trim().is_empty() {
            return Err(format!("allow-list entry {sym} has no reason"));
        }
        out.push((sym, reason.trim()));
    }
    Ok(out)
}

/// Writable, non-TLS data: .data*, .bss*, common, but not .data.rel.ro*
/// (read-only after relocation) nor .tdata/.tbss.
fn writable_shared(kind: SectionKind, name: &str) -> bool {
    matches!(kind, SectionKind::Data | SectionKind::UninitializedData | SectionKind::Common)
        && !name.starts_with(".data.rel.ro")
}

/// Every writable shared data symbol in the guest objects that the
/// allow-list does not name, as "object: symbol (size)".
pub fn violations() -> Result<Vec<String>, String> {
    let allowed = allow_list()?;
    let mut found = Vec::new();
    let mut checked = 0;
    for path in ARCHIVES.split(':') {
        let data = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let archive = ArchiveFile::parse(&*data).map_err(|e| format!("{path}: {e}"))?;
        for member in archive.members() {
            let member = member.map_err(|e| e.to_string())?;
            let name = String::from_utf8_lossy(member.name()).into_owned();
            // Archive members are not aligned; the ELF reader wants them to be.
            let bytes = member.data(&*data).map_err(|e| e.to_string())?.to_vec();
            let obj = object::File::parse(&*bytes).map_err(|e| format!("{name}: {e}"))?;
            checked += 1;
            for s in obj.symbols() {
                let shared = match s.section() {
                    SymbolSection::Section(i) => {
                        obj.section_by_index(i).is_ok_and(|sec| writable_shared(sec.kind(), sec.name().unwrap_or("")))
                    }
                    SymbolSection::Common => true,
                    _ => false,
                };
                let sym = s.name().unwrap_or("?");
                if shared && s.size() > 0 && !allowed.iter().any(|(a, _)| *a == sym) {
                    found.push(format!("{name}: {sym} ({} bytes)", s.size()));
                }
            }
        }
    }
    if checked == 0 {
        return Err("no guest objects inspected".into());
    }
    Ok(found)
}
