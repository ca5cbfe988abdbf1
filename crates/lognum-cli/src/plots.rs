//! SVG plots: test accuracy per epoch, and the error of each Δ approximation
//! against the exact function.
//!
//! Plots are drawn with plotters' SVG backend; text is written as SVG
//! `<text>` elements, so no font files are needed.

use std::path::Path;

use lognum::{BitShift, FloorShift, Interp, LogAdd, Lut, TruncLut};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::error::CliError;
use crate::record::RunRecord;

/// Fraction bits of the Δ error plot: the paper's 16-bit word.
pub const DELTA_FRAC: u32 = 10;
/// The Δ error curves go up to this `d` (log units).
pub const DELTA_D_MAX: f64 = 12.0;
/// Every `DELTA_STEP`-th code is plotted (the curves are step functions with
/// steps of 512 or 1024 codes, so nothing visible is lost).
const DELTA_STEP: u32 = 4;
/// Δ− is measured and plotted from here, `r/2` for the paper's table
/// (`r = 1/2`), where `lognum`'s documented bounds start: below it the
/// error of every approximation runs to the pole at `d = 0`.
pub const DELTA_MINUS_FROM: f64 = 0.25;

/// The ranges of `d` the Δ error curves cover, as the plot titles and
/// `results.md` state them.
pub fn delta_ranges() -> String {
    format!("0 ≤ d ≤ {DELTA_D_MAX} for Δ+ and {DELTA_MINUS_FROM} ≤ d ≤ {DELTA_D_MAX} for Δ−")
}

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

/// The stroke of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// The mark drawn on a line's points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Marker {
    Circle,
    Square,
    Triangle,
    TriangleDown,
    Diamond,
}

const DASHES: [Dash; 3] = [Dash::Solid, Dash::Dashed, Dash::Dotted];
const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::TriangleDown,
    Marker::Diamond,
];

/// How one series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SeriesStyle {
    /// Index into [`COLOURS`].
    colour: usize,
    dash: Dash,
    marker: Marker,
}

/// The style of series `i`: the colour cycles through 12, the marker through
/// 5 and the dash through 3, the dash shifted by one at every round of the
/// colours. So the first 60 series all differ, and two series of the same
/// colour (the first 36 series) differ in both dash and marker.
fn series_style(i: usize) -> SeriesStyle {
    SeriesStyle {
        colour: i % COLOURS.len(),
        dash: DASHES[(i + i / COLOURS.len()) % DASHES.len()],
        marker: MARKERS[i % MARKERS.len()],
    }
}

impl SeriesStyle {
    fn colour(self) -> RGBAColor {
        COLOURS[self.colour].to_rgba()
    }

    /// Dash and gap lengths in pixels, `None` for a solid line.
    fn dash_pattern(self) -> Option<(i32, i32)> {
        match self.dash {
            Dash::Solid => None,
            Dash::Dashed => Some((9, 5)),
            Dash::Dotted => Some((2, 4)),
        }
    }

    /// The outline of the series' marker, in pixels around its point.
    fn marker_outline(self) -> Vec<(i32, i32)> {
        match self.marker {
            Marker::Circle => (0..12)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::PI / 6.0;
                    (
                        (4.5 * a.cos()).round() as i32,
                        (4.5 * a.sin()).round() as i32,
                    )
                })
                .collect(),
            Marker::Square => vec![(-4, -4), (4, -4), (4, 4), (-4, 4)],
            Marker::Triangle => vec![(0, -5), (5, 4), (-5, 4)],
            Marker::TriangleDown => vec![(0, 5), (5, -4), (-5, -4)],
            Marker::Diamond => vec![(0, -6), (5, 0), (0, 6), (-5, 0)],
        }
    }
}

/// Draws `points` as one line in `style`, and its marker on `marks` of them.
fn draw_series<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: &[(f64, f64)],
    marks: impl Iterator<Item = (f64, f64)>,
    style: SeriesStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let stroke = style.colour().stroke_width(2);
    match style.dash_pattern() {
        None => {
            chart.draw_series(LineSeries::new(points.iter().copied(), stroke))?;
        }
        Some((dash, gap)) => {
            chart.draw_series(DashedLineSeries::new(
                points.iter().copied(),
                dash,
                gap,
                stroke,
            ))?;
        }
    }
    let fill = style.colour().filled();
    chart.draw_series(
        marks.map(|p| EmptyElement::at(p) + Polygon::new(style.marker_outline(), fill)),
    )?;
    Ok(())
}

/// Draws a legend, one row per `(label, style)`, in its own area beside the
/// plot, so that it never hides a line.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[(String, SeriesStyle)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for (k, (label, style)) in entries.iter().enumerate() {
        let y = top + 24 * k as i32;
        let stroke = style.colour().stroke_width(2);
        let line = vec![(8, y), (48, y)];
        match style.dash_pattern() {
            None => area.draw(&PathElement::new(line, stroke))?,
            Some((dash, gap)) => area.draw(&DashedPathElement::new(line, dash, gap, stroke))?,
        }
        let fill = style.colour().filled();
        area.draw(&(EmptyElement::at((28, y)) + Polygon::new(style.marker_outline(), fill)))?;
        area.draw(&Text::new(label.clone(), (56, y - 7), ("sans-serif", 14)))?;
    }
    Ok(())
}

/// The signed error of one approximation, sampled over `d`.
#[derive(Clone, Debug)]
pub struct DeltaCurve {
    /// The approximation's name, e.g. `lut`.
    pub name: &'static str,
    /// `(d, approx Δ+(d) − Δ+(d))` for `0 ≤ d ≤` [`DELTA_D_MAX`].
    pub plus: Vec<(f64, f64)>,
    /// `(d, approx Δ−(d) − Δ−(d))` for [`DELTA_MINUS_FROM`] `≤ d ≤`
    /// [`DELTA_D_MAX`].
    pub minus: Vec<(f64, f64)>,
}

impl DeltaCurve {
    /// The largest `|error|` of Δ+ over every code `d` (not just the plotted
    /// samples).
    pub fn max_abs_plus(&self) -> f64 {
        self.plus.iter().map(|p| p.1.abs()).fold(0.0, f64::max)
    }

    /// The largest `|error|` of Δ− over every code of its range, the range
    /// the plot shows.
    pub fn max_abs_minus(&self) -> f64 {
        self.max_abs_minus_from(DELTA_MINUS_FROM)
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

/// Writes the Δ+ and Δ− error curves, one above the other, to `path`, with
/// the legend in a column to their right.
pub fn delta_error_svg(path: &Path, curves: &[DeltaCurve]) -> Result<(), CliError> {
    let err = plot_err(path);
    let root = SVGBackend::new(path, (1200, 900)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let (plot_area, legend_area) = root.split_horizontally(880);
    let panels = plot_area.split_evenly((2, 1));
    let sets: [(String, Points, f64); 2] = [
        (
            format!(
                "Δ+ error: approximation − log2(1 + 2^-d), 0 ≤ d ≤ {DELTA_D_MAX}, \
                 16-bit LNS ({DELTA_FRAC} fraction bits)"
            ),
            |c| &c.plus,
            0.0,
        ),
        (
            format!(
                "Δ− error: approximation − log2(1 − 2^-d), {DELTA_MINUS_FROM} ≤ d ≤ {DELTA_D_MAX}"
            ),
            |c| &c.minus,
            DELTA_MINUS_FROM,
        ),
    ];
    // One marker per log unit, shifted per curve so that they do not overlap.
    let per_unit = ((1u32 << DELTA_FRAC) / DELTA_STEP) as usize;
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
            let sampled: Vec<(f64, f64)> = points(c)
                .iter()
                .step_by(DELTA_STEP as usize)
                .copied()
                .collect();
            let offset = per_unit * i / curves.len().max(1) + per_unit / 8;
            let marks = sampled.iter().skip(offset).step_by(per_unit).copied();
            draw_series(&mut chart, &sampled, marks, series_style(i)).map_err(&err)?;
        }
    }
    let entries: Vec<(String, SeriesStyle)> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.to_string(), series_style(i)))
        .collect();
    draw_legend(&legend_area, 60, &entries).map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}

/// Writes test accuracy per epoch, one line per format, for the runs of one
/// dataset. Each format keeps its style (colour, dash, marker) on every
/// plot: the style follows its place in `Format::ALL`.
pub fn accuracy_svg(path: &Path, dataset: &str, runs: &[&RunRecord]) -> Result<(), CliError> {
    let err = plot_err(path);
    let root = SVGBackend::new(path, (960, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    // The legend gets its own column so that it never hides a line.
    let (plot_area, legend_area) = root.split_horizontally(780);
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
    let mut entries = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let style = series_style(format_index(&r.format).unwrap_or(i));
        let points: Vec<(f64, f64)> = r
            .epoch_test_accuracy
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_finite())
            .map(|(e, &a)| ((e + 1) as f64, a))
            .collect();
        draw_series(&mut chart, &points, points.iter().copied(), style).map_err(&err)?;
        entries.push((r.format.clone(), style));
    }
    draw_legend(&legend_area, 50, &entries).map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}

/// The place of the format named `name` in `Format::ALL`.
fn format_index(name: &str) -> Option<usize> {
    let format = name.parse::<crate::nn::Format>().ok()?;
    crate::nn::Format::ALL.iter().position(|&f| f == format)
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
        // Over the whole plotted range, d ≥ r/2 = 1/4: lognum's bound.
        assert!(curves[0].max_abs_minus() <= 0.8805 + half_code);
        assert!(curves[0].max_abs_minus() > curves[0].max_abs_minus_from(0.5));
        assert!(curves[3].max_abs_plus() <= 0.0861 + 3.0 * half_code);
        assert!(curves[3].max_abs_minus_from(0.5) <= 0.6466 + 4.0 * half_code);
        assert!(curves[4].max_abs_plus() <= 0.4151);
        assert!(curves[4].max_abs_minus_from(0.5) <= 0.5 + 1e-9);
        assert!(curves[2].max_abs_plus() <= 0.0065);
    }

    /// Every format gets a style of its own, and two formats of the same
    /// colour differ in dash and marker too (f32 and lns12-shift shared
    /// red and nothing else once).
    #[test]
    fn every_series_is_distinguishable() {
        let n = crate::nn::Format::ALL.len();
        let styles: Vec<SeriesStyle> = (0..n).map(series_style).collect();
        for (i, a) in styles.iter().enumerate() {
            for (j, b) in styles.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "series {i} and {j}");
                if a.colour == b.colour {
                    assert!(a.dash != b.dash && a.marker != b.marker, "{i} {j}");
                }
            }
        }
        let f32_style = series_style(format_index("f32").unwrap());
        let shift_style = series_style(format_index("lns12-shift").unwrap());
        assert_ne!(f32_style.dash, shift_style.dash);
    }

    /// The x positions of the `<text>` elements that hold exactly `label`.
    fn text_x(svg: &str, label: &str) -> Vec<f64> {
        // plotters writes the text on a line of its own.
        let escaped = label.replace('&', "&amp;").replace('\'', "&apos;");
        let end = format!(">\n{escaped}\n</text>");
        let mut xs = Vec::new();
        let mut rest = svg;
        while let Some(k) = rest.find(&end) {
            let start = rest[..k].rfind("<text").expect("a text element");
            let tag = &rest[start..k];
            let x = tag.split("x=\"").nth(1).expect("an x attribute");
            xs.push(x[..x.find('"').unwrap()].parse().unwrap());
            rest = &rest[k + end.len()..];
        }
        xs
    }

    fn temp_svg(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("lognum-plots-{}-{name}.svg", std::process::id()))
    }

    /// The legend of every plot sits right of the data area: each label is
    /// written once, beyond the plot's width.
    #[test]
    fn legends_are_outside_the_data() {
        let curves = delta_curves();
        let path = temp_svg("delta");
        delta_error_svg(&path, &curves).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        for c in &curves {
            let xs = text_x(&svg, c.name);
            assert_eq!(xs.len(), 1, "{}", c.name);
            assert!(xs[0] > 880.0, "{}: {xs:?}", c.name);
        }
        // The plot and results.md state the same ranges of d.
        assert!(svg.contains(&format!("{DELTA_MINUS_FROM} ≤ d ≤ {DELTA_D_MAX}")));
        assert!(delta_ranges().contains(&format!("{DELTA_MINUS_FROM} ≤ d ≤ {DELTA_D_MAX}")));
        assert_eq!(curves[0].minus[0].0, DELTA_MINUS_FROM);
        assert_eq!(curves[0].minus.last().unwrap().0, DELTA_D_MAX);

        let runs: Vec<RunRecord> = crate::nn::Format::ALL
            .iter()
            .map(|f| RunRecord {
                format: f.to_string(),
                epoch_test_accuracy: vec![0.5, 0.6, 0.7],
                ..RunRecord::sample()
            })
            .collect();
        let refs: Vec<&RunRecord> = runs.iter().collect();
        let path = temp_svg("accuracy");
        accuracy_svg(&path, "test", &refs).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        for r in &runs {
            let xs = text_x(&svg, &r.format);
            assert_eq!(xs.len(), 1, "{}", r.format);
            assert!(xs[0] > 780.0, "{}: {xs:?}", r.format);
        }
    }
}
