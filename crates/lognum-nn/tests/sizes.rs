//! Absurd sizes are refused before they are allocated: every test here runs
//! in milliseconds and checks, through a global allocator that records the
//! largest single request of this test binary, that no large buffer was
//! ever asked for. Keep every test in this file small, since the record is
//! shared by the tests running in parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use lognum_nn::NnError;
use lognum_nn::data::{DataError, Dataset, IdxKind, MAX_IMAGE_PIXELS, load_idx_dir, read_idx};
use lognum_nn::model::ModelSpec;
use lognum_nn::train::{MAX_EPOCHS, TrainConfig, train, train_model};

/// The system allocator, recording the largest request.
struct Recording;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards its arguments unchanged to `System`, which
// upholds the `GlobalAlloc` contract; recording a size has no side effect
// on the memory.
unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's guarantees on `layout` are passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller
        // guarantees `new_size`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

/// The bound every test checks: 64 MiB, far below any absurd size here.
const SMALL: usize = 64 << 20;

fn assert_nothing_large_allocated() {
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest <= SMALL,
        "an allocation of {largest} bytes was made"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lognum-nn-sizes-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An IDX header: type u8 and the given dimensions.
fn header(dims: &[u32]) -> Vec<u8> {
    let mut h = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        h.extend(d.to_be_bytes());
    }
    h
}

/// A gzip stream whose header declares 2^31 bytes (2.1 GB, exactly the
/// loader's limit) but which holds 8 MiB of data (8 KB compressed): the
/// loader reads what arrives, reports the truncation, and never reserves
/// what the header declared.
#[test]
fn lying_gzip_header_allocates_only_what_arrives() {
    let dir = temp_dir("gzip");
    let path = dir.join("train-images-idx3-ubyte.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&header(&[32_768, 256, 256])).unwrap();
    gz.write_all(&vec![0u8; 8 << 20]).unwrap();
    let bytes = gz.finish().unwrap();
    assert!(bytes.len() < 64 << 10, "{} bytes compressed", bytes.len());
    std::fs::write(&path, &bytes).unwrap();
    let err = read_idx(&path, IdxKind::Images).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TruncatedPayload {
                expected: 2_147_483_648,
                found: 8_388_608,
                ..
            }
        ),
        "{err}"
    );
    assert_nothing_large_allocated();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A valid-looking image file of one 8192 × 8192 image is refused from its
/// header, before its 64 MiB of data are read or a model is built for it.
#[test]
fn one_huge_image_is_refused_from_the_header() {
    let dir = temp_dir("image");
    let images = dir.join("train-images-idx3-ubyte");
    let mut file = std::fs::File::create(&images).unwrap();
    file.write_all(&header(&[1, 8192, 8192])).unwrap();
    // The data as a sparse file: the file is complete and valid.
    file.set_len(16 + 8192 * 8192).unwrap();
    drop(file);
    let mut labels = header(&[1]);
    labels.push(3);
    for name in ["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"] {
        std::fs::write(dir.join(name), &labels).unwrap();
    }
    std::fs::copy(&images, dir.join("t10k-images-idx3-ubyte")).unwrap();
    let err = load_idx_dir(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::ImageTooLarge {
                rows: 8192,
                cols: 8192,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains(&MAX_IMAGE_PIXELS.to_string()),
        "{err}"
    );
    assert_nothing_large_allocated();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Three 28 × 28 images.
fn tiny() -> Dataset {
    Dataset::new(vec![7u8; 3 * 784], 28, 28, vec![0, 1, 2], 10)
}

/// A batch of ten million is clamped to the three examples there are: the
/// batch buffer holds what the data holds, not batch × 784 values.
#[test]
fn huge_batch_is_clamped_to_the_data() {
    let ds = tiny();
    let cfg = TrainConfig {
        epochs: 1,
        batch: 10_000_000,
        ..TrainConfig::default()
    };
    let report = train::<f32>(&ds, &ds, &cfg, &mut |_| {}).unwrap();
    assert_eq!(report.epochs.len(), 1);
    assert_nothing_large_allocated();
}

/// A billion epochs is refused by the configuration check, before the
/// model is built; the limit itself is accepted.
#[test]
fn epochs_beyond_the_limit_are_refused() {
    let ds = tiny();
    let cfg = TrainConfig {
        epochs: 1_000_000_000,
        ..TrainConfig::default()
    };
    let err = train::<f32>(&ds, &ds, &cfg, &mut |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            NnError::Config {
                field: "epochs",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&MAX_EPOCHS.to_string()), "{err}");
    let at_limit = TrainConfig {
        epochs: MAX_EPOCHS,
        ..TrainConfig::default()
    };
    assert!(at_limit.validate().is_ok());
    assert_nothing_large_allocated();
}

/// The CNN refuses images it would flatten to nothing (below 4 × 4) and
/// trains on the smallest it accepts.
#[test]
fn cnn_refuses_images_below_4x4() {
    let cfg = TrainConfig {
        model: ModelSpec::Cnn,
        epochs: 1,
        ..TrainConfig::default()
    };
    for side in [2, 3] {
        let ds = Dataset::new(vec![9u8; 2 * side * side], side, side, vec![0, 1], 10);
        let err = train_model::<f32>(&ds, &ds, &cfg, &mut |_| {}).unwrap_err();
        assert!(matches!(err, NnError::Config { .. }), "{side}: {err}");
        assert!(err.to_string().contains("4x4"), "{err}");
    }
    let ds = Dataset::new(vec![9u8; 2 * 16], 4, 4, vec![0, 1], 10);
    assert!(train_model::<f32>(&ds, &ds, &cfg, &mut |_| {}).is_ok());
}
