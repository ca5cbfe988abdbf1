//! A small, seeded, portable pseudo-random number generator.
//!
//! [`Rng`] is xoshiro256\*\* (Blackman and Vigna, 2018) with its 256-bit state
//! filled from a 64-bit seed by SplitMix64, exactly as the authors recommend.
//! It is fast, passes the usual statistical batteries, and, most importantly
//! here, is fully specified: the same seed gives the same stream on every
//! platform, compiler and build profile, so a training run can be reproduced
//! from its seed alone.
//!
//! Everything the training code needs is built on [`Rng::next_u64`]:
//!
//! | method                 | result                                            |
//! |------------------------|---------------------------------------------------|
//! | [`Rng::next_u64`]      | 64 uniformly random bits                          |
//! | [`Rng::next_u32`]      | the high 32 bits of one `next_u64`                |
//! | [`Rng::next_f64`]      | uniform in `[0, 1)`, 53 random bits               |
//! | [`Rng::next_f32`]      | uniform in `[0, 1)`, 24 random bits               |
//! | [`Rng::uniform`]       | uniform in `[lo, hi)`                             |
//! | [`Rng::normal`]        | standard normal (Box–Muller)                      |
//! | [`Rng::below`]         | uniform integer in `0..n`, unbiased (Lemire)      |
//! | [`Rng::shuffle`]       | uniform permutation in place (Fisher–Yates)       |
//! | [`Rng::permutation`]   | a shuffled `0..n`                                 |
//!
//! Independent streams for one experiment seed come from
//! [`Rng::with_stream`]: weight initialisation, the per-epoch shuffles of
//! [`crate::data::Batches`] (stream = epoch), dropout masks and so on each get
//! their own stream, so changing how many numbers one consumer draws does not
//! shift the numbers another one sees.
//!
//! Not provided, on purpose: cryptographic strength (do not use this for
//! secrets), seeding from the OS (every run here must be reproducible), and the
//! `rand` traits (no extra dependency).
//!
//! ```
//! use lognum_nn::rng::Rng;
//!
//! let mut a = Rng::new(42);
//! let mut b = Rng::new(42);
//! assert_eq!(a.next_u64(), b.next_u64()); // same seed, same stream
//! let w: Vec<f64> = (0..4).map(|_| 0.1 * a.normal()).collect();
//! assert!(w.iter().all(|x| x.is_finite()));
//! ```

/// One step of SplitMix64: advances `state` and returns the next output.
///
/// Used to expand a 64-bit seed into xoshiro's 256-bit state; it never yields
/// an all-zero state for four consecutive outputs.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded xoshiro256\*\* generator; see the [module docs](self).
///
/// Cloning an `Rng` forks it: both copies then produce the same stream.
///
/// ```
/// use lognum_nn::rng::Rng;
///
/// let mut rng = Rng::new(7);
/// let mut fork = rng.clone();
/// assert_eq!(rng.next_u64(), fork.next_u64());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded with `seed`; the state is expanded by SplitMix64.
    ///
    /// Every seed, zero included, gives a valid, distinct stream.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// assert_eq!(Rng::new(1), Rng::new(1));
    /// assert_ne!(Rng::new(1), Rng::new(2));
    /// ```
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// Generator number `stream` of the family for experiment seed `seed`.
    ///
    /// Streams are seeded with `seed` xor a SplitMix64 hash of `stream`. The
    /// hash is a bijection, so distinct streams are distinct generators, and
    /// each differs from `new(seed)` except for the one stream number the hash
    /// maps to zero (a large, arbitrary-looking number, never a small one).
    /// [`crate::data::Batches`] uses the epoch as its stream number.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut a = Rng::with_stream(42, 0);
    /// let mut b = Rng::with_stream(42, 1);
    /// assert_ne!(a.next_u64(), b.next_u64());
    /// assert_eq!(Rng::with_stream(42, 3), Rng::with_stream(42, 3));
    /// ```
    pub fn with_stream(seed: u64, stream: u64) -> Self {
        // The offset keeps stream 0 away from `Rng::new(seed)`; splitmix64 is
        // a bijection of its state, so distinct streams get distinct seeds.
        let mut st = stream ^ 0x5851_F42D_4C95_7F2D;
        Rng::new(seed ^ splitmix64(&mut st))
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(0);
    /// let (x, y) = (rng.next_u64(), rng.next_u64());
    /// assert_ne!(x, y);
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// The next 32 random bits: the high half of one [`next_u64`](Self::next_u64)
    /// (the high bits are the best ones).
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut a = Rng::new(5);
    /// let mut b = a.clone();
    /// assert_eq!(a.next_u32(), (b.next_u64() >> 32) as u32);
    /// ```
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `[0, 1)`: the top 53 bits of [`next_u64`](Self::next_u64)
    /// times 2^-53, so every multiple of 2^-53 below 1 is equally likely and
    /// 1.0 never comes up.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(3);
    /// assert!((0..1000).map(|_| rng.next_f64()).all(|x| (0.0..1.0).contains(&x)));
    /// ```
    pub fn next_f64(&mut self) -> f64 {
        const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
        (self.next_u64() >> 11) as f64 * SCALE
    }

    /// Uniform in `[0, 1)` with 24 random bits, for `f32` consumers.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(3);
    /// assert!((0..1000).map(|_| rng.next_f32()).all(|x| (0.0..1.0).contains(&x)));
    /// ```
    pub fn next_f32(&mut self) -> f32 {
        const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
        (self.next_u64() >> 40) as f32 * SCALE
    }

    /// Uniform in `[lo, hi)`, computed as `lo + (hi - lo) * next_f64()`.
    ///
    /// For Glorot/Xavier-uniform initialisation use `uniform(-a, a)` with
    /// `a = sqrt(6 / (fan_in + fan_out))`. With `lo == hi` the result is `lo`;
    /// rounding can make the result equal `hi` when the interval is tiny
    /// relative to its endpoints.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(9);
    /// let x = rng.uniform(-0.5, 0.5);
    /// assert!((-0.5..0.5).contains(&x));
    /// ```
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// A standard normal sample (mean 0, variance 1) by the Box–Muller
    /// transform; each call consumes exactly two `u64`s, so streams stay
    /// aligned whatever else the caller draws.
    ///
    /// The result is always finite: the radius uses `1 - next_f64()`, which is
    /// in `(0, 1]`, so its logarithm is finite and `|z| <= sqrt(2 * 53 ln 2)
    /// ≈ 8.57`. For other means and deviations use `mean + std * rng.normal()`.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(11);
    /// let n = 10_000;
    /// let mean = (0..n).map(|_| rng.normal()).sum::<f64>() / n as f64;
    /// assert!(mean.abs() < 0.05);
    /// ```
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (core::f64::consts::TAU * u2).cos()
    }

    /// A uniform integer in `0..n`, without modulo bias (Lemire's
    /// multiply-and-reject method; rejection is rarer than 1 in 2^32 for
    /// `n < 2^32`).
    ///
    /// # Panics
    ///
    /// If `n == 0`, since `0..0` is empty.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut rng = Rng::new(1);
    /// let die = rng.below(6) + 1;
    /// assert!((1..=6).contains(&die));
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0): the range 0..0 is empty");
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            // Reject the low products that would make some results more
            // likely: there are 2^64 mod n of them.
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }

    /// Shuffles `items` in place, every permutation equally likely
    /// (Fisher–Yates, drawing with [`below`](Self::below)).
    ///
    /// Slices of length 0 or 1 are left alone and consume no randomness.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let mut v: Vec<u32> = (0..10).collect();
    /// Rng::new(2).shuffle(&mut v);
    /// let mut sorted = v.clone();
    /// sorted.sort();
    /// assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // `i + 1 <= len <= isize::MAX`, so these conversions are lossless.
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// A uniformly random permutation of `0..n`.
    ///
    /// ```
    /// use lognum_nn::rng::Rng;
    ///
    /// let p = Rng::new(4).permutation(5);
    /// let mut seen = p.clone();
    /// seen.sort();
    /// assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    /// ```
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 from state 0: the first outputs of the reference C code
    /// (`splitmix64.c` by Vigna).
    #[test]
    fn splitmix64_reference_values() {
        let mut st = 0u64;
        assert_eq!(splitmix64(&mut st), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut st), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(splitmix64(&mut st), 0x06C4_5D18_8009_454F);
    }

    /// xoshiro256** from the raw state [1, 2, 3, 4]: the reference outputs
    /// (as pinned by the `rand_xoshiro` crate's tests of the C code).
    #[test]
    fn xoshiro256starstar_reference_values() {
        let mut rng = Rng { s: [1, 2, 3, 4] };
        let expected: [u64; 10] = [
            11520,
            0,
            1509978240,
            1215971899390074240,
            1216172134540287360,
            607988272756665600,
            16172922978634559625,
            8476171486693032832,
            10595114339597558777,
            2904607092377533576,
        ];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }

    #[test]
    fn new_and_streams_differ() {
        let mut seen = std::collections::HashSet::new();
        assert!(seen.insert(Rng::new(42)));
        for s in 0..100 {
            assert!(seen.insert(Rng::with_stream(42, s)), "stream {s} repeats");
        }
    }

    /// `below` must be exactly uniform: with n = 3 over many draws, each
    /// residue count is within 5 standard deviations of n_draws / 3.
    #[test]
    fn below_is_uniform_and_in_range() {
        let mut rng = Rng::new(123);
        let draws = 300_000u64;
        let mut counts = [0u64; 3];
        for _ in 0..draws {
            let k = rng.below(3);
            counts[k as usize] += 1;
        }
        let expect = draws as f64 / 3.0;
        let sd = (draws as f64 * (1.0 / 3.0) * (2.0 / 3.0)).sqrt();
        for c in counts {
            assert!((c as f64 - expect).abs() < 5.0 * sd, "{counts:?}");
        }
        for n in [1u64, 2, 7, u64::MAX, 1 << 63, (1 << 63) + 1] {
            for _ in 0..100 {
                assert!(rng.below(n) < n);
            }
        }
    }

    #[test]
    #[should_panic(expected = "below(0)")]
    fn below_zero_panics() {
        Rng::new(0).below(0);
    }

    #[test]
    fn normal_moments() {
        let mut rng = Rng::new(2024);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) ≈ 0.0022 for the mean, sqrt(2/n) ≈ 0.0032
        // for the variance; allow 5 of each.
        assert!(mean.abs() < 0.012, "mean {mean}");
        assert!((var - 1.0).abs() < 0.016, "var {var}");
        assert!(xs.iter().all(|x| x.abs() < 8.6));
    }

    #[test]
    fn shuffle_is_a_permutation_and_deterministic() {
        let mut a: Vec<usize> = (0..1000).collect();
        let mut b = a.clone();
        Rng::new(5).shuffle(&mut a);
        Rng::new(5).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..1000).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..1000).collect::<Vec<_>>());
    }

    /// Every one of the 6 orders of 3 items comes up about equally often.
    #[test]
    fn shuffle_is_uniform_on_three() {
        let mut rng = Rng::new(77);
        let mut counts = std::collections::HashMap::new();
        let trials = 60_000;
        for _ in 0..trials {
            let mut v = [0u8, 1, 2];
            rng.shuffle(&mut v);
            *counts.entry(v).or_insert(0u32) += 1;
        }
        assert_eq!(counts.len(), 6);
        let expect = f64::from(trials) / 6.0;
        let sd = (f64::from(trials) * (1.0 / 6.0) * (5.0 / 6.0)).sqrt();
        for (perm, c) in counts {
            assert!((f64::from(c) - expect).abs() < 5.0 * sd, "{perm:?}: {c}");
        }
    }

    #[test]
    fn empty_and_single_shuffles_consume_nothing() {
        let mut rng = Rng::new(8);
        let before = rng.clone();
        rng.shuffle::<u8>(&mut []);
        rng.shuffle(&mut [1u8]);
        assert_eq!(rng, before);
    }
}
