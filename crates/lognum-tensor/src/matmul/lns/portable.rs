//! The portable kernels: the same algorithm as the vector kernels, one lane
//! at a time. They define the bits every vector path must reproduce, and
//! they reproduce `lognum::arith::{mul_magnitudes, add_magnitudes}` (the
//! tests check both).

use super::{PANEL, PackedB, PackedWide, WIDE_ZERO};
use crate::lns::tables::LnsTables;

/// One log-add on the kernels' lane representation (see the module docs of
/// [`super`]): `acc ⊞ x` where `x` has magnitude `m` and sign `s` (0 or 32).
/// Branch-free, like the vector kernels.
#[inline(always)]
pub(crate) fn step(t: &LnsTables, acc_m: &mut i16, acc_s: &mut u16, m: i16, s: u16) {
    let big = (*acc_m).max(m);
    let small = (*acc_m).min(m);
    let d = big.wrapping_sub(small) as u16;
    // A zero operand reads the zero entry at the cutoff.
    let d = if small > 0 { d.min(t.cutoff) } else { t.cutoff };
    let i = d as usize + (((*acc_s ^ s) as usize) << (t.half_log2 - 5));
    let r = big.saturating_add(t.full[i]).min(t.max);
    *acc_s = if m > *acc_m { s } else { *acc_s };
    *acc_m = r;
}

/// The product magnitude in lane form: `ma + (mb − bias)`, saturated to
/// `max`; `≤ 0` means zero.
#[inline(always)]
pub(crate) fn product(t: &LnsTables, ma: i16, bm: i16) -> i16 {
    ma.saturating_add(bm).min(t.max)
}

/// Rows of `c` (each `n` wide) from rows of `a` (each `k` long) and packed
/// `b`, in blocks of `kb` along `k`.
pub(crate) fn gemm_rows(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    kb: usize,
    pb: &PackedB,
    c: &mut [u16],
) {
    let n = pb.n;
    let mag_mask = t.max as u16;
    for j0 in (0..n).step_by(PANEL) {
        let panel = pb.panel(j0);
        let w = (n - j0).min(PANEL);
        let mut acc_m = vec![0i16; w];
        let mut acc_s = vec![0u16; w];
        let mut tot_m = vec![0i16; w];
        let mut tot_s = vec![0u16; w];
        for (arow, crow) in a.chunks_exact(k.max(1)).zip(c.chunks_exact_mut(n)) {
            tot_m.fill(0);
            tot_s.fill(0);
            for (blk, ablk) in arow.chunks(kb).enumerate() {
                acc_m.fill(0);
                acc_s.fill(0);
                for (dp, &wa) in ablk.iter().enumerate() {
                    let ma = (wa & mag_mask) as i16;
                    if ma == 0 {
                        continue;
                    }
                    let row = panel.row(blk * kb + dp);
                    let sign = row + (1 + ((wa >> t.mag_bits) & 1) as usize) * panel.width;
                    let bm = &pb.data[row..row + w];
                    let bs = &pb.data[sign..sign + w];
                    for j in 0..w {
                        let m = product(t, ma, bm[j] as i16);
                        step(t, &mut acc_m[j], &mut acc_s[j], m, bs[j]);
                    }
                }
                if kb >= k {
                    std::mem::swap(&mut tot_m, &mut acc_m);
                    std::mem::swap(&mut tot_s, &mut acc_s);
                } else {
                    for j in 0..w {
                        step(t, &mut tot_m[j], &mut tot_s[j], acc_m[j], acc_s[j]);
                    }
                }
            }
            for j in 0..w {
                crow[j0 + j] = super::word(t, tot_m[j], tot_s[j]);
            }
        }
    }
}

/// Rows of `c` from rows of `a` and packed `b` in the pairwise order (see
/// [`Accumulate::Pairwise`](crate::matmul::Accumulate::Pairwise)). A zero
/// `a` term adds nothing and is skipped, and a level holding only zero terms
/// is marked empty: adding zero is exact, so the sums are those of the full
/// tree.
pub(crate) fn gemm_rows_tree(t: &LnsTables, a: &[u16], k: usize, pb: &PackedB, c: &mut [u16]) {
    let n = pb.n;
    let mag_mask = t.max as u16;
    let levels = crate::matmul::tree_levels(k);
    for j0 in (0..n).step_by(PANEL) {
        let panel = pb.panel(j0);
        let w = (n - j0).min(PANEL);
        let mut st_m = vec![0i16; levels * w];
        let mut st_s = vec![0u16; levels * w];
        let mut live = vec![false; levels];
        let mut cur_m = vec![0i16; w];
        let mut cur_s = vec![0u16; w];
        for (arow, crow) in a.chunks_exact(k.max(1)).zip(c.chunks_exact_mut(n)) {
            live.fill(false);
            for (p, &wa) in arow.iter().enumerate() {
                let ma = (wa & mag_mask) as i16;
                let mut cur_live = ma != 0;
                if cur_live {
                    let row = panel.row(p);
                    let sign = row + (1 + ((wa >> t.mag_bits) & 1) as usize) * panel.width;
                    let bm = &pb.data[row..row + w];
                    let bs = &pb.data[sign..sign + w];
                    for j in 0..w {
                        cur_m[j] = product(t, ma, bm[j] as i16);
                        cur_s[j] = bs[j];
                    }
                }
                let top = (p + 1).trailing_zeros() as usize;
                for l in 0..top {
                    if !live[l] {
                        continue;
                    }
                    let (lm, ls) = (&st_m[l * w..(l + 1) * w], &st_s[l * w..(l + 1) * w]);
                    if cur_live {
                        for j in 0..w {
                            step(t, &mut cur_m[j], &mut cur_s[j], lm[j], ls[j]);
                        }
                    } else {
                        cur_m.copy_from_slice(lm);
                        cur_s.copy_from_slice(ls);
                        cur_live = true;
                    }
                    live[l] = false;
                }
                if cur_live {
                    st_m[top * w..(top + 1) * w].copy_from_slice(&cur_m);
                    st_s[top * w..(top + 1) * w].copy_from_slice(&cur_s);
                    live[top] = true;
                }
            }
            cur_m.fill(0);
            cur_s.fill(0);
            for l in 0..levels {
                if live[l] {
                    for j in 0..w {
                        step(
                            t,
                            &mut cur_m[j],
                            &mut cur_s[j],
                            st_m[l * w + j],
                            st_s[l * w + j],
                        );
                    }
                }
            }
            for j in 0..w {
                crow[j0 + j] = super::word(t, cur_m[j], cur_s[j]);
            }
        }
    }
}

/// The wide accumulator: every product's exact value in f64, summed in
/// increasing `k` (zero products skipped: adding +0 changes nothing), and
/// left for the caller to round once.
pub(crate) fn gemm_rows_wide(t: &LnsTables, a: &[u16], k: usize, pw: &PackedWide, c: &mut [f64]) {
    let n = pw.n;
    let np = pw.n_pad;
    let mag_mask = t.max as u16;
    for (arow, crow) in a.chunks_exact(k.max(1)).zip(c.chunks_exact_mut(n)) {
        crow.fill(0.0);
        for (p, &w) in arow.iter().enumerate() {
            let ma = (w & mag_mask) as i32;
            if ma == 0 {
                continue;
            }
            let la = ma - t.bias;
            let sa = (((w >> t.mag_bits) & 1) as u64) << 63;
            let lv = &pw.lv[p * np..p * np + n];
            let sg = &pw.sg[p * np..p * np + n];
            for j in 0..n {
                if lv[j] != WIDE_ZERO {
                    crow[j] += super::wide_value(t, la, lv[j], sa, sg[j]);
                }
            }
        }
    }
}
