//! The x86-64 part of the shared machinery: the tokens that prove an
//! instruction set is there and enter it ([`Avx512`], [`Avx2`]), and the
//! look-ups of Δ that the matrix and element-wise kernels share: the
//! bucketed table of a [`Structured`] type by a word permute
//! ([`Perm512`]) or byte shuffles ([`Perm256`]), the computed Δ of a
//! [`Shifted`] table ([`shift_delta512`], [`shift_delta256`]), and the word
//! gathers from the full table.
//!
//! The look-ups are `#[target_feature]` functions: callers must have
//! checked the CPU (holding a token is that check), and the gathers'
//! indices must stay in the table.

use core::arch::x86_64::*;

use super::Kernel;
use super::tables::{D0_SLOT, KILL, Shifted, Structured};

/// Proof that the CPU runs AVX-512F and AVX-512BW: a value exists only
/// where [`Avx512::new`] found both.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512(());

impl Avx512 {
    /// The token, if this CPU has AVX-512F and AVX-512BW.
    pub(crate) fn new() -> Option<Self> {
        super::Isa::Avx512.is_available().then_some(Avx512(()))
    }

    /// Runs `k`'s AVX-512 path with the features enabled, so that the
    /// kernel's `#[inline(always)]` body and its lane operations compile
    /// to AVX-512 code here.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(crate) fn vectorize<K: Kernel, const L: u8, const CLAMP: bool>(self, k: K) {
        k.avx512::<L, CLAMP>(self)
    }
}

/// Proof that the CPU runs AVX2: a value exists only where [`Avx2::new`]
/// found it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The token, if this CPU has AVX2.
    pub(crate) fn new() -> Option<Self> {
        super::Isa::Avx2.is_available().then_some(Avx2(()))
    }

    /// Runs `k`'s AVX2 path with the feature enabled (see
    /// [`Avx512::vectorize`]).
    #[target_feature(enable = "avx2")]
    pub(crate) fn vectorize<K: Kernel, const L: u8, const CLAMP: bool>(self, k: K) {
        k.avx2::<L, CLAMP>(self)
    }
}

/// Constants of the bucketed Δ of a [`Structured`] table, 32 lanes: the
/// bucket of `d`, then one `vpermi2w` over the table's 64 slots.
#[derive(Clone, Copy)]
pub(crate) struct Perm512 {
    /// `2^(15 − shift)` for the rounding multiply, or `shift` for the
    /// truncating per-lane shift.
    mul: __m512i,
    /// The clamp bucket `E`.
    clamp: __m512i,
    /// The slot of `d = 0`.
    d0: __m512i,
    /// The Δ+ slots and the −Δ− slots.
    plus: __m512i,
    minus: __m512i,
}

impl Perm512 {
    /// The constants of `s`, or zeros (for kernels that do not use them).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(crate) fn new(s: Option<&Structured>) -> Self {
        let zero = _mm512_setzero_si512();
        let Some(s) = s else {
            return Perm512 {
                mul: zero,
                clamp: zero,
                d0: zero,
                plus: zero,
                minus: zero,
            };
        };
        // SAFETY: `perm` holds 64 i16, two 32-lane loads.
        let (plus, minus) = unsafe {
            (
                _mm512_loadu_epi16(s.perm.as_ptr()),
                _mm512_loadu_epi16(s.perm.as_ptr().add(32)),
            )
        };
        // `find_structure` picks shifts from 1 to 15.
        let mul = if s.round {
            1u16 << (15 - s.shift.min(15))
        } else {
            s.shift as u16
        };
        Perm512 {
            mul: _mm512_set1_epi16(mul as i16),
            clamp: _mm512_set1_epi16(s.entries as i16),
            d0: _mm512_set1_epi16(D0_SLOT as i16),
            plus,
            minus,
        }
    }

    /// The Δ+ slot of 32 code differences `d`: the bucket `(d + h) >> shift`
    /// (a rounding multiply-high if `round`, else a per-lane right shift:
    /// one instruction either way; `round` is a constant where the kernels
    /// call this) clamped to `E`, and [`D0_SLOT`] for `d = 0`. Bit 5 more
    /// picks the −Δ− slot.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(crate) fn slot(&self, d: __m512i, round: bool) -> __m512i {
        let bucket = if round {
            _mm512_mulhrs_epi16(d, self.mul)
        } else {
            _mm512_srlv_epi16(d, self.mul)
        };
        let dnz = _mm512_test_epi16_mask(d, d);
        _mm512_mask_min_epu16(self.d0, dnz, bucket, self.clamp)
    }

    /// The table entries at 32 slots `idx` (0 to 63), zero outside `live`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(crate) fn delta(&self, idx: __m512i, live: __mmask32) -> __m512i {
        _mm512_maskz_permutex2var_epi16(live, self.plus, idx, self.minus)
    }
}

/// Constants of the bucketed Δ of a [`Structured`] table, 16 lanes, for
/// AVX2, which has no word permute. The table is in its AVX2 layout
/// ([`Structured::shuffled`]: a slot below `half`, plus `half` for the −Δ−
/// half, where `half` is 24 for tables of at most 22 buckets and 32 for
/// larger ones), and the look-up works on bytes: two vectors of slots are
/// packed into one of 32 byte indices, and the low and the high bytes of
/// the entries are looked up apart, each from the `2·half` slots as three
/// (`half` 24) or four (32) 16-byte tables (one `vpshufb` each, in both
/// 128-bit halves) with no blend between them. The index less `16g`
/// reaches table `g` for every slot from `16g` up (below, it is negative,
/// which `vpshufb` reads as zero), and all of them read the same entry
/// `i & 15`; so table `g` holds the XOR of the slots' bytes in groups `g`
/// and `g − 1`, and the XOR of the look-ups telescopes to the byte of the
/// slot's own group.
#[derive(Clone, Copy)]
pub(crate) struct Perm256 {
    /// `2^(15 − shift)` for the rounding multiply.
    mul: __m256i,
    /// `shift` for the truncating shift.
    shift: __m128i,
    /// The clamp bucket `E`.
    clamp: __m256i,
    /// The slot of `d = 0`: `half − 1`.
    d0: __m256i,
    /// `half`: the offset of the −Δ− slots, added to a Δ+ slot where the
    /// signs differ (a minus sign's lane value in the kernels).
    neg: __m256i,
    /// The low bytes of slots `16g .. 16g + 16`, each XORed with those of
    /// group `g − 1`, for `g` in `0..4` (the fourth unused if `half` is
    /// 24).
    lo: [__m256i; 4],
    /// The same for the high bytes.
    hi: [__m256i; 4],
}

impl Perm256 {
    /// The constants of `s`, or zeros (for kernels that do not use them).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn new(s: Option<&Structured>) -> Self {
        let zero = _mm256_setzero_si256();
        let Some(s) = s else {
            return Perm256 {
                mul: zero,
                shift: _mm_setzero_si128(),
                clamp: zero,
                d0: zero,
                neg: zero,
                lo: [zero; 4],
                hi: [zero; 4],
            };
        };
        let slots = s.shuffled();
        let bytes = |g: usize, high: bool| {
            let b: [u8; 16] = core::array::from_fn(|i| {
                let byte = |g: usize| {
                    let [l, h] = slots[16 * g + i].to_le_bytes();
                    if high { h } else { l }
                };
                if g == 0 {
                    byte(0)
                } else {
                    byte(g) ^ byte(g - 1)
                }
            });
            // SAFETY: `b` holds 16 bytes.
            unsafe { _mm256_broadcastsi128_si256(_mm_loadu_si128(b.as_ptr().cast())) }
        };
        let half = s.shuffle_half();
        Perm256 {
            mul: _mm256_set1_epi16((1u16 << (15 - s.shift.min(15))) as i16),
            shift: _mm_cvtsi32_si128(s.shift as i32),
            clamp: _mm256_set1_epi16(s.entries as i16),
            d0: _mm256_set1_epi16((half - 1) as i16),
            neg: _mm256_set1_epi16(half as i16),
            lo: core::array::from_fn(|g| bytes(g, false)),
            hi: core::array::from_fn(|g| bytes(g, true)),
        }
    }

    /// `half` in every lane: the offset of the −Δ− slots.
    #[inline(always)]
    pub(crate) fn neg(&self) -> __m256i {
        self.neg
    }

    /// The Δ+ slot of 16 code differences `d`, as [`Perm512::slot`] gives
    /// it (with the `d = 0` slot at `half − 1`). Adding `half`
    /// ([`Perm256::neg`]) picks the −Δ− slot. (The bucket of `d = 0` is 0,
    /// so ORing in the `d = 0` slot where `d = 0` sets it without a blend.)
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn slot(&self, d: __m256i, round: bool) -> __m256i {
        let bucket = if round {
            _mm256_mulhrs_epi16(d, self.mul)
        } else {
            _mm256_srl_epi16(d, self.shift)
        };
        let idx = _mm256_min_epu16(bucket, self.clamp);
        let dz = _mm256_cmpeq_epi16(d, _mm256_setzero_si256());
        _mm256_or_si256(idx, _mm256_and_si256(dz, self.d0))
    }

    /// The table entries at the 16 slots of `a` and at those of `b`: each
    /// word a slot below `2·half`, or −1 for an entry of 0. `wide` must be
    /// true if `half` is 32 (a constant where the kernels call this, as
    /// `round` is for [`Perm256::slot`]).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn delta2(&self, a: __m256i, b: __m256i, wide: bool) -> (__m256i, __m256i) {
        // Per 128-bit half: a's eight words, then b's, as bytes (−1 stays
        // 0xff).
        self.delta_bytes(_mm256_packs_epi16(a, b), wide)
    }

    /// [`Perm256::delta2`] from the slots already packed to bytes: each a
    /// slot below `2·half` or −1 (an entry of 0: −1 less 16, 32 or 48 is
    /// still negative), per 128-bit half eight of the first vector's
    /// lanes, then eight of the second's.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn delta_bytes(&self, idx: __m256i, wide: bool) -> (__m256i, __m256i) {
        let (mut lo, mut hi) = (
            _mm256_shuffle_epi8(self.lo[0], idx),
            _mm256_shuffle_epi8(self.hi[0], idx),
        );
        for g in 1..if wide { 4 } else { 3 } {
            let i = _mm256_sub_epi8(idx, _mm256_set1_epi8(16 * g as i8));
            lo = _mm256_xor_si256(lo, _mm256_shuffle_epi8(self.lo[g], i));
            hi = _mm256_xor_si256(hi, _mm256_shuffle_epi8(self.hi[g], i));
        }
        // Back to words in lane order: the low halves of the halves are a's.
        (_mm256_unpacklo_epi8(lo, hi), _mm256_unpackhi_epi8(lo, hi))
    }

    /// The table entries at 16 slots `idx` ([`Perm256::delta2`] for one
    /// vector).
    #[cfg(test)]
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn delta(&self, idx: __m256i, wide: bool) -> __m256i {
        self.delta2(idx, idx, wide).0
    }
}

/// Constants of the computed Δ of a [`Shifted`] table, 32 lanes.
#[derive(Clone, Copy)]
pub(crate) struct Shift512 {
    zero: __m512i,
    /// `2^frac − 1`: the fraction of `d`.
    frac_mask: __m512i,
    /// `frac`: the shift count that leaves `n`.
    frac: __m512i,
    plus: __m512i,
    minus: __m512i,
    kill: __m512i,
}

impl Shift512 {
    /// The constants of `s`, or zeros (for kernels that do not use them).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(crate) fn new(s: Option<&Shifted>) -> Self {
        let s = s.copied().unwrap_or(Shifted {
            frac: 0,
            plus: 0,
            minus: 0,
        });
        Shift512 {
            zero: _mm512_setzero_si512(),
            frac_mask: _mm512_set1_epi16(((1u32 << s.frac) - 1) as i16),
            frac: _mm512_set1_epi16(s.frac as i16),
            plus: _mm512_set1_epi16(s.plus as i16),
            minus: _mm512_set1_epi16(s.minus as i16),
            kill: _mm512_set1_epi16(KILL),
        }
    }
}

/// The `i16` table entries at the 32 word indices of `idx`, zero in lanes
/// outside `live`: two 16-lane gathers of 32 bits at scale 2 (each reads
/// its entry and the next), narrowed back to words.
///
/// # Safety
///
/// Every live index `i` must have entries `i` and `i + 1` inside the table
/// that `full` points to.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) unsafe fn gather_words512(full: *const i32, idx: __m512i, live: __mmask32) -> __m512i {
    let lo = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(idx));
    let hi = _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64::<1>(idx));
    let zero = _mm512_setzero_si512();
    // SAFETY: the caller keeps every live index and the one after it in the
    // table.
    let (glo, ghi) = unsafe {
        (
            _mm512_mask_i32gather_epi32::<2>(zero, live as u16, lo, full),
            _mm512_mask_i32gather_epi32::<2>(zero, (live >> 16) as u16, hi, full),
        )
    };
    _mm512_inserti64x4::<1>(
        _mm512_castsi256_si512(_mm512_cvtepi32_epi16(glo)),
        _mm512_cvtepi32_epi16(ghi),
    )
}

/// [`Shifted::eval`] for 32 code differences `d`, −Δ− in the lanes of
/// `diff`: the fraction shifted right by one and by two, subtracted from
/// the constant the sign picks (once for Δ+, both for Δ−), a per-lane right
/// shift by `n` (`vpsrlvw`, 0 for counts from 16, as `eval` has it),
/// negated for −Δ−, and [`KILL`] where `d = 0` and the signs differ.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn shift_delta512(c: &Shift512, d: __m512i, diff: __mmask32) -> __m512i {
    let f = _mm512_and_si512(d, c.frac_mask);
    let half = _mm512_srli_epi16::<1>(f);
    let quarter = _mm512_srli_epi16::<2>(f);
    let n = _mm512_srlv_epi16(d, c.frac);
    let x = _mm512_sub_epi16(_mm512_mask_blend_epi16(diff, c.plus, c.minus), half);
    let x = _mm512_mask_sub_epi16(x, diff, x, quarter);
    let v = _mm512_srlv_epi16(x, n);
    let v = _mm512_mask_sub_epi16(v, diff, c.zero, v);
    let kill = _mm512_mask_testn_epi16_mask(diff, d, d);
    _mm512_mask_mov_epi16(v, kill, c.kill)
}

/// Constants of the computed Δ of a [`Shifted`] table, 16 lanes.
#[derive(Clone, Copy)]
pub(crate) struct Shift256 {
    /// `2^frac − 1`: the fraction of `d`.
    frac_mask: __m256i,
    /// `0xffff` in every 32-bit lane: the even words.
    low: __m256i,
    /// `frac` in every 32-bit lane: the shift count that leaves `n` of an
    /// even word.
    frac: __m256i,
    /// `16 + frac`: the shift count that leaves `n` of an odd word.
    frac_odd: __m256i,
    /// The constant of Δ+.
    plus: __m256i,
    /// The constant of −Δ− less that of Δ+ (wrapping).
    minus_less_plus: __m256i,
    kill: __m256i,
}

impl Shift256 {
    /// The constants of `s`, or zeros (for kernels that do not use them).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn new(s: Option<&Shifted>) -> Self {
        let s = s.copied().unwrap_or(Shifted {
            frac: 0,
            plus: 0,
            minus: 0,
        });
        Shift256 {
            frac_mask: _mm256_set1_epi16(((1u32 << s.frac) - 1) as i16),
            low: _mm256_set1_epi32(0xffff),
            frac: _mm256_set1_epi32(s.frac as i32),
            frac_odd: _mm256_set1_epi32(16 + s.frac as i32),
            plus: _mm256_set1_epi16(s.plus as i16),
            minus_less_plus: _mm256_set1_epi16(s.minus.wrapping_sub(s.plus) as i16),
            kill: _mm256_set1_epi16(KILL),
        }
    }
}

/// [`Shifted::eval`] for 16 code differences `d`, Δ+ in the lanes where
/// `same` is all ones, −Δ− where it is zero: [`shift_delta512`]'s
/// arithmetic (the constant the sign picks is Δ+'s plus, where the signs
/// differ, the difference of the two, taken with `⌊f/4⌋`: one mask for
/// both), with the per-lane shift by `n` done in 32-bit lanes, as AVX2
/// has no 16-bit one. `vpsrlvd` gives 0 for counts from 32, and a word
/// shifted by 16 to 31 is 0 as well, as `eval` has it. An odd word is the
/// high half of its dword: the dword shifted by the odd `n` (`d >> (16 +
/// frac)` of the dword) holds it in its high half, whatever the low half
/// held. An even word is the masked low half, shifted by its own `n`. One
/// word blend takes each from its shift.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn shift_delta256(c: &Shift256, d: __m256i, same: __m256i) -> __m256i {
    let f = _mm256_and_si256(d, c.frac_mask);
    let half = _mm256_srli_epi16::<1>(f);
    // ⌊f/4⌋ − (c₋ − c₊) where the signs differ, else 0.
    let minus_terms = _mm256_andnot_si256(
        same,
        _mm256_sub_epi16(_mm256_srli_epi16::<2>(f), c.minus_less_plus),
    );
    let x = _mm256_sub_epi16(c.plus, _mm256_add_epi16(half, minus_terms));
    let n_even = _mm256_srlv_epi32(_mm256_and_si256(d, c.low), c.frac);
    let n_odd = _mm256_srlv_epi32(d, c.frac_odd);
    let even = _mm256_srlv_epi32(_mm256_and_si256(x, c.low), n_even);
    let odd = _mm256_srlv_epi32(x, n_odd);
    let v = _mm256_blend_epi16::<0b1010_1010>(even, odd);
    // same − (v ^ same): v where `same` is all ones, −v where it is zero.
    let v = _mm256_sub_epi16(same, _mm256_xor_si256(v, same));
    let kill = _mm256_andnot_si256(same, _mm256_cmpeq_epi16(d, _mm256_setzero_si256()));
    _mm256_blendv_epi8(v, c.kill, kill)
}

/// The `i16` table entries at the 16 word indices of `idx`: two 8-lane
/// gathers of 32 bits at scale 2 (each reads its entry and the next),
/// narrowed back to words (the unpack and the pack both work within
/// 128-bit halves, so the lanes come back in order).
///
/// # Safety
///
/// Every index `i` must have entries `i` and `i + 1` inside the table that
/// `full` points to.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn gather_words256(full: *const i32, idx: __m256i) -> __m256i {
    let zero = _mm256_setzero_si256();
    let lo = _mm256_unpacklo_epi16(idx, zero);
    let hi = _mm256_unpackhi_epi16(idx, zero);
    // SAFETY: the caller keeps every index and the one after it in the
    // table.
    let (glo, ghi) = unsafe {
        (
            _mm256_i32gather_epi32::<2>(full, lo),
            _mm256_i32gather_epi32::<2>(full, hi),
        )
    };
    let low16 = _mm256_set1_epi32(0xffff);
    _mm256_packus_epi32(_mm256_and_si256(glo, low16), _mm256_and_si256(ghi, low16))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lns::tables::{LnsTables, tables};
    use lognum::{BitShift, FloorShift, Lut, TruncLut};

    /// [`Perm256`]'s slot and look-ups (one vector and two) give the
    /// table's entry at every `d` from 0 to `i16::MAX` (the lanes'
    /// differences), for both signs, and 0 at a negative slot.
    fn check_perm256(t: &LnsTables) {
        let Some(_) = Avx2::new() else {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        };
        let s = t.structured.as_ref().expect("a bucketed table");
        let wide = s.shuffle_half() == 32;
        // SAFETY: the token exists, so the CPU has AVX2.
        let c = unsafe { Perm256::new(Some(s)) };
        for diff in [false, true] {
            for chunk in 0..32768 / 16 {
                let d: [u16; 16] = core::array::from_fn(|i| (16 * chunk + i) as u16);
                let (mut out, mut pair) = ([0i16; 16], [[0i16; 16]; 4]);
                // SAFETY: the CPU has AVX2 (above); the loads and the stores
                // touch the 16 words of `d`, `dead`, `out` and each `pair`.
                unsafe {
                    let slot = c.slot(_mm256_loadu_si256(d.as_ptr().cast()), s.round);
                    let neg = c.neg();
                    let idx = if diff {
                        _mm256_add_epi16(slot, neg)
                    } else {
                        slot
                    };
                    _mm256_storeu_si256(out.as_mut_ptr().cast(), c.delta(idx, wide));
                    // The pair look-up: the same slots beside the other
                    // sign's, and beside slots with every third lane −1
                    // (an entry of 0).
                    let other = if diff {
                        slot
                    } else {
                        _mm256_add_epi16(slot, neg)
                    };
                    let dead: [i16; 16] = core::array::from_fn(|i| -((i % 3 == 0) as i16));
                    let holed = _mm256_or_si256(idx, _mm256_loadu_si256(dead.as_ptr().cast()));
                    let (x, y) = c.delta2(idx, other, wide);
                    let (z, w) = c.delta2(holed, idx, wide);
                    for (v, o) in [x, y, z, w].into_iter().zip(pair.iter_mut()) {
                        _mm256_storeu_si256(o.as_mut_ptr().cast(), v);
                    }
                }
                let want = |d: u16, diff: bool| {
                    if diff && d == 0 {
                        KILL
                    } else {
                        t.lookup(d, diff)
                    }
                };
                for i in 0..16 {
                    let w = want(d[i], diff);
                    assert_eq!(out[i], w, "d={} diff={diff}", d[i]);
                    assert_eq!(pair[0][i], w, "pair: d={} diff={diff}", d[i]);
                    assert_eq!(pair[1][i], want(d[i], !diff), "pair: d={}", d[i]);
                    let holed = if i % 3 == 0 { 0 } else { w };
                    assert_eq!(pair[2][i], holed, "holed: d={} diff={diff}", d[i]);
                    assert_eq!(pair[3][i], w, "pair: d={} diff={diff}", d[i]);
                }
            }
        }
    }

    #[test]
    fn perm256_is_the_table_at_every_d() {
        check_perm256(tables::<10, Lut>());
        check_perm256(tables::<10, TruncLut>());
        check_perm256(tables::<10, FloorShift>());
        check_perm256(tables::<10, Lut<1, 11>>());
        check_perm256(tables::<10, Lut<1, 12>>());
        check_perm256(tables::<10, Lut<2, 7>>());
        check_perm256(tables::<6, Lut>());
        check_perm256(tables::<6, FloorShift>());
        check_perm256(tables::<3, BitShift>());
    }

    /// [`shift_delta256`] is [`Shifted::eval`] at every 16-bit `d`, with the
    /// signs equal, different, and mixed within a vector.
    fn check_shift256(s: &Shifted) {
        let Some(_) = Avx2::new() else {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        };
        // SAFETY: the token exists, so the CPU has AVX2.
        let c = unsafe { Shift256::new(Some(s)) };
        for pattern in 0..3 {
            for chunk in 0..65536 / 16 {
                let d: [u16; 16] = core::array::from_fn(|i| (16 * chunk + i) as u16);
                let same: [bool; 16] = core::array::from_fn(|i| match pattern {
                    0 => true,
                    1 => false,
                    _ => (i + chunk) % 3 != 0,
                });
                let mask = same.map(|b| if b { -1i16 } else { 0 });
                let mut out = [0i16; 16];
                // SAFETY: the CPU has AVX2 (above); the loads and the store
                // touch the 16 words of `d`, `mask` and `out`.
                unsafe {
                    let v = shift_delta256(
                        &c,
                        _mm256_loadu_si256(d.as_ptr().cast()),
                        _mm256_loadu_si256(mask.as_ptr().cast()),
                    );
                    _mm256_storeu_si256(out.as_mut_ptr().cast(), v);
                }
                for i in 0..16 {
                    assert_eq!(
                        out[i],
                        s.eval(d[i], !same[i]),
                        "{s:?} d={} same={}",
                        d[i],
                        same[i]
                    );
                }
            }
        }
    }

    #[test]
    fn shift_delta256_is_eval_at_every_d() {
        check_shift256(&tables::<10, BitShift>().shifted.unwrap());
        check_shift256(&tables::<6, BitShift>().shifted.unwrap());
        check_shift256(&tables::<4, BitShift>().shifted.unwrap());
        check_shift256(&tables::<3, BitShift>().shifted.unwrap());
        // Every split the form allows, with BitShift's constants (wrapping
        // in 16 bits from `frac = 15`, as the lanes do).
        for frac in 1..=15 {
            check_shift256(&Shifted {
                frac,
                plus: (1u32 << frac) as u16,
                minus: ((3u32 << frac) >> 1) as u16,
            });
        }
        // Constants whose subtractions wrap at small `d` too.
        check_shift256(&Shifted {
            frac: 5,
            plus: 0xffff,
            minus: 0x8001,
        });
    }
}
