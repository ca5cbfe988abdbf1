//! Replays the committed corpus on stable, without libFuzzer: every file
//! under `corpus/<target>/` through that target's function. Run with
//! `cargo test --manifest-path fuzz/Cargo.toml --release`.

use std::fs;
use std::path::Path;

use lognum_testkit::SplitMix64;

/// Feeds every file of `corpus/<target>` to `run`; returns how many.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut n = 0;
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Name the file if it fails.
        eprintln!("{target}: {}", path.display());
        run(&data);
        n += 1;
    }
    n
}

#[test]
fn ops_corpus() {
    let n = replay("ops", lognum_fuzz::ops);
    assert!(n > 0, "the ops corpus is empty");
}

#[test]
fn from_str_corpus() {
    let n = replay("from_str", lognum_fuzz::from_str);
    assert!(n > 0, "the from_str corpus is empty");
}

#[test]
fn gemm_corpus() {
    let n = replay("gemm", lognum_fuzz::gemm);
    assert!(n > 0, "the gemm corpus is empty");
}

/// The minimised corpus keeps one input per coverage edge, mostly short
/// ones; a fixed-seed sweep of full-length inputs adds many operand pairs
/// (four rounds each) on every run, libFuzzer or not.
#[test]
fn seeded_sweep() {
    let mut rng = SplitMix64::new(0x5eed);
    let mut data = [0u8; 88];
    for _ in 0..3000 {
        rng.fill_bytes(&mut data);
        lognum_fuzz::ops(&data);
    }
}

/// The same for the matrix products: random shapes and modes from inputs
/// of the length libFuzzer is run with (a few hundred bytes; the larger
/// matrices read the input more than once).
#[test]
fn gemm_seeded_sweep() {
    let mut rng = SplitMix64::new(0x6e33);
    let mut data = [0u8; 320];
    for _ in 0..300 {
        rng.fill_bytes(&mut data);
        lognum_fuzz::gemm(&data);
    }
}

/// A few inputs that must always be covered, corpus or not.
#[test]
fn pinned_inputs() {
    lognum_fuzz::ops(&[]);
    lognum_fuzz::ops(&[0xff; 64]);
    lognum_fuzz::ops(&[0; 64]);
    let mut ramp = [0u8; 256];
    for (i, b) in ramp.iter_mut().enumerate() {
        *b = i as u8;
    }
    lognum_fuzz::ops(&ramp);
    // Empty, one byte (everything read from it), and the largest shape
    // (6x80x70) with every mode bit set.
    lognum_fuzz::gemm(&[]);
    lognum_fuzz::gemm(&[0]);
    lognum_fuzz::gemm(&[0xff]);
    lognum_fuzz::gemm(&[5, 80, 69, 8, 0xff]);
    lognum_fuzz::gemm(&ramp);
    for text in [
        "", "0", "-0", "1e-300", "65536", "-65492", "inf", "NaN", " 2.5 ", "1e400", "0x10",
    ] {
        lognum_fuzz::from_str(text.as_bytes());
    }
}
