//! The `gemm` target: LNS matrix products on every instruction set and in
//! every summation order, against the generic loop.

use lognum::{BitShift, Exact, Interp, LogAdd, LogNum, Lut};
use lognum_tensor::matmul::lns::{self, Isa};
use lognum_tensor::matmul::{
    Accumulate, gemm_generic, gemm_generic_blocked, gemm_generic_pairwise,
};

/// The input as a byte stream that starts over when it runs out, so that a
/// short input still fills whole matrices. Never empty.
#[derive(Clone)]
struct Cycle<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cycle<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data[self.pos % self.data.len()];
        self.pos += 1;
        b
    }

    fn word(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
}

/// One matrix product to check, read from the head of the input.
#[derive(Clone, Copy, Debug)]
struct GemmCase {
    m: usize,
    k: usize,
    n: usize,
    /// The block size of `Accumulate::Blocked`.
    kb: usize,
    /// Out of 8: how often a word is a special one (see `special`) instead
    /// of the next word of the input.
    density: u8,
    /// Fresh words within 2^±4 of one, so that terms are close in size and
    /// every Δ entry (and Δ−'s pole) comes up, not only the far tails.
    near_one: bool,
    /// Every word of `a` is one, so the products are `b` itself and
    /// alternating columns of `b` cancel exactly.
    ones: bool,
}

impl GemmCase {
    /// The shape from the first four bytes, the mode from the fifth:
    /// bits 0–2 the density of special words, bit 3 `near_one`, bit 4 `ones`.
    fn read(r: &mut Cycle<'_>) -> Self {
        let m = 1 + r.byte() as usize % 6;
        let k = r.byte() as usize % 81;
        let n = 1 + r.byte() as usize % 70;
        let kb = 1 + r.byte() as usize % 9;
        let mode = r.byte();
        GemmCase {
            m,
            k,
            n,
            kb,
            density: mode & 7,
            near_one: mode & 8 != 0,
            ones: mode & 16 != 0,
        }
    }
}

/// The word `sel` (mod 16) picks: a constant where kernels tend to diverge
/// (both zeros, the extremes, the smallest magnitudes, ±1), a neighbour
/// along `k` (`prev`) as it is, negated (exact cancellation) or one code
/// apart (Δ−'s pole), a magnitude near the top (saturation) or bottom
/// (flush to zero) with the sign of `w`, or `w` moved near one.
fn special<const F: u32, A: LogAdd>(sel: u8, w: u16, prev: Option<LogNum<F, A>>) -> LogNum<F, A> {
    type L<const F: u32, A> = LogNum<F, A>;
    let prev = prev.unwrap_or(L::<F, A>::from_bits(w));
    let sign = w & L::<F, A>::SIGN_MASK;
    match sel % 16 {
        0 => L::ZERO,
        1 => L::NEG_ZERO,
        2 => L::MAX,
        3 => L::MIN,
        4 => L::MIN_POSITIVE,
        5 => L::MIN_POSITIVE.neg(),
        6 => L::ONE,
        7 => L::NEG_ONE,
        8 => prev,
        9 | 15 => prev.neg(),
        10 => L::from_bits(prev.to_bits() ^ 1).neg(),
        11 => L::from_bits(prev.to_bits() ^ 1),
        12 => L::from_bits(sign | (L::<F, A>::MAG_MASK - (w & 0x3f))),
        13 => L::from_bits(sign | (1 + (w & 0x3f))),
        _ => near_one(w),
    }
}

/// `w` with its magnitude moved within 2^±4 of one (its sign kept).
fn near_one<const F: u32, A: LogAdd>(w: u16) -> LogNum<F, A> {
    type L<const F: u32, A> = LogNum<F, A>;
    let span = 1u16 << (F + 3);
    let mag = L::<F, A>::BIAS - span / 2 + (w & (span - 1));
    L::from_bits((w & L::<F, A>::SIGN_MASK) | mag)
}

/// `len` words from `r`; a special word replaces the fresh one where the
/// case says so. `stride` is the step along `k` (1 for `a`, `n` for `b`), so
/// that `prev` is the previous term of the same dot product.
fn draw_words<const F: u32, A: LogAdd>(
    r: &mut Cycle<'_>,
    case: &GemmCase,
    len: usize,
    stride: usize,
) -> Vec<LogNum<F, A>> {
    let mut out: Vec<LogNum<F, A>> = Vec::with_capacity(len);
    for i in 0..len {
        let w = r.word();
        let fresh = if case.near_one {
            near_one(w)
        } else {
            LogNum::from_bits(w)
        };
        let x = if case.density == 0 {
            fresh
        } else {
            let c = r.byte();
            if c & 7 < case.density {
                special(c >> 3, w, i.checked_sub(stride).map(|j| out[j]))
            } else {
                fresh
            }
        };
        out.push(x);
    }
    out
}

/// What no kernel writes on its own: an output left unwritten shows up.
const UNWRITTEN: u16 = 0x5a5a;

/// Checks one format: every available ISA against the generic loop (the
/// portable kernel for `Wide`), in every order.
fn gemm_format<const F: u32, A: LogAdd>(case: &GemmCase, mut r: Cycle<'_>) {
    type L<const F: u32, A> = LogNum<F, A>;
    let &GemmCase { m, k, n, kb, .. } = case;
    let a: Vec<L<F, A>> = if case.ones {
        vec![L::ONE; m * k]
    } else {
        draw_words(&mut r, case, m * k, 1)
    };
    let b: Vec<L<F, A>> = draw_words(&mut r, case, k * n, n);
    let isas = Isa::available();
    for acc in [
        Accumulate::Sequential,
        Accumulate::Blocked(kb),
        Accumulate::Pairwise,
        Accumulate::Wide,
    ] {
        let mut want = vec![L::<F, A>::from_bits(UNWRITTEN); m * n];
        let reference = match acc {
            Accumulate::Sequential => {
                gemm_generic(m, k, n, &a, &b, &mut want);
                "generic"
            }
            Accumulate::Blocked(kb) => {
                gemm_generic_blocked(m, k, n, &a, &b, &mut want, kb);
                "generic"
            }
            Accumulate::Pairwise => {
                gemm_generic_pairwise(m, k, n, &a, &b, &mut want);
                "generic"
            }
            Accumulate::Wide => {
                lns::gemm_with_isa(Isa::Portable, acc, m, k, n, &a, &b, &mut want)
                    .expect("portable is always available");
                "portable"
            }
        };
        for &isa in &isas {
            let mut got = vec![L::<F, A>::from_bits(UNWRITTEN); m * n];
            lns::gemm_with_isa(isa, acc, m, k, n, &a, &b, &mut got)
                .unwrap_or_else(|e| panic!("{e}, but Isa::available() lists it"));
            let Some(at) = (0..m * n).find(|&at| got[at].to_bits() != want[at].to_bits()) else {
                continue;
            };
            let (i, j) = (at / n, at % n);
            let row: Vec<u16> = a[i * k..(i + 1) * k].iter().map(|x| x.to_bits()).collect();
            let col: Vec<u16> = (0..k).map(|p| b[p * n + j].to_bits()).collect();
            panic!(
                "{} FRAC={F} {m}x{k}x{n} {acc:?}: {isa} ({}) gives {:#06x} at c[{i}][{j}], \
                 {reference} {:#06x}; row {i} of a {row:04x?}, column {j} of b {col:04x?}",
                A::NAME,
                lns::kernel_name::<F, A>(isa),
                got[at].to_bits(),
                want[at].to_bits(),
            );
        }
    }
}

/// LNS matrix products (`lognum_tensor::matmul::lns`) on every instruction
/// set this CPU has, in every summation order (`Sequential`, `Blocked(kb)`,
/// `Pairwise`, `Wide`), for `LogNum<10>` with `Lut`, `BitShift`, `Exact`
/// and `Interp` and `LogNum<6, BitShift>`: the bits of the generic loop
/// over scalar `+` and `·` in the same order, and for `Wide` (which has no
/// bit-exact generic loop) the bits of the portable kernel.
///
/// The input is read as a stream that starts over when it runs out: m
/// (1–6), k (0–80), n (1–70) and kb (1–9) from its first four bytes, a mode
/// byte (how often a word is special — a zero, an extreme, a neighbour
/// negated for exact cancellation, a magnitude that saturates or flushes —
/// whether fresh words are near one, whether `a` is all ones), then the
/// words of `a` and `b`, two bytes each (plus a selector byte each when
/// special words are on). Every format reads the same words (masked to the
/// narrower word for `FRAC = 6`).
pub fn gemm(data: &[u8]) {
    if data.is_empty() {
        return;
    }
    let mut r = Cycle { data, pos: 0 };
    let case = GemmCase::read(&mut r);
    gemm_format::<10, Lut>(&case, r.clone());
    gemm_format::<10, BitShift>(&case, r.clone());
    gemm_format::<6, BitShift>(&case, r.clone());
    gemm_format::<10, Exact>(&case, r.clone());
    gemm_format::<10, Interp>(&case, r);
}
