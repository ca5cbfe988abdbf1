//! Test support for the `lognum` workspace, written once for every crate's
//! tests, benches, examples and the fuzz corpus replay (as ndarray keeps its
//! `numeric-tests` crate). Not published; the publishable crates take it as a
//! dev-dependency only.
//!
//! - [`SplitMix64`]: the one seeded generator, so that every run sees the
//!   same data and no test needs a `rand` dependency.
//! - [`scaled_error`]: the error measure the numeric tests bound.
//! - `tensor` (the module of the Cargo feature `tensor`, off by default):
//!   what the tests know about each tensor element type: its tolerance
//!   against an f64 reference (`tensor::Tolerance`), its dot-product bound
//!   and summation order (`tensor::TestDtype`), and seeded tensors.
//!
//! # Cargo features
//!
//! - `tensor`: the `tensor` module; brings in `lognum`, `lognum-tensor`,
//!   `half` and `fixed`. Without it the crate has no dependencies, so that
//!   `lognum`'s own unit tests can use the generator.
//!
//! ```
//! use lognum_testkit::SplitMix64;
//! let mut rng = SplitMix64::new(42);
//! let x = rng.uniform();
//! assert!((0.0..1.0).contains(&x));
//! assert_eq!(SplitMix64::new(42).uniform(), x);
//! ```

#![warn(missing_docs)]

#[cfg(feature = "tensor")]
pub mod tensor;

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed, seedable
/// generator; the state advances by the golden-ratio increment and each
/// output is the state through Stafford's "Mix13" finaliser.
///
/// Every method draws from the one stream of [`next_u64`](Self::next_u64);
/// the methods differ in how they turn a draw into a value, and each keeps
/// the formula its tests were written with (so [`uniform`](Self::uniform)
/// and [`uniform_open`](Self::uniform_open) give slightly different values
/// from the same state, as do [`normal`](Self::normal) and
/// [`normal_open`](Self::normal_open)).
///
/// ```
/// use lognum_testkit::SplitMix64;
/// // The first outputs from state 0 of the reference C code (`splitmix64.c`).
/// let mut rng = SplitMix64::new(0);
/// assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
/// assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
/// assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
/// ```
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose state is `seed`.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(1);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The high 32 bits of the next draw.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let (mut a, mut b) = (SplitMix64::new(3), SplitMix64::new(3));
    /// assert_eq!(a.next_u32(), (b.next_u64() >> 32) as u32);
    /// ```
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `[0, 1)`: the top 53 bits of a draw, times 2^-53.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(5);
    /// assert!((0..1000).all(|_| (0.0..1.0).contains(&rng.uniform())));
    /// ```
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in the open interval `(0, 1)`: the top 53 bits of a draw plus
    /// one half, times 2^-53 (never 0, so its logarithm is finite).
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(5);
    /// assert!((0..1000).all(|_| {
    ///     let u = rng.uniform_open();
    ///     0.0 < u && u < 1.0
    /// }));
    /// ```
    pub fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller on two [`uniform`](Self::uniform) draws,
    /// the first kept at least 1e-300).
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(9);
    /// let mean = (0..10_000).map(|_| rng.normal()).sum::<f64>() / 10_000.0;
    /// assert!(mean.abs() < 0.05);
    /// ```
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Standard normal (Box–Muller on two
    /// [`uniform_open`](Self::uniform_open) draws).
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(9);
    /// let var = (0..10_000).map(|_| rng.normal_open().powi(2)).sum::<f64>() / 10_000.0;
    /// assert!((var - 1.0).abs() < 0.05);
    /// ```
    pub fn normal_open(&mut self) -> f64 {
        let (u, v) = (self.uniform_open(), self.uniform_open());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Laplace with unit scale (inverse CDF of one
    /// [`uniform_open`](Self::uniform_open) draw).
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(4);
    /// // E|x| = 1 for the unit Laplace distribution.
    /// let m = (0..10_000).map(|_| rng.laplace().abs()).sum::<f64>() / 10_000.0;
    /// assert!((m - 1.0).abs() < 0.05);
    /// ```
    pub fn laplace(&mut self) -> f64 {
        let u = self.uniform_open() - 0.5;
        -u.signum() * (1.0 - 2.0 * u.abs()).ln()
    }

    /// A draw reduced modulo `n` (`n > 0`; slightly biased unless `n` is a
    /// power of two, which the tests do not mind).
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut rng = SplitMix64::new(2);
    /// assert!((0..100).all(|_| rng.below(6) < 6));
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// `len` [`normal`](Self::normal) draws, each times `scale`.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let v = SplitMix64::new(8).normals(3, 0.5);
    /// let mut rng = SplitMix64::new(8);
    /// assert_eq!(v, [rng.normal() * 0.5, rng.normal() * 0.5, rng.normal() * 0.5]);
    /// ```
    pub fn normals(&mut self, len: usize, scale: f64) -> Vec<f64> {
        (0..len).map(|_| self.normal() * scale).collect()
    }

    /// Fills `bytes` with draws, eight bytes of each in little-endian order;
    /// a shorter last chunk takes the low bytes of its draw.
    ///
    /// ```
    /// use lognum_testkit::SplitMix64;
    /// let mut bytes = [0u8; 11];
    /// SplitMix64::new(6).fill_bytes(&mut bytes);
    /// let mut rng = SplitMix64::new(6);
    /// assert_eq!(bytes[..8], rng.next_u64().to_le_bytes());
    /// assert_eq!(bytes[8..], rng.next_u64().to_le_bytes()[..3]);
    /// ```
    pub fn fill_bytes(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes()[..chunk.len()]);
        }
    }
}

/// `max |got − want| / scale` over the elements, each scale taken as at
/// least 1e-300: the largest error relative to the magnitude that rounding
/// errors are proportional to (for a dot product, `Σ|aᵢbᵢ|`).
///
/// ```
/// let e = lognum_testkit::scaled_error(&[1.0, 2.5], &[1.0, 2.0], &[1.0, 10.0]);
/// assert_eq!(e, 0.05);
/// ```
pub fn scaled_error(got: &[f64], want: &[f64], scale: &[f64]) -> f64 {
    got.iter()
        .zip(want)
        .zip(scale)
        .map(|((g, w), s)| (g - w).abs() / s.max(1e-300))
        .fold(0.0, f64::max)
}
