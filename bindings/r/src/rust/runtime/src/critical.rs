//! Critical sections: one process-wide lock for the unnamed one, one lock per name for named
//! ones, as OpenMP's `critical` and `critical(name)`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

static UNNAMED: Mutex<()> = Mutex::new(());

fn named_lock(name: &str) -> Arc<Mutex<()>> {
    static NAMED: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut names = NAMED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    Arc::clone(names.entry(name.to_owned()).or_default())
}

/// Runs `f` while no other thread runs an unnamed critical section (OpenMP's `critical`). A panic
/// in `f` releases the lock.
///
/// ```
/// let mut count = 0;
/// let cell = std::sync::Mutex::new(&mut count);
/// parfor::parallel(|_| parfor::critical(|| **cell.lock().unwrap() += 1));
/// assert!(count >= 1);
/// ```
pub fn critical<R>(f: impl FnOnce() -> R) -> R {
    let _guard = UNNAMED.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

/// Runs `f` while no other thread runs a critical section of the same `name`; sections of other
/// names may run at the same time.
///
/// ```
/// let r = parfor::critical_named("log", || 7);
/// assert_eq!(r, 7);
/// ```
pub fn critical_named<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let lock = named_lock(name);
    let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

impl crate::Team {
    /// [`critical`] from a team handle.
    ///
    /// ```
    /// parfor::parallel(|t| t.critical(|| ()));
    /// ```
    pub fn critical<R>(&self, f: impl FnOnce() -> R) -> R {
        critical(f)
    }

    /// [`critical_named`] from a team handle.
    ///
    /// ```
    /// parfor::parallel(|t| t.critical_named("io", || ()));
    /// ```
    pub fn critical_named<R>(&self, name: &str, f: impl FnOnce() -> R) -> R {
        critical_named(name, f)
    }
}
