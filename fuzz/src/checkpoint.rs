//! The `checkpoint` target: arbitrary bytes read as a checkpoint file.

use lognum::{BitShift, LogNum, Lut};
use lognum_nn::NnScalar;
use lognum_nn::checkpoint::{export_f32, from_bytes, info, to_bytes};
use lognum_nn::lns8::Lns8Mlp;

/// Arbitrary bytes through every reader of checkpoint files: `info`,
/// `from_bytes` for five formats, `export_f32` and the one-byte
/// `Lns8Mlp::from_bytes`. None panics. What one accepts, `info` accepts
/// too; a network that loads saves, and its bytes load back to the same
/// words and save to the same bytes; an export is all `F32` tensors, and
/// is not exported again.
pub fn checkpoint(data: &[u8]) {
    let described = info(data).is_ok();
    let mut loaded = false;
    loaded |= round_trip::<f32>(data);
    loaded |= round_trip::<f64>(data);
    loaded |= round_trip::<LogNum<10, Lut>>(data);
    loaded |= round_trip::<LogNum<6, BitShift>>(data);
    loaded |= round_trip::<half::bf16>(data);
    if let Ok(exported) = export_f32(data) {
        loaded = true;
        let out = info(&exported).expect("an export is a readable file");
        assert_eq!(out.format, "f32-export");
        assert!(out.tensors.iter().all(|t| t.1 == "F32"), "{out:?}");
        assert!(export_f32(&exported).is_err(), "an export exported again");
    }
    if let Ok(net) = Lns8Mlp::<3, Lut>::from_bytes(data) {
        loaded = true;
        let bytes = net.to_bytes().expect("a loaded one-byte network saves");
        let back = Lns8Mlp::<3, Lut>::from_bytes(&bytes).expect("a saved one-byte network loads");
        assert_eq!(back.to_bytes().expect("saves again"), bytes);
    }
    assert!(!loaded || described, "loaded but `info` refused it");
}

/// Loads `data` as format `T`; if it loads, saves and loads again and
/// compares the words. True if it loaded.
fn round_trip<T: NnScalar>(data: &[u8]) -> bool {
    let Ok(net) = from_bytes::<T>(data) else {
        return false;
    };
    let bytes = to_bytes(&net).expect("a loaded network saves");
    let back = from_bytes::<T>(&bytes).expect("a saved network loads");
    let words = |p: Vec<f64>| p.into_iter().map(f64::to_bits).collect::<Vec<_>>();
    assert_eq!(words(net.params_f64()), words(back.params_f64()));
    assert_eq!(to_bytes(&back).expect("saves again"), bytes);
    true
}
