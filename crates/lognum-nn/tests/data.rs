//! Integration tests for `lognum_nn::data`: the real MNIST subset, crafted bad
//! files (each error must name its file), a never-panic property test of the
//! parser, and the seeded mini-batch order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::{Compression, write::GzEncoder};
use lognum_nn::data::{
    Batches, DataError, Dataset, IdxKind, MAX_PAYLOAD_BYTES, NUM_CLASSES, find_mnist_subset,
    load_idx_dir, parse_idx, read_idx,
};
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "lognum-nn-data-test-{}-{n}-{tag}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn idx(magic: [u8; 4], dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut v = magic.to_vec();
    for d in dims {
        v.extend(d.to_be_bytes());
    }
    v.extend(payload);
    v
}

fn images_file(count: u32, rows: u32, cols: u32, fill: u8) -> Vec<u8> {
    let n = (count * rows * cols) as usize;
    idx([0, 0, 8, 3], &[count, rows, cols], &vec![fill; n])
}

fn labels_file(labels: &[u8]) -> Vec<u8> {
    idx([0, 0, 8, 1], &[labels.len() as u32], labels)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Asserts `result` failed and its message names `file`; returns the error.
#[track_caller]
fn err_naming<T: std::fmt::Debug>(result: Result<T, DataError>, file: &str) -> DataError {
    let err = result.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(file), "message {msg:?} does not name {file:?}");
    err
}

/// Writes `bytes` as `name` in a fresh dir and reads it as `kind`.
fn read_crafted(name: &str, bytes: &[u8], kind: IdxKind) -> DataError {
    let dir = TempDir::new(name);
    let path = dir.write(name, bytes);
    err_naming(read_idx(&path, kind), name)
}

// ---------------------------------------------------------- the real data

fn subset_dir() -> PathBuf {
    find_mnist_subset().expect(
        "MNIST subset not found: expected shared/data/mnist-10k beside the workspace root, \
         or set LOGNUM_DATA to the directory holding the four IDX files",
    )
}

#[test]
fn real_mnist_subset_loads() {
    let (train, test) = load_idx_dir(&subset_dir()).unwrap();
    assert_eq!((train.len(), test.len()), (8000, 2000));
    for ds in [&train, &test] {
        assert_eq!(ds.image_size(), Some((28, 28)));
        assert_eq!(ds.feature_shape(), &[1, 28, 28]);
        assert_eq!(ds.num_classes(), NUM_CLASSES);
        assert_eq!(ds.pixels().unwrap().len(), ds.len() * 784);

        // MNIST classes are roughly balanced: each is 9-11% of the full set;
        // allow 6-14% for a subset.
        let mut hist = [0usize; NUM_CLASSES];
        for &l in ds.labels() {
            hist[l] += 1;
        }
        for (class, &n) in hist.iter().enumerate() {
            let share = n as f64 / ds.len() as f64;
            assert!((0.06..0.14).contains(&share), "class {class}: {hist:?}");
        }

        // Mostly black background with bright strokes: mean intensity about
        // 0.13, pixels span the full range.
        let px = ds.features_f32();
        let mean = px.iter().sum::<f32>() / px.len() as f32;
        assert!((0.08..0.2).contains(&mean), "mean pixel {mean}");
        assert_eq!(ds.pixels().unwrap().iter().max(), Some(&255));
        assert_eq!(ds.pixels().unwrap().iter().min(), Some(&0));
    }
    assert_eq!(train.clone().limit(100).len(), 100);
    let head = train.head(100);
    assert_eq!(head.pixels().unwrap(), &train.pixels().unwrap()[..78_400]);
    assert_eq!(head.labels(), &train.labels()[..100]);
}

/// The same data unpacked to plain files loads identically, under both the
/// plain names and (content sniffing, not names) under the `.gz` names.
#[test]
fn plain_and_gzip_files_agree() {
    use std::io::Read;
    let src = subset_dir();
    let dir = TempDir::new("plain");
    for name in [
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
    ] {
        let gz = std::fs::read(src.join(format!("{name}.gz"))).unwrap();
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        dir.write(name, &plain);
    }
    let from_gz = load_idx_dir(&src).unwrap();
    let from_plain = load_idx_dir(&dir.0).unwrap();
    assert_eq!(from_gz, from_plain);

    // Plain bytes under a .gz name still load.
    let plain = std::fs::read(dir.0.join("t10k-labels-idx1-ubyte")).unwrap();
    let misnamed = dir.write("misnamed.gz", &plain);
    assert_eq!(
        read_idx(&misnamed, IdxKind::Labels).unwrap().dims(),
        &[2000]
    );
}

// ------------------------------------------------------------- bad files

#[test]
fn wrong_magic_is_rejected() {
    let not_idx = read_crafted("garbage-idx", b"\x89PNG\r\n\x1a\n", IdxKind::Images);
    assert!(matches!(
        not_idx,
        DataError::NotIdx {
            magic: 0x8950_4E47,
            ..
        }
    ));

    let f32_type = idx([0, 0, 0x0D, 3], &[1, 1, 1], &[0; 4]);
    let err = read_crafted("f32-idx", &f32_type, IdxKind::Images);
    assert!(matches!(
        err,
        DataError::UnsupportedType {
            type_code: 0x0D,
            ..
        }
    ));
    assert!(err.to_string().contains("f32"), "{err}");

    // A label file where images are expected, and the other way round.
    let err = read_crafted("labels-as-images", &labels_file(&[1, 2]), IdxKind::Images);
    assert!(matches!(
        err,
        DataError::WrongRank {
            expected: IdxKind::Images,
            found: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("0x00000803"), "{err}");
    let err = read_crafted(
        "images-as-labels",
        &images_file(1, 2, 2, 0),
        IdxKind::Labels,
    );
    assert!(matches!(err, DataError::WrongRank { found: 3, .. }));
}

#[test]
fn truncated_payload_is_rejected() {
    let mut bytes = images_file(3, 4, 4, 7);
    bytes.pop();
    let err = read_crafted("short-images", &bytes, IdxKind::Images);
    assert!(matches!(
        err,
        DataError::TruncatedPayload {
            expected: 48,
            found: 47,
            ..
        }
    ));

    // The same, gzip-compressed: the stream is fine, its content is short.
    let err = read_crafted("short-images.gz", &gzip(&bytes), IdxKind::Images);
    assert!(matches!(err, DataError::TruncatedPayload { .. }), "{err:?}");

    // Cut inside the header's dimensions.
    let err = read_crafted("short-header", &bytes[..10], IdxKind::Images);
    assert!(matches!(
        err,
        DataError::TruncatedHeader {
            needed: 16,
            found: 10,
            ..
        }
    ));
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = labels_file(&[1, 2, 3]);
    bytes.push(0);
    let err = read_crafted("long-labels", &bytes, IdxKind::Labels);
    assert!(matches!(err, DataError::TrailingBytes { expected: 3, .. }));
    let err = read_crafted("long-labels.gz", &gzip(&bytes), IdxKind::Labels);
    assert!(matches!(err, DataError::TrailingBytes { .. }));
}

/// Headers declaring more than 2^31 bytes are refused from the header alone;
/// the files are 16 bytes, so any attempt to allocate or read the declared
/// size would abort or fail differently.
#[test]
fn absurd_dims_are_rejected_before_allocating() {
    let max = u32::MAX;
    let err = read_crafted(
        "huge-images",
        &idx([0, 0, 8, 3], &[max, max, max], &[]),
        IdxKind::Images,
    );
    let expected = u128::from(max).pow(3);
    assert!(matches!(err, DataError::TooLarge { bytes, .. } if bytes == expected));

    let err = read_crafted(
        "huge2-images",
        &idx([0, 0, 8, 3], &[max, max, 1], &[]),
        IdxKind::Images,
    );
    assert!(matches!(err, DataError::TooLarge { .. }));

    let err = read_crafted(
        "huge-labels",
        &idx([0, 0, 8, 1], &[max], &[1, 2]),
        IdxKind::Labels,
    );
    assert!(matches!(err, DataError::TooLarge { .. }));

    // 2^31 + 1 bytes: just over the limit.
    let just_over = idx([0, 0, 8, 3], &[(1 << 31) + 1, 1, 1], &[]);
    let err = read_crafted("just-over", &just_over, IdxKind::Images);
    assert!(
        matches!(err, DataError::TooLarge { bytes, .. } if bytes == u128::from(MAX_PAYLOAD_BYTES) + 1)
    );
}

#[test]
fn zero_dims_are_rejected() {
    for (i, dims) in [[0, 28, 28], [10, 0, 28], [10, 28, 0]].iter().enumerate() {
        let name = format!("zero-dim-{i}");
        let err = read_crafted(&name, &idx([0, 0, 8, 3], dims, &[]), IdxKind::Images);
        assert!(matches!(err, DataError::ZeroDim { .. }));
    }
    let err = read_crafted("zero-labels", &labels_file(&[]), IdxKind::Labels);
    assert!(matches!(err, DataError::ZeroDim { .. }));
}

#[test]
fn corrupt_gzip_is_rejected() {
    let good = gzip(&labels_file(&[1, 2, 3, 4, 5]));

    // Valid gzip header, then bytes that are not deflate data.
    let mut garbage = good[..10].to_vec();
    garbage.extend([0xFF; 20]);
    let err = read_crafted("garbage.gz", &garbage, IdxKind::Labels);
    assert!(matches!(err, DataError::CorruptGzip { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());

    // Cut short: the stream ends inside the deflate data or trailer. flate2
    // reports this as an unexpected end; should a decoder ever end quietly
    // instead, the payload length check still catches it.
    for cut in [good.len() / 2, good.len() - 1] {
        let err = read_crafted(&format!("cut-{cut}.gz"), &good[..cut], IdxKind::Labels);
        assert!(
            matches!(
                err,
                DataError::CorruptGzip { .. } | DataError::TruncatedPayload { .. }
            ),
            "{err:?}"
        );
    }

    // Wrong CRC-32 (the 8 trailer bytes are CRC then length).
    let mut bad_crc = good.clone();
    let i = bad_crc.len() - 8;
    bad_crc[i] ^= 1;
    let err = read_crafted("crc.gz", &bad_crc, IdxKind::Labels);
    assert!(matches!(err, DataError::CorruptGzip { .. }), "{err:?}");

    // Garbage after a complete gzip member.
    let mut tail = good.clone();
    tail.extend(b"junk");
    let err = read_crafted("tail.gz", &tail, IdxKind::Labels);
    assert!(matches!(err, DataError::CorruptGzip { .. }), "{err:?}");

    // Just the two magic bytes.
    let err = read_crafted("magic-only.gz", &[0x1F, 0x8B], IdxKind::Labels);
    assert!(matches!(err, DataError::CorruptGzip { .. }), "{err:?}");
}

#[test]
fn empty_file_is_rejected() {
    let err = read_crafted("empty-file", &[], IdxKind::Images);
    assert!(matches!(err, DataError::TruncatedHeader { found: 0, .. }));
    assert!(err.to_string().contains("empty"), "{err}");
    // An empty gzip stream decompresses to an empty file.
    let err = read_crafted("empty-file.gz", &gzip(&[]), IdxKind::Labels);
    assert!(matches!(err, DataError::TruncatedHeader { found: 0, .. }));
}

#[test]
fn label_count_mismatch_is_rejected() {
    let dir = TempDir::new("count");
    let images = dir.write("count-images", &images_file(3, 2, 2, 0));
    let labels = dir.write("count-labels", &labels_file(&[1, 2]));
    let err = err_naming(Dataset::load(&images, &labels), "count-labels");
    assert!(err.to_string().contains("count-images"), "{err}");
    assert!(matches!(
        err,
        DataError::CountMismatch {
            image_count: 3,
            label_count: 2,
            ..
        }
    ));
}

#[test]
fn label_out_of_range_is_rejected() {
    let dir = TempDir::new("range");
    let images = dir.write("range-images", &images_file(3, 2, 2, 0));
    let labels = dir.write("range-labels", &labels_file(&[1, 200, 10]));
    let err = err_naming(Dataset::load(&images, &labels), "range-labels");
    assert!(matches!(
        err,
        DataError::LabelOutOfRange {
            index: 1,
            label: 200,
            num_classes: 10,
            ..
        }
    ));
}

/// A standard name that is a directory or a symlink loop is reported as
/// what it is, not as missing.
#[cfg(unix)]
#[test]
fn directories_and_link_loops_are_not_missing() {
    let dir = TempDir::new("not-a-file");
    dir.write("train-images-idx3-ubyte", &images_file(2, 3, 3, 1));
    dir.write("train-labels-idx1-ubyte", &labels_file(&[0, 9]));
    dir.write("t10k-images-idx3-ubyte", &images_file(1, 3, 3, 2));
    std::fs::create_dir(dir.0.join("t10k-labels-idx1-ubyte")).unwrap();
    let err = err_naming(load_idx_dir(&dir.0), "t10k-labels-idx1-ubyte");
    assert!(matches!(err, DataError::NotAFile { .. }), "{err}");
    assert!(err.to_string().contains("is a directory"), "{err}");

    std::fs::remove_dir(dir.0.join("t10k-labels-idx1-ubyte")).unwrap();
    // a -> b -> a: following either fails with "too many levels".
    let (a, b) = (dir.0.join("t10k-labels-idx1-ubyte"), dir.0.join("loop"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let err = err_naming(load_idx_dir(&dir.0), "t10k-labels-idx1-ubyte");
    assert!(matches!(err, DataError::NotAFile { .. }), "{err}");
    assert!(
        err.to_string().contains("link that cannot be followed"),
        "{err}"
    );
    assert!(!err.to_string().contains("missing"), "{err}");
}

#[test]
fn missing_files_are_named() {
    let dir = TempDir::new("missing");
    dir.write("train-images-idx3-ubyte", &images_file(2, 3, 3, 1));
    dir.write("train-labels-idx1-ubyte.gz", &gzip(&labels_file(&[0, 9])));
    dir.write("t10k-images-idx3-ubyte.gz", &gzip(&images_file(1, 3, 3, 2)));
    let err = err_naming(load_idx_dir(&dir.0), "t10k-labels-idx1-ubyte");
    assert!(
        matches!(&err, DataError::Missing { names, .. } if names == &["t10k-labels-idx1-ubyte"])
    );
    assert!(!err.to_string().contains("train-images"), "{err}");

    // Supplying it (plain) completes the set.
    dir.write("t10k-labels-idx1-ubyte", &labels_file(&[5]));
    let (train, test) = load_idx_dir(&dir.0).unwrap();
    assert_eq!((train.len(), test.len()), (2, 1));
    assert_eq!(test.pixels().unwrap(), &[2; 9]);

    // A nonexistent path given directly: an I/O error naming it.
    let err = err_naming(
        read_idx(&dir.0.join("no-such-file"), IdxKind::Labels),
        "no-such-file",
    );
    assert!(matches!(err, DataError::Io { .. }));
}

#[test]
fn test_shape_must_match_train() {
    let dir = TempDir::new("shape");
    dir.write("train-images-idx3-ubyte", &images_file(1, 3, 3, 1));
    dir.write("train-labels-idx1-ubyte", &labels_file(&[0]));
    dir.write("t10k-images-idx3-ubyte", &images_file(1, 3, 4, 1));
    dir.write("t10k-labels-idx1-ubyte", &labels_file(&[0]));
    let err = err_naming(load_idx_dir(&dir.0), "t10k-images-idx3-ubyte");
    assert!(matches!(err, DataError::ShapeMismatch { .. }));
}

// ------------------------------------------------- the parser never panics

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Set { at: usize, value: u8 },
    Truncate { len: usize },
    Insert { at: usize, value: u8 },
    Remove { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=u8::MAX).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Set { at, value }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Insert { at, value }),
        any::<usize>().prop_map(|at| Mutation::Remove { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match *m {
        Mutation::Flip { at, mask } if n > 0 => bytes[at % n] ^= mask,
        Mutation::Set { at, value } if n > 0 => bytes[at % n] = value,
        Mutation::Truncate { len } => bytes.truncate(len % (n + 1)),
        Mutation::Insert { at, value } => bytes.insert(at % (n + 1), value),
        Mutation::Remove { at } if n > 0 => {
            bytes.remove(at % n);
        }
        _ => {}
    }
}

/// Parses as both kinds; on success the invariant dims/data must hold.
fn parse_both(bytes: &[u8]) {
    for kind in [IdxKind::Images, IdxKind::Labels] {
        match parse_idx(bytes, Path::new("fuzz.idx"), kind) {
            Ok(a) => {
                assert_eq!(a.dims().len(), kind.ndims());
                assert_eq!(a.data().len(), a.dims().iter().product::<usize>());
            }
            Err(e) => assert!(e.to_string().contains("fuzz.idx")),
        }
    }
}

/// The default number of cases from a fixed seed, so that every run (CI
/// included) draws the same ones.
fn seeded(seed: u64) -> ProptestConfig {
    ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(seeded(0xda7a_0001))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        parse_both(&bytes);
    }

    /// Random bytes behind a plausible header, so the checks past the magic
    /// get exercised too.
    #[test]
    fn random_headers_never_panic(
        ndims in 0u8..5,
        dims in prop::collection::vec(prop_oneof![0u32..6, any::<u32>()], 0..4),
        payload in prop::collection::vec(any::<u8>(), 0..80),
        gz in any::<bool>(),
    ) {
        let mut bytes = vec![0, 0, 8, ndims];
        for d in dims {
            bytes.extend(d.to_be_bytes());
        }
        bytes.extend(payload);
        if gz {
            bytes = gzip(&bytes);
        }
        parse_both(&bytes);
    }

    #[test]
    fn mutated_valid_files_never_panic(
        mutations in prop::collection::vec(mutation(), 0..4),
        gz in any::<bool>(),
        mutate_after_gzip in any::<bool>(),
    ) {
        let mut bytes = images_file(2, 3, 2, 9);
        if gz && !mutate_after_gzip {
            for m in &mutations {
                apply(&mut bytes, m);
            }
            bytes = gzip(&bytes);
        } else {
            if gz {
                bytes = gzip(&bytes);
            }
            for m in &mutations {
                apply(&mut bytes, m);
            }
        }
        parse_both(&bytes);
        if mutations.is_empty() {
            let a = parse_idx(&bytes[..], Path::new("ok.idx"), IdxKind::Images).unwrap();
            prop_assert_eq!(a.dims(), &[2, 3, 2]);
        }
    }
}

// ------------------------------------------------------------- batches

proptest! {
    #![proptest_config(seeded(0xda7a_0002))]

    #[test]
    fn batches_cover_every_index_once(
        len in 0usize..300,
        batch_size in 1usize..70,
        seed in any::<u64>(),
        epoch in 0u64..1000,
    ) {
        let batches: Vec<Vec<usize>> = Batches::new(len, batch_size, seed, epoch).collect();
        prop_assert_eq!(batches.len(), len.div_ceil(batch_size));
        for (i, b) in batches.iter().enumerate() {
            let full = i + 1 < batches.len() || len % batch_size == 0;
            let expect = if full { batch_size } else { len % batch_size };
            prop_assert_eq!(b.len(), expect);
        }
        let mut all = batches.concat();
        all.sort_unstable();
        prop_assert_eq!(all, (0..len).collect::<Vec<_>>());
    }

    #[test]
    fn batches_are_deterministic_per_seed_and_epoch(seed in any::<u64>(), epoch in 0u64..1000) {
        let a: Vec<_> = Batches::new(50, 8, seed, epoch).collect();
        let b: Vec<_> = Batches::new(50, 8, seed, epoch).collect();
        prop_assert_eq!(&a, &b);
        // Another epoch or seed reorders (a collision has probability 1/50!).
        let other_epoch: Vec<_> = Batches::new(50, 8, seed, epoch + 1).collect();
        let other_seed: Vec<_> = Batches::new(50, 8, seed ^ 1, epoch).collect();
        prop_assert_ne!(&a, &other_epoch);
        prop_assert_ne!(&a, &other_seed);
    }
}

/// Pins the epoch-0 order for seed 42, so an accidental change of the
/// generator or of the shuffle (which would silently change every
/// reproduced run) fails here.
#[test]
fn batch_order_is_pinned() {
    let order = Batches::new(10, 3, 42, 0).order().to_vec();
    assert_eq!(order, PINNED_ORDER);
}

const PINNED_ORDER: [usize; 10] = [9, 3, 8, 2, 4, 5, 6, 0, 1, 7];

/// Datasets of f32 features of any shape: the values kept as given,
/// every bad part refused with the cause.
#[test]
fn feature_datasets() {
    let ds =
        Dataset::from_features(vec![0.5, -2.0, 3.0, 4.0, 1e-3, 7.0], &[3], vec![1, 0], 2).unwrap();
    assert_eq!(
        (ds.len(), ds.feature_shape(), ds.feature_len()),
        (2, &[3][..], 3)
    );
    assert_eq!(ds.image_size(), None);
    assert_eq!(ds.pixels(), None);
    assert_eq!(ds.features_f32(), vec![0.5, -2.0, 3.0, 4.0, 1e-3, 7.0]);
    assert_eq!(ds.map_features(|v| v * 2.0)[1], -4.0);
    assert_eq!(ds.head(1).features_f32(), vec![0.5, -2.0, 3.0]);
    assert_eq!(ds.label(1), 0);
    let bad = |r: Result<Dataset, DataError>, needle: &str| {
        let err = r.unwrap_err().to_string();
        assert!(err.contains(needle), "{needle:?} not in {err}");
    };
    bad(
        Dataset::from_features(vec![0.0; 5], &[3], vec![0, 1], 2),
        "values",
    );
    bad(
        Dataset::from_features(vec![f32::NAN; 3], &[3], vec![0], 2),
        "finite",
    );
    bad(
        Dataset::from_features(vec![f32::INFINITY; 3], &[3], vec![0], 2),
        "finite",
    );
    bad(
        Dataset::from_features(vec![0.0; 3], &[3], vec![2], 2),
        "num_classes",
    );
    bad(Dataset::from_features(vec![], &[0], vec![], 2), "no zero");
    bad(
        Dataset::from_features(vec![0.0; 3], &[3], vec![0], 0),
        "num_classes",
    );
    bad(
        Dataset::from_features(vec![0.0; 3], &[usize::MAX, 2], vec![0], 2),
        "overflows",
    );
    // Images as features: [channels, rows, cols].
    let img = Dataset::from_features(vec![0.25; 2 * 12], &[3, 2, 2], vec![0, 0], 1).unwrap();
    assert_eq!(img.feature_shape(), &[3, 2, 2]);
}
