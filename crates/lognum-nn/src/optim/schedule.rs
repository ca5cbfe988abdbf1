//! Learning-rate schedules: how the rate moves over a run.

use std::fmt;
use std::str::FromStr;

use crate::NnError;

/// How the learning rate changes over a run of `total` steps: step `s`
/// (from 0) uses `lr · factor(s, total)`.
///
/// The training loop sets the rate before every step
/// ([`Optimizer::set_lr`](super::Optimizer::set_lr)), so the decays are
/// smooth over steps, not stairs over epochs.
///
/// ```
/// use lognum_nn::optim::LrSchedule;
/// assert_eq!(LrSchedule::Constant.factor(7, 10), 1.0);
/// assert_eq!(LrSchedule::Cosine.factor(0, 10), 1.0);
/// assert!((LrSchedule::Cosine.factor(5, 10) - 0.5).abs() < 1e-12);
/// assert_eq!(LrSchedule::Linear.factor(5, 10), 0.5);
/// assert_eq!("cosine".parse::<LrSchedule>().unwrap(), LrSchedule::Cosine);
/// assert!("exp".parse::<LrSchedule>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LrSchedule {
    /// The same rate at every step (the paper's).
    #[default]
    Constant,
    /// Half a cosine from `lr` down towards 0:
    /// `½·(1 + cos(π·s/total))` (Loshchilov and Hutter's SGDR without
    /// restarts). The last step still moves the weights.
    Cosine,
    /// A straight line from `lr` down towards 0: `1 − s/total`.
    Linear,
}

impl LrSchedule {
    /// Every schedule.
    pub const ALL: [LrSchedule; 3] = [LrSchedule::Constant, LrSchedule::Cosine, LrSchedule::Linear];

    /// The factor of the base rate at step `step` of `total` (from 0). It
    /// is 1 at step 0, in `(0, 1]` for every `step < total`, and 1 for
    /// every step when `total` is 0.
    ///
    /// ```
    /// use lognum_nn::optim::LrSchedule;
    /// for s in LrSchedule::ALL {
    ///     let f: Vec<f64> = (0..100).map(|i| s.factor(i, 100)).collect();
    ///     assert_eq!(f[0], 1.0);
    ///     assert!(f.iter().all(|&x| x > 0.0 && x <= 1.0));
    ///     assert!(f.windows(2).all(|w| w[1] <= w[0]));
    /// }
    /// ```
    pub fn factor(self, step: usize, total: usize) -> f64 {
        if total == 0 {
            return 1.0;
        }
        let t = step.min(total) as f64 / total as f64;
        match self {
            LrSchedule::Constant => 1.0,
            LrSchedule::Cosine => 0.5 * (1.0 + (core::f64::consts::PI * t).cos()),
            LrSchedule::Linear => 1.0 - t,
        }
    }

    /// The schedule's name: `"constant"`, `"cosine"` or `"linear"`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::optim::LrSchedule::Cosine.name(), "cosine");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            LrSchedule::Constant => "constant",
            LrSchedule::Cosine => "cosine",
            LrSchedule::Linear => "linear",
        }
    }
}

named_by_str!(LrSchedule, "lr_schedule");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in LrSchedule::ALL {
            assert_eq!(s.name().parse::<LrSchedule>().unwrap(), s);
            assert_eq!(s.to_string(), s.name());
        }
    }

    #[test]
    fn decays_end_near_zero_but_not_at_it() {
        for s in [LrSchedule::Cosine, LrSchedule::Linear] {
            let last = s.factor(999, 1000);
            assert!(last > 0.0 && last < 1e-2, "{s}: {last}");
        }
        assert_eq!(LrSchedule::Linear.factor(5, 0), 1.0);
        // Past the end it stays at the end's value.
        assert_eq!(LrSchedule::Linear.factor(20, 10), 0.0);
    }
}

/// The shared epoch loop sets the scheduled rate before every step.
#[cfg(test)]
mod in_the_epoch_loop {
    use super::LrSchedule;
    use crate::NnError;
    use crate::data::Dataset;
    use crate::train::{EpochSteps, TrainConfig, run_epochs};

    /// Records the rate of every step.
    struct Rates(Vec<f64>, f64);

    impl EpochSteps for Rates {
        fn step(&mut self, _idx: &[usize]) -> Result<(f64, usize), NnError> {
            self.0.push(self.1);
            Ok((0.0, 0))
        }
        fn set_lr(&mut self, lr: f64) {
            self.1 = lr;
        }
        fn end_epoch(&mut self, _epoch: usize) -> Result<(f64, f64), NnError> {
            Ok((0.0, 0.0))
        }
    }

    fn rates(schedule: LrSchedule) -> Vec<f64> {
        // 10 examples in batches of 4: 3 steps an epoch, 6 in all.
        let ds = Dataset::from_features(vec![0.0; 10], &[1], vec![0; 10], 2).unwrap();
        let cfg = TrainConfig {
            epochs: 2,
            batch: 4,
            lr: 0.5,
            lr_schedule: schedule,
            ..TrainConfig::default()
        };
        let mut steps = Rates(Vec::new(), f64::NAN);
        run_epochs(&ds, &cfg, &mut steps, &mut |_| {}).unwrap();
        steps.0
    }

    #[test]
    fn every_step_gets_the_scheduled_rate() {
        assert_eq!(rates(LrSchedule::Constant), vec![0.5; 6]);
        let linear = rates(LrSchedule::Linear);
        let want: Vec<f64> = (0..6).map(|s| 0.5 * (1.0 - s as f64 / 6.0)).collect();
        assert_eq!(linear, want);
        let cosine = rates(LrSchedule::Cosine);
        assert_eq!(cosine[0], 0.5);
        assert!(cosine.windows(2).all(|w| w[1] < w[0]), "{cosine:?}");
        assert!(cosine[5] > 0.0 && cosine[5] < 0.05, "{cosine:?}");
    }
}
