//! Checkpoint round trips in every format and refusal of bad input.

use lognum_nn::checkpoint::{self, from_bytes, to_bytes};
use lognum_nn::format::*;
use lognum_nn::model::Model;
use lognum_nn::train::ModelKind;
use lognum_nn::{CheckpointError, NnError, NnScalar};

/// Perturbs every parameter so biases are not all zero, saves, loads, and
/// compares the raw values (`PartialEq` of the type: bit equality for LNS
/// apart from ±0, value equality for the others).
fn round_trip<T: NnScalar>(kind: ModelKind) {
    let mut m = Model::<T>::new(kind, 28, 28, 5);
    for p in m.params_mut() {
        for (i, v) in p.value.iter_mut().enumerate() {
            *v = v.add(T::from_f64((i % 7) as f64 * 0.01 - 0.03));
        }
    }
    let bytes = to_bytes(&m);
    let back = from_bytes::<T>(&bytes).unwrap();
    assert_eq!(back.kind(), kind);
    assert_eq!(back.params(), m.params(), "{}", T::format_name());
    let info = checkpoint::info(&bytes).unwrap();
    assert_eq!(info.format, T::format_name());
    assert!(info.format.parse::<Format>().is_ok());
}

#[test]
fn round_trip_every_format() {
    round_trip::<f32>(ModelKind::Mlp);
    round_trip::<f64>(ModelKind::Mlp);
    round_trip::<half::bf16>(ModelKind::Mlp);
    round_trip::<half::f16>(ModelKind::Mlp);
    round_trip::<Fixed16>(ModelKind::Mlp);
    round_trip::<Lns16Exact>(ModelKind::Mlp);
    round_trip::<Lns16Lut>(ModelKind::Mlp);
    round_trip::<Lns16Interp>(ModelKind::Mlp);
    round_trip::<Lns16Shift>(ModelKind::Mlp);
    round_trip::<Lns12Lut>(ModelKind::Mlp);
    round_trip::<Lns12Shift>(ModelKind::Mlp);
    round_trip::<f32>(ModelKind::Cnn);
    round_trip::<Lns16Lut>(ModelKind::Cnn);
}

/// LNS words survive bit for bit, every one of the 65,536 codes.
#[test]
fn every_lns16_word_survives() {
    let mut m = Model::<Lns16Lut>::new(ModelKind::Mlp, 28, 28, 1);
    for p in m.params_mut() {
        for (i, v) in p.value.iter_mut().enumerate() {
            *v = Lns16Lut::from_bits((i * 7919 % 65536) as u16);
        }
    }
    let back = from_bytes::<Lns16Lut>(&to_bytes(&m)).unwrap();
    for (a, b) in back.params().iter().zip(m.params()) {
        for (x, y) in a.iter().zip(b) {
            assert!(x.to_bits() == y.to_bits() || (x.is_zero() && y.is_zero()));
        }
    }
}

#[test]
fn file_round_trip_and_missing_file() {
    let dir = std::env::temp_dir().join(format!("lognum-nn-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.ckpt");
    let m = Model::<Lns12Shift>::new(ModelKind::Cnn, 28, 28, 9);
    checkpoint::save(&m, &path).unwrap();
    assert_eq!(checkpoint::read_info(&path).unwrap().model, ModelKind::Cnn);
    assert_eq!(
        checkpoint::load::<Lns12Shift>(&path).unwrap().params(),
        m.params()
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        checkpoint::load::<Lns12Shift>(&path),
        Err(NnError::Checkpoint(CheckpointError::Io(_)))
    ));
}

fn mlp_bytes() -> Vec<u8> {
    to_bytes(&Model::<Lns16Lut>::new(ModelKind::Mlp, 28, 28, 2))
}

#[test]
fn wrong_format_names_both() {
    let bytes = mlp_bytes();
    let err = from_bytes::<Lns16Shift>(&bytes).unwrap_err();
    assert!(matches!(
        err,
        NnError::Checkpoint(CheckpointError::FormatMismatch { .. })
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("lns16-lut") && msg.contains("lns16-shift"),
        "{msg}"
    );
    assert!(from_bytes::<f32>(&bytes).is_err());
    assert!(from_bytes::<Lns12Lut>(&bytes).is_err());
}

/// Every truncation is an error, not a panic.
#[test]
fn truncated_at_every_length() {
    let bytes = to_bytes(&Model::<f32>::new(ModelKind::Mlp, 4, 4, 2));
    for len in 0..bytes.len() {
        assert!(from_bytes::<f32>(&bytes[..len]).is_err(), "length {len}");
    }
    let big = mlp_bytes();
    for len in [
        0,
        7,
        8,
        11,
        12,
        13,
        30,
        big.len() / 2,
        big.len() - 9,
        big.len() - 1,
    ] {
        assert!(from_bytes::<Lns16Lut>(&big[..len]).is_err(), "length {len}");
    }
}

/// Flipping any single bit is detected (magic, version, checksum or the
/// checksum over the rest).
#[test]
fn corrupted_bits_are_detected() {
    let bytes = to_bytes(&Model::<Lns16Lut>::new(ModelKind::Mlp, 3, 3, 2));
    for i in 0..bytes.len() {
        for bit in [0, 3, 7] {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            assert!(from_bytes::<Lns16Lut>(&bad).is_err(), "byte {i} bit {bit}");
        }
    }
}

#[test]
fn wrong_magic_version_and_trailing_bytes() {
    let bytes = mlp_bytes();
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert!(matches!(
        from_bytes::<Lns16Lut>(&bad),
        Err(NnError::Checkpoint(CheckpointError::BadMagic))
    ));
    let mut bad = bytes.clone();
    bad[8] = 2;
    assert!(matches!(
        from_bytes::<Lns16Lut>(&bad),
        Err(NnError::Checkpoint(CheckpointError::UnsupportedVersion(2)))
    ));
    let mut bad = bytes.clone();
    bad.push(0);
    assert!(from_bytes::<Lns16Lut>(&bad).is_err());
    assert!(from_bytes::<Lns16Lut>(b"").is_err());
    assert!(from_bytes::<Lns16Lut>(b"LGNMCKPT").is_err());
}

/// Random garbage after a valid header, with a valid checksum: inconsistent
/// shapes and counts are still refused, without panicking.
#[test]
fn consistent_checksum_with_bad_contents() {
    let bytes = to_bytes(&Model::<f32>::new(ModelKind::Mlp, 4, 4, 2));
    let fnv = |b: &[u8]| {
        b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
            (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let body_len = bytes.len() - 8;
    // Header: magic 8, version 4, name len 2 + 3 ("f32"), model 1, rows 4, cols 4.
    let model_at = 8 + 4 + 2 + 3;
    for (offset, value) in [
        (model_at, 9u8),
        (model_at + 1, 0),
        (model_at + 9, 7),
        (model_at + 10, 0xff),
    ] {
        let mut bad = bytes[..body_len].to_vec();
        bad[offset] = value;
        let sum = fnv(&bad);
        bad.extend_from_slice(&sum.to_le_bytes());
        assert!(from_bytes::<f32>(&bad).is_err(), "offset {offset}");
    }
}
