//! Madam's multiplicative update on one-byte words: see
//! [`Scaled8::madam_update`].

use super::{BIAS, MAG_MASK, SIGN, Scaled8};
use crate::TensorError;
use crate::lns::{Isa, IsaUnavailable};

/// One Madam step's constants (the update is `w ← w·2^(−η·sign(w)·ĝ)`, in
/// codes of the word `k = η·2^FRAC·sign(w)·ĝ`): see
/// [`Scaled8::madam_update`].
///
/// ```
/// use lognum_tensor::scaled::MadamStep;
/// let s = MadamStep::new(0.01, 10.0, 0.999, 1, Some(7));
/// assert_eq!(s.step, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MadamStep {
    /// The learning rate η (in octaves of `|w|` per unit of `ĝ`).
    pub lr: f64,
    /// `|ĝ| ≤ g_bound`.
    pub g_bound: f64,
    /// The second moment's decay β, in `[0, 1)`.
    pub beta: f64,
    /// The step number, from 1 (for the bias correction `1 − β^step`).
    pub step: i32,
    /// `None`: round the code step to nearest. `Some(key)`: stochastically,
    /// with element `i`'s draw a hash of `(key, i)`, so that the result
    /// does not depend on the instruction set or the order of work.
    pub stochastic: Option<u64>,
}

impl MadamStep {
    /// The constants of step `step`.
    ///
    /// ```
    /// use lognum_tensor::scaled::MadamStep;
    /// assert_eq!(MadamStep::new(0.1, 10.0, 0.9, 3, None).stochastic, None);
    /// ```
    pub const fn new(lr: f64, g_bound: f64, beta: f64, step: i32, stochastic: Option<u64>) -> Self {
        Self {
            lr,
            g_bound,
            beta,
            step,
            stochastic,
        }
    }
}

/// The per-call constants of the loop, in `f32`.
struct Consts {
    decode: [f32; 128],
    beta: f32,
    one_minus: f32,
    inv_bc: f32,
    step_codes: f32,
    g_bound: f32,
    key: [u32; 2],
    stochastic: bool,
}

/// A 32-bit hash of `(key, i)` (two rounds of a multiply-xorshift mixer):
/// the stochastic-rounding draw of element `i`.
#[inline(always)]
fn draw(key: [u32; 2], i: u32) -> u32 {
    let mix = |mut x: u32| {
        x ^= x >> 16;
        x = x.wrapping_mul(0x7feb_352d);
        x ^= x >> 15;
        x = x.wrapping_mul(0x846c_a68b);
        x ^ (x >> 16)
    };
    mix(mix(i ^ key[0]).wrapping_add(key[1]))
}

/// `x as i32` truncates; lifted to positive values it floors.
const LIFT: f32 = 1024.0;
/// The largest code step considered: a word has 127 codes.
const MAX_CODES: f32 = 512.0;

/// The step of one weight, in codes (of the word, or of the master), and
/// the new second moment. Branch-free so that it vectorises: `ĝ` is finite
/// (the decode table is), the step is bounded before the conversion, and
/// the conversion cannot saturate.
#[inline(always)]
fn code_step(c: &Consts, gw: u8, negative_w: bool, vi: &mut f32, i: u32) -> i32 {
    let gm = c.decode[usize::from(gw & MAG_MASK)];
    let gs = if gw & SIGN != 0 { -gm } else { gm };
    let vn = c.beta * *vi + c.one_minus * (gs * gs);
    *vi = vn;
    // `v = 0` only where `g = 0`, and then `ĝ = 0`; an infinite `v` (from
    // gradients beyond f32) gives `ĝ = 0` too.
    let denom = (vn * c.inv_bc).sqrt().max(f32::MIN_POSITIVE);
    let ghat = (gs / denom).max(-c.g_bound).min(c.g_bound);
    // log2|w| moves by −η·sign(w)·ĝ: the magnitude code by −k.
    let k = c.step_codes * if negative_w { -ghat } else { ghat };
    let u = if c.stochastic {
        (draw(c.key, i) >> 8) as f32 * (1.0 / 16_777_216.0)
    } else {
        0.5
    };
    // Not `clamp`: it returns a NaN for a NaN, `max`/`min` do not.
    #[allow(clippy::manual_clamp)]
    let x = k.max(-MAX_CODES).min(MAX_CODES) + u + LIFT;
    // SAFETY: `x` is finite (`f32::max`/`min` return the other operand for
    // a NaN) and in `[LIFT − MAX_CODES, LIFT + MAX_CODES + 1]`, well inside
    // `i32`; truncating it floors since it is positive.
    let floor = unsafe { x.to_int_unchecked::<i32>() };
    floor - LIFT as i32
}

/// The update of every word: written once, compiled for each instruction
/// set by the wrappers below (f32 `+ × ÷ √` are correctly rounded on every
/// one of them, and nothing is contracted, so all give the same bits).
#[inline(always)]
fn update(c: &Consts, w: &mut [u8], g: &[u8], v: &mut [f32], base: u32) {
    for (i, ((wi, &gw), vi)) in w.iter_mut().zip(g).zip(v.iter_mut()).enumerate() {
        let k = code_step(c, gw, *wi & SIGN != 0, vi, base.wrapping_add(i as u32));
        let m = (i32::from(*wi & MAG_MASK) - k)
            .max(1)
            .min(i32::from(MAG_MASK));
        *wi = (*wi & SIGN) | m as u8;
    }
}

/// Extra fraction bits of the master magnitude beyond the word's.
pub const MASTER_BITS: u32 = 7;

/// [`update`] on a master magnitude with [`MASTER_BITS`] more fraction
/// bits (`fine = M·2^MASTER_BITS` at the start), the word rounded from it
/// to nearest.
#[inline(always)]
fn update_master(c: &Consts, w: &mut [u8], fine: &mut [u16], g: &[u8], v: &mut [f32], base: u32) {
    let one = 1i32 << MASTER_BITS;
    let (lo, hi) = (one / 2, i32::from(MAG_MASK) * one);
    let iter = w.iter_mut().zip(fine.iter_mut()).zip(g).zip(v.iter_mut());
    for (i, (((wi, fi), &gw), vi)) in iter.enumerate() {
        let k = code_step(c, gw, *wi & SIGN != 0, vi, base.wrapping_add(i as u32));
        let f = (i32::from(*fi) - k).max(lo).min(hi);
        *fi = f as u16;
        let m = ((f + lo) >> MASTER_BITS).max(1).min(i32::from(MAG_MASK));
        *wi = (*wi & SIGN) | m as u8;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
#[inline(never)]
fn update_master_avx512(c: &Consts, w: &mut [u8], fine: &mut [u16], g: &[u8], v: &mut [f32]) {
    update_master(c, w, fine, g, v, 0);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn update_master_avx2(c: &Consts, w: &mut [u8], fine: &mut [u16], g: &[u8], v: &mut [f32]) {
    update_master(c, w, fine, g, v, 0);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
#[inline(never)]
fn update_avx512(c: &Consts, w: &mut [u8], g: &[u8], v: &mut [f32]) {
    update(c, w, g, v, 0);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn update_avx2(c: &Consts, w: &mut [u8], g: &[u8], v: &mut [f32]) {
    update(c, w, g, v, 0);
}

impl<const FRAC: u32, A> Scaled8<FRAC, A> {
    /// One step of Madam (Bernstein et al. 2020, in LNS after Zhao et al.
    /// 2022) on these weights, in place, from the gradient `grad` (same
    /// shape) and the running second moment `v` (one `f32` per weight, zero
    /// at the start):
    ///
    /// ```text
    /// v ← β·v + (1 − β)·g²        ĝ = clamp(g / √(v / (1 − β^step)), ±g_bound)
    /// M ← clamp(M − round(η·2^FRAC·sign(w)·ĝ), 1, 127)
    /// ```
    ///
    /// that is `w ← w·2^(−η·sign(w)·ĝ)` with the exponent rounded to a whole
    /// number of codes (to nearest, or stochastically: up with probability
    /// equal to the fraction) and added to the word's log code. The offset
    /// does not change, so the top word bounds `|w|` (Madam's `p_scale ×`
    /// initial RMS, when the offset was chosen so); a weight never becomes
    /// zero and never changes sign. `g`, `ĝ` and `v` are `f32`: the second
    /// moment is the one quantity kept wider than a byte. Runs on AVX-512 or
    /// AVX2 when the CPU has them, with the portable loop's bits.
    ///
    /// ```
    /// use lognum_tensor::scaled::{MadamStep, Scaled8};
    /// let mut w = Scaled8::<3>::from_f32(&[1.0, -0.5], &[1, 2])?;
    /// let g = Scaled8::<3>::from_f32(&[1e-3, 1e-3], &[1, 2])?;
    /// let mut v = vec![0.0f32; 2];
    /// // η·2^FRAC·ĝ = 0.125·8·1 = one code per step, ĝ = ±1 on the first step.
    /// w.madam_update(&g, &mut v, &MadamStep::new(0.125, 10.0, 0.999, 1, None))?;
    /// let code = 2f32.powf(1.0 / 8.0);
    /// // 1.0 shrinks (w and g agree in sign); −0.5 grows.
    /// assert_eq!(w.to_f32_vec(), vec![1.0 / code, -0.5 * code]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn madam_update(
        &mut self,
        grad: &Self,
        v: &mut [f32],
        step: &MadamStep,
    ) -> Result<(), TensorError> {
        self.madam_update_with_isa(Isa::detect(), grad, v, step)
            .map_err(|e| match e {
                MadamError::Tensor(e) => e,
                MadamError::Isa(_) => unreachable!("the detected ISA is available"),
            })
    }

    /// [`madam_update`](Self::madam_update) on a chosen instruction set (for
    /// tests and benchmarks): every one gives the same bits.
    ///
    /// ```
    /// use lognum_tensor::lns::Isa;
    /// use lognum_tensor::scaled::{MadamStep, Scaled8};
    /// let g = Scaled8::<3>::from_f32(&[1e-3, -2e-3, 0.0, 5e-4], &[2, 2])?;
    /// let step = MadamStep::new(0.01, 10.0, 0.999, 1, Some(42));
    /// let mut outs = Vec::new();
    /// for isa in Isa::available() {
    ///     let mut w = Scaled8::<3>::from_f32(&[0.5, -0.25, 0.125, 1.0], &[2, 2])?;
    ///     let mut v = vec![0.0f32; 4];
    ///     w.madam_update_with_isa(isa, &g, &mut v, &step).unwrap();
    ///     outs.push(w);
    /// }
    /// assert!(outs.windows(2).all(|p| p[0] == p[1]));
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn madam_update_with_isa(
        &mut self,
        isa: Isa,
        grad: &Self,
        v: &mut [f32],
        step: &MadamStep,
    ) -> Result<(), MadamError> {
        self.madam_run(isa, grad, v, None, step)
    }

    /// The master magnitudes to start
    /// [`madam_update_master`](Self::madam_update_master) from: each word's
    /// `M·2^MASTER_BITS`.
    ///
    /// ```
    /// use lognum_tensor::scaled::{Scaled8, MASTER_BITS};
    /// let w = Scaled8::<3>::from_f32(&[1.0, -0.5], &[1, 2])?;
    /// assert_eq!(w.madam_master(), vec![127 << MASTER_BITS, 119 << MASTER_BITS]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn madam_master(&self) -> Vec<u16> {
        self.words
            .iter()
            .map(|&w| u16::from(w & MAG_MASK) << MASTER_BITS)
            .collect()
    }

    /// [`madam_update`](Self::madam_update) on a wider master: `master`
    /// holds every weight's magnitude code with [`MASTER_BITS`] more fraction
    /// bits (7: the resolution of the 16-bit word at `FRAC = 3`), the step
    /// is rounded to that resolution and added there, and the word is the
    /// master rounded to nearest. Steps smaller than half a code of the word
    /// then accumulate instead of being lost or left to chance. Costs two
    /// bytes per weight beside `v`'s four.
    ///
    /// ```
    /// use lognum_tensor::scaled::{MadamStep, Scaled8};
    /// let mut w = Scaled8::<3>::from_f32(&[1.0, -0.5], &[1, 2])?;
    /// let g = Scaled8::<3>::from_f32(&[1e-3, 1e-3], &[1, 2])?;
    /// let (mut v, mut master) = (vec![0.0f32; 2], w.madam_master());
    /// let before = w.clone();
    /// // A quarter of a code per step: the word moves on the second step.
    /// for step in 1..=2 {
    ///     w.madam_update_master(&g, &mut v, &mut master, &MadamStep::new(1.0 / 32.0, 10.0, 0.999, step, None))?;
    ///     assert_eq!(w == before, step == 1);
    /// }
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn madam_update_master(
        &mut self,
        grad: &Self,
        v: &mut [f32],
        master: &mut [u16],
        step: &MadamStep,
    ) -> Result<(), TensorError> {
        self.madam_run(Isa::detect(), grad, v, Some(master), step)
            .map_err(|e| match e {
                MadamError::Tensor(e) => e,
                MadamError::Isa(_) => unreachable!("the detected ISA is available"),
            })
    }

    /// [`madam_update_master`](Self::madam_update_master) on a chosen
    /// instruction set: every one gives the same bits.
    ///
    /// ```
    /// use lognum_tensor::lns::Isa;
    /// use lognum_tensor::scaled::{MadamStep, Scaled8};
    /// let g = Scaled8::<3>::from_f32(&[1e-3, -2e-3], &[1, 2])?;
    /// let step = MadamStep::new(0.01, 10.0, 0.999, 1, Some(3));
    /// let mut outs = Vec::new();
    /// for isa in Isa::available() {
    ///     let mut w = Scaled8::<3>::from_f32(&[0.5, -0.25], &[1, 2])?;
    ///     let (mut v, mut m) = (vec![0.0f32; 2], w.madam_master());
    ///     w.madam_update_master_with_isa(isa, &g, &mut v, &mut m, &step).unwrap();
    ///     outs.push((w, m));
    /// }
    /// assert!(outs.windows(2).all(|p| p[0] == p[1]));
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn madam_update_master_with_isa(
        &mut self,
        isa: Isa,
        grad: &Self,
        v: &mut [f32],
        master: &mut [u16],
        step: &MadamStep,
    ) -> Result<(), MadamError> {
        self.madam_run(isa, grad, v, Some(master), step)
    }

    fn madam_run(
        &mut self,
        isa: Isa,
        grad: &Self,
        v: &mut [f32],
        master: Option<&mut [u16]>,
        step: &MadamStep,
    ) -> Result<(), MadamError> {
        let n = self.words.len();
        if grad.shape != self.shape || v.len() != n || master.as_ref().is_some_and(|m| m.len() != n)
        {
            return Err(MadamError::Tensor(TensorError::ShapeMismatch {
                op: "Scaled8::madam_update",
                left: self.shape.to_vec(),
                right: if grad.shape != self.shape {
                    grad.shape.to_vec()
                } else {
                    vec![v.len()]
                },
            }));
        }
        if !isa.is_available() {
            return Err(MadamError::Isa(IsaUnavailable(isa)));
        }
        let scale = f64::from(1u32 << FRAC);
        // Steps are counted in codes of the master when there is one.
        let step_scale = if master.is_some() {
            f64::from(1u32 << (FRAC + MASTER_BITS))
        } else {
            scale
        };
        let g_scale = (grad.offset() as f64 / scale).exp2();
        let mut decode = [0.0f32; 128];
        for (m, d) in decode.iter_mut().enumerate().skip(1) {
            // Finite, so that `ĝ` is (an absurd offset saturates here).
            *d = ((((m as i64 - BIAS) as f64 / scale).exp2() * g_scale).min(f64::from(f32::MAX)))
                as f32;
        }
        let bias_correction = 1.0 - step.beta.powi(step.step.max(1));
        let key = step.stochastic.unwrap_or(0);
        let c = Consts {
            decode,
            beta: step.beta as f32,
            one_minus: (1.0 - step.beta) as f32,
            inv_bc: (1.0 / bias_correction) as f32,
            step_codes: (step.lr * step_scale).clamp(-f64::from(MAX_CODES), f64::from(MAX_CODES))
                as f32,
            g_bound: step.g_bound as f32,
            key: [key as u32, (key >> 32) as u32],
            stochastic: step.stochastic.is_some(),
        };
        let (w, g) = (&mut self.words[..], &grad.words[..]);
        if let Some(fine) = master {
            match isa {
                Isa::Portable => update_master(&c, w, fine, g, v, 0),
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `is_available` checked that the CPU has AVX-512F/BW.
                Isa::Avx512 => unsafe { update_master_avx512(&c, w, fine, g, v) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `is_available` checked that the CPU has AVX2.
                Isa::Avx2 => unsafe { update_master_avx2(&c, w, fine, g, v) },
                #[cfg(not(target_arch = "x86_64"))]
                _ => unreachable!("only the portable path exists here"),
            }
            return Ok(());
        }
        match isa {
            Isa::Portable => update(&c, w, g, v, 0),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `is_available` checked that the CPU has AVX-512F/BW.
            Isa::Avx512 => unsafe { update_avx512(&c, w, g, v) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `is_available` checked that the CPU has AVX2.
            Isa::Avx2 => unsafe { update_avx2(&c, w, g, v) },
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("only the portable path exists here"),
        }
        Ok(())
    }
}

/// Why [`Scaled8::madam_update_with_isa`] refused.
///
/// ```
/// use lognum_tensor::scaled::{MadamError, MadamStep, Scaled8};
/// use lognum_tensor::lns::Isa;
/// let mut w = Scaled8::<3>::from_f32(&[1.0], &[1, 1])?;
/// let err = w.madam_update_with_isa(Isa::Portable, &w.clone(), &mut [], &MadamStep::new(0.1, 10.0, 0.9, 1, None));
/// assert!(matches!(err, Err(MadamError::Tensor(_))));
/// # Ok::<(), lognum_tensor::TensorError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MadamError {
    /// The gradient or the second moment does not match the weights.
    Tensor(TensorError),
    /// The instruction set is not available on this CPU.
    Isa(IsaUnavailable),
}

impl std::fmt::Display for MadamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MadamError::Tensor(e) => e.fmt(f),
            MadamError::Isa(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MadamError {}
