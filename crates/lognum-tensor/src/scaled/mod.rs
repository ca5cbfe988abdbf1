//! One-byte LNS matrices with a per-tensor scale.
//!
//! An 8-bit LNS word (a sign and a 7-bit biased log with `FRAC` fraction
//! bits) spans only `2^±(63/2^FRAC)`: with 3 fraction bits about `2^-8` to
//! `2^8`, too narrow for a network's gradients. A [`Scaled8`] therefore
//! carries, beside its words, one integer **log offset** for the whole
//! tensor, in codes of the word: element `i` is
//!
//! ```text
//! x_i = ±2^((M_i − 64 + offset) / 2^FRAC)      (M_i = 0: zero)
//! ```
//!
//! so the scale is a power of `2^(1/2^FRAC)` and applying it is an integer
//! add to the log, like every other product in LNS.
//!
//! # How the offset is chosen
//!
//! A tensor is produced by [`Wide16::narrow`] (or [`Scaled8::from_f32`]):
//! every value is rounded to a code of the word first (to nearest, or
//! stochastically), then the offset is chosen from the **largest** code so
//! that it lands on the top word, `M = 127`. No headroom is needed, since
//! the tensor is narrowed after its values are known; values more than
//! `126/2^FRAC` octaves below the largest flush to zero. A tensor updated in
//! place (weights) keeps its offset: the caller chooses it with the bound the
//! update respects (see `lognum_nn::lns8`).
//!
//! # Products: words and offsets in, a wider result and an offset out
//!
//! [`Scaled8::matmul`] widens both operands to the 16-bit word
//! `LogNum<10, A>` (exactly: a shift of the code), multiplies them with the
//! LNS kernels of [`matmul::lns`](crate::matmul::lns) (tables, AVX-512 or AVX2
//! detected at run time, the portable reference giving the same bits), and
//! returns the sums as a [`Wide16`]: 16-bit words with one offset. Since all
//! products of a matrix product share the factor `2^(offset_a + offset_b)`,
//! the offsets add once, outside the kernel. The kernel thus accumulates at
//! 10 fraction bits with the approximation `A` of the format: the
//! accumulator is wider than the word, as in every LNS (and integer)
//! training scheme. Before the kernel both operands are shifted so that the
//! largest possible sum of `k` products stays below the 16-bit word's
//! maximum; products more than about `31 − log2 k` octaves below the largest
//! possible one flush to zero.
//!
//! ```
//! use lognum_tensor::scaled::Scaled8;
//! use lognum_tensor::Accumulate;
//! let a = Scaled8::<3>::from_f32(&[1.0, 2.0, 3.0, 4.0], &[2, 2])?;
//! let b = Scaled8::<3>::from_f32(&[1e-6, 0.0, 0.0, 1e-6], &[2, 2])?;
//! let c: Scaled8<3> = a.matmul(&b, Accumulate::Sequential)?.narrow(None)?;
//! for (got, want) in c.to_f32_vec().iter().zip([1e-6, 2e-6, 3e-6, 4e-6]) {
//!     // a, b and c each rounded to half a code, 2^(1/16): at most 14 % in all.
//!     assert!((got / want - 1.0).abs() < 0.14);
//! }
//! # Ok::<(), lognum_tensor::TensorError>(())
//! ```

use core::marker::PhantomData;

mod madam;
pub use madam::{MASTER_BITS, MadamError, MadamStep};

use lognum::{LogAdd, LogNum, LogNum8, Lut};

use crate::TensorError;
use crate::matmul::{Accumulate, lns};

/// The fraction bits of the wide word, `LogNum<10, A>`.
const WIDE_FRAC: u32 = 10;
/// The wide word's bias and largest magnitude code.
const WIDE_BIAS: i64 = 1 << 14;
const WIDE_MAX: i64 = (1 << 15) - 1;

/// The largest offset a [`Scaled8`] may carry, in codes: `2^24`, so that
/// offsets add and widen without overflow, and far beyond any value an
/// `f64` can hold at 2 or more fraction bits.
pub const MAX_OFFSET: i64 = 1 << 24;

/// The word's bias (the code of 1.0 before scaling) and fields.
const BIAS: i64 = 64;
const MAG_MASK: u8 = 0x7f;
const SIGN: u8 = 0x80;

/// A row-major matrix of one-byte LNS words with one log offset: see the
/// [module docs](self).
///
/// `FRAC`, the fraction bits of the word, may be 2 to 6 (the widened word
/// must hold every code exactly); `A` is the log-add approximation used
/// when products are summed.
///
/// ```
/// use lognum_tensor::scaled::Scaled8;
/// let t = Scaled8::<3>::from_f32(&[0.5, -0.25, 0.0, 1e-30], &[2, 2])?;
/// assert_eq!(t.words()[0], 0x7f); // the largest magnitude is the top word
/// assert_eq!(t.to_f32_vec()[..3], [0.5, -0.25, 0.0]);
/// assert_eq!(t.to_f32_vec()[3], 0.0); // 2^-99 is 93 octaves below: flushed
/// assert_eq!(core::mem::size_of_val(t.words()), 4);
/// # Ok::<(), lognum_tensor::TensorError>(())
/// ```
#[derive(Debug)]
pub struct Scaled8<const FRAC: u32, A = Lut> {
    words: Vec<u8>,
    shape: [usize; 2],
    offset: i32,
    approx: PhantomData<fn() -> A>,
}

impl<const FRAC: u32, A> Clone for Scaled8<FRAC, A> {
    fn clone(&self) -> Self {
        Self {
            words: self.words.clone(),
            shape: self.shape,
            offset: self.offset,
            approx: PhantomData,
        }
    }
}

impl<const FRAC: u32, A> PartialEq for Scaled8<FRAC, A> {
    fn eq(&self, other: &Self) -> bool {
        self.words == other.words && self.shape == other.shape && self.offset == other.offset
    }
}

/// 16-bit LNS words `LogNum<10, A>` with one log offset, in codes of the
/// wide word (`2^-10`): element `i` is `values[i] · 2^(offset / 1024)`. The
/// result of [`Scaled8::matmul`] and of [`Scaled8::widen`], and the form in
/// which sums, biases and activations are computed before they are narrowed
/// back to one byte.
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::scaled::Wide16;
/// let w = Wide16::from_values(vec![LogNum::<10>::ONE; 2], &[1, 2], 3 * 1024)?;
/// assert_eq!(w.to_f64_vec(), vec![8.0, 8.0]);
/// # Ok::<(), lognum_tensor::TensorError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Wide16<A = Lut> {
    values: Vec<LogNum<10, A>>,
    shape: [usize; 2],
    offset: i64,
}

fn check_len(len: usize, shape: &[usize]) -> Result<[usize; 2], TensorError> {
    match *shape {
        [r, c] if r.checked_mul(c) == Some(len) => Ok([r, c]),
        [_, _] => Err(TensorError::Length {
            len,
            shape: shape.to_vec(),
        }),
        _ => Err(TensorError::InvalidShape {
            op: "scaled",
            shape: shape.to_vec(),
            expected: "a matrix [rows, cols]".into(),
        }),
    }
}

fn check_offset(op: &'static str, offset: i64) -> Result<i32, TensorError> {
    if offset.abs() <= MAX_OFFSET {
        Ok(offset as i32)
    } else {
        Err(TensorError::ScaleOverflow { op, offset })
    }
}

impl<const FRAC: u32, A> Scaled8<FRAC, A> {
    const CHECK: () = assert!(
        FRAC >= 2 && FRAC <= 6,
        "Scaled8<FRAC> supports FRAC in 2..=6"
    );
    /// Codes of the wide word per code of this word.
    const WIDEN: u32 = {
        let () = Self::CHECK;
        WIDE_FRAC - FRAC
    };

    /// A tensor from raw words, a shape `[rows, cols]` and an offset in
    /// codes; fails on a length that does not fill the shape or an offset
    /// beyond [`MAX_OFFSET`].
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<3>::from_parts(vec![0x40, 0xc8], &[1, 2], 8)?;
    /// assert_eq!(t.to_f32_vec(), vec![2.0, -4.0]); // 2^((0 + 8)/8), −2^((8 + 8)/8)
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn from_parts(words: Vec<u8>, shape: &[usize], offset: i64) -> Result<Self, TensorError> {
        let shape = check_len(words.len(), shape)?;
        let offset = check_offset("Scaled8::from_parts", offset)?;
        Ok(Self {
            words,
            shape,
            offset,
            approx: PhantomData,
        })
    }

    /// The nearest tensor to `values` (log rounded to the nearest code,
    /// offset from the largest magnitude); NaN and infinities are refused.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<3>::from_f32(&[3.0, -1e-3], &[2, 1])?;
    /// assert!((t.to_f32_vec()[1] / -1e-3 - 1.0).abs() < 0.05);
    /// assert!(Scaled8::<3>::from_f32(&[f32::INFINITY], &[1, 1]).is_err());
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn from_f32(values: &[f32], shape: &[usize]) -> Result<Self, TensorError> {
        let shape = check_len(values.len(), shape)?;
        let scale = f64::from(1u32 << FRAC);
        let mut codes = Vec::with_capacity(values.len());
        for (index, &v) in values.iter().enumerate() {
            if !v.is_finite() {
                return Err(TensorError::NotFinite {
                    op: "Scaled8::from_f32",
                    index,
                    value: if v.is_nan() {
                        "NaN"
                    } else if v > 0.0 {
                        "inf"
                    } else {
                        "-inf"
                    },
                });
            }
            codes.push(if v == 0.0 {
                None
            } else {
                Some((v < 0.0, (f64::from(v).abs().log2() * scale).round() as i64))
            });
        }
        Self::from_codes("Scaled8::from_f32", &codes, shape)
    }

    /// Chooses the offset that puts the largest code on the top word and
    /// narrows every code to a word (flushing those more than 126 codes
    /// below).
    fn from_codes(
        op: &'static str,
        codes: &[Option<(bool, i64)>],
        shape: [usize; 2],
    ) -> Result<Self, TensorError> {
        let top = codes.iter().flatten().map(|&(_, c)| c).max();
        let offset = match top {
            Some(t) => check_offset(op, t - (i64::from(MAG_MASK) - BIAS))?,
            None => 0,
        };
        let base = i64::from(offset) - BIAS;
        let words = codes
            .iter()
            .map(|c| match *c {
                Some((neg, code)) if code - base >= 1 => {
                    (code - base) as u8 | if neg { SIGN } else { 0 }
                }
                _ => 0,
            })
            .collect();
        Ok(Self {
            words,
            shape,
            offset,
            approx: PhantomData,
        })
    }

    /// A tensor of [`LogNum8`] words (their values are multiplied by
    /// `2^(offset/2^FRAC)`), checked as [`from_parts`](Self::from_parts).
    ///
    /// ```
    /// use lognum::LogNum8;
    /// use lognum_tensor::scaled::Scaled8;
    /// let w = vec![LogNum8::<3>::from_f64(1.5), LogNum8::from_f64(-0.25)];
    /// let t = Scaled8::<3>::from_lognum8(&w, &[1, 2], -8)?;
    /// assert!((t.to_f64_vec()[0] - w[0].to_f64() / 2.0).abs() < 1e-12);
    /// assert_eq!(t.to_f64_vec()[1], -0.125);
    /// assert_eq!(t.to_lognum8_vec(), w);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn from_lognum8(
        words: &[LogNum8<FRAC, A>],
        shape: &[usize],
        offset: i64,
    ) -> Result<Self, TensorError> {
        Self::from_parts(words.iter().map(|w| w.to_bits()).collect(), shape, offset)
    }

    /// The words as [`LogNum8`] values (without the offset).
    ///
    /// ```
    /// use lognum::LogNum8;
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<3>::from_f32(&[4.0, 2.0], &[1, 2])?;
    /// // The largest is the top word: the offset is log2(4)·8 − 63 codes.
    /// assert_eq!(t.to_lognum8_vec()[0], LogNum8::<3>::MAX);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn to_lognum8_vec(&self) -> Vec<LogNum8<FRAC, A>> {
        self.words.iter().map(|&w| LogNum8::from_bits(w)).collect()
    }

    /// The raw words, row-major.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// assert_eq!(Scaled8::<3>::from_f32(&[-1.0], &[1, 1])?.words(), &[0xff]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn words(&self) -> &[u8] {
        &self.words
    }

    /// The words, mutable (an update in place keeps the offset).
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let mut t = Scaled8::<3>::from_f32(&[1.0], &[1, 1])?;
    /// t.words_mut()[0] -= 8; // one octave down
    /// assert_eq!(t.to_f32_vec(), vec![0.5]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn words_mut(&mut self) -> &mut [u8] {
        &mut self.words
    }

    /// The log offset, in codes of the word.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// assert_eq!(Scaled8::<3>::from_f32(&[2.0], &[1, 1])?.offset(), 8 - 63);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn offset(&self) -> i64 {
        i64::from(self.offset)
    }

    /// The shape `[rows, cols]`.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// assert_eq!(Scaled8::<3>::from_f32(&[1.0; 6], &[2, 3])?.shape(), [2, 3]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn shape(&self) -> [usize; 2] {
        self.shape
    }

    /// The value of one word under this tensor's offset.
    fn value_of(&self, w: u8) -> f64 {
        let m = w & MAG_MASK;
        if m == 0 {
            return 0.0;
        }
        let code = i64::from(m) - BIAS + i64::from(self.offset);
        let v = (code as f64 / f64::from(1u32 << FRAC)).exp2();
        if w & SIGN != 0 { -v } else { v }
    }

    /// The values as `f64` (`±∞` beyond `f64`'s range, zero below it).
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<4>::from_f32(&[0.75], &[1, 1])?;
    /// assert!((t.to_f64_vec()[0] - 0.75).abs() < 0.75 * 0.022);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn to_f64_vec(&self) -> Vec<f64> {
        self.words.iter().map(|&w| self.value_of(w)).collect()
    }

    /// The values as `f32`.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// assert_eq!(Scaled8::<3>::from_f32(&[-8.0], &[1, 1])?.to_f32_vec(), vec![-8.0]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn to_f32_vec(&self) -> Vec<f32> {
        self.words
            .iter()
            .map(|&w| self.value_of(w) as f32)
            .collect()
    }

    /// The transpose (a copy).
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<3>::from_f32(&[1.0, 2.0, 4.0, 8.0, 0.5, 0.25], &[2, 3])?;
    /// assert_eq!(t.t().to_f32_vec(), vec![1.0, 8.0, 2.0, 0.5, 4.0, 0.25]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn t(&self) -> Self {
        let [r, c] = self.shape;
        let mut words = vec![0u8; self.words.len()];
        for (i, row) in self.words.chunks_exact(c.max(1)).enumerate().take(r) {
            for (j, &w) in row.iter().enumerate() {
                words[j * r + i] = w;
            }
        }
        Self {
            words,
            shape: [c, r],
            offset: self.offset,
            approx: PhantomData,
        }
    }

    /// The 16-bit words of the values, exactly, with the wide offset; the
    /// words are additionally multiplied by `2^(shift/1024)` (saturating,
    /// flushing) and the offset reduced by `shift` to match.
    fn widen_shifted(&self, shift: i64) -> (Vec<LogNum<10, A>>, i64) {
        let s = Self::WIDEN;
        // One table of the 128 magnitudes; the sign bit moves from bit 7
        // to bit 15.
        let mut table = [0u16; 128];
        for (m, t) in table.iter_mut().enumerate().skip(1) {
            *t = (((m as i64 - BIAS) << s) + shift + WIDE_BIAS).clamp(0, WIDE_MAX) as u16;
        }
        let values = self
            .words
            .iter()
            .map(|&w| {
                let m = table[usize::from(w & MAG_MASK)];
                LogNum::from_bits(m | (u16::from(w & SIGN) << 8))
            })
            .collect();
        (values, (i64::from(self.offset) << s) - shift)
    }

    /// The same values as 16-bit words with a wide offset: exact.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let t = Scaled8::<3>::from_f32(&[6.0, -0.1], &[1, 2])?;
    /// assert_eq!(t.widen().to_f64_vec(), t.to_f64_vec());
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn widen(&self) -> Wide16<A> {
        let (values, offset) = self.widen_shifted(0);
        Wide16 {
            values,
            shape: self.shape,
            offset,
        }
    }

    /// The largest magnitude code (`M − 64`), if any word is non-zero.
    fn top_code(&self) -> Option<i64> {
        self.words
            .iter()
            .map(|&w| w & MAG_MASK)
            .max()
            .filter(|&m| m != 0)
            .map(|m| i64::from(m) - BIAS)
    }
}

impl<const FRAC: u32, A: LogAdd> Scaled8<FRAC, A> {
    /// `self · rhs` (`[m, k]` times `[k, n]`), summed by the 16-bit LNS
    /// kernels in the order `acc` names, as a [`Wide16`] (see the
    /// [module docs](self)). Every instruction set gives the same bits.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// use lognum_tensor::Accumulate;
    /// let a = Scaled8::<3>::from_f32(&[1.0, -2.0], &[1, 2])?;
    /// let b = Scaled8::<3>::from_f32(&[4.0, 0.5], &[2, 1])?;
    /// let c = a.matmul(&b, Accumulate::Sequential)?;
    /// // 4 − 1 through the 20-entry table's Δ−.
    /// assert!((c.to_f64_vec()[0] - 3.0).abs() < 0.01);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn matmul(&self, rhs: &Self, acc: Accumulate) -> Result<Wide16<A>, TensorError> {
        let ([m, k], [k2, n]) = (self.shape, rhs.shape);
        if k != k2 {
            return Err(TensorError::ShapeMismatch {
                op: "Scaled8::matmul",
                left: self.shape.to_vec(),
                right: rhs.shape.to_vec(),
            });
        }
        let s = Self::WIDEN;
        // Put each operand's largest word at `head` wide codes, so that the
        // largest possible sum, `k` products of the two, stays below 2^15.
        let ceil_log2_k = i64::from(usize::BITS - k.max(1).saturating_sub(1).leading_zeros());
        let head = (15 - ceil_log2_k) << (WIDE_FRAC - 1);
        let shift = |t: &Self| t.top_code().map_or(0, |c| head - (c << s));
        let (a, off_a) = self.widen_shifted(shift(self));
        let (b, off_b) = rhs.widen_shifted(shift(rhs));
        let mut c = vec![LogNum::ZERO; m * n];
        lns::gemm(acc, m, k, n, &a, &b, &mut c);
        Ok(Wide16 {
            values: c,
            shape: [m, n],
            offset: off_a + off_b,
        })
    }
}

impl<A> Wide16<A> {
    /// Values and a wide offset (codes of `2^-10`), checked like
    /// [`Scaled8::from_parts`] (the offset may be `2^10` times larger).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// assert!(Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 2], 0).is_err());
    /// ```
    pub fn from_values(
        values: Vec<LogNum<10, A>>,
        shape: &[usize],
        offset: i64,
    ) -> Result<Self, TensorError> {
        let shape = check_len(values.len(), shape)?;
        if offset.abs() > MAX_OFFSET << WIDE_FRAC {
            return Err(TensorError::ScaleOverflow {
                op: "Wide16::from_values",
                offset,
            });
        }
        Ok(Self {
            values,
            shape,
            offset,
        })
    }

    /// The 16-bit words (scaled by `2^(-offset/1024)`).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// let w = Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], 5)?;
    /// assert_eq!(w.values(), &[LogNum::ONE]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn values(&self) -> &[LogNum<10, A>] {
        &self.values
    }

    /// The words, mutable: element-wise work (bias adds, activations) is done
    /// on them in place, under the unchanged offset.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// let mut w = Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], 1024)?;
    /// w.values_mut()[0] = w.values()[0].mul_pow2(-1);
    /// assert_eq!(w.to_f64_vec(), vec![1.0]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn values_mut(&mut self) -> &mut [LogNum<10, A>] {
        &mut self.values
    }

    /// The offset, in codes of `2^-10`.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// assert_eq!(Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], -7)?.offset(), -7);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The shape `[rows, cols]`.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// assert_eq!(Wide16::from_values(vec![LogNum::<10>::ONE; 3], &[3, 1], 0)?.shape(), [3, 1]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn shape(&self) -> [usize; 2] {
        self.shape
    }

    /// The values as `f64`.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// let w = Wide16::from_values(vec![LogNum::<10>::NEG_ONE], &[1, 1], -1024)?;
    /// assert_eq!(w.to_f64_vec(), vec![-0.5]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn to_f64_vec(&self) -> Vec<f64> {
        let scale = (self.offset as f64 / 1024.0).exp2();
        self.values.iter().map(|v| v.to_f64() * scale).collect()
    }

    /// The values as 16-bit words without an offset: the offset is added to
    /// every log (saturating at `±MAX`, flushing below the smallest word).
    /// For the few places that need true values in 16 bits (the softmax).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// let w = Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], 2048)?;
    /// assert_eq!(w.to_unscaled(), vec![LogNum::<10>::from_f64(4.0)]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn to_unscaled(&self) -> Vec<LogNum<10, A>> {
        self.values
            .iter()
            .map(|v| match v.log2_code() {
                None => *v,
                Some(c) => LogNum::from_log2_code(v.is_sign_negative(), c + self.offset),
            })
            .collect()
    }

    /// `other`'s values re-expressed under this tensor's offset (an integer
    /// add to every log, saturating and flushing), for element-wise sums.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::Wide16;
    /// let a = Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], 1024)?;
    /// let b = Wide16::from_values(vec![LogNum::<10>::ONE], &[1, 1], 0)?;
    /// assert_eq!(a.aligned(b.values(), b.offset()), vec![LogNum::<10>::from_f64(0.5)]);
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn aligned(&self, other: &[LogNum<10, A>], other_offset: i64) -> Vec<LogNum<10, A>> {
        let d = other_offset - self.offset;
        other
            .iter()
            .map(|v| match v.log2_code() {
                None => *v,
                Some(c) => LogNum::from_log2_code(v.is_sign_negative(), c + d),
            })
            .collect()
    }

    /// Narrows to one-byte words: every log is rounded to a code of the word
    /// (to nearest without `random`, else stochastically with one draw per
    /// non-zero element: up with probability equal to the discarded
    /// fraction of a code, so the *log* is unbiased), then the offset is
    /// chosen from the largest code (see the [module docs](self)).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::scaled::{Scaled8, Wide16};
    /// let w = Wide16::from_values(vec![LogNum::<10>::from_f64(3.0)], &[1, 1], 0)?;
    /// let n: Scaled8<3> = w.narrow(None)?;
    /// assert_eq!(n.to_f32_vec(), vec![2f32.powf(13.0 / 8.0)]); // log2 3 = 1.585 → 13/8
    /// let mut state = 1u32;
    /// let mut draw = || { state = state.wrapping_mul(747796405).wrapping_add(1); state };
    /// let s: Scaled8<3> = w.narrow(Some(&mut draw))?;
    /// assert!([12.0f32 / 8.0, 13.0 / 8.0].map(f32::exp2).contains(&s.to_f32_vec()[0]));
    /// # Ok::<(), lognum_tensor::TensorError>(())
    /// ```
    pub fn narrow<const FRAC: u32>(
        &self,
        random: Option<&mut dyn FnMut() -> u32>,
    ) -> Result<Scaled8<FRAC, A>, TensorError> {
        let shift = Scaled8::<FRAC, A>::WIDEN;
        // A value's code at the tensor's offset, before rounding, is
        // `m + base` in codes of 2^-10 (`m` its 16-bit magnitude); with
        // `base = q·2^shift + r`, the rounded code of the word is
        // `((m + r + u) >> shift) + q`, `u` half a code or a draw.
        let base = self.offset - WIDE_BIAS;
        let (q, r) = (base >> shift, (base & ((1 << shift) - 1)) as i32);
        let bits: &[u16] = crate::lns::words(&self.values);
        let mut words = vec![0u8; bits.len()];
        let top = match random {
            None => narrow_nearest(bits, r + ((1 << shift) >> 1), shift, &mut words),
            Some(draw) => {
                let mask = (1u32 << shift) - 1;
                let codes: Vec<i32> = bits
                    .iter()
                    .map(|&w| {
                        let m = i32::from(w & 0x7fff);
                        if m == 0 {
                            i32::MIN
                        } else {
                            (m + r + (draw() & mask) as i32) >> shift
                        }
                    })
                    .collect();
                let top = codes.iter().copied().max().filter(|&c| c != i32::MIN);
                if let Some(t) = top {
                    for ((o, &c), &w) in words.iter_mut().zip(&codes).zip(bits) {
                        let m = c.saturating_sub(t).saturating_add(i32::from(MAG_MASK));
                        if m >= 1 {
                            *o = m as u8 | ((w >> 8) as u8 & SIGN);
                        }
                    }
                }
                top
            }
        };
        let offset = match top {
            Some(t) => check_offset(
                "Wide16::narrow",
                (i64::from(t) + q).saturating_sub(i64::from(MAG_MASK) - BIAS),
            )?,
            None => 0,
        };
        Ok(Scaled8 {
            words,
            shape: self.shape,
            offset,
            approx: PhantomData,
        })
    }
}

/// Narrows 16-bit words to bytes, rounding to nearest: returns the top
/// rounded code `(m_max + c) >> shift` (`None` if all are zero) and writes
/// each word relative to it. Dispatches to the widest instruction set.
fn narrow_nearest(bits: &[u16], c: i32, shift: u32, out: &mut [u8]) -> Option<i32> {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::lns::Isa::Avx512.is_available() {
            // SAFETY: the CPU has AVX-512F/BW.
            return unsafe { narrow_nearest_avx512(bits, c, shift, out) };
        }
        if crate::lns::Isa::Avx2.is_available() {
            // SAFETY: the CPU has AVX2.
            return unsafe { narrow_nearest_avx2(bits, c, shift, out) };
        }
    }
    narrow_nearest_loop(bits, c, shift, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
#[inline(never)]
fn narrow_nearest_avx512(bits: &[u16], c: i32, shift: u32, out: &mut [u8]) -> Option<i32> {
    narrow_nearest_loop(bits, c, shift, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn narrow_nearest_avx2(bits: &[u16], c: i32, shift: u32, out: &mut [u8]) -> Option<i32> {
    narrow_nearest_loop(bits, c, shift, out)
}

/// The loop of [`narrow_nearest`], in integers only (so every instruction
/// set gives the same bytes).
#[inline(always)]
fn narrow_nearest_loop(bits: &[u16], c: i32, shift: u32, out: &mut [u8]) -> Option<i32> {
    let top_m = bits.iter().map(|&w| w & 0x7fff).max().filter(|&m| m != 0)?;
    let top = (i32::from(top_m) + c) >> shift;
    let lift = i32::from(MAG_MASK) - top;
    for (o, &w) in out.iter_mut().zip(bits) {
        let m = i32::from(w & 0x7fff);
        let word = ((m + c) >> shift) + lift;
        *o = if m != 0 && word >= 1 {
            word as u8 | ((w >> 8) as u8 & SIGN)
        } else {
            0
        };
    }
    Some(top)
}

#[cfg(test)]
mod tests;
