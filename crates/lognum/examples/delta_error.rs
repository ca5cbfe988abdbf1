//! The accuracy side of the speed comparison: for each log-add
//! approximation, the mean and maximum absolute error of Δ+ and Δ− (in log
//! units, i.e. log2 of the factor by which a sum is off) over every code `d`
//! a `LogNum<10>` sum can produce, against `log2(1 ± 2^-d)` from `std`.
//!
//! Δ− is reported twice: over every `d ≥ 1` code, where the pole at `d = 0`
//! dominates, and from each approximation's first table step on (`d ≥ r/2`),
//! where its documented bound applies.
//!
//! Run with `cargo run -p lognum --release --example delta_error`.

use lognum::{BitShift, Exact, FloorShift, Interp, LogAdd, LogNum, Lut, SoftmaxLut, TruncLut};

const FRAC: u32 = 10;
const SCALE: f64 = (1u32 << FRAC) as f64;

/// Mean and maximum of the absolute errors, and where the maximum is (log units).
#[derive(Default)]
struct Stats {
    sum: f64,
    n: u32,
    max: f64,
    at: f64,
}

impl Stats {
    fn add(&mut self, err: f64, d: f64) {
        self.sum += err;
        self.n += 1;
        if err > self.max {
            self.max = err;
            self.at = d;
        }
    }

    fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }
}

/// The region where most sums fall and the approximations differ: below 10
/// log units (the paper's table range).
const NEAR: f64 = 10.0;

/// Errors of `A` over `0 ..= MAG_MASK`: Δ+ over all `d` and over `d < NEAR`;
/// Δ− over all `d ≥ 1` code, and from `minus_from` (log units) on.
struct Errors {
    plus: Stats,
    plus_near: Stats,
    minus_all: Stats,
    minus: Stats,
}

fn measure<A: LogAdd>(minus_from: f64) -> Errors {
    let mut e = Errors {
        plus: Stats::default(),
        plus_near: Stats::default(),
        minus_all: Stats::default(),
        minus: Stats::default(),
    };
    for code in 0..=LogNum::<FRAC>::MAG_MASK as u32 {
        let d = code as f64 / SCALE;
        let exact_plus = (1.0 + (-d).exp2()).log2();
        let got_plus = A::delta_plus::<FRAC>(code) as f64 / SCALE;
        let err = (got_plus - exact_plus).abs();
        e.plus.add(err, d);
        if d < NEAR {
            e.plus_near.add(err, d);
        }
        if code == 0 {
            continue;
        }
        // −Δ−(d) = −log2(1 − 2^-d), positive.
        let exact_minus = -(-(-d * std::f64::consts::LN_2).exp_m1()).log2();
        let got_minus = A::delta_minus::<FRAC>(code) as f64 / SCALE;
        let err = (got_minus - exact_minus).abs();
        e.minus_all.add(err, d);
        if d >= minus_from {
            e.minus.add(err, d);
        }
    }
    e
}

/// One approximation: a row of the Δ+ table and a row of the Δ− table.
struct Row {
    name: &'static str,
    memory: &'static str,
    minus_from: f64,
    minus_from_text: &'static str,
    errors: Errors,
}

fn row<A: LogAdd>(
    name: &'static str,
    memory: &'static str,
    minus_from: f64,
    minus_from_text: &'static str,
) -> Row {
    Row {
        name,
        memory,
        minus_from,
        minus_from_text,
        errors: measure::<A>(minus_from),
    }
}

fn main() {
    let rows = [
        row::<Exact>(
            "Exact",
            "2 × 12,288 (FRAC ≤ 10)",
            1.0 / SCALE,
            "2^-10 (all)",
        ),
        row::<Lut>("Lut (r = 1/2)", "2 × 20", 0.25, "1/4"),
        row::<TruncLut>("TruncLut (r = 1/2)", "2 × 20", 0.25, "1/4"),
        row::<SoftmaxLut>("SoftmaxLut (r = 1/64)", "2 × 640", 1.0 / 128.0, "1/128"),
        row::<Interp>("Interp (r = 1/2)", "2 × 21", 0.25, "1/4"),
        row::<BitShift>("BitShift", "none", 0.5, "1/2"),
        row::<FloorShift>("FloorShift", "none", 0.5, "1/2"),
    ];
    let codes = LogNum::<FRAC>::MAG_MASK + 1;
    println!("Absolute error of Δ± in log units, FRAC = {FRAC}, every code d = 0 .. {codes} − 1");
    println!("(Δ−: d ≥ 1 code), against std's log2(1 ± 2^-d).");
    println!();
    println!(
        "| approximation | table entries | Δ+ mean, all d | Δ+ mean, d < {NEAR} | Δ+ max (at d) |"
    );
    println!("|---|---|---:|---:|---:|");
    for r in &rows {
        let e = &r.errors;
        println!(
            "| {} | {} | {:.6} | {:.5} | {:.5} ({:.3}) |",
            r.name,
            r.memory,
            e.plus.mean(),
            e.plus_near.mean(),
            e.plus.max,
            e.plus.at
        );
    }
    println!();
    println!(
        "| approximation | Δ− mean, all d | Δ− max, all d (at d) | bounded from d | Δ− mean there | Δ− max there (at d) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        let e = &r.errors;
        assert!(r.minus_from > 0.0);
        println!(
            "| {} | {:.5} | {:.5} ({:.4}) | {} | {:.5} | {:.5} ({:.3}) |",
            r.name,
            e.minus_all.mean(),
            e.minus_all.max,
            e.minus_all.at,
            r.minus_from_text,
            e.minus.mean(),
            e.minus.max,
            e.minus.at
        );
    }
}
