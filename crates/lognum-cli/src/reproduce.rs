//! `lognum reproduce`: the paper's table (formats × datasets), written as
//! Markdown beside the paper's numbers, as CSV, and as SVG plots.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{MultiProgress, ProgressDrawTarget};

use crate::cli::ReproduceArgs;
use crate::dataset::{DataSource, DatasetName, LoadedData};
use crate::error::CliError;
use crate::nn::{Format, TrainConfig};
use crate::output::{errln, outln};
use crate::plots::{self, DeltaCurve};
use crate::progress;
use crate::record::{self, RunRecord};
use crate::train_cmd::train_one;

/// `--quick`: epochs per run.
pub const QUICK_EPOCHS: usize = 3;
/// `--quick`: training images per dataset.
pub const QUICK_LIMIT_TRAIN: usize = 4000;
/// `--quick`: test images per dataset.
pub const QUICK_LIMIT_TEST: usize = 2000;

/// The paper's test accuracies (%, 20 epochs, 50 000 training images) for
/// the formats that have a counterpart there: `(format, column name, MNIST,
/// Fashion-MNIST)`.
const PAPER: [(&str, &str, f64, f64); 6] = [
    ("f32", "float", 97.4, 87.1),
    ("fixed16", "lin 16b", 96.9, 88.0),
    ("lns16-lut", "log LUT 16b", 97.2, 87.1),
    ("lns16-shift", "log shift 16b", 96.5, 85.7),
    ("lns12-lut", "log LUT 12b", 96.0, 80.5),
    ("lns12-shift", "log shift 12b", 95.5, 79.3),
];

/// The paper's row for `format`: its name there and the accuracy on
/// `dataset`, if it reported one.
fn paper_value(format: &str, dataset: DatasetName) -> Option<(&'static str, f64)> {
    PAPER.iter().find(|p| p.0 == format).map(|p| {
        let v = match dataset {
            DatasetName::MnistSubset => p.2,
            DatasetName::FashionMnist => p.3,
        };
        (p.1, v)
    })
}

/// Runs `lognum reproduce`.
pub fn run(args: ReproduceArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let formats: Vec<Format> = if args.formats.is_empty() {
        Format::ALL.to_vec()
    } else {
        dedup(&args.formats)
    };
    let mut notes = Vec::new();
    let datasets = choose_datasets(&args.datasets, &mut notes)?;
    let cfg = config(&args, TrainConfig::default())?;

    fs::create_dir_all(&args.out).map_err(|e| {
        CliError::caused_by(
            format!("cannot create output directory {}", args.out.display()),
            e,
        )
    })?;
    // Before any job runs: a read-only or full directory is found now.
    lognum_nn::atomic::check_writable(&args.out.join("results.md")).map_err(|e| {
        CliError::caused_by(
            format!("cannot write to output directory {}", args.out.display()),
            e,
        )
    })?;

    let total = datasets.len() * formats.len();
    errln!(
        "reproduce: {} format(s) × {} dataset(s), {} epoch(s), batch {}, lr {}{}; writing to {}",
        formats.len(),
        datasets.len(),
        cfg.epochs,
        cfg.batch,
        cfg.lr,
        if args.quick { " (quick)" } else { "" },
        args.out.display()
    );
    let loaded = datasets
        .iter()
        .map(|&d| Ok((d, DataSource::Named(d).load()?)))
        .collect::<Result<Vec<(DatasetName, LoadedData)>, CliError>>()?;
    let workers = args.jobs.unwrap_or_else(default_jobs).min(total.max(1));
    let records = run_all(&loaded, &formats, &cfg, workers)?;
    drop(loaded);

    let curves = plots::delta_curves();
    let report = Report {
        datasets: &datasets,
        formats: &formats,
        records: &records,
        curves: &curves,
        cfg: &cfg,
        quick: args.quick,
        jobs: workers,
        notes: &notes,
    };
    // The table first, so that it is seen whatever happens to the files.
    outln!("{}", markdown(&report));
    write_outputs(&args.out, &report)?;
    errln!(
        "reproduce: done in {:.1} s; results in {}",
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// One run per core by default (training a network is single-threaded).
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Trains every format on every dataset, `workers` runs at a time, and
/// returns the records in dataset-major order. Stops at the first failure.
fn run_all(
    loaded: &[(DatasetName, LoadedData)],
    formats: &[Format],
    cfg: &TrainConfig,
    workers: usize,
) -> Result<Vec<(DatasetName, RunRecord)>, CliError> {
    let jobs: Vec<(usize, Format)> = (0..loaded.len())
        .flat_map(|d| formats.iter().map(move |&f| (d, f)))
        .collect();
    let total = jobs.len();
    let visible = progress::interactive();
    let multi = if visible {
        MultiProgress::new()
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    // Longest first, so that a slow format does not run alone at the end:
    // the cost of a format is estimated from a small matmul in it.
    let mut order: Vec<usize> = (0..total).collect();
    if workers > 1 {
        let costs: Vec<f64> = formats
            .iter()
            .map(|&f| 1.0 / crate::bench_cmd::matmul_macs_per_second(f, 32, 0.005))
            .collect();
        let cost = |i: usize| costs[formats.iter().position(|&f| f == jobs[i].1).unwrap_or(0)];
        order.sort_by(|&a, &b| cost(b).total_cmp(&cost(a)));
    }
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let slots: Mutex<Vec<Option<Result<RunRecord, CliError>>>> =
        Mutex::new((0..total).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                // With several runs at a time each gets one thread, so that
                // runs do not compete for cores and their times compare.
                let pool = (workers > 1)
                    .then(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok())
                    .flatten();
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= total || failed.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = order[k];
                    let (d, format) = jobs[i];
                    let (name, data) = (&loaded[d].0, &loaded[d].1);
                    let bar = multi.add(progress::batch_bar(visible, &format!("{format} {name}")));
                    let run = || train_one(format, data, cfg, &bar, &mut |_, _| {});
                    let result = match &pool {
                        Some(pool) => pool.install(run),
                        None => run(),
                    };
                    bar.finish_and_clear();
                    multi.remove(&bar);
                    match &result {
                        Ok(r) => {
                            let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
                            multi.suspend(|| {
                                errln!(
                                    "[{n}/{total}] {name} {format}: test accuracy {:.2}% \
                                     ({} train images, {:.1} s, {:.0} samples/s)",
                                    100.0 * r.test_accuracy,
                                    r.train_size,
                                    r.train_seconds,
                                    r.samples_per_second
                                )
                            });
                        }
                        Err(_) => failed.store(true, Ordering::SeqCst),
                    }
                    slots.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut records = Vec::with_capacity(total);
    for (slot, (d, _)) in slots.into_iter().zip(&jobs) {
        match slot {
            Some(Ok(r)) => records.push((loaded[*d].0, r)),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    Ok(records)
}

/// The formats in the order given, each once.
fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    for &x in items {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// The datasets to run: those asked for (each must exist), or every one
/// that is installed, with a note on how to get the others.
fn choose_datasets(
    asked: &[DatasetName],
    notes: &mut Vec<String>,
) -> Result<Vec<DatasetName>, CliError> {
    if !asked.is_empty() {
        let asked = dedup(asked);
        if let Some(&missing) = asked.iter().find(|d| !d.is_available()) {
            return Err(CliError::runtime(format!(
                "the {missing} dataset is not installed{}",
                missing.dir().map_or(String::new(), |d| format!(
                    " ({} does not exist)",
                    d.display()
                ))
            ))
            .with_hint(missing.install_hint()));
        }
        return Ok(asked);
    }
    let (have, lack): (Vec<DatasetName>, Vec<DatasetName>) =
        DatasetName::ALL.into_iter().partition(|d| d.is_available());
    for d in lack {
        let note = format!(
            "{d} is not installed, so it is left out: {}",
            d.install_hint()
        );
        errln!("note: {note}");
        notes.push(note);
    }
    if have.is_empty() {
        return Err(
            CliError::runtime("no dataset is available to reproduce the table")
                .with_hint(DatasetName::FashionMnist.install_hint()),
        );
    }
    Ok(have)
}

/// The training settings: `paper` (the paper's), or the quick ones, then
/// overrides.
fn config(args: &ReproduceArgs, mut cfg: TrainConfig) -> Result<TrainConfig, CliError> {
    cfg.model = args.model.clone();
    if args.quick {
        cfg.epochs = QUICK_EPOCHS;
        cfg.limit_train = Some(QUICK_LIMIT_TRAIN);
        cfg.limit_test = Some(QUICK_LIMIT_TEST);
    }
    if let Some(e) = args.epochs {
        cfg.epochs = e;
    }
    if let Some(s) = args.seed {
        cfg.seed = s;
    }
    args.training.apply(&mut cfg)?;
    if let Some(b) = args.batch {
        cfg.batch = b;
    }
    if args.limit_train.is_some() {
        cfg.limit_train = args.limit_train;
    }
    if args.limit_test.is_some() {
        cfg.limit_test = args.limit_test;
    }
    Ok(cfg)
}

/// Everything the report is made of.
struct Report<'a> {
    datasets: &'a [DatasetName],
    formats: &'a [Format],
    records: &'a [(DatasetName, RunRecord)],
    curves: &'a [DeltaCurve],
    cfg: &'a TrainConfig,
    quick: bool,
    jobs: usize,
    notes: &'a [String],
}

/// Writes results.md, results.csv, one accuracy plot per dataset and the Δ
/// error plot, each atomically (see `lognum_nn::atomic`): a file is either
/// the old one or the complete new one.
fn write_outputs(out: &Path, report: &Report<'_>) -> Result<(), CliError> {
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        lognum_nn::atomic::write_file(&path, text.as_bytes())
            .map_err(|e| CliError::caused_by(format!("cannot write {}", path.display()), e))
    };
    write("results.md", &markdown(report))?;
    let all: Vec<RunRecord> = report.records.iter().map(|(_, r)| r.clone()).collect();
    write("results.csv", &record::csv(&all))?;
    for &d in report.datasets {
        let runs: Vec<&RunRecord> = report
            .records
            .iter()
            .filter(|(n, _)| *n == d)
            .map(|(_, r)| r)
            .collect();
        let path = out.join(format!("accuracy-{d}.svg"));
        atomic_plot(&path, |p| plots::accuracy_svg(p, d.as_str(), &runs))?;
    }
    atomic_plot(&out.join("delta-error.svg"), |p| {
        plots::delta_error_svg(p, report.curves)
    })?;
    Ok(())
}

/// Draws a plot into a temporary file beside `path`, then writes it to
/// `path` atomically; the temporary file is removed either way.
fn atomic_plot(
    path: &Path,
    draw: impl FnOnce(&Path) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let name = path
        .file_name()
        .map_or_else(|| "plot".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.draw", std::process::id()));
    let result = draw(&tmp).and_then(|()| {
        let svg = fs::read(&tmp)
            .map_err(|e| CliError::caused_by(format!("cannot read back {}", tmp.display()), e))?;
        lognum_nn::atomic::write_file(path, &svg)
            .map_err(|e| CliError::caused_by(format!("cannot write {}", path.display()), e))
    });
    let _ = fs::remove_file(&tmp);
    result
}

/// The Markdown report: accuracy beside the paper's, timings, Δ errors.
fn markdown(report: &Report<'_>) -> String {
    let Report {
        datasets,
        formats,
        records,
        curves,
        cfg,
        quick,
        jobs,
        notes,
    } = *report;
    let find = |d: DatasetName, f: &str| {
        records
            .iter()
            .find(|(n, r)| *n == d && r.format == f)
            .map(|(_, r)| r)
    };
    let mut md = String::new();
    let _ = writeln!(md, "# Reproduction: Sanyal, Beerel, Chugg, ICASSP 2020\n");
    let limits = match (cfg.limit_train, cfg.limit_test) {
        (None, None) => "full training and test sets".to_string(),
        (tr, te) => format!(
            "at most {} training and {} test images per dataset",
            tr.map_or("all".into(), |n| n.to_string()),
            te.map_or("all".into(), |n| n.to_string())
        ),
    };
    let _ = writeln!(
        md,
        "Model {}, {} epoch(s), batch {}, learning rate {}, optimiser {}, weight decay {}, update rule {}, summation {}, seed {}; {limits}{}.",
        cfg.model,
        cfg.epochs,
        cfg.batch,
        cfg.lr,
        match cfg.optimizer {
            crate::nn::OptimizerKind::Sgd { momentum } if momentum > 0.0 => {
                format!("SGD with momentum {momentum}")
            }
            crate::nn::OptimizerKind::Sgd { .. } => "SGD".to_string(),
            other => other.name().to_string(),
        },
        cfg.weight_decay,
        cfg.update,
        cfg.accumulate.map_or_else(
            || "sequential (pairwise for the bit shift)".to_string(),
            crate::nn::accumulate_name
        ),
        cfg.seed,
        if quick { " (`--quick`)" } else { "" }
    );
    let _ = writeln!(
        md,
        "{}; seconds are wall-clock per run.\n",
        if jobs > 1 {
            format!("Runs: {jobs} at a time, one thread each")
        } else {
            "Runs: one at a time".to_string()
        }
    );
    let _ = writeln!(
        md,
        "The paper trained on 50,000 images for 20 epochs; `mnist-subset` has 8,000 training \
         images, so its numbers are compared with the paper's MNIST column as a sanity check, \
         not a match.\n"
    );
    let _ = writeln!(md, "## Test accuracy (%)\n");
    let mut header = String::from("| format | paper's name |");
    let mut rule = String::from("|---|---|");
    for d in datasets {
        let _ = write!(header, " {d} (ours) | {d} (paper) |");
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    for f in formats {
        let name = f.to_string();
        let paper_name = paper_value(&name, DatasetName::MnistSubset).map_or("—", |p| p.0);
        let mut row = format!("| {name} | {paper_name} |");
        for &d in datasets {
            let ours = find(d, &name).map_or("—".to_string(), |r| {
                format!("{:.1}", 100.0 * r.test_accuracy)
            });
            let paper = paper_value(&name, d).map_or("—".to_string(), |p| format!("{:.1}", p.1));
            let _ = write!(row, " {ours} | {paper} |");
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md, "\n## Training time\n");
    let _ = writeln!(
        md,
        "| dataset | format | train images | epochs | seconds | samples/s | time vs f32 |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|");
    for &d in datasets {
        let base = find(d, "f32").map(|r| r.train_seconds);
        for f in formats {
            if let Some(r) = find(d, &f.to_string()) {
                let ratio = base
                    .filter(|b| *b > 0.0)
                    .map_or("—".into(), |b| format!("{:.2}x", r.train_seconds / b));
                let _ = writeln!(
                    md,
                    "| {d} | {} | {} | {} | {:.1} | {:.0} | {ratio} |",
                    r.format, r.train_size, r.epochs, r.train_seconds, r.samples_per_second
                );
            }
        }
    }
    let _ = writeln!(
        md,
        "\n## Error of the Δ approximations (16-bit LNS, 10 fraction bits)\n"
    );
    let _ = writeln!(
        md,
        "Against the exact f64 functions, over every code d < 12 (`delta-error.svg`).\n"
    );
    let _ = writeln!(
        md,
        "| approximation | worst abs error of Δ+ | worst abs error of Δ− (d ≥ 1/2) |"
    );
    let _ = writeln!(md, "|---|---:|---:|");
    for c in curves {
        let _ = writeln!(
            md,
            "| {} | {:.4} | {:.4} |",
            c.name,
            c.max_abs_plus(),
            c.max_abs_minus_from(0.5)
        );
    }
    let _ = writeln!(md, "\n## Files\n");
    let _ = writeln!(
        md,
        "- `results.csv`: one row per run, every field of `lognum train --json`"
    );
    for d in datasets {
        let _ = writeln!(
            md,
            "- `accuracy-{d}.svg`: test accuracy per epoch, one line per format"
        );
    }
    let _ = writeln!(
        md,
        "- `delta-error.svg`: error of Δ+ and Δ− for each approximation"
    );
    if !notes.is_empty() {
        let _ = writeln!(md, "\n## Notes\n");
        for n in notes {
            let _ = writeln!(md, "- {n}");
        }
    }
    md
}
