//! The AVX-512BW and AVX2 lane operations of the matrix kernels
//! ([`Lanes512`], [`Lanes256`]: the loops are [`super::skeleton`]'s), and
//! the wide accumulator on AVX-512. Each computes, lane for lane, what
//! [`super::portable`] computes; see the parent module for the lane
//! representation and the order of additions.
//!
//! A lane type holds the token of its instruction set ([`Avx512`],
//! [`Avx2`]), so its operations may call the `#[target_feature]` functions
//! here. Memory accesses stay inside the slices: `PackedB` rows are padded
//! to a multiple of 32 columns, outputs are written with masked or bounded
//! stores, and table indices are clamped to the table (see the SAFETY
//! notes at each access).

use core::arch::x86_64::*;

use super::PackedWide;
use super::portable;
use super::skeleton::Lanes;
use crate::lns::Lookup;
use crate::lns::tables::LnsTables;
use crate::lns::x86::{
    Avx2, Avx512, Perm256, Perm512, Shift256, Shift512, gather_words256, gather_words512,
    shift_delta256, shift_delta512,
};

// ---------------------------------------------------------------- AVX-512 --

/// Constants of the AVX-512 step, built once per call.
#[derive(Clone, Copy)]
struct C512 {
    zero: __m512i,
    max: __m512i,
    /// Gather: the cutoff.
    cut: __m512i,
    /// Gather: `half_log2 − 5`.
    half_shift: __m128i,
    /// Word assembly: `mag_bits − 5`.
    sign_shift: __m128i,
    /// Bucketed Δ.
    perm: Perm512,
    /// Computed Δ.
    shifted: Shift512,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn consts512(t: &LnsTables) -> C512 {
    C512 {
        zero: _mm512_setzero_si512(),
        max: _mm512_set1_epi16(t.max),
        cut: _mm512_set1_epi16(t.cutoff as i16),
        half_shift: _mm_cvtsi32_si128(t.half_log2 as i32 - 5),
        sign_shift: _mm_cvtsi32_si128(t.mag_bits as i32 - 5),
        perm: Perm512::new(t.structured.as_ref()),
        shifted: Shift512::new(t.shifted.as_ref()),
    }
}

/// One log-add, 32 lanes: `acc ⊞ x` (`x` magnitude `m`, sign `sg`, 0 or
/// 32). See `portable::step`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn step512<const L: u8, const CLAMP: bool>(
    c: &C512,
    full: *const i32,
    acc_m: &mut __m512i,
    acc_s: &mut __m512i,
    m: __m512i,
    sg: __m512i,
) {
    let big = _mm512_max_epi16(*acc_m, m);
    let small = _mm512_min_epi16(*acc_m, m);
    let d = _mm512_sub_epi16(big, small);
    let lt = _mm512_cmpgt_epi16_mask(m, *acc_m);
    // Lanes with a zero operand add nothing.
    let live = _mm512_cmpgt_epi16_mask(small, c.zero);
    if L == Lookup::Shift as u8 {
        // Lanes with a zero operand keep the larger one (the mask of the add).
        let diff = _mm512_cmpneq_epi16_mask(*acc_s, sg);
        let t = shift_delta512(&c.shifted, d, diff);
        let mut r = _mm512_mask_adds_epi16(big, live, big, t);
        if CLAMP {
            r = _mm512_min_epi16(r, c.max);
        }
        *acc_m = r;
        *acc_s = _mm512_mask_blend_epi16(lt, *acc_s, sg);
        return;
    }
    let t = if L == Lookup::Gather as u8 {
        let idx = _mm512_min_epu16(d, c.cut);
        let off = _mm512_sll_epi16(_mm512_xor_si512(*acc_s, sg), c.half_shift);
        let idx = _mm512_add_epi16(idx, off);
        // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
        unsafe { gather_words512(full, idx, live) }
    } else {
        let idx = c.perm.slot(d, Lookup::rounds(L));
        // idx | (acc_s ^ sg): bit 5 picks the −Δ− half when the signs differ.
        let idx = _mm512_ternarylogic_epi32(idx, *acc_s, sg, 0xf6);
        c.perm.delta(idx, live)
    };
    let mut r = _mm512_adds_epi16(big, t);
    if CLAMP {
        r = _mm512_min_epi16(r, c.max);
    }
    *acc_m = r;
    *acc_s = _mm512_mask_blend_epi16(lt, *acc_s, sg);
}

/// Writes the first `dst.len() ≤ 32` lanes (magnitudes `m`, signs `s`) as
/// words.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn store512(cs: &C512, m: __m512i, s: __m512i, dst: &mut [u16]) {
    let live = _mm512_cmpgt_epi16_mask(m, cs.zero);
    let sign = _mm512_sll_epi16(s, cs.sign_shift);
    let word = _mm512_maskz_mov_epi16(live, _mm512_or_si512(m, sign));
    let lanes = dst.len().min(32);
    let mask = if lanes == 32 {
        u32::MAX
    } else {
        (1u32 << lanes) - 1
    };
    // SAFETY: the mask limits the store to the `lanes` words of `dst`.
    unsafe { _mm512_mask_storeu_epi16(dst.as_mut_ptr().cast(), mask, word) };
}

/// The AVX-512 lanes: 32 words, Δ found by `L` (a
/// [`Lookup`] as `u8`), magnitudes clamped to the format's largest if
/// `CLAMP`.
pub(crate) struct Lanes512<const L: u8, const CLAMP: bool> {
    c: C512,
    full: *const i32,
    _isa: Avx512,
}

impl<const L: u8, const CLAMP: bool> Lanes512<L, CLAMP> {
    /// The lanes for the tables `t`.
    #[inline(always)]
    pub(crate) fn new(isa: Avx512, t: &LnsTables) -> Self {
        // SAFETY: the token proves the CPU has AVX-512F/BW.
        let c = unsafe { consts512(t) };
        Lanes512 {
            c,
            full: t.full.as_ptr().cast(),
            _isa: isa,
        }
    }
}

// SAFETY (every block below): `self` holds an `Avx512` token, so the CPU
// has AVX-512F/BW; memory is touched only where a comment says so.
impl<const L: u8, const CLAMP: bool> Lanes for Lanes512<L, CLAMP> {
    const LANES: usize = 32;
    const TWO_ROWS_WIDE: bool = false;
    const KC: usize = 48;
    type V = __m512i;

    #[inline(always)]
    fn zero(&self) -> __m512i {
        self.c.zero
    }

    #[inline(always)]
    unsafe fn load(&self, p: *const u16) -> __m512i {
        // SAFETY: the caller keeps 32 words readable from `p`.
        unsafe { _mm512_loadu_si512(p.cast()) }
    }

    #[inline(always)]
    fn splat(&self, pair: u32) -> __m512i {
        // SAFETY: see the impl.
        unsafe { _mm512_set1_epi32(pair as i32) }
    }

    #[inline(always)]
    fn product(&self, a: __m512i, bm: __m512i) -> __m512i {
        // SAFETY: see the impl.
        unsafe {
            let m = _mm512_adds_epi16(a, bm);
            if CLAMP {
                _mm512_min_epi16(m, self.c.max)
            } else {
                m
            }
        }
    }

    #[inline(always)]
    fn step(&self, acc_m: &mut __m512i, acc_s: &mut __m512i, m: __m512i, s: __m512i) {
        // SAFETY: see the impl.
        unsafe { step512::<L, CLAMP>(&self.c, self.full, acc_m, acc_s, m, s) }
    }

    #[inline(always)]
    fn store(&self, m: __m512i, s: __m512i, dst: &mut [u16]) {
        // SAFETY: see the impl.
        unsafe { store512(&self.c, m, s, dst) }
    }
}

/// Wide-accumulator rows on AVX-512: 16 columns per step, each product
/// built in f64 from the exponent table by a gather and an exponent add,
/// summed in the portable order (so the bits are the portable ones).
///
/// # Safety
///
/// The CPU must support AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) unsafe fn gemm_rows_wide_avx512(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    pw: &PackedWide,
    c: &mut [f64],
) {
    let (n, np) = (pw.n, pw.n_pad);
    let mag_mask = t.max as u16;
    let fmask = _mm512_set1_epi32((1 << t.frac) - 1);
    let zero_code = _mm512_set1_epi32(super::WIDE_ZERO);
    let shift = _mm_cvtsi32_si128(t.frac as i32);
    let table = t.exp2_frac.as_ptr();
    let mut acc = vec![_mm512_setzero_pd(); np / 8];
    for (arow, crow) in a.chunks_exact(k).zip(c.chunks_exact_mut(n)) {
        acc.fill(_mm512_setzero_pd());
        for (p, &w) in arow.iter().enumerate() {
            let ma = (w & mag_mask) as i32;
            if ma == 0 {
                continue;
            }
            let la = _mm512_set1_epi32(ma - t.bias);
            let sa = _mm512_set1_epi64(((((w >> t.mag_bits) & 1) as u64) << 63) as i64);
            for (v, pair) in acc.chunks_exact_mut(2).enumerate() {
                let off = p * np + 16 * v;
                // SAFETY: row `p` holds `np` entries from `p·np`, a multiple
                // of 16.
                let (lb, s0, s1) = unsafe {
                    (
                        _mm512_loadu_si512(pw.lv.as_ptr().add(off).cast()),
                        _mm512_loadu_si512(pw.sg.as_ptr().add(off).cast()),
                        _mm512_loadu_si512(pw.sg.as_ptr().add(off + 8).cast()),
                    )
                };
                let live = _mm512_cmpneq_epi32_mask(lb, zero_code);
                let l = _mm512_add_epi32(lb, la);
                let e = _mm512_sra_epi32(l, shift);
                let f = _mm512_and_si512(l, fmask);
                for (h, (acc, s)) in pair.iter_mut().zip([s0, s1]).enumerate() {
                    let (fh, eh) = if h == 0 {
                        (_mm512_castsi512_si256(f), _mm512_castsi512_si256(e))
                    } else {
                        (
                            _mm512_extracti64x4_epi64(f, 1),
                            _mm512_extracti64x4_epi64(e, 1),
                        )
                    };
                    let k = (live >> (8 * h)) as u8;
                    // SAFETY: `f < 2^frac`, the table's length.
                    let g =
                        unsafe { _mm512_mask_i32gather_pd(_mm512_setzero_pd(), k, fh, table, 8) };
                    let bits = _mm512_add_epi64(
                        _mm512_castpd_si512(g),
                        _mm512_slli_epi64(_mm512_cvtepi32_epi64(eh), 52),
                    );
                    let bits = _mm512_ternarylogic_epi64(bits, s, sa, 0x96);
                    *acc = _mm512_mask_add_pd(*acc, k, *acc, _mm512_castsi512_pd(bits));
                }
            }
        }
        // One store per 8 columns, masked to the row's end.
        for (v, &sum) in acc.iter().enumerate().take(n.div_ceil(8)) {
            let lanes = (n - 8 * v).min(8);
            let mask = ((1u16 << lanes) - 1) as u8;
            // SAFETY: the mask limits the store to the `lanes ≤ 8` columns
            // left in this row from `8·v`.
            unsafe { _mm512_mask_storeu_pd(crow.as_mut_ptr().add(8 * v), mask, sum) };
        }
    }
}

// ------------------------------------------------------------------- AVX2 --

#[derive(Clone, Copy)]
struct C256 {
    zero: __m256i,
    one: __m256i,
    max: __m256i,
    cut: __m256i,
    half_shift: __m128i,
    /// Word assembly: `mag_bits` (a sign is first made 0 or 1).
    sign_shift: __m128i,
    /// Bucketed Δ.
    perm: Perm256,
    /// Computed Δ.
    shifted: Shift256,
}

#[inline]
#[target_feature(enable = "avx2")]
fn consts256(t: &LnsTables) -> C256 {
    C256 {
        zero: _mm256_setzero_si256(),
        one: _mm256_set1_epi16(1),
        max: _mm256_set1_epi16(t.max),
        cut: _mm256_set1_epi16(t.cutoff as i16),
        half_shift: _mm_cvtsi32_si128(t.half_log2 as i32 - 5),
        sign_shift: _mm_cvtsi32_si128(t.mag_bits as i32),
        perm: Perm256::new(t.structured.as_ref()),
        shifted: Shift256::new(t.shifted.as_ref()),
    }
}

/// One log-add, 16 lanes (sign `sg`, 0 or 32): Δ computed in the lanes
/// ([`Lookup::Shift`]) or by two 8-lane gathers from the full table. (The
/// bucketed table goes by pairs of vectors, [`step256_pair`].)
#[inline]
#[target_feature(enable = "avx2")]
fn step256<const L: u8, const CLAMP: bool>(
    c: &C256,
    full: *const i32,
    acc_m: &mut __m256i,
    acc_s: &mut __m256i,
    m: __m256i,
    sg: __m256i,
) {
    let big = _mm256_max_epi16(*acc_m, m);
    let small = _mm256_min_epi16(*acc_m, m);
    let d = _mm256_sub_epi16(big, small);
    let lt = _mm256_cmpgt_epi16(m, *acc_m);
    // All ones where an operand is zero: those lanes add nothing.
    let dead = _mm256_cmpgt_epi16(c.one, small);
    let t = if L == Lookup::Shift as u8 {
        let same = _mm256_cmpeq_epi16(*acc_s, sg);
        _mm256_andnot_si256(dead, shift_delta256(&c.shifted, d, same))
    } else {
        // Dead lanes read the zero entry at the cutoff.
        let idx = _mm256_min_epu16(_mm256_or_si256(d, dead), c.cut);
        let off = _mm256_sll_epi16(_mm256_xor_si256(*acc_s, sg), c.half_shift);
        let idx = _mm256_add_epi16(idx, off);
        // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
        unsafe { gather_words256(full, idx) }
    };
    let mut r = _mm256_adds_epi16(big, t);
    if CLAMP {
        r = _mm256_min_epi16(r, c.max);
    }
    *acc_m = r;
    *acc_s = _mm256_blendv_epi8(*acc_s, sg, lt);
}

/// The magnitude part of a log-add on the bucketed table, up to the
/// look-up: the larger magnitude, all ones where the new term is the
/// larger, all ones where an operand is zero (the lane adds nothing), and
/// the Δ+ slot of the difference.
#[derive(Clone, Copy)]
struct Half {
    big: __m256i,
    lt: __m256i,
    dead: __m256i,
    slot: __m256i,
}

/// [`Half`] of `acc ⊞ x` (magnitudes `acc_m` and `m`).
#[inline]
#[target_feature(enable = "avx2")]
fn perm_half<const L: u8>(c: &C256, acc_m: __m256i, m: __m256i) -> Half {
    let big = _mm256_max_epi16(acc_m, m);
    let small = _mm256_min_epi16(acc_m, m);
    let d = _mm256_sub_epi16(big, small);
    Half {
        big,
        lt: _mm256_cmpgt_epi16(m, acc_m),
        dead: _mm256_cmpgt_epi16(c.one, small),
        slot: c.perm.slot(d, Lookup::rounds(L)),
    }
}

/// Two log-adds on the bucketed table, 16 lanes each, with one look-up
/// for both ([`Perm256::delta_bytes`]). The signs of both, `acc_s` and
/// `sg`, are bytes in the order `vpacksswb` gives the two vectors' words
/// ([`Signs::PairBytes`](super::Signs::PairBytes)), so each sign operation
/// serves both: the slots are packed to bytes, the −Δ− offset added where
/// the signs differ, the dead lanes marked (−1), and the sum's sign taken
/// from the larger term by one byte blend.
#[inline]
#[target_feature(enable = "avx2")]
fn step256_pair<const L: u8, const CLAMP: bool>(
    c: &C256,
    (m0, m1): (&mut __m256i, &mut __m256i),
    acc_s: &mut __m256i,
    (x0, x1): (__m256i, __m256i),
    sg: __m256i,
) {
    let h0 = perm_half::<L>(c, *m0, x0);
    let h1 = perm_half::<L>(c, *m1, x1);
    let idx = _mm256_add_epi8(
        _mm256_packs_epi16(h0.slot, h1.slot),
        _mm256_xor_si256(*acc_s, sg),
    );
    let idx = _mm256_or_si256(idx, _mm256_packs_epi16(h0.dead, h1.dead));
    *acc_s = _mm256_blendv_epi8(*acc_s, sg, _mm256_packs_epi16(h0.lt, h1.lt));
    let (t0, t1) = c.perm.delta_bytes(idx, Lookup::is_wide(L));
    for (m, (h, t)) in [m0, m1].into_iter().zip([(h0, t0), (h1, t1)]) {
        let r = _mm256_adds_epi16(h.big, t);
        *m = if CLAMP { _mm256_min_epi16(r, c.max) } else { r };
    }
}

/// Why the shuffled look-up takes vectors in pairs only: its signs are
/// packed two vectors to a register, and AVX2's blocks always have an even
/// number of vectors (the panels of [`super::PackedB`] are multiples of 32
/// columns).
const PAIRS_ONLY: &str = "AVX2's shuffled look-up works on pairs of vectors";

/// The AVX2 lanes: 16 words, Δ found by `L` (a [`Lookup`] as `u8`),
/// magnitudes clamped to the format's largest if `CLAMP`. With the
/// bucketed table, the signs are [`Signs::PairBytes`](super::Signs::PairBytes):
/// those of vectors `2i` and `2i + 1` as bytes in the register of `2i`.
pub(crate) struct Lanes256<const L: u8, const CLAMP: bool> {
    c: C256,
    full: *const i32,
    _isa: Avx2,
}

impl<const L: u8, const CLAMP: bool> Lanes256<L, CLAMP> {
    /// The lanes for the tables `t`.
    #[inline(always)]
    pub(crate) fn new(isa: Avx2, t: &LnsTables) -> Self {
        // SAFETY: the token proves the CPU has AVX2.
        let c = unsafe { consts256(t) };
        Lanes256 {
            c,
            full: t.full.as_ptr().cast(),
            _isa: isa,
        }
    }
}

// SAFETY (every block below): `self` holds an `Avx2` token, so the CPU has
// AVX2; memory is touched only where a comment says so.
impl<const L: u8, const CLAMP: bool> Lanes for Lanes256<L, CLAMP> {
    const LANES: usize = 16;
    const TWO_ROWS_WIDE: bool = true;
    const KC: usize = if Lookup::is_perm(L) { 16 } else { 24 };
    type V = __m256i;

    #[inline(always)]
    fn zero(&self) -> __m256i {
        self.c.zero
    }

    #[inline(always)]
    unsafe fn load(&self, p: *const u16) -> __m256i {
        // SAFETY: the caller keeps 16 words readable from `p`.
        unsafe { _mm256_loadu_si256(p.cast()) }
    }

    #[inline(always)]
    fn splat(&self, pair: u32) -> __m256i {
        // SAFETY: see the impl.
        unsafe { _mm256_set1_epi32(pair as i32) }
    }

    #[inline(always)]
    fn product(&self, a: __m256i, bm: __m256i) -> __m256i {
        // SAFETY: see the impl.
        unsafe {
            let m = _mm256_adds_epi16(a, bm);
            if CLAMP {
                _mm256_min_epi16(m, self.c.max)
            } else {
                m
            }
        }
    }

    #[inline(always)]
    fn step(&self, acc_m: &mut __m256i, acc_s: &mut __m256i, m: __m256i, s: __m256i) {
        assert!(!Lookup::is_perm(L), "{PAIRS_ONLY}");
        // SAFETY: see the impl.
        unsafe { step256::<L, CLAMP>(&self.c, self.full, acc_m, acc_s, m, s) }
    }

    #[inline(always)]
    fn steps<const W: usize>(
        &self,
        acc_m: &mut [__m256i; W],
        acc_s: &mut [__m256i; W],
        m: &[__m256i; W],
        s: &[__m256i; W],
    ) {
        if !Lookup::is_perm(L) {
            for j in 0..W {
                self.step(&mut acc_m[j], &mut acc_s[j], m[j], s[j]);
            }
            return;
        }
        assert!(W.is_multiple_of(2), "{PAIRS_ONLY}");
        for j in (0..W).step_by(2) {
            let (m0, m1) = acc_m[j..].split_at_mut(1);
            // SAFETY: see the impl.
            unsafe {
                step256_pair::<L, CLAMP>(
                    &self.c,
                    (&mut m0[0], &mut m1[0]),
                    &mut acc_s[j],
                    (m[j], m[j + 1]),
                    s[j],
                )
            };
        }
    }

    #[inline(always)]
    fn word_signs<const W: usize>(&self, s: &[__m256i; W]) -> [__m256i; W] {
        if !Lookup::is_perm(L) {
            return *s;
        }
        let mut out = *s;
        for j in (0..W - W % 2).step_by(2) {
            // SAFETY: see the impl.
            unsafe {
                out[j] = _mm256_unpacklo_epi8(s[j], self.c.zero);
                out[j + 1] = _mm256_unpackhi_epi8(s[j], self.c.zero);
            }
        }
        out
    }

    #[inline(always)]
    fn store(&self, m: __m256i, s: __m256i, dst: &mut [u16]) {
        // SAFETY: see the impl.
        unsafe { store256(&self.c, m, s, dst) }
    }
}

/// Writes the first `dst.len() ≤ 16` lanes (magnitudes `m`, signs `s`) as
/// words.
#[inline]
#[target_feature(enable = "avx2")]
fn store256(cs: &C256, m: __m256i, s: __m256i, dst: &mut [u16]) {
    let live = _mm256_cmpgt_epi16(m, cs.zero);
    let sign = _mm256_sll_epi16(_mm256_min_epu16(s, cs.one), cs.sign_shift);
    let word = _mm256_and_si256(live, _mm256_or_si256(m, sign));
    if dst.len() >= 16 {
        // SAFETY: `dst` holds at least 16 words.
        unsafe { _mm256_storeu_si256(dst.as_mut_ptr().cast(), word) };
    } else {
        let mut buf = [0u16; 16];
        // SAFETY: `buf` holds 16 words.
        unsafe { _mm256_storeu_si256(buf.as_mut_ptr().cast(), word) };
        let lanes = dst.len();
        dst.copy_from_slice(&buf[..lanes]);
    }
}

/// Wide-accumulator rows on AVX2 (the portable loop).
///
/// # Safety
///
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn gemm_rows_wide_avx2(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    pw: &PackedWide,
    c: &mut [f64],
) {
    portable::gemm_rows_wide(t, a, k, pw, c)
}
