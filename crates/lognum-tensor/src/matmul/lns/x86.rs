//! AVX-512BW and AVX2 kernels. Each computes, lane for lane, what
//! [`super::portable`] computes; see the parent module for the lane
//! representation and the order of additions.
//!
//! Every function here is `unsafe` only because of `#[target_feature]`:
//! callers must have checked the CPU (the dispatch in [`super`] does, with
//! `is_x86_feature_detected!`). Memory accesses stay inside the slices:
//! `PackedB` rows are padded to a multiple of 32 columns, outputs are
//! written with masked or bounded stores, and table indices are clamped to
//! the table (see the SAFETY notes at each access).

use core::arch::x86_64::*;

use super::portable;
use super::{Order, PANEL, PackedB, PackedWide};
use crate::lns::tables::{D0_SLOT, LnsTables};
use crate::lns::x86::{Lookup, Shift512, gather_words256, gather_words512, shift_delta512};

/// Output columns per register block, in vectors.
const J: usize = 4;

// ---------------------------------------------------------------- AVX-512 --

/// Constants of the AVX-512 step, built once per call.
#[derive(Clone, Copy)]
struct C512 {
    zero: __m512i,
    max: __m512i,
    /// Structured: `2^(15 − shift)` for the rounding multiply.
    mul: __m512i,
    /// Structured: the shift count for truncation.
    shift: __m128i,
    /// Structured: the clamp bucket `E`; gather: the cutoff.
    clamp: __m512i,
    d0: __m512i,
    plus: __m512i,
    minus: __m512i,
    /// Gather: `half_log2 − 5`.
    half_shift: __m128i,
    /// Word assembly: `mag_bits − 5`.
    sign_shift: __m128i,
    /// Computed Δ.
    shifted: Shift512,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn consts512(t: &LnsTables) -> C512 {
    let (mul, shift, clamp, plus, minus) = match &t.structured {
        Some(s) => {
            // SAFETY: `perm` holds 64 i16, two 32-lane loads.
            let (p, m) = unsafe {
                (
                    _mm512_loadu_epi16(s.perm.as_ptr()),
                    _mm512_loadu_epi16(s.perm.as_ptr().add(32)),
                )
            };
            (
                _mm512_set1_epi16(1i16 << (15 - s.shift.min(15))),
                _mm_cvtsi32_si128(s.shift as i32),
                _mm512_set1_epi16(s.entries as i16),
                p,
                m,
            )
        }
        None => (
            _mm512_setzero_si512(),
            _mm_setzero_si128(),
            _mm512_set1_epi16(t.cutoff as i16),
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
        ),
    };
    C512 {
        zero: _mm512_setzero_si512(),
        max: _mm512_set1_epi16(t.max),
        mul,
        shift,
        clamp,
        d0: _mm512_set1_epi16(D0_SLOT as i16),
        plus,
        minus,
        half_shift: _mm_cvtsi32_si128(t.half_log2 as i32 - 5),
        sign_shift: _mm_cvtsi32_si128(t.mag_bits as i32 - 5),
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
        let idx = _mm512_min_epu16(d, c.clamp);
        let off = _mm512_sll_epi16(_mm512_xor_si512(*acc_s, sg), c.half_shift);
        let idx = _mm512_add_epi16(idx, off);
        // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
        unsafe { gather_words512(full, idx, live) }
    } else {
        let bucket = if L == Lookup::PermRound as u8 {
            _mm512_mulhrs_epi16(d, c.mul)
        } else {
            _mm512_srl_epi16(d, c.shift)
        };
        // d = 0 takes slot 30: Δ+(0) for equal signs, a flush for opposite.
        let dnz = _mm512_test_epi16_mask(d, d);
        let idx = _mm512_mask_min_epu16(c.d0, dnz, bucket, c.clamp);
        // idx | (acc_s ^ sg): bit 5 picks the −Δ− half when the signs differ.
        let idx = _mm512_ternarylogic_epi32(idx, *acc_s, sg, 0xf6);
        _mm512_maskz_permutex2var_epi16(live, c.plus, idx, c.minus)
    };
    let mut r = _mm512_adds_epi16(big, t);
    if CLAMP {
        r = _mm512_min_epi16(r, c.max);
    }
    *acc_m = r;
    *acc_s = _mm512_mask_blend_epi16(lt, *acc_s, sg);
}

/// Rows of `c` on AVX-512.
///
/// # Safety
///
/// The CPU must support AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) unsafe fn gemm_rows_avx512(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
) {
    let clamp = t.max != i16::MAX;
    macro_rules! go {
        ($l:expr, $clamp:expr) => {
            rows512::<{ $l as u8 }, $clamp>(t, a, k, order, pb, c)
        };
    }
    match (Lookup::of(t), clamp) {
        (Lookup::PermRound, false) => go!(Lookup::PermRound, false),
        (Lookup::PermRound, true) => go!(Lookup::PermRound, true),
        (Lookup::PermTrunc, false) => go!(Lookup::PermTrunc, false),
        (Lookup::PermTrunc, true) => go!(Lookup::PermTrunc, true),
        (Lookup::Shift, false) => go!(Lookup::Shift, false),
        (Lookup::Shift, true) => go!(Lookup::Shift, true),
        (Lookup::Gather, false) => go!(Lookup::Gather, false),
        (Lookup::Gather, true) => go!(Lookup::Gather, true),
    }
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn rows512<const L: u8, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
) {
    for j0 in (0..pb.n).step_by(PANEL) {
        // One panel per block. Narrow panels interleave rows so that about
        // four independent chains hide the latency of a log-add.
        match pb.panel(j0).width / 32 {
            4 => block512::<1, 4, L, CLAMP>(t, a, k, order, pb, c, j0),
            3 => block512::<1, 3, L, CLAMP>(t, a, k, order, pb, c, j0),
            2 => block512::<2, 2, L, CLAMP>(t, a, k, order, pb, c, j0),
            _ => block512::<4, 1, L, CLAMP>(t, a, k, order, pb, c, j0),
        }
    }
}

/// The panel at column `j0` (`W` vectors wide) for every row, `R` rows at
/// a time (the remainder one at a time).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
#[allow(clippy::too_many_arguments)]
fn block512<const R: usize, const W: usize, const L: u8, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
    j0: usize,
) {
    let n = pb.n;
    let rows = c.len() / n;
    let whole = rows / R * R;
    let (a0, a1) = a.split_at(whole * k);
    let (c0, c1) = c.split_at_mut(whole * n);
    match order {
        Order::Blocked(kb) => {
            group512::<R, W, L, CLAMP>(t, a0, k, kb, pb, c0, j0);
            group512::<1, W, L, CLAMP>(t, a1, k, kb, pb, c1, j0);
        }
        Order::Tree => {
            tree512::<R, W, L, CLAMP>(t, a0, k, pb, c0, j0);
            tree512::<1, W, L, CLAMP>(t, a1, k, pb, c1, j0);
        }
    }
}

/// Steps of `k` per pass over the rows: the panel's rows for one pass
/// (48 × 768 bytes at full width) stay in L1 while every row uses them.
const KC: usize = 48;

/// The accumulators of `R` rows × `W` vectors: magnitudes and signs of the
/// running block sum and of the total of finished blocks.
#[derive(Clone, Copy)]
struct State<const R: usize, const W: usize> {
    acc_m: [[__m512i; W]; R],
    acc_s: [[__m512i; W]; R],
    tot_m: [[__m512i; W]; R],
    tot_s: [[__m512i; W]; R],
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
#[allow(clippy::too_many_arguments)]
fn group512<const R: usize, const W: usize, const L: u8, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    kb: usize,
    pb: &PackedB,
    c: &mut [u16],
    j0: usize,
) {
    let cs = consts512(t);
    let full = t.full.as_ptr().cast::<i32>();
    let n = pb.n;
    let panel = pb.panel(j0);
    let data = pb.data.as_ptr();
    let mag_mask = t.max as u16;
    let groups = c.len() / (R * n);
    let zero = [[cs.zero; W]; R];
    let mut states = vec![
        State::<R, W> {
            acc_m: zero,
            acc_s: zero,
            tot_m: zero,
            tot_s: zero,
        };
        groups
    ];
    // `a`'s magnitudes for one pass, twice per 32-bit word (a broadcast
    // from memory), and the index of each row's sign run; entry `p·R + r`.
    let mut apair = vec![0u32; R * KC];
    let mut asign = vec![0usize; R * KC];
    let blocked = kb < k;
    for c0 in (0..k).step_by(KC) {
        let c1 = (c0 + KC).min(k);
        for (g, st) in states.iter_mut().enumerate() {
            for r in 0..R {
                let arow = &a[(g * R + r) * k..(g * R + r + 1) * k];
                for p in c0..c1 {
                    let w = arow[p];
                    apair[(p - c0) * R + r] = (w & mag_mask) as u32 * 0x1_0001;
                    asign[(p - c0) * R + r] = ((w >> t.mag_bits) & 1) as usize;
                }
            }
            let mut s = *st;
            for p in c0..c1 {
                if blocked && p > 0 && p % kb == 0 {
                    // A block ends: add its sum to the total, start afresh.
                    for r in 0..R {
                        for j in 0..W {
                            step512::<L, CLAMP>(
                                &cs,
                                full,
                                &mut s.tot_m[r][j],
                                &mut s.tot_s[r][j],
                                s.acc_m[r][j],
                                s.acc_s[r][j],
                            );
                        }
                    }
                    s.acc_m = zero;
                    s.acc_s = zero;
                }
                let row = panel.row(p);
                let mut bm = [cs.zero; W];
                for (j, v) in bm.iter_mut().enumerate() {
                    // SAFETY: the panel's row `p` holds `3·width = 96·W`
                    // entries from `row`.
                    *v = unsafe { _mm512_loadu_epi16(data.add(row + 32 * j).cast()) };
                }
                for r in 0..R {
                    let x = apair[(p - c0) * R + r];
                    if x == 0 {
                        continue;
                    }
                    let va = _mm512_set1_epi32(x as i32);
                    // The run of product signs for this sign of `a`.
                    let signs = row + (1 + asign[(p - c0) * R + r]) * panel.width;
                    for (j, &bmj) in bm.iter().enumerate() {
                        // SAFETY: as for `bm`; the run ends at `row + 3·width`.
                        let sg = unsafe { _mm512_loadu_epi16(data.add(signs + 32 * j).cast()) };
                        let mut m = _mm512_adds_epi16(va, bmj);
                        if CLAMP {
                            m = _mm512_min_epi16(m, cs.max);
                        }
                        step512::<L, CLAMP>(
                            &cs,
                            full,
                            &mut s.acc_m[r][j],
                            &mut s.acc_s[r][j],
                            m,
                            sg,
                        );
                    }
                }
            }
            *st = s;
        }
    }
    for (st, crows) in states.iter_mut().zip(c.chunks_exact_mut(R * n)) {
        if blocked {
            for r in 0..R {
                for j in 0..W {
                    step512::<L, CLAMP>(
                        &cs,
                        full,
                        &mut st.tot_m[r][j],
                        &mut st.tot_s[r][j],
                        st.acc_m[r][j],
                        st.acc_s[r][j],
                    );
                }
            }
        } else {
            st.tot_m = st.acc_m;
            st.tot_s = st.acc_s;
        }
        for (r, crow) in crows.chunks_exact_mut(n).enumerate() {
            store512(&cs, &st.tot_m[r], &st.tot_s[r], crow, j0);
        }
    }
}

/// Writes `W` finished accumulators (magnitudes `m`, signs `s`) as words
/// into `crow` from column `j0`, stopping at the row's end.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn store512<const W: usize>(
    cs: &C512,
    m: &[__m512i; W],
    s: &[__m512i; W],
    crow: &mut [u16],
    j0: usize,
) {
    let n = crow.len();
    for j in 0..W {
        let col = j0 + 32 * j;
        if col >= n {
            break;
        }
        let live = _mm512_cmpgt_epi16_mask(m[j], cs.zero);
        let sign = _mm512_sll_epi16(s[j], cs.sign_shift);
        let word = _mm512_maskz_mov_epi16(live, _mm512_or_si512(m[j], sign));
        let lanes = (n - col).min(32);
        let mask = if lanes == 32 {
            u32::MAX
        } else {
            (1u32 << lanes) - 1
        };
        // SAFETY: the mask limits the store to the `lanes` columns left in
        // this row of `c`.
        unsafe { _mm512_mask_storeu_epi16(crow.as_mut_ptr().add(col).cast(), mask, word) };
    }
}

/// The pairwise order (see `portable::gemm_rows_tree`) for `R` rows × `W`
/// vectors at a time, all of `k` per group of rows: level `l` of row `r`
/// is entry `l·R + r` of the stacks, `live` false where a level is empty
/// or holds only zero terms (those are skipped; adding zero is exact).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
fn tree512<const R: usize, const W: usize, const L: u8, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    pb: &PackedB,
    c: &mut [u16],
    j0: usize,
) {
    let cs = consts512(t);
    let full = t.full.as_ptr().cast::<i32>();
    let n = pb.n;
    let panel = pb.panel(j0);
    let data = pb.data.as_ptr();
    let mag_mask = t.max as u16;
    let levels = crate::matmul::tree_levels(k);
    let mut st_m = vec![[cs.zero; W]; levels * R];
    let mut st_s = vec![[cs.zero; W]; levels * R];
    let mut live = vec![false; levels * R];
    for (ag, cg) in a.chunks_exact(R * k).zip(c.chunks_exact_mut(R * n)) {
        live.fill(false);
        for p in 0..k {
            let row = panel.row(p);
            let mut bm = [cs.zero; W];
            for (j, v) in bm.iter_mut().enumerate() {
                // SAFETY: the panel's row `p` holds `3·width = 96·W`
                // entries from `row`.
                *v = unsafe { _mm512_loadu_epi16(data.add(row + 32 * j).cast()) };
            }
            let top = (p + 1).trailing_zeros() as usize;
            for r in 0..R {
                let w = ag[r * k + p];
                let mut cur_live = w & mag_mask != 0;
                let mut cm = [cs.zero; W];
                let mut csg = [cs.zero; W];
                if cur_live {
                    let va = _mm512_set1_epi16((w & mag_mask) as i16);
                    let signs = row + (1 + ((w >> t.mag_bits) & 1) as usize) * panel.width;
                    for j in 0..W {
                        // SAFETY: as for `bm`; the run ends at `row + 3·width`.
                        csg[j] = unsafe { _mm512_loadu_epi16(data.add(signs + 32 * j).cast()) };
                        cm[j] = _mm512_adds_epi16(va, bm[j]);
                        if CLAMP {
                            cm[j] = _mm512_min_epi16(cm[j], cs.max);
                        }
                    }
                }
                for l in 0..top {
                    let i = l * R + r;
                    if !live[i] {
                        continue;
                    }
                    if cur_live {
                        for j in 0..W {
                            step512::<L, CLAMP>(
                                &cs,
                                full,
                                &mut cm[j],
                                &mut csg[j],
                                st_m[i][j],
                                st_s[i][j],
                            );
                        }
                    } else {
                        (cm, csg, cur_live) = (st_m[i], st_s[i], true);
                    }
                    live[i] = false;
                }
                if cur_live {
                    let i = top * R + r;
                    (st_m[i], st_s[i], live[i]) = (cm, csg, true);
                }
            }
        }
        for (r, crow) in cg.chunks_exact_mut(n).enumerate() {
            let mut cm = [cs.zero; W];
            let mut csg = [cs.zero; W];
            for l in 0..levels {
                let i = l * R + r;
                if live[i] {
                    for j in 0..W {
                        step512::<L, CLAMP>(
                            &cs,
                            full,
                            &mut cm[j],
                            &mut csg[j],
                            st_m[i][j],
                            st_s[i][j],
                        );
                    }
                }
            }
            store512(&cs, &cm, &csg, crow, j0);
        }
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
    sign_shift: __m128i,
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
        sign_shift: _mm_cvtsi32_si128(t.mag_bits as i32 - 5),
    }
}

/// One log-add, 16 lanes (sign `sg`, 0 or 32), from the full table by two
/// 8-lane gathers.
#[inline]
#[target_feature(enable = "avx2")]
fn step256<const CLAMP: bool>(
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
    // All ones where an operand is zero: those lanes read the zero entry.
    let dead = _mm256_cmpgt_epi16(c.one, small);
    let idx = _mm256_min_epu16(_mm256_or_si256(d, dead), c.cut);
    let off = _mm256_sll_epi16(_mm256_xor_si256(*acc_s, sg), c.half_shift);
    let idx = _mm256_add_epi16(idx, off);
    // SAFETY: indices are at most `cutoff + 2^half_log2 ≤ full.len() − 2`.
    let t = unsafe { gather_words256(full, idx) };
    let mut r = _mm256_adds_epi16(big, t);
    if CLAMP {
        r = _mm256_min_epi16(r, c.max);
    }
    *acc_m = r;
    *acc_s = _mm256_blendv_epi8(*acc_s, sg, lt);
}

/// Rows of `c` on AVX2.
///
/// # Safety
///
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn gemm_rows_avx2(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
) {
    if t.max != i16::MAX {
        rows256::<true>(t, a, k, order, pb, c)
    } else {
        rows256::<false>(t, a, k, order, pb, c)
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn rows256<const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
) {
    for j0 in (0..pb.n).step_by(PANEL) {
        let width = pb.panel(j0).width;
        // Blocks of up to four 16-lane vectors within the panel.
        let mut c0 = 0;
        while c0 < width {
            let w = ((width - c0) / 16).min(J);
            macro_rules! go {
                ($w:literal) => {
                    match order {
                        Order::Blocked(kb) => block256::<$w, CLAMP>(t, a, k, kb, pb, c, j0, c0),
                        Order::Tree => tree256::<$w, CLAMP>(t, a, k, pb, c, j0, c0),
                    }
                };
            }
            match w {
                4 => go!(4),
                3 => go!(3),
                2 => go!(2),
                _ => go!(1),
            }
            c0 += 16 * w;
        }
    }
}

/// Columns `j0 + c0 .. j0 + c0 + 16·W` (within the panel at `j0`) of every
/// row.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn block256<const W: usize, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    kb: usize,
    pb: &PackedB,
    c: &mut [u16],
    j0: usize,
    c0: usize,
) {
    let cs = consts256(t);
    let full = t.full.as_ptr().cast::<i32>();
    let n = pb.n;
    let panel = pb.panel(j0);
    let data = pb.data.as_ptr();
    let mag_mask = t.max as u16;
    let j0 = j0 + c0;
    let mut apair = vec![0u32; k];
    for (arow, crow) in a.chunks_exact(k).zip(c.chunks_exact_mut(n)) {
        // `a`'s magnitudes, twice per 32-bit word: a broadcast from memory.
        for (x, &w) in apair.iter_mut().zip(arow) {
            *x = (w & mag_mask) as u32 * 0x1_0001;
        }
        let mut tot_m = [cs.zero; W];
        let mut tot_s = [cs.zero; W];
        let mut p0 = 0;
        while p0 < k {
            let p1 = (p0 + kb).min(k);
            let mut acc_m = [cs.zero; W];
            let mut acc_s = [cs.zero; W];
            for p in p0..p1 {
                let w = arow[p];
                if w & mag_mask == 0 {
                    continue;
                }
                let va = _mm256_set1_epi32(apair[p] as i32);
                let row = panel.row(p) + c0;
                let signs = row + (1 + ((w >> t.mag_bits) & 1) as usize) * panel.width;
                for j in 0..W {
                    // SAFETY: the panel's row `p` holds `3·width` entries and
                    // `c0 + 16·W ≤ width`.
                    let (bm, sg) = unsafe {
                        (
                            _mm256_loadu_si256(data.add(row + 16 * j).cast()),
                            _mm256_loadu_si256(data.add(signs + 16 * j).cast()),
                        )
                    };
                    let mut m = _mm256_adds_epi16(va, bm);
                    if CLAMP {
                        m = _mm256_min_epi16(m, cs.max);
                    }
                    step256::<CLAMP>(&cs, full, &mut acc_m[j], &mut acc_s[j], m, sg);
                }
            }
            if p0 == 0 && p1 == k {
                tot_m = acc_m;
                tot_s = acc_s;
            } else {
                for j in 0..W {
                    step256::<CLAMP>(&cs, full, &mut tot_m[j], &mut tot_s[j], acc_m[j], acc_s[j]);
                }
            }
            p0 = p1;
        }
        store256(&cs, &tot_m, &tot_s, crow, j0);
    }
}

/// Writes `W` finished accumulators (magnitudes `m`, signs `s`) as words
/// into `crow` from column `j0`, stopping at the row's end.
#[inline]
#[target_feature(enable = "avx2")]
fn store256<const W: usize>(
    cs: &C256,
    m: &[__m256i; W],
    s: &[__m256i; W],
    crow: &mut [u16],
    j0: usize,
) {
    let n = crow.len();
    for j in 0..W {
        let col = j0 + 16 * j;
        if col >= n {
            break;
        }
        let live = _mm256_cmpgt_epi16(m[j], cs.zero);
        let sign = _mm256_sll_epi16(s[j], cs.sign_shift);
        let word = _mm256_and_si256(live, _mm256_or_si256(m[j], sign));
        let lanes = (n - col).min(16);
        let mut buf = [0u16; 16];
        // SAFETY: `buf` holds 16 u16.
        unsafe { _mm256_storeu_si256(buf.as_mut_ptr().cast(), word) };
        crow[col..col + lanes].copy_from_slice(&buf[..lanes]);
    }
}

/// Columns `j0 + c0 .. j0 + c0 + 16·W` of every row in the pairwise order
/// (see `portable::gemm_rows_tree`; empty or all-zero levels are skipped).
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn tree256<const W: usize, const CLAMP: bool>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    pb: &PackedB,
    c: &mut [u16],
    j0: usize,
    c0: usize,
) {
    let cs = consts256(t);
    let full = t.full.as_ptr().cast::<i32>();
    let n = pb.n;
    let panel = pb.panel(j0);
    let data = pb.data.as_ptr();
    let mag_mask = t.max as u16;
    let j0 = j0 + c0;
    let levels = crate::matmul::tree_levels(k);
    let mut st_m = vec![[cs.zero; W]; levels];
    let mut st_s = vec![[cs.zero; W]; levels];
    let mut live = vec![false; levels];
    for (arow, crow) in a.chunks_exact(k).zip(c.chunks_exact_mut(n)) {
        live.fill(false);
        for (p, &w) in arow.iter().enumerate() {
            let mut cur_live = w & mag_mask != 0;
            let mut cm = [cs.zero; W];
            let mut csg = [cs.zero; W];
            if cur_live {
                let va = _mm256_set1_epi16((w & mag_mask) as i16);
                let row = panel.row(p) + c0;
                let signs = row + (1 + ((w >> t.mag_bits) & 1) as usize) * panel.width;
                for j in 0..W {
                    // SAFETY: the panel's row `p` holds `3·width` entries and
                    // `c0 + 16·W ≤ width`.
                    let (bm, sg) = unsafe {
                        (
                            _mm256_loadu_si256(data.add(row + 16 * j).cast()),
                            _mm256_loadu_si256(data.add(signs + 16 * j).cast()),
                        )
                    };
                    cm[j] = _mm256_adds_epi16(va, bm);
                    if CLAMP {
                        cm[j] = _mm256_min_epi16(cm[j], cs.max);
                    }
                    csg[j] = sg;
                }
            }
            let top = (p + 1).trailing_zeros() as usize;
            for l in 0..top {
                if !live[l] {
                    continue;
                }
                if cur_live {
                    for j in 0..W {
                        step256::<CLAMP>(
                            &cs,
                            full,
                            &mut cm[j],
                            &mut csg[j],
                            st_m[l][j],
                            st_s[l][j],
                        );
                    }
                } else {
                    (cm, csg, cur_live) = (st_m[l], st_s[l], true);
                }
                live[l] = false;
            }
            if cur_live {
                (st_m[top], st_s[top], live[top]) = (cm, csg, true);
            }
        }
        let mut cm = [cs.zero; W];
        let mut csg = [cs.zero; W];
        for l in 0..levels {
            if live[l] {
                for j in 0..W {
                    step256::<CLAMP>(&cs, full, &mut cm[j], &mut csg[j], st_m[l][j], st_s[l][j]);
                }
            }
        }
        store256(&cs, &cm, &csg, crow, j0);
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
