//! Guest globals where the compiler emulates thread-locals: Darwin, and
//! Linux built with `FORKLESS_GUEST_TLS=emulated` (docs/memory.md,
//! "Emulated thread-locals").
//!
//! The guest build makes every guest global `__thread` (docs/guest-build.md).
//! With native TLS those live in glibc's static TLS block, at a fixed offset
//! from the thread pointer, which Darwin does not have. Built with
//! `-femulated-tls`, the compiler gives each such variable a *control*
//! (size, alignment, an index word, its initial bytes) and turns every
//! access into a call `__emutls_get_address(&control)`. The runtime answers
//! that call, so it decides where the variable lives: in the calling
//! image's arena. Each image holds one *table* there, `slots[index - lo]`
//! pointing at its copy of each variable, and the calling thread keeps the
//! table's address in a thread-local for the lookup.
//!
//! Because the copies and the table are arena memory, fork's copy of the
//! arena copies them and its relocation moves every pointer in them; exec
//! starts a new arena and so new copies. Nothing depends on threads: a
//! task's globals are its image's, whichever host thread runs it.
//!
//! Indices are global (one counter), so a control never means two things.
//! The first image of a program registers all of its controls at once
//! (calling each global's getter from the unit tables under one lock), so a
//! program's indices are one run `[lo, hi)` and its table is dense; later
//! images of it lay out all their copies with one allocation.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::arena::Arena;
use crate::programs::Program;

/// One emulated thread-local, as the compiler lays it out (the control
/// block of LLVM's and GCC's emutls, `__emutls_v.NAME`).
#[repr(C)]
#[derive(Debug)]
pub struct Control {
    pub size: usize,
    pub align: usize,
    /// 0 until the runtime gives the variable its index (1 and up).
    pub index: AtomicUsize,
    /// The initial bytes (`size` of them), or null for zeros.
    pub init: *const u8,
}

// SAFETY: the runtime only reads `size`, `align` and `init` (fixed by the
// compiler) and writes `index` atomically.
unsafe impl Sync for Control {}

/// An image's table, in its arena: `len` slots for indices `lo..lo + len`,
/// each null or the image's copy of that variable.
#[repr(C)]
struct Table {
    lo: usize,
    len: usize,
    slots: [*mut u8; 0],
}

impl Table {
    fn slot(t: *mut Table, index: usize) -> Option<*mut *mut u8> {
        // SAFETY: a non-null table is a live arena allocation with `len`
        // slots after its header.
        unsafe {
            let (lo, len) = ((*t).lo, (*t).len);
            (index >= lo && index - lo < len).then(|| (&raw mut (*t).slots).cast::<*mut u8>().add(index - lo))
        }
    }

    fn bytes(len: usize) -> usize {
        std::mem::size_of::<Table>() + len * std::mem::size_of::<*mut u8>()
    }
}

thread_local! {
    /// The table of the image this thread runs (null outside images).
    static TABLE: Cell<*mut Table> = const { Cell::new(ptr::null_mut()) };
}

/// Makes `table` (an image's `globals`, or null) the calling thread's.
pub fn install(table: *mut c_void) {
    TABLE.with(|t| t.set(table.cast()));
}

/// Where the calling image's copy of `c` lives.
///
/// # Safety
/// `c` is a control the compiler emitted, and the caller runs a task image.
pub unsafe fn address(c: &Control) -> *mut u8 {
    let index = c.index.load(Ordering::Acquire);
    let table = TABLE.with(Cell::get);
    if index != 0 && !table.is_null() {
        if let Some(slot) = Table::slot(table, index) {
            // SAFETY: a slot of the live table.
            let p = unsafe { *slot };
            if !p.is_null() {
                return p;
            }
        }
    }
    crate::abi::no_unwind("__emutls_get_address", || first_use(c))
}

/// A program's controls, registered by its first image.
struct Layout {
    lo: usize,
    /// `copies[i]`: the variable of index `lo + i` and the offset of its
    /// copy in the image's block, after the table (None: another
    /// program's index that fell inside the run).
    copies: Vec<Option<(&'static Control, usize)>>,
    size: usize,
    align: usize,
}

struct Registry {
    next: usize,
    /// Layouts by program identity (`tls_layout::owner`).
    layouts: Vec<(usize, Arc<Layout>)>,
    /// Filled while the calling thread registers a program.
    registering: Option<Vec<&'static Control>>,
    registrar: usize,
}

static REGISTRY: Mutex<Registry> =
    Mutex::new(Registry { next: 1, layouts: Vec::new(), registering: None, registrar: 0 });

/// Serializes first images (registration calls guest getters, which come
/// back through `address` and take `REGISTRY`).
static REGISTERING: Mutex<()> = Mutex::new(());

fn thread_id() -> usize {
    thread_local!(static ID: u8 = const { 0 });
    ID.with(|id| id as *const u8 as usize)
}

/// Gives `index` to `c` if it has none; returns its index.
fn assign(reg: &mut Registry, c: &'static Control) -> usize {
    match c.index.load(Ordering::Acquire) {
        0 => {
            let i = reg.next;
            reg.next += 1;
            c.index.store(i, Ordering::Release);
            i
        }
        i => i,
    }
}

/// The layout of `program`'s globals, registering them on its first image.
fn layout_of(program: &Program) -> Option<Arc<Layout>> {
    let owner = crate::programs::tls_layout::owner(program)?;
    let known = |reg: &Registry| reg.layouts.iter().find(|(o, _)| *o == owner).map(|(_, l)| l.clone());
    if let Some(l) = known(&REGISTRY.lock()) {
        return Some(l);
    }
    let _one = REGISTERING.lock();
    if let Some(l) = known(&REGISTRY.lock()) {
        return Some(l);
    }
    {
        let mut reg = REGISTRY.lock();
        reg.registering = Some(Vec::new());
        reg.registrar = thread_id();
    }
    for g in program.globals() {
        // SAFETY: a getter only computes its variable's address: here it
        // calls `address`, which records the control and returns null.
        unsafe { (g.addr)() };
    }
    let mut reg = REGISTRY.lock();
    let seen = reg.registering.take().unwrap_or_default();
    reg.registrar = 0;
    let layout = Arc::new(lay_out(&seen));
    reg.layouts.push((owner, layout.clone()));
    Some(layout)
}

fn lay_out(seen: &[&'static Control]) -> Layout {
    let index = |c: &Control| c.index.load(Ordering::Acquire);
    let lo = seen.iter().map(|c| index(c)).min().unwrap_or(1);
    let hi = seen.iter().map(|c| index(c) + 1).max().unwrap_or(lo);
    let mut by_index = vec![None; hi - lo];
    for &c in seen {
        by_index[index(c) - lo] = Some(c);
    }
    let mut size = Table::bytes(hi - lo);
    let mut align = std::mem::align_of::<Table>();
    let copies = by_index
        .into_iter()
        .map(|c| {
            c.map(|c| {
                let a = c.align.max(1);
                let offset = size.next_multiple_of(a);
                size = offset + c.size;
                align = align.max(a);
                (c, offset)
            })
        })
        .collect();
    Layout { lo, copies, size, align }
}

/// Makes the calling image's copies of its program's globals, with their
/// initial values, before its initializers and `main` run; returns the
/// table for `Image::globals` (null when the program's globals are unknown
/// or the arena is full: then each variable is made on first use).
pub fn start_image(program: &Program, arena: &mut Arena) -> *mut c_void {
    let Some(l) = layout_of(program) else { return ptr::null_mut() };
    let block = arena.alloc(l.size, l.align).cast::<u8>();
    if block.is_null() {
        return ptr::null_mut();
    }
    let table = block.cast::<Table>();
    // SAFETY: `block` has `l.size` bytes: the table's header and slots, then
    // each copy at its offset with its control's size.
    unsafe {
        (*table).lo = l.lo;
        (*table).len = l.copies.len();
        for (i, copy) in l.copies.iter().enumerate() {
            let slot = (&raw mut (*table).slots).cast::<*mut u8>().add(i);
            *slot = match *copy {
                Some((c, offset)) => {
                    let copy = block.add(offset);
                    initialize(copy, c);
                    copy
                }
                None => ptr::null_mut(),
            };
        }
    }
    block.cast()
}

/// Gives `copy` the initial value of `c`.
///
/// # Safety
/// `copy` has `c.size` writable bytes.
unsafe fn initialize(copy: *mut u8, c: &Control) {
    // SAFETY: per the caller; a non-null `init` has `c.size` bytes.
    unsafe {
        if c.init.is_null() {
            ptr::write_bytes(copy, 0, c.size);
        } else {
            ptr::copy_nonoverlapping(c.init, copy, c.size);
        }
    }
}

/// The slow path: a variable without an index, or without a copy in this
/// image (a global no unit table lists, or an image whose block could not
/// be made). Registration lands here too.
#[cold]
fn first_use(c: &Control) -> *mut u8 {
    // SAFETY: controls are compiler-emitted statics of the executable.
    let c: &'static Control = unsafe { &*(c as *const Control) };
    let index = {
        let mut reg = REGISTRY.lock();
        let index = assign(&mut reg, c);
        if reg.registrar == thread_id() {
            if let Some(seen) = reg.registering.as_mut() {
                seen.push(c);
                return ptr::null_mut();
            }
        }
        index
    };
    crate::kernel::task::thread::with_image(|img| {
        let table = grown(&mut img.arena, img.globals.cast(), index);
        if table.is_null() {
            return ptr::null_mut();
        }
        img.globals = table.cast();
        install(img.globals);
        let slot = Table::slot(table, index).expect("the table covers the index");
        // SAFETY: a slot of the live table.
        if unsafe { (*slot).is_null() } {
            let copy = img.arena.alloc(c.size.max(1), c.align.max(1)).cast::<u8>();
            if copy.is_null() {
                return ptr::null_mut();
            }
            // SAFETY: `copy` has `c.size` bytes; `slot` is live.
            unsafe {
                initialize(copy, c);
                *slot = copy;
            }
        }
        // SAFETY: as above.
        unsafe { *slot }
    })
}

/// `table` (or a new one) covering `index`, in `arena`; null when the
/// arena is full.
fn grown(arena: &mut Arena, table: *mut Table, index: usize) -> *mut Table {
    let (lo, len) = if table.is_null() {
        (index, 0)
    } else {
        if Table::slot(table, index).is_some() {
            return table;
        }
        // SAFETY: a live table.
        unsafe { ((*table).lo, (*table).len) }
    };
    let new_lo = lo.min(index);
    let new_hi = (lo + len).max(index + 1);
    let new = arena.alloc(Table::bytes(new_hi - new_lo), std::mem::align_of::<Table>()).cast::<Table>();
    if new.is_null() {
        return new;
    }
    // SAFETY: `new` has room for `new_hi - new_lo` slots; the old table (if
    // any) has `len` slots for `lo..lo + len`, inside the new range.
    unsafe {
        (*new).lo = new_lo;
        (*new).len = new_hi - new_lo;
        let slots = (&raw mut (*new).slots).cast::<*mut u8>();
        ptr::write_bytes(slots, 0, new_hi - new_lo);
        if !table.is_null() {
            ptr::copy_nonoverlapping((&raw const (*table).slots).cast::<*mut u8>(), slots.add(lo - new_lo), len);
            // The old table may be the head of the image's block: it stays.
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(size: usize, align: usize, init: Option<&'static [u8]>) -> &'static Control {
        Box::leak(Box::new(Control {
            size,
            align,
            index: AtomicUsize::new(0),
            init: init.map_or(ptr::null(), <[u8]>::as_ptr),
        }))
    }

    #[test]
    fn layout_is_dense_aligned_and_after_the_table() {
        let a = control(3, 1, Some(b"abc"));
        let b = control(8, 8, None);
        let c = control(100, 64, None);
        let mut reg = Registry { next: 10, layouts: Vec::new(), registering: None, registrar: 0 };
        for x in [a, b, c] {
            assign(&mut reg, x);
        }
        let l = lay_out(&[a, b, c]);
        assert_eq!((l.lo, l.copies.len()), (10, 3));
        let offsets: Vec<usize> = l.copies.iter().map(|c| c.expect("every index is this program's").1).collect();
        assert!(offsets[0] >= Table::bytes(3));
        assert_eq!(offsets[1] % 8, 0);
        assert_eq!(offsets[2] % 64, 0);
        assert!(offsets[1] >= offsets[0] + 3 && offsets[2] >= offsets[1] + 8);
        assert_eq!(l.size, offsets[2] + 100);
        assert_eq!(l.align, 64);
        // Indices stay as given.
        assert_eq!(assign(&mut reg, b), 11);
    }

    #[test]
    fn grown_tables_keep_their_slots() {
        let mut arena = Arena::new(1 << 20).expect("arena");
        let t = grown(&mut arena, ptr::null_mut(), 7);
        let mark = 0x1234usize as *mut u8;
        // SAFETY: slot 7 exists in `t`.
        unsafe { *Table::slot(t, 7).expect("covers 7") = mark };
        let t2 = grown(&mut arena, t, 3);
        let t3 = grown(&mut arena, t2, 12);
        assert!(Table::slot(t3, 2).is_none() && Table::slot(t3, 13).is_none());
        // SAFETY: slots of a live table.
        unsafe {
            assert_eq!(*Table::slot(t3, 7).expect("covers 7"), mark);
            assert!((*Table::slot(t3, 3).expect("covers 3")).is_null());
            assert!((*Table::slot(t3, 12).expect("covers 12")).is_null());
        }
        assert_eq!(grown(&mut arena, t3, 5), t3);
    }
}
