//! The fixed-point kernels behind [`Scalar`](crate::Scalar) for
//! `fixed::FixedI16<Frac>` and `FixedI32<Frac>`: arithmetic as a fixed-point
//! multiply-accumulate unit does it.
//!
//! A product of two words with `F` fraction bits is exact in a word of twice
//! the width (`2F` fraction bits). `scalar_mul` rounds it once, to nearest with ties
//! to even, and saturates. `gemm` and `dot` add the exact products in an
//! accumulator four times the width (`i64` for 16-bit words, `i128` for
//! 32-bit ones; exact for up to 2^33 terms), then round the sum once to
//! nearest (ties to even) and saturate it once: every output is
//! `sat(round(Σ a·b))`, so the order of the sum does not matter, partial
//! sums never saturate, and zero operands can be skipped.
//!
//! (The `fixed` crate's own `saturating_mul` instead drops the low bits of
//! the product, rounding toward −∞: a bias of half a unit of the last place
//! on every product, which a sum of products turns into a drift.)

/// `x / 2^s` rounded to nearest, ties to even, for `s` below the width of
/// `x` and `x` at least `2^(s−1)` from the type's maximum.
///
/// Branch-free: adding `2^(s−1) − 1` and the lowest kept bit carries into
/// the kept bits exactly when the discarded part is above one half, or is
/// one half and the kept part is odd.
macro_rules! round_shift {
    ($name:ident, $t:ty) => {
        #[inline(always)]
        pub(crate) fn $name(x: $t, s: u32) -> $t {
            if s == 0 {
                return x;
            }
            let odd = (x >> s) & 1;
            (x + ((1 << (s - 1)) - 1) + odd) >> s
        }
    };
}

round_shift!(round_shift_i32, i32);
round_shift!(round_shift_i64, i64);
round_shift!(round_shift_i128, i128);

/// The kernels for one word width: `$word` words, exact products in
/// `$prod`, sums in `$acc`.
macro_rules! fixed_kernels {
    ($module:ident, $word:ty, $F:ident, $Le:ident, $prod:ty, $acc:ty, $round_prod:ident, $round_acc:ident) => {
        pub(crate) mod $module {
            use fixed::types::extra::$Le;
            use fixed::$F;

            use super::*;

            /// The word nearest to `x` units of the last place (saturating).
            #[inline(always)]
            fn saturate<Frac>(x: $acc) -> $F<Frac> {
                $F::from_bits(x.clamp(<$word>::MIN as $acc, <$word>::MAX as $acc) as $word)
            }

            /// The exact product, in units of `2^-2F`.
            #[inline(always)]
            fn product(a: $word, b: $word) -> $prod {
                <$prod>::from(a) * <$prod>::from(b)
            }

            /// `a · b`: the exact product rounded once to nearest (ties to
            /// even), saturated.
            #[inline]
            pub(crate) fn mul<Frac: $Le>(a: $F<Frac>, b: $F<Frac>) -> $F<Frac> {
                let p = $round_prod(product(a.to_bits(), b.to_bits()), Frac::U32);
                $F::from_bits(p.clamp(<$word>::MIN as $prod, <$word>::MAX as $prod) as $word)
            }

            /// `a / b` rounded to nearest (ties to even), saturated; the
            /// caller handles `b = 0`.
            #[inline]
            pub(crate) fn div<Frac: $Le>(a: $F<Frac>, b: $F<Frac>) -> $F<Frac> {
                let n = <$acc>::from(a.to_bits()) << Frac::U32;
                let d = <$acc>::from(b.to_bits());
                let (q, r) = (n / d, n % d); // q toward zero, r takes n's sign
                let (twice_r, abs_d) = (2 * r.abs(), d.abs());
                let up = twice_r > abs_d || (twice_r == abs_d && q & 1 != 0);
                let away = if (n < 0) == (d < 0) { 1 } else { -1 };
                saturate(q + if up { away } else { 0 })
            }

            /// `x · 2^k`: a shift, rounded to nearest (ties to even) when
            /// `k < 0`, saturated when `k > 0`.
            #[inline]
            pub(crate) fn mul_pow2<Frac>(x: $F<Frac>, k: i32) -> $F<Frac> {
                let bits = <$acc>::from(x.to_bits());
                let s = k.unsigned_abs();
                let shifted = if k >= 0 {
                    // Past the word's width every nonzero value saturates.
                    bits << s.min(<$word>::BITS + 1)
                } else if s <= <$word>::BITS {
                    $round_acc(bits, s)
                } else {
                    0 // |x·2^k| ≤ 1/4 unit
                };
                saturate(shifted)
            }

            /// `Σ a_i·b_i`: exact products summed exactly, rounded and
            /// saturated once.
            pub(crate) fn dot<Frac: $Le>(a: &[$F<Frac>], b: &[$F<Frac>]) -> $F<Frac> {
                let sum: $acc = a
                    .iter()
                    .zip(b)
                    .map(|(x, y)| <$acc>::from(product(x.to_bits(), y.to_bits())))
                    .sum();
                saturate($round_acc(sum, Frac::U32))
            }

            /// `c = a · b` (row-major, m×k times k×n): each output the exact
            /// sum of its `k` exact products, rounded and saturated once.
            /// Rows are split across rayon's threads for large products.
            pub(crate) fn gemm<Frac: $Le + Send + Sync>(
                m: usize,
                k: usize,
                n: usize,
                a: &[$F<Frac>],
                b: &[$F<Frac>],
                c: &mut [$F<Frac>],
            ) {
                assert!(
                    a.len() == m * k && b.len() == k * n && c.len() == m * n,
                    "gemm: slice lengths {}, {}, {} do not match {m}×{k} · {k}×{n}",
                    a.len(),
                    b.len(),
                    c.len()
                );
                if m == 0 || n == 0 {
                    return;
                }
                let rows = crate::parallel::row_block(m, k, n);
                crate::parallel::for_each_row_block(a, k, c, n, rows, |chunk, _, cr| {
                    let mut acc: Vec<$acc> = vec![0; n];
                    for (ii, row) in cr.chunks_exact_mut(n).enumerate() {
                        let i = chunk * rows + ii;
                        let xs = &a[i * k..(i + 1) * k];
                        // A zero row of `a` (a blank input, a pixel that is
                        // zero in the whole batch) gives a zero row.
                        if xs.iter().all(|x| x.to_bits() == 0) {
                            row.fill($F::ZERO);
                            continue;
                        }
                        acc.fill(0);
                        for (p, x) in xs.iter().enumerate() {
                            let x = x.to_bits();
                            if x == 0 {
                                continue; // adds exact zeros
                            }
                            for (s, y) in acc.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                                *s += <$acc>::from(product(x, y.to_bits()));
                            }
                        }
                        for (cj, &s) in row.iter_mut().zip(&acc) {
                            *cj = saturate($round_acc(s, Frac::U32));
                        }
                    }
                });
            }
        }
    };
}

fixed_kernels!(
    fixed16,
    i16,
    FixedI16,
    LeEqU16,
    i32,
    i64,
    round_shift_i32,
    round_shift_i64
);
fixed_kernels!(
    fixed32,
    i32,
    FixedI32,
    LeEqU32,
    i64,
    i128,
    round_shift_i64,
    round_shift_i128
);
