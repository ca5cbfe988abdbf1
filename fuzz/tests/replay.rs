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

#[test]
fn checkpoint_corpus() {
    let n = replay("checkpoint", lognum_fuzz::checkpoint);
    assert!(n > 0, "the checkpoint corpus is empty");
}

/// Each committed checkpoint loads in its own format (so the sweep below
/// starts from files that reach the deep checks), then damaged: truncated,
/// with bytes flipped, overwritten or inserted, the header length changed.
#[test]
fn checkpoint_damage_sweep() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/checkpoint");
    let valid = [
        ("f32-mlp", "f32"),
        ("lns16-lut-mlp", "lns16-lut"),
        ("lns12-shift-mlp", "lns12-shift"),
        ("bf16-mlp", "bf16"),
        ("lns8-lut-mlp", "lns8-lut"),
    ];
    let mut rng = SplitMix64::new(0xc4e7);
    for (file, format) in valid {
        let good = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let info = lognum_nn::checkpoint::info(&good).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(info.format, format, "{file}");
        lognum_fuzz::checkpoint(&good);
        for _ in 0..400 {
            let mut bad = good.clone();
            match rng.below(5) {
                0 => bad.truncate(rng.below(good.len() as u64) as usize),
                1 => {
                    for _ in 0..1 + rng.below(4) {
                        let i = rng.below(bad.len() as u64) as usize;
                        bad[i] ^= 1 << rng.below(8);
                    }
                }
                2 => {
                    let i = rng.below(bad.len() as u64) as usize;
                    bad[i] = [0, 0xff, b'"', b'{', b'9', b'-'][rng.below(6) as usize];
                }
                3 => {
                    let i = rng.below(bad.len() as u64 + 1) as usize;
                    bad.insert(i, rng.next_u64() as u8);
                }
                _ => {
                    // The little-endian header length of the first 8 bytes.
                    let len = u64::from_le_bytes(bad[..8].try_into().unwrap());
                    let len = match rng.below(4) {
                        0 => len.wrapping_add(1 + rng.below(16)),
                        1 => len.saturating_sub(1 + rng.below(16)),
                        2 => u64::MAX - rng.below(16),
                        _ => rng.next_u64(),
                    };
                    bad[..8].copy_from_slice(&len.to_le_bytes());
                }
            }
            lognum_fuzz::checkpoint(&bad);
        }
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
    lognum_fuzz::checkpoint(&[]);
    lognum_fuzz::checkpoint(&[0; 8]);
    lognum_fuzz::checkpoint(&[0xff; 16]);
    lognum_fuzz::checkpoint(b"\x02\0\0\0\0\0\0\0{}");
    for text in [
        "", "0", "-0", "1e-300", "65536", "-65492", "inf", "NaN", " 2.5 ", "1e400", "0x10",
    ] {
        lognum_fuzz::from_str(text.as_bytes());
    }
}
