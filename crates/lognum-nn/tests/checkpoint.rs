//! Safetensors checkpoints: round trips in every format, the layout other
//! tools read, and refusal of bad input with the cause named.

use std::collections::HashMap;

use lognum_nn::checkpoint::{
    self, CHECKSUM_KEY, FORMAT_KEY, LAYERS_KEY, VERSION_KEY, export_f32, from_bytes, info,
    load_bytes_into, to_bytes,
};
use lognum_nn::format::*;
use lognum_nn::layers::{Layer, LayerSpec, LeakyRelu, Linear, Sequential};
use lognum_nn::model::ModelSpec;
use lognum_nn::{CheckpointError, NnError, NnScalar, WordType};
use safetensors::{Dtype, SafeTensors};

/// A small network of `spec` in `T` with every parameter perturbed, so that
/// biases are not all zero.
fn net<T: NnScalar>(spec: &ModelSpec) -> Sequential<T> {
    let mut m = spec.build::<T>(&[1, 8, 8], 4, 5).unwrap();
    for p in m.params_mut() {
        for (i, v) in p.value.iter_mut().enumerate() {
            *v = v.scalar_add(T::from_f64_lossy((i % 7) as f64 * 0.01 - 0.03));
        }
    }
    m
}

/// Saves and loads; compares the raw words and the metadata.
fn round_trip<T: NnScalar>(spec: &ModelSpec) {
    let m = net::<T>(spec);
    let bytes = to_bytes(&m).unwrap();
    let back = from_bytes::<T>(&bytes).unwrap();
    assert_eq!(back.spec(), m.spec());
    let words = |net: &Sequential<T>| -> Vec<u8> {
        let mut out = Vec::new();
        for p in net.params() {
            for &v in p {
                v.write_word(&mut out);
            }
        }
        out
    };
    assert_eq!(words(&back), words(&m), "{}", T::format_name());
    let info = info(&bytes).unwrap();
    assert_eq!(info.format, T::format_name());
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    // Each tensor holds the format's raw words with its dtype.
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let dtype = match T::WORD {
        WordType::U16 => Dtype::U16,
        WordType::I16 => Dtype::I16,
        WordType::U32 => Dtype::U32,
        WordType::F32 => Dtype::F32,
        WordType::F64 => Dtype::F64,
        other => panic!("unknown word type {other:?}"),
    };
    for (name, shape) in m.param_names().iter().zip(m.param_shapes()) {
        let t = st.tensor(name).unwrap();
        assert_eq!(t.dtype(), dtype, "{name}");
        assert_eq!(t.shape(), shape.as_slice(), "{name}");
    }
}

#[test]
fn round_trip_every_format() {
    let mlp = ModelSpec::Mlp { hidden: vec![6, 5] };
    for f in Format::ALL {
        lognum_nn::with_format_type!(f, T => round_trip::<T>(&mlp));
        let name = lognum_nn::with_format_type!(f, T => <T as NnScalar>::format_name());
        assert_eq!(name.parse::<Format>().unwrap(), f);
    }
    round_trip::<f32>(&ModelSpec::Cnn);
    round_trip::<Lns16Lut>(&ModelSpec::Cnn);
    round_trip::<lognum_nn::WideMaster>(&mlp);
}

/// The dtypes the format table promises.
#[test]
fn dtypes_per_format() {
    assert_eq!(<Lns16Lut as NnScalar>::WORD, WordType::U16);
    assert_eq!(<Lns12Shift as NnScalar>::WORD, WordType::U16);
    assert_eq!(<Bf16 as NnScalar>::WORD, WordType::U16);
    assert_eq!(<F16 as NnScalar>::WORD, WordType::U16);
    assert_eq!(<Fixed16 as NnScalar>::WORD, WordType::I16);
    assert_eq!(<f32 as NnScalar>::WORD, WordType::F32);
    assert_eq!(<f64 as NnScalar>::WORD, WordType::F64);
    assert_eq!(<lognum_nn::WideMaster as NnScalar>::WORD, WordType::U32);
}

/// LNS words survive bit for bit, every one of the 65,536 codes.
#[test]
fn every_lns16_word_survives() {
    let mut m = Sequential::<Lns16Lut>::new().with(Linear::new(256, 256));
    for p in m.params_mut() {
        for (i, v) in p.value.iter_mut().enumerate() {
            *v = Lns16Lut::from_bits((i % 65536) as u16);
        }
    }
    let back = from_bytes::<Lns16Lut>(&to_bytes(&m).unwrap()).unwrap();
    for (a, b) in back.params().iter().zip(m.params()) {
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }
}

#[test]
fn file_round_trip_and_missing_file() {
    let dir = std::env::temp_dir().join(format!("lognum-nn-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.safetensors");
    let m = net::<Lns12Shift>(&ModelSpec::Cnn);
    checkpoint::save(&m, &path).unwrap();
    assert_eq!(checkpoint::read_info(&path).unwrap().layers, m.spec());
    assert_eq!(
        checkpoint::load::<Lns12Shift>(&path).unwrap().params(),
        m.params()
    );
    let mut into = ModelSpec::Cnn
        .build::<Lns12Shift>(&[1, 8, 8], 4, 99)
        .unwrap();
    checkpoint::load_into(&mut into, &path).unwrap();
    assert_eq!(into.params(), m.params());
    // A directory is not a checkpoint.
    assert!(matches!(
        checkpoint::load::<Lns12Shift>(&dir),
        Err(NnError::Checkpoint(CheckpointError::Io(_)))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        checkpoint::load::<Lns12Shift>(&path),
        Err(NnError::Checkpoint(CheckpointError::Io(_)))
    ));
}

fn mlp_bytes() -> Vec<u8> {
    to_bytes(&net::<Lns16Lut>(&ModelSpec::Mlp { hidden: vec![10] })).unwrap()
}

/// One network saved several times gives the same bytes every time, in the
/// 16-bit and the one-byte formats, and so does an f32 export: the header's
/// keys are written in sorted order, not in a hash map's.
#[test]
fn saving_is_deterministic() {
    let spec: ModelSpec = "mlp:5".parse().unwrap();
    let m = net::<Lns16Lut>(&spec);
    let first = to_bytes(&m).unwrap();
    for _ in 0..8 {
        assert_eq!(to_bytes(&m).unwrap(), first);
        assert_eq!(
            export_f32(&first).unwrap(),
            export_f32(&to_bytes(&m).unwrap()).unwrap()
        );
    }
    let header_len = u64::from_le_bytes(first[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&first[8..8 + header_len]).unwrap();
    let mut keys = [CHECKSUM_KEY, FORMAT_KEY, LAYERS_KEY, VERSION_KEY];
    keys.sort();
    let at: Vec<usize> = keys
        .iter()
        .map(|k| header.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(at.is_sorted(), "{header}");
    let one_byte = lognum_nn::lns8::Lns8Mlp::<3, lognum::Lut>::new(
        &spec,
        64,
        4,
        5,
        &lognum_nn::lns8::Lns8Optimizer::madam(),
        false,
    )
    .unwrap();
    let first = one_byte.to_bytes().unwrap();
    for _ in 0..8 {
        assert_eq!(one_byte.to_bytes().unwrap(), first);
    }
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
    let mut target = ModelSpec::Mlp { hidden: vec![10] }
        .build::<f32>(&[1, 8, 8], 4, 1)
        .unwrap();
    assert!(matches!(
        load_bytes_into(&mut target, &bytes),
        Err(NnError::Checkpoint(CheckpointError::FormatMismatch { .. }))
    ));
}

/// Loading into a network of another shape names both specs and leaves
/// the network unchanged.
#[test]
fn wrong_network_is_refused() {
    let bytes = mlp_bytes();
    let mut other = ModelSpec::Mlp { hidden: vec![11] }
        .build::<Lns16Lut>(&[1, 8, 8], 4, 1)
        .unwrap();
    let before: Vec<Vec<Lns16Lut>> = other.params().iter().map(|p| p.to_vec()).collect();
    let err = load_bytes_into(&mut other, &bytes).unwrap_err();
    assert!(
        matches!(
            err,
            NnError::Checkpoint(CheckpointError::ModelMismatch { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("\"outputs\":11"), "{err}");
    let after: Vec<Vec<Lns16Lut>> = other.params().iter().map(|p| p.to_vec()).collect();
    assert_eq!(before, after);
}

/// Every truncation is an error, not a panic; cutting into the data is
/// reported as a truncation with both sizes.
#[test]
fn truncated_at_every_length() {
    let bytes = to_bytes(&net::<f32>(&ModelSpec::Mlp { hidden: vec![3] })).unwrap();
    for len in 0..bytes.len() {
        assert!(from_bytes::<f32>(&bytes[..len]).is_err(), "length {len}");
    }
    let big = mlp_bytes();
    let err = from_bytes::<Lns16Lut>(&big[..big.len() - 1]).unwrap_err();
    assert!(
        matches!(
            err,
            NnError::Checkpoint(CheckpointError::Truncated { available, .. }) if available == big.len() - 1
        ),
        "{err}"
    );
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(matches!(
        from_bytes::<Lns16Lut>(&big[..5]),
        Err(NnError::Checkpoint(CheckpointError::Truncated {
            needed: 8,
            ..
        }))
    ));
}

/// Flipping any single bit is detected: in the header (JSON, offsets) or,
/// through the checksum, in the weights.
#[test]
fn corrupted_bits_are_detected() {
    let bytes = to_bytes(&net::<Lns16Lut>(&ModelSpec::Mlp { hidden: vec![2] })).unwrap();
    for i in 0..bytes.len() {
        for bit in [0, 3, 7] {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            if let Ok(net) = from_bytes::<Lns16Lut>(&bad) {
                // Only a bit that leaves the JSON meaning the same (e.g. a
                // digit of the version string) may still load; then the
                // weights must be the same.
                assert_eq!(
                    net.params(),
                    from_bytes::<Lns16Lut>(&bytes).unwrap().params(),
                    "byte {i} bit {bit}"
                );
            }
        }
    }
    let n = bytes.len();
    let mut bad = bytes.clone();
    bad[n - 1] ^= 1;
    let err = from_bytes::<Lns16Lut>(&bad).unwrap_err().to_string();
    assert!(err.contains("checksum"), "{err}");
}

/// A checkpoint of the old format is recognised and refused with advice.
#[test]
fn legacy_checkpoint_is_named() {
    let mut old = b"LGNMCKPT".to_vec();
    old.extend([1, 0, 0, 0, 3, 0]);
    old.extend(b"f32");
    old.extend([0; 40]);
    let err = from_bytes::<f32>(&old).unwrap_err();
    assert!(matches!(
        err,
        NnError::Checkpoint(CheckpointError::LegacyFormat)
    ));
    assert!(err.to_string().contains("old"), "{err}");
}

/// Builds a safetensors file from raw parts, to forge bad checkpoints.
fn forge(tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)], meta: &[(&str, String)]) -> Vec<u8> {
    let views: Vec<_> = tensors
        .iter()
        .map(|(n, d, s, b)| {
            (
                n.to_string(),
                safetensors::tensor::TensorView::new(*d, s.clone(), b).unwrap(),
            )
        })
        .collect();
    let meta: HashMap<String, String> = meta
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    safetensors::serialize(views, Some(meta)).unwrap()
}

fn linear_spec(i: usize, o: usize) -> String {
    serde_json::to_string(&LayerSpec::Sequential {
        layers: vec![LayerSpec::Linear {
            inputs: i,
            outputs: o,
        }],
    })
    .unwrap()
}

fn meta(format: &str, layers: String) -> Vec<(&'static str, String)> {
    vec![
        (FORMAT_KEY, format.to_string()),
        (LAYERS_KEY, layers),
        (VERSION_KEY, "0.0.0".into()),
    ]
}

fn expect_corrupt(bytes: &[u8], needle: &str) {
    let err = from_bytes::<f32>(bytes).unwrap_err();
    assert!(
        matches!(err, NnError::Checkpoint(CheckpointError::Corrupt(_)))
            || matches!(err, NnError::Config { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
}

/// Missing, extra, misshaped and mistyped tensors, invalid words and bad
/// metadata are each refused with the cause.
#[test]
fn forged_contents_are_refused() {
    let f = |n: usize| vec![0u8; 4 * n];
    let good = forge(
        &[
            ("0.weight", Dtype::F32, vec![2, 3], f(6)),
            ("0.bias", Dtype::F32, vec![3], f(3)),
        ],
        &meta("f32", linear_spec(2, 3)),
    );
    assert_eq!(from_bytes::<f32>(&good).unwrap().num_params(), 9);

    expect_corrupt(
        &forge(
            &[("0.weight", Dtype::F32, vec![2, 3], f(6))],
            &meta("f32", linear_spec(2, 3)),
        ),
        "\"0.bias\" is missing",
    );
    expect_corrupt(
        &forge(
            &[
                ("0.weight", Dtype::F32, vec![2, 3], f(6)),
                ("0.bias", Dtype::F32, vec![3], f(3)),
                ("1.bias", Dtype::F32, vec![3], f(3)),
            ],
            &meta("f32", linear_spec(2, 3)),
        ),
        "\"1.bias\" is not a parameter",
    );
    expect_corrupt(
        &forge(
            &[
                ("0.weight", Dtype::F32, vec![3, 2], f(6)),
                ("0.bias", Dtype::F32, vec![3], f(3)),
            ],
            &meta("f32", linear_spec(2, 3)),
        ),
        "shape [3, 2]",
    );
    expect_corrupt(
        &forge(
            &[
                ("0.weight", Dtype::F64, vec![2, 3], vec![0; 48]),
                ("0.bias", Dtype::F32, vec![3], f(3)),
            ],
            &meta("f32", linear_spec(2, 3)),
        ),
        "dtype F64",
    );
    expect_corrupt(&forge(&[], &[(FORMAT_KEY, "f32".into())]), "\"layers\"");
    expect_corrupt(
        &forge(&[], &meta("f32", "{\"type\":\"banana\"}".into())),
        "layer spec",
    );
    let custom = serde_json::to_string(&LayerSpec::Custom {
        name: "mine".into(),
    })
    .unwrap();
    expect_corrupt(&forge(&[], &meta("f32", custom)), "mine");
    // A file of another tool: no lognum metadata at all.
    let err = from_bytes::<f32>(&forge(&[("w", Dtype::F32, vec![1], f(1))], &[])).unwrap_err();
    assert!(err.to_string().contains("not a lognum checkpoint"), "{err}");

    // 12-bit LNS words use 12 bits; the top four must be clear.
    let lns12 = |w: u16| {
        let mut b = Vec::new();
        for _ in 0..6 {
            b.extend(w.to_le_bytes());
        }
        forge(
            &[
                ("0.weight", Dtype::U16, vec![2, 3], b),
                ("0.bias", Dtype::U16, vec![3], vec![0; 6]),
            ],
            &meta("lns12-lut", linear_spec(2, 3)),
        )
    };
    assert!(from_bytes::<Lns12Lut>(&lns12(0x0800)).is_ok());
    let err = from_bytes::<Lns12Lut>(&lns12(0xf800)).unwrap_err();
    assert!(err.to_string().contains("not a lns12-lut word"), "{err}");
    // NaN in an f32 file.
    let nan = f32::NAN.to_le_bytes().repeat(3);
    let bad = forge(
        &[
            ("0.weight", Dtype::F32, vec![2, 3], f(6)),
            ("0.bias", Dtype::F32, vec![3], nan),
        ],
        &meta("f32", linear_spec(2, 3)),
    );
    assert!(from_bytes::<f32>(&bad).is_ok(), "floats keep their words");
    let _ = CHECKSUM_KEY;
}

/// A header that declares a huge network with a tiny file is refused
/// before anything of that size is allocated (this would need 1 GiB).
#[test]
fn huge_declared_shapes_do_not_allocate() {
    let spec = linear_spec(16384, 16384);
    let bytes = forge(&[], &meta("f32", spec));
    let err = from_bytes::<f32>(&bytes).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    let spec = linear_spec(1 << 20, 1 << 20);
    let err = from_bytes::<f32>(&forge(&[], &meta("f32", spec))).unwrap_err();
    assert!(err.to_string().contains("parameters"), "{err}");
    // A header length far beyond the file.
    let mut bytes = (u64::MAX / 2).to_le_bytes().to_vec();
    bytes.extend(b"{}");
    assert!(from_bytes::<f32>(&bytes).is_err());
}

/// Random damage never panics.
#[test]
fn random_damage_never_panics() {
    let bytes = mlp_bytes();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let mut bad = bytes.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % bad.len() as u64) as usize;
            bad[i] = next() as u8;
        }
        let cut = (next() % (bad.len() as u64 + 1)) as usize;
        let _ = from_bytes::<Lns16Lut>(&bad[..cut.max(bad.len() - 3)]);
        let _ = info(&bad[..cut]);
        let _ = export_f32(&bad);
    }
}

/// The export holds F32 values in PyTorch's layout: a linear weight
/// `[out, in]`, the value of every word converted once.
#[test]
fn export_is_pytorch_layout() {
    let w: Vec<Lns16Lut> = (0..6).map(|i| Lns16Lut::from_f64(i as f64 + 1.0)).collect();
    let b = vec![Lns16Lut::from_f64(-0.25); 3];
    let m = Sequential::new()
        .with(Linear::from_weights(2, 3, w.clone(), b).unwrap())
        .with(LeakyRelu::leaky(7));
    let out = export_f32(&to_bytes(&m).unwrap()).unwrap();
    let st = SafeTensors::deserialize(&out).unwrap();
    let t = st.tensor("0.weight").unwrap();
    assert_eq!((t.dtype(), t.shape()), (Dtype::F32, &[3usize, 2][..]));
    let vals: Vec<f32> = t
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    // ours: w[i * 3 + o]; PyTorch: w[o * 2 + i].
    for o in 0..3 {
        for i in 0..2 {
            assert_eq!(vals[o * 2 + i], w[i * 3 + o].to_f64() as f32);
        }
    }
    let bias = st.tensor("0.bias").unwrap();
    assert_eq!(bias.data(), (-0.25f32).to_le_bytes().repeat(3));
    let i = info(&out).unwrap();
    assert_eq!(i.format, "f32-export");
    assert!(
        from_bytes::<f32>(&out).is_err(),
        "an export is not a checkpoint"
    );
}

/// A failed save (the target is a directory) leaves nothing behind, and a
/// save over an existing checkpoint replaces it whole.
#[test]
fn save_is_atomic() {
    let dir = std::env::temp_dir().join(format!("lognum-nn-ckpt-atomic-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let m = net::<f32>(&ModelSpec::Mlp { hidden: vec![3] });
    assert!(checkpoint::save(&m, &dir.join("sub")).is_err());
    let path = dir.join("a.safetensors");
    checkpoint::save(&m, &path).unwrap();
    let m2 = net::<f32>(&ModelSpec::Mlp { hidden: vec![4] });
    checkpoint::save(&m2, &path).unwrap();
    assert_eq!(checkpoint::load::<f32>(&path).unwrap().spec(), m2.spec());
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
