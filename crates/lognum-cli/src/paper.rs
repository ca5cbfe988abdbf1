//! The paper's table (Sanyal, Beerel, Chugg, ICASSP 2020): which formats it
//! has, their names there and the test accuracies it reported.

use crate::dataset::DatasetName;
use crate::nn::{Format, TrainFormat};

/// The paper's test accuracies (%, 20 epochs, 50 000 training images) for
/// the formats that have a counterpart there, in the order of its table:
/// `(format, column name, MNIST, Fashion-MNIST)`. These are the formats
/// `reproduce` runs by default.
const PAPER: [(Format, &str, f64, f64); 6] = [
    (Format::F32, "float", 97.4, 87.1),
    (Format::Fixed16, "lin 16b", 96.9, 88.0),
    (Format::Lns16Lut, "log LUT 16b", 97.2, 87.1),
    (Format::Lns16Shift, "log shift 16b", 96.5, 85.7),
    (Format::Lns12Lut, "log LUT 12b", 96.0, 80.5),
    (Format::Lns12Shift, "log shift 12b", 95.5, 79.3),
];

/// The formats of the paper's table, in its order: `--formats paper`, the
/// default.
pub fn paper_formats() -> Vec<TrainFormat> {
    PAPER.iter().map(|p| p.0.into()).collect()
}

/// The paper's name for `format`, if its table has it.
pub fn paper_name(format: TrainFormat) -> Option<&'static str> {
    PAPER
        .iter()
        .find(|p| format.word() == Some(p.0))
        .map(|p| p.1)
}

/// The paper's accuracy for `format` on `dataset`, if it reported one (both
/// MNIST sets are compared with its MNIST column).
pub fn paper_value(format: TrainFormat, dataset: Option<DatasetName>) -> Option<f64> {
    let p = PAPER.iter().find(|p| format.word() == Some(p.0))?;
    match dataset? {
        DatasetName::Mnist | DatasetName::MnistSubset => Some(p.2),
        DatasetName::FashionMnist => Some(p.3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_columns() {
        assert_eq!(paper_formats().len(), 6);
        assert_eq!(paper_formats()[0], Format::F32.into());
        assert_eq!(paper_name(Format::Lns12Shift.into()), Some("log shift 12b"));
        assert_eq!(paper_name(Format::Bf16.into()), None);
        // Both MNIST sets read the paper's MNIST column.
        assert_eq!(
            paper_value(Format::Lns16Lut.into(), Some(DatasetName::Mnist)),
            Some(97.2)
        );
        assert_eq!(
            paper_value(Format::Lns16Lut.into(), Some(DatasetName::MnistSubset)),
            Some(97.2)
        );
        assert_eq!(
            paper_value(Format::Lns12Lut.into(), Some(DatasetName::FashionMnist)),
            Some(80.5)
        );
        assert_eq!(paper_value(Format::F32.into(), None), None);
    }
}
