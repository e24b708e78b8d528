//! OpenMP locks: `omp_lock_t` (4 bytes in gcc's omp.h) and `omp_nest_lock_t` (16 bytes; 8 in
//! the OpenMP 2.5 layout that the `@OMP_1.0` versions serve), with and without hints.
//!
//! A simple lock is one [`FutexLock`] word, marked held without its owner (a simple lock never
//! asks who holds it). A nested lock is the word, holding its owner's task id, plus a nesting
//! count behind it, so it fits both layouts: the owning task may set it again, and it is free when
//! the count returns to 0. Locks are owned by tasks (OpenMP 3.0): inside a region, even a team of
//! one, a lock held by the encountering task is another task's. Hints are accepted and ignored
//! (allowed by the specification).
//!
//! ```c
//! omp_lock_t l; omp_init_lock(&l); omp_set_lock(&l); omp_unset_lock(&l); omp_destroy_lock(&l);
//! ```

use crate::futex_lock::FutexLock;
use crate::task_env::task_id;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// gcc's `omp_lock_t`: one 4-byte word.
pub type OmpLock = AtomicU32;

/// gcc's `omp_nest_lock_t` (its first 8 bytes): the lock word and the nesting count, which only
/// the owner touches.
#[repr(C)]
pub struct OmpNestLock {
    word: AtomicU32,
    count: AtomicU32,
}

/// Initialises a simple lock (unlocked).
///
/// # Safety
/// `lock` points to writable, 4-aligned `omp_lock_t` storage.
#[no_mangle]
pub unsafe extern "C" fn omp_init_lock(lock: *mut OmpLock) {
    // SAFETY: the caller passes omp_lock_t storage.
    unsafe { lock.write(AtomicU32::new(0)) }
}

/// As [`omp_init_lock`]; the hint is ignored.
///
/// # Safety
/// As [`omp_init_lock`].
#[no_mangle]
pub unsafe extern "C" fn omp_init_lock_with_hint(lock: *mut OmpLock, _hint: u32) {
    // SAFETY: same contract.
    unsafe { omp_init_lock(lock) }
}

/// Destroys a simple lock (nothing to free).
///
/// # Safety
/// `lock` was initialised.
#[no_mangle]
pub unsafe extern "C" fn omp_destroy_lock(_lock: *mut OmpLock) {}

/// Waits for the lock and takes it.
///
/// # Safety
/// `lock` was initialised and is not destroyed meanwhile.
#[no_mangle]
pub unsafe extern "C" fn omp_set_lock(lock: *mut OmpLock) {
    // SAFETY: the caller passes a live, initialised lock.
    FutexLock(unsafe { &*lock }).lock()
}

/// Releases the lock.
///
/// # Safety
/// As [`omp_set_lock`]; this thread holds the lock.
#[no_mangle]
pub unsafe extern "C" fn omp_unset_lock(lock: *mut OmpLock) {
    // SAFETY: the caller passes a live, initialised lock.
    FutexLock(unsafe { &*lock }).unlock()
}

/// Takes the lock if it is free: 1 if taken, 0 if not.
///
/// # Safety
/// As [`omp_set_lock`].
#[no_mangle]
pub unsafe extern "C" fn omp_test_lock(lock: *mut OmpLock) -> i32 {
    // SAFETY: the caller passes a live, initialised lock.
    i32::from(FutexLock(unsafe { &*lock }).try_lock())
}

/// Initialises a nested lock (unlocked, count 0).
///
/// # Safety
/// `lock` points to writable `omp_nest_lock_t` storage (8 bytes at least, 4-aligned).
#[no_mangle]
pub unsafe extern "C" fn omp_init_nest_lock(lock: *mut OmpNestLock) {
    let free = OmpNestLock {
        word: AtomicU32::new(0),
        count: AtomicU32::new(0),
    };
    // SAFETY: the caller passes omp_nest_lock_t storage.
    unsafe { lock.write(free) }
}

/// As [`omp_init_nest_lock`]; the hint is ignored.
///
/// # Safety
/// As [`omp_init_nest_lock`].
#[no_mangle]
pub unsafe extern "C" fn omp_init_nest_lock_with_hint(lock: *mut OmpNestLock, _hint: u32) {
    // SAFETY: same contract.
    unsafe { omp_init_nest_lock(lock) }
}

/// Destroys a nested lock (nothing to free).
///
/// # Safety
/// `lock` was initialised.
#[no_mangle]
pub unsafe extern "C" fn omp_destroy_nest_lock(_lock: *mut OmpNestLock) {}

impl OmpNestLock {
    /// Takes the lock (waiting unless `only_try`) or nests it again; returns the new count, 0
    /// when not taken.
    fn acquire(&self, only_try: bool) -> u32 {
        let word = FutexLock(&self.word);
        let me = task_id();
        if word.owner() != me {
            if only_try {
                if !word.try_lock_as(me) {
                    return 0;
                }
            } else {
                word.lock_as(me);
            }
        }
        // Only the owner reads or writes the count: relaxed is enough.
        let count = self.count.load(Relaxed) + 1;
        self.count.store(count, Relaxed);
        count
    }

    /// Leaves one nesting level; frees the lock when it was the last.
    fn release(&self) {
        let count = self.count.load(Relaxed) - 1;
        self.count.store(count, Relaxed);
        if count == 0 {
            FutexLock(&self.word).unlock();
        }
    }
}

/// Takes the nested lock, or nests it again when this thread holds it.
///
/// # Safety
/// `lock` was initialised and is not destroyed meanwhile.
#[no_mangle]
pub unsafe extern "C" fn omp_set_nest_lock(lock: *mut OmpNestLock) {
    // SAFETY: the caller passes a live, initialised lock.
    unsafe { &*lock }.acquire(false);
}

/// Leaves one nesting level of the lock; it is free when the count returns to 0.
///
/// # Safety
/// As [`omp_set_nest_lock`]; this thread holds the lock.
#[no_mangle]
pub unsafe extern "C" fn omp_unset_nest_lock(lock: *mut OmpNestLock) {
    // SAFETY: the caller passes a live, initialised lock.
    unsafe { &*lock }.release()
}

/// Takes or nests the lock if possible: the new nesting count, or 0 when another thread holds it.
///
/// # Safety
/// As [`omp_set_nest_lock`].
#[no_mangle]
pub unsafe extern "C" fn omp_test_nest_lock(lock: *mut OmpNestLock) -> i32 {
    // SAFETY: the caller passes a live, initialised lock.
    let count = unsafe { &*lock }.acquire(true);
    i32::try_from(count).unwrap_or(i32::MAX)
}
