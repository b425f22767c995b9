//! The environment of a program image.
//!
//! The guest's `environ` is a per-image variable: the shim turns every use
//! of `environ` into `*tvm_environ_location()`, which points at
//! [`Environ::environ`]. The guest may read it, walk it, or assign a whole new
//! array to it, as C programs do; every function here works on whatever the
//! variable currently points to, as glibc does.
//!
//! Strings and arrays the runtime makes live in the image's arena and are
//! released with the image. Replaced strings are not freed early: a program
//! may still hold the pointer `getenv` gave it (glibc keeps them too).

use std::ffi::{c_char, CStr};
use std::ptr;

use crate::kernel::{Errno, KResult};
use crate::mem::arena::{Arena, ALIGN};

const PTR: usize = std::mem::size_of::<*mut c_char>();

#[derive(Debug)]
pub struct Environ {
    /// The guest-visible `environ` variable.
    pub environ: *mut *mut c_char,
    /// The array the runtime allocated, and how many entries it can hold
    /// before its terminator.
    owned: *mut *mut c_char,
    cap: usize,
}

impl Environ {
    /// This environment with every pointer moved for a fork child (the
    /// arrays and strings themselves were copied with the arena).
    pub fn relocated(&self, r: &crate::mem::reloc::Relocator) -> Environ {
        let m = |p: *mut *mut c_char| r.map(p as usize) as *mut *mut c_char;
        Environ { environ: m(self.environ), owned: m(self.owned), cap: self.cap }
    }

    /// Wraps an array of `len` entries (plus terminator) made in the arena.
    pub fn new(array: *mut *mut c_char, len: usize) -> Environ {
        Environ { environ: array, owned: array, cap: len }
    }

    fn entries(&self) -> &[*mut c_char] {
        let env = self.environ;
        if env.is_null() {
            return &[];
        }
        let mut n = 0;
        // SAFETY: `environ` is a NULL-terminated array (the C contract for
        // the variable, whoever assigned it).
        unsafe {
            while !(*env.add(n)).is_null() {
                n += 1;
            }
            std::slice::from_raw_parts(env, n)
        }
    }

    /// Index of the first entry `NAME=...`.
    fn find(&self, name: &[u8]) -> Option<usize> {
        self.entries().iter().position(|&e| {
            // SAFETY: entries are NUL-terminated strings.
            let bytes = unsafe { CStr::from_ptr(e) }.to_bytes();
            bytes.len() > name.len() && bytes.starts_with(name) && bytes[name.len()] == b'='
        })
    }

    /// The value of `name`, pointing into the environment string.
    pub fn get(&self, name: &[u8]) -> *mut c_char {
        match self.find(name) {
            // SAFETY: the entry is at least name.len() + 1 bytes long.
            Some(i) => unsafe { self.entries()[i].add(name.len() + 1) },
            None => ptr::null_mut(),
        }
    }

    /// Every entry, copied (for spawn and exec of the current environment).
    pub fn to_vec(&self) -> Vec<std::ffi::CString> {
        self.entries()
            .iter()
            // SAFETY: entries are NUL-terminated strings.
            .map(|&e| unsafe { CStr::from_ptr(e) }.to_owned())
            .collect()
    }

    /// Puts `entry` (a `NAME=value` string the caller keeps alive) in place
    /// of the first `name` entry, or appends it.
    fn put(&mut self, heap: &mut Arena, name: &[u8], entry: *mut c_char) -> KResult<()> {
        if let Some(i) = self.find(name) {
            // SAFETY: i < number of entries of the live array.
            unsafe { *self.environ.add(i) = entry };
            return Ok(());
        }
        let n = self.entries().len();
        if self.environ == self.owned && n < self.cap {
            // SAFETY: the owned array has room for cap entries + terminator.
            unsafe {
                *self.owned.add(n) = entry;
                *self.owned.add(n + 1) = ptr::null_mut();
            }
            return Ok(());
        }
        let cap = (n + 1).max(16).max(n * 2);
        let arr = if self.environ == self.owned {
            // SAFETY: the owned array is a live allocation of this arena.
            unsafe { heap.realloc(self.owned.cast(), (cap + 1) * PTR) }
        } else {
            let arr = heap.alloc((cap + 1) * PTR, ALIGN);
            if !arr.is_null() && n > 0 {
                // SAFETY: copies n live pointers into the new, larger array.
                unsafe { ptr::copy_nonoverlapping(self.environ, arr.cast(), n) };
            }
            arr
        }
        .cast::<*mut c_char>();
        if arr.is_null() {
            return Err(Errno::ENOMEM);
        }
        // SAFETY: arr has cap + 1 >= n + 2 slots.
        unsafe {
            *arr.add(n) = entry;
            *arr.add(n + 1) = ptr::null_mut();
        }
        self.environ = arr;
        self.owned = arr;
        self.cap = cap;
        Ok(())
    }

    /// setenv(3).
    pub fn set(&mut self, heap: &mut Arena, name: &[u8], value: &[u8], overwrite: bool) -> KResult<()> {
        check_name(name)?;
        if !overwrite && self.find(name).is_some() {
            return Ok(());
        }
        let mut s = Vec::with_capacity(name.len() + value.len() + 2);
        s.extend_from_slice(name);
        s.push(b'=');
        s.extend_from_slice(value);
        let s = std::ffi::CString::new(s).map_err(|_| Errno::EINVAL)?;
        let entry = heap.alloc_cstr(&s);
        if entry.is_null() {
            return Err(Errno::ENOMEM);
        }
        self.put(heap, name, entry)
    }

    /// putenv(3): the string itself becomes part of the environment. A
    /// string without `=` removes the variable, as glibc does.
    ///
    /// # Safety
    /// `string` must be a NUL-terminated string that outlives its use in
    /// the environment (putenv's own contract).
    pub unsafe fn put_string(&mut self, heap: &mut Arena, string: *mut c_char) -> KResult<()> {
        // SAFETY: the caller passes a NUL-terminated string.
        let bytes = unsafe { CStr::from_ptr(string) }.to_bytes();
        match bytes.iter().position(|&b| b == b'=') {
            None => self.unset(bytes),
            Some(eq) => self.put(heap, &bytes[..eq], string),
        }
    }

    /// unsetenv(3): removes every `name` entry.
    pub fn unset(&mut self, name: &[u8]) -> KResult<()> {
        check_name(name)?;
        while let Some(i) = self.find(name) {
            let n = self.entries().len();
            // SAFETY: shifts entries i+1..=n (terminator included) down by one
            // inside the live array.
            unsafe { ptr::copy(self.environ.add(i + 1), self.environ.add(i), n - i) };
        }
        Ok(())
    }

    /// clearenv(3).
    pub fn clear(&mut self) {
        self.environ = ptr::null_mut();
    }
}

fn check_name(name: &[u8]) -> KResult<()> {
    if name.is_empty() || name.contains(&b'=') {
        Err(Errno::EINVAL)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn env_from(heap: &mut Arena, items: &[&str]) -> Environ {
        let arr = heap.alloc((items.len() + 1) * PTR, ALIGN).cast::<*mut c_char>();
        for (i, s) in items.iter().enumerate() {
            let c = CString::new(*s).unwrap();
            // SAFETY: arr has items.len() + 1 slots.
            unsafe { *arr.add(i) = heap.alloc_cstr(&c) };
        }
        // SAFETY: as above.
        unsafe { *arr.add(items.len()) = ptr::null_mut() };
        Environ::new(arr, items.len())
    }

    fn strings(e: &Environ) -> Vec<String> {
        e.to_vec().into_iter().map(|c| c.into_string().unwrap()).collect()
    }

    #[test]
    fn set_get_unset() {
        let mut heap = Arena::new(16 << 20).unwrap();
        let mut e = env_from(&mut heap, &["A=1", "B=2"]);
        // SAFETY: get returns a pointer into a live entry.
        assert_eq!(unsafe { CStr::from_ptr(e.get(b"B")) }, c"2");
        assert!(e.get(b"C").is_null());
        e.set(&mut heap, b"A", b"x", false).unwrap();
        e.set(&mut heap, b"C", b"3", false).unwrap();
        e.set(&mut heap, b"B", b"", true).unwrap();
        assert_eq!(strings(&e), ["A=1", "B=", "C=3"]);
        e.unset(b"A").unwrap();
        assert_eq!(strings(&e), ["B=", "C=3"]);
        assert_eq!(e.set(&mut heap, b"X=Y", b"1", true), Err(Errno::EINVAL));
        assert_eq!(e.unset(b""), Err(Errno::EINVAL));
        for i in 0..100 {
            e.set(&mut heap, format!("V{i}").as_bytes(), b"v", true).unwrap();
        }
        assert_eq!(e.to_vec().len(), 102);
        e.clear();
        assert!(e.to_vec().is_empty());
        e.set(&mut heap, b"Z", b"1", true).unwrap();
        assert_eq!(strings(&e), ["Z=1"]);
    }
}
