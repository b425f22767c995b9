//! Copying memory to a fork child and relocating the pointers in it.
//!
//! A fork child gets copies of the parent's stack (from the fork point up),
//! arena and guest globals at new addresses. Every pointer-sized,
//! pointer-aligned word in those copies whose value lies in one of the
//! parent's ranges (one-past-the-end included) is moved by that range's
//! offset, so it points at the child's copy of the same byte. The ranges
//! are exact, so nothing is guessed about the layout of the memory: any word
//! that looks like a pointer into the copied ranges is treated as one (an
//! integer that happens to equal such an address would be moved too; see
//! docs/fork.md).

const WORD: usize = std::mem::size_of::<usize>();

/// Copies of at least this many bytes write around the cache on x86_64: a
/// big heap's copy is written once and read later if at all, and a
/// streaming store does not read each destination line in before writing
/// it (docs/performance.md: 20% less time at 16 and 64 MiB).
#[cfg(target_arch = "x86_64")]
const STREAM_BYTES: usize = 1 << 20;

/// One copied range: parent addresses `[start, end]` (inclusive of
/// one-past-the-end) move by `delta`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    start: usize,
    end: usize,
    delta: usize,
}

/// The parent-to-child address map of one fork.
#[derive(Debug, Default)]
pub struct Relocator {
    /// Sorted by start, non-overlapping.
    ranges: Vec<Range>,
    lo: usize,
    hi: usize,
}

impl Relocator {
    pub fn new() -> Relocator {
        Relocator { ranges: Vec::new(), lo: usize::MAX, hi: 0 }
    }

    /// Declares that parent bytes `[from, from + len)` are copied to `to`.
    pub fn add(&mut self, from: usize, len: usize, to: usize) {
        let r = Range { start: from, end: from + len, delta: to.wrapping_sub(from) };
        let i = self.ranges.partition_point(|x| x.start < r.start);
        self.ranges.insert(i, r);
        self.lo = self.lo.min(r.start);
        self.hi = self.hi.max(r.end);
    }

    /// Where the child finds what the parent had at `addr`.
    #[inline]
    pub fn map(&self, addr: usize) -> usize {
        if addr < self.lo || addr > self.hi {
            return addr;
        }
        // The last range starting at or before addr; ranges do not overlap,
        // but a one-past-the-end may equal the next start: prefer the range
        // that starts there (it is a real address of that object).
        let i = self.ranges.partition_point(|r| r.start <= addr);
        if i == 0 {
            return addr;
        }
        let r = self.ranges[i - 1];
        if addr <= r.end {
            addr.wrapping_add(r.delta)
        } else {
            addr
        }
    }

    /// Copies words, relocating each. Most blocks of memory hold no value in
    /// the copied ranges at all: those are found with a branch-free check
    /// the compiler vectorizes, and copied as they are. On x86_64 the check
    /// needs 64-bit vector compares (AVX2), picked at run time.
    fn copy_words(&self, d: &mut [usize], s: &[usize]) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            if d.len() * WORD >= STREAM_BYTES {
                // SAFETY: the CPU supports AVX2 (checked just above).
                return unsafe { self.stream_words_avx2(d, s) };
            }
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.copy_words_avx2(d, s) };
        }
        self.copy_words_any(d, s)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn copy_words_avx2(&self, d: &mut [usize], s: &[usize]) {
        self.copy_words_any(d, s)
    }

    /// The same copy with streaming stores for the blocks that hold no
    /// candidate; a block that does is relocated with ordinary stores.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn stream_words_avx2(&self, d: &mut [usize], s: &[usize]) {
        use std::arch::x86_64::*;
        const VECS: usize = 4;
        const BLOCK: usize = VECS * 32 / WORD;
        // Streaming stores need 32-byte aligned destinations.
        let skew = d.as_ptr().align_offset(32).min(d.len());
        let (dh, d) = d.split_at_mut(skew);
        let (sh, s) = s.split_at(skew);
        self.copy_words_any(dh, sh);
        let blocks = d.len() / BLOCK;
        // A word is a candidate when `w - lo <= span` unsigned; AVX2
        // compares signed, so both sides get their sign bit flipped.
        let sign = _mm256_set1_epi64x(i64::MIN);
        let lo = _mm256_set1_epi64x(self.lo as i64);
        let span = _mm256_xor_si256(_mm256_set1_epi64x(self.hi.wrapping_sub(self.lo) as i64), sign);
        for b in 0..blocks {
            let at = b * BLOCK;
            // SAFETY: block `b` lies inside both slices (`blocks` whole
            // blocks fit); `d`'s blocks are 32-byte aligned (the skew went
            // first), unaligned loads read `s`.
            unsafe {
                let sp = s.as_ptr().add(at).cast::<__m256i>();
                let dp = d.as_mut_ptr().add(at).cast::<__m256i>();
                let v: [__m256i; VECS] = std::array::from_fn(|i| _mm256_loadu_si256(sp.add(i)));
                let mut outside = _mm256_set1_epi64x(-1);
                for x in v {
                    let off = _mm256_xor_si256(_mm256_sub_epi64(x, lo), sign);
                    outside = _mm256_and_si256(outside, _mm256_cmpgt_epi64(off, span));
                }
                if _mm256_movemask_epi8(outside) == -1 {
                    for (i, x) in v.into_iter().enumerate() {
                        _mm256_stream_si256(dp.add(i), x);
                    }
                } else {
                    for i in at..at + BLOCK {
                        *d.get_unchecked_mut(i) = self.map(*s.get_unchecked(i));
                    }
                }
            }
        }
        // Streaming stores are weakly ordered: they must be visible before
        // the child that reads them is started.
        _mm_sfence();
        let done = blocks * BLOCK;
        self.copy_words_any(&mut d[done..], &s[done..]);
    }

    #[inline(always)]
    fn copy_words_any(&self, d: &mut [usize], s: &[usize]) {
        const BLOCK: usize = 32;
        let (lo, span) = (self.lo, self.hi.wrapping_sub(self.lo));
        let mut dc = d.chunks_exact_mut(BLOCK);
        let mut sc = s.chunks_exact(BLOCK);
        for (db, sb) in (&mut dc).zip(&mut sc) {
            let sb: &[usize; BLOCK] = sb.try_into().expect("exact chunk");
            let db: &mut [usize; BLOCK] = db.try_into().expect("exact chunk");
            // Copy and test in one fixed, branch-free loop; fix up the rare
            // block that holds a candidate.
            let mut hit = false;
            for i in 0..BLOCK {
                let w = sb[i];
                db[i] = w;
                hit |= w.wrapping_sub(lo) <= span;
            }
            if hit {
                for (dw, &sw) in db.iter_mut().zip(sb) {
                    *dw = self.map(sw);
                }
            }
        }
        for (dw, &sw) in dc.into_remainder().iter_mut().zip(sc.remainder()) {
            *dw = self.map(sw);
        }
    }

    /// Copies `len` bytes from parent `src` to child `dst`, relocating every
    /// aligned word.
    ///
    /// # Safety
    /// `src` must be readable and `dst` writable for `len` bytes; they must
    /// not overlap and must have the same alignment modulo the word size.
    pub unsafe fn copy(&self, dst: *mut u8, src: *const u8, len: usize) {
        debug_assert_eq!(dst as usize % WORD, src as usize % WORD);
        let head = ((WORD - src as usize % WORD) % WORD).min(len);
        let words = (len - head) / WORD;
        let tail = len - head - words * WORD;
        // SAFETY: all accesses stay inside [src, src+len) and [dst, dst+len),
        // and the word accesses are aligned (same alignment on both sides).
        unsafe {
            std::ptr::copy_nonoverlapping(src, dst, head);
            // A range shorter than its alignment gap has no aligned word
            // (and no aligned pointer to make an empty slice from).
            if words > 0 {
                let s = std::slice::from_raw_parts(src.add(head).cast::<usize>(), words);
                let d = std::slice::from_raw_parts_mut(dst.add(head).cast::<usize>(), words);
                self.copy_words(d, s);
            }
            let off = head + words * WORD;
            std::ptr::copy_nonoverlapping(src.add(off), dst.add(off), tail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_inclusive_ranges_and_leaves_others() {
        let mut r = Relocator::new();
        r.add(1000, 100, 5000);
        r.add(2000, 16, 9000);
        assert_eq!(r.map(1000), 5000);
        assert_eq!(r.map(1050), 5050);
        assert_eq!(r.map(1100), 5100, "one past the end moves too");
        assert_eq!(r.map(1101), 1101);
        assert_eq!(r.map(999), 999);
        assert_eq!(r.map(2008), 9008);
        assert_eq!(r.map(0), 0);
        assert_eq!(r.map(usize::MAX), usize::MAX);
    }

    #[test]
    fn adjacent_ranges_prefer_the_one_starting_there() {
        let mut r = Relocator::new();
        r.add(1000, 100, 5000);
        r.add(1100, 100, 9000);
        assert_eq!(r.map(1100), 9000);
        assert_eq!(r.map(1099), 5099);
    }

    #[test]
    fn copies_and_relocates_words_keeping_unaligned_edges() {
        let src: Vec<usize> = vec![0, 0, 0, 0];
        let base = src.as_ptr() as usize;
        let mut src = src;
        src[0] = base + 8; // points into the source itself
        src[1] = 12345;
        src[2] = base + 32; // one past the end
        src[3] = base - 1; // just before: untouched
        let mut dst = vec![0usize; 4];
        let mut r = Relocator::new();
        r.add(base, 32, dst.as_ptr() as usize);
        // SAFETY: both buffers are 32 bytes and word-aligned.
        unsafe { r.copy(dst.as_mut_ptr().cast(), src.as_ptr().cast(), 32) };
        let d = dst.as_ptr() as usize;
        assert_eq!(dst, vec![d + 8, 12345, d + 32, base - 1]);
    }

    #[test]
    fn copies_a_range_shorter_than_its_alignment_gap() {
        // A one-byte global at an odd address: no aligned word inside.
        let src = [0u8, 0, 0, 0, 0, 7, 0, 0];
        let mut dst = [0u8; 8];
        let r = Relocator::new();
        // SAFETY: one byte inside each 8-byte buffer, same offset.
        unsafe { r.copy(dst.as_mut_ptr().add(5), src.as_ptr().add(5), 1) };
        assert_eq!(dst[5], 7);
        // SAFETY: three bytes from offset 5, still no whole aligned word.
        unsafe { r.copy(dst.as_mut_ptr().add(5), src.as_ptr().add(5), 3) };
        assert_eq!(dst[5..], [7, 0, 0]);
    }

    /// A copy large enough to stream relocates exactly as the plain copy
    /// does, from an unaligned start, with candidates at block edges.
    #[test]
    fn big_copies_relocate_the_same_as_small_ones() {
        let n = (2 << 20) / WORD + 13;
        let mut src: Vec<usize> = (0..n).map(|i| 0x5a5a_5a5a_5a5a_5a5a ^ i).collect();
        let base = src.as_ptr() as usize;
        for i in (0..n).step_by(4099).chain([1, 16, 17, n - 1]) {
            src[i] = base + i * WORD;
        }
        src[100] = base + n * WORD; // one past the end
        src[200] = base - 8; // just before: untouched
        let mut dst = vec![0usize; n + 1];
        let mut r = Relocator::new();
        // The destination starts one word in: not 32-byte aligned.
        let to = dst.as_ptr() as usize + WORD;
        r.add(base, n * WORD, to);
        // SAFETY: `dst` has room for `n` words from its second one.
        unsafe { r.copy(dst.as_mut_ptr().add(1).cast(), src.as_ptr().cast(), n * WORD) };
        let want: Vec<usize> = src.iter().map(|&w| r.map(w)).collect();
        assert_eq!(dst[1..], want[..]);
        assert_eq!(dst[2], to + WORD, "a pointer moved");
        assert_eq!(dst[201], base - 8);
        assert_eq!(dst[3], src[2], "a plain word kept");
    }
}

#[cfg(test)]
mod speed {
    use super::*;

    #[test]
    #[ignore = "timing probe, run by hand"]
    fn copy_speed() {
        let n = 1 << 17; // 1 MiB of words
        let src: Vec<usize> = (0..n).map(|i| 0x5a5a_5a5a_5a5a_5a5a ^ i).collect();
        let mut dst = vec![0usize; n];
        let mut r = Relocator::new();
        r.add(0x7f00_0000_0000, 1 << 20, 0x7f10_0000_0000);
        r.add(0x7f20_0000_0000, 1 << 20, 0x7f30_0000_0000);
        let t = std::time::Instant::now();
        for _ in 0..100 {
            // SAFETY: equal-size, aligned buffers.
            unsafe { r.copy(dst.as_mut_ptr().cast(), src.as_ptr().cast(), n * WORD) };
        }
        println!("relocating copy: {:?} per MiB", t.elapsed() / 100);
        let t = std::time::Instant::now();
        for _ in 0..100 {
            dst.copy_from_slice(&src);
        }
        println!("plain copy: {:?} per MiB", t.elapsed() / 100);
    }
}
