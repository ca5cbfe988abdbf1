//! Matrix multiplication kernels written for LNS numbers.
//!
//! A dot product in LNS is a chain of log-adds, `acc = acc ⊞ (a ⊡ b)`: the
//! product is an integer add of log codes, the sum a table look-up. One
//! chain is latency-bound, so the kernels run many independent chains side
//! by side: the output columns. For each row `i` of `a` and each `p` along
//! `k`, `a[i][p]` is broadcast and multiplied into 32 (AVX-512) or 16 (AVX2)
//! columns of `b` at once, and each product is log-added into its column's
//! accumulator. `rayon` splits the rows of large products across threads.
//!
//! The loops (register blocks of rows × vectors, passes over `k`, the
//! pairwise tree) are written once, over the lane operations each
//! instruction set supplies; [`crate::lns`] picks the instruction set and
//! the instance at run time. The portable kernels, one lane at a time,
//! define the bits every path reproduces.
//!
//! # Every approximation, one kernel
//!
//! The scalar semantics are [`lognum::arith::mul_magnitudes`] and
//! [`lognum::arith::add_magnitudes`] with `A`. On first use for a
//! `LogNum<FRAC, A>` the kernels scan `A::delta_plus` and `A::delta_minus`
//! over every code difference `d` and keep a table up to the cutoff beyond
//! which both are zero (for `Exact` at `FRAC = 10`, 12 288 entries). Vector
//! kernels gather from it. They have two faster ways (as AVX-512 runs them;
//! AVX2's below), chosen by what the scan finds (never by the name of `A`),
//! each checked against the table at every `d` before it is used:
//!
//! - **permute**: when the table is a function of a bucket
//!   `min((d + h) >> s, E)` with `E ≤ 29` — the paper's 20-entry [`Lut`],
//!   its truncating variant and [`FloorShift`] — one 64-entry word permute
//!   (`vpermi2w`) per 32 lanes looks it up;
//! - **shift**: when Δ is [`BitShift`]'s formula, `Δ+ = (c₊ − ⌊f/2⌋) >> n`
//!   and `−Δ− = (c₋ − ⌊f/2⌋ − ⌊f/4⌋) >> n` for `d = n·2^FRAC + f`, the
//!   kernel computes it in the lanes: two shifts of `f`, the constant the
//!   sign picks less one or both, and a per-lane right shift (`vpsrlvw`),
//!   with no memory access. (For `FRAC ≤ 10` the constants are at most
//!   1536, so nothing wraps in 16 bits.)
//!
//! AVX2 has neither a 32-entry word permute nor a 16-bit per-lane shift.
//! It looks the bucketed table up by byte shuffles instead, two vectors at
//! once: their slots packed into 32 byte indices, the entries' low and high
//! bytes each from three 16-byte `vpshufb` tables, XOR-telescoped so that
//! no blend is needed (see `Perm256`). The three tables hold 24 slots per
//! sign, enough for tables of at most 22 buckets (every bucketed
//! approximation `lognum` ships at its default parameters); larger ones
//! take a fourth (32 slots per sign).
//! It computes [`BitShift`]'s Δ with the shift done on 32-bit lanes
//! (`vpsrlvd`): the odd words shifted in place as the high halves, the even
//! ones masked to the low halves and shifted apart, one word blend to join
//! them. Every other approximation gathers.
//!
//! # Lane representation
//!
//! Accumulators keep the magnitude `M` as an `i16` (any value `≤ 0` means
//! zero) and the sign as 0 or the offset of the −Δ− half of the table the
//! look-up reads: 32 in a `u16` (bit 5, where a bitwise or selects the
//! half), or, for AVX2's shuffles, whose halves hold 24 slots each (32
//! for more than 22 buckets), that in a byte, two vectors' signs to a
//! register (see `Signs`). A zero
//! operand is recognised by `min(acc, x) ≤ 0` and adds nothing; exact
//! cancellation (`d = 0`, signs differ) and flushes give a value `≤ 0`;
//! saturation is the saturating `i16` add (and a `min` when `FRAC < 10`).
//! The sign of a zero accumulator is never read, so the result is `+0`, as
//! `add_magnitudes` gives.
//!
//! # Order of additions
//!
//! LNS addition is not associative; every ISA path adds in the same order,
//! so they agree bit for bit:
//!
//! - [`Accumulate::Sequential`]: `c = ((0 ⊞ a₀b₀) ⊞ a₁b₁) ⊞ …` over `k` in
//!   increasing order — exactly the generic loop
//!   [`gemm_generic`](crate::matmul::gemm_generic).
//! - [`Accumulate::Blocked(kb)`](Accumulate::Blocked): the same within each
//!   block of `kb` consecutive `k`, each block from zero; then the block
//!   sums left to right from zero.
//! - [`Accumulate::Pairwise`]: the binary tree of
//!   [`gemm_generic_pairwise`](crate::matmul::gemm_generic_pairwise). The
//!   kernels skip zero terms of `a` and keep an empty mark for a level that
//!   holds only zeros; adding zero is exact, so the sums are the tree's.
//! - [`Accumulate::Wide`]: each product's exact value (`±2^(L/2^FRAC)`,
//!   rounded to f64) summed in f64 over increasing `k`, then rounded once
//!   to the nearest `LogNum` by `from_f64`. `A` is not used.
//!
//! [`Lut`]: lognum::Lut
//! [`FloorShift`]: lognum::FloorShift
//! [`BitShift`]: lognum::BitShift

mod portable;
mod skeleton;
#[cfg(target_arch = "x86_64")]
mod x86;

use lognum::{LogAdd, LogNum};

use super::Accumulate;
use crate::lns::tables::{self, LnsTables};
#[cfg(target_arch = "x86_64")]
use crate::lns::x86::{Avx2, Avx512};
pub use crate::lns::{Isa, IsaUnavailable};
use crate::lns::{Kernel, Lookup, dispatch, words, words_mut};
use crate::parallel::{for_each_row_block_with, row_block};

/// Which kernel a type gets on a path: `"permute"` (the bucketed table in
/// one `vpermi2w`), `"shuffle"` (the bucketed table by `vpshufb`, AVX2),
/// `"shift"` (Δ computed by shifts and subtractions), `"gather"` (the full
/// table) or `"scalar"`. The element-wise add and subtract
/// ([`elementwise`](crate::elementwise)) take the same path.
///
/// ```
/// use lognum::{BitShift, Exact, FloorShift, Lut};
/// use lognum_tensor::matmul::lns::{Isa, kernel_name};
/// assert_eq!(kernel_name::<10, Lut>(Isa::Portable), "scalar");
/// assert_eq!(kernel_name::<10, Lut>(Isa::Avx2), "shuffle");
/// assert_eq!(kernel_name::<10, BitShift>(Isa::Avx2), "shift");
/// assert_eq!(kernel_name::<10, Exact>(Isa::Avx2), "gather");
/// if Isa::Avx512.is_available() {
///     assert_eq!(kernel_name::<10, Lut>(Isa::Avx512), "permute");
///     assert_eq!(kernel_name::<10, FloorShift>(Isa::Avx512), "permute");
///     assert_eq!(kernel_name::<10, BitShift>(Isa::Avx512), "shift");
///     assert_eq!(kernel_name::<10, Exact>(Isa::Avx512), "gather");
/// }
/// ```
pub fn kernel_name<const FRAC: u32, A: LogAdd>(isa: Isa) -> &'static str {
    let t = tables::tables::<FRAC, A>();
    match (isa, Lookup::of(t, isa)) {
        (Isa::Portable, _) => "scalar",
        (_, Lookup::Shift) => "shift",
        (_, Lookup::Gather) => "gather",
        (Isa::Avx2, _) => "shuffle",
        (Isa::Avx512, _) => "permute",
    }
}

/// `c = a · b` for row-major `LogNum` matrices (m×k times k×n), summed in
/// the order `acc` documents (see the [module docs](self)), on the fastest
/// available instruction set, with rows split across rayon's threads for
/// large products. Every path gives the same bits.
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::matmul::{Accumulate, gemm_generic, lns};
/// type L = LogNum<10>;
/// let a: Vec<L> = (0..6).map(|i| L::from_f64(i as f64 - 2.5)).collect();
/// let b: Vec<L> = (0..6).map(|i| L::from_f64(0.5 + i as f64)).collect();
/// let (mut fast, mut slow) = (vec![L::ZERO; 4], vec![L::ZERO; 4]);
/// lns::gemm(Accumulate::Sequential, 2, 3, 2, &a, &b, &mut fast);
/// gemm_generic(2, 3, 2, &a, &b, &mut slow);
/// assert_eq!(fast, slow);
/// ```
pub fn gemm<const FRAC: u32, A: LogAdd>(
    acc: Accumulate,
    m: usize,
    k: usize,
    n: usize,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    c: &mut [LogNum<FRAC, A>],
) {
    gemm_with_isa(Isa::detect(), acc, m, k, n, a, b, c).expect("detected ISA is available");
}

/// [`gemm`] on a chosen instruction set (for tests and benchmarks).
///
/// ```
/// use lognum::{BitShift, LogNum};
/// use lognum_tensor::matmul::{Accumulate, lns::{self, Isa}};
/// type L = LogNum<10, BitShift>;
/// let a = vec![L::ONE; 4];
/// let mut c = vec![L::ZERO; 4];
/// for isa in Isa::available() {
///     lns::gemm_with_isa(isa, Accumulate::Sequential, 2, 2, 2, &a, &a, &mut c).unwrap();
///     assert_eq!(c[0].to_f64(), 2.0);
/// }
/// ```
///
/// # Panics
///
/// If the slice lengths do not match the dimensions.
#[allow(clippy::too_many_arguments)]
pub fn gemm_with_isa<const FRAC: u32, A: LogAdd>(
    isa: Isa,
    acc: Accumulate,
    m: usize,
    k: usize,
    n: usize,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    c: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    super::assert_dims(m, k, n, a.len(), b.len(), c.len());
    if !isa.is_available() {
        return Err(IsaUnavailable(isa));
    }
    let (a, b) = (words(a), words(b));
    let c = words_mut(c);
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        c.fill(0);
        return Ok(());
    }
    let t = tables::tables::<FRAC, A>();
    let rows = row_block(m, k, n);
    match acc {
        Accumulate::Wide => {
            let mut wide = vec![0.0f64; m * n];
            for_each_row_block_with(
                a,
                k,
                &mut wide,
                n,
                rows,
                || PackedWide::new(t, b, k, n),
                |pw, _, ar, cw| run_wide(isa, t, ar, k, pw, cw),
            );
            for (w, s) in c.iter_mut().zip(&wide) {
                *w = LogNum::<FRAC, A>::from_f64(*s).to_bits();
            }
        }
        Accumulate::Sequential | Accumulate::Blocked(_) | Accumulate::Pairwise => {
            let order = match acc {
                Accumulate::Blocked(kb) => Order::Blocked(kb.clamp(1, k)),
                Accumulate::Pairwise => Order::Tree,
                _ => Order::Blocked(k),
            };
            let signs = Signs::of(isa, Lookup::of(t, isa), t);
            for_each_row_block_with(
                a,
                k,
                c,
                n,
                rows,
                || PackedB::new(t, b, k, n, signs),
                |pb, _, ar, cr| run(isa, t, ar, k, order, pb, cr),
            );
        }
    }
    Ok(())
}

/// The order of additions the row kernels follow: blocks of `kb` terms
/// (`kb = k` is the sequential order) or the pairwise tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Blocked(usize),
    Tree,
}

/// Rows of `c` from rows of `a` and packed `b` in `order`, on `isa` (with
/// the look-up `b` was packed for: [`Lookup::of`] is a function of `t` and
/// `isa`).
fn run(isa: Isa, t: &LnsTables, a: &[u16], k: usize, order: Order, pb: &PackedB, c: &mut [u16]) {
    let rows = Rows {
        t,
        a,
        k,
        order,
        pb,
        c,
    };
    dispatch(isa, Lookup::of(t, isa), t.max != i16::MAX, rows).expect("checked by gemm_with_isa");
}

/// The arguments of [`run`], as a [`Kernel`].
struct Rows<'a> {
    t: &'a LnsTables,
    a: &'a [u16],
    k: usize,
    order: Order,
    pb: &'a PackedB,
    c: &'a mut [u16],
}

impl Kernel for Rows<'_> {
    fn portable(self) {
        let Rows {
            t,
            a,
            k,
            order,
            pb,
            c,
        } = self;
        match order {
            Order::Blocked(kb) => portable::gemm_rows(t, a, k, kb, pb, c),
            Order::Tree => portable::gemm_rows_tree(t, a, k, pb, c),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx512<const L: u8, const CLAMP: bool>(self, v: Avx512) {
        let lanes = x86::Lanes512::<L, CLAMP>::new(v, self.t);
        skeleton::rows(&lanes, self.t, self.a, self.k, self.order, self.pb, self.c);
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2<const L: u8, const CLAMP: bool>(self, v: Avx2) {
        let lanes = x86::Lanes256::<L, CLAMP>::new(v, self.t);
        skeleton::rows(&lanes, self.t, self.a, self.k, self.order, self.pb, self.c);
    }
}

/// Wide-accumulator rows on `isa` (Δ is not used).
fn run_wide(isa: Isa, t: &LnsTables, a: &[u16], k: usize, pw: &PackedWide, c: &mut [f64]) {
    let rows = WideRows { t, a, k, pw, c };
    dispatch(isa, Lookup::Gather, false, rows).expect("checked by gemm_with_isa");
}

/// The arguments of [`run_wide`], as a [`Kernel`].
struct WideRows<'a> {
    t: &'a LnsTables,
    a: &'a [u16],
    k: usize,
    pw: &'a PackedWide,
    c: &'a mut [f64],
}

impl Kernel for WideRows<'_> {
    fn portable(self) {
        portable::gemm_rows_wide(self.t, self.a, self.k, self.pw, self.c)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx512<const L: u8, const CLAMP: bool>(self, _: Avx512) {
        // SAFETY: the token proves the CPU has AVX-512F/BW.
        unsafe { x86::gemm_rows_wide_avx512(self.t, self.a, self.k, self.pw, self.c) }
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2<const L: u8, const CLAMP: bool>(self, _: Avx2) {
        // SAFETY: the token proves the CPU has AVX2.
        unsafe { x86::gemm_rows_wide_avx2(self.t, self.a, self.k, self.pw, self.c) }
    }
}

/// Columns per panel of [`PackedB`]: four 32-lane vectors.
pub(crate) const PANEL: usize = 128;

/// `b` rearranged for the kernels, in panels of [`PANEL`] columns (the
/// last one narrower, a multiple of 32) stored one after another, so that a
/// kernel sweeping `k` for one panel reads contiguous memory. Row `p` of a
/// panel of width `w` holds three runs of `w` entries:
///
/// - `bm = M − bias` as `i16` (`i16::MIN` for zero, so that `ma + bm ≤ 0`);
/// - the sign of `b` in the kernel's form ([`Signs`]);
/// - the same, flipped: the sign of the product with a negative `a`, so
///   the kernels pick a run instead of computing it.
///
/// Padding columns are zeros.
pub(crate) struct PackedB {
    pub n: usize,
    pub n_pad: usize,
    pub k: usize,
    pub data: Vec<u16>,
}

/// Where one panel of [`PackedB`] lives.
#[derive(Clone, Copy)]
pub(crate) struct Panel {
    /// Offset of the panel's row 0.
    pub base: usize,
    /// Columns in the panel (a multiple of 32).
    pub width: usize,
}

impl Panel {
    /// Offset of row `p`'s `bm` run; the sign runs follow at `+ width` and
    /// `+ 2·width`.
    #[inline(always)]
    pub(crate) fn row(self, p: usize) -> usize {
        self.base + p * 3 * self.width
    }
}

impl PackedB {
    /// `b` (k × n) packed, the sign runs in the form `signs`.
    fn new(t: &LnsTables, b: &[u16], k: usize, n: usize, signs: Signs) -> Self {
        let n_pad = n.next_multiple_of(32);
        let neg = signs.neg();
        let mag_mask = t.max as u16;
        let (bias, mag_bits) = (t.bias as u16, t.mag_bits);
        let bm = |w: u16| {
            let mag = w & mag_mask;
            if mag == 0 {
                i16::MIN as u16
            } else {
                mag.wrapping_sub(bias)
            }
        };
        let sign = |w: u16| ((w >> mag_bits) & 1) * neg;
        // Written in storage order (panel after panel, row after row, three
        // runs a row) rather than into a zeroed buffer: the zeroing was as
        // costly as the packing for the small products of training.
        let mut data = Vec::with_capacity(3 * k * n_pad);
        for j0 in (0..n_pad).step_by(PANEL) {
            let width = panel_width(n_pad, j0);
            // The real columns of this panel; the rest is padding: a zero
            // `bm` marker and signs 0 and `neg`.
            let cols = n.saturating_sub(j0).min(width);
            for p in 0..k {
                let src = &b[p * n + j0..p * n + j0 + cols];
                data.extend(src.iter().map(|&w| bm(w)));
                data.resize(data.len() + width - cols, i16::MIN as u16);
                for flip in [0, neg] {
                    let start = data.len();
                    data.extend(src.iter().map(|&w| sign(w) ^ flip));
                    data.resize(start + width, flip);
                    if let Signs::PairBytes(_) = signs {
                        pair_bytes(&mut data[start..]);
                    }
                }
            }
        }
        debug_assert_eq!(data.len(), 3 * k * n_pad);
        PackedB { n, n_pad, k, data }
    }

    /// The panel holding column `j` (a multiple of [`PANEL`]).
    #[inline(always)]
    pub(crate) fn panel(&self, j: usize) -> Panel {
        let j0 = j / PANEL * PANEL;
        Panel {
            base: 3 * self.k * j0,
            width: panel_width(self.n_pad, j0),
        }
    }
}

/// How the kernels hold a sign, in [`PackedB`]'s sign runs and in their
/// accumulators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signs {
    /// A word per column: 0, or 32 for minus (bit 5, the −Δ− half of the
    /// 64-slot permute by a bitwise or, and of the full table by a shift).
    Words,
    /// A byte per column: 0, or the given offset of the −Δ− half of AVX2's
    /// shuffled table for minus (24 or 32, added to the slot). Each 32
    /// columns (two 16-lane vectors) take 32 bytes in the order
    /// `vpacksswb` gives two vectors' words: per 128-bit half, eight
    /// columns of the first vector, then eight of the second. They sit in
    /// the first vector's place; the second's holds zeros.
    PairBytes(u16),
}

impl Signs {
    /// The form the kernel of `isa` with `lookup` takes for the tables `t`.
    fn of(isa: Isa, lookup: Lookup, t: &LnsTables) -> Self {
        match &t.structured {
            Some(s) if isa == Isa::Avx2 && Lookup::is_perm(lookup as u8) => {
                Signs::PairBytes(s.shuffle_half())
            }
            _ => Signs::Words,
        }
    }

    /// The value of a minus sign.
    fn neg(self) -> u16 {
        match self {
            Signs::Words => 32,
            Signs::PairBytes(neg) => neg,
        }
    }
}

/// Rewrites a sign run of words (each below 256, a multiple of 32 long) in
/// [`Signs::PairBytes`] form.
fn pair_bytes(run: &mut [u16]) {
    for cols in run.chunks_exact_mut(32) {
        let mut bytes = [0u8; 32];
        for (h, half) in bytes.chunks_exact_mut(16).enumerate() {
            for i in 0..8 {
                half[i] = cols[8 * h + i] as u8;
                half[8 + i] = cols[16 + 8 * h + i] as u8;
            }
        }
        for (w, b) in cols.iter_mut().zip(bytes.chunks_exact(2)) {
            *w = u16::from_le_bytes([b[0], b[1]]);
        }
        cols[16..].fill(0);
    }
}

/// Columns of the panel that starts at column `j0` of a [`PackedB`] padded
/// to `n_pad` columns: [`PANEL`], less for the last.
#[inline(always)]
fn panel_width(n_pad: usize, j0: usize) -> usize {
    (n_pad - j0).min(PANEL)
}

/// `b` for the wide accumulator: `lv = M − bias` as `i32` ([`WIDE_ZERO`]
/// for zero) and the sign as bit 63 of a `u64`, rows padded to a multiple
/// of 16 columns with zeros.
pub(crate) struct PackedWide {
    pub n: usize,
    pub n_pad: usize,
    pub lv: Vec<i32>,
    pub sg: Vec<u64>,
}

/// The wide accumulator's "zero" marker in [`PackedWide`].
pub(crate) const WIDE_ZERO: i32 = i32::MIN;

impl PackedWide {
    fn new(t: &LnsTables, b: &[u16], k: usize, n: usize) -> Self {
        let n_pad = n.next_multiple_of(16);
        let mut lv = vec![WIDE_ZERO; k * n_pad];
        let mut sg = vec![0u64; k * n_pad];
        let mag_mask = t.max as u16;
        for p in 0..k {
            for j in 0..n {
                let w = b[p * n + j];
                let mag = (w & mag_mask) as i32;
                if mag != 0 {
                    lv[p * n_pad + j] = mag - t.bias;
                }
                sg[p * n_pad + j] = (((w >> t.mag_bits) & 1) as u64) << 63;
            }
        }
        PackedWide { n, n_pad, lv, sg }
    }
}

/// The exact value of the product of `±2^(la/2^FRAC)` (sign bit `sa` at
/// bit 63) and `±2^(lb/2^FRAC)` (sign `sb`): `2^(l >> FRAC)` times
/// `2^(frac/2^FRAC)` from the table, scaled by adding to the exponent
/// field (no rounding beyond the table's).
#[inline(always)]
pub(crate) fn wide_value(t: &LnsTables, la: i32, lb: i32, sa: u64, sb: u64) -> f64 {
    let l = la + lb;
    let e = (l >> t.frac) as i64;
    let f = (l & ((1 << t.frac) - 1)) as usize;
    let bits = t.exp2_frac[f].to_bits().wrapping_add((e << 52) as u64);
    f64::from_bits(bits ^ sa ^ sb)
}

/// A lane back to a word: zero if `m ≤ 0`, else the magnitude and sign.
#[inline(always)]
pub(crate) fn word(t: &LnsTables, m: i16, s: u16) -> u16 {
    if m <= 0 {
        0
    } else {
        m as u16 | (((s >> 5) & 1) << t.mag_bits)
    }
}
