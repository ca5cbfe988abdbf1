//! The loop skeletons of the vector kernels, written once over [`Lanes`]:
//! the sequential-blocked order ([`group`]) and the pairwise tree
//! ([`tree`]), each register-blocked over `R` rows × `W` vectors; the
//! first also blocked over `k` (passes of [`Lanes::KC`] steps, so that the panel
//! rows of a pass stay in L1 while every row group uses them), the second
//! summing terms in pairs in registers. Each instruction set
//! supplies only its lane operations (`super::x86`); the portable kernels
//! (`super::portable`) are the reference they must match bit for bit.
//!
//! Everything here is `#[inline(always)]`: it is compiled inside the
//! `#[target_feature]` entry of the instruction set (see
//! [`Kernel`](crate::lns::Kernel)).

use super::{Order, PANEL, PackedB};
use crate::lns::tables::LnsTables;

/// The lane operations of one instruction set on the kernels' lane
/// representation (see the [module docs](super)): magnitudes as `i16`
/// (`≤ 0` is zero), signs in the form of [`Signs`](super::Signs), as
/// [`PackedB`] holds them.
pub(crate) trait Lanes {
    /// Words per vector.
    const LANES: usize;
    /// Interleave two rows even in blocks of four vectors (eight chains):
    /// worth it on AVX2, whose log-add takes more instructions in a longer
    /// chain, though the sixteen accumulators then fill its sixteen
    /// registers and the rest spills (the shuffled look-up gained 7 %, the
    /// gathers 8 %); not on AVX-512, where four chains already keep the
    /// units busy.
    const TWO_ROWS_WIDE: bool;
    /// Steps of `k` per pass over the rows: the panel's rows for one pass
    /// stay in L1 while every row uses them. AVX-512 takes 48 (48 × 768
    /// bytes at full width); AVX2 measured fastest at 16 for the shuffled
    /// look-up and at 24 for the others (10 % above 48).
    const KC: usize;
    /// A vector of `LANES` words.
    type V: Copy;

    /// All lanes zero.
    fn zero(&self) -> Self::V;
    /// `LANES` words from `p`.
    ///
    /// # Safety
    ///
    /// `p .. p + LANES` must be readable.
    unsafe fn load(&self, p: *const u16) -> Self::V;
    /// `a`'s magnitude in every lane, from the word pair `ma · 0x1_0001`
    /// (a 32-bit broadcast, which can come straight from memory).
    fn splat(&self, pair: u32) -> Self::V;
    /// The product's magnitude: `a + bm`, saturating (and clamped to the
    /// format's largest if the type needs it).
    fn product(&self, a: Self::V, bm: Self::V) -> Self::V;
    /// One log-add: `acc ⊞ x` (`x` magnitude `m`, sign `s`); see
    /// `portable::step`.
    fn step(&self, acc_m: &mut Self::V, acc_s: &mut Self::V, m: Self::V, s: Self::V);
    /// [`Lanes::step`] on each of `W` accumulators, in any order (they are
    /// independent): an instruction set may do some at once.
    #[inline(always)]
    fn steps<const W: usize>(
        &self,
        acc_m: &mut [Self::V; W],
        acc_s: &mut [Self::V; W],
        m: &[Self::V; W],
        s: &[Self::V; W],
    ) {
        for j in 0..W {
            self.step(&mut acc_m[j], &mut acc_s[j], m[j], s[j]);
        }
    }
    /// The signs of `W` vectors as one vector each, from the form the
    /// steps keep them in (the same, but for AVX2's shuffled look-up,
    /// which keeps two vectors' signs in one).
    #[inline(always)]
    fn word_signs<const W: usize>(&self, s: &[Self::V; W]) -> [Self::V; W] {
        *s
    }
    /// The words of the first `dst.len() ≤ LANES` lanes (magnitudes `m`,
    /// signs `s` as [`Lanes::word_signs`] gives them) into `dst`.
    fn store(&self, m: Self::V, s: Self::V, dst: &mut [u16]);
}

/// Rows per chunk: the block sums of one chunk's rows stay in L2, however
/// tall `a` is.
const ROWS: usize = 128;

/// Rows of `c` (each `pb.n` wide) from rows of `a` (each `k` long) and
/// packed `b`, in `order`.
#[inline(always)]
pub(crate) fn rows<V: Lanes>(
    v: &V,
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
) {
    let n = pb.n;
    for (a, c) in a.chunks(ROWS * k).zip(c.chunks_mut(ROWS * n)) {
        for j0 in (0..n).step_by(PANEL) {
            let width = pb.panel(j0).width;
            let mut c0 = 0;
            // Column blocks of up to four vectors; narrow blocks interleave
            // rows so that at least four independent chains hide the
            // latency of a log-add (see `TWO_ROWS_WIDE`). Blocks wholly in
            // the padding are skipped.
            while c0 < width && j0 + c0 < n {
                let w = ((width - c0) / V::LANES).min(4);
                let at = Cols { j0, c0 };
                match w {
                    4 if V::TWO_ROWS_WIDE => block::<V, 2, 4>(v, t, a, k, order, pb, c, at),
                    4 => block::<V, 1, 4>(v, t, a, k, order, pb, c, at),
                    3 => block::<V, 1, 3>(v, t, a, k, order, pb, c, at),
                    2 => block::<V, 2, 2>(v, t, a, k, order, pb, c, at),
                    _ => block::<V, 4, 1>(v, t, a, k, order, pb, c, at),
                }
                c0 += w * V::LANES;
            }
        }
    }
}

/// Where a column block lives: the panel at column `j0`, from its column
/// `c0`.
#[derive(Clone, Copy)]
struct Cols {
    j0: usize,
    c0: usize,
}

/// The column block `at` (`W` vectors) of every row, `R` rows at a time
/// (the remainder one at a time).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn block<V: Lanes, const R: usize, const W: usize>(
    v: &V,
    t: &LnsTables,
    a: &[u16],
    k: usize,
    order: Order,
    pb: &PackedB,
    c: &mut [u16],
    at: Cols,
) {
    let n = pb.n;
    let whole = c.len() / n / R * R;
    let (a0, a1) = a.split_at(whole * k);
    let (c0, c1) = c.split_at_mut(whole * n);
    match order {
        Order::Blocked(kb) => {
            group::<V, R, W>(v, t, a0, k, kb, pb, c0, at);
            group::<V, 1, W>(v, t, a1, k, kb, pb, c1, at);
        }
        Order::Tree => {
            tree::<V, R, W>(v, t, a0, k, pb, c0, at);
            tree::<V, 1, W>(v, t, a1, k, pb, c1, at);
        }
    }
}

/// `a`'s terms for one pass of rows `g·R ..` over `k` in `c0..c1`: the
/// magnitudes twice per 32-bit word ([`Lanes::splat`]'s form, zero for a
/// zero term) and each term's sign, entry `(p − c0)·R + r`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pass_terms<const R: usize>(
    t: &LnsTables,
    a: &[u16],
    k: usize,
    g: usize,
    (c0, c1): (usize, usize),
    pair: &mut [u32],
    sign: &mut [usize],
) {
    let mag_mask = t.max as u16;
    for r in 0..R {
        let arow = &a[(g * R + r) * k..(g * R + r + 1) * k];
        for p in c0..c1 {
            let w = arow[p];
            pair[(p - c0) * R + r] = (w & mag_mask) as u32 * 0x1_0001;
            sign[(p - c0) * R + r] = ((w >> t.mag_bits) & 1) as usize;
        }
    }
}

/// The `W` vectors of `b`'s magnitudes in row `p` of the column block.
#[inline(always)]
fn load_bm<V: Lanes, const W: usize>(v: &V, pb: &PackedB, at: Cols, p: usize) -> [V::V; W] {
    let row = pb.panel(at.j0).row(p) + at.c0;
    let data = pb.data.as_ptr();
    let mut bm = [v.zero(); W];
    for (j, x) in bm.iter_mut().enumerate() {
        // SAFETY: the panel's row `p` holds `3·width` entries from its
        // start, and `c0 + LANES·W ≤ width`.
        *x = unsafe { v.load(data.add(row + V::LANES * j)) };
    }
    bm
}

/// The `W` products of term `pair` (sign `sign`) with row `p` of the
/// column block (magnitudes `bm`), and their signs.
#[inline(always)]
fn products<V: Lanes, const W: usize>(
    v: &V,
    pb: &PackedB,
    at: Cols,
    p: usize,
    bm: &[V::V; W],
    (pair, sign): (u32, usize),
) -> ([V::V; W], [V::V; W]) {
    let panel = pb.panel(at.j0);
    // The run of product signs for this sign of `a`.
    let signs = panel.row(p) + (1 + sign) * panel.width + at.c0;
    let data = pb.data.as_ptr();
    let va = v.splat(pair);
    let (mut m, mut s) = ([v.zero(); W], [v.zero(); W]);
    for j in 0..W {
        // SAFETY: as in `load_bm`; the run ends at `row + 3·width`.
        s[j] = unsafe { v.load(data.add(signs + V::LANES * j)) };
        m[j] = v.product(va, bm[j]);
    }
    (m, s)
}

/// Writes the `W` finished accumulators of a row into `crow` at the column
/// block, stopping at the row's end.
#[inline(always)]
fn store_row<V: Lanes, const W: usize>(
    v: &V,
    m: &[V::V; W],
    s: &[V::V; W],
    crow: &mut [u16],
    at: Cols,
) {
    let n = crow.len();
    let s = v.word_signs(s);
    for j in 0..W {
        let col = at.j0 + at.c0 + V::LANES * j;
        if col >= n {
            break;
        }
        v.store(m[j], s[j], &mut crow[col..(col + V::LANES).min(n)]);
    }
}

/// The accumulators of `R` rows × `W` vectors: magnitudes and signs of the
/// running block sum and of the total of finished blocks.
struct State<V: Lanes, const R: usize, const W: usize> {
    acc_m: [[V::V; W]; R],
    acc_s: [[V::V; W]; R],
    tot_m: [[V::V; W]; R],
    tot_s: [[V::V; W]; R],
}

impl<V: Lanes, const R: usize, const W: usize> Clone for State<V, R, W> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V: Lanes, const R: usize, const W: usize> Copy for State<V, R, W> {}

impl<V: Lanes, const R: usize, const W: usize> State<V, R, W> {
    /// `tot ⊞= acc` for every accumulator (a block ends).
    #[inline(always)]
    fn fold(&mut self, v: &V) {
        for r in 0..R {
            let (m, s) = (self.acc_m[r], self.acc_s[r]);
            v.steps(&mut self.tot_m[r], &mut self.tot_s[r], &m, &s);
        }
    }
}

/// The sequential-blocked order (see `portable::gemm_rows`) for the column
/// block `at` of every row, `R` rows × `W` vectors at a time.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn group<V: Lanes, const R: usize, const W: usize>(
    v: &V,
    t: &LnsTables,
    a: &[u16],
    k: usize,
    kb: usize,
    pb: &PackedB,
    c: &mut [u16],
    at: Cols,
) {
    let n = pb.n;
    let groups = c.len() / (R * n);
    let zero = [[v.zero(); W]; R];
    let mut states = vec![
        State::<V, R, W> {
            acc_m: zero,
            acc_s: zero,
            tot_m: zero,
            tot_s: zero,
        };
        groups
    ];
    let (mut pair, mut sign) = (vec![0u32; R * V::KC], vec![0usize; R * V::KC]);
    let blocked = kb < k;
    for c0 in (0..k).step_by(V::KC) {
        let c1 = (c0 + V::KC).min(k);
        for (g, st) in states.iter_mut().enumerate() {
            pass_terms::<R>(t, a, k, g, (c0, c1), &mut pair, &mut sign);
            let mut s = *st;
            for p in c0..c1 {
                if blocked && p > 0 && p % kb == 0 {
                    // A block ends: add its sum to the total, start afresh.
                    s.fold(v);
                    s.acc_m = zero;
                    s.acc_s = zero;
                }
                let bm = load_bm::<V, W>(v, pb, at, p);
                for r in 0..R {
                    let i = (p - c0) * R + r;
                    if pair[i] == 0 {
                        continue;
                    }
                    let (m, sg) = products::<V, W>(v, pb, at, p, &bm, (pair[i], sign[i]));
                    v.steps(&mut s.acc_m[r], &mut s.acc_s[r], &m, &sg);
                }
            }
            *st = s;
        }
    }
    for (st, crows) in states.iter_mut().zip(c.chunks_exact_mut(R * n)) {
        if blocked {
            st.fold(v);
        } else {
            st.tot_m = st.acc_m;
            st.tot_s = st.acc_s;
        }
        for (r, crow) in crows.chunks_exact_mut(n).enumerate() {
            store_row::<V, W>(v, &st.tot_m[r], &st.tot_s[r], crow, at);
        }
    }
}

/// The pairwise order (see `portable::gemm_rows_tree`) for the column block
/// `at` of every row, `R` rows × `W` vectors at a time, all of `k` per
/// group of rows. Level `l` of row `r` is entry `l·R + r` of the stacks,
/// `live` false where a level is empty or holds only zero terms (those are
/// skipped; adding zero is exact).
///
/// Terms go in pairs `p, p + 1` (`p` even): the sum of the pair is level
/// 0's merge, done in registers, so level 0 is never stored. Unlike
/// [`group`], the tree is not blocked over `k`: every group's stacks would
/// then have to be kept between passes, and with the pass's panel rows
/// they outgrow L1 (measured slower).
#[inline(always)]
fn tree<V: Lanes, const R: usize, const W: usize>(
    v: &V,
    t: &LnsTables,
    a: &[u16],
    k: usize,
    pb: &PackedB,
    c: &mut [u16],
    at: Cols,
) {
    let n = pb.n;
    let levels = crate::matmul::tree_levels(k);
    let mut st_m = vec![[v.zero(); W]; levels * R];
    let mut st_s = st_m.clone();
    let mut live = vec![false; levels * R];
    let (mut pair, mut sign) = (vec![0u32; R * k], vec![0usize; R * k]);
    for (g, cg) in c.chunks_exact_mut(R * n).enumerate() {
        pass_terms::<R>(t, a, k, g, (0, k), &mut pair, &mut sign);
        live.fill(false);
        let mut p = 0;
        while p < k {
            // One term (the last of an odd `k`) or a pair.
            let two = p + 1 < k;
            let bm = load_bm::<V, W>(v, pb, at, p);
            let bm1 = if two {
                load_bm::<V, W>(v, pb, at, p + 1)
            } else {
                bm
            };
            let last = p + usize::from(two);
            let top = (last + 1).trailing_zeros() as usize;
            for r in 0..R {
                let (t0, t1) = (p * R + r, last * R + r);
                let mut cur_live = pair[t0] != 0;
                let (mut cm, mut cs) = ([v.zero(); W], [v.zero(); W]);
                if cur_live {
                    (cm, cs) = products::<V, W>(v, pb, at, p, &bm, (pair[t0], sign[t0]));
                }
                if two && pair[t1] != 0 {
                    // Level 0's merge: the later term plus the earlier one.
                    let (mut m1, mut s1) =
                        products::<V, W>(v, pb, at, p + 1, &bm1, (pair[t1], sign[t1]));
                    if cur_live {
                        v.steps(&mut m1, &mut s1, &cm, &cs);
                    }
                    (cm, cs, cur_live) = (m1, s1, true);
                }
                for l in usize::from(two)..top {
                    let i = l * R + r;
                    if !live[i] {
                        continue;
                    }
                    if cur_live {
                        v.steps(&mut cm, &mut cs, &st_m[i], &st_s[i]);
                    } else {
                        (cm, cs, cur_live) = (st_m[i], st_s[i], true);
                    }
                    live[i] = false;
                }
                if cur_live {
                    let i = top * R + r;
                    (st_m[i], st_s[i], live[i]) = (cm, cs, true);
                }
            }
            p = last + 1;
        }
        for (r, crow) in cg.chunks_exact_mut(n).enumerate() {
            let (mut cm, mut cs) = ([v.zero(); W], [v.zero(); W]);
            for l in 0..levels {
                let i = l * R + r;
                if live[i] {
                    v.steps(&mut cm, &mut cs, &st_m[i], &st_s[i]);
                }
            }
            store_row::<V, W>(v, &cm, &cs, crow, at);
        }
    }
}
