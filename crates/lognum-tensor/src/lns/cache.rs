//! A cache of values built once per key (a type, usually) and kept for the
//! life of the process: the kernels' tables.
//!
//! A `static` inside a generic function is one static for every
//! instantiation, so a per-type value cannot live in a generic `OnceLock`.
//! [`Cache`] keeps one `OnceLock` per key instead: the map lock is held
//! only to find or insert the key's cell, and the value is built outside
//! it, by exactly one caller, while racing first users of the same key
//! wait for that build (other keys are not held up).

use std::collections::BTreeMap;
use std::sync::{OnceLock, RwLock};

/// Values of type `T`, one per key, each built once.
pub(crate) struct Cache<K, T: 'static> {
    cells: RwLock<BTreeMap<K, &'static OnceLock<T>>>,
}

impl<K: Ord + Copy, T: Send + Sync + 'static> Cache<K, T> {
    /// An empty cache (for a `static`).
    pub(crate) const fn new() -> Self {
        Cache {
            cells: RwLock::new(BTreeMap::new()),
        }
    }

    /// The value for `key`, built by `build` on its first use.
    pub(crate) fn get_or_init(&self, key: K, build: impl FnOnce() -> T) -> &'static T {
        let found = self
            .cells
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied();
        let cell = match found {
            Some(cell) => cell,
            None => {
                let mut cells = self.cells.write().unwrap_or_else(|e| e.into_inner());
                // One empty cell per key, leaked on purpose: it lives as long
                // as the process, as its value does.
                *cells
                    .entry(key)
                    .or_insert_with(|| Box::leak(Box::new(OnceLock::new())))
            }
        };
        cell.get_or_init(build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Racing first uses build the value once and all see the same one.
    #[test]
    fn racing_first_uses_build_once() {
        static CACHE: Cache<u32, Vec<u32>> = Cache::new();
        static BUILDS: AtomicUsize = AtomicUsize::new(0);
        let seen: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        let v = CACHE.get_or_init(7, || {
                            BUILDS.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            vec![7; 1000]
                        });
                        v.as_ptr() as usize
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
        assert!(seen.iter().all(|&p| p == seen[0]));
        let other = CACHE.get_or_init(8, || vec![8]);
        assert_eq!(other, &[8]);
        assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
    }
}
