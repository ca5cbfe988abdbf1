//! [`NnScalar`]: what a number type needs beyond [`Scalar`] to train a
//! network — a softmax and a wider "master" type for the weight update.

use fixed::types::extra::{U11, U27};
use fixed::{FixedI16, FixedI32};
use half::{bf16, f16};
use lognum::{Interp, LogAdd, LogNum, SoftmaxLut, WideLogNum};
use lognum_tensor::Scalar;
use lognum_tensor::matmul::Accumulate;

/// The element type of a format's raw words in a checkpoint: the
/// safetensors dtype they are stored as ([`NnScalar::WORD`]).
///
/// ```
/// use lognum_nn::{NnScalar, WordType};
/// assert_eq!(<f32 as NnScalar>::WORD, WordType::F32);
/// assert_eq!(WordType::U16.size(), 2);
/// assert_eq!(WordType::I16.name(), "I16");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WordType {
    /// Unsigned 16-bit words: 16- and 12-bit LNS, `f16`, `bf16`.
    U16,
    /// Signed 16-bit words: 16-bit fixed point.
    I16,
    /// Unsigned 32-bit words: 32-bit LNS.
    U32,
    /// IEEE binary32.
    F32,
    /// IEEE binary64.
    F64,
}

impl WordType {
    /// Bytes per word.
    ///
    /// ```
    /// assert_eq!(lognum_nn::WordType::F64.size(), 8);
    /// ```
    pub const fn size(self) -> usize {
        match self {
            WordType::U16 | WordType::I16 => 2,
            WordType::U32 | WordType::F32 => 4,
            WordType::F64 => 8,
        }
    }

    /// The safetensors name of the dtype (`"U16"`, `"F32"`, ...).
    ///
    /// ```
    /// assert_eq!(lognum_nn::WordType::U32.name(), "U32");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            WordType::U16 => "U16",
            WordType::I16 => "I16",
            WordType::U32 => "U32",
            WordType::F32 => "F32",
            WordType::F64 => "F64",
        }
    }

    pub(crate) fn dtype(self) -> safetensors::Dtype {
        match self {
            WordType::U16 => safetensors::Dtype::U16,
            WordType::I16 => safetensors::Dtype::I16,
            WordType::U32 => safetensors::Dtype::U32,
            WordType::F32 => safetensors::Dtype::F32,
            WordType::F64 => safetensors::Dtype::F64,
        }
    }
}

/// Implements the raw-word methods of [`NnScalar`] for a type with
/// `to_bits`/`from_bits` (or `to_le_bytes`/`from_le_bytes`).
macro_rules! words {
    ($word:expr, $bits:ty, $to:expr, $from:expr) => {
        const WORD: WordType = $word;
        #[inline]
        fn write_word(self, out: &mut Vec<u8>) {
            let bits: $bits = $to(self);
            out.extend_from_slice(&bits.to_le_bytes());
        }
        #[inline]
        fn read_word(bytes: &[u8]) -> Option<Self> {
            $from(<$bits>::from_le_bytes(bytes.try_into().ok()?))
        }
    };
}

/// A number type the networks of this crate can be trained in.
///
/// Beyond [`Scalar`] arithmetic it supplies:
///
/// - [`softmax`](Self::softmax), computed per type: for [`LogNum`] entirely in
///   the log domain with the paper's finer 640-entry table ([`SoftmaxLut`]);
///   for the linear types in f64, rounded once (see the method docs).
/// - [`Wide`](Self::Wide), the type used for master weights when
///   [`UpdateRule::WideMaster`](crate::optim::UpdateRule::WideMaster) is
///   chosen: a wider format of the same family ([`WideMaster`] for LNS,
///   `f32` for the 16-bit floats, `f64` for `f32`, I5F27 for `fixed16`).
///
/// Like [`Scalar`], it is meant to be used beside num-traits: none of its
/// methods shares a name with one of num-traits (or of `Scalar`), so generic
/// code may `use num_traits::*;` and call `T::zero()`, `T::one()`,
/// `x.to_f64()` next to `widen`, `softmax` and `Scalar`'s `scalar_*`
/// arithmetic. Zero is [`num_traits::Zero`], a supertrait of `Scalar`; for
/// the associated [`Wide`](Self::Wide) type, `T::Wide::zero()` needs `Zero`
/// in scope.
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::NnScalar;
/// type L = LogNum<10>;
/// let logits = [L::from_f64(1.0), L::from_f64(2.0), L::from_f64(3.0)];
/// let mut p = [L::ZERO; 3];
/// L::softmax(&logits, &mut p);
/// let expect = [0.0900, 0.2447, 0.6652];
/// for (p, e) in p.iter().zip(expect) {
///     assert!((p.to_f64() - e).abs() < 0.01 * e + 0.002);
/// }
/// ```
///
/// Generic code with num-traits in scope:
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::NnScalar;
/// use lognum_tensor::Scalar;
/// use num_traits::*;
///
/// /// One SGD step on a wide master copy, `narrow(widen(w) − η·g)`, plus one.
/// fn step<T: NnScalar + One + ToPrimitive>(w: T, g: T, eta: f64) -> f64 {
///     let w = if g.is_zero() {
///         w
///     } else {
///         let eta = T::Wide::from_f64_lossy(eta);
///         T::narrow(w.widen().scalar_sub(eta.scalar_mul(g.widen())))
///     };
///     w.scalar_add(T::one()).to_f64().unwrap_or(f64::NAN)
/// }
/// assert_eq!(step(2.0f32, 2.0, 0.5), 2.0);
/// assert_eq!(step(2.0f32, 0.0, 0.5), 3.0);
/// let two = LogNum::<10>::from_f64_lossy(2.0);
/// assert!((step(two, two, 0.5) - 2.0).abs() < 0.01);
/// ```
pub trait NnScalar: Scalar {
    /// The master-weight type for [`UpdateRule::WideMaster`](crate::optim::UpdateRule::WideMaster).
    type Wide: Scalar;

    /// This value in the wide type (exact for every implementation here).
    fn widen(self) -> Self::Wide;

    /// The nearest value of this type to a wide value.
    fn narrow(wide: Self::Wide) -> Self;

    /// The format's name in checkpoints and reports: [`Scalar::name`],
    /// except `"fixed16"` for the paper's I5F11 fixed point.
    fn format_name() -> String {
        Self::name()
    }

    /// The value of this type nearest to `wide`, rounded stochastically:
    /// `random` is a uniform 32-bit number, and the value is rounded up with
    /// a probability equal to the fraction of the way to the next value, so
    /// that rounding is unbiased. Implemented for LNS (on the log code),
    /// `bf16` and `fixed16`; the others round to nearest.
    fn narrow_stochastic(wide: Self::Wide, random: u32) -> Self {
        let _ = random;
        Self::narrow(wide)
    }

    /// `self · 2^e` with its magnitude clamped to `max_abs`, rounded to
    /// this type: the multiplicative update of [`Madam`](crate::optim::Madam).
    /// `random` (a uniform 32-bit number) asks for stochastic rounding,
    /// `None` for round to nearest.
    ///
    /// The sign is never changed and a nonzero value never becomes zero: a
    /// result that would round to zero (or to the other sign) leaves `self`
    /// as it is. Zero, a non-finite `self` and a NaN `e` are returned
    /// unchanged.
    ///
    /// The default computes `self · 2^e` and the clamp in f64, converts the
    /// result to [`Wide`](Self::Wide) and narrows it ([`narrow`](Self::narrow)
    /// or [`narrow_stochastic`](Self::narrow_stochastic)); the clamp then
    /// holds up to that one rounding. LNS formats never leave the log
    /// domain for the multiplication: they add the integer
    /// `k = round(e · 2^FRAC)` (or `⌊e · 2^FRAC + u⌋` with `u = random/2^32`,
    /// unbiased) to the log code, saturating at the largest code and at the
    /// smallest nonzero one, and cap the code at the largest one whose value
    /// is at most `max_abs`, so the clamp holds exactly (a `max_abs` below
    /// the smallest magnitude clamps to that smallest magnitude).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::NnScalar;
    /// type L = LogNum<10>;
    /// // One code of LogNum<10> is 2^-10: e = 3·2^-10 adds exactly 3 codes.
    /// let w = L::from_f64(-0.5);
    /// let up = w.scale_pow2(3.0 / 1024.0, 10.0, None);
    /// assert_eq!(up.to_bits(), w.to_bits() + 3);
    /// // Clamped to 0.75: the largest code at or below log2(0.75).
    /// let c = w.scale_pow2(4.0, 0.75, None);
    /// assert!(c.to_f64() >= -0.75 && c.to_f64() < -0.749);
    /// // Never to zero, never across it.
    /// assert_eq!(w.scale_pow2(-1e6, 10.0, None), L::MIN_POSITIVE.neg());
    /// assert_eq!(0.5f32.scale_pow2(1.0, 10.0, None), 1.0);
    /// assert_eq!(0.5f32.scale_pow2(-1e6, 10.0, None), 0.5);
    /// ```
    fn scale_pow2(self, e: f64, max_abs: f64, random: Option<u32>) -> Self {
        let x = self.to_f64_lossy();
        if x == 0.0 || !x.is_finite() || e.is_nan() {
            return self;
        }
        let mut mag = x.abs() * e.exp2();
        if mag > max_abs {
            mag = max_abs;
        }
        let wide = Self::Wide::from_f64_lossy(mag.copysign(x));
        let y = match random {
            None => Self::narrow(wide),
            Some(r) => Self::narrow_stochastic(wide, r),
        };
        let yv = y.to_f64_lossy();
        if yv == 0.0 || (yv < 0.0) != (x < 0.0) {
            self
        } else {
            y
        }
    }

    /// One plain SGD step on master weights: for every nonzero gradient,
    /// `master ← master − eta·widen(grad)` in [`Wide`](Self::Wide) arithmetic
    /// and `weight ← narrow(master)`; zero gradients leave both as they are.
    /// Slices of equal length.
    ///
    /// The default is that loop in the types' own operators; LNS formats
    /// run the same arithmetic, bit for bit, in
    /// [`lognum_tensor::master::sgd_step`]'s vector kernel.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::NnScalar;
    /// use lognum_tensor::Scalar;
    /// type L = LogNum<10>;
    /// let mut w = [L::from_f64(1.0)];
    /// let mut master = [<L as NnScalar>::widen(w[0])];
    /// let eta = <L as NnScalar>::Wide::from_f64(0.5);
    /// L::sgd_master_step(eta, &[L::from_f64(1.0)], &mut master, &mut w);
    /// assert!((w[0].to_f64() - 0.5).abs() < 1e-3);
    /// ```
    fn sgd_master_step(
        eta: Self::Wide,
        grads: &[Self],
        master: &mut [Self::Wide],
        weights: &mut [Self],
    ) {
        let zero = Self::zero();
        for ((w, &g), m) in weights.iter_mut().zip(grads).zip(master.iter_mut()) {
            if g != zero {
                *m = m.scalar_sub(eta.scalar_mul(g.widen()));
                *w = Self::narrow(*m);
            }
        }
    }

    /// Whether this value is pinned at the format's largest magnitude
    /// (`±MAX` for LNS, the extremes of fixed point): a parameter there has
    /// saturated. Floats overflow to infinity instead and answer `false`.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::NnScalar;
    /// assert!(LogNum::<10>::MAX.is_saturated() && LogNum::<10>::MIN.is_saturated());
    /// assert!(!LogNum::<10>::ONE.is_saturated());
    /// assert!(!f32::MAX.is_saturated());
    /// ```
    fn is_saturated(self) -> bool {
        false
    }

    /// The square root in the wide type, for [`Adam`](crate::optim::Adam).
    /// The default goes through f64 (correctly rounded for the float and
    /// fixed-point types); LNS formats halve the log code exactly.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::NnScalar;
    /// use lognum_tensor::Scalar;
    /// type W = <LogNum<10> as NnScalar>::Wide;
    /// let r = <LogNum<10> as NnScalar>::wide_sqrt(W::from_f64(2.25));
    /// assert!((r.to_f64() - 1.5).abs() < 1e-6);
    /// assert_eq!(f32::wide_sqrt(2.25f64), 1.5);
    /// ```
    fn wide_sqrt(x: Self::Wide) -> Self::Wide {
        Self::Wide::from_f64_lossy(x.to_f64_lossy().max(0.0).sqrt())
    }

    /// How [`crate::checkpoint`] stores this format's values: the dtype of
    /// its raw words. The default, for types this crate does not know, is
    /// [`WordType::F64`] through [`Scalar::to_f64_lossy`].
    const WORD: WordType = WordType::F64;

    /// Appends this value's raw word, little-endian, [`WORD`](Self::WORD)
    /// `.size()` bytes.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::{NnScalar, WordType};
    /// let mut out = Vec::new();
    /// LogNum::<10>::ONE.write_word(&mut out);
    /// assert_eq!(<LogNum<10> as NnScalar>::WORD, WordType::U16);
    /// assert_eq!(out, LogNum::<10>::ONE.to_bits().to_le_bytes());
    /// ```
    fn write_word(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_f64_lossy().to_le_bytes());
    }

    /// The value of a raw word written by [`write_word`](Self::write_word);
    /// `None` if `bytes` has the wrong length or is not a word of this
    /// format (bits outside an LNS word, a NaN where the format has none).
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::NnScalar;
    /// type L = LogNum<6>;
    /// assert_eq!(L::read_word(&L::ONE.to_bits().to_le_bytes()), Some(L::ONE));
    /// assert_eq!(L::read_word(&[0xff, 0xff]), None); // bits above the 12-bit word
    /// assert_eq!(L::read_word(&[0]), None);
    /// ```
    fn read_word(bytes: &[u8]) -> Option<Self> {
        let v = f64::from_le_bytes(bytes.try_into().ok()?);
        v.is_finite().then(|| Self::from_f64_lossy(v))
    }

    /// The summation order of matrix products that training uses for this
    /// type when [`TrainConfig::accumulate`](crate::train::TrainConfig::accumulate)
    /// leaves it open: [`Accumulate::Sequential`] (the paper's), except
    /// [`Accumulate::Pairwise`] for LNS with [`BitShift`](lognum::BitShift).
    ///
    /// Why the bit shift differs: its `Δ+(d) ≈ 2^-d` is exact at `d = 0`
    /// and short by the factor `ln 2` for large `d` (a term much smaller
    /// than the running sum counts about 0.69 of itself), while its
    /// `Δ−(d) ≈ −1.5·2^-d` is close to the true `−2^-d/ln 2` there. A
    /// left-to-right sum adds almost every term to a far larger partial sum,
    /// so positive and negative terms are counted unequally; a pairwise tree
    /// adds sums of similar size. On 784-term dot products of MNIST-like
    /// data the tree cuts the shift's mean error from 4.8e-2 to 1.4e-2 of
    /// `Σ|aᵢbᵢ|` (lognum-tensor's `tests/numeric.rs`). The table formats
    /// ([`Lut`](lognum::Lut)) err least in the sequential order, and [`FloorShift`](lognum::FloorShift)
    /// (Δ+ = 1 on all of `[0, 1)`) overcounts in a tree, so they keep it.
    /// See `docs/REPRODUCTION.md` for the training runs.
    ///
    /// ```
    /// use lognum::{BitShift, LogNum, Lut};
    /// use lognum_nn::NnScalar;
    /// use lognum_tensor::matmul::Accumulate;
    /// assert_eq!(<LogNum<10, BitShift>>::preferred_accumulate(), Accumulate::Pairwise);
    /// assert_eq!(<LogNum<10, Lut>>::preferred_accumulate(), Accumulate::Sequential);
    /// assert_eq!(f32::preferred_accumulate(), Accumulate::Sequential);
    /// ```
    fn preferred_accumulate() -> Accumulate {
        Accumulate::Sequential
    }

    /// Writes the softmax of `logits` into `probs` (equal lengths, at least
    /// one element).
    ///
    /// The default, used by the linear formats (floats and fixed point), has
    /// no exponential of its own to use: it evaluates the max-shifted softmax
    /// in f64 and rounds each probability once to `Self`, i.e. a correctly
    /// rounded softmax.
    fn softmax(logits: &[Self], probs: &mut [Self]) {
        let max = logits
            .iter()
            .map(|x| x.to_f64_lossy())
            .fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for (p, &a) in probs.iter_mut().zip(logits) {
            let e = (a.to_f64_lossy() - max).exp();
            sum += e;
            *p = Self::from_f64_lossy(e);
        }
        for p in probs.iter_mut() {
            *p = Self::from_f64_lossy(p.to_f64_lossy() / sum);
        }
    }
}

macro_rules! impl_linear {
    ($t:ty, $wide:ty, $widen:expr, $narrow:expr, $word:expr, $bits:ty) => {
        impl NnScalar for $t {
            type Wide = $wide;
            words!($word, $bits, <$t>::to_bits, |b| Some(<$t>::from_bits(b)));
            #[inline]
            fn widen(self) -> $wide {
                $widen(self)
            }
            #[inline]
            fn narrow(wide: $wide) -> Self {
                $narrow(wide)
            }
        }
    };
}

impl_linear!(f64, f64, |x| x, |x| x, WordType::F64, u64);
impl_linear!(f32, f64, f64::from, |x| x as f32, WordType::F32, u32);
impl_linear!(f16, f32, f16::to_f32, f16::from_f32, WordType::U16, u16);
impl NnScalar for bf16 {
    type Wide = f32;
    words!(WordType::U16, u16, bf16::to_bits, |b| Some(
        bf16::from_bits(b)
    ));
    #[inline]
    fn widen(self) -> f32 {
        self.to_f32()
    }
    #[inline]
    fn narrow(wide: f32) -> Self {
        bf16::from_f32(wide)
    }
    /// Adds 16 random bits below the kept ones and truncates.
    #[inline]
    fn narrow_stochastic(wide: f32, random: u32) -> Self {
        if !wide.is_finite() {
            return bf16::from_f32(wide);
        }
        let bits = wide.to_bits().saturating_add(random >> 16);
        bf16::from_bits((bits >> 16) as u16)
    }
}
/// The paper's 16-bit linear fixed point, I5F11, computed as fixed-point
/// hardware does (see `Scalar for FixedI16` in `lognum_tensor`): every
/// product exact, every sum of products (the matrix products of the forward
/// and backward passes) rounded to nearest once and saturated once at ±16;
/// single products and the leaky ReLU's shift round to nearest. The softmax
/// is evaluated in f64 and each probability rounded once. Master weights are
/// I5F27, where `η·g` is rounded to nearest and the update saturates at
/// ±16; each master weight is rounded to the nearest I5F11 (ties up) for the
/// next pass.
impl NnScalar for FixedI16<U11> {
    type Wide = FixedI32<U27>;
    words!(WordType::I16, i16, FixedI16::<U11>::to_bits, |b| Some(
        FixedI16::<U11>::from_bits(b)
    ));
    #[inline]
    fn widen(self) -> Self::Wide {
        FixedI32::<U27>::saturating_from_num(self)
    }
    /// Rounds to nearest, ties up (toward +∞), and saturates.
    #[inline]
    fn narrow(wide: Self::Wide) -> Self {
        FixedI16::<U11>::saturating_from_num(
            wide.saturating_add(FixedI32::<U27>::from_bits(1 << 15)),
        )
    }
    /// Adds 16 random bits below the kept ones and truncates.
    #[inline]
    fn narrow_stochastic(wide: Self::Wide, random: u32) -> Self {
        let up = wide.saturating_add(FixedI32::<U27>::from_bits((random >> 16) as i32));
        FixedI16::<U11>::from_bits(
            (up.to_bits() >> 16).clamp(i16::MIN as i32, i16::MAX as i32) as i16
        )
    }
    fn format_name() -> String {
        "fixed16".into()
    }
    fn is_saturated(self) -> bool {
        self == Self::MAX || self == Self::MIN
    }
    /// The max-shifted softmax in f64, each probability rounded once to
    /// I5F11. (The default rounds each exponential to 11 fraction bits
    /// before dividing by the sum: a second rounding, as large as the
    /// first.)
    fn softmax(logits: &[Self], probs: &mut [Self]) {
        let max = logits
            .iter()
            .map(|x| x.to_f64_lossy())
            .fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = logits.iter().map(|a| (a.to_f64_lossy() - max).exp()).sum();
        for (p, a) in probs.iter_mut().zip(logits) {
            *p = Self::from_f64_lossy((a.to_f64_lossy() - max).exp() / sum);
        }
    }
}

/// The master-weight type of the LNS formats: a 32-bit LNS word with 20
/// fraction bits and a piecewise-linear Δ on a grid of `r = 1/16` up to
/// `d = 24` (384 segments; error below 10^-4 log units): integer-only like
/// the 16-bit tables, but an update as small as `2^-24` of the weight still
/// moves it.
pub type WideMaster = WideLogNum<20, Interp<4, 24>>;

/// `scale_pow2` of an LNS word type (`LogNum`, `WideLogNum`): the log code
/// moved by [`lns_scaled_code`] within the type's nonzero codes.
macro_rules! lns_scale_pow2 {
    ($x:expr, $e:expr, $max_abs:expr, $random:expr) => {
        match $x.log2_code() {
            None => $x,
            Some(code) => {
                let range = (
                    1 - Self::BIAS as i64,
                    Self::MAG_MASK as i64 - Self::BIAS as i64,
                );
                let c = lns_scaled_code(code, FRAC, $e, $max_abs, $random, range);
                Self::from_log2_code($x.is_sign_negative(), c)
            }
        }
    };
}

/// The new log code of [`NnScalar::scale_pow2`] for an LNS value with log
/// code `code` and `frac` fraction bits, whose nonzero codes run from `lo`
/// to `hi`: `code + k` for `k` the rounded `e·2^frac`, capped at the largest
/// code whose value is at most `max_abs`, kept in `lo..=hi`.
fn lns_scaled_code(
    code: i64,
    frac: u32,
    e: f64,
    max_abs: f64,
    random: Option<u32>,
    (lo, hi): (i64, i64),
) -> i64 {
    let one = (1u64 << frac) as f64;
    // Beyond ±2^40 codes every word saturates anyway; the bound keeps the
    // conversion to an integer exact. A NaN `e` adds nothing.
    let x = if e.is_nan() {
        0.0
    } else {
        (e * one).clamp(-1e12, 1e12)
    };
    let k = match random {
        None => x.round(),
        Some(r) => (x + f64::from(r) / 4_294_967_296.0).floor(),
    } as i64;
    let top = if max_abs > 0.0 {
        (max_abs.log2() * one).floor().clamp(-1e12, 1e12) as i64
    } else if max_abs.is_nan() {
        hi
    } else {
        lo
    };
    (code + k).min(top).clamp(lo, hi)
}

/// The LNS softmax of the paper:
///
/// ```text
/// log2 p_j = b_j − log2(⊞_k 2^(b_k)),   b_j = (a_j − max_k a_k) · log2(e)
/// ```
///
/// **Where it leaves the log domain.** `b_j` is the *value* `a_j` (times the
/// constant `log2 e`) used as a *log code*: an antilog-to-fixed-point
/// conversion, which hardware does with a small shifter/table and we do
/// through f64 (`a_j.to_f64()`, scaled and rounded to the nearest code). This
/// is the only place a value leaves the log domain during training. The
/// max-subtraction is then an integer subtraction of codes (so every term is
/// at most 1 and nothing overflows), the sum `⊞_k` runs left to right in
/// `LogNum<FRAC, SoftmaxLut>` (640-entry table), and the division by the sum
/// is an integer subtraction of its code. Probabilities below the format's
/// smallest value flush to zero.
fn lns_softmax<const FRAC: u32, A: LogAdd>(
    logits: &[LogNum<FRAC, A>],
    probs: &mut [LogNum<FRAC, A>],
) {
    let scale = std::f64::consts::LOG2_E * (1u64 << FRAC) as f64;
    let max = logits
        .iter()
        .copied()
        .fold(logits[0], |m, x| if x > m { x } else { m })
        .to_f64();
    // Codes of b_j, stashed in `probs` as values 2^(b_j) (every b_j ≤ 0, so
    // no saturation; very small ones flush to zero, as in hardware).
    let mut sum = LogNum::<FRAC, SoftmaxLut>::ZERO;
    for (p, &a) in probs.iter_mut().zip(logits) {
        let code = ((a.to_f64() - max) * scale).round() as i64;
        let term = LogNum::<FRAC, SoftmaxLut>::from_log2_code(false, code);
        sum = sum.add_approx(term);
        *p = term.with_approx::<A>();
    }
    let sum_code = sum.log2_code().unwrap_or(0);
    for p in probs.iter_mut() {
        *p = p.div_exact(LogNum::from_log2_code(false, sum_code));
    }
}

impl<const FRAC: u32, A: LogAdd> NnScalar for LogNum<FRAC, A> {
    type Wide = WideMaster;
    words!(WordType::U16, u16, Self::to_bits, |b| (b
        & !Self::WORD_MASK
        == 0)
        .then(|| Self::from_bits(b)));
    #[inline]
    fn widen(self) -> Self::Wide {
        LogNum::widen::<20>(self).with_approx()
    }
    #[inline]
    fn narrow(wide: Self::Wide) -> Self {
        wide.narrow::<FRAC>().with_approx()
    }
    /// Rounds the log code up with probability equal to its discarded
    /// fraction (of a code of `LogNum<FRAC>`).
    #[inline]
    fn narrow_stochastic(wide: Self::Wide, random: u32) -> Self {
        match wide.log2_code() {
            None => Self::ZERO,
            Some(code) => {
                let shift = 20 - FRAC;
                let r = i64::from(random >> (32 - shift));
                Self::from_log2_code(wide.is_sign_negative(), (code + r) >> shift)
            }
        }
    }
    /// The log-domain softmax; see the module source docs of `lns_softmax`:
    /// `a_j·log2(e)` becomes a log code (the one exit from the log domain),
    /// the sum of exponentials uses [`SoftmaxLut`].
    fn softmax(logits: &[Self], probs: &mut [Self]) {
        lns_softmax(logits, probs);
    }
    /// An integer add to the log code (see the trait method).
    #[inline]
    fn scale_pow2(self, e: f64, max_abs: f64, random: Option<u32>) -> Self {
        lns_scale_pow2!(self, e, max_abs, random)
    }
    #[inline]
    fn wide_sqrt(x: Self::Wide) -> Self::Wide {
        x.sqrt()
    }
    fn is_saturated(self) -> bool {
        self == Self::MAX || self == Self::MIN
    }
    /// The name in [`crate::format`]'s table when this type is one of its
    /// formats (`"lns16-trunc"`), else [`Scalar::name`] (`"lns9-lut"`).
    fn format_name() -> String {
        crate::format::Format::of::<Self>().map_or_else(Self::name, |f| f.name().to_string())
    }
    /// The vector kernel [`lognum_tensor::master::sgd_step`].
    fn sgd_master_step(
        eta: Self::Wide,
        grads: &[Self],
        master: &mut [Self::Wide],
        weights: &mut [Self],
    ) {
        lognum_tensor::master::sgd_step(eta, grads, master, weights);
    }
    /// [`Accumulate::Pairwise`] for the approximations that declare
    /// [`LogAdd::PAIRWISE_SUMS`] ([`BitShift`](lognum::BitShift)), else
    /// [`Accumulate::Sequential`] (see the trait method).
    fn preferred_accumulate() -> Accumulate {
        if A::PAIRWISE_SUMS {
            Accumulate::Pairwise
        } else {
            Accumulate::Sequential
        }
    }
}

impl<const FRAC: u32, A: LogAdd> NnScalar for WideLogNum<FRAC, A> {
    type Wide = Self;
    words!(WordType::U32, u32, Self::to_bits, |b| (b
        & !Self::WORD_MASK
        == 0)
        .then(|| Self::from_bits(b)));
    #[inline]
    fn widen(self) -> Self {
        self
    }
    #[inline]
    fn narrow(wide: Self) -> Self {
        wide
    }
    #[inline]
    fn wide_sqrt(x: Self) -> Self {
        x.sqrt()
    }
    /// An integer add to the log code, as for [`LogNum`].
    #[inline]
    fn scale_pow2(self, e: f64, max_abs: f64, random: Option<u32>) -> Self {
        lns_scale_pow2!(self, e, max_abs, random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Lns12Lut, Lns16Exact, Lns16Lut, Lns16Shift};
    use crate::rng::Rng;
    use num_traits::Zero;

    /// The LNS softmax against f64 over random logits: every probability
    /// within 1.5 % relative + 1e-4 absolute (one rounding of the antilog
    /// conversion, ≤ ln2·2^-11 relative, plus the 640-entry table's error in
    /// the sum of at most 10 terms, each ≤ r/4 = 1/256 log units), and never
    /// above one.
    fn softmax_tracks_f64<T: NnScalar>(tol: f64) {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let z: Vec<f64> = (0..10).map(|_| rng.normal() * 4.0).collect();
            let logits: Vec<T> = z.iter().map(|&v| T::from_f64_lossy(v)).collect();
            let mut p = vec![T::zero(); 10];
            T::softmax(&logits, &mut p);
            let zq: Vec<f64> = logits.iter().map(|v| v.to_f64_lossy()).collect();
            let m = zq.iter().cloned().fold(f64::MIN, f64::max);
            let s: f64 = zq.iter().map(|v| (v - m).exp()).sum();
            for (p, v) in p.iter().zip(&zq) {
                let e = (v - m).exp() / s;
                let got = p.to_f64_lossy();
                assert!(got <= 1.0 + 1e-12, "{} p = {got}", T::name());
                assert!(
                    (got - e).abs() <= tol * e + 1e-4,
                    "{}: {got} vs {e}",
                    T::name()
                );
            }
        }
    }

    /// The fixed16 softmax is the f64 softmax of its logits rounded once:
    /// bit for bit, over random logits spanning the whole range (±16).
    #[test]
    fn fixed16_softmax_rounds_once() {
        type F = crate::format::Fixed16;
        let mut rng = Rng::new(4);
        for _ in 0..2000 {
            let logits: Vec<F> = (0..10)
                .map(|_| F::from_f64_lossy(rng.normal() * 6.0))
                .collect();
            let mut p = vec![F::zero(); 10];
            F::softmax(&logits, &mut p);
            let z: Vec<f64> = logits.iter().map(|v| v.to_f64_lossy()).collect();
            let m = z.iter().cloned().fold(f64::MIN, f64::max);
            let s: f64 = z.iter().map(|v| (v - m).exp()).sum();
            for (p, v) in p.iter().zip(&z) {
                assert_eq!(*p, F::from_f64_lossy((v - m).exp() / s), "{z:?}");
            }
        }
    }

    #[test]
    fn lns_softmax_tracks_f64() {
        softmax_tracks_f64::<Lns16Lut>(0.015);
        softmax_tracks_f64::<Lns16Exact>(0.015);
        softmax_tracks_f64::<Lns16Shift>(0.015);
        // Six fraction bits: the conversion alone rounds by up to 2^-7 of a
        // log unit (0.54 % relative), the sum's table error is the same.
        softmax_tracks_f64::<Lns12Lut>(0.03);
        softmax_tracks_f64::<f32>(1e-6);
    }

    /// Stochastic rounding of the log code is unbiased: the mean code of
    /// many roundings of one wide value is within 0.02 codes of its exact
    /// position between the two neighbouring 16-bit codes.
    #[test]
    fn stochastic_narrowing_is_unbiased() {
        let mut rng = Rng::new(5);
        for frac_part in [0.1, 0.25, 0.5, 0.9] {
            let code16 = -3000i64;
            let wide_code = (code16 << 10) + (frac_part * 1024.0) as i64;
            let wide = WideMaster::from_log2_code(true, wide_code);
            let n = 20_000;
            let mean: f64 = (0..n)
                .map(|_| {
                    let x = Lns16Lut::narrow_stochastic(wide, rng.next_u32());
                    assert!(x.is_sign_negative());
                    x.log2_code().unwrap() as f64
                })
                .sum::<f64>()
                / n as f64;
            let expect = wide_code as f64 / 1024.0;
            assert!((mean - expect).abs() < 0.02, "{mean} vs {expect}");
        }
    }

    /// Widening is exact and narrowing takes it back, for every LNS16 word.
    #[test]
    fn widen_then_narrow_is_identity() {
        for bits in 0..=u16::MAX {
            let x = Lns16Lut::from_bits(bits);
            let y = Lns16Lut::narrow(NnScalar::widen(x));
            assert!(y.to_bits() == x.to_bits() || (x.is_zero() && y.is_zero()));
        }
        for v in [-3.5f64, -1e-3, 0.0, 1e-3, 2.0, 15.9] {
            let x = crate::format::Fixed16::from_f64_lossy(v);
            assert_eq!(crate::format::Fixed16::narrow(x.widen()), x);
            assert_eq!(
                half::bf16::narrow(half::bf16::from_f64(v).widen()),
                half::bf16::from_f64(v)
            );
        }
    }
}
