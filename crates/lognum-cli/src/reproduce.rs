//! `lognum reproduce`: the paper's table (formats × datasets), written as
//! Markdown beside the paper's numbers, as CSV, and as SVG plots.
//!
//! Without options it trains the paper's six formats for its 20 epochs on
//! full MNIST and Fashion-MNIST, two runs at a time on two cores; `--quick`
//! is a one-minute check on the MNIST subset.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{HumanDuration, MultiProgress, ProgressDrawTarget};

use crate::cli::ReproduceArgs;
use crate::dataset::{DataSource, DatasetName, LoadedData};
use crate::error::CliError;
use crate::measure::matmul_macs_per_second;
use crate::nn::{Format, TrainConfig, TrainFormat};
use crate::output::{errln, outln};
use crate::paper::{paper_formats, paper_name, paper_value};
use crate::plots::{self, DeltaCurve};
use crate::progress;
use crate::record::{self, RunRecord};
use crate::run::train_one;

/// `--quick`: epochs per run.
pub const QUICK_EPOCHS: usize = 3;
/// `--quick`: training images per dataset (all of the MNIST subset's).
pub const QUICK_LIMIT_TRAIN: usize = 8000;
/// `--quick`: test images per dataset.
pub const QUICK_LIMIT_TEST: usize = 2000;

/// One dataset of the table: a named one or a directory.
#[derive(Clone, Debug)]
struct TableData {
    /// Its name in the table and in the plot's file name.
    name: String,
    /// The named dataset, which has a column in the paper's table.
    named: Option<DatasetName>,
    /// Where it is loaded from.
    source: DataSource,
}

impl TableData {
    fn named(d: DatasetName) -> Self {
        TableData {
            name: d.to_string(),
            named: Some(d),
            source: DataSource::Named(d),
        }
    }

    /// `--data DIR`: named after the directory's last component.
    fn dir(dir: &Path) -> Self {
        let stem: String = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        TableData {
            name: if stem.is_empty() { "data".into() } else { stem },
            named: None,
            source: DataSource::Dir(dir.to_path_buf()),
        }
    }
}

/// Runs `lognum reproduce`.
pub fn run(args: ReproduceArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let formats: Vec<TrainFormat> = if args.formats.is_empty() {
        paper_formats()
    } else {
        let all: Vec<TrainFormat> = args.formats.iter().flat_map(|g| g.0.clone()).collect();
        dedup(&all)
    };
    let mut notes = Vec::new();
    let datasets = match &args.data {
        Some(dir) => vec![TableData::dir(dir)],
        None => choose_datasets(&args.datasets, args.quick, &mut notes)?
            .into_iter()
            .map(TableData::named)
            .collect(),
    };
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
    let quiet = progress::quiet();
    if !quiet {
        errln!(
            "reproduce: {} format(s) × {} dataset(s) ({}), {} epoch(s), batch {}, lr {}{}; \
             writing to {}",
            formats.len(),
            datasets.len(),
            datasets
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            cfg.epochs,
            cfg.batch,
            cfg.lr,
            if args.quick { " (quick)" } else { "" },
            args.out.display()
        );
    }
    let loaded = datasets
        .iter()
        .map(|d| d.source.load())
        .collect::<Result<Vec<LoadedData>, CliError>>()?;
    let workers = args.jobs.unwrap_or_else(default_jobs).min(total.max(1));
    let records = run_all(&datasets, &loaded, &formats, &cfg, workers)?;
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
        wall_seconds: started.elapsed().as_secs_f64(),
        notes: &notes,
    };
    // The table first, so that it is seen whatever happens to the files.
    outln!("{}", markdown(&report));
    write_outputs(&args.out, &report)?;
    if !quiet {
        errln!(
            "reproduce: done in {:.1} s; results in {}",
            started.elapsed().as_secs_f64(),
            args.out.display()
        );
    }
    Ok(())
}

/// One run per core by default (training a network is single-threaded).
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Trains every format on every dataset, `workers` runs at a time, and
/// returns the records in dataset-major order, each with the index of its
/// dataset. Stops at the first failure.
///
/// Progress: an overall bar over every epoch of every run, with the time
/// left, above one bar per running run; without a terminal, a line at every
/// 5 % of the epochs and one per finished run, with the time left (none
/// under `--quiet`).
fn run_all(
    datasets: &[TableData],
    loaded: &[LoadedData],
    formats: &[TrainFormat],
    cfg: &TrainConfig,
    workers: usize,
) -> Result<Vec<(usize, RunRecord)>, CliError> {
    let jobs: Vec<(usize, TrainFormat)> = (0..loaded.len())
        .flat_map(|d| formats.iter().map(move |&f| (d, f)))
        .collect();
    let total = jobs.len();
    let visible = progress::interactive();
    let lines = !progress::quiet();
    let multi = if visible {
        MultiProgress::new()
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    let total_epochs = total * cfg.epochs;
    let overall = multi.add(progress::overall_bar(visible, total_epochs as u64));
    let epochs_done = AtomicUsize::new(0);
    let started = Instant::now();
    // Longest first, so that a slow format does not run alone at the end:
    // the cost of a format is estimated from a small matmul in it.
    let mut order: Vec<usize> = (0..total).collect();
    if workers > 1 {
        let costs: Vec<f64> = formats
            .iter()
            .map(|&f| 1.0 / matmul_macs_per_second(f, 32, 0.005))
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
                    let (name, data) = (&datasets[d].name, &loaded[d]);
                    let bar = multi.add(progress::batch_bar(visible, &format!("{format} {name}")));
                    let run = || {
                        train_one(format, data, cfg, &bar, &mut |_, _| {
                            let done = epochs_done.fetch_add(1, Ordering::SeqCst) + 1;
                            overall.inc(1);
                            // Without a terminal, a line at every 5 % of the
                            // job, so that a log shows progress between runs.
                            let step = |n: usize| n * 20 / total_epochs.max(1);
                            if lines && !visible && step(done) > step(done - 1) {
                                errln!(
                                    "progress: {}% ({done}/{total_epochs} epochs), {} elapsed, {}",
                                    100 * done / total_epochs.max(1),
                                    HumanDuration(started.elapsed()),
                                    time_left(started.elapsed(), done, total_epochs)
                                );
                            }
                        })
                    };
                    let result = match &pool {
                        Some(pool) => pool.install(run),
                        None => run(),
                    };
                    bar.finish_and_clear();
                    multi.remove(&bar);
                    match &result {
                        Ok(r) => {
                            // A run that stopped early counts as done.
                            let rest = cfg.epochs.saturating_sub(r.epochs);
                            let done = epochs_done.fetch_add(rest, Ordering::SeqCst) + rest;
                            overall.inc(rest as u64);
                            let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
                            if lines {
                                let left = time_left(started.elapsed(), done, total_epochs);
                                multi.suspend(|| {
                                    errln!(
                                        "[{n}/{total}] {name} {format}: test accuracy {:.2}% \
                                         ({} train images, {:.1} s, {:.0} samples/s); \
                                         {} elapsed, {left}",
                                        100.0 * r.test_accuracy,
                                        r.train_size,
                                        r.train_seconds,
                                        r.samples_per_second,
                                        HumanDuration(started.elapsed())
                                    )
                                });
                            }
                        }
                        Err(_) => failed.store(true, Ordering::SeqCst),
                    }
                    slots.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    overall.finish_and_clear();
    let slots = slots.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut records = Vec::with_capacity(total);
    for (slot, (d, _)) in slots.into_iter().zip(&jobs) {
        match slot {
            Some(Ok(r)) => records.push((*d, r)),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    Ok(records)
}

/// `about 5 minutes left`, extrapolated from the share of epochs done.
fn time_left(elapsed: Duration, done: usize, total: usize) -> String {
    if done >= total {
        return "finished".into();
    }
    if done == 0 {
        return "time left unknown".into();
    }
    let left = elapsed.as_secs_f64() * (total - done) as f64 / done as f64;
    format!(
        "about {} left",
        HumanDuration(Duration::from_secs_f64(left))
    )
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

/// The datasets a run uses unless told: the full sets of the paper's
/// table, or the MNIST subset for `--quick`.
fn default_datasets(quick: bool) -> Vec<DatasetName> {
    if quick {
        vec![DatasetName::MnistSubset]
    } else {
        vec![DatasetName::Mnist, DatasetName::FashionMnist]
    }
}

/// The datasets to run: those asked for (each must exist), or the default
/// ones that are available, with a note on how to get the others.
fn choose_datasets(
    asked: &[DatasetName],
    quick: bool,
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
    let (have, lack): (Vec<DatasetName>, Vec<DatasetName>) = default_datasets(quick)
        .into_iter()
        .partition(|d| d.is_available());
    for d in &lack {
        let note = format!(
            "{d} is not available, so it is left out: {}",
            d.install_hint()
        );
        errln!("note: {note}");
        notes.push(note);
    }
    if have.is_empty() {
        let hint = lack
            .iter()
            .map(|d| format!("{d}: {}", d.install_hint()))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(
            CliError::runtime("no dataset is available to reproduce the table").with_hint(hint),
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
    datasets: &'a [TableData],
    formats: &'a [TrainFormat],
    /// Each run with the index of its dataset in `datasets`.
    records: &'a [(usize, RunRecord)],
    curves: &'a [DeltaCurve],
    cfg: &'a TrainConfig,
    quick: bool,
    jobs: usize,
    /// Wall-clock seconds of the whole job, data loading included.
    wall_seconds: f64,
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
    for (i, d) in report.datasets.iter().enumerate() {
        let runs: Vec<&RunRecord> = report
            .records
            .iter()
            .filter(|(n, _)| *n == i)
            .map(|(_, r)| r)
            .collect();
        let name = &d.name;
        let path = out.join(format!("accuracy-{name}.svg"));
        atomic_plot(&path, |p| plots::accuracy_svg(p, name, &runs))?;
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
        wall_seconds,
        notes,
    } = *report;
    let find = |d: usize, f: TrainFormat| {
        let name = f.name();
        records
            .iter()
            .find(|(n, r)| *n == d && r.format == name)
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
        "{}; seconds are wall-clock per run; the whole job took {:.0} s.\n",
        if jobs > 1 {
            format!("Runs: {jobs} at a time, one thread each")
        } else {
            "Runs: one at a time".to_string()
        },
        wall_seconds
    );
    let _ = writeln!(
        md,
        "The paper trained on 50,000 training images of each dataset (the other 10,000 \
         for validation) for 20 epochs and tested on the 10,000 test images{}",
        if cfg.limit_train.is_none() {
            "; the full datasets here train on all 60,000."
        } else {
            "."
        }
    );
    if datasets
        .iter()
        .any(|d| d.named == Some(DatasetName::MnistSubset))
    {
        let _ = writeln!(
            md,
            "`mnist-subset` has 8,000 training images, so its numbers are compared with the \
             paper's MNIST column as a sanity check, not a match."
        );
    }
    let _ = writeln!(md, "\n## Test accuracy (%)\n");
    let mut header = String::from("| format | paper's name |");
    let mut rule = String::from("|---|---|");
    for d in datasets {
        let _ = write!(header, " {} (ours) | {} (paper) |", d.name, d.name);
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    for &f in formats {
        let mut row = format!("| {f} | {} |", paper_name(f).unwrap_or("—"));
        for (i, d) in datasets.iter().enumerate() {
            let ours = find(i, f).map_or("—".to_string(), |r| {
                format!("{:.1}", 100.0 * r.test_accuracy)
            });
            let paper = paper_value(f, d.named).map_or("—".to_string(), |p| format!("{p:.1}"));
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
    for (i, d) in datasets.iter().enumerate() {
        let base = find(i, Format::F32.into()).map(|r| r.train_seconds);
        for &f in formats {
            if let Some(r) = find(i, f) {
                let ratio = base
                    .filter(|b| *b > 0.0)
                    .map_or("—".into(), |b| format!("{:.2}x", r.train_seconds / b));
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {:.1} | {:.0} | {ratio} |",
                    d.name, r.format, r.train_size, r.epochs, r.train_seconds, r.samples_per_second
                );
            }
        }
    }
    let _ = writeln!(
        md,
        "\n## Error of the Δ approximations (16-bit LNS, {} fraction bits)\n",
        plots::DELTA_FRAC
    );
    let _ = writeln!(
        md,
        "Against the exact f64 functions, over every code of {} (`delta-error.svg` plots \
         the same ranges).\n",
        plots::delta_ranges()
    );
    let _ = writeln!(
        md,
        "| approximation | worst abs error of Δ+ | worst abs error of Δ− |"
    );
    let _ = writeln!(md, "|---|---:|---:|");
    for c in curves {
        let _ = writeln!(
            md,
            "| {} | {:.4} | {:.4} |",
            c.name,
            c.max_abs_plus(),
            c.max_abs_minus()
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
            "- `accuracy-{}.svg`: test accuracy per epoch, one line per format",
            d.name
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_datasets_are_the_full_sets_or_the_subset() {
        assert_eq!(
            default_datasets(false),
            [DatasetName::Mnist, DatasetName::FashionMnist]
        );
        assert_eq!(default_datasets(true), [DatasetName::MnistSubset]);
    }

    #[test]
    fn time_left_extrapolates_from_epochs_done() {
        let left = time_left(Duration::from_secs(60), 1, 4);
        assert!(left.contains("3 minutes"), "{left}");
        assert_eq!(time_left(Duration::from_secs(5), 4, 4), "finished");
        assert_eq!(time_left(Duration::ZERO, 0, 4), "time left unknown");
    }

    #[test]
    fn a_directory_is_named_after_its_last_component() {
        let d = TableData::dir(Path::new("/data/my set,v2"));
        assert_eq!(d.name, "my_set_v2");
        assert_eq!(d.named, None);
        assert_eq!(TableData::dir(Path::new("/")).name, "data");
    }
}
