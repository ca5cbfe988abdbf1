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

/// One format's measurements at one batch size.
#[derive(Clone, Debug, Serialize)]
pub struct BenchRow {
    /// The format.
    pub format: String,
    /// Mini-batch size of the training measurement.
    pub batch: usize,
    /// Training samples per second (MLP, fixed number of steps, the
    /// fastest of the repeats).
    pub train_samples_per_second: f64,
    /// Seconds for those steps (the fastest of the repeats).
    pub train_seconds: f64,
    /// `train_seconds / train_seconds(f32)`, f32 at the same batch size.
    pub train_time_vs_f32: Option<f64>,
    /// Multiply-accumulates per second of one square matmul, single thread
    /// (measured once per format: the same in each of its rows).
    pub matmul_macs_per_second: f64,
    /// `time(format) / time(f32)` for the matmul.
    pub matmul_time_vs_f32: Option<f64>,
}

/// The whole run, as printed by `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Data used for the training measurement.
    pub dataset: String,
    /// Mini-batch size of every training measurement if there is one; null
    /// with several (see `batches`).
    pub batch: Option<usize>,
    /// Every mini-batch size measured, in the order given.
    pub batches: Vec<usize>,
    /// Training steps per format and batch size.
    pub steps: usize,
    /// Training measurements per format and batch size (the fastest is
    /// reported).
    pub repeat: usize,
    /// Side of the square matrices.
    pub matmul_size: usize,
    /// Threads used by the matmul measurement.
    pub matmul_threads: usize,
    /// One row per format and batch size: the formats in order, f32 first,
    /// each with every batch size in the order of `batches`.
    pub results: Vec<BenchRow>,
    /// lns16-lut training time over f32's at the same batch size, if both
    /// were measured; with several batch sizes the largest of the ratios.
    pub lns16_lut_train_time_vs_f32: Option<f64>,
    /// The target for that ratio.
    pub target_max_ratio: f64,
    /// Whether the target was met (at every batch size).
    pub target_met: Option<bool>,
}

/// Runs `lognum bench`.
pub fn run(args: BenchArgs) -> Result<(), CliError> {
    let defaults = TrainConfig::default();
    let batches = args.batch.map_or_else(|| vec![defaults.batch], |b| b.0);
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
    let samples = |batch: usize| {
        steps.checked_mul(batch).ok_or_else(|| {
            CliError::usage(format!(
                "--steps {steps} × --batch {batch} training samples overflow a {}-bit count",
                usize::BITS
            ))
        })
    };
    for &batch in &batches {
        samples(batch)?;
    }
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
    let lines = !args.json && !progress::quiet();
    let several = batches.len() > 1;

    let mut rows = Vec::new();
    for &format in &formats {
        let mut trained = Vec::new();
        for &batch in &batches {
            let samples = samples(batch)?;
            let mut cfg = TrainConfig::default();
            set_bench_config(&mut cfg, batch, samples);
            let mut train_seconds = f64::INFINITY;
            for _ in 0..repeat {
                let prefix = if several {
                    format!("bench {format} batch {batch}")
                } else {
                    format!("bench {format}")
                };
                let bar = progress::batch_bar(visible, &prefix);
                // One thread, as for the matmul: the ratios compare kernels,
                // not how well each format's products spread over cores.
                let record =
                    pool.install(|| train_one(format, &data, &cfg, &bar, &mut |_, _| {}))?;
                bar.finish_and_clear();
                train_seconds = train_seconds.min(record.train_seconds);
            }
            let samples_per_second = samples.min(data.train.len()) as f64 / train_seconds;
            if lines && several {
                errln!("{format} at batch {batch}: {samples_per_second:.0} training samples/s");
            }
            trained.push((batch, samples_per_second, train_seconds));
        }
        let macs = pool.install(|| matmul_macs_per_second(format, size, min_secs));
        if lines && several {
            errln!("{format}: matmul {:.1} M MAC/s", macs / 1e6);
        } else if lines {
            errln!(
                "{format}: {:.0} training samples/s, matmul {:.1} M MAC/s",
                trained[0].1,
                macs / 1e6
            );
        }
        for (batch, samples_per_second, train_seconds) in trained {
            rows.push(BenchRow {
                format: format.to_string(),
                batch,
                train_samples_per_second: samples_per_second,
                train_seconds,
                train_time_vs_f32: None,
                matmul_macs_per_second: macs,
                matmul_time_vs_f32: None,
            });
        }
    }
    // The f32 rows come first, one per batch size.
    let base: Vec<(usize, f64, f64)> = rows[..batches.len()]
        .iter()
        .map(|r| (r.batch, r.train_seconds, r.matmul_macs_per_second))
        .collect();
    for r in &mut rows {
        let &(_, base_train, base_macs) = base
            .iter()
            .find(|b| b.0 == r.batch)
            .expect("f32 is measured at every batch size");
        r.train_time_vs_f32 = (base_train > 0.0).then(|| r.train_seconds / base_train);
        r.matmul_time_vs_f32 =
            (r.matmul_macs_per_second > 0.0).then(|| base_macs / r.matmul_macs_per_second);
    }
    let lut: Vec<f64> = rows
        .iter()
        .filter(|r| r.format == "lns16-lut")
        .filter_map(|r| r.train_time_vs_f32)
        .collect();
    let worst = lut.iter().copied().reduce(f64::max);
    let report = BenchReport {
        dataset: data.label.clone(),
        batch: (!several).then_some(batches[0]),
        batches,
        steps,
        repeat,
        matmul_size: size,
        matmul_threads: 1,
        results: rows,
        lns16_lut_train_time_vs_f32: worst,
        target_max_ratio: LNS16_LUT_TARGET,
        target_met: worst.map(|r| r <= LNS16_LUT_TARGET),
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

/// The report as a Markdown table with the target line. With several batch
/// sizes the table has a batch column, one row per format and size, and a
/// format's matmul figures on its first row only (they do not depend on the
/// batch size).
fn table(r: &BenchReport) -> String {
    let several = r.batches.len() > 1;
    let batches = r
        .batches
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Training: MLP, {} steps of batch {batches} on {}, fastest of {}, 1 thread. Matmul: {n}x{n} · {n}x{n}, {} thread, Tensor::matmul.\n",
        r.steps,
        r.dataset,
        r.repeat,
        r.matmul_threads,
        n = r.matmul_size
    );
    let batch_column = |head: &'static str| if several { head } else { "" };
    let _ = writeln!(
        s,
        "| format |{} train samples/s | train time vs f32 | matmul M MAC/s | matmul time vs f32 |",
        batch_column(" batch |")
    );
    let _ = writeln!(s, "|---|{}---:|---:|---:|---:|", batch_column("---:|"));
    let ratio = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.2}x"));
    for (i, row) in r.results.iter().enumerate() {
        let first_of_format = i == 0 || r.results[i - 1].format != row.format;
        let batch = if several {
            format!(" {} |", row.batch)
        } else {
            String::new()
        };
        let matmul = if first_of_format {
            format!(
                "{:.1} | {}",
                row.matmul_macs_per_second / 1e6,
                ratio(row.matmul_time_vs_f32)
            )
        } else {
            " | ".to_string()
        };
        let _ = writeln!(
            s,
            "| {} |{batch} {:.0} | {} | {matmul} |",
            row.format,
            row.train_samples_per_second,
            ratio(row.train_time_vs_f32),
        );
    }
    if let Some(x) = r.lns16_lut_train_time_vs_f32 {
        let measured = if several {
            r.results
                .iter()
                .filter(|row| row.format == "lns16-lut")
                .filter_map(|row| {
                    Some(format!(
                        "{:.2}x at batch {}",
                        row.train_time_vs_f32?, row.batch
                    ))
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{x:.2}x")
        };
        let _ = writeln!(
            s,
            "\nTarget: lns16-lut training time at most {:.1}x f32 at the same batch size: measured {measured} ({}).",
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
