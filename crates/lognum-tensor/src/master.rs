//! The fused SGD step on wide LNS master weights.
//!
//! Training a `LogNum<FRAC, A>` network with master weights keeps each
//! weight twice: the 16-bit word the forward and backward passes read, and a
//! [`WideLogNum<WF, Interp<R, RANGE>>`] that accumulates the updates (an
//! update far below half a 16-bit code still moves it). One plain SGD step
//! is, per weight with a nonzero gradient `g`,
//!
//! ```text
//! master ← master ⊟ (η ⊡ widen(g))      (Δ of the Interp approximation)
//! weight ← narrow(master)                (round the log code to FRAC bits)
//! ```
//!
//! and weights whose gradient is zero (of either sign) keep both words.
//! [`sgd_step`] does exactly that, bit for bit as the scalar operators of
//! `lognum` do it, but branch-free on 32-bit lanes so that it vectorises:
//! on x86-64 with AVX-512 or AVX2 (detected at run time) the interpolation
//! samples are gathered, 16 or 8 weights at a time; elsewhere the same code
//! runs one lane at a time.
//!
//! The scalar loop costs tens of cycles per weight, more than the whole
//! float step; with the vector path the update no longer dominates an LNS
//! training step.

use std::any::TypeId;

use lognum::{Interp, LogAdd, LogNum, WideLogNum};

use crate::lns::cache::Cache;
use crate::lns::{self, Isa, IsaUnavailable, Lookup, dispatch, words, words_mut};
use crate::parallel::for_each_claimed;

/// One plain SGD step on master weights, `master ⊟= eta ⊡ widen(grad)` and
/// `weight = narrow(master)` where `grad` is nonzero, on the fastest
/// available instruction set (see the [module docs](self)).
///
/// `WF` is the master's fraction bits, above `FRAC` and at most 24 (so that
/// every intermediate fits 32-bit lanes).
///
/// ```
/// use lognum::{Interp, LogNum, WideLogNum};
/// use lognum_tensor::master::sgd_step;
/// type W = WideLogNum<20, Interp<4, 24>>;
/// let mut weights = vec![LogNum::<10>::from_f64(0.5); 3];
/// let mut master: Vec<W> = weights.iter().map(|w| w.widen::<20>().with_approx()).collect();
/// let grads = [LogNum::<10>::from_f64(1.0), LogNum::ZERO, LogNum::from_f64(-1.0)];
/// sgd_step(W::from_f64(0.25), &grads, &mut master, &mut weights);
/// assert!((weights[0].to_f64() - 0.25).abs() < 1e-3);
/// assert_eq!(weights[1].to_f64(), 0.5);
/// assert!((weights[2].to_f64() - 0.75).abs() < 1e-3);
/// ```
///
/// # Panics
///
/// If the three slices differ in length.
pub fn sgd_step<const FRAC: u32, A: LogAdd, const WF: u32, const R: u32, const RANGE: u32>(
    eta: WideLogNum<WF, Interp<R, RANGE>>,
    grads: &[LogNum<FRAC, A>],
    master: &mut [WideLogNum<WF, Interp<R, RANGE>>],
    weights: &mut [LogNum<FRAC, A>],
) {
    sgd_step_with_isa(Isa::detect(), eta, grads, master, weights)
        .expect("detected ISA is available");
}

/// [`sgd_step`] on a chosen instruction set (for tests and benchmarks);
/// every path gives the same bits.
///
/// ```
/// use lognum::{Interp, LogNum, WideLogNum};
/// use lognum_tensor::master::sgd_step_with_isa;
/// use lognum_tensor::matmul::lns::Isa;
/// type W = WideLogNum<20, Interp<4, 24>>;
/// let grads = [LogNum::<10>::from_f64(2.0)];
/// for isa in Isa::available() {
///     let mut weights = [LogNum::<10>::from_f64(1.0)];
///     let mut master = [W::from_f64(1.0)];
///     sgd_step_with_isa(isa, W::from_f64(0.125), &grads, &mut master, &mut weights).unwrap();
///     assert!((weights[0].to_f64() - 0.75).abs() < 1e-3);
/// }
/// ```
///
/// # Panics
///
/// If the three slices differ in length.
pub fn sgd_step_with_isa<
    const FRAC: u32,
    A: LogAdd,
    const WF: u32,
    const R: u32,
    const RANGE: u32,
>(
    isa: Isa,
    eta: WideLogNum<WF, Interp<R, RANGE>>,
    grads: &[LogNum<FRAC, A>],
    master: &mut [WideLogNum<WF, Interp<R, RANGE>>],
    weights: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    assert!(
        grads.len() == master.len() && grads.len() == weights.len(),
        "sgd_step: {} gradients, {} master weights, {} weights",
        grads.len(),
        master.len(),
        weights.len()
    );
    if !isa.is_available() {
        return Err(IsaUnavailable(isa));
    }
    let k = Kernel::<FRAC, WF>::new::<R, RANGE>(eta);
    let (g, w) = (words(grads), words_mut(weights));
    // SAFETY: `WideLogNum` is `repr(transparent)` over a `u32` (its other
    // field is a zero-sized marker), so the slices have the same layout; the
    // kernel writes only magnitude and sign bits, which make a valid value.
    let m =
        unsafe { std::slice::from_raw_parts_mut(master.as_mut_ptr().cast::<u32>(), master.len()) };
    // The step reads no Δ table and clamps nothing. Large tensors are
    // split into chunks for rayon's threads (each element is its own, so
    // the bits do not depend on the split).
    let chunk = if g.len() < PARALLEL_STEP || rayon::current_num_threads() == 1 {
        g.len().max(1)
    } else {
        g.len().div_ceil(4 * rayon::current_num_threads())
    };
    let chunks = g
        .chunks(chunk)
        .zip(m.chunks_mut(chunk))
        .zip(w.chunks_mut(chunk));
    for_each_claimed(
        chunks.collect(),
        || (),
        |(), ((g, m), w)| {
            dispatch(isa, Lookup::Gather, false, Step { k: &k, g, m, w })
                .expect("the ISA was checked above")
        },
    );
    Ok(())
}

/// Weights from which [`sgd_step`] splits the update among threads (about
/// 60 µs of work on one core).
const PARALLEL_STEP: usize = 1 << 16;

/// The arguments of the step, as a [`Kernel`](crate::lns::Kernel): one
/// loop that the compiler vectorises for each instruction set it runs on.
struct Step<'a, const FRAC: u32, const WF: u32> {
    k: &'a Kernel<FRAC, WF>,
    g: &'a [u16],
    m: &'a mut [u32],
    w: &'a mut [u16],
}

impl<const FRAC: u32, const WF: u32> lns::Kernel for Step<'_, FRAC, WF> {
    fn portable(self) {
        self.k.run(self.g, self.m, self.w)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx512<const L: u8, const CLAMP: bool>(self, _: lns::x86::Avx512) {
        // SAFETY: the token proves the CPU has AVX-512F/BW.
        unsafe { run_avx512(self.k, self.g, self.m, self.w) }
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2<const L: u8, const CLAMP: bool>(self, _: lns::x86::Avx2) {
        // SAFETY: the token proves the CPU has AVX2.
        unsafe { run_avx2(self.k, self.g, self.m, self.w) }
    }
}

// The loop is compiled as a function of its own with the features on: when
// it is inlined into the dispatch's generic wrapper instead, LLVM leaves it
// scalar, and the step ran 2.3 times slower (measured on lns16-lut
// training at batch 5).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
#[inline(never)]
unsafe fn run_avx512<const FRAC: u32, const WF: u32>(
    k: &Kernel<FRAC, WF>,
    g: &[u16],
    m: &mut [u32],
    w: &mut [u16],
) {
    k.run(g, m, w);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
unsafe fn run_avx2<const FRAC: u32, const WF: u32>(
    k: &Kernel<FRAC, WF>,
    g: &[u16],
    m: &mut [u32],
    w: &mut [u16],
) {
    k.run(g, m, w);
}

/// Entries of each look-up array: both halves of the largest `Interp`
/// (1024 segments and a zero each).
const TABLE: usize = 4096;

/// The look-up arrays of `Kernel` for `WideLogNum<WF, Interp<R, RANGE>>`
/// (`base`, then `slope`), built on first use and kept for the process:
/// every training step calls the kernel several times, and rebuilding 32 KB
/// each time was a measurable share of a step.
fn samples<const WF: u32, const R: u32, const RANGE: u32>() -> &'static [Box<[i32; TABLE]>; 2] {
    static CACHE: Cache<(TypeId, u32), [Box<[i32; TABLE]>; 2]> = Cache::new();
    CACHE.get_or_init((TypeId::of::<Interp<R, RANGE>>(), WF), || {
        let segments = Interp::<R, RANGE>::SEGMENTS;
        let (mut base, mut slope) = (Box::new([0; TABLE]), Box::new([0; TABLE]));
        for (half, plus) in [true, false].into_iter().enumerate() {
            let s = Interp::<R, RANGE>::samples::<WF>(plus);
            let off = half * (segments + 1);
            for i in 0..segments {
                base[off + i] = s[i] as i32;
                slope[off + i] = s[i + 1] as i32 - s[i] as i32;
            }
        }
        [base, slope]
    })
}

/// The step's constants: `η`'s word and the interpolation samples, laid
/// out for branch-free look-ups.
struct Kernel<const FRAC: u32, const WF: u32> {
    eta: u32,
    /// `s[i]` for `i < SEGMENTS`, Δ+ first then −Δ−, each run followed by a
    /// zero (the value from `SEGMENTS` on, where indices are clamped). A
    /// power-of-two array, so that a masked index needs no bounds check.
    base: &'static [i32; TABLE],
    /// `s[i+1] − s[i]` in the same layout (zero at the clamp).
    slope: &'static [i32; TABLE],
    segments: u32,
    /// `WF − R`: the bits of `d` below the segment index.
    shift: u32,
}

impl<const FRAC: u32, const WF: u32> Kernel<FRAC, WF> {
    const WF_FITS: () = assert!(
        WF > FRAC && WF <= 24,
        "sgd_step needs FRAC < WF <= 24 (intermediates in 32-bit lanes)"
    );
    /// The wide format's fields.
    const W_SIGN: u32 = 1 << 31;
    const W_MAG: u32 = Self::W_SIGN - 1;
    const W_BIAS: i32 = 1 << 30;
    /// The narrow format's fields.
    const N_BITS: u32 = FRAC + 5;
    const N_MAG: u32 = (1 << Self::N_BITS) - 1;
    const N_BIAS: i32 = 1 << (Self::N_BITS - 1);

    fn new<const R: u32, const RANGE: u32>(eta: WideLogNum<WF, Interp<R, RANGE>>) -> Self {
        let () = Self::WF_FITS;
        let segments = Interp::<R, RANGE>::SEGMENTS;
        let [base, slope] = samples::<WF, R, RANGE>();
        let (base, slope) = (&**base, &**slope);
        Kernel {
            eta: eta.to_bits(),
            base,
            slope,
            segments: segments as u32,
            shift: WF.saturating_sub(R),
        }
    }

    /// Every weight, in runs of `RUN`: a run whose gradients are all zero
    /// (of either sign) is skipped, as each of its lanes would keep both
    /// words. Such runs are common: a pixel that is zero in every image of
    /// a batch zeroes its whole row of the first layer's weight gradient
    /// (most rows at batch 5 on MNIST).
    #[inline(always)]
    fn run(&self, g: &[u16], m: &mut [u32], w: &mut [u16]) {
        const RUN: usize = 32;
        let mag = Self::N_MAG as u16;
        let runs = g.chunks_exact(RUN).zip(m.chunks_exact_mut(RUN));
        for ((g, m), w) in runs.zip(w.chunks_exact_mut(RUN)) {
            if g.iter().fold(0, |any, &x| any | x) & mag != 0 {
                self.lanes(g, m, w);
            }
        }
        let done = g.len() / RUN * RUN;
        self.lanes(&g[done..], &mut m[done..], &mut w[done..]);
    }

    /// [`lane`](Self::lane) over the slices.
    #[inline(always)]
    fn lanes(&self, g: &[u16], m: &mut [u32], w: &mut [u16]) {
        for ((g, m), w) in g.iter().zip(m.iter_mut()).zip(w.iter_mut()) {
            let (nm, nw) = self.lane(*g, *m, *w);
            *m = nm;
            *w = nw;
        }
    }

    /// One weight, in the operations of `lognum`'s scalar `widen`,
    /// `mul_exact`, `sub_approx` (via `add_approx`) and `narrow`, rewritten
    /// on 32-bit values with selects instead of branches.
    #[inline(always)]
    fn lane(&self, g: u16, m: u32, w: u16) -> (u32, u16) {
        let g = u32::from(g);
        let g_mag = g & Self::N_MAG;
        let g_neg = (g >> Self::N_BITS) & 1;

        // widen(g): the code scaled by 2^(WF − FRAC), exact (|code| < 2^(WF+4)).
        let g_code = (g_mag as i32 - Self::N_BIAS) << (WF - FRAC);

        // t = η ⊡ widen(g): codes add, clamped to the magnitude range (η's
        // code is within ±2^30, so the sum fits); zero if either is zero.
        let eta_mag = self.eta & Self::W_MAG;
        let t_code = (eta_mag as i32 - Self::W_BIAS) + g_code;
        let t_mag = (t_code.clamp(-Self::W_BIAS, Self::W_BIAS - 1) + Self::W_BIAS) as u32;
        let t_mag = if eta_mag == 0 || g_mag == 0 { 0 } else { t_mag };
        // −t: the product's sign flipped.
        let y = t_mag | ((((self.eta >> 31) ^ g_neg ^ 1) & 1) << 31);

        // master ⊞ (−t), as `add_approx`.
        let x = m;
        let (a, b) = (x & Self::W_MAG, y & Self::W_MAG);
        let larger = if a >= b { x } else { y };
        let (big, small) = (a.max(b), a.min(b));
        let d = big - small;
        let same = (x ^ y) >> 31 == 0;
        let delta = self.delta(same, d);
        // `big + delta`, capped at the largest magnitude without overflow.
        let m_new = big as i32 + delta.min((Self::W_MAG - big) as i32);
        let m_new = if small == 0 { big as i32 } else { m_new };
        let flush = !same & ((d == 0) | (m_new < 1));
        let sum = if flush {
            0
        } else {
            (larger & Self::W_SIGN) | m_new as u32
        };

        // narrow: round the code half away from zero to FRAC bits, then
        // saturate and flush.
        let s_mag = sum & Self::W_MAG;
        let code = s_mag as i32 - Self::W_BIAS;
        let sh = WF - FRAC;
        let half = 1i32 << (sh - 1);
        let q = (code.abs() + half) >> sh;
        let q = if code >= 0 { q } else { -q };
        let n_mag = (q + Self::N_BIAS).clamp(0, Self::N_MAG as i32) as u32;
        let n_mag = if s_mag == 0 { 0 } else { n_mag };
        let narrow = (n_mag | ((sum >> 31) << Self::N_BITS)) as u16;

        // A zero gradient leaves both words as they were.
        if g_mag == 0 { (m, w) } else { (sum, narrow) }
    }

    /// `Interp::delta(same, d)`: the segment's sample plus the rounded
    /// slope term (in 64 bits, as the scalar code at these widths), at
    /// least zero, negated for opposite signs; indices clamp to the zero
    /// entry past the table.
    #[inline(always)]
    fn delta(&self, same: bool, d: u32) -> i32 {
        let i = (d >> self.shift).min(self.segments);
        let i = if same { i } else { i + self.segments + 1 } as usize & (TABLE - 1);
        let (a, s) = (self.base[i], self.slope[i]);
        let f = (d & ((1u32 << self.shift) - 1)) as i64;
        let half = (1i64 << self.shift) >> 1;
        let v = (a as i64 + ((s as i64 * f + half) >> self.shift)).max(0) as i32;
        if same { v } else { -v }
    }
}
