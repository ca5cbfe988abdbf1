//! `lognum bench`: training throughput and matmul throughput per format,
//! with ratios to f32 measured in the same run.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::BenchArgs;
use crate::dataset::DataSource;
use crate::error::CliError;
use crate::measure::matmul_macs_per_second;
use crate::nn::{TrainConfig, TrainFormat};
use crate::output::{errln, outln};
use crate::progress;
use crate::run::train_one;

/// The target: lns16-lut training time at most this multiple of
/// f32's at the same batch size.
pub const LNS16_LUT_TARGET: f64 = 3.0;

/// The largest `--matmul-size`: 4096 (three 4096 × 4096 matrices of f64
/// take 400 MB, and one product 6.9·10^10 multiply-adds).
pub const MAX_MATMUL_SIZE: usize = 4096;

/// One format's measurements.
#[derive(Clone, Debug, Serialize)]
pub struct BenchRow {
    /// The format.
    pub format: String,
    /// Training samples per second (MLP, fixed number of steps, the
    /// fastest of the repeats).
    pub train_samples_per_second: f64,
    /// Seconds for those steps (the fastest of the repeats).
    pub train_seconds: f64,
    /// `train_seconds / train_seconds(f32)`.
    pub train_time_vs_f32: Option<f64>,
    /// Multiply-accumulates per second of one square matmul, single thread.
    pub matmul_macs_per_second: f64,
    /// `time(format) / time(f32)` for the matmul.
    pub matmul_time_vs_f32: Option<f64>,
}

/// The whole run, as printed by `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Data used for the training measurement.
    pub dataset: String,
    /// Mini-batch size of every training measurement.
    pub batch: usize,
    /// Training steps per format.
    pub steps: usize,
    /// Training measurements per format (the fastest is reported).
    pub repeat: usize,
    /// Side of the square matrices.
    pub matmul_size: usize,
    /// Threads used by the matmul measurement.
    pub matmul_threads: usize,
    /// One row per format, f32 first.
    pub results: Vec<BenchRow>,
    /// lns16-lut training time over f32's, if both were measured.
    pub lns16_lut_train_time_vs_f32: Option<f64>,
    /// The target for that ratio.
    pub target_max_ratio: f64,
    /// Whether the target was met.
    pub target_met: Option<bool>,
}

/// Runs `lognum bench`.
pub fn run(args: BenchArgs) -> Result<(), CliError> {
    let defaults = TrainConfig::default();
    let batch = args.batch.unwrap_or(defaults.batch);
    let steps = args.steps.unwrap_or(if args.quick { 100 } else { 400 });
    let repeat = args.repeat.unwrap_or(if args.quick { 1 } else { 3 });
    let size = args
        .matmul_size
        .unwrap_or(if args.quick { 128 } else { 256 });
    if size > MAX_MATMUL_SIZE {
        return Err(CliError::usage(format!(
            "--matmul-size {size} is larger than the limit of {MAX_MATMUL_SIZE}"
        )));
    }
    // Training stops at the end of the data; the product only has to exist.
    let samples = steps.checked_mul(batch).ok_or_else(|| {
        CliError::usage(format!(
            "--steps {steps} × --batch {batch} training samples overflow a {}-bit count",
            usize::BITS
        ))
    })?;
    let min_secs = if args.quick { 0.2 } else { 0.5 };
    let mut formats = vec![TrainFormat::ALL[0]];
    let asked = if args.formats.is_empty() {
        TrainFormat::ALL.to_vec()
    } else {
        args.formats.clone()
    };
    for f in asked {
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    let source = DataSource::from_args(args.data.data.clone(), args.data.dataset);
    let data = source.load()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| CliError::caused_by("cannot start a one-thread pool", e))?;
    let visible = !args.json && progress::interactive();

    let mut rows = Vec::new();
    for &format in &formats {
        let mut cfg = TrainConfig::default();
        set_bench_config(&mut cfg, batch, samples);
        let mut train_seconds = f64::INFINITY;
        for _ in 0..repeat {
            let bar = progress::batch_bar(visible, &format!("bench {format}"));
            // One thread, as for the matmul: the ratios compare kernels, not
            // how well each format's products spread over cores.
            let record = pool.install(|| train_one(format, &data, &cfg, &bar, &mut |_, _| {}))?;
            bar.finish_and_clear();
            train_seconds = train_seconds.min(record.train_seconds);
        }
        let samples_per_second = samples.min(data.train.len()) as f64 / train_seconds;
        let macs = pool.install(|| matmul_macs_per_second(format, size, min_secs));
        if !args.json && !progress::quiet() {
            errln!(
                "{format}: {:.0} training samples/s, matmul {:.1} M MAC/s",
                samples_per_second,
                macs / 1e6
            );
        }
        rows.push(BenchRow {
            format: format.to_string(),
            train_samples_per_second: samples_per_second,
            train_seconds,
            train_time_vs_f32: None,
            matmul_macs_per_second: macs,
            matmul_time_vs_f32: None,
        });
    }
    let base_train = rows[0].train_seconds;
    let base_macs = rows[0].matmul_macs_per_second;
    for r in &mut rows {
        r.train_time_vs_f32 = (base_train > 0.0).then(|| r.train_seconds / base_train);
        r.matmul_time_vs_f32 =
            (r.matmul_macs_per_second > 0.0).then(|| base_macs / r.matmul_macs_per_second);
    }
    let lut = rows
        .iter()
        .find(|r| r.format == "lns16-lut")
        .and_then(|r| r.train_time_vs_f32);
    let report = BenchReport {
        dataset: data.label.clone(),
        batch,
        steps,
        repeat,
        matmul_size: size,
        matmul_threads: 1,
        results: rows,
        lns16_lut_train_time_vs_f32: lut,
        target_max_ratio: LNS16_LUT_TARGET,
        target_met: lut.map(|r| r <= LNS16_LUT_TARGET),
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string(&report).expect("a BenchReport always serialises")
        );
    } else {
        outln!("{}", table(&report).trim_end());
    }
    Ok(())
}

/// One epoch of batches of `batch` over `samples` images, tested on one
/// image.
fn set_bench_config(cfg: &mut TrainConfig, batch: usize, samples: usize) {
    cfg.epochs = 1;
    cfg.batch = batch;
    cfg.limit_train = Some(samples);
    cfg.limit_test = Some(1);
}

/// The report as a Markdown table with the target line.
fn table(r: &BenchReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Training: MLP, {} steps of batch {} on {}, fastest of {}, 1 thread. Matmul: {n}x{n} · {n}x{n}, {} thread, Tensor::matmul.\n",
        r.steps,
        r.batch,
        r.dataset,
        r.repeat,
        r.matmul_threads,
        n = r.matmul_size
    );
    let _ = writeln!(
        s,
        "| format | train samples/s | train time vs f32 | matmul M MAC/s | matmul time vs f32 |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    let ratio = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.2}x"));
    for row in &r.results {
        let _ = writeln!(
            s,
            "| {} | {:.0} | {} | {:.1} | {} |",
            row.format,
            row.train_samples_per_second,
            ratio(row.train_time_vs_f32),
            row.matmul_macs_per_second / 1e6,
            ratio(row.matmul_time_vs_f32)
        );
    }
    if let Some(x) = r.lns16_lut_train_time_vs_f32 {
        let _ = writeln!(
            s,
            "\nTarget: lns16-lut training time at most {:.1}x f32 at the same batch size: measured {x:.2}x ({}).",
            r.target_max_ratio,
            if x <= r.target_max_ratio {
                "met"
            } else {
                "NOT met"
            }
        );
    }
    s
}
