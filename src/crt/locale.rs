//! setlocale(3) and localeconv(3) per task.
//!
//! The host C library's `setlocale` changes the locale of the whole
//! process. Each task instead gets its own: the names of its categories
//! live in its arena, and its thread runs with a matching locale object
//! (`uselocale`), which every locale-dependent host function (ctype,
//! printf's decimal point, strcoll, mbrtowc, nl_langinfo, ...) follows. A
//! fork child's thread takes its parent's locale; a new image starts in the
//! "C" locale. `setlocale(cat, "")` reads LC_ALL, then the category's own
//! variable, then LANG from the task's environment, as POSIX says.
//!
//! Locale objects are interned by their category names and never freed
//! (there are few distinct combinations), so tasks can share them and a
//! fork child can use its parent's without any bookkeeping. The same holds
//! for the objects `newlocale` hands out: they are the interned ones, so
//! `freelocale` leaves them alone and `duplocale` returns its argument. A
//! task's `uselocale` choice is kept beside its setlocale one and follows
//! it into a fork child.
//!
//! What stays process-wide: the time zone (tzset reads the host's TZ).

use crate::platform::c as libc;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr, CString};

use parking_lot::Mutex;

use crate::kernel::task::image::Image;
use crate::kernel::task::thread::with_image;
use crate::kernel::{Errno, KResult};

/// glibc's categories, by number (LC_ALL, 6, is not one), and the order
/// of its composite names.
const CATEGORIES: [(c_int, &str); 12] = [
    (libc::LC_CTYPE, "LC_CTYPE"),
    (libc::LC_NUMERIC, "LC_NUMERIC"),
    (libc::LC_TIME, "LC_TIME"),
    (libc::LC_COLLATE, "LC_COLLATE"),
    (libc::LC_MONETARY, "LC_MONETARY"),
    (libc::LC_MESSAGES, "LC_MESSAGES"),
    (libc::LC_PAPER, "LC_PAPER"),
    (libc::LC_NAME, "LC_NAME"),
    (libc::LC_ADDRESS, "LC_ADDRESS"),
    (libc::LC_TELEPHONE, "LC_TELEPHONE"),
    (libc::LC_MEASUREMENT, "LC_MEASUREMENT"),
    (libc::LC_IDENTIFICATION, "LC_IDENTIFICATION"),
];
const SLOTS: usize = 13;
const NAME_MAX: usize = 96;
const ANSWER_MAX: usize = 1536;

#[repr(C)]
pub struct LocaleState {
    /// NUL-terminated names by category number; empty means "C".
    names: [[u8; NAME_MAX]; SLOTS],
    /// What setlocale returned last.
    answer: [u8; ANSWER_MAX],
    /// The interned locale object (0: the process's global locale).
    handle: usize,
    /// The object `uselocale` installed (0: none, the task's setlocale one).
    thread: usize,
    lconv: libc::lconv,
}

static INTERNED: Mutex<Option<HashMap<Vec<Vec<u8>>, usize>>> = Mutex::new(None);
/// The host's localeconv fills one structure for the whole process.
static LOCALECONV: Mutex<()> = Mutex::new(());

fn name_of(st: &LocaleState, cat: c_int) -> &[u8] {
    let raw = &st.names[cat as usize];
    let n = raw.iter().position(|&b| b == 0).unwrap_or(0);
    if n == 0 {
        b"C"
    } else {
        &raw[..n]
    }
}

/// The locale object for these category names (indexed like CATEGORIES).
fn intern(names: &[Vec<u8>]) -> KResult<usize> {
    let mut map = INTERNED.lock();
    let map = map.get_or_insert_with(HashMap::new);
    if let Some(&h) = map.get(names) {
        return Ok(h);
    }
    // SAFETY: newlocale with a valid mask and name; the result is checked.
    let mut loc = unsafe { libc::newlocale(libc::LC_ALL_MASK, c"C".as_ptr(), std::ptr::null_mut()) };
    if loc.is_null() {
        return Err(Errno::last());
    }
    for ((cat, _), name) in CATEGORIES.iter().zip(names) {
        if name.as_slice() == b"C" {
            continue;
        }
        let c = CString::new(name.clone()).map_err(|_| Errno::EINVAL)?;
        // SAFETY: `loc` is a live locale object; on success newlocale
        // consumes it, on failure it is left alone.
        let next = unsafe { libc::newlocale(1 << cat, c.as_ptr(), loc) };
        if next.is_null() {
            let e = Errno::last();
            // SAFETY: still ours after the failure.
            unsafe { libc::freelocale(loc) };
            return Err(if e == Errno::UnknownErrno { Errno::ENOENT } else { e });
        }
        loc = next;
    }
    map.insert(names.to_vec(), loc as usize);
    Ok(loc as usize)
}

/// POSIX's choice for `setlocale(cat, "")`: LC_ALL, the category's own
/// variable, LANG, else "C" (empty values count as unset).
fn from_environment(img: &Image, var: &str) -> Vec<u8> {
    for v in ["LC_ALL", var, "LANG"] {
        let p = img.env.get(v.as_bytes());
        if !p.is_null() {
            // SAFETY: environment strings are NUL-terminated.
            let value = unsafe { CStr::from_ptr(p) }.to_bytes();
            if !value.is_empty() {
                return value.to_vec();
            }
        }
    }
    b"C".to_vec()
}

/// The LC_ALL answer: one name when every category agrees, else glibc's
/// composite "LC_CTYPE=...;LC_NUMERIC=...;...".
fn all_name(names: &[Vec<u8>]) -> Vec<u8> {
    if names.iter().all(|n| n == &names[0]) {
        return names[0].clone();
    }
    let parts: Vec<Vec<u8>> =
        CATEGORIES.iter().zip(names).map(|((_, label), n)| [label.as_bytes(), b"=", n].concat()).collect();
    parts.join(&b';')
}

fn answer(st: &mut LocaleState, text: &[u8]) -> KResult<*mut c_char> {
    if text.len() >= ANSWER_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    st.answer[..text.len()].copy_from_slice(text);
    st.answer[text.len()] = 0;
    Ok(st.answer.as_mut_ptr().cast())
}

/// The locale name `requested` gives the category `label`: the
/// environment's choice when empty, the category's part of a composite
/// "LC_CTYPE=...;..." name when `composite`, "C" for "POSIX".
fn category_name(requested: &[u8], label: &str, composite: bool) -> KResult<Vec<u8>> {
    let name = if requested.is_empty() {
        with_image(|img| from_environment(img, label))
    } else if composite && requested.contains(&b';') {
        let key = [label.as_bytes(), b"="].concat();
        requested
            .split(|&b| b == b';')
            .find_map(|part| part.strip_prefix(key.as_slice()))
            .ok_or(Errno::ENOENT)?
            .to_vec()
    } else {
        requested.to_vec()
    };
    if name.len() >= NAME_MAX {
        return Err(Errno::ENOENT);
    }
    Ok(if name == b"POSIX" { b"C".to_vec() } else { name })
}

/// setlocale(3). `locale` None queries.
pub fn setlocale(st: &mut LocaleState, category: c_int, locale: Option<&CStr>) -> KResult<*mut c_char> {
    if !(0..SLOTS as c_int).contains(&category) {
        return Err(Errno::EINVAL);
    }
    let current: Vec<Vec<u8>> = CATEGORIES.iter().map(|(c, _)| name_of(st, *c).to_vec()).collect();
    let Some(locale) = locale else {
        return if category == libc::LC_ALL {
            answer(st, &all_name(&current))
        } else {
            let n = name_of(st, category).to_vec();
            answer(st, &n)
        };
    };
    let requested = locale.to_bytes();
    let mut names = current.clone();
    for (i, (cat, label)) in CATEGORIES.iter().enumerate() {
        if category != libc::LC_ALL && category != *cat {
            continue;
        }
        names[i] = category_name(requested, label, category == libc::LC_ALL)?;
    }
    let handle = intern(&names)?;
    for ((cat, _), n) in CATEGORIES.iter().zip(&names) {
        let slot = &mut st.names[*cat as usize];
        slot.fill(0);
        slot[..n.len()].copy_from_slice(n);
    }
    st.handle = handle;
    if st.thread == 0 {
        adopt_handle(handle);
    }
    let text = if category == libc::LC_ALL {
        all_name(&names)
    } else {
        let i = CATEGORIES.iter().position(|(c, _)| *c == category).expect("a category");
        names[i].clone()
    };
    answer(st, &text)
}

fn adopt_handle(handle: usize) {
    // glibc's LC_GLOBAL_LOCALE is (locale_t) -1.
    let loc = if handle == 0 { usize::MAX as libc::locale_t } else { handle as libc::locale_t };
    // SAFETY: an interned (never freed) locale object, or the global one.
    unsafe { libc::uselocale(loc) };
}

/// Puts the calling thread in the locale of the image it is about to run
/// (a fork child's is its parent's; a new image has none: the global
/// locale).
pub fn adopt(image: &Image) {
    let st = image.crt.cast::<super::CrtState>();
    // SAFETY: a non-null crt pointer is the image's live state block.
    let handle = if st.is_null() {
        0
    } else {
        // SAFETY: as above.
        let l = unsafe { &(*st).locale };
        if l.thread != 0 {
            l.thread
        } else {
            l.handle
        }
    };
    adopt_handle(handle);
}

/// glibc's LC_GLOBAL_LOCALE.
pub const GLOBAL: usize = usize::MAX;

/// The category names of an interned object (`None`: not one of ours).
fn names_of(handle: usize) -> Option<Vec<Vec<u8>>> {
    let map = INTERNED.lock();
    map.as_ref()?.iter().find(|(_, &h)| h == handle).map(|(n, _)| n.clone())
}

/// newlocale(3): `base`'s categories (all "C" when 0) with those in `mask`
/// set to `name`; an interned object.
pub fn newlocale(mask: c_int, name: &CStr, base: usize) -> KResult<usize> {
    if mask & !libc::LC_ALL_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    let mut names = match base {
        0 => vec![b"C".to_vec(); CATEGORIES.len()],
        GLOBAL => return Err(Errno::EINVAL),
        b => names_of(b).ok_or(Errno::EINVAL)?,
    };
    let requested = name.to_bytes();
    for (i, (cat, label)) in CATEGORIES.iter().enumerate() {
        if mask & (1 << cat) == 0 {
            continue;
        }
        names[i] = category_name(requested, label, true)?;
    }
    intern(&names)
}

/// uselocale(3): installs `loc` (0 queries, [`GLOBAL`] returns to the
/// task's setlocale locale); the object installed before.
pub fn uselocale(st: &mut LocaleState, loc: usize) -> KResult<usize> {
    let before = if st.thread == 0 { GLOBAL } else { st.thread };
    match loc {
        0 => {}
        GLOBAL => {
            st.thread = 0;
            adopt_handle(st.handle);
        }
        l => {
            names_of(l).ok_or(Errno::EINVAL)?;
            st.thread = l;
            adopt_handle(l);
        }
    }
    Ok(before)
}

/// duplocale(3): interned objects are immutable, so a duplicate is the
/// object itself; [`GLOBAL`] gives the task's setlocale locale.
pub fn duplocale(st: &LocaleState, loc: usize) -> KResult<usize> {
    match loc {
        GLOBAL if st.handle != 0 => Ok(st.handle),
        GLOBAL => intern(&vec![b"C".to_vec(); CATEGORIES.len()]),
        l => names_of(l).map(|_| l).ok_or(Errno::EINVAL),
    }
}

/// localeconv(3): the task's locale's conventions, in the task's buffer.
pub fn localeconv(st: &mut LocaleState) -> *mut libc::lconv {
    let _one = LOCALECONV.lock();
    // SAFETY: localeconv reads the thread's locale into its one structure,
    // copied at once under the lock (its strings belong to the locale).
    st.lconv = unsafe { *libc::localeconv() };
    &mut st.lconv
}
