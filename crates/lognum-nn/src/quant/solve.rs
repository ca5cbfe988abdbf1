//! The searches behind [`super`]'s functions: the exact ternary support,
//! the semi-analytical guess, nearest levels, the closed-form scale, the
//! alternating refinement and the exact sweep over the breakpoints of the
//! distance. Everything here works on magnitudes, as the parent's internals
//! do.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::*;

pub(super) fn ternary_from(w: &[f32], a: &[f64]) -> (f32, Vec<i8>) {
    let mut order: Vec<usize> = (0..a.len()).filter(|&i| a[i] > 0.0).collect();
    order.sort_unstable_by(|&i, &j| a[j].total_cmp(&a[i]));
    // Best support size k maximises S_k² / k, S_k the sum of the k largest.
    let (mut best_k, mut best_gain, mut sum) = (0, 0.0_f64, 0.0_f64);
    for (k, &i) in order.iter().enumerate() {
        sum += a[i];
        let gain = sum * sum / (k + 1) as f64;
        if gain > best_gain {
            best_gain = gain;
            best_k = k + 1;
        }
    }
    let mut codes = vec![0_i8; a.len()];
    if best_k == 0 {
        return (0.0, codes);
    }
    let support = &order[..best_k];
    let s: f64 = support.iter().map(|&i| a[i]).sum();
    for &i in support {
        codes[i] = 1;
    }
    (to_f32(s / best_k as f64), signed(w, codes))
}

/// The semi-analytical guess: `c·mean|w|` at three bits, `c·max|w|` at four
/// bits and more (over the finite weights; see [`Method::SemiAnalytical`]).
pub(super) fn semi_analytical_alpha(w: &[f32], bits: u32, c: f32) -> f32 {
    let (sum, max, n) = w.iter().filter(|x| x.is_finite()).fold(
        (0.0_f64, 0.0_f64, 0_usize),
        |(sum, max, n), &x| {
            let a = f64::from(x.abs());
            (sum + a, max.max(a), n + 1)
        },
    );
    if n == 0 {
        return 0.0;
    }
    let statistic = if bits <= 3 { sum / n as f64 } else { max };
    to_f32(f64::from(c) * statistic)
}

/// Level index (0 = zero, k ≥ 1 = level α·2^-(k−1)) nearest to `t = a/α`,
/// with `levels` non-zero levels.
pub(super) fn level_index(t: f64, levels: u32) -> u8 {
    if t.is_nan() || t <= 0.0 {
        return 0;
    }
    if t >= 0.75 {
        return 1;
    }
    // t = m·2^e with m in [1, 2). Level α·2^-j is chosen for
    // ¾·2^-j ≤ t < ¾·2^-(j−1); the smallest such j is −e − 1 when m ≥ 1.5
    // and −e otherwise. For t < ¾ this gives j ≥ 1.
    let bits = t.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let upper = i64::from((bits >> 51) & 1 == 1);
    let j = -e - upper;
    if j < i64::from(levels) {
        (j + 1) as u8
    } else if t > 0.5 * exp2i(1 - levels as i32) {
        levels as u8
    } else {
        0
    }
}

/// Nearest-level indices for every magnitude at scale `alpha`.
pub(super) fn nearest_codes(a: &[f64], alpha: f32, levels: u32, codes: &mut [i8]) {
    let alpha = f64::from(alpha);
    if alpha.is_nan() || alpha <= 0.0 {
        codes.fill(0);
        return;
    }
    for (c, &x) in codes.iter_mut().zip(a) {
        // At most 127, so the cast is exact.
        *c = level_index(x / alpha, levels) as i8;
    }
}

/// Closed-form scale for fixed level indices: Σ a·2^-j / Σ 2^-2j.
pub(super) fn fit_alpha(a: &[f64], codes: &[i8]) -> f64 {
    let (mut num, mut den) = (0.0_f64, 0.0_f64);
    for (&x, &c) in a.iter().zip(codes) {
        if c != 0 {
            let p = exp2i(1 - i32::from(c));
            num += x * p;
            den += p * p;
        }
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// Distance over the finite weights for magnitudes and level indices.
pub(super) fn distance_abs(a: &[f64], alpha: f32, codes: &[i8]) -> f64 {
    let alpha = f64::from(alpha);
    a.iter()
        .zip(codes)
        .map(|(&x, &c)| {
            let d = x - level(alpha, c);
            d * d
        })
        .sum()
}

/// Lloyd-style alternation from `alpha0`; keeps the best pair seen, so the
/// result is never worse than (alpha0, nearest codes at alpha0).
pub(super) fn alternating(a: &[f64], alpha0: f32, levels: u32, max_iters: u32) -> (f32, Vec<i8>) {
    let mut codes = vec![0_i8; a.len()];
    nearest_codes(a, alpha0, levels, &mut codes);
    let (mut best_alpha, mut best_codes) = normalize(alpha0, codes);
    let mut best_d = distance_abs(a, best_alpha, &best_codes);
    let mut codes = vec![0_i8; a.len()];
    for _ in 0..max_iters {
        let alpha = to_f32(fit_alpha(a, &best_codes));
        nearest_codes(a, alpha, levels, &mut codes);
        let (alpha, next) = normalize(alpha, codes);
        let d = distance_abs(a, alpha, &next);
        if d < best_d {
            best_d = d;
            best_alpha = alpha;
            codes = std::mem::replace(&mut best_codes, next);
        } else {
            break;
        }
    }
    (best_alpha, best_codes)
}

/// If no weight uses the top level, move the scale down by the unused octaves
/// so that the smallest code in use is 1. The represented values (and the
/// distance) do not change; the freed levels at the bottom become available
/// to the next nearest-level step. A shift that would round the scale (deep
/// in the subnormal `f32` range) is not made.
pub(super) fn normalize(alpha: f32, mut codes: Vec<i8>) -> (f32, Vec<i8>) {
    let Some(min) = codes
        .iter()
        .filter(|&&c| c != 0)
        .map(|&c| c.unsigned_abs())
        .min()
    else {
        return (alpha, codes);
    };
    let shift = i32::from(min) - 1;
    let scaled = f64::from(alpha) * exp2i(-shift);
    if shift == 0 || f64::from(scaled as f32) != scaled {
        return (alpha, codes);
    }
    for c in &mut codes {
        if *c != 0 {
            *c -= shift as i8;
        }
    }
    (scaled as f32, codes)
}

/// Global minimiser over α of f(α) = Σ_i min over levels (a_i − level)².
///
/// As α grows, t_i = a_i/α falls, and weight i moves from level index k to
/// k + 1 at α = a_i·m_k, m_k = (4/3)·2^(k−1) (k < L), and from L to zero at
/// α = a_i·m_L, m_L = 2^L. Between consecutive breakpoints the indices are
/// fixed and f(α) = A − 2αB + α²D with B = Σ a_i·2^-(k_i−1),
/// D = Σ 4^-(k_i−1) over the non-zero indices, minimised at B/D clamped to
/// the piece. There is a minimiser in (0, 2·max a]: above (4/3)·max a no
/// weight uses the top level, and halving α keeps every level in use
/// available (for L = 1 the minimiser is a mean, at most max a).
///
/// The breakpoints of transition k, taken over all weights, are the sorted
/// magnitudes times m_k, so one sort and a merge of the L sorted streams
/// (a heap of at most L cursors) visit them all in order.
pub(super) fn exact_alpha(a: &[f64], levels: u32) -> f32 {
    let mut s: Vec<f64> = a.iter().copied().filter(|&x| x > 0.0).collect();
    if s.is_empty() {
        return 0.0;
    }
    s.sort_unstable_by(f64::total_cmp);
    let hi = 2.0 * s[s.len() - 1];
    let mult = |k: u32| -> f64 {
        if k < levels {
            (4.0 / 3.0) * exp2i(k as i32 - 1)
        } else {
            exp2i(levels as i32)
        }
    };
    let total: f64 = s.iter().map(|x| x * x).sum();
    let mut b: f64 = s.iter().sum();
    let mut d = s.len() as f64;
    // Min-heap of (next breakpoint as ordered bits, transition k, position).
    let mut heap = BinaryHeap::with_capacity(levels as usize);
    for k in 1..=levels {
        let at = s[0] * mult(k);
        if at <= hi {
            heap.push(Reverse((at.to_bits(), k, 0_usize)));
        }
    }
    let (mut best_alpha, mut best_f) = (0.0_f64, total);
    let mut lo = 0.0_f64;
    loop {
        let next = heap
            .peek()
            .map_or(hi, |Reverse((bits, _, _))| f64::from_bits(*bits));
        if d > 0.0 && next > lo {
            let alpha = (b / d).clamp(lo, next);
            let f = total - 2.0 * alpha * b + alpha * alpha * d;
            if f < best_f {
                best_f = f;
                best_alpha = alpha;
            }
        }
        let Some(Reverse((bits, k, p))) = heap.pop() else {
            break;
        };
        lo = f64::from_bits(bits);
        let x = s[p];
        let q = exp2i(1 - k as i32);
        b -= x * q;
        d -= q * q;
        if k < levels {
            b += x * q / 2.0;
            d += q * q / 4.0;
        }
        if let Some(&y) = s.get(p + 1) {
            let at = y * mult(k);
            if at <= hi {
                heap.push(Reverse((at.to_bits(), k, p + 1)));
            }
        }
    }
    to_f32(best_alpha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_index_thresholds() {
        // Three levels (b = 3): 1, 1/2, 1/4; thresholds 3/4, 3/8, zero below 1/8.
        let cases = [
            (2.0, 1),
            (0.75, 1),
            (0.749, 2),
            (0.375, 2),
            (0.374, 3),
            (0.126, 3),
            (0.125, 0),
            (0.0, 0),
        ];
        for (t, k) in cases {
            assert_eq!(level_index(t, 3), k, "t = {t}");
        }
        // Ternary: zero threshold 1/2, ties to zero.
        assert_eq!(level_index(0.5, 1), 0);
        assert_eq!(level_index(0.5000001, 1), 1);
        assert_eq!(level_index(0.75, 1), 1);
    }

    #[test]
    fn level_index_matches_brute_force() {
        for levels in [1_u32, 3, 7, 127] {
            for i in 1..4000 {
                let t = f64::from(i) / 1000.0 * 0.37_f64.powi(i % 9);
                let k = level_index(t, levels);
                let err = |k: u8| {
                    let l = if k == 0 { 0.0 } else { exp2i(1 - i32::from(k)) };
                    (t - l).abs()
                };
                let best = (0..=levels as u8).map(err).fold(f64::INFINITY, f64::min);
                assert!(err(k) <= best * (1.0 + 1e-12), "t = {t}, levels = {levels}");
            }
        }
    }

    #[test]
    fn fit_alpha_closed_form() {
        // Codes 1 and 2 on magnitudes 1 and 0.6: α = (1 + 0.3) / (1 + 0.25).
        assert_eq!(fit_alpha(&[1.0, 0.6], &[1, 2]), 1.3 / 1.25);
        assert_eq!(fit_alpha(&[1.0], &[0]), 0.0);
    }

    #[test]
    fn exact_alpha_beats_a_fine_grid() {
        let a = [0.9, 0.31, 0.05, 0.6, 0.22, 0.13, 0.77, 0.018];
        for levels in [1, 3, 7] {
            let alpha = exact_alpha(&a, levels);
            let mut codes = [0_i8; 8];
            nearest_codes(&a, alpha, levels, &mut codes);
            let d = distance_abs(&a, alpha, &codes);
            for i in 1..=20_000 {
                let g = i as f32 * 1e-4;
                nearest_codes(&a, g, levels, &mut codes);
                assert!(d <= distance_abs(&a, g, &codes) + 1e-12);
            }
        }
    }
}
