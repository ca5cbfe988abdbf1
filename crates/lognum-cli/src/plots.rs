//! SVG plots: test accuracy per epoch, and the error of each Δ approximation
//! against the exact function.
//!
//! Plots are drawn with plotters' SVG backend; text is written as SVG
//! `<text>` elements, so no font files are needed.

use std::path::Path;

use lognum::{BitShift, FloorShift, Interp, LogAdd, Lut, TruncLut};
use plotters::prelude::*;

use crate::error::CliError;
use crate::record::RunRecord;

/// Fraction bits of the Δ error plot: the paper's 16-bit word.
pub const DELTA_FRAC: u32 = 10;
/// The Δ error curves go up to this `d` (log units).
const DELTA_D_MAX: f64 = 12.0;
/// Every `DELTA_STEP`-th code is plotted (the curves are step functions with
/// steps of 512 or 1024 codes, so nothing visible is lost).
const DELTA_STEP: u32 = 4;
/// Δ− is plotted from here: below the first table step its error runs to the
/// pole at `d = 0` for every approximation.
pub const DELTA_MINUS_FROM: f64 = 0.25;

/// Line colours, distinct on white (ColorBrewer Set1 and friends); the
/// default palette's yellow is hard to see.
const COLOURS: [RGBColor; 12] = [
    RGBColor(228, 26, 28),
    RGBColor(55, 126, 184),
    RGBColor(77, 175, 74),
    RGBColor(152, 78, 163),
    RGBColor(255, 127, 0),
    RGBColor(166, 86, 40),
    RGBColor(247, 129, 191),
    RGBColor(0, 0, 0),
    RGBColor(23, 190, 207),
    RGBColor(153, 153, 153),
    RGBColor(188, 189, 34),
    RGBColor(31, 60, 120),
];

/// The colour of series `i`.
fn colour(i: usize) -> RGBAColor {
    COLOURS[i % COLOURS.len()].to_rgba()
}

/// The signed error of one approximation, sampled over `d`.
#[derive(Clone, Debug)]
pub struct DeltaCurve {
    /// The approximation's name, e.g. `lut`.
    pub name: &'static str,
    /// `(d, approx Δ+(d) − Δ+(d))` for `0 ≤ d ≤ 12`.
    pub plus: Vec<(f64, f64)>,
    /// `(d, approx Δ−(d) − Δ−(d))` for `1/4 ≤ d ≤ 12`.
    pub minus: Vec<(f64, f64)>,
}

impl DeltaCurve {
    /// The largest `|error|` of Δ+ over every code `d` (not just the plotted
    /// samples).
    pub fn max_abs_plus(&self) -> f64 {
        self.plus.iter().map(|p| p.1.abs()).fold(0.0, f64::max)
    }

    /// The largest `|error|` of Δ− for `d ≥ from`.
    pub fn max_abs_minus_from(&self, from: f64) -> f64 {
        self.minus
            .iter()
            .filter(|p| p.0 >= from)
            .map(|p| p.1.abs())
            .fold(0.0, f64::max)
    }
}

/// The exact `Δ+(d) = log2(1 + 2^-d)`.
pub fn exact_plus(d: f64) -> f64 {
    (-d).exp2().ln_1p() / std::f64::consts::LN_2
}

/// The exact `Δ−(d) = log2(1 − 2^-d)`, `−∞` at zero.
pub fn exact_minus(d: f64) -> f64 {
    (-(-d).exp2()).ln_1p() / std::f64::consts::LN_2
}

/// The error curve of `A` at [`DELTA_FRAC`] fraction bits, at every code.
fn curve<A: LogAdd>(name: &'static str) -> DeltaCurve {
    let scale = f64::from(1u32 << DELTA_FRAC);
    let last = (DELTA_D_MAX * scale) as u32;
    let first_minus = (DELTA_MINUS_FROM * scale) as u32;
    let mut plus = Vec::new();
    let mut minus = Vec::new();
    for code in 0..=last {
        let d = f64::from(code) / scale;
        plus.push((
            d,
            f64::from(A::delta_plus::<DELTA_FRAC>(code)) / scale - exact_plus(d),
        ));
        if code >= first_minus {
            let approx = -f64::from(A::delta_minus::<DELTA_FRAC>(code)) / scale;
            minus.push((d, approx - exact_minus(d)));
        }
    }
    DeltaCurve { name, plus, minus }
}

/// The approximations of the paper and its follow-up, at
/// [`DELTA_FRAC`] fraction bits: `Lut` (rounded index), `TruncLut`
/// (truncated index), `Interp`, `BitShift` and `FloorShift`.
pub fn delta_curves() -> Vec<DeltaCurve> {
    vec![
        curve::<Lut>("lut (r = 1/2, rounded index)"),
        curve::<TruncLut>("lut-trunc (r = 1/2, truncated index)"),
        curve::<Interp>("interp (r = 1/2, linear)"),
        curve::<BitShift>("shift (2^-d by Mitchell's chord)"),
        curve::<FloorShift>("shift-floor (2^-floor(d))"),
    ]
}

fn plot_err<E: std::error::Error + Send + Sync + 'static>(path: &Path) -> impl Fn(E) -> CliError {
    let path = path.display().to_string();
    move |e| CliError::caused_by(format!("cannot draw {path}"), e)
}

/// Picks one of a curve's two point lists.
type Points = fn(&DeltaCurve) -> &[(f64, f64)];

/// Writes the Δ+ and Δ− error curves, one above the other, to `path`.
pub fn delta_error_svg(path: &Path, curves: &[DeltaCurve]) -> Result<(), CliError> {
    let err = plot_err(path);
    let root = SVGBackend::new(path, (900, 900)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let panels = root.split_evenly((2, 1));
    let sets: [(&str, Points, f64); 2] = [
        (
            "Δ+ error: approximation − log2(1 + 2^-d), 16-bit LNS (10 fraction bits)",
            |c| &c.plus,
            0.0,
        ),
        (
            "Δ− error: approximation − log2(1 − 2^-d), d ≥ 1/4",
            |c| &c.minus,
            DELTA_MINUS_FROM,
        ),
    ];
    for (panel, (title, points, x_from)) in panels.iter().zip(sets) {
        let (lo, hi) = curves
            .iter()
            .flat_map(|c| points(c).iter().map(|p| p.1))
            .fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let pad = 0.05 * (hi - lo).max(1e-3);
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(x_from..DELTA_D_MAX, (lo - pad)..(hi + pad))
            .map_err(&err)?;
        chart
            .configure_mesh()
            .x_desc("d = |X − Y| (log units)")
            .y_desc("error (log units)")
            .draw()
            .map_err(&err)?;
        for (i, c) in curves.iter().enumerate() {
            let color = colour(i);
            let sampled = points(c).iter().step_by(DELTA_STEP as usize).copied();
            chart
                .draw_series(LineSeries::new(sampled, color.stroke_width(2)))
                .map_err(&err)?
                .label(c.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(&err)?;
    }
    root.present().map_err(&err)?;
    Ok(())
}

/// Writes test accuracy per epoch, one line per format, for the runs of one
/// dataset.
pub fn accuracy_svg(path: &Path, dataset: &str, runs: &[&RunRecord]) -> Result<(), CliError> {
    let err = plot_err(path);
    let root = SVGBackend::new(path, (960, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    // The legend gets its own column so that it never hides a line.
    let (plot_area, legend_area) = root.split_horizontally(800);
    let max_epochs = runs
        .iter()
        .map(|r| r.epoch_test_accuracy.len())
        .max()
        .unwrap_or(1);
    let (lo, hi) = runs
        .iter()
        .flat_map(|r| r.epoch_test_accuracy.iter().copied())
        .filter(|a| a.is_finite())
        .fold((1.0f64, 0.0f64), |(lo, hi), a| (lo.min(a), hi.max(a)));
    let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
    let lo = ((lo * 100.0 - 2.0).floor() / 100.0).clamp(0.0, 0.98);
    let hi = ((hi * 100.0 + 2.0).ceil() / 100.0).clamp(lo + 0.02, 1.0);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(
            format!("Test accuracy per epoch: {dataset}"),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.8f64..(max_epochs.max(2) as f64 + 0.2), lo..hi)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("test accuracy")
        .x_labels(max_epochs.clamp(2, 20))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(&err)?;
    for (i, r) in runs.iter().enumerate() {
        let color = colour(i);
        let points: Vec<(f64, f64)> = r
            .epoch_test_accuracy
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_finite())
            .map(|(e, &a)| ((e + 1) as f64, a))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(&err)?;
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )
            .map_err(&err)?;
        let y = 50 + 22 * i as i32;
        legend_area
            .draw(&PathElement::new(
                vec![(8, y), (32, y)],
                color.stroke_width(3),
            ))
            .map_err(&err)?;
        legend_area
            .draw(&Text::new(
                r.format.clone(),
                (40, y - 7),
                ("sans-serif", 14),
            ))
            .map_err(&err)?;
    }
    root.present().map_err(&err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_functions() {
        assert!((exact_plus(0.0) - 1.0).abs() < 1e-15);
        assert!((exact_minus(1.0) + 1.0).abs() < 1e-15);
        assert_eq!(exact_minus(0.0), f64::NEG_INFINITY);
    }

    /// The measured worst errors agree with the bounds in `lognum::logadd`.
    #[test]
    fn curves_respect_documented_bounds() {
        let curves = delta_curves();
        let half_code = 0.5 / 1024.0;
        assert!(curves[0].max_abs_plus() <= 0.125 + half_code);
        assert!(curves[0].max_abs_minus_from(0.5) <= 0.880 + half_code);
        assert!(curves[3].max_abs_plus() <= 0.0861 + 3.0 * half_code);
        assert!(curves[3].max_abs_minus_from(0.5) <= 0.6466 + 4.0 * half_code);
        assert!(curves[4].max_abs_plus() <= 0.4151);
        assert!(curves[4].max_abs_minus_from(0.5) <= 0.5 + 1e-9);
        assert!(curves[2].max_abs_plus() <= 0.0065);
    }
}
