//! AVX-512BW and AVX2 kernels. Each computes, lane for lane, the word the
//! scalar operators give; the algorithm is that of the matrix kernels'
//! log-add step (`matmul::lns`), on whole words instead of the
//! accumulator's lane form:
//!
//! - `a`, `b`: the magnitude fields, as `i16` (both below 2^15);
//! - `big = max(a, b)`, `small = min(a, b)`, `d = big − small`;
//! - Δ from the tables, or computed for a `Shifted` one: Δ+ where the signs
//!   agree, −Δ− where they differ (`KILL` for `d = 0`, which flushes),
//!   nothing where `small = 0`;
//! - `r = big + Δ`, saturating at `i16::MAX` (and clamped to `MAX` when
//!   `FRAC < 10`);
//! - the word: `r` with the sign of the larger operand (`x`'s on a tie),
//!   or `+0` where the signs differ and `r ≤ 0` (cancellation or flush).
//!
//! Where the signs agree `r ≥ 0`, and `r = 0` only for two zeros, which
//! keep their common sign: `−0 + −0 = −0`, as the scalar sum gives.
//!
//! Every function here is `unsafe` only because of `#[target_feature]`:
//! callers must have checked the CPU (the kernels in [`super`] hold the
//! token of the instruction set that [`crate::lns::dispatch`] gives them).
//! Memory accesses stay inside the slices: full vectors only while
//! `LANES` words remain, the rest through masked loads and stores
//! (AVX-512) or a stack buffer (AVX2); table indices are clamped to the
//! table (see the SAFETY notes at each access).

use core::arch::x86_64::*;

use super::Format;
use crate::lns::Lookup;
use crate::lns::tables::LnsTables;
use crate::lns::x86::{
    Perm256, Perm512, Shift256, Shift512, gather_words256, gather_words512, shift_delta256,
    shift_delta512,
};

/// Words per AVX-512 vector.
const LANES512: usize = 32;

/// Words per AVX2 vector.
const LANES256: usize = 16;

// ---------------------------------------------------------------- AVX-512 --

/// Constants of the AVX-512 sum, built once per call.
#[derive(Clone, Copy)]
struct Sum512 {
    zero: __m512i,
    /// `MAG_MASK` (also `MAX` as an `i16`).
    mag: __m512i,
    /// `SIGN_MASK`.
    sign: __m512i,
    /// Gather: the cutoff.
    cut: __m512i,
    /// Structured: the offset of the −Δ− slots; gather: of the −Δ− half.
    minus_off: __m512i,
    /// Bucketed Δ.
    perm: Perm512,
    /// Computed Δ.
    shifted: Shift512,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn sum_consts512(t: &LnsTables) -> Sum512 {
    let minus_off = match t.structured {
        Some(_) => 32,
        None => (1u32 << t.half_log2) as u16 as i16,
    };
    Sum512 {
        zero: _mm512_setzero_si512(),
        mag: _mm512_set1_epi16(t.max),
        sign: _mm512_set1_epi16((1u32 << t.mag_bits) as u16 as i16),
        cut: _mm512_set1_epi16(t.cutoff as i16),
        minus_off: _mm512_set1_epi16(minus_off),
        perm: Perm512::new(t.structured.as_ref()),
        shifted: Shift512::new(t.shifted.as_ref()),
    }
}

/// 32 sums `x + y` (`x − y` if `NEG_B`) of whole words; see the module docs.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn sum512<const L: u8, const CLAMP: bool, const NEG_B: bool>(
    c: &Sum512,
    full: *const i32,
    x: __m512i,
    y: __m512i,
) -> __m512i {
    let y = if NEG_B {
        _mm512_xor_si512(y, c.sign)
    } else {
        y
    };
    let a = _mm512_and_si512(x, c.mag);
    let b = _mm512_and_si512(y, c.mag);
    let big = _mm512_max_epi16(a, b);
    let small = _mm512_min_epi16(a, b);
    let d = _mm512_sub_epi16(big, small);
    let b_larger = _mm512_cmpgt_epi16_mask(b, a);
    let diff = _mm512_test_epi16_mask(_mm512_xor_si512(x, y), c.sign);
    // Lanes with a zero operand add nothing.
    let live = _mm512_test_epi16_mask(small, small);
    let delta = if L == Lookup::Shift as u8 {
        shift_delta512(&c.shifted, d, diff)
    } else if L == Lookup::Gather as u8 {
        let idx = _mm512_min_epu16(d, c.cut);
        let idx = _mm512_mask_add_epi16(idx, diff, idx, c.minus_off);
        // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
        unsafe { gather_words512(full, idx, live) }
    } else {
        let idx = c.perm.slot(d, Lookup::rounds(L));
        let idx = _mm512_mask_add_epi16(idx, diff, idx, c.minus_off);
        c.perm.delta(idx, live)
    };
    let mut r = if L == Lookup::Shift as u8 {
        // Lanes with a zero operand keep the larger one (the mask of the add).
        _mm512_mask_adds_epi16(big, live, big, delta)
    } else {
        _mm512_adds_epi16(big, delta)
    };
    if CLAMP {
        r = _mm512_min_epi16(r, c.mag);
    }
    let flush = diff & !_mm512_cmpgt_epi16_mask(r, c.zero);
    let larger = _mm512_mask_blend_epi16(b_larger, x, y);
    // r | (larger & SIGN_MASK), then +0 where the sum flushes.
    let w = _mm512_ternarylogic_epi32(r, larger, c.sign, 0xf8);
    _mm512_mask_mov_epi16(w, flush, c.zero)
}

/// `out = a + b` (or `a − b`) on AVX-512, words of the format of `t`, Δ
/// found by `L` (a [`Lookup`] as `u8`), clamped to `MAX` if `CLAMP`.
///
/// # Safety
///
/// The CPU must support AVX-512F and AVX-512BW. The slices must have the
/// same length.
#[target_feature(enable = "avx512f,avx512bw")]
pub(super) unsafe fn add_avx512<const L: u8, const CLAMP: bool, const NEG_B: bool>(
    t: &LnsTables,
    a: &[u16],
    b: &[u16],
    out: &mut [u16],
) {
    let c = sum_consts512(t);
    let full = t.full.as_ptr().cast::<i32>();
    map512(a, b, out, |x, y| sum512::<L, CLAMP, NEG_B>(&c, full, x, y));
}

/// Constants of the AVX-512 product.
#[derive(Clone, Copy)]
struct Mul512 {
    zero: __m512i,
    mag: __m512i,
    sign: __m512i,
    bias: __m512i,
}

/// 32 products of whole words: `clamp(a + b − BIAS, 0, MAX)`, zero where an
/// operand is zero, with the exclusive or of the signs (also for a zero
/// product, as the scalar `*` gives).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn prod512<const CLAMP: bool>(c: &Mul512, x: __m512i, y: __m512i) -> __m512i {
    let a = _mm512_and_si512(x, c.mag);
    let b = _mm512_and_si512(y, c.mag);
    // a ≤ 2·BIAS − 1 and b − BIAS ≥ −BIAS: the sum cannot wrap, and above
    // i16::MAX (= MAX when FRAC = 10) it saturates there.
    let m = _mm512_adds_epi16(a, _mm512_sub_epi16(b, c.bias));
    let live = _mm512_mask_test_epi16_mask(_mm512_test_epi16_mask(a, a), b, b);
    let mut m = _mm512_maskz_max_epi16(live, m, c.zero);
    if CLAMP {
        m = _mm512_min_epi16(m, c.mag);
    }
    // m | ((x ^ y) & SIGN_MASK)
    _mm512_ternarylogic_epi32(m, _mm512_xor_si512(x, y), c.sign, 0xf8)
}

/// `out = a · b` on AVX-512, clamped to `MAX` if `CLAMP`.
///
/// # Safety
///
/// The CPU must support AVX-512F and AVX-512BW. The slices must have the
/// same length.
#[target_feature(enable = "avx512f,avx512bw")]
pub(super) unsafe fn mul_avx512<const CLAMP: bool>(
    f: Format,
    a: &[u16],
    b: &[u16],
    out: &mut [u16],
) {
    let c = Mul512 {
        zero: _mm512_setzero_si512(),
        mag: _mm512_set1_epi16(f.max as i16),
        sign: _mm512_set1_epi16(f.sign as i16),
        bias: _mm512_set1_epi16(f.bias as i16),
    };
    map512(a, b, out, |x, y| prod512::<CLAMP>(&c, x, y));
}

/// `out[i..i + 32] = op(a[i..i + 32], b[i..i + 32])` over the slices, the
/// last partial vector through masked loads and stores.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn map512(a: &[u16], b: &[u16], out: &mut [u16], op: impl Fn(__m512i, __m512i) -> __m512i) {
    let n = out.len();
    assert!(a.len() == n && b.len() == n);
    let (pa, pb, po) = (a.as_ptr(), b.as_ptr(), out.as_mut_ptr());
    let mut i = 0;
    while i + LANES512 <= n {
        // SAFETY: `i + 32 ≤ n`, the length of all three slices.
        unsafe {
            let x = _mm512_loadu_si512(pa.add(i).cast());
            let y = _mm512_loadu_si512(pb.add(i).cast());
            _mm512_storeu_si512(po.add(i).cast(), op(x, y));
        }
        i += LANES512;
    }
    if i < n {
        let mask = (1u32 << (n - i)) - 1;
        // SAFETY: the mask covers the `n − i < 32` words left; masked-off
        // words are neither read nor written (AVX-512BW masked moves
        // suppress faults).
        unsafe {
            let x = _mm512_maskz_loadu_epi16(mask, pa.add(i).cast());
            let y = _mm512_maskz_loadu_epi16(mask, pb.add(i).cast());
            _mm512_mask_storeu_epi16(po.add(i).cast(), mask, op(x, y));
        }
    }
}

// ------------------------------------------------------------------- AVX2 --

/// Constants of the AVX2 sum.
#[derive(Clone, Copy)]
struct Sum256 {
    zero: __m256i,
    one: __m256i,
    mag: __m256i,
    sign: __m256i,
    cut: __m256i,
    /// `mag_bits − half_log2`: shifts `SIGN_MASK` down to the offset of the
    /// −Δ− half.
    half_shift: __m128i,
    /// Bucketed Δ.
    perm: Perm256,
    /// Computed Δ.
    shifted: Shift256,
}

/// A sum up to the look-up of Δ: the operands (`y` negated if `NEG_B`),
/// the larger magnitude, where `y`'s is the larger, `SIGN_MASK` where the
/// signs differ, the code difference and the lanes with a zero operand.
#[derive(Clone, Copy)]
struct SumHalf {
    x: __m256i,
    y: __m256i,
    big: __m256i,
    b_larger: __m256i,
    s: __m256i,
    d: __m256i,
    dead: __m256i,
}

#[inline]
#[target_feature(enable = "avx2")]
fn sum_half<const NEG_B: bool>(c: &Sum256, x: __m256i, y: __m256i) -> SumHalf {
    let y = if NEG_B {
        _mm256_xor_si256(y, c.sign)
    } else {
        y
    };
    let a = _mm256_and_si256(x, c.mag);
    let b = _mm256_and_si256(y, c.mag);
    let big = _mm256_max_epi16(a, b);
    let small = _mm256_min_epi16(a, b);
    SumHalf {
        x,
        y,
        big,
        b_larger: _mm256_cmpgt_epi16(b, a),
        // SIGN_MASK where the signs differ.
        s: _mm256_and_si256(_mm256_xor_si256(x, y), c.sign),
        d: _mm256_sub_epi16(big, small),
        // All ones where an operand is zero: those lanes add nothing.
        dead: _mm256_cmpgt_epi16(c.one, small),
    }
}

/// The slot of the bucketed table for `h` (−1 in the dead lanes: an entry
/// of 0).
#[inline]
#[target_feature(enable = "avx2")]
fn sum_slot<const L: u8>(c: &Sum256, h: &SumHalf) -> __m256i {
    let idx = c.perm.slot(h.d, Lookup::rounds(L));
    // `SIGN_MASK` (at least 32) clamped to the offset of the −Δ− slots.
    let idx = _mm256_add_epi16(idx, _mm256_min_epu16(h.s, c.perm.neg()));
    _mm256_or_si256(idx, h.dead)
}

/// The sum's word, given Δ.
#[inline]
#[target_feature(enable = "avx2")]
fn sum_finish<const CLAMP: bool>(c: &Sum256, h: &SumHalf, delta: __m256i) -> __m256i {
    let mut r = _mm256_adds_epi16(h.big, delta);
    if CLAMP {
        r = _mm256_min_epi16(r, c.mag);
    }
    let flush = _mm256_andnot_si256(
        _mm256_cmpgt_epi16(r, c.zero),
        _mm256_cmpeq_epi16(h.s, c.sign),
    );
    let larger = _mm256_blendv_epi8(h.x, h.y, h.b_larger);
    let w = _mm256_or_si256(r, _mm256_and_si256(larger, c.sign));
    _mm256_andnot_si256(flush, w)
}

/// 16 sums `x + y` (`x − y` if `NEG_B`) of whole words, Δ computed in the
/// lanes ([`Lookup::Shift`]) or from the full table by two 8-lane gathers
/// (the bucketed table goes through [`sum256_pair`]).
#[inline]
#[target_feature(enable = "avx2")]
fn sum256<const L: u8, const CLAMP: bool, const NEG_B: bool>(
    c: &Sum256,
    full: *const i32,
    x: __m256i,
    y: __m256i,
) -> __m256i {
    let h = sum_half::<NEG_B>(c, x, y);
    let delta = if L == Lookup::Shift as u8 {
        let same = _mm256_cmpeq_epi16(h.s, c.zero);
        _mm256_andnot_si256(h.dead, shift_delta256(&c.shifted, h.d, same))
    } else {
        // Dead lanes read the zero entry at the cutoff.
        let idx = _mm256_min_epu16(_mm256_or_si256(h.d, h.dead), c.cut);
        let idx = _mm256_add_epi16(idx, _mm256_srl_epi16(h.s, c.half_shift));
        // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
        unsafe { gather_words256(full, idx) }
    };
    sum_finish::<CLAMP>(c, &h, delta)
}

/// 32 sums, two vectors of 16: Δ by byte shuffles from the bucketed table
/// (`L` a permute [`Lookup`]), one look-up for both ([`Perm256::delta2`]);
/// [`sum256`] on each for the other look-ups.
#[inline]
#[target_feature(enable = "avx2")]
fn sum256_pair<const L: u8, const CLAMP: bool, const NEG_B: bool>(
    c: &Sum256,
    full: *const i32,
    (x0, y0): (__m256i, __m256i),
    (x1, y1): (__m256i, __m256i),
) -> (__m256i, __m256i) {
    if !Lookup::is_perm(L) {
        return (
            sum256::<L, CLAMP, NEG_B>(c, full, x0, y0),
            sum256::<L, CLAMP, NEG_B>(c, full, x1, y1),
        );
    }
    let (h0, h1) = (sum_half::<NEG_B>(c, x0, y0), sum_half::<NEG_B>(c, x1, y1));
    let (d0, d1) = c.perm.delta2(
        sum_slot::<L>(c, &h0),
        sum_slot::<L>(c, &h1),
        Lookup::is_wide(L),
    );
    (
        sum_finish::<CLAMP>(c, &h0, d0),
        sum_finish::<CLAMP>(c, &h1, d1),
    )
}

/// `out = a + b` (or `a − b`) on AVX2, words of the format of `t`,
/// clamped to `MAX` if `CLAMP`.
///
/// # Safety
///
/// The CPU must support AVX2. The slices must have the same length.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn add_avx2<const L: u8, const CLAMP: bool, const NEG_B: bool>(
    t: &LnsTables,
    a: &[u16],
    b: &[u16],
    out: &mut [u16],
) {
    // The −Δ− half starts at 2^half_log2 ≤ 2^mag_bits (the table's halves
    // hold at most MAG_MASK + 1 entries each).
    assert!(t.half_log2 <= t.mag_bits);
    let c = Sum256 {
        zero: _mm256_setzero_si256(),
        one: _mm256_set1_epi16(1),
        mag: _mm256_set1_epi16(t.max),
        sign: _mm256_set1_epi16((1u32 << t.mag_bits) as u16 as i16),
        cut: _mm256_set1_epi16(t.cutoff as i16),
        half_shift: _mm_cvtsi32_si128((t.mag_bits - t.half_log2) as i32),
        perm: Perm256::new(t.structured.as_ref()),
        shifted: Shift256::new(t.shifted.as_ref()),
    };
    let full = t.full.as_ptr().cast::<i32>();
    map256x2(a, b, out, |p, q| {
        sum256_pair::<L, CLAMP, NEG_B>(&c, full, p, q)
    });
}

/// Constants of the AVX2 product.
#[derive(Clone, Copy)]
struct Mul256 {
    zero: __m256i,
    mag: __m256i,
    sign: __m256i,
    bias: __m256i,
}

/// 16 products of whole words; see `prod512`.
#[inline]
#[target_feature(enable = "avx2")]
fn prod256<const CLAMP: bool>(c: &Mul256, x: __m256i, y: __m256i) -> __m256i {
    let a = _mm256_and_si256(x, c.mag);
    let b = _mm256_and_si256(y, c.mag);
    let m = _mm256_adds_epi16(a, _mm256_sub_epi16(b, c.bias));
    let mut m = _mm256_max_epi16(m, c.zero);
    if CLAMP {
        m = _mm256_min_epi16(m, c.mag);
    }
    let dead = _mm256_cmpeq_epi16(_mm256_min_epi16(a, b), c.zero);
    let m = _mm256_andnot_si256(dead, m);
    _mm256_or_si256(m, _mm256_and_si256(_mm256_xor_si256(x, y), c.sign))
}

/// `out = a · b` on AVX2, clamped to `MAX` if `CLAMP`.
///
/// # Safety
///
/// The CPU must support AVX2. The slices must have the same length.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn mul_avx2<const CLAMP: bool>(f: Format, a: &[u16], b: &[u16], out: &mut [u16]) {
    let c = Mul256 {
        zero: _mm256_setzero_si256(),
        mag: _mm256_set1_epi16(f.max as i16),
        sign: _mm256_set1_epi16(f.sign as i16),
        bias: _mm256_set1_epi16(f.bias as i16),
    };
    map256x2(a, b, out, |p, q| {
        (
            prod256::<CLAMP>(&c, p.0, p.1),
            prod256::<CLAMP>(&c, q.0, q.1),
        )
    });
}

/// `out[i..i + 32] = op(a[i..], b[i..])` two vectors of 16 words at a time
/// (an `op` that does two at once saves work, as the paired table look-up
/// does); the last partial pair through zero-padded stack buffers.
#[inline]
#[target_feature(enable = "avx2")]
fn map256x2(
    a: &[u16],
    b: &[u16],
    out: &mut [u16],
    op: impl Fn((__m256i, __m256i), (__m256i, __m256i)) -> (__m256i, __m256i),
) {
    const PAIR: usize = 2 * LANES256;
    let n = out.len();
    assert!(a.len() == n && b.len() == n);
    let (pa, pb, po) = (a.as_ptr(), b.as_ptr(), out.as_mut_ptr());
    let mut i = 0;
    while i + PAIR <= n {
        // SAFETY: `i + 32 ≤ n`, the length of all three slices.
        unsafe {
            let p = (
                _mm256_loadu_si256(pa.add(i).cast()),
                _mm256_loadu_si256(pb.add(i).cast()),
            );
            let q = (
                _mm256_loadu_si256(pa.add(i + LANES256).cast()),
                _mm256_loadu_si256(pb.add(i + LANES256).cast()),
            );
            let (u, v) = op(p, q);
            _mm256_storeu_si256(po.add(i).cast(), u);
            _mm256_storeu_si256(po.add(i + LANES256).cast(), v);
        }
        i += PAIR;
    }
    if i < n {
        let rest = n - i;
        let (mut x, mut y, mut w) = ([0u16; PAIR], [0u16; PAIR], [0u16; PAIR]);
        x[..rest].copy_from_slice(&a[i..]);
        y[..rest].copy_from_slice(&b[i..]);
        // SAFETY: the buffers hold 32 words each.
        unsafe {
            let load = |s: &[u16; PAIR], h: usize| _mm256_loadu_si256(s.as_ptr().add(h).cast());
            let (u, v) = op((load(&x, 0), load(&y, 0)), (load(&x, 16), load(&y, 16)));
            _mm256_storeu_si256(w.as_mut_ptr().cast(), u);
            _mm256_storeu_si256(w.as_mut_ptr().add(LANES256).cast(), v);
        }
        out[i..].copy_from_slice(&w[..rest]);
    }
}
