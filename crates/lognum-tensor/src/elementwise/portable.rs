//! The portable path: the scalar operators, which define the bits. They are
//! branch-free, so the compiler vectorises the product everywhere and the
//! sum where the target has gathers.

use lognum::{LogAdd, LogNum};

/// `out[i] = a[i] + b[i]`, or `a[i] − b[i]` if `NEG_B`.
pub(super) fn add<const FRAC: u32, A: LogAdd, const NEG_B: bool>(
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = if NEG_B { x - y } else { x + y };
    }
}

/// `out[i] = a[i] · b[i]`.
pub(super) fn mul<const FRAC: u32, A>(
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
}
