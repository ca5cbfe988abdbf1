//! The `ops` target: every operation on words drawn from the input, for
//! `LogNum<10>`, `LogNum<6>` and `WideLogNum<20>` with every approximation.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use arbitrary::{Arbitrary, Unstructured};

use lognum::{ErrorBound, LogAdd, LogNum, Lut, WideLogNum};

/// Slack for the f64 reference itself (the crate's series and `std` agree to
/// far better than this).
const SLACK: f64 = 1e-9;

/// The worst-case error `A` declares at `F` fraction bits
/// ([`LogAdd::error_bound`]), widened by the reference's slack.
fn bound<A: LogAdd, const F: u32>() -> ErrorBound {
    let b = A::error_bound(F);
    ErrorBound {
        plus: b.plus + SLACK,
        minus: b.minus + SLACK,
        ..b
    }
}

fn hash_of<T: Hash>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// `log2|x ± y|` for magnitudes with logs `big ≥ small` (log units), in f64,
/// without forming the values (which may overflow or be subnormal for the
/// wide format).
fn log2_sum(big: f64, small: f64, same_sign: bool) -> f64 {
    let t = (small - big).exp2();
    let t = if same_sign { t } else { -t };
    big + t.ln_1p() / core::f64::consts::LN_2
}

/// `n / k` rounded to nearest, halves away from zero (the crate's rule for
/// roots and rescaling).
fn div_round_away(n: i64, k: i64) -> i64 {
    if n >= 0 {
        (n + k / 2) / k
    } else {
        (n - k / 2) / k
    }
}

/// The checks, written once for both word types.
macro_rules! format_checks {
    ($checks:ident, $T:ident, $W:ty) => {
        /// Checks on one format.
        pub mod $checks {
            use super::*;

            type N<const F: u32, A> = $T<F, A>;

            /// The log code of `x` in log units.
            fn log_of<const F: u32, A>(x: N<F, A>) -> f64 {
                x.log2_code().expect("nonzero") as f64 / (1u64 << F) as f64
            }

            /// The operations that do not depend on the approximation:
            /// multiply, divide, powers, roots, sign operations, rescaling,
            /// order, hashing and the text round trip.
            pub fn exact_ops<const F: u32>(xw: $W, yw: $W, n: i32, k: i32) {
                type L<const F: u32> = N<F, Lut>;
                let (x, y) = (L::<F>::from_bits(xw), L::<F>::from_bits(yw));
                let (nx, ny) = (x.is_sign_negative(), y.is_sign_negative());
                let (lx, ly) = (x.log2_code(), y.log2_code());
                let max_code = L::<F>::MAG_MASK as i64 - L::<F>::BIAS as i64;
                let min_code = 1 - L::<F>::BIAS as i64;

                // Multiply: the logs add, exactly, with saturation and flush;
                // the sign is the exclusive or.
                let p = x * y;
                assert_eq!(p.is_sign_negative(), nx != ny, "sign of {x:?} * {y:?}");
                match (lx, ly) {
                    (Some(a), Some(b)) => {
                        let want = L::<F>::from_log2_code(nx != ny, a + b);
                        assert_eq!(p.to_bits(), want.to_bits(), "{x:?} * {y:?}");
                        let l = a + b;
                        if (min_code..=max_code).contains(&l) {
                            // And against f64: the product's log is the sum.
                            let (fx, fy, fp) = (x.to_f64(), y.to_f64(), p.to_f64());
                            let q = fx * fy;
                            if q.is_normal() && fp.is_normal() {
                                assert!(
                                    (fp / q - 1.0).abs() < 1e-12,
                                    "{x:?} * {y:?} = {p:?}, f64 {q}"
                                );
                            }
                        }
                    }
                    _ => assert!(p.is_zero(), "{x:?} * {y:?} = {p:?}"),
                }
                assert_eq!((y * x).to_bits(), p.to_bits(), "commutative *");

                // Divide: the logs subtract; x / 0 = ±MAX, 0 / 0 = +0.
                let q = x / y;
                match (lx, ly) {
                    (Some(a), Some(b)) => {
                        let want = L::<F>::from_log2_code(nx != ny, a - b);
                        assert_eq!(q.to_bits(), want.to_bits(), "{x:?} / {y:?}");
                    }
                    (Some(_), None) => {
                        assert_eq!(q.magnitude(), L::<F>::MAG_MASK, "{x:?} / 0");
                        assert_eq!(q.is_sign_negative(), nx != ny, "{x:?} / {y:?}");
                    }
                    (None, Some(_)) => assert!(q.is_zero(), "0 / {y:?}"),
                    (None, None) => assert_eq!(q.to_bits(), 0, "0 / 0"),
                }

                // Remainder: defined through f64; never panics.
                let r = x % y;
                if y.is_zero() {
                    assert_eq!(r.to_bits(), 0, "{x:?} % 0");
                } else {
                    let want = L::<F>::from_f64(x.to_f64() % y.to_f64());
                    assert_eq!(r.to_bits(), want.to_bits(), "{x:?} % {y:?}");
                }

                // Sign operations are bit flips.
                assert_eq!((-x).to_bits(), x.to_bits() ^ L::<F>::SIGN_MASK, "-{x:?}");
                assert_eq!((-(-x)).to_bits(), x.to_bits());
                assert_eq!(x.abs().to_bits(), x.magnitude(), "abs {x:?}");

                // Reciprocal: the log negates (the range is symmetric).
                let rc = x.recip();
                match lx {
                    Some(a) => assert_eq!(rc.log2_code(), Some(-a), "recip {x:?}"),
                    None => assert_eq!(rc.magnitude(), L::<F>::MAG_MASK, "recip {x:?}"),
                }
                assert_eq!(rc.is_sign_negative(), nx);

                // Square root: half the log rounded away; +0 for negatives.
                let s = x.sqrt();
                match lx {
                    Some(a) if !nx => {
                        assert_eq!(s.log2_code(), Some(div_round_away(a, 2)), "sqrt {x:?}");
                        assert!(s.is_sign_positive());
                    }
                    _ => assert_eq!(s.to_bits(), 0, "sqrt {x:?}"),
                }

                // Cube root: a third of the log, rounded; keeps the sign.
                let c = x.cbrt();
                match lx {
                    Some(a) => {
                        assert_eq!(c.log2_code(), Some(div_round_away(a, 3)), "cbrt {x:?}");
                        assert_eq!(c.is_sign_negative(), nx);
                    }
                    None => assert!(c.is_zero()),
                }

                // Integer powers: the log times n, saturating.
                let pw = x.powi(n);
                if n == 0 {
                    assert_eq!(pw, L::<F>::ONE, "{x:?}^0");
                } else {
                    let neg = nx && n % 2 != 0;
                    match lx {
                        Some(a) => {
                            let want = L::<F>::from_log2_code(neg, a.saturating_mul(n as i64));
                            assert_eq!(pw.to_bits(), want.to_bits(), "{x:?}^{n}");
                        }
                        None if n < 0 => assert_eq!(pw.magnitude(), L::<F>::MAG_MASK),
                        None => assert!(pw.is_zero()),
                    }
                }

                // Multiply by 2^k: adds k units to the log.
                let m2 = x.mul_pow2(k);
                match lx {
                    Some(a) => {
                        let want = L::<F>::from_log2_code(nx, a + ((k as i64) << F));
                        assert_eq!(m2.to_bits(), want.to_bits(), "{x:?} * 2^{k}");
                    }
                    None => assert_eq!(m2.to_bits(), x.to_bits()),
                }

                // Order, equality and hashing agree with the values.
                let (fx, fy) = (x.to_f64(), y.to_f64());
                assert_eq!(Some(x.cmp(&y)), fx.partial_cmp(&fy), "cmp {x:?} {y:?}");
                assert_eq!(x == y, fx == fy, "eq {x:?} {y:?}");
                if x == y {
                    assert_eq!(hash_of(&x), hash_of(&y), "hash {x:?} {y:?}");
                }

                // Display reads back to the same word; Debug never panics.
                let text = x.to_string();
                let back: L<F> = text
                    .parse()
                    .unwrap_or_else(|e| panic!("{x:?} -> {text:?}: {e}"));
                assert_eq!(back.to_bits(), x.to_bits(), "{x:?} -> {text:?}");
                let _ = format!("{x:?} {x:.3} {x:>12}");
            }

            /// Sums and differences through `A`, against the f64 sum within
            /// the bound `A` declares, where it applies.
            pub fn add_ops<const F: u32, A: LogAdd>(xw: $W, yw: $W, zw: $W) {
                let bound = bound::<A, F>();
                let (x, y, z) = (
                    N::<F, A>::from_bits(xw),
                    N::<F, A>::from_bits(yw),
                    N::<F, A>::from_bits(zw),
                );
                let s = x + y;
                let name = A::NAME;
                assert_eq!((y + x).to_bits(), s.to_bits(), "{name}: commutative +");
                assert_eq!((x - y).to_bits(), (x + (-y)).to_bits(), "{name}: x - y");
                assert_eq!(
                    x.mul_add(y, z).to_bits(),
                    (x * y + z).to_bits(),
                    "{name}: mul_add"
                );
                let mut acc = x;
                acc += y;
                assert_eq!(acc.to_bits(), s.to_bits(), "{name}: +=");

                let (nx, ny) = (x.is_sign_negative(), y.is_sign_negative());
                let (a, b) = (x.magnitude(), y.magnitude());
                // Zeros are exact: x + 0 = x, and x + (−x) = +0.
                if b == 0 {
                    if a == 0 {
                        assert_eq!(
                            s.to_bits(),
                            if nx && ny {
                                N::<F, A>::NEG_ZERO.to_bits()
                            } else {
                                0
                            }
                        );
                    } else {
                        assert_eq!(s.to_bits(), x.to_bits(), "{name}: {x:?} + 0");
                    }
                    return;
                }
                if a == 0 {
                    assert_eq!(s.to_bits(), y.to_bits(), "{name}: 0 + {y:?}");
                    return;
                }
                let same = nx == ny;
                if a == b && !same {
                    assert_eq!(s.to_bits(), 0, "{name}: {x:?} + {y:?} must cancel");
                    return;
                }

                let (big, small) = if a >= b { (x, y) } else { (y, x) };
                let (lb, ls) = (log_of(big), log_of(small));
                let max_log = log_of(N::<F, A>::MAX);
                let min_log = log_of(N::<F, A>::MIN_POSITIVE);
                // A sum only grows and a difference only shrinks.
                if same {
                    assert!(
                        s.magnitude() >= big.magnitude(),
                        "{name}: {x:?} + {y:?} = {s:?}"
                    );
                } else {
                    assert!(
                        s.magnitude() <= big.magnitude(),
                        "{name}: {x:?} + {y:?} = {s:?}"
                    );
                }
                if !s.is_zero() {
                    assert_eq!(
                        s.is_sign_negative(),
                        big.is_sign_negative(),
                        "{name}: sign of {s:?}"
                    );
                }
                let e = if same {
                    bound.plus
                } else if u64::from(big.magnitude() - small.magnitude())
                    >= u64::from(bound.minus_from)
                {
                    bound.minus
                } else {
                    return; // Δ−'s pole: no bound to check.
                };
                let want = log2_sum(lb, ls, same);
                if s.is_zero() {
                    assert!(!same, "{name}: {x:?} + {y:?} flushed");
                    assert!(
                        want <= min_log + e,
                        "{name}: {x:?} + {y:?} flushed, want 2^{want}"
                    );
                    return;
                }
                let got = log_of(s);
                if s.magnitude() == N::<F, A>::MAG_MASK && want >= max_log - e {
                    return; // saturated
                }
                assert!(
                    (got - want).abs() <= e,
                    "{name} FRAC {F}: {x:?} + {y:?} = {s:?}: log 2^{got}, f64 2^{want}, bound {e}"
                );
            }
        }
    };
}

format_checks!(narrow, LogNum, u16);
format_checks!(wide, WideLogNum, u32);

/// `$m::add_ops::<F, A>(x, y, z)`: the callback of [`every_approx`].
macro_rules! add_ops_with {
    ($A:ty, $m:ident, $F:literal, $x:expr, $y:expr, $z:expr) => {
        $m::add_ops::<$F, $A>($x, $y, $z)
    };
}

/// Runs `add_ops` for every approximation (`lognum::for_each_log_add!`) at
/// one format and width.
macro_rules! every_approx {
    ($m:ident, $F:literal, $x:expr, $y:expr, $z:expr) => {{
        lognum::for_each_log_add!(add_ops_with, $m, $F, $x, $y, $z);
    }};
}

/// One round's inputs, drawn as raw words through `lognum`'s `Arbitrary`, so
/// that every word (both zeros, the extremes, every negative) is reachable.
struct Round {
    x: LogNum<10>,
    y: LogNum<10>,
    z: LogNum<10>,
    wx: WideLogNum<20>,
    wy: WideLogNum<20>,
    wz: WideLogNum<20>,
    n: i32,
    k: i32,
}

impl Round {
    /// The next round, or `None` when the input is used up.
    fn draw(u: &mut Unstructured<'_>) -> Option<Self> {
        if u.len() < 6 {
            return None;
        }
        let mut next = || -> arbitrary::Result<Round> {
            Ok(Round {
                x: LogNum::arbitrary(u)?,
                y: LogNum::arbitrary(u)?,
                z: LogNum::arbitrary(u)?,
                wx: WideLogNum::arbitrary(u)?,
                wy: WideLogNum::arbitrary(u)?,
                wz: WideLogNum::arbitrary(u)?,
                n: i8::arbitrary(u)? as i32 / 8,
                k: i8::arbitrary(u)? as i32 / 3,
            })
        };
        next().ok()
    }
}

/// Every operation, for `LogNum<10>` and `LogNum<6>` (the same words, masked)
/// and `WideLogNum<20>`, with every approximation: no panics, products and
/// other exact operations bit-exact, sums within each approximation's bound.
/// Up to four rounds per input.
pub fn ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    for _ in 0..4 {
        let Some(r) = Round::draw(&mut u) else {
            return;
        };
        let (n, k) = (r.n, r.k);
        let (x, y, z) = (r.x.to_bits(), r.y.to_bits(), r.z.to_bits());
        narrow::exact_ops::<10>(x, y, n, k);
        narrow::exact_ops::<6>(x, y, n, k);
        every_approx!(narrow, 10, x, y, z);
        every_approx!(narrow, 6, x, y, z);

        let (wx, wy, wz) = (r.wx.to_bits(), r.wy.to_bits(), r.wz.to_bits());
        wide::exact_ops::<20>(wx, wy, n, k);
        every_approx!(wide, 20, wx, wy, wz);
        // A second operand near the first, where Δ matters most (a random
        // pair of wide words is almost always far apart).
        let near = (wx & 0x7fff_0000) | (wy & 0x8000_ffff);
        every_approx!(wide, 20, wx, near, wz);

        // Rescaling: up is exact, down rounds to nearest.
        let (l10, l6) = (r.x, LogNum::<6>::from_bits(x));
        assert_eq!(
            l6.to_frac::<10>().to_frac::<6>().to_bits(),
            l6.to_bits(),
            "to_frac {l6:?}"
        );
        let down = l10.to_frac::<6>();
        if let (Some(a), Some(b)) = (l10.log2_code(), down.log2_code())
            && b.abs() < LogNum::<6>::BIAS as i64 - 1
        {
            assert!((16 * b - a).abs() <= 8, "{l10:?}.to_frac::<6>() = {down:?}");
        }
        // Between the word types: widening is exact, narrowing rounds.
        assert_eq!(
            l10.widen::<20>().narrow::<10>().to_bits(),
            x,
            "widen {l10:?}"
        );
        assert_eq!(
            l6.widen::<20>().narrow::<6>().to_bits(),
            l6.to_bits(),
            "widen {l6:?}"
        );
        let w = r.wx;
        let nw = w.narrow::<10>();
        if let (Some(a), Some(b)) = (w.log2_code(), nw.log2_code())
            && b.abs() < LogNum::<10>::BIAS as i64 - 1
        {
            assert!((b * 1024 - a).abs() <= 512, "{w:?}.narrow::<10>() = {nw:?}");
        }
        // Down to 10 fraction bits and back: within half a coarse code, but
        // for the ends (10 fraction bits reach further than 20).
        let back = w.to_frac::<10>().to_frac::<20>();
        if let (Some(a), Some(b)) = (w.log2_code(), back.log2_code())
            && back.magnitude() != WideLogNum::<20>::MAG_MASK
        {
            assert!(
                (a - b).abs() <= 512,
                "{w:?} to 10 fraction bits and back: {back:?}"
            );
        }
    }
}
