//! getopt, getopt_long, getopt_long_only, with per-task state.
//!
//! GNU semantics, as glibc implements them: by default the arguments are
//! permuted so that options come first ("-a x -b" is scanned as "-a -b x");
//! an optstring starting with `+` (or POSIXLY_CORRECT in the task's
//! environment) stops at the first non-option, one starting with `-`
//! returns non-options as option 1 with `optarg`; a following `:` silences
//! errors and reports a missing argument as ':'. `--` ends the options.
//! Setting `optind` to 0 restarts the scan from scratch. Long options may
//! be abbreviated to any unambiguous prefix. Error messages are glibc's,
//! word for word, on the task's stderr.
//!
//! The state (`optind`, `optarg`, `opterr`, `optopt`, and the scan
//! position inside a group like "-abc") lives in the task's arena, so it is
//! per task and a fork child continues where its parent was.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use crate::kernel::task::thread::with_image;
use crate::kernel::KResult;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
enum Ordering {
    #[default]
    Permute,
    RequireOrder,
    ReturnInOrder,
}

#[repr(C)]
pub struct GetoptState {
    pub optarg: *mut c_char,
    pub optind: c_int,
    pub opterr: c_int,
    pub optopt: c_int,
    /// The rest of the option group being scanned ("bc" of "-abc").
    nextchar: *mut c_char,
    first_nonopt: c_int,
    last_nonopt: c_int,
    initialized: bool,
    ordering: Ordering,
}

impl GetoptState {
    pub fn init(&mut self) {
        self.optind = 1;
        self.opterr = 1;
        self.optopt = c_int::from(b'?');
    }
}

/// One entry of a `struct option` array.
#[repr(C)]
pub struct LongOption {
    pub name: *const c_char,
    pub has_arg: c_int,
    pub flag: *mut c_int,
    pub val: c_int,
}

/// The arguments of one getopt call.
pub struct Call<'a> {
    pub argc: c_int,
    pub argv: *mut *mut c_char,
    pub optstring: &'a [u8],
    pub longopts: *const LongOption,
    pub longind: *mut c_int,
    pub long_only: bool,
}

/// The messages to print, and where (the task's stderr).
fn complain(msg: &[u8]) {
    if let Ok(loc) = super::stdio::std_location(2) {
        // SAFETY: the location lives in the task's state.
        if let Ok(err) = super::stdio::check(unsafe { *loc }.cast()) {
            let _ = err.write(msg);
        }
    }
}

fn bytes_of<'a>(p: *const c_char) -> &'a [u8] {
    // SAFETY: argv strings and option names are NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_bytes()
}

impl Call<'_> {
    fn arg(&self, i: c_int) -> *mut c_char {
        // SAFETY: 0 <= i < argc, and argv has argc entries.
        unsafe { *self.argv.add(i as usize) }
    }

    fn is_nonoption(&self, i: c_int) -> bool {
        let a = bytes_of(self.arg(i));
        a.first() != Some(&b'-') || a.len() == 1
    }

    fn long(&self, i: usize) -> Option<&LongOption> {
        if self.longopts.is_null() {
            return None;
        }
        // SAFETY: the array ends with an entry whose name is null.
        let o = unsafe { &*self.longopts.add(i) };
        (!o.name.is_null()).then_some(o)
    }
}

/// glibc's exchange: moves the skipped non-options `[first_nonopt,
/// last_nonopt)` after the options `[last_nonopt, optind)`.
fn exchange(d: &mut GetoptState, c: &Call) {
    let (bottom, middle, top) = (d.first_nonopt as usize, d.last_nonopt as usize, d.optind as usize);
    if bottom < middle && middle < top {
        // SAFETY: argv has at least `optind` entries.
        let all = unsafe { std::slice::from_raw_parts_mut(c.argv, top) };
        all[bottom..top].rotate_left(middle - bottom);
    }
    d.first_nonopt += d.optind - d.last_nonopt;
    d.last_nonopt = d.optind;
}

fn posixly_correct() -> bool {
    with_image(|img| !img.env.get(b"POSIXLY_CORRECT").is_null())
}

/// One getopt step: the option character (or 0, 1, '?', ':'), -1 when the
/// options are over.
pub fn getopt(d: &mut GetoptState, c: &Call) -> KResult<c_int> {
    if c.argc < 1 || c.argv.is_null() {
        return Ok(-1);
    }
    d.optarg = ptr::null_mut();
    let mut optstring = c.optstring;
    if d.optind == 0 || !d.initialized {
        if d.optind == 0 {
            d.optind = 1;
        }
        d.first_nonopt = d.optind;
        d.last_nonopt = d.optind;
        d.nextchar = ptr::null_mut();
        d.ordering = match optstring.first() {
            Some(b'-') => Ordering::ReturnInOrder,
            Some(b'+') => Ordering::RequireOrder,
            _ if posixly_correct() => Ordering::RequireOrder,
            _ => Ordering::Permute,
        };
        d.initialized = true;
    }
    if matches!(optstring.first(), Some(b'-' | b'+')) {
        optstring = &optstring[1..];
    }
    let print_errors = d.opterr != 0 && optstring.first() != Some(&b':');
    let prog = bytes_of(c.arg(0));

    // SAFETY: nextchar, when set, points into an argv string.
    if d.nextchar.is_null() || unsafe { *d.nextchar } == 0 {
        if d.last_nonopt > d.optind {
            d.last_nonopt = d.optind;
        }
        if d.first_nonopt > d.optind {
            d.first_nonopt = d.optind;
        }
        if d.ordering == Ordering::Permute {
            if d.first_nonopt != d.last_nonopt && d.last_nonopt != d.optind {
                exchange(d, c);
            } else if d.last_nonopt != d.optind {
                d.first_nonopt = d.optind;
            }
            while d.optind < c.argc && c.is_nonoption(d.optind) {
                d.optind += 1;
            }
            d.last_nonopt = d.optind;
        }
        if d.optind != c.argc && bytes_of(c.arg(d.optind)) == b"--" {
            d.optind += 1;
            if d.first_nonopt != d.last_nonopt && d.last_nonopt != d.optind {
                exchange(d, c);
            } else if d.first_nonopt == d.last_nonopt {
                d.first_nonopt = d.optind;
            }
            d.last_nonopt = c.argc;
            d.optind = c.argc;
        }
        if d.optind >= c.argc {
            if d.first_nonopt != d.last_nonopt {
                d.optind = d.first_nonopt;
            }
            return Ok(-1);
        }
        if c.is_nonoption(d.optind) {
            if d.ordering == Ordering::RequireOrder {
                return Ok(-1);
            }
            d.optarg = c.arg(d.optind);
            d.optind += 1;
            return Ok(1);
        }
        let arg = c.arg(d.optind);
        let a = bytes_of(arg);
        if !c.longopts.is_null() {
            if a[1] == b'-' {
                // SAFETY: "--name": the name starts 2 bytes in.
                d.nextchar = unsafe { arg.add(2) };
                return Ok(long_option(d, c, optstring, print_errors, prog, b"--"));
            }
            if c.long_only && (a.len() > 2 || !optstring.contains(&a[1])) {
                // SAFETY: "-name": the name starts 1 byte in.
                d.nextchar = unsafe { arg.add(1) };
                let code = long_option(d, c, optstring, print_errors, prog, b"-");
                if code != -1 {
                    return Ok(code);
                }
            }
        }
        // SAFETY: as above.
        d.nextchar = unsafe { arg.add(1) };
    }

    // A short option.
    // SAFETY: nextchar points at a non-NUL byte of an argv string. Read
    // as u8: c_char is i8 on x86_64 and u8 on aarch64.
    let ch = unsafe { *d.nextchar.cast::<u8>() };
    // SAFETY: as above; the string goes on to its NUL.
    d.nextchar = unsafe { d.nextchar.add(1) };
    // SAFETY: as above.
    let at_end = unsafe { *d.nextchar } == 0;
    if at_end {
        d.optind += 1;
    }
    let spec = optstring.iter().position(|&b| b == ch).map(|i| &optstring[i..]);
    let Some(spec) = spec.filter(|_| ch != b':' && ch != b';') else {
        if print_errors {
            complain(&[prog, b": invalid option -- '", &[ch], b"'\n"].concat());
        }
        d.optopt = c_int::from(ch);
        return Ok(c_int::from(b'?'));
    };
    let mut result = c_int::from(ch);
    if spec.get(1) == Some(&b':') {
        if spec.get(2) == Some(&b':') {
            // Optional argument: only in the same word.
            if !at_end {
                d.optarg = d.nextchar;
                d.optind += 1;
            }
        } else if !at_end {
            d.optarg = d.nextchar;
            d.optind += 1;
        } else if d.optind >= c.argc {
            if print_errors {
                complain(&[prog, b": option requires an argument -- '", &[ch], b"'\n"].concat());
            }
            d.optopt = c_int::from(ch);
            result = c_int::from(if optstring.first() == Some(&b':') { b':' } else { b'?' });
        } else {
            d.optarg = c.arg(d.optind);
            d.optind += 1;
        }
        d.nextchar = ptr::null_mut();
    }
    Ok(result)
}

/// A long option at `nextchar` (after `prefix`); -1 when getopt_long_only
/// should try it as short options instead.
fn long_option(
    d: &mut GetoptState,
    c: &Call,
    optstring: &[u8],
    print_errors: bool,
    prog: &[u8],
    prefix: &[u8],
) -> c_int {
    let text = bytes_of(d.nextchar);
    let namelen = text.iter().position(|&b| b == b'=').unwrap_or(text.len());
    let name = &text[..namelen];
    let mut found: Option<usize> = None;
    let mut i = 0;
    while let Some(o) = c.long(i) {
        if bytes_of(o.name) == name {
            found = Some(i);
            break;
        }
        i += 1;
    }
    if found.is_none() {
        let mut ambiguous: Vec<usize> = Vec::new();
        let mut i = 0;
        while let Some(o) = c.long(i) {
            if bytes_of(o.name).starts_with(name) {
                match found {
                    None => found = Some(i),
                    Some(f) => {
                        let p = c.long(f).expect("found is an entry");
                        if c.long_only || p.has_arg != o.has_arg || p.flag != o.flag || p.val != o.val {
                            if ambiguous.is_empty() {
                                ambiguous.push(f);
                            }
                            ambiguous.push(i);
                        }
                    }
                }
            }
            i += 1;
        }
        if !ambiguous.is_empty() {
            if print_errors {
                let mut msg = [prog, b": option '", prefix, text, b"' is ambiguous; possibilities:"].concat();
                for &k in &ambiguous {
                    let o = c.long(k).expect("an entry");
                    msg.extend_from_slice(&[b" '", prefix, bytes_of(o.name), b"'"].concat());
                }
                msg.push(b'\n');
                complain(&msg);
            }
            // SAFETY: moves to the string's NUL.
            d.nextchar = unsafe { d.nextchar.add(text.len()) };
            d.optind += 1;
            d.optopt = 0;
            return c_int::from(b'?');
        }
    }
    let Some(index) = found else {
        let a = bytes_of(c.arg(d.optind));
        if !c.long_only || a.get(1) == Some(&b'-') || !optstring.contains(&text[0]) {
            if print_errors {
                complain(&[prog, b": unrecognized option '", prefix, text, b"'\n"].concat());
            }
            d.nextchar = ptr::null_mut();
            d.optind += 1;
            d.optopt = 0;
            return c_int::from(b'?');
        }
        return -1;
    };
    let o = c.long(index).expect("found is an entry");
    // SAFETY: with a '=', the value follows it inside the same string.
    let value = unsafe { d.nextchar.add((namelen + 1).min(text.len())) };
    d.optind += 1;
    d.nextchar = ptr::null_mut();
    let oname = bytes_of(o.name);
    if namelen < text.len() {
        if o.has_arg != 0 {
            d.optarg = value;
        } else {
            if print_errors {
                complain(&[prog, b": option '", prefix, oname, b"' doesn't allow an argument\n"].concat());
            }
            d.optopt = o.val;
            return c_int::from(b'?');
        }
    } else if o.has_arg == 1 {
        if d.optind < c.argc {
            d.optarg = c.arg(d.optind);
            d.optind += 1;
        } else {
            if print_errors {
                complain(&[prog, b": option '", prefix, oname, b"' requires an argument\n"].concat());
            }
            d.optopt = o.val;
            return c_int::from(if optstring.first() == Some(&b':') { b':' } else { b'?' });
        }
    }
    if !c.longind.is_null() {
        // SAFETY: a non-null out-parameter from the caller.
        unsafe { *c.longind = index as c_int };
    }
    if !o.flag.is_null() {
        // SAFETY: the option's flag variable, the guest's.
        unsafe { *o.flag = o.val };
        return 0;
    }
    o.val
}

/// The calling task's getopt state.
fn state() -> KResult<*mut GetoptState> {
    let st = super::state()?;
    // SAFETY: a field of the task's live state block.
    Ok(unsafe { &raw mut (*st).getopt })
}

/// Runs one getopt step on the calling task's state.
pub fn step(c: &Call) -> KResult<c_int> {
    // SAFETY: only this thread touches the block; stderr (written on
    // errors) is another field of it.
    getopt(unsafe { &mut *state()? }, c)
}

/// Where `optarg`, `optind`, `opterr`, `optopt` live for the calling task
/// (null if the state cannot be made).
pub fn location<T>(field: impl FnOnce(*mut GetoptState) -> *mut T) -> *mut T {
    state().map_or(ptr::null_mut(), field)
}
