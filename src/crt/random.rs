//! The C library's random number generators, per task: `rand`/`random`
//! (glibc's additive feedback generator, the same numbers for the same
//! seed), `initstate`/`setstate`, and the `drand48` family's shared state.
//!
//! glibc's `random` keeps `deg` words of state and a separation `sep`:
//! each output adds the word `sep` places back into the current one and
//! returns it shifted right by one. Seeding fills the state with a
//! Park-Miller sequence and discards `10 * deg` outputs. The default state
//! is type 3 (31 words, separation 3), as if `initstate(1, state, 128)` had
//! run; `rand()` is `random()`. A guest's `initstate` buffer is used in
//! place, its first word recording the type and position as glibc's does,
//! so `setstate` can switch between buffers.

use std::ffi::{c_char, c_uint};
use std::ptr;

/// (degree, separation) of types 0 to 4 (type 0 is a plain LCG).
const TYPES: [(usize, usize); 5] = [(0, 0), (7, 3), (15, 1), (31, 3), (63, 1)];
const MAX_TYPES: i32 = 5;
const DEFAULT_TYPE: usize = 3;
/// Words of the built-in state: the type word and 31 words of type 3.
const OWN_WORDS: usize = 32;

#[repr(C)]
pub struct RandomState {
    /// The built-in state buffer (word 0 records the type and position).
    own: [i32; OWN_WORDS],
    /// The buffer in use: `own` or a guest's, from initstate/setstate.
    buf: *mut i32,
    kind: usize,
    /// Index (into the words after the type word) of the front and rear
    /// taps.
    front: usize,
    rear: usize,
    ready: bool,
    pub drand: Drand48,
}

impl RandomState {
    fn words(&self) -> *mut i32 {
        // SAFETY: word 0 is the type word; the state follows.
        unsafe { self.buf.add(1) }
    }

    fn ensure(&mut self) {
        if !self.ready {
            self.buf = self.own.as_mut_ptr();
            self.kind = DEFAULT_TYPE;
            self.ready = true;
            self.seed(1);
        }
    }

    /// Records type and rear position in the buffer's first word.
    fn save(&mut self) {
        let word = if self.kind == 0 { 0 } else { MAX_TYPES * self.rear as i32 + self.kind as i32 };
        // SAFETY: the buffer has its type word.
        unsafe { *self.buf = word };
    }

    fn seed(&mut self, seed: c_uint) {
        let (deg, sep) = TYPES[self.kind];
        let w = self.words();
        let first = if seed == 0 { 1 } else { seed as i32 };
        // SAFETY: the buffer has `deg` (or, for type 0, 1) state words.
        unsafe { *w = first };
        if self.kind == 0 {
            return;
        }
        let mut word = first;
        for i in 1..deg {
            // Park-Miller 16807 by Schrage's method, as glibc computes it.
            let hi = word / 127_773;
            let lo = word % 127_773;
            word = 16_807 * lo - 2_836 * hi;
            if word < 0 {
                word += 2_147_483_647;
            }
            // SAFETY: i < deg.
            unsafe { *w.add(i) = word };
        }
        self.front = sep;
        self.rear = 0;
        for _ in 0..10 * deg {
            self.next();
        }
        self.save();
    }

    fn next(&mut self) -> i32 {
        let w = self.words();
        if self.kind == 0 {
            // SAFETY: type 0 has one state word.
            unsafe {
                let v = ((*w).wrapping_mul(1_103_515_245).wrapping_add(12_345)) & 0x7fff_ffff;
                *w = v;
                return v;
            }
        }
        let (deg, _) = TYPES[self.kind];
        // SAFETY: front and rear stay below deg.
        let v = unsafe {
            let sum = (*w.add(self.front)).wrapping_add(*w.add(self.rear));
            *w.add(self.front) = sum;
            ((sum as u32) >> 1) as i32
        };
        self.front = (self.front + 1) % deg;
        self.rear = (self.rear + 1) % deg;
        v
    }
}

/// random(3) and rand(3).
pub fn random(st: &mut RandomState) -> i32 {
    st.ensure();
    let v = st.next();
    st.save();
    v
}

/// srandom(3) and srand(3).
pub fn srandom(st: &mut RandomState, seed: c_uint) {
    st.ensure();
    st.seed(seed);
}

/// The type glibc picks for a state buffer of `n` bytes (None: too small).
fn type_for(n: usize) -> Option<usize> {
    match n {
        0..=7 => None,
        8..=31 => Some(0),
        32..=63 => Some(1),
        64..=127 => Some(2),
        128..=255 => Some(3),
        _ => Some(4),
    }
}

/// initstate(3): seeds and uses the guest's buffer of `n` bytes; returns
/// the previous buffer (null with EINVAL when `n` < 8).
///
/// # Safety
/// `buf` must be valid for `n` bytes, 4-aligned, and outlive its use.
pub unsafe fn initstate(st: &mut RandomState, seed: c_uint, buf: *mut c_char, n: usize) -> Option<*mut c_char> {
    st.ensure();
    let kind = type_for(n)?;
    st.save();
    let old = st.buf;
    st.buf = buf.cast();
    st.kind = kind;
    st.seed(seed);
    Some(old.cast())
}

/// setstate(3): switches to a buffer initstate prepared (its first word
/// says its type and position); returns the previous one, or None (EINVAL)
/// when the word is not a valid type.
///
/// # Safety
/// `buf` must be a state buffer that initstate filled.
pub unsafe fn setstate(st: &mut RandomState, buf: *mut c_char) -> Option<*mut c_char> {
    st.ensure();
    // SAFETY: per the caller.
    let word = unsafe { *buf.cast::<i32>() };
    let kind = (word % MAX_TYPES) as usize;
    let rear = (word / MAX_TYPES) as usize;
    if word < 0 || kind >= TYPES.len() || (kind > 0 && rear >= TYPES[kind].0) {
        return None;
    }
    st.save();
    let old = st.buf;
    st.buf = buf.cast();
    st.kind = kind;
    if kind > 0 {
        let (deg, sep) = TYPES[kind];
        st.rear = rear;
        st.front = (rear + sep) % deg;
    }
    Some(old.cast())
}

/// The drand48 family's state: a 48-bit linear congruential generator.
#[repr(C)]
pub struct Drand48 {
    x: u64,
    a: u64,
    c: u16,
    ready: bool,
    /// seed48's answer: the previous seed.
    old: [u16; 3],
}

const A_DEFAULT: u64 = 0x5_DEEC_E66D;
const C_DEFAULT: u16 = 0xB;
const MASK48: u64 = (1 << 48) - 1;

impl Drand48 {
    fn step(&mut self) -> u64 {
        if !self.ready {
            self.a = A_DEFAULT;
            self.c = C_DEFAULT;
            self.ready = true;
        }
        self.x = (self.a.wrapping_mul(self.x).wrapping_add(u64::from(self.c))) & MASK48;
        self.x
    }

    /// drand48: uniform in [0, 1).
    pub fn double(&mut self) -> f64 {
        self.step() as f64 / (1u64 << 48) as f64
    }

    /// lrand48: uniform in [0, 2^31).
    pub fn nonnegative(&mut self) -> i64 {
        (self.step() >> 17) as i64
    }

    /// mrand48: uniform in [-2^31, 2^31).
    pub fn signed(&mut self) -> i64 {
        i64::from((self.step() >> 16) as u32 as i32)
    }

    /// srand48.
    pub fn seed(&mut self, seed: i64) {
        self.x = ((seed as u64 & 0xffff_ffff) << 16 | 0x330E) & MASK48;
        self.a = A_DEFAULT;
        self.c = C_DEFAULT;
        self.ready = true;
    }

    /// seed48: returns the previous seed (in the task's buffer).
    pub fn seed48(&mut self, v: [u16; 3]) -> *mut u16 {
        self.old = [self.x as u16, (self.x >> 16) as u16, (self.x >> 32) as u16];
        self.x = u64::from(v[0]) | u64::from(v[1]) << 16 | u64::from(v[2]) << 32;
        self.a = A_DEFAULT;
        self.c = C_DEFAULT;
        self.ready = true;
        self.old.as_mut_ptr()
    }

    /// lcong48.
    pub fn lcong48(&mut self, p: [u16; 7]) {
        self.x = u64::from(p[0]) | u64::from(p[1]) << 16 | u64::from(p[2]) << 32;
        self.a = u64::from(p[3]) | u64::from(p[4]) << 16 | u64::from(p[5]) << 32;
        self.c = p[6];
        self.ready = true;
    }
}

impl Default for RandomState {
    fn default() -> RandomState {
        RandomState {
            own: [0; OWN_WORDS],
            buf: ptr::null_mut(),
            kind: DEFAULT_TYPE,
            front: 0,
            rear: 0,
            ready: false,
            drand: Drand48 { x: 0, a: 0, c: 0, ready: false, old: [0; 3] },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_1_is_glibcs_sequence() {
        let mut st = RandomState::default();
        let got: Vec<i32> = (0..5).map(|_| random(&mut st)).collect();
        assert_eq!(got, [1804289383, 846930886, 1681692777, 1714636915, 1957747793]);
        srandom(&mut st, 1);
        assert_eq!(random(&mut st), 1804289383);
    }

    #[test]
    fn same_numbers_as_glibc() {
        // Values printed by the native glibc for the same calls.
        let mut st = RandomState::default();
        srandom(&mut st, 12345);
        assert_eq!([random(&mut st), random(&mut st), random(&mut st)], [383100999, 858300821, 357768173]);
        let prev = st.buf.cast::<c_char>();
        let mut s8 = [0i32; 2];
        let mut s32 = [0i32; 8];
        let mut s64 = [0i32; 16];
        let mut s256 = [0i32; 64];
        // SAFETY: each buffer has the size given and outlives its use.
        unsafe {
            assert!(initstate(&mut st, 7, s8.as_mut_ptr().cast(), 8).is_some());
            assert_eq!([random(&mut st), random(&mut st)], [1282168116, 642666333]);
            initstate(&mut st, 7, s32.as_mut_ptr().cast(), 32);
            assert_eq!([random(&mut st), random(&mut st)], [1380991591, 1769076016]);
            initstate(&mut st, 7, s64.as_mut_ptr().cast(), 64);
            assert_eq!([random(&mut st), random(&mut st)], [1539280666, 119640454]);
            initstate(&mut st, 7, s256.as_mut_ptr().cast(), 256);
            assert_eq!([random(&mut st), random(&mut st)], [1845920155, 920894829]);
            setstate(&mut st, s32.as_mut_ptr().cast());
            assert_eq!(random(&mut st), 21842418);
            setstate(&mut st, prev);
            assert_eq!(random(&mut st), 455528251);
            assert!(initstate(&mut st, 7, s8.as_mut_ptr().cast(), 7).is_none());
        }
        srandom(&mut st, 0);
        assert_eq!(random(&mut st), 1804289383);

        let mut d = RandomState::default().drand;
        d.seed(0);
        assert_eq!(d.nonnegative(), 366850414);
        assert_eq!(d.signed(), -1074162815);
        assert_eq!(d.double(), 0.09637165562356742);
        let old = d.seed48([1, 2, 3]);
        // SAFETY: seed48 returns the address of its 3-word buffer.
        assert_eq!(unsafe { [*old, *old.add(1), *old.add(2)] }, [10787, 53269, 6315]);
        assert_eq!(d.nonnegative(), 949179875);
    }
}
