//! One training run as a flat record: the JSON line of `train --json` and a
//! row of `results.csv`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::nn::{TrainConfig, TrainReport};

/// Everything about one run. Accuracies are fractions in `[0, 1]`.
#[derive(Clone, Debug, Serialize)]
pub struct RunRecord {
    /// Number format, e.g. `lns16-lut`.
    pub format: String,
    /// `mnist-subset`, `fashion-mnist` or the data directory.
    pub dataset: String,
    /// The network: `mlp`, `mlp:H1-H2-…` or `cnn`.
    pub model: String,
    /// Number of epochs run.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Learning rate.
    pub lr: f64,
    /// Learning-rate schedule, e.g. `constant` or `cosine`.
    pub lr_schedule: String,
    /// Optimiser, `sgd`, `adam` or `madam`.
    pub optimizer: String,
    /// SGD momentum (0 for the others).
    pub momentum: f64,
    /// Madam's clamp in units of the initial RMS (`None` for the others).
    pub madam_p_scale: Option<f64>,
    /// Madam's bound on the normalised gradient (`None` for the others).
    pub madam_g_bound: Option<f64>,
    /// L2 weight decay.
    pub weight_decay: f64,
    /// Seed.
    pub seed: u64,
    /// Weight quantization bits, if any.
    pub quantize_weights: Option<u32>,
    /// Weight update rule, e.g. `wide-master`.
    pub update: String,
    /// Summation order of matrix products, e.g. `sequential`.
    pub accumulate: String,
    /// Loss, `cross-entropy` or `mse`.
    pub loss: String,
    /// Label-gradient rule of the cross-entropy, e.g. `complement` (empty
    /// for other losses).
    pub label_grad: String,
    /// Training images used.
    pub train_size: usize,
    /// Test images used.
    pub test_size: usize,
    /// Final test accuracy.
    pub test_accuracy: f64,
    /// Wall-clock training time, seconds.
    pub train_seconds: f64,
    /// Training throughput.
    pub samples_per_second: f64,
    /// Test accuracy after each epoch.
    pub epoch_test_accuracy: Vec<f64>,
    /// Training accuracy of each epoch.
    pub epoch_train_accuracy: Vec<f64>,
    /// Mean training loss of each epoch.
    pub epoch_train_loss: Vec<f64>,
    /// Wall-clock seconds of each epoch.
    pub epoch_seconds: Vec<f64>,
    /// Share of parameters saturated at the format's largest magnitude
    /// after each epoch.
    pub epoch_saturated: Vec<f64>,
}

impl RunRecord {
    /// Combines a report with the settings and data sizes that produced it.
    pub fn new(
        report: &TrainReport,
        cfg: &TrainConfig,
        dataset: &str,
        train_size: usize,
        test_size: usize,
    ) -> Self {
        let per_epoch = |f: fn(&crate::nn::EpochReport) -> f64| -> Vec<f64> {
            report.epochs.iter().map(f).collect()
        };
        RunRecord {
            format: report.format.clone(),
            dataset: dataset.to_string(),
            model: report.model.to_string(),
            epochs: report.epochs.len(),
            batch: cfg.batch,
            lr: cfg.lr,
            lr_schedule: cfg.lr_schedule.to_string(),
            optimizer: cfg.optimizer.name().to_string(),
            momentum: match cfg.optimizer {
                crate::nn::OptimizerKind::Sgd { momentum } => momentum,
                _ => 0.0,
            },
            madam_p_scale: match cfg.optimizer {
                crate::nn::OptimizerKind::Madam { p_scale, .. } => Some(p_scale),
                _ => None,
            },
            madam_g_bound: match cfg.optimizer {
                crate::nn::OptimizerKind::Madam { g_bound, .. } => Some(g_bound),
                _ => None,
            },
            weight_decay: cfg.weight_decay,
            seed: cfg.seed,
            quantize_weights: cfg.quantize_weights,
            update: cfg.update.to_string(),
            accumulate: crate::nn::accumulate_name(report.accumulate),
            loss: cfg.loss.to_string(),
            label_grad: match cfg.loss {
                crate::nn::Loss::CrossEntropy(g) => g.to_string(),
                _ => String::new(),
            },
            train_size,
            test_size,
            test_accuracy: report.test_accuracy,
            train_seconds: report.train_seconds,
            samples_per_second: report.samples_per_second,
            epoch_test_accuracy: per_epoch(|e| e.test_accuracy),
            epoch_train_accuracy: per_epoch(|e| e.train_accuracy),
            epoch_train_loss: per_epoch(|e| e.train_loss),
            epoch_seconds: per_epoch(|e| e.seconds),
            epoch_saturated: per_epoch(|e| e.saturated),
        }
    }

    /// The record as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a RunRecord always serialises")
    }

    /// The CSV columns: each field's name and its value as CSV text.
    /// Per-epoch lists are joined with `;`, an absent value is empty.
    fn csv_fields(&self) -> Vec<(&'static str, String)> {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(";")
        };
        vec![
            ("format", csv_field(&self.format)),
            ("dataset", csv_field(&self.dataset)),
            ("model", csv_field(&self.model)),
            ("epochs", self.epochs.to_string()),
            ("batch", self.batch.to_string()),
            ("lr", self.lr.to_string()),
            ("lr_schedule", csv_field(&self.lr_schedule)),
            ("optimizer", csv_field(&self.optimizer)),
            ("momentum", self.momentum.to_string()),
            (
                "madam_p_scale",
                self.madam_p_scale.map_or(String::new(), |x| x.to_string()),
            ),
            (
                "madam_g_bound",
                self.madam_g_bound.map_or(String::new(), |x| x.to_string()),
            ),
            ("weight_decay", self.weight_decay.to_string()),
            ("seed", self.seed.to_string()),
            (
                "quantize_weights",
                self.quantize_weights
                    .map_or(String::new(), |b| b.to_string()),
            ),
            ("update", csv_field(&self.update)),
            ("accumulate", csv_field(&self.accumulate)),
            ("loss", csv_field(&self.loss)),
            ("label_grad", csv_field(&self.label_grad)),
            ("train_size", self.train_size.to_string()),
            ("test_size", self.test_size.to_string()),
            ("test_accuracy", self.test_accuracy.to_string()),
            ("train_seconds", format!("{:.3}", self.train_seconds)),
            (
                "samples_per_second",
                format!("{:.1}", self.samples_per_second),
            ),
            ("epoch_test_accuracy", list(&self.epoch_test_accuracy)),
            ("epoch_train_accuracy", list(&self.epoch_train_accuracy)),
            ("epoch_train_loss", list(&self.epoch_train_loss)),
            ("epoch_seconds", list(&self.epoch_seconds)),
            ("epoch_saturated", list(&self.epoch_saturated)),
        ]
    }

    /// The CSV header line (no newline), matching [`csv_row`](Self::csv_row).
    pub fn csv_header(&self) -> String {
        let names: Vec<&str> = self.csv_fields().iter().map(|f| f.0).collect();
        names.join(",")
    }

    /// The record as a CSV row (no newline).
    pub fn csv_row(&self) -> String {
        let values: Vec<String> = self.csv_fields().into_iter().map(|f| f.1).collect();
        values.join(",")
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        let mut out = String::from('"');
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
        out
    } else {
        s.to_string()
    }
}

/// The whole CSV file for `records`, header first.
pub fn csv(records: &[RunRecord]) -> String {
    let mut out = String::new();
    if let Some(first) = records.first() {
        let _ = writeln!(out, "{}", first.csv_header());
    }
    for r in records {
        let _ = writeln!(out, "{}", r.csv_row());
    }
    out
}

#[cfg(test)]
impl RunRecord {
    /// A record with plausible values, for tests to override.
    pub(crate) fn sample() -> Self {
        RunRecord {
            format: String::new(),
            dataset: "test".into(),
            model: "mlp".into(),
            epochs: 3,
            batch: 5,
            lr: 0.01,
            lr_schedule: "constant".into(),
            optimizer: "sgd".into(),
            momentum: 0.0,
            madam_p_scale: None,
            madam_g_bound: None,
            weight_decay: 0.0,
            seed: 1,
            quantize_weights: None,
            update: "wide-master".into(),
            accumulate: "sequential".into(),
            loss: "cross-entropy".into(),
            label_grad: "complement".into(),
            train_size: 10,
            test_size: 10,
            test_accuracy: 0.7,
            train_seconds: 1.0,
            samples_per_second: 10.0,
            epoch_test_accuracy: Vec::new(),
            epoch_train_accuracy: Vec::new(),
            epoch_train_loss: Vec::new(),
            epoch_seconds: Vec::new(),
            epoch_saturated: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("f32"), "f32");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn header_and_row_have_the_same_width() {
        let r = RunRecord {
            format: "f32".into(),
            dataset: "/tmp/a,b".into(),
            epochs: 2,
            test_size: 5,
            test_accuracy: 0.5,
            epoch_test_accuracy: vec![0.4, 0.5],
            epoch_train_accuracy: vec![0.4, 0.5],
            epoch_train_loss: vec![1.0, 0.9],
            epoch_seconds: vec![0.5, 0.5],
            epoch_saturated: vec![0.0, 0.0],
            ..RunRecord::sample()
        };
        let header = r.csv_header();
        // The header names every JSON field, in order.
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(header.split(',').count(), json.as_object().unwrap().len());
        assert!(header.starts_with("format,dataset,model,epochs,"));
        // The dataset field is quoted and holds one comma.
        assert_eq!(
            r.csv_row().split(',').count(),
            header.split(',').count() + 1
        );
        let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(v["epoch_test_accuracy"][1], 0.5);
    }
}
